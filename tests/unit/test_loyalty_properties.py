"""Whatever happens at the desk, every balance is the sum of its entries and the balances that
must not go negative never do (hypothesis: random top-ups, visits, payments, refunds, points
redemptions and reversals)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.services import billing
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.loyalty import balances, payments, points, stored_value
from clinic_desktop.services.loyalty.payments import PaymentPart, PaymentRequest
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import Checkout, PointsEntry
from tests.conftest import FIXED_NOW, PgTemplates
from tests.unit.loyalty_helpers import setup_loyalty

amounts = st.integers(min_value=1, max_value=3000).map(Decimal)
step = st.one_of(
    st.tuples(st.just("topup"), amounts, st.booleans()),
    st.tuples(st.just("visit"), amounts, st.booleans()),
    st.tuples(st.just("pay"), amounts, st.sampled_from(["cash", "stored_value", "bonus"])),
    st.tuples(st.just("points"), st.integers(min_value=100, max_value=5000), st.just(None)),
    st.tuples(st.just("refund"), amounts, st.sampled_from(["cash", "stored_value"])),
    st.tuples(st.just("withdraw"), amounts, st.just(None)),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=20), st.just(None)),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_balances_are_sums_of_entries_and_never_negative(
        request: pytest.FixtureRequest, db_engine: str,
        tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, object, object]]
) -> None:
    with _empty_clinic(request, db_engine, tmp_path_factory) as db:
        _run_steps(db, steps)


@contextlib.contextmanager
def _empty_clinic(request: pytest.FixtureRequest, db_engine: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A new migrated clinic for each example, on the test's engine."""
    if db_engine == "postgresql":
        templates: PgTemplates = request.getfixturevalue("pg_templates")
        name, _actor = templates.copy(None)
        db = open_database(url=templates.url_for(name))
        try:
            yield db
        finally:
            db.close()
            templates.drop(name)
        return
    db = open_database(DataDir(tmp_path_factory.mktemp("prop") / "clinic"))
    try:
        yield db
    finally:
        db.close()


def _run_steps(db: Database, steps: list[tuple[str, object, object]]) -> None:
    clock = FixedClock(FIXED_NOW)
    actor = setup_clinic(db, clinic_name="测试", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="s3cret-pass", clock=clock)
    ctx = Context(db=db, actor=actor, clock=clock)
    c = setup_loyalty(ctx)
    pid = c.patient
    for kind, value, option in steps:
        # A refusal must have written nothing: the sums below would show it.
        with contextlib.suppress(UserError):
            _apply(c.ctx, pid, c, kind, value, option)
    _check(ctx, pid)


def _apply(ctx: Context, pid: int, c: object, kind: str, value: object, option: object) -> None:
    procs = c.procs  # type: ignore[attr-defined]
    if kind == "topup":
        stored_value.top_up(ctx, pid, amount=Decimal(str(value)) * 3, method="cash",
                            plan_id=c.plan if option else None)  # type: ignore[attr-defined]
    elif kind == "visit":
        billing.record_visit(ctx, pid, visit_date=date(2026, 11, 24), doctor_id=None,
                             lines=[TreatmentLine(procs["树脂补牙" if option else "超声洁牙"],
                                                  Decimal(str(value)))])
    elif kind == "pay":
        payments.take_payment(ctx, PaymentRequest(
            pid, parts=(PaymentPart(str(option), Decimal(str(value))),), excess="credit"))
    elif kind == "points":
        payments.take_payment(ctx, PaymentRequest(pid, points=int(str(value))))
    elif kind == "refund":
        billing.add_entry(ctx, pid, kind="refund", amount=Decimal(str(value)),
                          method=str(option))
    elif kind == "withdraw":
        stored_value.refund_stored_value(ctx, pid, amount=Decimal(str(value)), method="cash",
                                         reason="退")
    elif kind == "reverse":
        with ctx.transaction() as session:
            ids = session.execute(select(Checkout.id).where(
                Checkout.reverses_id.is_(None)).order_by(Checkout.id)).scalars().all()
        if ids:
            payments.reverse_checkout(ctx, ids[int(str(value)) % len(ids)], reason="冲正")


def _check(ctx: Context, pid: int) -> None:
    summary = balances.balances_of(ctx, pid)
    with ctx.transaction() as session:
        entries = session.execute(select(LedgerEntry).where(
            LedgerEntry.holder_id == pid)).scalars().all()
        sign = billing.POT_SIGNS
        principal = sum((e.amount * sign[e.kind] for e in entries if e.pot == "principal"),
                        Decimal(0))
        bonus = sum((e.amount * sign[e.kind] for e in entries if e.pot == "bonus"), Decimal(0))
        points_total = session.execute(select(func.coalesce(func.sum(PointsEntry.points), 0))
                                       .where(PointsEntry.patient_id == pid)).scalar_one()
        own = session.execute(select(LedgerEntry).where(
            LedgerEntry.patient_id == pid)).scalars().all()
    net = sum((e.amount * {"charge": 1, "discount": -1, "payment": -1, "refund": 1}.get(e.kind, 0)
               for e in own), Decimal(0))
    assert summary.stored_value == principal + bonus
    assert summary.stored_value_bonus == bonus
    assert summary.points == points_total
    assert summary.owed - summary.credit == net
    assert principal >= 0 and bonus >= 0, (principal, bonus)
    assert summary.points >= 0
    assert summary.points_available >= 0
    assert points.points_summary(ctx, pid).balance == summary.points
    assert balances.check_balances(ctx) == []
