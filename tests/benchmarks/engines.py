"""The same benchmark on PostgreSQL, beside SQLite's: a module's fixtures take an engine
parameter and get their database here. PostgreSQL is the tests' server (``tests/pg.py``: a
throw-away local cluster sharing this machine's cores with the benchmark, or
``CLINIC_TEST_PG_URL``); a fresh database per fixture, dropped with the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_desktop.paths import DataDir
from clinic_desktop.storage.base import Base
from clinic_desktop.storage.copy_clinic import move_sequences as move_sequences_in
from clinic_desktop.storage.database import Database
from tests.benchmarks.conftest import new_database, new_pg_database

ON_SERVER = "postgresql"


def database_for(request: pytest.FixtureRequest, folder: Path, engine: str) -> Database:
    """``engine``: one of ``conftest.CIPHERS`` (an SQLite file in ``folder``) or
    ``"postgresql"``."""
    if engine != ON_SERVER:
        return new_database(DataDir(folder), engine)
    return new_pg_database(request.getfixturevalue("pg_server"))


def move_sequences(db: Database, *tables: str) -> None:
    """Rows inserted with their ids leave a server's sequence behind: move it past them."""
    if db.is_sqlite:
        return
    with db.engine.begin() as connection:
        move_sequences_in(connection, [Base.metadata.tables[name] for name in tables])
