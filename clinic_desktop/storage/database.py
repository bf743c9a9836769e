"""Opening a clinic database: checks, backup, upgrade, then a session factory.

``Database.session()`` is the only way code gets a Session: one per operation, committed or
rolled back as a whole, never kept past the call (``expire_on_commit=False`` so the plain
values read inside stay readable after it). ``session(write=True)`` holds the write lock from
its first statement (see ``storage.transactions``); a failure of the database itself (locked
past the timeout, read-only file, full disk, damaged file) leaves as a sentence, not a
driver error.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop.changes import ChangeSet, collect, collector_of
from clinic_desktop.clock import SystemClock
from clinic_desktop.database_keys import find_key, previous_key, read_key_info
from clinic_desktop.errors import DatabaseUnusable, EnvironmentProblem, KeyRequired, UserError
from clinic_desktop.file_modes import PRIVATE_FILE, tighten
from clinic_desktop.i18n import _
from clinic_desktop.paths import DataDir
from clinic_desktop.storage import (
    models,  # noqa: F401 - registers every table
    wal_checkpoint,
)
from clinic_desktop.storage.audit_trail import AuditTrail, head_path_for
from clinic_desktop.storage.engine import SQLITE_BEGIN, create_engine_for_url, create_sqlite_engine
from clinic_desktop.storage.migrate import head_revision, upgrade_to_head
from clinic_desktop.storage.notify import publish
from clinic_desktop.storage.soundness import Soundness, SoundnessGate, latest_backup
from clinic_desktop.storage.sqlite_files import (
    DATABASE_ERRORS,
    DB_OR_KEY_ERRORS,
    KeyUnknown,
    connect_file,
    is_encrypted,
    key_for,
    known_keys,
    remember_key,
)
from clinic_desktop.storage.transactions import (
    WRITE,
    guard_read_transactions,
    hold_write_lock,
    translate,
)

log = logging.getLogger(__name__)


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    data_dir: DataDir | None
    backup_taken: Path | None = None
    audit_trail: AuditTrail = field(default_factory=lambda: AuditTrail(None))
    soundness: SoundnessGate = field(default_factory=lambda: SoundnessGate(open_now=True))
    # Called (on the committing thread) with every committed change set.
    commit_listeners: list[Callable[[ChangeSet], None]] = field(default_factory=list)
    # SQLCipher's key (None: a plain file). Kept here for the attachments (``blob_crypto``),
    # never written anywhere by this object.
    key: bytes | None = field(default=None, repr=False)
    # Names this Database's writes in the change notifications (``storage.notify``), so its
    # own listener can skip them.
    workstation: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def encrypted(self) -> bool:
        """The file, its WAL, its backups and its attachments are unreadable without the key."""
        return self.key is not None

    @property
    def attachment_key(self) -> bytes | None:
        """What new attachment files are sealed with."""
        from clinic_desktop.storage.blob_crypto import attachment_key

        return attachment_key(self.key) if self.key is not None else None

    @property
    def attachment_keys(self) -> list[bytes]:
        """What attachment files are opened with: this key first, then the others this
        process holds (files sealed before a rekey reached them)."""
        from clinic_desktop.storage.blob_crypto import attachment_key

        keys = [self.key] if self.key is not None else []
        return [attachment_key(k) for k in keys + [k for k in known_keys() if k != self.key]]

    @contextmanager
    def session(self, *, write: bool = False,
                on_commit: Callable[[ChangeSet], None] | None = None) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception.

        ``write=True`` for anything that changes data: the transaction then begins holding
        the write lock, before the first read. A read session refuses to write. After a
        commit, ``on_commit`` and every ``commit_listeners`` entry receive what it changed;
        on PostgreSQL the other workstations hear of it too (``storage.notify``)."""
        if write:
            self.soundness.wait()
        session = self.sessions()
        session.info[WRITE] = write
        try:
            if write and self.is_sqlite:
                session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
            elif write:
                hold_write_lock(session)
            yield session
            if write and not self.is_sqlite:
                publish(session, self.workstation)  # sent by the server only if this commits
            session.commit()
            self.audit_trail.after_commit(session)
            if write:
                self._committed(collector_of(session).freeze(), on_commit)
        except DBAPIError as error:
            session.rollback()
            sentence = translate(error, self.path, self.latest_backup())
            if sentence is None:
                raise
            log.warning("database failure: %s", error.orig)
            raise sentence from error
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _committed(self, changes: ChangeSet,
                   on_commit: Callable[[ChangeSet], None] | None) -> None:
        if changes.empty:
            return
        if on_commit is not None:
            on_commit(changes)
        for listener in list(self.commit_listeners):
            listener(changes)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return self.data_dir.database if self.data_dir is not None and self.is_sqlite else None

    def latest_backup(self) -> Path | None:
        return latest_backup(self.data_dir)

    def check_soundness(self) -> list[str]:
        """Run the deferred check (the GUI calls this on its worker); the problems found."""
        if self.path is None or self.soundness.decided:
            return self.soundness.problems
        return self.soundness.run_check(self.path, self.data_dir)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        wal_checkpoint.wait(self.engine)
        self.engine.dispose()


