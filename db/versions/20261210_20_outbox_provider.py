"""The outbox remembers what an SMS provider needs, and what its delivery receipt said

Alibaba Cloud and Tencent Cloud send a template registered with them plus its parameters,
not free text: each message keeps the key of the clinic's template it was rendered from and
the placeholder values (``template_key``, ``params_json``). A message a provider accepted
keeps the provider's id for it (BizId / SerialNo, ``provider_id``) and which provider that
was, so the receipts pulled later find it; ``delivery`` is ``unknown`` until a receipt says
``delivered`` (at ``delivered_at``) or ``failed`` (``delivery_error`` says why). Messages
queued before this revision have no template key: a provider refuses them with that reason,
and the other channels send them as before.

Revision ID: 20261210_20
Revises: 20261209_19
Create Date: 2026-12-10 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261210_20"
down_revision = "20261209_19"
branch_labels = None
depends_on = None

_COLUMNS = ("template_key", "params_json", "provider", "provider_id", "delivery",
            "delivered_at", "delivery_error")


# Plain ALTER TABLE, not a batch: a batch would copy outbox_message and drop the original,
# which campaign_member's foreign key to it forbids. Every new column is nullable, so the
# rows already there need no default. SQLite drops a column since 3.35.
def upgrade() -> None:
    op.add_column("outbox_message", sa.Column("template_key", sa.String(length=32), nullable=True))
    op.add_column("outbox_message", sa.Column("params_json", sa.Text(), nullable=True))
    op.add_column("outbox_message", sa.Column("provider", sa.String(length=8), nullable=True))
    op.add_column("outbox_message", sa.Column("provider_id", sa.String(length=64), nullable=True))
    op.add_column("outbox_message", sa.Column("delivery", sa.String(length=12), nullable=True))
    op.add_column("outbox_message", sa.Column("delivered_at", sa.DateTime(), nullable=True))
    op.add_column("outbox_message", sa.Column("delivery_error", sa.Text(), nullable=True))
    op.create_index("ix_outbox_delivery", "outbox_message", ["delivery", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_delivery", table_name="outbox_message")
    for column in reversed(_COLUMNS):
        op.drop_column("outbox_message", column)
