"""Each patient's owed, spend and stored value kept as the ledger changes, and spend per month

A segment on money summed the ledger: "owes money" read every one of a million entries (a
grouped pass, ~0.25 s), "spent in a period" the period's charges, "stored value at least x"
every card's entries. ``patient_money`` keeps, per patient, what is owed, what was spent
ever and the stored value they hold; ``patient_month_spend`` the spend of each UTC calendar
month, so a period is its whole months from here and its two partial ends from the ledger
(``services/insight/patient_money.py``).

The triggers below keep both exact by arithmetic: whatever inserts, updates or deletes a
ledger entry — a service, the import, a merge, an import's undo, a script — adds the new
row's part and takes the old row's part away, in the same statement's transaction. The
definitions are the loyalty balances' (owed: charges and refunds less discounts and
payments; spend: charges less discounts; stored: a pot's entries, +topup +refund −payment
−withdraw −forfeit, counted for the card's holder) and are written out here, not imported,
so this revision keeps meaning what it meant; ``clinic-desktop check`` compares the tables
with the ledger.

The tables are filled from the existing ledger here (one grouped pass per figure). SQLite
only: on PostgreSQL the tables stay empty and the segments sum the ledger until the
PostgreSQL migrations give the server the same triggers (issue 16), which must fill them
then.

Revision ID: 20261211_21
Revises: 20261210_20
Create Date: 2026-12-11 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261211_21"
down_revision = "20261210_20"
branch_labels = None
depends_on = None


def _owed(row: str) -> str:
    a = f"{row}.amount"
    return (f"CASE {row}.kind WHEN 'payment' THEN -{a} WHEN 'charge' THEN {a} "
            f"WHEN 'discount' THEN -{a} WHEN 'refund' THEN {a} ELSE 0 END")


def _spend(row: str) -> str:
    a = f"{row}.amount"
    return f"CASE {row}.kind WHEN 'charge' THEN {a} WHEN 'discount' THEN -{a} ELSE 0 END"


def _pot(row: str) -> str:
    a = f"{row}.amount"
    return (f"CASE {row}.kind WHEN 'topup' THEN {a} WHEN 'refund' THEN {a} "
            f"WHEN 'payment' THEN -{a} WHEN 'withdraw' THEN -{a} WHEN 'forfeit' THEN -{a} "
            "ELSE 0 END")


_OWED_KINDS = "('payment', 'charge', 'discount', 'refund')"
_SPEND_KINDS = "('charge', 'discount')"
_POT_KINDS = "('topup', 'refund', 'payment', 'withdraw', 'forfeit')"


def _month(row: str) -> str:
    return f"date({row}.at, 'start of month')"


def _apply(row: str, sign: str) -> str:
    """Add (sign "") or take away (sign "-") ``row``'s part. Each statement selects nothing
    when the entry plays no part in its figure (a top-up owes nothing), so it writes nothing;
    the WHERE also keeps SQLite's parser from reading ON CONFLICT as a join."""
    return (
        f"INSERT INTO patient_money (patient_id, owed, spend, stored) "
        f"SELECT {row}.patient_id, {sign}({_owed(row)}), {sign}({_spend(row)}), 0 "
        f"WHERE {row}.kind IN {_OWED_KINDS} "
        "ON CONFLICT (patient_id) DO UPDATE SET owed = owed + excluded.owed, "
        "spend = spend + excluded.spend;"
        f"INSERT INTO patient_money (patient_id, owed, spend, stored) "
        f"SELECT {row}.holder_id, 0, 0, {sign}({_pot(row)}) "
        f"WHERE {row}.pot IS NOT NULL AND {row}.holder_id IS NOT NULL "
        f"AND {row}.kind IN {_POT_KINDS} "
        "ON CONFLICT (patient_id) DO UPDATE SET stored = stored + excluded.stored;"
        f"INSERT INTO patient_month_spend (month, patient_id, spend) "
        f"SELECT {_month(row)}, {row}.patient_id, {sign}({_spend(row)}) "
        f"WHERE {row}.kind IN {_SPEND_KINDS} "
        "ON CONFLICT (month, patient_id) DO UPDATE SET spend = spend + excluded.spend;")


TRIGGERS = {
    "money_ledger_insert": ("AFTER INSERT ON ledger_entry", _apply("NEW", "")),
    "money_ledger_delete": ("AFTER DELETE ON ledger_entry", _apply("OLD", "-")),
    "money_ledger_update": (
        "AFTER UPDATE OF patient_id, at, kind, amount, pot, holder_id ON ledger_entry",
        _apply("OLD", "-") + _apply("NEW", "")),
}


# An import pauses the triggers for its batch (a row in patient_money_pause, inside its write
# transaction) and adds the batch's sums itself in one grouped statement: ~10 µs an entry less.
_ACTIVE = "NOT EXISTS (SELECT 1 FROM patient_money_pause)"


def trigger_sql(name: str) -> str:
    event, body = TRIGGERS[name]
    return f"CREATE TRIGGER {name} {event} FOR EACH ROW WHEN {_ACTIVE} BEGIN {body} END"


# The fill: per patient in the order of ix_ledger_entry_patient_kind_at (no sort), then each
# holder's pots through ix_ledger_entry_holder, then each month's spend.
_FILL = (
    f"INSERT INTO patient_money (patient_id, owed, spend, stored) "
    f"SELECT e.patient_id, sum({_owed('e')}), sum({_spend('e')}), 0 FROM ledger_entry e "
    "GROUP BY e.patient_id",
    f"INSERT INTO patient_money (patient_id, owed, spend, stored) "
    f"SELECT e.holder_id, 0, 0, sum({_pot('e')}) FROM ledger_entry e "
    "WHERE e.holder_id IS NOT NULL AND e.pot IS NOT NULL GROUP BY e.holder_id "
    "ON CONFLICT (patient_id) DO UPDATE SET stored = excluded.stored",
    f"INSERT INTO patient_month_spend (month, patient_id, spend) "
    f"SELECT {_month('e')}, e.patient_id, sum({_spend('e')}) FROM ledger_entry e "
    f"WHERE e.kind IN {_SPEND_KINDS} GROUP BY {_month('e')}, e.patient_id",
)


def upgrade() -> None:
    op.create_table(
        "patient_money",
        sa.Column("patient_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("owed", sa.BigInteger(), nullable=False),
        sa.Column("spend", sa.BigInteger(), nullable=False),
        sa.Column("stored", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_patient_money")),
    )
    op.create_table(
        "patient_month_spend",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("patient_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("spend", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "patient_id", name=op.f("pk_patient_month_spend")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "patient_money_pause",
        sa.Column("batch_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_patient_money_pause")),
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _FILL:
        op.execute(statement)
    for name in TRIGGERS:
        op.execute(trigger_sql(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("patient_money_pause")
    op.drop_table("patient_month_spend")
    op.drop_table("patient_money")
