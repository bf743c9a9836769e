"""Exactly one workstation runs the scheduled scans: the election (``storage.leader``) and the
scheduler that obeys it, on a real PostgreSQL server with real processes, and on SQLite.

Each "workstation" opens the clinic on its own (its own engine and connections), as a second
PC would. The lease is short here (``LEASE`` seconds, written to the clinic's settings as a
clinic would) so a take-over takes a second or two; the waits below are generous bounds on
that, not measurements. They are paced by ``time.sleep``, never by a thread's timed wait:
under faketime (``make test-future``) such a wait sleeps for the year.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.scheduler import ClinicScheduler, ScanRegistry
from clinic_desktop.services.clinic import write_setting
from clinic_desktop.services.platform.scheduler_lease import SETTING as LEASE_SETTING
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.leader import LEADER_LOCK, Leadership
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.transactions import PG_WRITE_LOCK
from tests.conftest import FIXED_NOW, PgTemplates

LEASE = 2.0
# Far longer than any take-over here needs (at most one lease): only a broken election waits
# this long, and then the test fails instead of hanging.
PATIENCE = 30.0


def wait_until(condition: Callable[[], bool], timeout: float = PATIENCE) -> bool:
    deadline = time.monotonic() + timeout  # real clock: waits on the server's real timeout
    while not condition():
        if time.monotonic() > deadline:  # real clock: the bound of the wait above
            return False
        time.sleep(0.05)
    return True


def counting(*names: str) -> tuple[ScanRegistry, list[str]]:
    """Scans that only note that they ran."""
    registry, ran = ScanRegistry(), []

    def scan(name: str) -> Callable[[Context], int]:
        def note(_ctx: Context) -> int:
            ran.append(name)
            return 1
        return note

    for name in names:
        registry.add(name, scan(name))
    return registry, ran


@pytest.fixture
def pg_clinic(pg_templates: PgTemplates) -> Iterator[str]:
    """A set-up clinic on the test server with a short lease; its URL."""
    name, _admin = pg_templates.copy("测试诊所")
    url = pg_templates.url_for(name)
    db = open_database(url=url, now=FIXED_NOW)
    with db.session(write=True) as session:
        write_setting(session, LEASE_SETTING, LEASE)
    db.close()
    yield url
    pg_templates.drop(name)


@pytest.fixture
def workstations(pg_clinic: str) -> Iterator[list[Context]]:
    """Two workstations on the clinic, each with its own engine."""
    contexts = [Context(db=open_database(url=pg_clinic, now=FIXED_NOW),
                        clock=FixedClock(FIXED_NOW)) for _ in range(2)]
    yield contexts
    for ctx in contexts:
        ctx.db.close()


# --- either engine -----------------------------------------------------------------------


def test_a_lone_workstation_leads_and_runs_its_scans(admin_ctx: Context) -> None:
    registry, ran = counting("a", "b")
    scheduler = ClinicScheduler(admin_ctx, registry=registry)
    told: list[bool] = []
    scheduler.add_leadership_listener(told.append)
    try:
        assert scheduler.run_now() == {"a": 1, "b": 1}
        assert ran == ["a", "b"] and scheduler.leads and told == [True]
    finally:
        scheduler.shutdown()
    assert not scheduler.leads and told == [True, False]


@pytest.mark.sqlite_only("on SQLite the data folder's lock is the election: no lease at all")
def test_on_sqlite_every_scheduler_leads(admin_ctx: Context) -> None:
    other = Context(db=open_database(admin_ctx.db.data_dir, now=FIXED_NOW),
                    clock=admin_ctx.clock)
    schedulers = [ClinicScheduler(ctx, registry=counting("scan")[0], interval_seconds=3600)
                  for ctx in (admin_ctx, other)]
    try:
        for scheduler in schedulers:
            scheduler.start(catch_up=False)
        assert all(s.leads for s in schedulers)
        assert [s.run_now() for s in schedulers] == [{"scan": 1}, {"scan": 1}]
        assert Leadership(admin_ctx.db.engine).hold()
    finally:
        for scheduler in schedulers:
            scheduler.shutdown()
        other.db.close()


# --- the election on PostgreSQL ----------------------------------------------------------


@pytest.fixture
def leaders(pg_url: str) -> Iterator[tuple[Leadership, Leadership, Engine]]:
    """Two workstations' elections on one server (and the second one's engine)."""
    engines = [create_engine(pg_url), create_engine(pg_url)]
    a, b = (Leadership(engine, lease_seconds=LEASE) for engine in engines)
    try:
        yield a, b, engines[1]
    finally:
        for leader in (a, b):
            leader.release("test over")
        for engine in engines:
            engine.dispose()


@pytest.mark.postgresql
def test_one_holds_the_lead_and_the_other_takes_it_at_its_next_try(
    leaders: tuple[Leadership, Leadership, Engine]
) -> None:
    a, b, second = leaders
    writer = second.connect()
    try:
        # Another workstation's write transaction holds the write lock: a different key.
        writer.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
        assert a.hold() and a.leads
        assert not b.hold() and not b.leads
        assert a.hold() and not b.hold()  # the leader's heartbeat keeps it
        a.release("closing")
        assert not a.leads
        assert b.hold() and b.leads  # the next try after the leader closed
        assert not a.hold()
        holders = writer.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objid = :key"), {"key": LEADER_LOCK}).scalar()
        assert holders == 1
    finally:
        writer.rollback()
        writer.close()


@pytest.mark.postgresql
def test_a_silent_leader_loses_the_lead_within_the_lease(
    leaders: tuple[Leadership, Leadership, Engine], caplog: pytest.LogCaptureFixture
) -> None:
    a, b, _second = leaders
    assert a.hold()
    # While it beats (every quarter lease, here faster), a lease goes by and it keeps it.
    for _ in range(int(LEASE / 0.2)):
        assert a.hold() and not b.hold()
        time.sleep(0.2)
    # Then it falls silent (frozen, asleep, cut off): the server ends its session.
    assert wait_until(b.hold)
    with caplog.at_level(logging.WARNING, logger="clinic_desktop.storage.leader"):
        assert not a.hold()  # it wakes: its session is gone, and b holds the lock
    assert not a.leads
    assert "connection to the server was lost or ended" in caplog.text
    assert b.hold()


# --- two schedulers on one PostgreSQL clinic ---------------------------------------------


@pytest.mark.postgresql
def test_one_scheduler_runs_the_scans_and_the_other_takes_over_when_it_closes(
    workstations: list[Context]
) -> None:
    (first, ran_first), (second, ran_second) = counting("scan"), counting("scan")
    a = ClinicScheduler(workstations[0], registry=first, interval_seconds=3600)
    b = ClinicScheduler(workstations[1], registry=second, interval_seconds=3600)
    b_told: list[bool] = []
    b.add_leadership_listener(b_told.append)
    try:
        a.start()
        assert wait_until(lambda: ran_first == ["scan"])  # elected, then caught up at once
        assert a.leads
        b.start()
        assert wait_until(lambda: b_told == [False])
        assert b.run_now() == {} and ran_second == []  # asked directly, it still does not
        a.shutdown()
        assert wait_until(lambda: ran_second == ["scan"])  # took over, then caught up
        assert b.leads and b_told == [False, True] and not a.leads
        assert a.run_now() == {} and ran_first == ["scan"]
    finally:
        a.shutdown()
        b.shutdown()


@pytest.mark.postgresql
def test_a_leader_with_a_stuck_scan_hands_over_and_stops_between_scans(
    workstations: list[Context]
) -> None:
    release, stuck = threading.Event(), threading.Event()

    def hangs(_ctx: Context) -> int:
        stuck.set()
        release.wait(PATIENCE)  # a message provider that never answers
        return 0

    first = ScanRegistry()
    first.add("hangs", hangs)
    first.add("after", lambda _ctx: 1)
    second, ran_second = counting("hangs", "after")
    a = ClinicScheduler(workstations[0], registry=first, interval_seconds=3600,
                        stuck_after_seconds=LEASE / 4)
    b = ClinicScheduler(workstations[1], registry=second, interval_seconds=3600)
    a_ran: list[dict[str, int]] = []
    a_run = threading.Thread(target=lambda: a_ran.append(a.run_now()))
    try:
        a.start(catch_up=False)
        assert wait_until(lambda: a.leads)
        a_run.start()
        assert wait_until(stuck.is_set)
        b.start()
        assert wait_until(lambda: ran_second == ["hangs", "after"])  # b took over
        assert not a.leads
        release.set()
        a_run.join(PATIENCE)
        assert a_ran == [{"hangs": 0}]  # it did not go on to the next scan
    finally:
        release.set()
        a.shutdown()
        b.shutdown()


# --- the test: two worker processes, the leader killed mid-scan -------------------

WORKER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from pathlib import Path
    from sqlalchemy import event
    import clinic_desktop.wiring  # the real scans
    from clinic_desktop.clock import FixedClock
    from clinic_desktop.context import Context
    from clinic_desktop.scheduler import SCANS, ClinicScheduler, ScanRegistry
    from clinic_desktop.storage.database import open_database

    url, pause_flag = sys.argv[1:3]
    now = datetime(2026, 11, 24, 2, tzinfo=timezone.utc)
    db = open_database(url=url, now=now)

    def say(*words):  # one write per line: threads never interleave inside a line
        sys.stdout.write(" ".join(map(str, words)) + "\\n")
        sys.stdout.flush()

    def pause_mid_scan(_conn, _cursor, statement, *_rest):
        # The care tasks are inserted, not yet committed: the test kills us here.
        if statement.startswith("INSERT INTO care_task") and Path(pause_flag).exists():
            say("paused")
            time.sleep(3600)

    event.listen(db.engine, "after_cursor_execute", pause_mid_scan)
    registry = ScanRegistry()
    for name in ("care.daily", "care.raise_due"):
        registry.add(name, SCANS.jobs[name])
    scheduler = ClinicScheduler(Context(db=db, clock=FixedClock(now)), registry=registry,
                                interval_seconds=3600)
    scheduler.add_listener(lambda name, count, _changes: say("scan", name, count))
    scheduler.add_leadership_listener(lambda leads: say("leads" if leads else "follows"))
    scheduler.start()
    sys.stdin.readline()  # until the test says stop
    scheduler.shutdown()
    db.close()
    say("stopped")
""")


