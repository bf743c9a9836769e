"""Backups: taken, verified, rotated, listed.

A backup is written into each destination (the data folder's ``backups/`` and the optional
second folder): the database copied consistently while the app keeps writing, the attachment
files it refers to copied into the destination's own ``attachments/`` store (only those not
already there), the audit head beside it, and a JSON manifest (time, size, row counts,
verified or why not). The copy is written under a ``.part`` name and renamed only when whole,
and every failure removes what it wrote, so a half backup is never left behind. A destination
that is missing, read-only or full is reported (in the result, the log and the last state the
status bar shows) and the others go on. After a verified backup the destination is rotated
(``rules.backup_rotation``); the newest good backup is never deleted.

The copying runs outside any transaction of ours; the audit entry and the last state are
written afterwards in one short write transaction.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError, os_error_sentence
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules import backup_rotation
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.services.platform.backup_settings import BackupSettings, settings_in
from clinic_desktop.storage import backup_copy
from clinic_desktop.storage.audit_trail import head_path_for
from clinic_desktop.storage.backup_copy import Manifest, Progress
from clinic_desktop.storage.sqlite_files import DB_ERRORS, KeyUnknown

_COPY_FAILURES: tuple[type[Exception], ...] = (OSError, *DB_ERRORS)

log = logging.getLogger(__name__)

LAST_STATE = "backup.last"
SPACE_MARGIN = 1.2  # the copy needs the database's size and some room to spare


@dataclass(frozen=True)
class DestinationResult:
    folder: Path
    file: Path | None  # None: nothing could be written
    verified: bool
    problem: str | None  # a sentence for the person reading it


@dataclass(frozen=True)
class BackupResult:
    time: datetime
    reason: str
    destinations: tuple[DestinationResult, ...]

    @property
    def written(self) -> bool:
        return any(d.file is not None for d in self.destinations)

    @property
    def ok(self) -> bool:
        return all(d.file is not None and d.verified for d in self.destinations)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(d.problem for d in self.destinations if d.problem)


@dataclass(frozen=True)
class BackupInfo:
    file: Path
    time: datetime
    size: int
    verified: bool | None  # None: a copy without a manifest (taken before an upgrade)
    reason: str
    problem: str | None
    patients: int | None
    last_visit: str | None
    counts: dict[str, int]


@dataclass(frozen=True)
class LastBackup:
    """The last backup run, as the status bar and the backup dialog show it."""

    time: datetime
    ok: bool
    files: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class BackupContents:
    file: Path
    patients: int
    last_visit: str | None
    revision: str | None
    counts: dict[str, int]


# -- destinations ----------------------------------------------------------------------------
def _source(ctx: Context) -> Path:
    path = ctx.db.path
    if path is None or ctx.db.data_dir is None:
        raise UserError(_("此数据库在服务器上，由服务器负责备份；本程序只备份本机的数据文件。"))
    return path


def _destinations(ctx: Context, settings: BackupSettings) -> list[Path]:
    """The data folder's ``backups/``, then the second folder if one is set."""
    assert ctx.db.data_dir is not None
    found = [ctx.db.data_dir.backups]
    if settings.second_folder:
        found.append(Path(settings.second_folder))
    return found


