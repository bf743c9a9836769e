"""Encryption at rest: a new clinic's key, turning a plain clinic into an encrypted one, and
storing the key again from the recovery key.

These run before any ``Context`` exists (the database is not open, or is about to be
replaced), like a restore: the caller holds the data folder's lock.

``encrypt_database`` never leaves the clinic without a usable file, whenever the power goes:
the plain file is exported into ``clinic.sqlite3.encrypting`` beside it, the export is checked
(integrity and every table's row count) and flushed to disk, and only then renamed over the
plain file, which is one atomic step. Before the rename the plain file is the clinic (and a
leftover export is removed on the next run); after it the encrypted one is. The key is stored
(keyring, key file or passphrase) before the export starts, so an encrypted file never exists
without a stored key.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clinic_desktop.database_keys import (
    StoredIn,
    find_key,
    key_id_of,
    new_key,
    read_key_info,
    recovery_text,
    store_key,
)
from clinic_desktop.errors import EnvironmentProblem, UserError
from clinic_desktop.i18n import _
from clinic_desktop.paths import DataDir
from clinic_desktop.storage import backup_copy
from clinic_desktop.storage.blob_crypto import attachment_key, seal_folder
from clinic_desktop.storage.sqlite_files import (
    KeyUnknown,
    connect_file,
    is_encrypted,
    key_for,
    key_pragma,
    remember_key,
)

log = logging.getLogger(__name__)

EXPORT_SUFFIX = ".encrypting"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class NewKey:
    """A key just made (or given) and stored for a data folder; ``recovery`` is what the
    clinic prints and puts away."""

    key: bytes
    stored_in: StoredIn
    recovery: str


def create_key(data_dir: DataDir, *, key: bytes | None = None,
               passphrase: str | None = None) -> NewKey:
    """The key of a new encrypted clinic, stored by the policy before the file exists."""
    chosen = key if key is not None else new_key()
    stored = store_key(data_dir, chosen, passphrase=passphrase)
    remember_key(chosen)
    return NewKey(chosen, stored, recovery_text(chosen))


def _export_path(database: Path) -> Path:
    return database.with_name(database.name + EXPORT_SUFFIX)


def remove_stale_export(data_dir: DataDir) -> None:
    """An export an interrupted ``encrypt`` left behind is never the clinic: removed."""
    _export_path(data_dir.database).unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (the rename): Windows cannot open a folder for
    that, and its renames are journaled by NTFS anyway."""
    if path.is_dir() and os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encrypt_database(data_dir: DataDir, *, key: bytes | None = None,
                     passphrase: str | None = None,
                     progress: Progress | None = None) -> NewKey:
    """Turn the plain database of ``data_dir`` into an encrypted one (see the module's note).
    Raises ``UserError`` when it is already encrypted or missing."""
    database = data_dir.database
    say = progress or (lambda _step: None)
    remove_stale_export(data_dir)
    if not database.exists():
        raise EnvironmentProblem(_("{path} 中没有数据库。", path=data_dir.root))
    if is_encrypted(database):
        raise UserError(_("数据库 {path} 已经加密了。", path=database))
    made = create_key(data_dir, key=key, passphrase=passphrase)
    _export_and_swap(database, made.key, source_key=None, say=say)
    say("attachments")
    seal_attachments(data_dir, made.key)
    log.info("database %s encrypted (key %s, %s)", database, key_id_of(made.key),
             made.stored_in)
    return made


def seal_attachments(data_dir: DataDir, key: bytes) -> int:
    """Encrypt the attachment files still plain (all of them right after ``encrypt``; the
    rest after an interrupted run). How many were sealed."""
    return seal_folder(data_dir.attachments, attachment_key(key))


