"""Benchmarks build their data once per module with fast bulk inserts.

The search, calendar and import benchmarks run twice, on a plain and on an encrypted
(SQLCipher) database: the README reports what encryption at rest costs.
"""

from __future__ import annotations

from clinic_desktop.paths import DataDir
from clinic_desktop.services.platform.encryption import create_key
from clinic_desktop.storage.database import Database, open_database

CIPHERS = ["plain", "sqlcipher"]


def new_database(folder: DataDir, cipher: str) -> Database:
    """A new clinic database, plain or encrypted with a fresh key (stored like a clinic's)."""
    if cipher == "plain":
        return open_database(folder)
    return open_database(folder, key=create_key(folder).key)
