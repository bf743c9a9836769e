"""Which workstation runs the scheduled scans: one at a time, elected by the database.

On SQLite the data folder's single-instance lock already makes one workstation, so it always
leads. On PostgreSQL the leader is whoever holds a session-level advisory lock
(``LEADER_LOCK``) on a connection of its own, kept out of the pool for as long as it leads.
The server frees the lock the moment that session ends, so:

- a workstation that closes, crashes or is killed frees it at once (its socket closes); a
  follower takes it at its next try, every ``heartbeat_seconds`` (a quarter of the lease);
- a workstation that is alive but silent (frozen, suspended, cut off the network, its process
  stopped) is cut off by the server: the leader's session has ``idle_session_timeout`` set to
  three quarters of the lease, and the leader's heartbeat (``hold``, every quarter lease)
  keeps it from going idle that long. So a silent leader is replaced within the lease, and
  when it wakes its next ``hold`` finds its connection gone and it stands down.

Every duration is measured by one clock only (the server's for the timeout, this process's for
the heartbeat) and no instant is ever compared across machines, so clock skew between PCs and
a test run under faketime (the test server keeps the real clock) change nothing.

Not thread-bound: ``hold`` and ``release`` may be called from any thread (one at a time).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

# Advisory lock keys share one space per database: distinct from PG_WRITE_LOCK ("clin").
LEADER_LOCK = 0x6C656164  # "lead"
DEFAULT_LEASE_SECONDS = 60.0
# A shorter lease would let a busy leader (a long GC pause, a loaded PC) lose the lead.
MIN_LEASE_SECONDS = 1.0
# Shown in pg_stat_activity: the clinic's IT person can see which PC runs the scans.
APPLICATION_NAME = "clinic-desktop scheduler leader"
# bigint keys appear in pg_locks split in two 32-bit halves, with objsubid 1.
_STILL_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND pid = pg_backend_pid() AND classid = :high AND objid = :low AND objsubid = 1")


class Leadership:
    """This workstation's claim to run the scheduled scans (see the module's note)."""

    def __init__(self, engine: Engine, *, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        self._engine = engine
        self.lease_seconds = max(float(lease_seconds), MIN_LEASE_SECONDS)
        self._connection: Connection | None = None  # the session holding the lock
        self._lock = threading.Lock()
        self._problem: str | None = None  # the last reason a try failed, logged once

    @property
    def always(self) -> bool:
        """SQLite: one workstation by construction, so it always leads."""
        return self._engine.dialect.name == "sqlite"

    @property
    def leads(self) -> bool:
        """Whether this workstation led at the last ``hold`` (no round trip)."""
        return self.always or self._connection is not None

    @property
    def heartbeat_seconds(self) -> float:
        """How often ``hold`` should be called: a leader's heartbeat, a follower's try."""
        return self.lease_seconds / 4

    def hold(self) -> bool:
        """Lead if possible, now: a leader checks its session still holds the lock (this is
        also its heartbeat); a leader whose session is gone stands down and tries again at
        once; a follower tries to take the lock. Returns whether this workstation leads."""
        if self.always:
            return True
        with self._lock:
            if self._connection is not None:
                if self._still_held(self._connection):
                    return True
                self._drop("its connection to the server was lost or ended by the server",
                           level=logging.WARNING)
            return self._try_to_lead()

    def release(self, reason: str, *, level: int = logging.INFO) -> None:
        """Stop leading, freeing the lock before returning (a follower's next try gets it);
        a no-op when not leading."""
        if self.always:
            return
        with self._lock:
            if self._connection is not None:
                try:
                    # Closing the session frees it too, but only once the server has seen
                    # the socket close: the unlock is answered when it is done.
                    self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                             {"key": LEADER_LOCK})
                except SQLAlchemyError as exc:  # the session is gone, and the lock with it
                    log.debug("unlocking the leader lock: %s", exc)
                self._drop(reason, level=level)

    def _still_held(self, connection: Connection) -> bool:
        try:
            held = connection.execute(_STILL_HELD, {"high": LEADER_LOCK >> 32,
                                                    "low": LEADER_LOCK & 0xFFFFFFFF}).scalar()
        except SQLAlchemyError as exc:
            log.debug("leader's session failed its check: %s", exc)
            return False
        return bool(held)

    def _try_to_lead(self) -> bool:
        connection: Connection | None = None
        try:
            connection = self._engine.connect()
            connection.execution_options(isolation_level="AUTOCOMMIT")  # never idle in a txn
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                       {"key": LEADER_LOCK}).scalar()
            if not taken:
                connection.close()  # back to the pool unchanged: it holds nothing
                self._note_problem(None)
                return False
            self._expire_when_silent(connection)
        except SQLAlchemyError as exc:
            if connection is not None:
                _discard(connection)
            self._note_problem(f"cannot reach the server to lead: {exc}")
            return False
        self._connection = connection
        self._note_problem(None)
        log.info("leader lock taken (lease %.1f s)", self.lease_seconds)
        return True

    def _expire_when_silent(self, connection: Connection) -> None:
        """Have the server end this session when it stays idle for 3/4 of the lease."""
        version = connection.dialect.server_version_info or (0,)
        timeout_ms = int(self.lease_seconds * 750)
        if version >= (14,):
            connection.execute(text("SELECT set_config('idle_session_timeout', :ms, false)"),
                               {"ms": str(timeout_ms)})
        else:  # idle_session_timeout is PostgreSQL 14's
            log.warning("PostgreSQL %s cannot end a silent leader's session: a frozen "
                        "workstation keeps the scheduled scans until its connection drops",
                        ".".join(map(str, version)))
        connection.execute(text("SELECT set_config('application_name', :name, false)"),
                           {"name": APPLICATION_NAME})

    def _drop(self, reason: str, *, level: int) -> None:
        assert self._connection is not None
        _discard(self._connection)
        self._connection = None
        log.log(level, "leader lock given up: %s", reason)

    def _note_problem(self, problem: str | None) -> None:
        """Log a failing try once, not every heartbeat."""
        if problem is not None and problem != self._problem:
            log.warning("%s", problem)
        self._problem = problem


def _discard(connection: Connection) -> None:
    """Close the DBAPI connection itself (never back to the pool): its session ends, so any
    lock it held is freed, and its session settings go with it."""
    try:
        connection.invalidate()
        connection.close()
    except SQLAlchemyError as exc:  # already broken: nothing more to free
        log.debug("closing the leader's connection: %s", exc)
