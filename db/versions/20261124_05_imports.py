"""Spreadsheet import batches and their row errors

Plain ALTER TABLE statements (no batch mode): rebuilding the patient table would drop its
search triggers.

Revision ID: 20261124_05
Revises: 20261124_04
Create Date: 2026-11-24 19:16:51.555876
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261124_05"
down_revision = "20261124_04"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("sheet", sa.String(length=128), nullable=False),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.Column("undo_json", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_import_batch_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by"], ["staff.id"], name=op.f("fk_import_batch_undone_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batch_file_sha256"), ["file_sha256"], unique=False
        )

    op.create_table(
        "import_row_error",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("column", sa.String(length=128), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("original_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_import_row_error_batch_id_import_batch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_row_error")),
    )
    with op.batch_alter_table("import_row_error", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_row_error_batch_id"), ["batch_id"], unique=False
        )

    op.add_column("ledger_entry", sa.Column("import_batch_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_ledger_entry_import_batch_id"), "ledger_entry", ["import_batch_id"])

    # ix_patient_name_birth starts with the name: a second index on it only slows inserts.
    op.drop_index("ix_patient_name", table_name="patient")
    op.add_column("patient", sa.Column("import_batch_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_patient_import_batch_id"), "patient", ["import_batch_id"])

    op.add_column("visit", sa.Column("import_batch_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_visit_import_batch_id"), "visit", ["import_batch_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_visit_import_batch_id"), table_name="visit")
    op.drop_column("visit", "import_batch_id")

    op.drop_index(op.f("ix_patient_import_batch_id"), table_name="patient")
    op.drop_column("patient", "import_batch_id")
    op.create_index("ix_patient_name", "patient", ["name"])

    op.drop_index(op.f("ix_ledger_entry_import_batch_id"), table_name="ledger_entry")
    op.drop_column("ledger_entry", "import_batch_id")

    with op.batch_alter_table("import_row_error", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_row_error_batch_id"))

    op.drop_table("import_row_error")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_file_sha256"))

    op.drop_table("import_batch")