def _unusable(folder: Path, *, primary: bool, needed: int) -> str | None:
    """Why ``folder`` cannot take a backup now, or None."""
    if primary:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return os_error_sentence(exc)
    if not folder.is_dir():
        return _("备份位置 {path} 不存在或未连接（U 盘或网络共享是否已接上？）。", path=folder)
    if not os.access(folder, os.W_OK):
        return _("备份位置 {path} 不可写入。", path=folder)
    free = shutil.disk_usage(folder).free
    if free < needed:
        return _("备份位置 {path} 空间不足：需要约 {need} MB，只剩 {free} MB。", path=folder,
                 need=needed // 2**20 + 1, free=free // 2**20)
    return None


def _name(folder: Path, database: Path, local: datetime, reason: str) -> Path:
    base = f"{database.stem}-{local:%Y%m%d-%H%M%S}-{reason}"
    target, serial = folder / f"{base}{database.suffix}", 1
    while target.exists() or backup_copy.manifest_path(target).exists():
        serial += 1
        target = folder / f"{base}-{serial}{database.suffix}"
    return target


def _write_one(ctx: Context, folder: Path, source: Path, local: datetime, reason: str,
               progress: Progress | None) -> DestinationResult:
    assert ctx.db.data_dir is not None
    target = _name(folder, source, local, reason)
    partial = target.with_name(target.name + backup_copy.PART_SUFFIX)
    head = head_path_for(target)
    try:
        snapshot = backup_copy.copy_database(source, partial, progress=progress)
        copied, missing = backup_copy.copy_blobs(
            ctx.db.data_dir.attachments, folder / "attachments", snapshot.attachments,
            progress=progress)
        os.replace(partial, target)
        if head_path_for(source).exists():
            shutil.copyfile(head_path_for(source), head)
        problem = backup_copy.verify_copy(target, snapshot)
        manifest = Manifest(
            time=ctx.now().isoformat(), reason=reason, size=target.stat().st_size,
            verified=problem is None, problem=problem, counts=snapshot.counts,
            last_visit=snapshot.last_visit, revision=snapshot.revision,
            attachments=len(snapshot.attachments), attachments_missing=len(missing))
        backup_copy.write_manifest(target, manifest)
    except _COPY_FAILURES as exc:
        # A folder unplugged mid-copy, a full disk: nothing half-written stays behind.
        backup_copy.remove_backup(target, partial, head)
        log.warning("backup to %s failed: %s", folder, exc)
        if isinstance(exc, OSError):
            sentence = os_error_sentence(exc)
        elif "disk" in str(exc) or "full" in str(exc):
            sentence = os_error_sentence(OSError(errno.ENOSPC, str(exc), str(folder)))
        else:
            sentence = _("无法写入备份 {path}：{reason}。", path=target, reason=exc)
        return DestinationResult(folder, None, False, _("备份未完成：{reason}", reason=sentence))
    except BaseException:  # cancelled, or a bug: still nothing half-written left behind
        backup_copy.remove_backup(target, partial, head)
        raise
    if missing:
        log.warning("backup %s: %d attachment files missing in the data folder", target,
                    len(missing))
    if problem is not None:
        log.error("backup %s failed verification: %s", target, problem)
        return DestinationResult(folder, target, False, _(
            "备份 {name} 校验失败（{reason}），已标记为损坏。", name=target.name, reason=problem))
    return DestinationResult(folder, target, True, None)


# -- taking a backup -------------------------------------------------------------------------
def backup_now(ctx: Context, *, to: Path | None = None, reason: str = "manual",
               progress: Progress | None = None) -> BackupResult:
    """One backup now: into ``to`` if given, else into every configured destination."""
    ctx.require(Permission.SETTINGS_MANAGE)
    if not reason.replace("-", "").isalnum():
        raise UserError(_("备份原因只能包含字母、数字和连字符。"), field="reason")
    return _take_backup(ctx, reason=reason, folders=[to] if to is not None else None,
                       progress=progress)


def _take_backup(ctx: Context, *, reason: str, folders: list[Path] | None = None,
                progress: Progress | None = None) -> BackupResult:
    """The work behind every backup (manual, evening, at exit); the callers check who may."""
    source = _source(ctx)
    assert ctx.db.data_dir is not None
    with ctx.transaction() as session:
        settings = settings_in(session)
        zone = clinic_zone(session)
    primary = ctx.db.data_dir.backups
    targets = folders if folders is not None else _destinations(ctx, settings)
    now = ctx.now()
    local = now.astimezone(zone)
    needed = int(_database_size(source) * SPACE_MARGIN) + 2**20
    results: list[DestinationResult] = []
    for folder in targets:
        folder = folder.expanduser()
        problem = _unusable(folder, primary=folder == primary, needed=needed)
        if problem is not None:
            log.warning("backup destination unusable: %s", problem)
            results.append(DestinationResult(folder, None, False, problem))
            continue
        result = _write_one(ctx, folder, source, local, reason, progress)
        results.append(result)
        if result.verified:
            _rotate(folder, zone, settings)
    outcome = BackupResult(now, reason, tuple(results))
    _record(ctx, outcome)
    return outcome


def _database_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _record(ctx: Context, outcome: BackupResult) -> None:
    files = [str(d.file) for d in outcome.destinations if d.file is not None]
    summary = f"{outcome.reason}: " + "; ".join(
        f"{d.file.name if d.file else d.folder} "
        f"{'verified' if d.verified else 'FAILED: ' + (d.problem or '')}"
        for d in outcome.destinations)
    with ctx.transaction(write=True) as session:
        write_setting(session, LAST_STATE, {
            "time": outcome.time.isoformat(), "ok": outcome.ok, "files": files,
            "problems": list(outcome.problems)})
        ctx.audit(session, "backup.run" if outcome.ok else "backup.failed", "backup",
                  files[0].rsplit(os.sep, 1)[-1] if files else None, summary[:500])


# -- rotation --------------------------------------------------------------------------------
def _ours(folder: Path) -> list[tuple[Path, Manifest]]:
    """The backups in ``folder`` that carry a manifest (copies taken before an upgrade have
    none and are never rotated)."""
    found = []
    for path in folder.glob("*.sqlite3"):
        manifest = backup_copy.read_manifest(path)
        if manifest is not None:
            found.append((path, manifest))
    return found


def _rotate(folder: Path, zone: object, settings: BackupSettings) -> list[Path]:
    """Delete what the rotation does not keep; bad backups go once a newer good one exists.
    Attachment files no remaining backup refers to go too."""
    backups = _ours(folder)
    good = [(p, m) for p, m in backups if m.verified]
    if not good:
        return []
    stamps = [m.at.astimezone(zone) for _p, m in good]  # type: ignore[arg-type]
    kept = backup_rotation.keep(stamps, daily=settings.keep_daily,
                                weekly=settings.keep_weekly, monthly=settings.keep_monthly)
    newest_good = max(m.at for _p, m in good)
    doomed = [p for i, (p, _m) in enumerate(good) if i not in kept]
    doomed += [p for p, m in backups if not m.verified and m.at < newest_good]
    for path in doomed:
        backup_copy.remove_backup(path, head_path_for(path))
        log.info("rotation removed backup %s", path)
    if doomed:
        _prune_attachments(folder)
    return doomed


def _prune_attachments(folder: Path) -> None:
    store = folder / "attachments"
    if not store.is_dir():
        return
    wanted: set[str] = set()
    for path in folder.glob("*.sqlite3"):
        hashes = backup_copy.referenced_blobs(path)
        if hashes is None:
            return  # a backup we cannot read might need any of them: keep all
        wanted |= hashes
    for blob in store.glob("*/*"):
        if blob.is_file() and blob.name not in wanted:
            blob.unlink(missing_ok=True)


# -- reading ---------------------------------------------------------------------------------
def list_backups(ctx: Context) -> list[BackupInfo]:
    """Every backup in the destinations, newest first."""
    ctx.require(Permission.SETTINGS_MANAGE)
    _source(ctx)
    with ctx.transaction() as session:
        settings = settings_in(session)
    found: list[BackupInfo] = []
    for folder in _destinations(ctx, settings):
        if folder.is_dir():
            found += [_info(path) for path in folder.glob("*.sqlite3")]
    return sorted(found, key=lambda b: b.time, reverse=True)


def _info(path: Path) -> BackupInfo:
    manifest = backup_copy.read_manifest(path)
    stat = path.stat()
    if manifest is None:
        reason = "pre-upgrade" if "pre-upgrade" in path.stem else "other"
        return BackupInfo(path, datetime.fromtimestamp(stat.st_mtime, tz=UTC), stat.st_size,
                          None, reason, None, None, None, {})
    return BackupInfo(path, manifest.at, stat.st_size, manifest.verified, manifest.reason,
                      manifest.problem, manifest.counts.get("patient"), manifest.last_visit,
                      dict(manifest.counts))


def last_backup(ctx: Context) -> LastBackup | None:
    """The last run's outcome (time, files, problems); None before the first backup. Open to
    every role: the status bar tells whoever is at the desk that backups fail."""
    with ctx.transaction() as session:
        return last_in(session)


def last_in(session: Session) -> LastBackup | None:
    state = read_setting(session, LAST_STATE)
    if not isinstance(state, dict):
        return None
    return LastBackup(datetime.fromisoformat(state["time"]), bool(state.get("ok")),
                      tuple(state.get("files", ())), tuple(state.get("problems", ())))


def backup_contents(ctx: Context, file: Path) -> BackupContents:
    """What a backup holds (patients, last visit, rows per table), read from the file itself."""
    ctx.require(Permission.SETTINGS_MANAGE)
    if not file.is_file():
        raise UserError(_("找不到备份文件 {path}。", path=file), field="file")
    try:
        conn = backup_copy.connect(file, read_only=True)
        try:
            snapshot = backup_copy.read_contents(conn)
        finally:
            conn.close()
    except DB_ERRORS as exc:
        raise UserError(_("{path} 不是可用的数据库文件（{reason}）。", path=file, reason=exc),
                        field="file") from exc
    except KeyUnknown as exc:
        raise UserError(_("{path} 已加密，本机没有它的密钥。", path=file), field="file") from exc
    if snapshot.revision is None:
        raise UserError(_("{path} 不是 Clinic Desktop 的数据库备份。", path=file), field="file")
    return BackupContents(file, snapshot.patients, snapshot.last_visit, snapshot.revision,
                          snapshot.counts)
