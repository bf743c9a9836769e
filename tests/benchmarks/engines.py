"""The same benchmark on PostgreSQL, beside SQLite's: a module's fixtures take an engine
parameter and get their database here. PostgreSQL is the tests' server (``tests/pg.py``: a
throw-away local cluster sharing this machine's cores with the benchmark, or
``CLINIC_TEST_PG_URL``); a fresh database per fixture, dropped with the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_desktop.paths import DataDir
from clinic_desktop.storage.database import Database, open_database
from tests.benchmarks.conftest import new_database

ON_SERVER = "postgresql"


def database_for(request: pytest.FixtureRequest, folder: Path, engine: str) -> Database:
    """``engine``: one of ``conftest.CIPHERS`` (an SQLite file in ``folder``) or
    ``"postgresql"``."""
    if engine != ON_SERVER:
        return new_database(DataDir(folder), engine)
    server = request.getfixturevalue("pg_server")
    return open_database(url=server.url_for(server.create_database()))


def analyze(db: Database) -> None:
    """What autovacuum does within a minute of a bulk load: the planner's figures (and GIN
    indexes' pending entries merged). Nothing to do on SQLite."""
    if db.is_sqlite:
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def move_sequences(db: Database, *tables: str) -> None:
    """Rows inserted with their ids leave a server's sequence behind: move it past them."""
    if db.is_sqlite:
        return
    with db.engine.begin() as connection:
        for table in tables:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
