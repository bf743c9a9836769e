"""Segments, RFM and the dashboard read the ledger's money from covering indexes

"Owes money" sums every entry of every patient, and "spent in a period" and RFM every charge
and discount of a period. With only the (patient, at) index each of these looked a million
table rows up (1–1.4 s for a segment count; the goal is 200 ms). ``(patient_id, kind, at,
amount)`` gives each patient's sums in one pass in patient order without reading the table
(about 0.2 s at a million entries). One index, not one per question: a second one, ``(kind,
at, patient_id, amount)``, made a period's spend ~60 ms faster but cost the import three
times as much as this one (entries arrive in patient order, not by kind and time).

The dashboard and the daily closing sum a period's entries by kind, method and pot, and a
segment's "spent in a period" by patient: ``(kind, at, method, pot, amount, patient_id)``
answers both from the index alone (a year's figures went from
about 3 s of row look-ups to under 1 s at a million entries). The index on ``patient_id``
alone goes: both patient indexes begin with it, and its upkeep offsets the new one's on an
import.

Revision ID: 20261207_15
Revises: 20261206_14
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

from alembic import op

revision = "20261207_15"
down_revision = "20261206_14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_entry_patient_kind_at", "ledger_entry",
                    ["patient_id", "kind", "at", "amount"])
    op.create_index("ix_ledger_entry_kind_at", "ledger_entry",
                    ["kind", "at", "method", "pot", "amount", "patient_id"])
    op.drop_index("ix_ledger_entry_patient_id", table_name="ledger_entry")


def downgrade() -> None:
    op.create_index("ix_ledger_entry_patient_id", "ledger_entry", ["patient_id"])
    op.drop_index("ix_ledger_entry_kind_at", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_patient_kind_at", table_name="ledger_entry")
