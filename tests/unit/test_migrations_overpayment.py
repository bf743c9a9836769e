"""Migration 30: an overpayment the earlier payment code wrote twice (the whole sum as the
payment, the excess again as a top-up) is corrected to a payment of what was owed; a checkout
since reversed, a plain top-up and a payment without an excess are left as they are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alembic import command
from sqlalchemy import text

from clinic_desktop.context import Context
from clinic_desktop.services import billing
from clinic_desktop.services.loyalty import balances, payments, stored_value
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.migrate import alembic_config
from tests.unit.loyalty_helpers import setup_loyalty
from tests.unit.test_loyalty import _pay, _visit

D = Decimal


def _as_written_before(database: Database, checkout_id: int | None, excess: int) -> None:
    """The checkout's money payment as the earlier code wrote it: the excess in it too."""
    with database.engine.begin() as connection:
        connection.execute(text(
            "UPDATE ledger_entry SET amount = amount + :excess WHERE id = (SELECT MAX(id) FROM "
            "ledger_entry WHERE checkout_id = :checkout AND kind = 'payment')"),
            {"excess": excess, "checkout": checkout_id})
        connection.execute(text("UPDATE ledger_entry SET source = NULL WHERE checkout_id = "
                                ":checkout AND kind = 'topup'"), {"checkout": checkout_id})


def _migrate_again(database: Database) -> None:
    with database.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261213_29")
        command.upgrade(config, "head")


def test_an_overpayment_written_twice_is_counted_once(admin_ctx: Context,
                                                      database: Database) -> None:
    c = setup_loyalty(admin_ctx)
    doubled = _pay(c, _visit(c, ("树脂补牙", "400")), ("cash", "300"), ("wechat", "700"),
                   excess="stored_value")  # paid 300 cash + 100 wechat, 600 wechat stored
    reversed_ = _pay(c, _visit(c, ("树脂补牙", "200")), ("cash", "500"), excess="stored_value")
    stored_value.top_up(c.ctx, c.patient, amount=D(100), method="cash")
    _pay(c, _visit(c, ("树脂补牙", "50")), ("cash", "50"))
    _as_written_before(database, doubled.checkout_id, 60000)
    _as_written_before(database, reversed_.checkout_id, 30000)
    assert reversed_.checkout_id is not None
    payments.reverse_checkout(c.ctx, reversed_.checkout_id, reason="录错")
    before = billing.get_balance(c.ctx, c.patient)
    assert (before.credit, before.total_paid) == (D(400), D(1050))  # the old double count

    _migrate_again(database)

    after = billing.get_balance(c.ctx, c.patient)
    assert (after.owed, after.credit, after.total_paid, after.stored_value) == (
        D(200), D(0), D(450), D(700))  # the reversed visit's 200 is owed, as it was
    by_method: dict[str | None, Decimal] = {}
    for entry in billing.ledger_of(c.ctx, c.patient):
        if entry.kind == "payment" and entry.checkout_id == doubled.checkout_id:
            by_method[entry.method] = by_method.get(entry.method, D(0)) + entry.amount
    assert by_method == {"cash": D(300), "wechat": D(100)}  # as the service writes it now
    assert balances.check_balances(c.ctx) == []  # the kept sums follow the corrections

    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "20261213_29")
    assert billing.get_balance(c.ctx, c.patient).credit == D(400)  # the corrections gone
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def test_a_clinic_without_such_payments_is_unchanged(admin_ctx: Context,
                                                     database: Database) -> None:
    c = setup_loyalty(admin_ctx)
    _pay(c, _visit(c, ("树脂补牙", "400")), ("cash", "1000"), excess="stored_value")
    billing.record_visit(c.ctx, c.friend, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[billing.TreatmentLine(c.procs["树脂补牙"], D(100))])
    billing.add_entry(c.ctx, c.friend, kind="payment", amount=D(300), method="cash",
                      excess="stored_value")  # the ledger dialog's way: right already
    ledger = {pid: billing.ledger_of(c.ctx, pid) for pid in (c.patient, c.friend)}
    _migrate_again(database)
    assert {pid: billing.ledger_of(c.ctx, pid) for pid in ledger} == ledger
