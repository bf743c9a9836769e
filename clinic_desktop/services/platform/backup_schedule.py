"""When backups happen by themselves: every evening (a setting, default 21:00) and at exit.

``nightly_backup`` is a scheduler scan (``wiring``): the scheduler runs every scan each
minute, so the job decides itself whether the evening's backup is due — the latest evening
time that has passed (today's, or yesterday's when it is earlier than the time) is later than
the last evening backup. A PC switched off at 21:00 backs up at its next start. A destination
that failed (an unplugged USB disk) is tried again every ``RETRY`` until it works or the next
evening comes. Both jobs act for the clinic, whoever is signed in: they write only to the
configured destinations.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from clinic_desktop.context import Context
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.services.platform.backup_settings import settings_in

# The unchecked work is package-private: only the scheduled jobs here and backup_now call it.
from clinic_desktop.services.platform.backups import BackupResult, _take_backup

LAST_EVENING = "backup.evening_last"  # the instant of the last evening backup (UTC, ISO)
RETRY_STATE = "backup.retry"  # {"folders": [...], "next": ISO instant}
RETRY = timedelta(minutes=30)


def _latest_evening(now_local: datetime, at_hour: int, at_minute: int) -> datetime:
    today = now_local.replace(hour=at_hour, minute=at_minute, second=0, microsecond=0)
    if now_local >= today:
        return today
    day = (now_local - timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, at_hour, at_minute, tzinfo=now_local.tzinfo)


def nightly_backup(ctx: Context) -> int:
    """The scheduler's scan: the evening backup when due, a retry when one is waiting; the
    number of backups written (0 when nothing was due)."""
    if ctx.db.path is None:
        return 0
    now = ctx.now()
    with ctx.transaction() as session:
        settings = settings_in(session)
        zone = clinic_zone(session)
        last = read_setting(session, LAST_EVENING)
        retry = read_setting(session, RETRY_STATE)
    if not settings.enabled:
        return 0
    evening = _latest_evening(now.astimezone(zone), settings.at.hour, settings.at.minute)
    if last is None or datetime.fromisoformat(last) < evening:
        result = _take_backup(ctx, reason="nightly")
        _remember(ctx, result, evening=True)
        return sum(d.file is not None for d in result.destinations)
    if isinstance(retry, dict) and retry.get("folders") \
            and now >= datetime.fromisoformat(retry["next"]):
        result = _take_backup(ctx, reason="nightly",
                             folders=[Path(f) for f in retry["folders"]])
        _remember(ctx, result, evening=False)
        return sum(d.file is not None for d in result.destinations)
    return 0


def _remember(ctx: Context, result: BackupResult, *, evening: bool) -> None:
    failed = [str(d.folder) for d in result.destinations if d.file is None]
    with ctx.transaction(write=True) as session:
        if evening:
            write_setting(session, LAST_EVENING, result.time.isoformat())
        write_setting(session, RETRY_STATE, {"folders": failed,
                                             "next": (result.time + RETRY).isoformat()})


def exit_backup(ctx: Context) -> BackupResult | None:
    """The backup the app takes as it closes (None when backups are switched off or the
    database is on a server)."""
    if ctx.db.path is None:
        return None
    with ctx.transaction() as session:
        if not settings_in(session).enabled:
            return None
    return _take_backup(ctx, reason="exit")