def _export_and_swap(database: Path, key: bytes, *, source_key: bytes | None,
                     say: Progress) -> None:
    """Export ``database`` (plain, or encrypted with ``source_key``) under ``key`` beside it,
    check the export against the source's contents, flush it and rename it over the source:
    the one step after which the new file is the clinic."""
    export = _export_path(database)
    say("export")
    try:
        source = connect_file(database, key=source_key)
        try:
            # Fold the write-ahead log into the file: the export reads one complete file, and
            # no log of the old file is left to be applied to the new one.
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            expected = backup_copy.read_contents(source)
        finally:
            source.close()
        _export(database, export, key, source_key=source_key)
        say("verify")
        problem = backup_copy.verify_copy(export, expected)
        if problem is not None:
            raise EnvironmentProblem(_("加密后的副本未通过校验（{reason}），原数据库未改动。",
                                       reason=problem))
        _fsync(export)
    except BaseException:
        export.unlink(missing_ok=True)
        raise
    say("swap")
    for side in ("-wal", "-shm"):
        database.with_name(database.name + side).unlink(missing_ok=True)
    os.replace(export, database)
    _fsync(database.parent)


def _export(source: Path, target: Path, key: bytes, *, source_key: bytes | None = None
            ) -> None:
    """SQLCipher's own export: every table, index, trigger and the schema version."""
    import sqlcipher3

    conn = sqlcipher3.dbapi2.connect(str(source), isolation_level=None)
    try:
        if source_key is not None:
            conn.execute(f'PRAGMA key = "{key_pragma(source_key)}"')
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"{key_pragma(key)}\"",
                     (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


def rekey_database(data_dir: DataDir, *, passphrase: str | None = None,
                   progress: Progress | None = None) -> NewKey:
    """Give an encrypted clinic a new key (a key or recovery key that may have been seen by
    someone who should not have it): the database is exported under the new key, checked and
    swapped in as ``encrypt`` does, and the attachments are sealed again. The old key stays
    stored as the previous one: it still opens the backups made before."""
    database = data_dir.database
    say = progress or (lambda _step: None)
    remove_stale_export(data_dir)
    if not is_encrypted(database):
        raise UserError(_("数据库 {path} 没有加密：请先运行 clinic-desktop encrypt。",
                          path=database))
    try:
        old = key_for(database)
    except KeyUnknown as exc:
        raise EnvironmentProblem(_("本机没有 {path} 的密钥，不能更换。", path=database)) from exc
    assert old is not None
    made = create_key(data_dir, passphrase=passphrase)  # the old one becomes "previous"
    _export_and_swap(database, made.key, source_key=old, say=say)
    say("attachments")
    seal_folder(data_dir.attachments, attachment_key(made.key),
                old_keys=[attachment_key(old)])
    log.info("database %s re-keyed (%s → %s)", database, key_id_of(old), key_id_of(made.key))
    return made


def unlock(data_dir: DataDir, key: bytes, *, passphrase: str | None = None) -> StoredIn:
    """Store ``key`` (read from the recovery key) for ``data_dir`` again, once it is known to
    open the database; a key that does not is refused and nothing is stored."""
    database = data_dir.database
    if not database.exists():
        raise EnvironmentProblem(_("{path} 中没有数据库。", path=data_dir.root))
    if not is_encrypted(database):
        raise UserError(_("数据库 {path} 没有加密，不需要解锁。", path=database))
    remember_key(key)
    try:
        opens = key_for(database) == key
    except KeyUnknown:
        opens = False
    if not opens:
        raise UserError(_("这个恢复密钥打不开 {path}：它属于另一家诊所或另一个数据库。",
                          path=database), field="recovery_key")
    stored = store_key(data_dir, key, passphrase=passphrase)
    log.info("database key stored again (%s) for %s", stored, data_dir.root)
    return stored


def key_state(data_dir: DataDir) -> str:
    """One word for ``check`` and the settings page: plain, stored, passphrase or missing."""
    if not is_encrypted(data_dir.database):
        return "plain"
    info = read_key_info(data_dir)
    if info is not None and info.stored_in is StoredIn.PASSPHRASE:
        return "passphrase"
    return "stored" if find_key(data_dir) is not None else "missing"