class Worker:
    """A workstation process; what it says, line by line."""

    def __init__(self, url: str, pause_flag: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(pause_flag)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.said: list[str] = []
        self._next = 0  # said[:_next] was looked at by expect
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))

    def expect(self, *wanted: str) -> str:
        """Wait until its next line that is one of ``wanted``; which one. Fails showing what
        it said instead."""
        def heard() -> bool:
            while not self._lines.empty():
                self.said.append(self._lines.get_nowait())
            return any(line in wanted for line in self.said[self._next:])

        if not wait_until(heard):
            pytest.fail(f"never said {wanted}; said: {self.said}")
        while self.said[self._next] not in wanted:
            self._next += 1
        self._next += 1
        return self.said[self._next - 1]

    def stop(self) -> None:
        """Ask it to stop, as the app does at exit; then ``said`` holds everything it said."""
        assert self.process.stdin is not None
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        self.process.wait(PATIENCE)
        self._reader.join(PATIENCE)
        while not self._lines.empty():
            self.said.append(self._lines.get())

    @staticmethod
    def elect(workers: list[Worker]) -> tuple[Worker, Worker]:
        """Two workers started together: the one that leads, the one that follows."""
        roles = {worker.expect("leads", "follows"): worker for worker in workers}
        assert set(roles) == {"leads", "follows"}, [w.said for w in workers]
        return roles["leads"], roles["follows"]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(PATIENCE)


