"""Backups: consistent while the app writes, verified, rotated over a year, destinations that
go missing, the evening job, restore with attachments, who may."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import sleep
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services.attachments import add_attachment
from clinic_desktop.services.audit_log import list_entries
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.platform import backups
from clinic_desktop.services.platform.backup_schedule import exit_backup, nightly_backup
from clinic_desktop.services.platform.backup_settings import (
    BackupSettings,
    backup_settings,
    save_backup_settings,
)
from clinic_desktop.services.platform.backups import backup_now, last_backup, list_backups
from clinic_desktop.services.platform.restoring import restore_backup
from clinic_desktop.storage import backup_copy

pytestmark = pytest.mark.sqlite_only(
    "copies of the data folder's SQLite file; a server is backed up by its own tools")

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def ours(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.sqlite3") if backup_copy.read_manifest(p))


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_copy, "STEP_PAGES", 2)


def _wait_for(condition: Callable[[], bool], what: str, *, seconds: int = 120) -> None:
    """Poll until ``condition`` holds: generous, since a loaded CI machine may leave a thread
    unscheduled for seconds. (Polling with time.sleep, not a timed Event.wait: under CI's
    faketime a timed wait nobody ends lasts a year.)"""
    for _ in range(seconds * 200):
        if condition():
            return
        sleep(0.005)
    raise AssertionError(f"gave up after {seconds} s waiting for {what}")


def test_a_backup_taken_while_another_thread_writes_is_consistent(
        admin_ctx: Context, small_steps: None) -> None:
    """What it proves: rows committed by another connection after the backup's snapshot, while
    its pages are being copied, are not in the copy, and the copy is sound and counted in that
    same snapshot. No timing is assumed: the copy is held at its first step until the writer
    has demonstrably committed rows since, however slowly the machine schedules it."""
    path = admin_ctx.db.path
    assert path is not None
    stop = threading.Event()
    written = [0]  # rows committed so far (the count is raised after each commit)

    def writer() -> None:
        conn = sqlite3.connect(path, timeout=30)
        while not stop.is_set():
            conn.execute("INSERT INTO setting(key, value_json) VALUES (?, '1')",
                         (f"load.{written[0]}",))
            conn.commit()
            written[0] += 1
            # As the app writes: often, but leaving the lock to others.
            sleep(0.002)
        conn.close()

    held: list[tuple[int, int]] = []  # (committed when the copy began, when it went on)

    def progress(done: int, total: int, what: str) -> None:
        if held or what != "database":
            return
        # The snapshot was read before the first step: every row committed from now on was
        # committed after it, while the copy is under way.
        began = written[0]
        _wait_for(lambda: written[0] >= began + 20, "the writer to commit during the copy")
        held.append((began, written[0]))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        _wait_for(lambda: written[0] >= 20, "the writer to start")
        result = backup_now(admin_ctx, progress=progress)
    finally:
        stop.set()
        thread.join()
    assert result.ok, result.problems
    [(began, went_on)] = held  # the copy was held once, and rows were committed meanwhile
    assert went_on >= began + 20
    [file] = ours(admin_ctx.db.data_dir.backups)  # type: ignore[union-attr]
    manifest = backup_copy.read_manifest(file)
    assert manifest is not None and manifest.verified
    conn = sqlite3.connect(file)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_copy = conn.execute("SELECT count(*) FROM setting WHERE key LIKE 'load.%'").fetchone()[0]
    settings_in_copy = conn.execute("SELECT count(*) FROM setting").fetchone()[0]
    conn.close()
    # A snapshot: at most the one row whose commit raced the count when the copy began (its
    # commit done, the count not yet raised); none of the twenty committed while it waited.
    assert 20 <= in_copy <= began + 1 < went_on
    assert manifest.counts["setting"] == settings_in_copy  # counted in the copy's snapshot
    assert backup_copy.verify_copy(file, backup_copy.Snapshot(
        manifest.counts, (), None, None)) is None


def _corrupting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Damage the copied pages between the copy and its verification."""
    real = backup_copy.copy_blobs

    def copy_then_damage(source: Path, target: Path, hashes: object, **kw: object) -> object:
        part = next(target.parent.glob("*.part"))
        with open(part, "r+b") as handle:
            handle.seek(4096 * 3)
            handle.write(b"\xff" * 4096 * 4)
        return real(source, target, hashes, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(backup_copy, "copy_blobs", copy_then_damage)


def test_verification_marks_a_damaged_backup_bad_and_reports_it(
        admin_ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    _corrupting(monkeypatch)
    result = backup_now(admin_ctx)
    [dest] = result.destinations
    assert dest.file is not None and not dest.verified and result.written and not result.ok
    assert "校验失败" in (dest.problem or "")
    manifest = backup_copy.read_manifest(dest.file)
    assert manifest is not None and manifest.verified is False and manifest.problem
    [info] = list_backups(admin_ctx)
    assert info.verified is False
    state = last_backup(admin_ctx)
    assert state is not None and not state.ok and state.problems
    actions = [e.action for e in list_entries(admin_ctx)]
    assert "backup.failed" in actions


def test_verification_compares_row_counts(admin_ctx: Context) -> None:
    result = backup_now(admin_ctx)
    file = result.destinations[0].file
    assert file is not None
    manifest = backup_copy.read_manifest(file)
    assert manifest is not None
    wrong = dict(manifest.counts, patient=manifest.counts["patient"] + 1)
    problem = backup_copy.verify_copy(file, backup_copy.Snapshot(wrong, (), None, None))
    assert problem is not None and "patient" in problem


def expected_dates(days: list[date], daily: int, weekly: int, monthly: int) -> set[date]:
    """The rotation's promise, spelled out independently: the newest day of each of the last
    N days, ISO weeks and months that have a backup."""
    newest = sorted(days, reverse=True)
    keep = set(newest[:daily])
    weeks: dict[tuple[int, int], date] = {}
    months: dict[tuple[int, int], date] = {}
    for d in newest:
        weeks.setdefault(d.isocalendar()[:2], d)
        months.setdefault((d.year, d.month), d)
    keep |= set(sorted(weeks.values(), reverse=True)[:weekly])
    keep |= set(sorted(months.values(), reverse=True)[:monthly])
    return keep


def test_rotation_keeps_exactly_the_configured_set_across_a_year(
        admin_ctx: Context, fixed_clock: FixedClock) -> None:
    folder = admin_ctx.db.data_dir.backups  # type: ignore[union-attr]
    first = date(2026, 1, 1)
    days = [first + timedelta(days=n) for n in range(365)]
    fixed_clock.set(at(first, 9))
    with admin_ctx.transaction(write=True) as session:  # no catch-up before the first evening
        from clinic_desktop.services.clinic import write_setting
        write_setting(session, "backup.evening_last", at(first, 9).isoformat())
    for day in days:
        fixed_clock.set(at(day, 21, 30))
        assert nightly_backup(admin_ctx) == 1, day
        fixed_clock.set(at(day, 23, 0))
        assert nightly_backup(admin_ctx) == 0, day  # once a day
    left = {backup_copy.read_manifest(p).at.astimezone(SHANGHAI).date()  # type: ignore[union-attr]
            for p in ours(folder)}
    assert left == expected_dates(days, 7, 4, 12)
    # Dec 25–31; the Sundays Dec 13 and 20 (the two newer weeks end in the seven days); the
    # ends of January to November (December's is Dec 31).
    assert len(ours(folder)) == len(left) == 7 + 2 + 11
    assert max(left) == days[-1]  # the newest good backup stays


def test_the_evening_job_runs_once_a_day_after_the_time_and_catches_up(
        admin_ctx: Context, fixed_clock: FixedClock) -> None:
    day = date(2026, 11, 24)
    fixed_clock.set(at(day, 10))
    assert nightly_backup(admin_ctx) == 1  # never backed up: catch up at the first scan
    assert nightly_backup(admin_ctx) == 0
    fixed_clock.set(at(day, 20, 59))
    assert nightly_backup(admin_ctx) == 0
    fixed_clock.set(at(day, 21, 0))
    assert nightly_backup(admin_ctx) == 1
    fixed_clock.set(at(day, 21, 30))
    assert nightly_backup(admin_ctx) == 0
    fixed_clock.set(at(day + timedelta(days=1), 9))
    assert nightly_backup(admin_ctx) == 0
    # The PC was off on the evening of the 25th: the morning of the 27th catches up once.
    fixed_clock.set(at(day + timedelta(days=3), 8))
    assert nightly_backup(admin_ctx) == 1
    assert nightly_backup(admin_ctx) == 0
    save_backup_settings(admin_ctx, BackupSettings(enabled=False))
    fixed_clock.set(at(day + timedelta(days=3), 22))
    assert nightly_backup(admin_ctx) == 0


def test_the_evening_time_is_a_setting(admin_ctx: Context, fixed_clock: FixedClock) -> None:
    day = date(2026, 11, 24)
    save_backup_settings(admin_ctx, BackupSettings(at=time(18, 30)))
    fixed_clock.set(at(day, 18, 0))
    nightly_backup(admin_ctx)  # the catch-up
    fixed_clock.set(at(day, 18, 29))
    assert nightly_backup(admin_ctx) == 0
    fixed_clock.set(at(day, 18, 30))
    assert nightly_backup(admin_ctx) == 1


def test_a_missing_destination_is_reported_and_tried_again(
        admin_ctx: Context, fixed_clock: FixedClock, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    save_backup_settings(admin_ctx, BackupSettings(second_folder=str(usb)))
    fixed_clock.set(at(date(2026, 11, 24), 21, 5))
    assert nightly_backup(admin_ctx) == 1  # backups/ only
    state = last_backup(admin_ctx)
    assert state is not None and not state.ok
    assert any(str(usb) in p and "不存在" in p for p in state.problems)
    fixed_clock.advance(timedelta(minutes=10))
    assert nightly_backup(admin_ctx) == 0  # not every minute
    usb.mkdir()
    fixed_clock.advance(timedelta(minutes=25))
    assert nightly_backup(admin_ctx) == 1
    assert len(ours(usb)) == 1
    assert len(ours(admin_ctx.db.data_dir.backups)) == 1  # type: ignore[union-attr]
    state = last_backup(admin_ctx)
    assert state is not None and state.ok
    fixed_clock.advance(timedelta(hours=1))
    assert nightly_backup(admin_ctx) == 0  # done until tomorrow evening


def test_a_destination_that_disappears_mid_copy_leaves_nothing_behind(
        admin_ctx: Context, tmp_path: Path, small_steps: None) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()

    def unplug(done: int, total: int, what: str) -> None:
        if usb.exists():
            shutil.rmtree(usb)

    result = backup_now(admin_ctx, to=usb, progress=unplug)
    assert not result.written and result.problems
    assert not usb.exists()
    # The disk fills up mid-copy: the partial file is removed, the run reported.
    usb.mkdir()

    def full(done: int, total: int, what: str) -> None:
        if done > 2:
            raise OSError(28, "No space left on device", str(usb))

    result = backup_now(admin_ctx, to=usb, progress=full)
    assert not result.written
    assert "磁盘已满" in result.problems[0]
    assert list(usb.iterdir()) == []
    # The next run works.
    assert backup_now(admin_ctx, to=usb).ok
    assert len(ours(usb)) == 1


def test_attachments_are_copied_once_and_restored(
        admin_ctx: Context, tmp_path: Path, fixed_clock: FixedClock) -> None:
    patient = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000"))
    image = tmp_path / "xray.png"
    image.write_bytes(b"\x89PNG fake x-ray " * 100)
    info = add_attachment(admin_ctx, patient.patient.id, image)
    first = backup_now(admin_ctx)
    backups_dir = admin_ctx.db.data_dir.backups  # type: ignore[union-attr]
    stored = backup_copy.blob_path(backups_dir / "attachments", info.path.name)
    assert stored.read_bytes() == image.read_bytes()
    stamp = stored.stat().st_mtime_ns
    fixed_clock.advance(timedelta(minutes=1))
    assert backup_now(admin_ctx).ok
    assert stored.stat().st_mtime_ns == stamp  # only new files are copied
    file = first.destinations[0].file
    assert file is not None
    assert backups.backup_contents(admin_ctx, file).patients == 1
    admin_ctx.db.close()
    info.path.unlink()  # the data folder lost it
    result = restore_backup(admin_ctx.db.data_dir, file,  # type: ignore[arg-type]
                            clock=fixed_clock)
    assert result.attachments_copied == 1 and result.attachments_missing == ()
    assert info.path.read_bytes() == image.read_bytes()


def test_settings_are_checked_and_audited(admin_ctx: Context) -> None:
    with pytest.raises(UserError) as refused:
        save_backup_settings(admin_ctx, BackupSettings(keep_daily=0))
    assert refused.value.field == "keep_daily"
    with pytest.raises(UserError) as refused:
        save_backup_settings(admin_ctx, BackupSettings(second_folder="relative/folder"))
    assert refused.value.field == "second_folder"
    saved = save_backup_settings(admin_ctx, BackupSettings(at=time(20, 15), keep_monthly=6))
    assert saved == backup_settings(admin_ctx) and saved.at == time(20, 15)
    assert "backup.settings" in [e.action for e in list_entries(admin_ctx)]


@pytest.fixture
def nurse(admin_ctx: Context) -> Iterator[Context]:
    yield admin_ctx.as_actor(Actor(staff_id=None, username="nurse", display_name="护士",
                                   role=Role.NURSE))


def test_a_nurse_cannot_back_up_but_the_scheduled_backups_still_run(
        nurse: Context, fixed_clock: FixedClock, tmp_path: Path) -> None:
    for call in (lambda: backup_now(nurse), lambda: list_backups(nurse),
                 lambda: backup_settings(nurse),
                 lambda: save_backup_settings(nurse, BackupSettings()),
                 lambda: restore_backup(nurse.db.data_dir,  # type: ignore[arg-type]
                                        tmp_path / "x.sqlite3", clock=fixed_clock,
                                        actor=nurse.actor)):
        with pytest.raises(PermissionDenied):
            call()
    assert nightly_backup(nurse) == 1  # the clinic's backups, whoever is at the desk
    result = exit_backup(nurse)
    assert result is not None and result.ok
    assert last_backup(nurse) is not None


def test_backup_names_the_time_in_the_clinic_zone(admin_ctx: Context,
                                                  fixed_clock: FixedClock) -> None:
    fixed_clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))  # 21:00 in Shanghai
    file = backup_now(admin_ctx).destinations[0].file
    assert file is not None and "20261124-210000-manual" in file.name
