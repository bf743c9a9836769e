"""The ledger's entries of one visit are found through an index

The payment dialog asks, for each visit it offers, whether the tier's discount was given on
it already, and a receipt or an undone visit reads the visit's entries. Without an index each
of these read the whole ledger (a second per question at a million entries).

Revision ID: 20261205_13
Revises: 20261204_12
Create Date: 2026-12-05 00:30:00
"""

from __future__ import annotations

from alembic import op

revision = "20261205_13"
down_revision = "20261204_12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_entry_visit_id", "ledger_entry", ["visit_id"])


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_visit_id", table_name="ledger_entry")
