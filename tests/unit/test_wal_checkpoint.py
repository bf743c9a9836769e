"""A big write's commit returns with its pages in SQLite's log; a thread copies them into the
file afterwards, and closing the database waits for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from clinic_desktop.storage import wal_checkpoint
from clinic_desktop.storage.database import Database

pytestmark = pytest.mark.sqlite_only("SQLite's write-ahead log and its checkpoints")

ROWS = 20_000  # ~6 MB: well past the 1,000 pages at which a commit would checkpoint


def _write_big(db: Database, *, deferred: bool) -> None:
    with db.session(write=True) as session:
        connection = session.connection()
        if deferred:
            wal_checkpoint.checkpoint_after_commit(connection)
        connection.exec_driver_sql("CREATE TABLE filler (id INTEGER PRIMARY KEY, t TEXT)")
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO filler (t) SELECT printf('%.300d', i) FROM n", (ROWS,))


def _autocheckpoints(db: Database) -> Iterator[int]:
    """Each pooled connection's setting (the pool gives back the one just used)."""
    with db.engine.connect() as connection:
        yield connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Engine]:
    """The engines whose deferred checkpoint would have started (none runs)."""
    found: list[Engine] = []
    monkeypatch.setattr(wal_checkpoint, "_start", found.append)
    return found


def _file(db: Database) -> Path:
    assert isinstance(db.path, Path)
    return db.path


def test_the_commit_leaves_the_copy_to_a_thread(database: Database,
                                                started: list[Engine]) -> None:
    path = _file(database)
    before = path.stat().st_size
    _write_big(database, deferred=True)
    assert path.stat().st_size == before  # committed into the log only
    assert started == [database.engine]
    assert list(_autocheckpoints(database)) == [1000]  # the connection checkpoints again
    wal_checkpoint.checkpoint(database.engine)
    assert path.stat().st_size > before + ROWS * 300
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM filler")).scalar_one() == ROWS


def test_without_it_the_commit_copies_the_log_itself(database: Database,
                                                     started: list[Engine]) -> None:
    path = _file(database)
    before = path.stat().st_size
    _write_big(database, deferred=False)
    assert path.stat().st_size > before + ROWS * 300 and started == []


def test_closing_waits_for_the_copy(database: Database) -> None:
    _write_big(database, deferred=True)
    thread = wal_checkpoint._running.get(database.engine)  # noqa: SLF001
    assert thread is not None
    database.close()
    assert not thread.is_alive() and database.engine not in wal_checkpoint._running  # noqa: SLF001
