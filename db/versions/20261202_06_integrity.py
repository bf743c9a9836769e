"""Integrity: a counter table for patient codes, and the audit key of each entry

Patient codes came from ``max(id) + 1``, read outside any lock; they now come from a counter
row updated in the creating transaction. The counter starts past every id already used.
Audit entries gain ``key_id`` (the fingerprint of the key their HMAC was made with); entries
from before have none and keep their plain SHA-256.

Revision ID: 20261202_06
Revises: 20261124_05
Create Date: 2026-12-02 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_06"
down_revision = "20261124_05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    counter = op.create_table(
        "counter",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counter")),
    )
    highest = op.get_bind().execute(sa.text("SELECT coalesce(max(id), 0) FROM patient")).scalar()
    op.bulk_insert(counter, [{"name": "patient_code", "value": int(highest or 0)}])
    # A plain ADD COLUMN: no table rebuild (the audit table is append-only and may be large).
    op.add_column("audit_entry", sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_column("key_id")
    op.drop_table("counter")
