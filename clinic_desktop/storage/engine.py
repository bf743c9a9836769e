"""The one engine factory: every SQLite pragma and the transaction mode are set here.

pysqlite's own transaction handling is switched off (``isolation_level = None``) and
SQLAlchemy's ``begin`` event issues ``BEGIN`` itself, as SQLAlchemy's documentation shows for
this driver. That gives two things the driver would not: DDL inside a transaction (a schema
upgrade is all or nothing), and ``BEGIN IMMEDIATE`` for a transaction that says it will write,
so it holds the write lock *before* it reads. Without that, "check for a clash, then insert"
runs on a snapshot another writer may already have changed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection, QueuePool

from clinic_desktop.storage import wal_checkpoint
from clinic_desktop.storage.sqlite_files import key_pragma

BUSY_TIMEOUT_MS = 5000
# A server connection back in use within this many seconds of its last use is not pinged
# first: the ping is a round trip (as long as a small read) and the server answered a moment
# ago. One idle longer is pinged, and the pool renewed if the server has gone away (a
# restart, a network cut) — what ``pool_pre_ping`` does before every use.
PING_AFTER_IDLE_S = 1.0
_LAST_USED = "clinic_last_used"  # the pool entry's info: when it was last given back
# Execution option read by the begin hook: "IMMEDIATE" for writers, "DEFERRED" for readers.
SQLITE_BEGIN = "sqlite_begin"


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA cache_size=-32000")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    if mode not in ("DEFERRED", "IMMEDIATE"):
        raise ValueError(f"unknown SQLite transaction mode {mode!r}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_engine(url: str | URL, **options: Any) -> Engine:
    engine = create_engine(url, future=True, **options)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "checkin", wal_checkpoint.on_checkin)
    return engine


def create_sqlite_engine(path: Path, key: bytes | None = None) -> Engine:
    """The clinic's file; encrypted with SQLCipher when ``key`` is given (the dialect sends
    the key before anything else on each new connection)."""
    if key is None:
        return _sqlite_engine(f"sqlite:///{path}")
    url = URL.create("sqlite+pysqlcipher", password=key_pragma(key), database=str(path))
    # The dialect's default pool (one connection per thread, closed past five threads) would
    # close a connection another thread is using; the GUI, its worker and the scheduler each
    # take one from an ordinary pool instead, as with a plain file.
    return _sqlite_engine(url, poolclass=QueuePool, connect_args={"check_same_thread": False})


def create_engine_for_url(url: str) -> Engine:
    """A server database (PostgreSQL through psycopg 3) for several workstations; the same
    models run there. The password comes from the keyring and a remote server is verified
    over TLS (``storage.server``)."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    from clinic_desktop.storage.server import connection_url

    # The session's zone is UTC whatever the server's default (a clinic's server often says
    # Asia/Shanghai): what SQL computes from an instant (to_char, date_trunc) is then the
    # same as on SQLite, where instants are UTC text; the buckets add the clinic's offset.
    # A workstation frozen inside a write transaction (a suspended laptop) would hold the
    # clinic's write lock for everyone: the server ends such a session after five minutes.
    # No JIT: the app's statements are short, and a misestimated plan crossing the JIT cost
    # threshold spent ~300 ms compiling a read that runs in 2 ms (measured on the week).
    options = "-c TimeZone=UTC -c idle_in_transaction_session_timeout=300000 -c jit=off"
    engine = create_engine(connection_url(url), future=True, connect_args={"options": options})
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """``pool_pre_ping`` for connections idle longer than ``PING_AFTER_IDLE_S`` only (a new
    connection has just answered: no ping either)."""
    dialect = engine.dialect

    def used_now(_dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[_LAST_USED] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, entry: ConnectionPoolEntry,
                     _proxy: PoolProxiedConnection) -> None:
        last = entry.info.get(_LAST_USED)
        if last is not None and time.monotonic() - last < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # As the pre-ping does: this connection and every older one are renewed.
                raise InvalidatePoolError() from error
            raise
        entry.info[_LAST_USED] = time.monotonic()

    event.listen(engine, "connect", used_now)
    event.listen(engine, "checkin", used_now)
    event.listen(engine, "checkout", ping_if_idle)
