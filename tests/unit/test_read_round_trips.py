"""What a short read costs on a server, and what it must not change.

On PostgreSQL a read session's first statements run without ``BEGIN``/``COMMIT``
(``transactions.read_connection``), the write lock and its timeout are one statement, and a
pooled connection is pinged only after idling (``engine.PING_AFTER_IDLE_S``). A read still
sees what it saw, a write is still one transaction holding the lock, a dropped connection is
still replaced, and an empty ``raise_due`` tick no longer waits for another writer.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from clinic_desktop.context import Context
from clinic_desktop.services import care
from clinic_desktop.storage import engine as engine_module
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.staff import Chair
from clinic_desktop.storage.transactions import PG_WRITE_LOCK, read_connection
from tests import pg

on_server = pytest.mark.parametrize(
    "db_engine", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)

# True when the statement is a transaction of its own: no BEGIN came before it.
ON_ITS_OWN = text("SELECT statement_timestamp() = transaction_timestamp()")


def chairs(database: Database) -> int:
    with database.session() as session:
        return session.execute(select(func.count(Chair.id))).scalar_one()


def test_a_write_after_a_quick_read_is_still_one_transaction(database: Database) -> None:
    before = chairs(database)
    with database.session() as session:  # the pool's connection, read without BEGIN
        assert read_connection(session).execute(select(func.count(Chair.id))).scalar() == before
    with pytest.raises(RuntimeError), database.session(write=True) as session:
        session.add(Chair(name="一号椅"))
        session.flush()
        raise RuntimeError("the service refused after writing")
    assert chairs(database) == before  # rolled back: the connection came back transactional


@on_server
def test_only_a_read_session_not_yet_begun_reads_without_begin(database: Database) -> None:
    with database.session() as session:
        connection = read_connection(session)
        assert connection.execute(ON_ITS_OWN).scalar() is True
        assert connection.execute(ON_ITS_OWN).scalar() is True  # each statement on its own
    with database.session() as session:
        session.execute(select(func.count(Chair.id)))
        assert read_connection(session).execute(ON_ITS_OWN).scalar() is False
    with database.session(write=True) as session:
        assert read_connection(session).execute(ON_ITS_OWN).scalar() is False


@on_server
def test_a_write_holds_the_lock_with_its_timeout_for_that_transaction_only(
    database: Database
) -> None:
    with database.session(write=True) as session:
        assert session.execute(text("SHOW lock_timeout")).scalar() == (
            f"{engine_module.BUSY_TIMEOUT_MS // 1000}s")
        held = session.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid() AND objid = :key"), {"key": PG_WRITE_LOCK}).scalar()
        assert held == 1
    with database.session() as session:
        assert session.execute(text("SHOW lock_timeout")).scalar() == "0"


@on_server
def test_the_apps_sessions_run_in_utc_without_jit(database: Database) -> None:
    with database.session() as session:
        assert session.execute(text("SHOW jit")).scalar() == "off"
        assert session.execute(text("SHOW TimeZone")).scalar() == "UTC"


@on_server
def test_a_connection_the_server_dropped_while_idle_is_replaced_before_use(
    database: Database, pg_server: pg.PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)  # every reuse counts as idle
    with database.session() as session:
        dropped = session.execute(text("SELECT pg_backend_pid()")).scalar()
    assert pg_server.terminate(dropped, wait_ms=5000)
    with database.session() as session:  # pinged, found gone, replaced: no error here
        assert session.execute(text("SELECT pg_backend_pid()")).scalar() != dropped


def test_an_empty_raise_due_tick_does_not_wait_for_another_writer(admin_ctx: Context) -> None:
    care.raise_due(admin_ctx)  # whatever the set-up left due
    with admin_ctx.db.session(write=True) as writer:  # another desk's write, holding the lock
        writer.add(Chair(name="一号椅"))
        writer.flush()
        # Before, the tick took the write lock first: it waited the busy timeout, then failed.
        assert care.raise_due(admin_ctx) == 0