def _refuse_non_database(path: Path, data_dir: DataDir, given: bytes | None) -> bytes | None:
    """Check the file before SQLite writes to it, so a wrong file is left as it was; the key
    that opens it (None: plain or new). A new file is created encrypted when ``given``."""
    if not path.exists() or path.stat().st_size == 0:
        if given is not None:
            remember_key(given)
        return given
    if is_encrypted(path):
        return _key_that_opens(path, data_dir, given)
    try:
        probe = connect_file(path, read_only=True, key=None)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except DATABASE_ERRORS as exc:
        raise DatabaseUnusable(
            _("无法读取数据库 {path}：{reason}。文件未被改动。", path=path, reason=exc)
        ) from exc
    return None


def _key_that_opens(path: Path, data_dir: DataDir, given: bytes | None) -> bytes:
    """An encrypted file's key: the one given, then the stored one, then one this process
    already holds. Not a database at all, a wrong key and no key are three sentences."""
    try:
        stored = find_key(data_dir)
    except UserError as exc:  # --key-file names a file that holds no key
        raise EnvironmentProblem(exc.message) from exc
    # The key before a rekey too: it opens the file if the rekey stopped before the swap.
    for key in (given, stored, previous_key(data_dir)):
        if key is not None:
            remember_key(key)
    try:
        key = key_for(path)
    except KeyUnknown:
        key = None
    if key is not None and (given is None or key == given):
        return key
    info = read_key_info(data_dir)
    if given is not None:
        raise KeyRequired(_("密钥不对：它打不开 {path}。文件未被改动。", path=path),
                          passphrase=info is not None and info.wrapped is not None)
    if info is None:
        raise DatabaseUnusable(
            _("{path} 不是 Clinic Desktop 数据库（文件已损坏或不是数据库文件），文件未被改动。",
              path=path)
        )
    if info.wrapped is not None:
        raise KeyRequired(_("数据库已加密：请输入启动口令。"), passphrase=True)
    raise KeyRequired(
        _("数据库 {path} 已加密，本机找不到它的密钥（密钥环或密钥文件丢失）。"
          "请用打印的恢复密钥解锁：clinic-desktop unlock --recovery-key-file 文件", path=path)
    )


def open_database(
    data_dir: DataDir | None = None, *, url: str | None = None, upgrade: bool = True,
    now: datetime | None = None, soundness: Soundness = Soundness.NOW, key: bytes | None = None,
    server_backups: Path | None = None, upgrade_without_backup: bool = False,
) -> Database:
    """Open (creating if needed) the clinic database in ``data_dir``, or the server at ``url``.

    An encrypted file opens with ``key``, else the key stored for the data folder
    (``database_keys``); a new file is created encrypted when ``key`` is given.

    A damaged SQLite file is refused (``Soundness.NOW``) or refused at its first write
    (``DEFERRED``); an upgrade never starts on a file that has not been checked. A server's
    upgrade is preceded by a ``pg_dump`` into ``server_backups`` (this workstation's backups
    folder), or confirmed without one (``upgrade_without_backup``)."""
    stamp = now or SystemClock().now()  # only names the pre-upgrade backup file
    sqlite_path: Path | None = None
    gate = SoundnessGate(open_now=True)
    if url is None:
        if data_dir is None:
            raise ValueError("open_database needs a data folder or a URL")
        data_dir.ensure()
        sqlite_path = data_dir.database
        key = _refuse_non_database(sqlite_path, data_dir, key)
        if not sqlite_path.exists():
            sqlite_path.touch(mode=PRIVATE_FILE)  # owner-only from birth (the WAL copies it)
        tighten(sqlite_path)
        if sqlite_path.exists() and soundness is not Soundness.SKIP:
            gate = SoundnessGate(open_now=False)
            if soundness is Soundness.NOW or (upgrade and _upgrade_pending(sqlite_path)):
                gate.run_check(sqlite_path, data_dir)
                gate.wait()
        engine = create_sqlite_engine(sqlite_path, key)
    else:
        engine = create_engine_for_url(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        backup = None
        if upgrade:
            backup = upgrade_to_head(
                engine, sqlite_path=sqlite_path,
                backup_dir=data_dir.backups if data_dir else server_backups, stamp=stamp,
                without_backup=upgrade_without_backup,
            )
    except OperationalError as exc:
        engine.dispose()
        raise EnvironmentProblem(_("无法打开数据库：{reason}", reason=exc.orig)) from exc
    except DatabaseError as exc:
        engine.dispose()
        raise DatabaseUnusable(_("无法打开数据库：{reason}", reason=exc.orig)) from exc
    except BaseException:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    guard_read_transactions(sessions)
    collect(sessions)
    trail = AuditTrail(head_path_for(sqlite_path) if sqlite_path is not None else None,
                       head_in_database=sqlite_path is None)
    return Database(engine=engine, sessions=sessions, data_dir=data_dir, backup_taken=backup,
                    audit_trail=trail, soundness=gate, key=key)


def _upgrade_pending(path: Path) -> bool:
    """Whether opening ``path`` would change its schema (then it is checked first)."""
    try:
        conn = connect_file(path, read_only=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except DB_OR_KEY_ERRORS:
        return True
    return row is None or row[0] != head_revision()
