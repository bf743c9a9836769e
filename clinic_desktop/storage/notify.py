"""Every workstation sees the others' changes: PostgreSQL's ``NOTIFY`` / ``LISTEN``.

Publishing (``publish``, called by ``Database.session`` just before a write commits): the
transaction's change set goes out with ``pg_notify`` *inside* the transaction. The server
delivers a notification only if that transaction commits, and in commit order, so a listener
never hears of a change that was rolled back, nor of one before the change it follows. The
payload is compact JSON, ``{"from": <workstation id>, "changes": <ChangeSet.to_json>}``; the
server refuses payloads of 8000 bytes or more, so a big change set (an import) is sent with
its largest areas marked wide instead of id by id.

Listening (``ChangeListener``): a connection of its own (autocommit, ``LISTEN``) on a daemon
thread. It hands other workstations' change sets to ``on_changes`` (its own writes already
reached the screens through the operation that made them) and the connection's state to
``on_status``. Both callbacks run on the listener's thread: a GUI forwards them through a
queued signal. A lost connection is reported, retried after 1, 2, 4 … 30 s, and once back
``on_changes(ChangeSet.everything())`` says what happened meanwhile is unknown. A connection
that dies silently (a pulled cable) is found by TCP keepalives and a ping when idle.
SQLite has one workstation per data folder: nothing is published or listened to there.
"""

from __future__ import annotations

import contextlib
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from clinic_desktop.changes import NO_CHANGES, ChangeSet, collector_of

if TYPE_CHECKING:
    import psycopg

    from clinic_desktop.storage.database import Database

log = logging.getLogger(__name__)

CHANNEL = "clinic_desktop_changes"
REST_STEP = 0.05  # seconds: how soon a resting listener notices ``stop``
# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more (UTF-8 in our UTF8 databases).
PAYLOAD_LIMIT = 7999
# Unless the URL says otherwise: find a dead server in about 25 s, not the OS's two hours.
_CONNECTION_DEFAULTS = {"application_name": "clinic-desktop changes", "connect_timeout": 10,
                        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                        "keepalives_count": 3}


def encode(changes: ChangeSet, workstation: str) -> str:
    """The payload for ``changes`` made by ``workstation``, within ``PAYLOAD_LIMIT``."""
    head = '{"from":' + json.dumps(workstation) + ',"changes":'
    room = PAYLOAD_LIMIT - len(head.encode()) - 1
    return head + changes.to_json(max_bytes=room) + "}"


def decode(payload: str) -> tuple[str | None, ChangeSet]:
    """Who sent a payload and what it changed. Anything else on the channel (another
    program's ``NOTIFY``, a newer version's areas) is a change of everything by someone
    else: a refresh too many is better than a stale screen."""
    try:
        message = json.loads(payload)
        if not isinstance(message, dict) or not isinstance(message.get("changes"), dict):
            raise ValueError("not a change message")
        sender = message.get("from")
        return (sender if isinstance(sender, str) else None,
                ChangeSet.from_data(message["changes"]))
    except ValueError:
        log.warning("unreadable change notification, refreshing everything: %.200r", payload)
        return None, ChangeSet.everything()


