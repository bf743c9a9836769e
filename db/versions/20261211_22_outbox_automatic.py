"""The outbox holds automatic messages: what they are, when they may go, until when they help

Confirmations, reminders, care messages, recall notices, birthday and festival greetings and
satisfaction surveys are queued by the app itself. Each keeps its ``kind``; a message about a
booking keeps its ``appointment_id`` (a move or a cancel withdraws what has not been sent);
``not_before`` is the moment it may be sent (the evening before, two hours before, the end of
the quiet hours) and ``expires_at`` the moment it stops being useful (a reminder: the
appointment's start), after which it is dropped with the reason instead of sent late.
Messages queued by hand before this revision have none of these and go as before.

Revision ID: 20261211_22
Revises: 20261211_21
Create Date: 2026-12-11 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261211_22"
down_revision = "20261211_21"
branch_labels = None
depends_on = None


# Plain ALTER TABLE as in 20261210_20 (campaign_member's foreign key forbids a batch copy).
def upgrade() -> None:
    op.add_column("outbox_message", sa.Column("kind", sa.String(length=16), nullable=True))
    # No foreign key: SQLite cannot add one without a batch copy (which campaign_member's key
    # forbids), and bookings are never deleted (a cancel is a status), so none can dangle.
    op.add_column("outbox_message", sa.Column("appointment_id", sa.Integer(), nullable=True))
    op.add_column("outbox_message", sa.Column("not_before", sa.DateTime(), nullable=True))
    op.add_column("outbox_message", sa.Column("expires_at", sa.DateTime(), nullable=True))
    op.create_index("ix_outbox_appointment", "outbox_message", ["appointment_id"])
    op.create_index("ix_outbox_kind_created", "outbox_message", ["kind", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_kind_created", table_name="outbox_message")
    op.drop_index("ix_outbox_appointment", table_name="outbox_message")
    for column in ("expires_at", "not_before", "appointment_id", "kind"):
        op.drop_column("outbox_message", column)
