"""A membership tier an import created carries the import's batch id

A legacy sheet's 会员等级 may name a tier the clinic does not have; the import can create it
(given by hand only). Like the tags, procedures and doctors an import adds, the tier carries
the batch id, so undoing the import removes it when nothing else uses it.

Revision ID: 20261204_12
Revises: 20261203_11
Create Date: 2026-12-04 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261204_12"
down_revision = "20261203_11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loyalty_tier") as batch:
        batch.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch.create_index("ix_loyalty_tier_import_batch_id", ["import_batch_id"])


def downgrade() -> None:
    with op.batch_alter_table("loyalty_tier") as batch:
        batch.drop_index("ix_loyalty_tier_import_batch_id")
        batch.drop_column("import_batch_id")
