"""On a server two writers can be inside their transactions at once, which SQLite never lets
happen: the caches PostgreSQL keeps (migration 20261213_28) stay exact anyway. Writers here
are plain connections without the app's write lock, as a script or a second workstation's
statement would be; each waits where the database makes it wait, and the test moves on once
the server says it is waiting (``pg_stat_activity``), never after a timed sleep."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Engine, insert, text

from clinic_desktop.context import Context
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight import day_cache, patient_money
from clinic_desktop.services.insight.dashboard import cached_dashboard, direct_dashboard
from clinic_desktop.services.insight.summary import Figures
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from tests.unit.insight.clinic import Clinic, build, local

pytestmark = [pytest.mark.postgresql, pytest.mark.parametrize("db_engine", ["postgresql"])]

DAY = date(2026, 11, 15)


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    return build(admin_ctx)


def _pid(connection: Connection) -> int:
    return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _watcher(engine: Engine) -> Connection:
    """A connection whose every poll is a transaction of its own: within one, the server
    would answer from the activity snapshot it took at the first."""
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def _until(watcher: Connection, waiting: str, done: Callable[[], bool],
           **params: object) -> bool:
    """Poll until the query ``waiting`` says true (True) or ``done()`` (False)."""
    while not done():
        if watcher.execute(text(waiting), params).scalar():
            return True
        time.sleep(0.01)
    return False


BACKEND_WAITS = "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"
SOMEONE_WAITS_FOR_THE_WRITE_LOCK = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)")


def _charge(connection: Connection, patient: int, yuan: int) -> None:
    connection.execute(insert(LedgerEntry).values(
        patient_id=patient, kind="charge", amount=Decimal(yuan), at=local(DAY)))


def _visit(connection: Connection, patient: int) -> None:
    connection.execute(insert(Visit).values(
        patient_id=patient, visit_date=DAY, created_at=local(DAY)))


def test_two_writers_charging_one_patient_at_once_both_count(clinic: Clinic) -> None:
    ctx, patient = clinic.ctx, clinic.patients["A"]
    with ctx.transaction() as session:
        owed, spend, stored = patient_money.kept_rows(session)[patient]
    engine = ctx.db.engine
    with engine.connect() as first, engine.connect() as second, \
            _watcher(engine) as watcher:
        second_pid = _pid(second)
        first.commit()
        second.commit()
        _charge(first, patient, 100)  # holds the patient's row until it commits
        errors: list[BaseException] = []

        def charge_too() -> None:
            try:
                _charge(second, patient, 25)
                second.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)

        thread = threading.Thread(target=charge_too)
        thread.start()
        assert _until(watcher, BACKEND_WAITS, lambda: not thread.is_alive(), pid=second_pid)
        first.commit()
        thread.join()
        assert errors == []
    with ctx.transaction() as session:
        assert patient_money.kept_rows(session)[patient] == (owed + 12500, spend + 12500,
                                                             stored)
        assert patient_money.kept_rows(session) == patient_money.from_ledger(session)
        assert patient_money.kept_months(session) == patient_money.months_from_ledger(session)


def test_a_day_built_while_a_visit_is_uncommitted_is_built_again_with_it(
        clinic: Clinic) -> None:
    """A script adds a visit and has not committed; the dashboard builds that day meanwhile.
    The visit's trigger took the clinic's write lock, so the build waits for the commit and
    sees the visit (without the lock it would store the day without it, for good)."""
    ctx, period = clinic.ctx, Period(DAY, DAY)
    engine = ctx.db.engine
    with engine.connect() as writer, _watcher(engine) as watcher:
        _visit(writer, clinic.patients["D"])
        errors: list[BaseException] = []

        def build_the_day() -> None:
            try:
                day_cache.ensure(ctx, [period])
            except BaseException as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)

        builder = threading.Thread(target=build_the_day)
        builder.start()
        builder_waited = _until(watcher, SOMEONE_WAITS_FOR_THE_WRITE_LOCK,
                                lambda: not builder.is_alive())
        writer.commit()
        builder.join()
        assert errors == []
    with ctx.transaction() as session:
        assert day_cache.complete(session, [period])
        cached = cached_dashboard(session, period)
        assert cached.summary.current == direct_dashboard(session, period).summary.current
        assert cached.summary.current.visits == 2  # C's and the script's
    assert builder_waited


def test_a_visit_written_while_a_day_is_built_forgets_it_after(clinic: Clinic) -> None:
    """The other order: the build holds the write lock, a script's visit waits in its trigger
    and, once the build committed, forgets the day it built."""
    ctx, period = clinic.ctx, Period(DAY, DAY)
    engine = ctx.db.engine
    with engine.connect() as writer, _watcher(engine) as watcher:
        writer_pid = _pid(writer)
        writer.commit()
        with ctx.transaction(write=True) as session:  # the build's transaction, held open
            day_cache._build(session, period)  # noqa: SLF001 - the build without its own commit
            errors: list[BaseException] = []

            def add_visit() -> None:
                try:
                    _visit(writer, clinic.patients["D"])
                    writer.commit()
                except BaseException as error:  # noqa: BLE001 - reported by the test below
                    errors.append(error)

            script = threading.Thread(target=add_visit)
            script.start()
            script_waited = _until(watcher, BACKEND_WAITS, lambda: not script.is_alive(),
                                   pid=writer_pid)
        script.join()
        assert errors == []
    with ctx.transaction() as session:
        assert not day_cache.complete(session, [period])
    cached, direct = _read_both(ctx, period)
    assert cached == direct
    assert cached.visits == 2
    assert script_waited


def _read_both(ctx: Context, period: Period) -> tuple[Figures, Figures]:
    day_cache.ensure(ctx, [period])
    with ctx.transaction() as session:
        return (cached_dashboard(session, period).summary.current,
                direct_dashboard(session, period).summary.current)


def test_a_read_of_the_cache_sees_one_state_of_the_server(clinic: Clinic) -> None:
    """Each statement of a READ COMMITTED transaction sees the latest commits: a day forgotten
    between the check that every day is cached and the read of them would be missing from the
    sum. The dashboard reads in one snapshot, as SQLite's reads do."""
    with clinic.ctx.transaction() as session:
        day_cache.snapshot(session)
        level = session.execute(text("SHOW transaction_isolation")).scalar_one()
    assert level == "repeatable read"
    with clinic.ctx.transaction() as session:  # the next one is an ordinary read again
        assert session.execute(text("SHOW transaction_isolation")).scalar_one() == \
            "read committed"