BIRTHDAYS = 300


def patients_born_today(db: Database) -> None:
    """BIRTHDAYS patients whose birthday is the fixed day (24 November): the daily scan gives
    each a birthday task, and the due scan raises them all."""
    with db.session(write=True) as session:
        session.add_all([Patient(
            code=f"B{n:05d}", name=f"寿星{n}", name_pinyin=f"shouxing{n}",
            name_initials="sx", birth_date=date(1950 + n % 50, 11, 24),
            created_at=FIXED_NOW, updated_at=FIXED_NOW) for n in range(BIRTHDAYS)])


def patient_ids(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(Patient.id).where(Patient.code.like("B%"))))


@pytest.mark.postgresql
def test_killing_the_leader_mid_scan_leaves_every_task_raised_once(
    pg_clinic: str, tmp_path: Path
) -> None:
    db = open_database(url=pg_clinic, now=FIXED_NOW)
    patients_born_today(db)
    pause_flag = tmp_path / "pause"
    pause_flag.touch()
    workers = [Worker(pg_clinic, pause_flag) for _ in range(2)]
    try:
        leader, follower = Worker.elect(workers)
        leader.expect("paused")  # inside the daily scan's transaction, tasks inserted
        with db.session() as session:  # nothing the leader did is visible yet
            assert session.scalar(select(func.count(CareTask.id))) == 0
        pause_flag.unlink()
        leader.kill()  # kill -9, mid-scan
        assert leader.process.returncode == -signal.SIGKILL
        follower.expect("leads")
        follower.expect(f"scan care.daily {BIRTHDAYS}")
        follower.expect(f"scan care.raise_due {BIRTHDAYS}")
        follower.stop()
        assert follower.said[-2:] == ["follows", "stopped"]
        with db.session() as session:
            tasks = session.execute(select(CareTask.dedupe_key, CareTask.status)).all()
        keys = [key for key, _status in tasks]
        assert len(keys) == BIRTHDAYS and len(set(keys)) == BIRTHDAYS
        assert set(keys) == {f"birthday:{pid}:2026" for pid in patient_ids(db)}
        assert {status for _key, status in tasks} == {"due"}
    finally:
        for worker in workers:
            worker.kill()
        db.close()


@pytest.mark.postgresql
def test_a_frozen_leader_is_replaced_and_stands_down_when_it_wakes(
    pg_clinic: str, tmp_path: Path
) -> None:
    workers = [Worker(pg_clinic, tmp_path / "no-pause") for _ in range(2)]
    try:
        leader, follower = Worker.elect(workers)
        leader.expect("scan care.raise_due 0")
        os.kill(leader.process.pid, signal.SIGSTOP)  # frozen: alive, connected, silent
        try:
            follower.expect("leads")  # the server ended the silent session
            follower.expect("scan care.raise_due 0")
        finally:
            os.kill(leader.process.pid, signal.SIGCONT)
        leader.expect("follows")  # woken, it finds its lead gone
        leader.stop()
        follower.stop()
        assert leader.said[-2:] == ["follows", "stopped"]  # no scan after it woke
        assert follower.said[-2:] == ["follows", "stopped"]
    finally:
        for worker in workers:
            worker.kill()
