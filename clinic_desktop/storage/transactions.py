"""Read and write transactions, and the database's own failures turned into sentences.

A write transaction starts with the write lock held (``BEGIN IMMEDIATE`` on SQLite), so what
it reads before writing cannot change under it: two bookings of the same slot, two new
patients' codes, two audit entries are serialised instead of racing. A read transaction
takes no lock and may not write; trying to is a bug in the caller (it would race), raised
at once rather than found under load.

On PostgreSQL every statement is a round trip to the server, and so are ``BEGIN`` and
``COMMIT``: the short reads a screen repeats (the overlap check, the week) take their
connection through :func:`read_connection`, which leaves them out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from clinic_desktop.errors import DatabaseBusy, DatabaseUnusable, EnvironmentProblem
from clinic_desktop.i18n import _

WRITE = "write"
# PostgreSQL's counterpart of ``BEGIN IMMEDIATE``: a transaction-scoped advisory lock every
# write transaction takes before its first read, so writers run one at a time across all
# workstations (readers never wait: MVCC), and every service's "read, check, write" stays
# correct unchanged. Held until commit or rollback; waiting for it is bounded like SQLite's
# busy timeout. Finer locks (per doctor and day) can replace it where writers collide often.
PG_WRITE_LOCK = 0x636C696E  # "clin"
# SQLSTATEs that mean "another writer holds what we need": lock timeout, deadlock, conflict.
_BUSY_STATES = {"55P03", "40P01", "40001"}


class WriteInReadTransaction(RuntimeError):
    """A service wrote inside ``ctx.transaction()`` without ``write=True``: a bug."""


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(WRITE):
        return
    changed = session.new or session.deleted or any(
        session.is_modified(obj) for obj in session.dirty)
    if changed:
        raise WriteInReadTransaction(
            "changes flushed in a read transaction: open it with write=True")


def _refuse_dml(state: ORMExecuteState) -> None:
    if not state.session.info.get(WRITE) and (state.is_insert or state.is_update
                                              or state.is_delete):
        raise WriteInReadTransaction(
            "INSERT/UPDATE/DELETE in a read transaction: open it with write=True")


def guard_read_transactions(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _refuse_flush)
    event.listen(sessions, "do_orm_execute", _refuse_dml)


# One round trip: the transaction's lock timeout (``SET LOCAL``), then the lock. The lock is
# asked for only with the timeout's result in hand, so the wait is always bounded.
_TAKE_WRITE_LOCK = text(
    "SELECT pg_advisory_xact_lock(:key) FROM "
    "(SELECT set_config('lock_timeout', :timeout, true) AS timeout) AS bounded "
    "WHERE bounded.timeout IS NOT NULL")


def hold_write_lock(session: Session) -> None:
    """Start a PostgreSQL write transaction holding the clinic's write lock (waiting at most
    as long as SQLite's busy timeout)."""
    from clinic_desktop.storage import engine

    session.execute(_TAKE_WRITE_LOCK, {"key": PG_WRITE_LOCK,
                                       "timeout": f"{int(engine.BUSY_TIMEOUT_MS)}ms"})


def read_connection(session: Session) -> Connection:
    """``session``'s connection, for a read of a statement or two.

    On PostgreSQL, in a read session not yet begun, each statement then runs on its own
    (the driver's autocommit): no ``BEGIN`` and ``COMMIT`` round trips, two of the three a
    one-statement read costs. The reads see what they would have seen: under READ COMMITTED
    (the server's default, and ours) every statement of a transaction takes a fresh snapshot
    anyway, and a read session writes nothing. A write session, one already begun (its
    transaction goes on), and SQLite (whose ``BEGIN`` is no round trip, and
    whose reads in one transaction share a snapshot) get the session's own connection."""
    if (session.info.get(WRITE) is not False or session.in_transaction()
            or session.get_bind().dialect.name != "postgresql"):
        return session.connection()
    return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def translate(error: DBAPIError, database: Path | None,
              latest_backup: Path | None = None) -> Exception | None:
    """The user's sentence for a failure of the database itself, or None for anything else."""
    reason = str(error.orig).lower()
    where = str(database) if database is not None else _("数据库")
    busy = getattr(error.orig, "sqlstate", None) in _BUSY_STATES
    if busy or "database is locked" in reason or "database table is locked" in reason:
        return DatabaseBusy(_("另一个工作站或导入正在写入，请稍后再试。"))
    if "readonly database" in reason or "read-only" in reason:
        return EnvironmentProblem(_(
            "数据库文件 {path} 是只读的，无法保存更改：请检查文件的权限或所在的磁盘。",
            path=where))
    if "disk is full" in reason or "disk full" in reason:
        return EnvironmentProblem(_(
            "磁盘已满，无法写入数据库 {path}：请清理磁盘空间后再试，刚才的操作没有保存。",
            path=where))
    if "malformed" in reason or "not a database" in reason or "disk i/o error" in reason:
        return DatabaseUnusable(damaged_sentence(where, latest_backup))
    return None


def damaged_sentence(where: str | Path, latest_backup: Path | None) -> str:
    if latest_backup is None:
        return _("数据库 {path} 已损坏，为保护数据已停止写入；没有找到备份，请联系技术支持。",
                 path=where)
    return _("数据库 {path} 已损坏，为保护数据已停止写入；最近的备份是 {backup}，"
             "可用 clinic-desktop restore 恢复。", path=where, backup=latest_backup)
