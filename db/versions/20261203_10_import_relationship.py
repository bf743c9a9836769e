"""What a legacy import brings besides patients and visits

The patient's emergency contact (name and phone) and a referrer kept as text when the
sheet's referrer matches nobody; tags, procedures and (inactive) doctors an import created
carry its batch id, so undoing the import removes them too.

Revision ID: 20261203_10
Revises: 20261202_09
Create Date: 2026-12-03 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_10"
down_revision = "20261202_09"
branch_labels = None
depends_on = None

TABLES = ("tag", "patient_tag", "procedure_type", "staff")


def upgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("emergency_contact", sa.String(64), nullable=True))
        batch.add_column(sa.Column("emergency_phone", sa.String(32), nullable=True))
        batch.add_column(sa.Column("referrer_note", sa.String(64), nullable=True))
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
            batch.create_index(f"ix_{table}_import_batch_id", ["import_batch_id"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_import_batch_id")
            batch.drop_column("import_batch_id")
    with op.batch_alter_table("patient") as batch:
        batch.drop_column("referrer_note")
        batch.drop_column("emergency_phone")
        batch.drop_column("emergency_contact")
