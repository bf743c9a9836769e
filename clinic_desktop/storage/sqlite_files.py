"""Opening a clinic database file directly (checks, backups, restores, encryption), plain or
encrypted alike.

A plain file is opened with Python's ``sqlite3``; an encrypted one (SQLCipher: no "SQLite
format 3" header, every page encrypted) with ``sqlcipher3`` and the key applied before any
other statement. Which key: the process remembers the keys of the clinics it opened
(``remember_key``), and a file is opened with the one that decrypts it, so a backup, a copy or
a restored file of the same clinic opens like the database itself, and a file encrypted with
a key this process does not hold is refused with one sentence instead of a driver error.

Raw 32-byte keys (``x'…'``) skip SQLCipher's passphrase derivation: the key is already random,
and opening stays as fast as opening a plain file.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from types import EllipsisType
from typing import Any

import sqlcipher3

from clinic_desktop.database_keys import KEY_BYTES

SQLITE_HEADER = b"SQLite format 3\x00"
# Errors of either driver, for code that catches "the file could not be read or written".
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher3.dbapi2.Error)
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError,
                                                sqlcipher3.dbapi2.DatabaseError)



class KeyUnknown(Exception):
    """The file is encrypted and no key this process holds opens it."""


# ... and "or it is encrypted with a key this process does not hold".
DB_OR_KEY_ERRORS: tuple[type[Exception], ...] = (*DB_ERRORS, KeyUnknown)

_lock = threading.Lock()
_known_keys: list[bytes] = []


def remember_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    with _lock:
        if key not in _known_keys:
            _known_keys.append(key)


def known_keys() -> list[bytes]:
    with _lock:
        return list(_known_keys)


def forget_keys() -> None:
    """Drop every remembered key (tests; a clinic closed and another opened)."""
    with _lock:
        _known_keys.clear()


def key_pragma(key: bytes) -> str:
    """The SQLCipher raw-key literal: ``"x'…'"`` (also the URL password SQLAlchemy quotes)."""
    return f"x'{key.hex()}'"


def is_encrypted(path: Path) -> bool:
    """A non-empty file without SQLite's header: encrypted (or not a database at all)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    return len(header) > 0 and header != SQLITE_HEADER


def _open(path: Path, key: bytes | None, *, read_only: bool, timeout: float) -> Any:
    target = f"file:{path}?mode=ro" if read_only else str(path)
    if key is None:
        return sqlite3.connect(target, uri=read_only, timeout=timeout, isolation_level=None)
    conn = sqlcipher3.dbapi2.connect(target, uri=read_only, timeout=timeout,
                                     isolation_level=None)
    # A wrong key is reported by the exception below; SQLCipher's own log line on stderr
    # would only alarm whoever reads the console.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f'PRAGMA key = "{key_pragma(key)}"')
    return conn


def _opens_with(path: Path, key: bytes) -> bool:
    try:
        conn = _open(path, key, read_only=True, timeout=5)
    except DB_ERRORS:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except DB_ERRORS:
        return False
    finally:
        conn.close()


def key_for(path: Path) -> bytes | None:
    """The key that opens ``path``: None for a plain (or missing) file; ``KeyUnknown`` when it
    is encrypted with a key this process does not hold."""
    if not is_encrypted(path):
        return None
    with _lock:
        candidates = list(_known_keys)
    for key in candidates:
        if _opens_with(path, key):
            return key
    raise KeyUnknown(str(path))


def connect_file(path: Path, *, read_only: bool = False, timeout: float = 30,
                 key: bytes | None | EllipsisType = ...) -> Any:
    """A DB-API connection to ``path`` in autocommit mode (callers issue BEGIN themselves).

    ``key`` defaults to the one that opens the existing file (``key_for``); a file about to be
    created (a backup's copy, an export) says its key explicitly (None: plain)."""
    chosen = key_for(path) if isinstance(key, EllipsisType) else key
    return _open(path, chosen, read_only=read_only, timeout=timeout)
