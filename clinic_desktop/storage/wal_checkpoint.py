"""After a big write on SQLite, the write-ahead log is copied into the file on a thread of its
own, so the writer's commit returns as soon as its transaction is in the log.

SQLite copies the log into the database file (a checkpoint) on the commit that leaves more
than 1,000 pages in it, in the committing thread. For an import of 100,000 rows that is
~150 MB copied and synced while the manager waits for a transaction that was already
committed and safe in the log: 0.3–0.7 s of the import's time on this machine. Here the
transaction's connection skips that checkpoint, and when the connection goes back to the pool
(at commit or rollback) a thread does it on a connection of its own. Readers and writers go
on meanwhile (a passive checkpoint waits for no one); ``Database.close`` waits for it.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, which the engine keeps
_DEFERRED = "clinic_checkpoint_after"  # the pool entry's info: whose log to copy when back
_running: weakref.WeakKeyDictionary[Engine, threading.Thread] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def checkpoint_after_commit(connection: Connection) -> None:
    """The transaction on ``connection`` (SQLite; nothing elsewhere) ends without copying the
    log into the file; a thread does that once the connection is back in the pool."""
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    connection.connection.info[_DEFERRED] = connection.engine


def on_checkin(dbapi_connection: Any, record: Any) -> None:
    """The engine's ``checkin`` hook: the connection checkpoints on commit again, and the
    deferred checkpoint starts."""
    engine = record.info.pop(_DEFERRED, None)
    if engine is None:
        return
    if dbapi_connection is not None:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")
    _start(engine)


def _start(engine: Engine) -> None:
    with _lock:
        running = _running.get(engine)
        if running is not None and running.is_alive():
            return  # what it leaves, the next commit's own checkpoint copies
        thread = threading.Thread(target=checkpoint, args=(engine,), name="wal-checkpoint",
                                  daemon=True)
        _running[engine] = thread
        thread.start()


def checkpoint(engine: Engine) -> None:
    """Copy what the log holds into the file (passive: no reader or writer waits for it)."""
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()  # the driver's own: no BEGIN is sent first
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.close()
        finally:
            raw.close()
    except Exception:  # the next commit's own checkpoint copies it then
        log.warning("deferred WAL checkpoint failed", exc_info=True)


def wait(engine: Engine) -> None:
    """Until ``engine``'s deferred checkpoint, if one runs, has finished."""
    with _lock:
        thread = _running.pop(engine, None)
    if thread is not None:
        thread.join()
