"""Putting a backup in place of the clinic's database, without ever deleting anything.

The backup is copied next to the database first and checked there (SQLite's integrity check,
a Clinic Desktop schema no newer than this program), so a bad backup is refused before the
current file is touched. The current database then moves aside under a dated name (with its
write-ahead log and audit head), and the checked copy takes its place; the attachment files
it refers to and the data folder lacks are copied back from the backup's ``attachments/``.
Upgrading an older schema and auditing the restore happen when the restored file is next opened.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory

from clinic_desktop.errors import EnvironmentProblem
from clinic_desktop.i18n import _
from clinic_desktop.paths import DataDir
from clinic_desktop.storage.audit_trail import head_path_for
from clinic_desktop.storage.migrate import alembic_config
from clinic_desktop.storage.soundness import quick_check
from clinic_desktop.storage.sqlite_files import (
    DATABASE_ERRORS,
    DB_ERRORS,
    DB_OR_KEY_ERRORS,
    KeyUnknown,
    connect_file,
    key_for,
)

SIDE_FILES = ("-wal", "-shm")


class RestoreRefused(EnvironmentProblem):
    """The file cannot be restored; nothing was changed."""


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    revision: str
    patients: int
    last_visit: str | None


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    moved_aside: Path | None
    check: BackupCheck
    attachments_copied: int = 0  # files brought back from the backup's attachment store
    attachments_missing: tuple[str, ...] = ()  # referred to, but found nowhere


def restore_attachments(data_dir: DataDir, source: Path) -> tuple[int, tuple[str, ...]]:
    """Copy back the attachment files the restored database refers to and the data folder
    lacks, from the ``attachments/`` store beside the backup; what is found nowhere is named."""
    from clinic_desktop.storage.backup_copy import blob_path, copy_blobs, referenced_blobs

    wanted = referenced_blobs(data_dir.database) or set()
    lacking = sorted(sha for sha in wanted if not blob_path(data_dir.attachments, sha).exists())
    if not lacking:
        return 0, ()
    copied, missing = copy_blobs(source.parent / "attachments", data_dir.attachments, lacking)
    return copied, tuple(missing)


def check_backup(path: Path) -> BackupCheck:
    """Integrity and schema of a database file; raises ``RestoreRefused`` with the reason."""
    try:
        key_for(path)
    except KeyUnknown as exc:
        raise RestoreRefused(_(
            "{path} 不是可用的数据库文件（或是本机没有密钥的加密备份），不能用于恢复。若是这家"
            "诊所的加密备份，请先用恢复密钥解锁（clinic-desktop unlock --recovery-key-file "
            "文件）。", path=path)) from exc
    problems = quick_check(path, thorough=True)
    if problems:
        raise RestoreRefused(_("{path} 已损坏（{reason}），不能用于恢复。", path=path,
                               reason="; ".join(problems[:3])))
    try:
        conn = connect_file(path, read_only=True)
    except DB_ERRORS as exc:
        raise RestoreRefused(_("无法打开 {path}：{reason}。", path=path, reason=exc)) from exc
    try:
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            patients = conn.execute("SELECT count(*) FROM patient").fetchone()[0]
            last_visit = conn.execute("SELECT max(visit_date) FROM visit").fetchone()[0]
        except DB_ERRORS as exc:
            raise RestoreRefused(_("{path} 不是 Clinic Desktop 的数据库备份。", path=path)) from exc
    except DATABASE_ERRORS as exc:
        raise RestoreRefused(_("{path} 不是可用的数据库文件（{reason}）。", path=path,
                               reason=exc)) from exc
    finally:
        conn.close()
    if revision is None:
        raise RestoreRefused(_("{path} 不是 Clinic Desktop 的数据库备份。", path=path))
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(revision[0]) is not None
    except Exception:  # alembic raises its own lookup errors for unknown revisions
        known = False
    if not known:
        raise RestoreRefused(_(
            "{path} 由更新版本的 Clinic Desktop 写入（结构版本 {rev}），本程序不能恢复它。",
            path=path, rev=revision[0]))
    return BackupCheck(path, str(revision[0]), int(patients),
                       str(last_visit) if last_visit is not None else None)


def _copy_consistently(source: Path, target: Path) -> None:
    """SQLite's backup API: a consistent copy even of a file another program has open."""
    try:
        key = key_for(source)
    except KeyUnknown as exc:
        raise RestoreRefused(_(
            "{path} 不是可用的数据库文件（或是本机没有密钥的加密备份），不能用于恢复。若是这家"
            "诊所的加密备份，请先用恢复密钥解锁（clinic-desktop unlock --recovery-key-file "
            "文件）。", path=source)) from exc
    try:
        src = connect_file(source, read_only=True, key=key)
        try:
            dest = connect_file(target, key=key)
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
    except DB_ERRORS as exc:
        target.unlink(missing_ok=True)
        raise RestoreRefused(_("{path} 不是可用的数据库文件（{reason}）。", path=source,
                               reason=exc)) from exc


def _checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the file, so the file moved aside is complete by itself
    (if the current file is damaged this may fail: the log then moves with it)."""
    with contextlib.suppress(*DB_OR_KEY_ERRORS):
        conn = connect_file(database)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _move_aside(database: Path, stamp: datetime) -> Path:
    aside = database.with_name(f"{database.name}.before-restore-{stamp:%Y%m%d-%H%M%S}")
    serial = 1
    while aside.exists():
        serial += 1
        aside = database.with_name(
            f"{database.name}.before-restore-{stamp:%Y%m%d-%H%M%S}-{serial}")
    _checkpoint(database)
    os.replace(database, aside)
    for suffix in SIDE_FILES:
        side = database.with_name(database.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    head = head_path_for(database)
    if head.exists():
        os.replace(head, head_path_for(aside))
    return aside


def _keep_key(data_dir: DataDir, key: bytes) -> None:
    """An encrypted backup restored into a folder that does not know its key (another PC, a
    new folder): the key this process opened it with is stored for the folder, by the policy."""
    from clinic_desktop.database_keys import find_key, store_key

    if find_key(data_dir) != key:
        store_key(data_dir, key)


def restore_file(data_dir: DataDir, source: Path, *, stamp: datetime) -> RestoreResult:
    """Replace the data folder's database with ``source``; the caller holds the folder lock."""
    source = source.expanduser().resolve()
    if not source.is_file():
        raise RestoreRefused(_("找不到备份文件 {path}。", path=source))
    database = data_dir.database
    if database.exists() and source.samefile(database):
        raise RestoreRefused(_("{path} 就是当前的数据库，不能用它恢复自己。", path=source))
    staging = database.with_name(f"{database.name}.restoring")
    staging.unlink(missing_ok=True)
    _copy_consistently(source, staging)
    try:
        check = check_backup(staging)
        moved = _move_aside(database, stamp) if database.exists() else None
        os.replace(staging, database)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    restored_key = key_for(database)
    if restored_key is not None:
        _keep_key(data_dir, restored_key)
    head = head_path_for(source)
    if head.exists():  # the backup's own head: its chain is checked against it from now on
        shutil.copyfile(head, head_path_for(database))
    copied, missing = restore_attachments(data_dir, source)
    return RestoreResult(source, moved, BackupCheck(source, check.revision, check.patients,
                                                    check.last_visit), copied, missing)
