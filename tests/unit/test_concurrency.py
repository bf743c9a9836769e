"""Two writers, one truth: a slot booked twice at the same moment, codes handed out by many
writers at once, and a write that waits too long for the lock gets a sentence.

Each "workstation" opens the database on its own (its own engine and connections), as a
second program or PC would; the threads start together at a barrier.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.context import Context
from clinic_desktop.errors import DatabaseBusy, UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.appointments import BookingConflict, BookingRequest
from clinic_desktop.services.audit import verify_chain
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage import engine as engine_module
from clinic_desktop.storage.database import Database, open_database
from tests.conftest import FIXED_NOW

# Two writers on both engines: BEGIN IMMEDIATE on SQLite, the write lock on PostgreSQL (every
# test here runs on both: tests/conftest.py, db_engine).

SH = ZoneInfo("Asia/Shanghai")
T = TypeVar("T")


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    a = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    b = create_patient(admin_ctx, PatientInput(name="李四", mobile="13900139000")).patient.id
    return {"doctor": doctor, "a": a, "b": b}


def where(db: Database) -> str:
    """What another program opens the same clinic by: the data folder, or the server's URL."""
    if db.is_sqlite:
        assert db.data_dir is not None
        return str(db.data_dir.root)
    return db.engine.url.render_as_string(hide_password=False)


def reopen(db: Database) -> Database:
    """The same clinic opened again, with an engine and connections of its own."""
    place = where(db)
    if "://" in place:
        return open_database(url=place, now=FIXED_NOW)
    return open_database(DataDir(Path(place)), now=FIXED_NOW)


def workstation(admin_ctx: Context) -> Context:
    """Another program on the same clinic: its own engine, the same signed-in user."""
    return Context(db=reopen(admin_ctx.db), actor=admin_ctx.actor, clock=admin_ctx.clock)


