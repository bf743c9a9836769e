"""The dashboard's per-day cache gives the figures the visits and the ledger give, and forgets
a day whenever something it was built from changes (services/insight/day_cache.py, the
triggers of migrations 20261209_17 on SQLite and 20261213_28 on PostgreSQL). Each test runs on
both engines: a write on the server shows in the cached figures exactly as on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.demo import DEMO_ADMIN_USERNAME, seed_demo
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.auth import actor_of
from clinic_desktop.services.insight import day_cache
from clinic_desktop.services.insight.dashboard import (
    Dashboard,
    cached_dashboard,
    dashboard,
    direct_dashboard,
)
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.insight import InsightDay
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.settings import Setting
from clinic_desktop.storage.models.staff import Staff
from tests.unit.insight.clinic import Clinic, build, local

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
YEAR = Period(date(2025, 11, 25), date(2026, 11, 24))


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    return build(admin_ctx)


def _both(ctx: Context, period: Period) -> tuple[Dashboard, Dashboard]:
    """(through the cache, straight from the data)."""
    cached = dashboard(ctx, period)
    with ctx.transaction() as session:
        assert day_cache.complete(session, [period, period.previous(), period.year_before()])
        return cached, direct_dashboard(session, period)


def _built(ctx: Context) -> set[date]:
    with ctx.transaction() as session:
        return set(session.execute(select(InsightDay.day).where(
            InsightDay.what == day_cache.BUILT)).scalars())


@pytest.mark.parametrize("period", [NOVEMBER, YEAR, Period(date(2026, 11, 10),
                                                            date(2026, 11, 21))])
def test_the_cache_gives_what_the_data_gives_on_the_hand_built_clinic(
        clinic: Clinic, period: Period) -> None:
    cached, direct = _both(clinic.ctx, period)
    assert cached == direct
    assert cached.summary.current.new_patients == direct.summary.current.new_patients
    assert _built(clinic.ctx) >= {period.first, period.last}


def test_the_cache_gives_what_the_data_gives_on_the_demo_clinic(
        database: Database, fixed_clock: FixedClock) -> None:
    seed_demo(database, clock=fixed_clock, patients=150)
    with database.session() as s:
        admin = s.execute(select(Staff).where(Staff.username == DEMO_ADMIN_USERNAME)).scalar_one()
        actor = actor_of(admin)
    ctx = Context(db=database, actor=actor, clock=fixed_clock)
    for period in (NOVEMBER, YEAR, Period(date(2026, 10, 1), date(2026, 12, 31))):
        cached, direct = _both(ctx, period)
        assert cached == direct, period
        assert cached.summary.current.visits > 0
    # read again, wholly from the cache: still the same
    with ctx.transaction() as session:
        assert cached_dashboard(session, YEAR) == direct_dashboard(session, YEAR)


def test_a_summer_time_zone_keeps_each_entry_on_its_local_day(clinic: Clinic) -> None:
    """Berlin moves its clocks on 29 March and 25 October 2026: entries just before and
    after local midnight around both changes land on the day the direct read gives them."""
    ctx = clinic.ctx
    patient = clinic.patients["A"]
    with ctx.transaction(write=True) as session:
        session.execute(update(Setting).where(Setting.key == "clinic.timezone")
                        .values(value_json='"Europe/Berlin"'))
        for day in (date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30),
                    date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)):
            for hour, minute in ((21, 59), (22, 1), (22, 59), (23, 1)):
                session.add(LedgerEntry(
                    patient_id=patient, kind="payment", method="cash", amount=Decimal(1),
                    at=datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC),
                    note=""))
    for period in (Period(date(2026, 3, 29), date(2026, 3, 29)),
                   Period(date(2026, 3, 28), date(2026, 3, 31)),
                   Period(date(2026, 10, 25), date(2026, 10, 26)),
                   Period(date(2026, 10, 26), date(2026, 10, 27))):
        cached, direct = _both(ctx, period)
        assert cached.summary == direct.summary, period


# -- forgetting: each trigger deletes the days it may change --------------------------------
def _visit_of(session: Session, patient: int) -> Visit:
    return session.execute(select(Visit).where(Visit.patient_id == patient)
                           .order_by(Visit.visit_date)).scalars().first()  # type: ignore[return-value]


def _add_visit(session: Session, clinic: Clinic) -> None:
    session.add(Visit(patient_id=clinic.patients["C"], visit_date=date(2026, 11, 3),
                      doctor_id=next(iter(clinic.doctors.values())), notes="",
                      created_at=datetime(2026, 11, 3, 2, tzinfo=UTC)))


def _backdated_first_visit(session: Session, clinic: Clinic) -> None:
    # B was new on 11-10; a visit found on paper from 11-02 moves that
    session.add(Visit(patient_id=clinic.patients["B"], visit_date=date(2026, 11, 2),
                      doctor_id=None, notes="", created_at=datetime(2026, 11, 20, tzinfo=UTC)))


def _delete_visit(session: Session, clinic: Clinic) -> None:
    visit = _visit_of(session, clinic.patients["E"])
    session.execute(delete(Treatment).where(Treatment.visit_id == visit.id))
    session.execute(update(LedgerEntry).where(LedgerEntry.visit_id == visit.id)
                    .values(visit_id=None))
    session.delete(visit)


def _move_visit(session: Session, clinic: Clinic) -> None:
    _visit_of(session, clinic.patients["A"]).visit_date = date(2026, 11, 6)


def _other_doctor(session: Session, clinic: Clinic) -> None:
    _visit_of(session, clinic.patients["C"]).doctor_id = None


def _new_line(session: Session, clinic: Clinic) -> None:
    visit = _visit_of(session, clinic.patients["D"])
    session.add(Treatment(visit_id=visit.id, procedure_name="涂氟", site="", notes="",
                          amount=Decimal(80)))


def _line_price(session: Session, clinic: Clinic) -> None:
    visit = _visit_of(session, clinic.patients["D"])
    session.execute(update(Treatment).where(Treatment.visit_id == visit.id)
                    .values(amount=Decimal(450)))


def _late_discount(session: Session, clinic: Clinic) -> None:
    # a discount on D's 11-30 visit given in December still lowers that visit's lines
    visit = _visit_of(session, clinic.patients["D"])
    session.add(LedgerEntry(patient_id=clinic.patients["D"], kind="discount", amount=Decimal(50),
                            visit_id=visit.id, at=local(date(2026, 12, 2)), note=""))


def _payment_near_midnight(session: Session, clinic: Clinic) -> None:
    session.add(LedgerEntry(patient_id=clinic.patients["A"], kind="payment", method="wechat",
                            amount=Decimal(30), at=local(date(2026, 11, 18), 23, 50), note=""))


def _reversed_entry_deleted(session: Session, clinic: Clinic) -> None:
    entry = session.execute(select(LedgerEntry).where(
        LedgerEntry.patient_id == clinic.patients["E"], LedgerEntry.method == "alipay")
        .limit(1)).scalar_one()
    session.delete(entry)


def _entry_moved(session: Session, clinic: Clinic) -> None:
    entry = session.execute(select(LedgerEntry).where(
        LedgerEntry.patient_id == clinic.patients["A"], LedgerEntry.kind == "payment")
        .limit(1)).scalar_one()
    entry.at = local(date(2026, 11, 27))


def _source(session: Session, clinic: Clinic) -> None:
    session.get_one(Patient, clinic.patients["A"]).source = "美团"


def _legacy_first_visit(session: Session, clinic: Clinic) -> None:
    session.get_one(Patient, clinic.patients["D"]).first_visit_date = date(2020, 1, 1)


def _merged(session: Session, clinic: Clinic) -> None:
    session.get_one(Patient, clinic.patients["E"]).merged_into_id = clinic.patients["A"]


def _category(session: Session, clinic: Clinic) -> None:
    procedure = session.execute(select(ProcedureType).where(
        ProcedureType.id.in_(select(Treatment.procedure_type_id)))
        .limit(1)).scalar_one()
    procedure.category = "其他"


WRITES: dict[str, Callable[[Session, Clinic], None]] = {
    "a visit": _add_visit,
    "an earlier first visit": _backdated_first_visit,
    "a visit deleted": _delete_visit,
    "a visit moved": _move_visit,
    "a visit's doctor": _other_doctor,
    "a treatment line": _new_line,
    "a line's price": _line_price,
    "a discount given later": _late_discount,
    "a payment at 23:50": _payment_near_midnight,
    "an entry deleted": _reversed_entry_deleted,
    "an entry's time": _entry_moved,
    "a patient's source": _source,
    "a legacy first-visit date": _legacy_first_visit,
    "a merge": _merged,
    "a procedure's category": _category,
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_after_the_cache_was_built_shows_in_the_next_read(
        clinic: Clinic, write: str) -> None:
    ctx = clinic.ctx
    before = dashboard(ctx, NOVEMBER)
    with ctx.transaction(write=True) as session:
        WRITES[write](session, clinic)
    cached, direct = _both(ctx, NOVEMBER)
    assert cached == direct
    assert cached != before  # the write changed something the dashboard shows


def test_a_time_zone_change_forgets_every_day(clinic: Clinic) -> None:
    dashboard(clinic.ctx, NOVEMBER)
    assert _built(clinic.ctx)
    with clinic.ctx.transaction(write=True) as session:
        session.execute(update(Setting).where(Setting.key == "clinic.timezone")
                        .values(value_json='"Asia/Urumqi"'))
    assert not _built(clinic.ctx)


def test_an_empty_cache_costs_a_write_nothing(clinic: Clinic) -> None:
    """The triggers do nothing while the cache is empty (a new clinic's first import)."""
    with clinic.ctx.transaction(write=True) as session:
        _add_visit(session, clinic)
        assert session.execute(select(func.count()).select_from(InsightDay)).scalar_one() == 0


def test_the_scan_builds_the_latest_missing_week(clinic: Clinic) -> None:
    today = date(2026, 11, 24)  # FIXED_NOW in Shanghai
    assert day_cache.warm(clinic.ctx) == 0
    assert _built(clinic.ctx) == {today - timedelta(days=n) for n in range(7)}
    day_cache.warm(clinic.ctx)
    assert _built(clinic.ctx) == {today - timedelta(days=n) for n in range(14)}
