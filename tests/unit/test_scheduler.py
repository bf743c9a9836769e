from __future__ import annotations

import threading

from clinic_desktop.context import Context
from clinic_desktop.scheduler import ClinicScheduler, ScanRegistry


def test_run_now_runs_every_scan_and_survives_a_failing_one(admin_ctx: Context) -> None:
    registry = ScanRegistry()
    seen: list[tuple[str, int]] = []

    def boom(ctx: Context) -> int:
        raise RuntimeError("bug in a scan")

    registry.add("boom", boom)
    registry.add("count", lambda ctx: 3)
    scheduler = ClinicScheduler(admin_ctx, registry=registry)
    scheduler.add_listener(lambda name, n, _changes: seen.append((name, n)))
    try:
        assert scheduler.run_now() == {"count": 3}
    finally:
        scheduler.shutdown()  # on PostgreSQL, lets go of the lead run_now took
    assert seen == [("count", 3)]


def test_start_catches_up_immediately_on_the_scheduler_thread(admin_ctx: Context) -> None:
    registry = ScanRegistry()
    ran = threading.Event()
    threads: list[str] = []

    def scan(ctx: Context) -> int:
        threads.append(threading.current_thread().name)
        ran.set()
        return 0

    registry.add("scan", scan)
    scheduler = ClinicScheduler(admin_ctx, interval_seconds=3600, registry=registry)
    scheduler.start()
    try:
        assert ran.wait(10)
        assert scheduler.running
    finally:
        scheduler.shutdown()
    assert not scheduler.running
    assert threads and threads[0] != threading.main_thread().name