def together(jobs: list[Callable[[], T]]) -> list[T | BaseException]:
    """Run ``jobs`` on their own threads, released at the same instant."""
    barrier = threading.Barrier(len(jobs))
    results: list[T | BaseException] = [RuntimeError("did not run")] * len(jobs)

    def runner(index: int, job: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except BaseException as exc:  # collected and asserted on by the test
            results[index] = exc

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def slot(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=SH).astimezone(UTC)


def test_two_threads_booking_the_same_slot_exactly_one_wins(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    desks = [workstation(admin_ctx), workstation(admin_ctx)]
    try:
        free = [(25, 9), (25, 10), (25, 11), (25, 14), (25, 15), (25, 16), (25, 17),
                (26, 9), (26, 10), (26, 11)]  # ten tries, inside working hours
        for attempt, (day, hour) in enumerate(free):
            start = slot(day, hour)

            def booking(ctx: Context, patient: int, at: datetime = start) -> Callable[[], int]:
                return lambda: appts.book(ctx, BookingRequest(
                    patient, clinic["doctor"], at, at + timedelta(minutes=30)))

            outcome = together([booking(desks[0], clinic["a"]),
                                booking(desks[1], clinic["b"])])
            won = [r for r in outcome if isinstance(r, int)]
            refused = [r for r in outcome if isinstance(r, BookingConflict)]
            assert len(won) == 1 and len(refused) == 1, (attempt, outcome)
            assert "王建国医生" in refused[0].message
    finally:
        for desk in desks:
            desk.db.close()


PROCESS_BOOKING = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from clinic_desktop.clock import FixedClock
    from clinic_desktop.context import Actor, Context
    from clinic_desktop.errors import UserError
    from clinic_desktop.paths import DataDir
    from clinic_desktop.permissions import Role
    from clinic_desktop.services import appointments as appts
    from clinic_desktop.storage.database import open_database

    place, patient, doctor, start, go = sys.argv[1:6]
    now = datetime(2026, 11, 24, 2, tzinfo=timezone.utc)
    db = (open_database(url=place, now=now) if "://" in place
          else open_database(DataDir(Path(place)), now=now))
    ctx = Context(db=db, actor=Actor(1, "admin", "管理员", Role.ADMINISTRATOR),
                  clock=FixedClock(now))
    begin = datetime.fromisoformat(start)
    while not Path(go).exists():
        time.sleep(0.001)
    try:
        appts.book(ctx, appts.BookingRequest(int(patient), int(doctor), begin,
                                             begin + timedelta(minutes=30)))
        print("booked")
    except UserError as error:
        print("refused:", error.message.splitlines()[0])
    db.close()
""")


def test_two_processes_booking_the_same_slot_exactly_one_wins(
    admin_ctx: Context, clinic: dict[str, int], tmp_path: Path
) -> None:
    place = where(admin_ctx.db)
    admin_ctx.db.close()
    go = tmp_path / "go"
    start = slot(26, 10).isoformat()
    children = [subprocess.Popen(
        [sys.executable, "-c", PROCESS_BOOKING, place, str(clinic[p]),
         str(clinic["doctor"]), start, str(go)], stdout=subprocess.PIPE, text=True)
        for p in ("a", "b")]
    go.write_text("go")
    outputs = sorted(child.communicate(timeout=60)[0].strip() for child in children)
    assert outputs[0] == "booked" and outputs[1].startswith("refused: 无法预约"), outputs


def test_fifty_patients_created_at_once_get_fifty_codes_and_one_chain(
    admin_ctx: Context
) -> None:
    desks = [workstation(admin_ctx) for _ in range(5)]
    try:
        def creator(ctx: Context, n: int) -> Callable[[], list[str]]:
            def create() -> list[str]:
                return [create_patient(ctx, PatientInput(
                    name=f"患者{n}{i}", mobile=f"139{n:04d}{i:04d}")).patient.code
                    for i in range(10)]
            return create

        results = together([creator(desk, n) for n, desk in enumerate(desks)])
        codes = [code for batch in results if isinstance(batch, list) for code in batch]
        assert [r for r in results if not isinstance(r, list)] == []
        assert len(codes) == 50 and len(set(codes)) == 50
    finally:
        for desk in desks:
            desk.db.close()
    with admin_ctx.db.session() as session:
        assert verify_chain(session, admin_ctx.db.audit_trail).ok


def test_a_write_that_waits_past_the_timeout_gets_a_sentence(
    admin_ctx: Context, clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    other = workstation(admin_ctx)  # opened with the short timeout
    holder: Database = reopen(admin_ctx.db)
    try:
        # An import on another workstation holds the write lock.
        with holder.session(write=True), pytest.raises(DatabaseBusy) as refused:
            create_patient(other, PatientInput(name="王五", mobile="13700137000"))
        assert refused.value.message == "另一个工作站或导入正在写入，请稍后再试。"
        assert isinstance(refused.value, UserError)
    finally:
        holder.close()
        other.db.close()


def test_reads_do_not_wait_for_a_writer(admin_ctx: Context, clinic: dict[str, int],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    reader = workstation(admin_ctx)
    holder = reopen(admin_ctx.db)
    try:
        with holder.session(write=True):
            assert len(appts.check_booking(reader, BookingRequest(
                clinic["a"], clinic["doctor"], slot(25, 9), slot(25, 10)))) == 0
    finally:
        holder.close()
        reader.db.close()


def test_a_read_transaction_refuses_to_write(admin_ctx: Context) -> None:
    from clinic_desktop.storage.models.staff import Chair
    from clinic_desktop.storage.transactions import WriteInReadTransaction

    with pytest.raises(WriteInReadTransaction), admin_ctx.transaction() as session:
        session.add(Chair(name="X"))


def test_an_export_does_not_hold_the_write_lock_while_it_writes_the_file(
    admin_ctx: Context, clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path
) -> None:
    from clinic_desktop.services import exports

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    desk = workstation(admin_ctx)
    write_xlsx = exports.write_xlsx
    booked: list[int] = []

    def slow_write(path: Path, sheets: Any) -> int:
        # The front desk books while the manager's export is being written.
        booked.append(appts.book(desk, BookingRequest(
            clinic["a"], clinic["doctor"], slot(25, 9), slot(25, 9) + timedelta(minutes=30))))
        return write_xlsx(path, sheets)

    monkeypatch.setattr(exports, "write_xlsx", slow_write)
    try:
        assert exports.export_patients(admin_ctx, tmp_path / "p.xlsx") == 2
    finally:
        desk.db.close()
    assert len(booked) == 1
