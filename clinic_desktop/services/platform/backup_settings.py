"""The clinic's backup settings, kept in the settings table: on/off, the evening time, a second
folder, and how many daily, weekly and monthly backups to keep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path

from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting, write_setting

PREFIX = "backup."
LIMITS = {"keep_daily": (1, 60), "keep_weekly": (0, 52), "keep_monthly": (0, 120)}


@dataclass(frozen=True)
class BackupSettings:
    enabled: bool = True
    at: time = time(21, 0)  # the clinic's local time of the evening backup
    second_folder: str = ""  # a USB disk or a NAS share; "" for none
    keep_daily: int = 7
    keep_weekly: int = 4
    keep_monthly: int = 12


def settings_in(session: Session) -> BackupSettings:
    default = BackupSettings()
    try:
        at = time.fromisoformat(read_setting(session, PREFIX + "time", "21:00"))
    except (TypeError, ValueError):
        at = default.at
    return BackupSettings(
        enabled=bool(read_setting(session, PREFIX + "enabled", True)), at=at,
        second_folder=str(read_setting(session, PREFIX + "second_folder", "") or ""),
        keep_daily=int(read_setting(session, PREFIX + "keep_daily", default.keep_daily)),
        keep_weekly=int(read_setting(session, PREFIX + "keep_weekly", default.keep_weekly)),
        keep_monthly=int(read_setting(session, PREFIX + "keep_monthly",
                                      default.keep_monthly)))


def backup_settings(ctx: Context) -> BackupSettings:
    ctx.require(Permission.SETTINGS_MANAGE)
    with ctx.transaction() as session:
        return settings_in(session)


def _checked(settings: BackupSettings) -> BackupSettings:
    for name, (low, high) in LIMITS.items():
        value = getattr(settings, name)
        if not low <= value <= high:
            raise UserError(_("保留份数应在 {low} 到 {high} 之间。", low=low, high=high),
                            field=name)
    folder = settings.second_folder.strip()
    if folder:
        path = Path(folder).expanduser()
        if not path.is_absolute():
            raise UserError(_("第二备份位置应是完整的文件夹路径。"), field="second_folder")
        folder = str(path)
    return BackupSettings(settings.enabled, settings.at.replace(second=0, microsecond=0),
                          folder, settings.keep_daily, settings.keep_weekly,
                          settings.keep_monthly)


def save_backup_settings(ctx: Context, settings: BackupSettings) -> BackupSettings:
    """Checked and saved whole; the second folder may be missing now (a USB disk that is
    unplugged): each backup then reports it."""
    ctx.require(Permission.SETTINGS_MANAGE)
    settings = _checked(settings)
    with ctx.transaction(write=True) as session:
        write_setting(session, PREFIX + "enabled", settings.enabled)
        write_setting(session, PREFIX + "time", settings.at.isoformat(timespec="minutes"))
        write_setting(session, PREFIX + "second_folder", settings.second_folder)
        for name in LIMITS:
            write_setting(session, PREFIX + name, getattr(settings, name))
        ctx.audit(session, "backup.settings", "setting", "backup",
                  f"{'on' if settings.enabled else 'off'} {settings.at:%H:%M} "
                  f"keep {settings.keep_daily}/{settings.keep_weekly}/{settings.keep_monthly} "
                  f"second={settings.second_folder or '-'}")
        return settings_in(session)
