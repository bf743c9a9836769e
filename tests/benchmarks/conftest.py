"""Benchmarks build their data once per module with fast bulk inserts.

The search, calendar and import benchmarks run twice, on a plain and on an encrypted
(SQLCipher) database: the README reports what encryption at rest costs. The search benchmark
runs on PostgreSQL too, on the server the tests use (``tests/pg.py``: a throw-away cluster of
their own unless ``CLINIC_TEST_PG_URL`` names one; the ``pg_server`` fixture starts it).
"""

from __future__ import annotations

from clinic_desktop.paths import DataDir
from clinic_desktop.services.platform.encryption import create_key
from clinic_desktop.storage.database import Database, open_database
from tests.pg import PgServer

CIPHERS = ["plain", "sqlcipher"]


def new_database(folder: DataDir, cipher: str) -> Database:
    """A new clinic database, plain or encrypted with a fresh key (stored like a clinic's)."""
    if cipher == "plain":
        return open_database(folder)
    return open_database(folder, key=create_key(folder).key)


def new_pg_database(server: PgServer) -> Database:
    """A new clinic database on the tests' PostgreSQL server (dropped with it)."""
    return open_database(url=server.url_for(server.create_database()))


def settle(db: Database, table: str | None = None) -> None:
    """What autovacuum does on a PostgreSQL server within a minute of a bulk insert into
    ``table`` (every table when None): planner figures, and GIN indexes' pending entries
    merged into the index. Nothing to do on SQLite."""
    if db.is_sqlite:
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM ANALYZE {table or ''}")
