"""A copy of a server database before its schema is upgraded: ``pg_dump`` when installed.

A SQLite clinic is copied by the app itself before an upgrade. On PostgreSQL the app has no
file to copy; the server's own tool does it (custom format, restorable with ``pg_restore``)
into this workstation's backups folder. Without ``pg_dump`` the upgrade stops and says so: the
person upgrading takes a backup on the server, then confirms (``init --without-backup``, or
the question the app asks at start)."""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from clinic_desktop.errors import EnvironmentProblem
from clinic_desktop.i18n import _
from clinic_desktop.storage.server import without_password

log = logging.getLogger(__name__)


class UpgradeNeedsBackup(EnvironmentProblem):
    """A server database would be upgraded with no copy taken first: confirm, or back up."""


def find_pg_dump() -> Path | None:
    """``pg_dump`` on the PATH (Debian's wrapper picks the newest), else the newest of the
    versioned folders Debian keeps off the PATH."""
    found = shutil.which("pg_dump")
    if found:
        return Path(found)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
                        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    return Path(candidates[-1]) if candidates else None


def dump_before_upgrade(engine: Engine, backup_dir: Path | None, *, stamp: datetime,
                        revision: str) -> Path:
    """``pg_dump -Fc`` of the server database into ``backup_dir``; the file written."""
    tool = find_pg_dump()
    if tool is None or backup_dir is None:
        raise UpgradeNeedsBackup(_(
            "数据库结构需要从 {rev} 升级，但这台电脑没有 pg_dump，无法先备份服务器上的数据库。"
            "请先在服务器上备份（pg_dump -Fc），然后确认升级（命令行：clinic-desktop init "
            "--without-backup）。", rev=revision))
    url = engine.url
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"{url.database}-{stamp:%Y%m%d-%H%M%S}-pre-upgrade.dump"
    # The password travels in the environment, never on the command line (``ps`` shows it).
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    dsn = without_password(url.set(drivername="postgresql")).render_as_string(
        hide_password=False)
    result = subprocess.run([str(tool), "--format=custom", f"--file={target}", dsn],
                            capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        reason = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise UpgradeNeedsBackup(_(
            "升级前用 pg_dump 备份服务器数据库失败（{reason}），没有升级。请检查后重试，或在服务器"
            "上备份后确认升级（clinic-desktop init --without-backup）。", reason=reason))
    log.info("backed up the server database to %s before upgrading", target)
    return target
