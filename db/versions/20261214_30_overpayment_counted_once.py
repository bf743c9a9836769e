"""An overpayment put on the card is counted once: the payments it was paid with are corrected

Until this release, money handed over beyond what was owed and put on the stored-value card
(收款 → 多付部分存入储值) was written as a payment of the whole sum *and* a top-up of the
excess: ¥1,000 cash for ¥400 owed gave a ¥1,000 payment and a ¥600 top-up, so the patient
showed ¥600 of credit (预存) besides the ¥600 on the card, and the day's takings counted the
¥600 twice. The payment is now only what was owed (``payments.take_payment``).

Here each such checkout still standing (neither reversed nor a reversal, whose entries net
out already) gets a correcting payment entry of minus its excess, taken from its last money
payments first as the service now does, dated when the payment was taken so that day's
figures come right, marked ``source = 'overpaid_twice'``. The ledger's triggers keep the
money and day caches in step; a downgrade deletes the corrections. A top-up the service
writes now carries ``source = 'excess'``, so running this again (after a downgrade) leaves
its checkouts alone.

Revision ID: 20261214_30
Revises: 20261213_29
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261214_30"
down_revision = "20261213_29"
branch_labels = None
depends_on = None

MONEY = ("cash", "wechat", "alipay", "card", "insurance")
SOURCE = "overpaid_twice"
NOTE = "更正：多付存入储值的部分曾重复记为付款"

_STANDING = """
    c.reverses_id IS NULL
    AND NOT EXISTS (SELECT 1 FROM checkout r WHERE r.reverses_id = c.id)"""


def upgrade() -> None:
    bind = op.get_bind()
    money = sa.bindparam("money", MONEY, expanding=True)
    excesses = bind.execute(sa.text(f"""
        SELECT e.checkout_id, SUM(e.amount) FROM ledger_entry e
        JOIN checkout c ON c.id = e.checkout_id
        WHERE e.kind = 'topup' AND e.pot = 'principal' AND e.method IN :money
          AND e.source IS NULL AND {_STANDING}
          AND EXISTS (SELECT 1 FROM ledger_entry p WHERE p.checkout_id = c.id
                      AND p.kind = 'payment' AND p.method IN :money)
        GROUP BY e.checkout_id ORDER BY e.checkout_id""").bindparams(money)).all()
    for checkout_id, excess in excesses:
        left = int(excess)
        payments = bind.execute(sa.text("""
            SELECT id, patient_id, at, method, amount, visit_id, created_by FROM ledger_entry
            WHERE checkout_id = :checkout AND kind = 'payment' AND method IN :money
            ORDER BY id DESC""").bindparams(money, checkout=checkout_id)).all()
        for row in payments:
            if left <= 0:
                break
            taken = min(int(row.amount), left)
            left -= taken
            bind.execute(sa.text("""
                INSERT INTO ledger_entry (patient_id, at, kind, method, amount, visit_id, note,
                                          created_by, checkout_id, source, source_id)
                VALUES (:patient, :at, 'payment', :method, :amount, :visit, :note, :by,
                        :checkout, :source, :corrects)"""),
                {"patient": row.patient_id, "at": row.at, "method": row.method,
                 "amount": -taken, "visit": row.visit_id, "note": NOTE, "by": row.created_by,
                 "checkout": checkout_id, "source": SOURCE, "corrects": row.id})


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM ledger_entry WHERE source = :source")
               .bindparams(source=SOURCE))
