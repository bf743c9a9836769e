"""The in-process scheduler: APScheduler only *triggers* scans; our tables hold the state.

Each job is a plain function ``job(ctx) -> int`` (how many things it raised) that calls
services with ``ctx.now()``; so the same work runs from a test with a fixed clock, and a
missed run (the app was closed over a weekend) is simply caught up by the next scan, which
finds everything that came due from the tables. APScheduler runs jobs on its own worker
thread: listeners are called there, and a GUI must forward them by a queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler

from clinic_desktop.changes import ChangeSet
from clinic_desktop.clock import SystemClock
from clinic_desktop.context import Context

log = logging.getLogger(__name__)

ScanJob = Callable[[Context], int]
# (scan name, things raised, what the scan's writes changed)
Listener = Callable[[str, int, ChangeSet], None]
DEFAULT_INTERVAL_SECONDS = 60


@dataclass
class ScanRegistry:
    """The scans to run; areas add theirs at import (see ``clinic_desktop.wiring``)."""

    jobs: dict[str, ScanJob] = field(default_factory=dict)

    def add(self, name: str, job: ScanJob) -> None:
        self.jobs[name] = job


SCANS = ScanRegistry()


class ClinicScheduler:
    def __init__(
        self, ctx: Context, *, interval_seconds: int = DEFAULT_INTERVAL_SECONDS,
        registry: ScanRegistry | None = None,
    ) -> None:
        self._ctx = ctx
        self._interval = interval_seconds
        self._registry = registry or SCANS
        self._listeners: list[Listener] = []
        # One scan at a time, whether triggered by the timer or by run_now().
        self._lock = threading.Lock()
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

    def run_now(self) -> dict[str, int]:
        """Run every scan once (start-up catch-up, tests, the CLI)."""
        results: dict[str, int] = {}
        with self._lock:
            for name, job in self._registry.jobs.items():
                scan = self._ctx.fork()  # its own change log: what this scan wrote
                try:
                    results[name] = job(scan)
                except Exception:
                    # A failing scan must not stop the others nor kill the scheduler thread.
                    log.exception("scheduled scan %s failed", name)
                    continue
                log.debug("scan %s raised %d", name, results[name])
                for listener in list(self._listeners):
                    listener(name, results[name], scan.changes)
        return results

    def start(self, *, catch_up: bool = True) -> None:
        # The catch-up is the interval job's first run, due at once: a separate one-off job
        # added after start() raced APScheduler's own removal of it (JobLookupError on its
        # thread). APScheduler times its triggers by the machine's clock, so that clock it is.
        first_run = {"next_run_time": SystemClock().now()} if catch_up else {}
        self._scheduler.add_job(
            self.run_now, "interval", seconds=self._interval, id="scans", replace_existing=True,
            **first_run,
        )
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)