def publish(session: Session, workstation: str) -> None:
    """Queue this write transaction's change set for the other workstations; the server sends
    it when, and only if, the transaction commits. Nothing when it changed nothing."""
    session.flush()  # the last pending rows reach the collector now, not in commit's flush
    changes = collector_of(session).freeze()
    if changes.empty:
        return
    session.execute(text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": encode(changes, workstation)})


class ChangeListener:
    """Hears the other workstations' change sets on a thread of its own (see the module's
    docstring). ``start`` once, ``stop`` when the session ends; ``stop`` returns promptly
    unless the thread is in the middle of connecting (bounded by ``connect_timeout``)."""

    def __init__(self, connect_args: Mapping[str, Any], *, workstation: str | None,
                 on_changes: Callable[[ChangeSet], None],
                 on_status: Callable[[bool], None] = lambda _connected: None,
                 first_retry: float = 1.0, max_retry: float = 30.0, ping_every: float = 10.0,
                 channel: str = CHANNEL) -> None:
        self._connect_args = {**_CONNECTION_DEFAULTS, **connect_args}
        self._workstation = workstation
        self._on_changes = on_changes
        self._on_status = on_status
        self._first_retry = first_retry
        self._max_retry = max_retry
        self._ping_every = ping_every
        self._channel = channel
        self._stopping = threading.Event()
        self._connected = threading.Event()
        self._backend_pid: int | None = None
        # stop() writes a byte here to end the thread's wait on the connection at once.
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="clinic-change-listener",
                                        daemon=True)

    @classmethod
    def for_database(cls, db: Database, **options: Any) -> ChangeListener:
        """A listener on ``db``'s server, signed in as its engine is (same host, user,
        password, TLS settings), ignoring ``db``'s own writes."""
        if db.is_sqlite:
            raise ValueError("only a server database has other workstations to listen to")
        _args, params = db.engine.dialect.create_connect_args(db.engine.url)
        params.pop("context", None)  # SQLAlchemy's type adapters: not a connection setting
        return cls(params, workstation=db.workstation, **options)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread and close its connection."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"x")
        if self._thread.is_alive():
            self._thread.join(timeout)
        if not self._thread.is_alive():
            self._wake_reader.close()
            self._wake_writer.close()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        """Whether it is listening (now, or within ``timeout`` seconds)."""
        return self._connected.wait(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def backend_pid(self) -> int | None:
        """The server process of the current connection (for the server's administrator)."""
        return self._backend_pid

    def _run(self) -> None:
        import psycopg

        delay, lost = self._first_retry, False
        while not self._stopping.is_set():
            try:
                connection = self._connect()
            except psycopg.Error as exc:
                log.warning("cannot listen for other workstations' changes: %s", exc)
            else:
                delay = self._first_retry
                self._set_status(True)
                if lost:
                    self._deliver(ChangeSet.everything())
                lost = False
                try:
                    self._listen(connection)
                except psycopg.Error as exc:
                    log.warning("lost the connection that hears other workstations: %s", exc)
                except Exception:  # a bug must not leave the status saying "connected"
                    log.exception("the change listener failed; connecting again")
                finally:
                    connection.close()
            self._backend_pid = None
            if self._stopping.is_set():
                break
            if not lost:
                lost = True
                self._set_status(False)
            if self._rest(delay):
                break
            delay = min(delay * 2, self._max_retry)
        self._connected.clear()

    def _rest(self, seconds: float) -> bool:
        """Wait before trying again; True when ``stop`` came meanwhile. Paced by short
        sleeps, not ``Event.wait(timeout)``: under libfaketime a timed wait's deadline lands
        a year away (the suite also runs a year ahead), a sleep does not."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < deadline:
            time.sleep(min(REST_STEP, max(deadline - time.monotonic(), 0.0)))
        return self._stopping.is_set()

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg
        from psycopg import sql

        connection = psycopg.connect(**self._connect_args, autocommit=True)
        try:
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        except BaseException:
            connection.close()
            raise
        self._backend_pid = connection.info.backend_pid
        return connection

    def _listen(self, connection: psycopg.Connection[Any]) -> None:
        """Hand on what arrives until ``stop``; raises psycopg.Error when the connection is
        lost (the server ends it, or the idle ping fails)."""
        self._drain(connection)  # anything that came with LISTEN's reply
        while not self._stopping.is_set():
            watched = [connection.fileno(), self._wake_reader.fileno()]
            ready, _, _ = select.select(watched, [], [], self._ping_every)
            if self._stopping.is_set():
                return
            if not ready:
                connection.execute("SELECT 1")  # quiet for a while: is the server still there?
            self._drain(connection)

    def _drain(self, connection: psycopg.Connection[Any]) -> None:
        """Deliver what has arrived, as one change set (an import's batches come in bursts)."""
        merged = NO_CHANGES
        for note in connection.notifies(timeout=0):
            if note.channel != self._channel:
                continue
            sender, changes = decode(note.payload)
            if sender is not None and sender == self._workstation:
                continue  # our own: its operation already told the screens
            merged = merged | changes
        if not merged.empty:
            self._deliver(merged)

    def _set_status(self, connected: bool) -> None:
        if connected:
            self._connected.set()
        else:
            self._connected.clear()
        try:
            self._on_status(connected)
        except Exception:  # a bug in the receiver must not end the listening
            log.exception("the change listener's status receiver failed")

    def _deliver(self, changes: ChangeSet) -> None:
        try:
            self._on_changes(changes)
        except Exception:  # a bug in the receiver must not end the listening
            log.exception("the change listener's receiver failed")
