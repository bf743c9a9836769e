"""The in-process scheduler: APScheduler only *triggers* scans; our tables hold the state.

Each job is a plain function ``job(ctx) -> int`` (how many things it raised) that calls
services with ``ctx.now()``; so the same work runs from a test with a fixed clock, and a
missed run (the app was closed over a weekend) is simply caught up by the next scan, which
finds everything that came due from the tables. APScheduler runs jobs on its own worker
thread: listeners are called there, and a GUI must forward them by a queued signal.

With several workstations on one PostgreSQL server, only the elected one runs the scans
(``storage.leader``): a follower's scheduler ticks the lease (every quarter of the setting
``scheduler.lease_seconds``) and takes over when the leader closes, crashes or falls silent;
a leader checks it still leads before each scan, so one that lost the lead stops between
scans. Running a scan twice is still harmless (each scan works in its own transactions and
finds what is left to do from the tables, under dedupe keys): the election keeps the work,
the messages and their daily cap in one place; it is not what makes them happen once. A
leader whose scan hangs (a message provider that never answers) hands the lead over after
``stuck_after_seconds``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler

from clinic_desktop.changes import ChangeSet
from clinic_desktop.clock import SystemClock
from clinic_desktop.context import Context
from clinic_desktop.services.platform.scheduler_lease import lease_seconds
from clinic_desktop.storage.leader import DEFAULT_LEASE_SECONDS, Leadership

log = logging.getLogger(__name__)

ScanJob = Callable[[Context], int]
# (scan name, things raised, what the scan's writes changed)
Listener = Callable[[str, int, ChangeSet], None]
# Whether this workstation now runs the scans (True) or another one does (False).
LeadershipListener = Callable[[bool], None]
DEFAULT_INTERVAL_SECONDS = 60
# Longer than any scan should take (the evening backup of a large clinic included).
STUCK_SCAN_SECONDS = 15 * 60
# The lease thread is paced by short sleeps, not a timed wait: under faketime (the suite run a
# year ahead) a thread's timed wait that nothing ends early sleeps for the year, and a
# heartbeat that stops is a leader that loses the lead. (APScheduler's own timer waits so.)
LEASE_STEP_SECONDS = 0.1


@dataclass
class ScanRegistry:
    """The scans to run; areas add theirs at import (see ``clinic_desktop.wiring``)."""

    jobs: dict[str, ScanJob] = field(default_factory=dict)

    def add(self, name: str, job: ScanJob) -> None:
        self.jobs[name] = job


SCANS = ScanRegistry()


def _lease_seconds(ctx: Context) -> float:
    """The lease the workstations agree on (a clinic setting, so every PC reads the same)."""
    if ctx.db.is_sqlite:
        return DEFAULT_LEASE_SECONDS  # no election on SQLite
    return lease_seconds(ctx)


class ClinicScheduler:
    def __init__(
        self, ctx: Context, *, interval_seconds: int = DEFAULT_INTERVAL_SECONDS,
        registry: ScanRegistry | None = None, stuck_after_seconds: float = STUCK_SCAN_SECONDS,
    ) -> None:
        self._ctx = ctx
        self._interval = interval_seconds
        self._registry = registry or SCANS
        self._listeners: list[Listener] = []
        self._leadership_listeners: list[LeadershipListener] = []
        # One scan at a time, whether triggered by the timer or by run_now().
        self._lock = threading.Lock()
        self._leadership = Leadership(ctx.db.engine, lease_seconds=_lease_seconds(ctx))
        # Taking the lead and telling the listeners happen together, in order.
        self._lead_lock = threading.RLock()
        self._reported: bool | None = None  # None: not decided yet
        self._catch_up = False
        self._stuck_after = stuck_after_seconds
        self._current: tuple[str, float] | None = None  # the scan running, since (monotonic)
        self._lease_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._scheduler = BackgroundScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone="UTC",
        )

    def add_listener(self, listener: Listener) -> None:
        """``listener(job_name, raised_count, changes)``, called on the scheduler's thread."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def add_leadership_listener(self, listener: LeadershipListener) -> None:
        """``listener(leads)`` when it is first known and whenever it changes; called on the
        scheduler's thread (or the one calling ``run_now``/``shutdown``)."""
        self._leadership_listeners.append(listener)

    @property
    def leads(self) -> bool:
        """Whether this workstation runs the scheduled scans (as of its last check)."""
        return bool(self._reported)

    def run_now(self) -> dict[str, int]:
        """Run every scan once (start-up catch-up, tests, the CLI), while this workstation
        leads: it checks before each scan, and stops when another has taken over."""
        results: dict[str, int] = {}
        with self._lock:
            for name, job in self._registry.jobs.items():
                if not self._check_lead():
                    log.debug("scans left to the leading workstation from %s on", name)
                    break
                scan = self._ctx.fork()  # its own change log: what this scan wrote
                self._current = (name, time.monotonic())
                try:
                    results[name] = job(scan)
                except Exception:
                    # A failing scan must not stop the others nor kill the scheduler thread.
                    log.exception("scheduled scan %s failed", name)
                    continue
                finally:
                    self._current = None
                log.debug("scan %s raised %d", name, results[name])
                for listener in list(self._listeners):
                    listener(name, results[name], scan.changes)
        return results

    def start(self, *, catch_up: bool = True) -> None:
        """Start the timer. ``catch_up``: run the scans as soon as this workstation leads (at
        once on SQLite; on PostgreSQL when elected, also when taking over from another)."""
        # The catch-up is the interval job's first run, due at once: a separate one-off job
        # added after start() raced APScheduler's own removal of it (JobLookupError on its
        # thread). APScheduler times its triggers by the machine's clock, so that clock it is.
        now = SystemClock().now()
        self._catch_up = catch_up
        alone = self._leadership.always
        first_run = {"next_run_time": now} if catch_up and alone else {}
        self._scheduler.add_job(
            self.run_now, "interval", seconds=self._interval, id="scans", replace_existing=True,
            **first_run,
        )
        self._scheduler.start()
        if alone:
            self._report(True)
        else:
            self._lease_thread = threading.Thread(
                target=self._keep_lease, name="clinic-scheduler-lease", daemon=True)
            self._lease_thread.start()

    def shutdown(self) -> None:
        """Stop (waiting for a scan still running, still leading) and let another workstation
        lead."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        self._stopping.set()
        if self._lease_thread is not None:
            self._lease_thread.join()
            self._lease_thread = None
        with self._lead_lock:
            self._leadership.release("this workstation's scheduler stopped")
            if self._reported is not None:
                self._report(False)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def _keep_lease(self) -> None:
        """The lease's thread: a leader's heartbeat, a follower's try (see storage.leader)."""
        while not self._stopping.is_set():
            try:
                self._tick()
            except Exception:  # the heartbeat must outlive a bug in one beat
                log.exception("scheduler lease check failed")
            next_beat = time.monotonic() + self._leadership.heartbeat_seconds
            while not self._stopping.is_set() and time.monotonic() < next_beat:
                time.sleep(LEASE_STEP_SECONDS)

    def _tick(self) -> None:
        """Every quarter lease: keep (or take) the lead, unless a scan here is stuck."""
        current = self._current
        if current is not None and time.monotonic() - current[1] > self._stuck_after:
            with self._lead_lock:
                # Not taking it back while the scan hangs: another workstation takes over.
                self._leadership.release(
                    f"scan {current[0]} has run for over {self._stuck_after:.0f} s",
                    level=logging.WARNING)
                self._report(False)
            return
        self._check_lead()

    def _check_lead(self) -> bool:
        with self._lead_lock:
            leads = self._leadership.hold()
            self._report(leads)
            return leads

    def _report(self, leads: bool) -> None:
        """Tell the log and the listeners about a change; on taking the lead, catch up."""
        if leads == self._reported:
            return
        first = self._reported is None
        self._reported = leads
        if self._leadership.always:
            pass  # SQLite: one workstation, nothing worth a line in the log
        elif leads:
            log.info("this workstation runs the scheduled scans")
        elif first:
            log.info("another workstation runs the scheduled scans")
        else:
            log.info("this workstation no longer runs the scheduled scans")
        for listener in list(self._leadership_listeners):
            listener(leads)
        # Taking over is when work may be waiting: the scans run now, not an interval later.
        # Not from run_now itself (it holds the lock): it is already running them. Moving
        # the job also wakes APScheduler's timer (under faketime, the only thing that does).
        if leads and self._catch_up and self._scheduler.running and not self._lock.locked():
            self._scheduler.modify_job("scans", next_run_time=SystemClock().now())
