"""Patients have an e-mail address: e-mail becomes a channel automatic messages can use

Until now a patient had no e-mail address on file, so only a message queued by hand (its
recipient typed in) could go by e-mail. The address is optional, kept as typed (trimmed,
lower-cased domain) and, like the WeChat ID, not masked: it is not a phone number.

Revision ID: 20261212_23
Revises: 20261211_22
Create Date: 2026-12-12 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261212_23"
down_revision = "20261211_22"
branch_labels = None
depends_on = None


# Plain ALTER TABLE: a batch copy of ``patient`` would drop the search triggers and the
# foreign keys other tables hold on it.
def upgrade() -> None:
    op.add_column("patient", sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    op.drop_column("patient", "email")
