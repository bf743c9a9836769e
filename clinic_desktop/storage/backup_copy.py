"""The mechanics of a backup: a consistent copy of a live SQLite file, its verification, the
attachment files it refers to, and the manifest written beside it. No policy here (where,
when, how many to keep: ``services.platform.backups``), no Qt.

Consistency: the source connection opens one read transaction, reads every table's row count
and the attachment hashes, then copies the pages with SQLite's online backup API *inside that
same transaction*. In WAL mode other connections keep writing meanwhile, but this connection
sees one snapshot throughout, so the copy holds exactly the rows counted. Verification reopens
the copy, runs ``PRAGMA integrity_check`` and compares the counts.

Every connection to a clinic database file made for backups goes through ``connect``: when the
database is encrypted (SQLCipher), the key is applied there and nowhere else.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from types import EllipsisType
from typing import Any

from clinic_desktop.storage.sqlite_files import DB_ERRORS, DB_OR_KEY_ERRORS, connect_file, key_for

Progress = Callable[[int, int, str], None]
MANIFEST_SUFFIX = ".json"
PART_SUFFIX = ".part"
STEP_PAGES = 1024  # pages per backup step: progress between steps (tests make it small)
MANIFEST_VERSION = 1
VERIFY_CACHE_KIB = 65536


def connect(path: Path, *, read_only: bool = False,
            key: bytes | None | EllipsisType = ...) -> Any:
    """The one place a backup opens a database file (source, copy or restored file): an
    encrypted one with its key (``sqlite_files``); a new copy with the key it is given."""
    return connect_file(path, read_only=read_only, key=key)


def blob_path(root: Path, sha256: str) -> Path:
    """Where an attachment lives in a store (the data folder's, or a destination's)."""
    return root / sha256[:2] / sha256


@dataclass(frozen=True)
class Snapshot:
    """What the copied database holds, read in the same transaction as the copy."""

    counts: dict[str, int]
    attachments: tuple[str, ...]  # sha256 of every attachment row
    last_visit: str | None
    revision: str | None

    @property
    def patients(self) -> int:
        return self.counts.get("patient", 0)


def _tables(conn: Any) -> list[str]:
    return [str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _counts(conn: Any) -> dict[str, int]:
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
            for t in _tables(conn)}


def _one(conn: Any, sql: str) -> Any:
    try:
        row = conn.execute(sql).fetchone()
    except DB_ERRORS:  # an older or foreign schema: the contents are simply unknown
        return None
    return None if row is None else row[0]


def read_contents(conn: Any) -> Snapshot:
    counts = _counts(conn)
    hashes: tuple[str, ...] = ()
    if "attachment" in counts:
        hashes = tuple(sorted({str(r[0]) for r in conn.execute(
            "SELECT sha256 FROM attachment")}))
    last_visit = _one(conn, "SELECT max(visit_date) FROM visit")
    revision = _one(conn, "SELECT version_num FROM alembic_version")
    return Snapshot(counts, hashes, None if last_visit is None else str(last_visit),
                    None if revision is None else str(revision))


def copy_database(source: Path, target: Path, *, progress: Progress | None = None
                  ) -> Snapshot:
    """Copy ``source`` (in use or not) to ``target``; returns what the copy holds.
    ``target`` must not exist; on failure it may be left partial (the caller removes it)."""
    src = connect(source, read_only=True)
    try:
        src.execute("BEGIN")  # one snapshot for the counts and for every page copied
        snapshot = read_contents(src)
        dest = connect(target, key=key_for(source))  # encrypted like its source
        try:
            def step(status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total, "database")

            src.backup(dest, pages=STEP_PAGES, progress=step)
            # A plain file: opening the backup later (verification, a restore's check)
            # leaves no -wal/-shm files beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        src.execute("COMMIT")
    finally:
        src.close()
    return snapshot


def verify_copy(path: Path, expected: Snapshot) -> str | None:
    """Reopen the copy: integrity and row counts. None when sound, else the reason."""
    try:
        conn = connect(path, read_only=True)
        try:
            # A larger page cache: the check of a 100,000-patient clinic takes ~9 s instead
            # of ~14 s on a two-core PC (64 MB, freed with the connection).
            conn.execute(f"PRAGMA cache_size=-{VERIFY_CACHE_KIB}")
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                return "integrity_check: " + "; ".join(rows[:3])
            counts = _counts(conn)
        finally:
            conn.close()
    except DB_OR_KEY_ERRORS as exc:
        return f"cannot read the copy: {exc}"
    if counts != expected.counts:
        differ = sorted(t for t in set(counts) | set(expected.counts)
                        if counts.get(t) != expected.counts.get(t))
        return "row counts differ: " + ", ".join(
            f"{t} {counts.get(t)} != {expected.counts.get(t)}" for t in differ[:5])
    return None


def copy_blobs(source_root: Path, target_root: Path, hashes: Iterable[str],
               *, progress: Progress | None = None) -> tuple[int, list[str]]:
    """Copy the attachment files ``target_root`` lacks (each under a ``.part`` name first, so
    no half file ever carries a hash name). Returns (copied, hashes missing at the source)."""
    wanted = list(hashes)
    copied, missing = 0, []
    for done, sha in enumerate(wanted, 1):
        target = blob_path(target_root, sha)
        if not target.exists():
            source = blob_path(source_root, sha)
            if not source.is_file():
                missing.append(sha)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + PART_SUFFIX)
            try:
                shutil.copyfile(source, partial)
                os.replace(partial, target)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            copied += 1
        if progress is not None:
            progress(done, len(wanted), "attachments")
    return copied, missing


def referenced_blobs(database: Path) -> set[str] | None:
    """The attachment hashes a database file refers to (None if it cannot be read)."""
    try:
        conn = connect(database, read_only=True)
        try:
            return {str(r[0]) for r in conn.execute("SELECT sha256 FROM attachment")}
        finally:
            conn.close()
    except DB_OR_KEY_ERRORS:
        return None


# -- the manifest beside each backup --------------------------------------------------------
@dataclass(frozen=True)
class Manifest:
    time: str  # ISO instant, UTC
    reason: str
    size: int
    verified: bool
    problem: str | None
    counts: dict[str, int] = field(default_factory=dict)
    last_visit: str | None = None
    revision: str | None = None
    attachments: int = 0
    attachments_missing: int = 0
    version: int = MANIFEST_VERSION

    @property
    def at(self) -> datetime:
        return datetime.fromisoformat(self.time)


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def write_manifest(backup: Path, manifest: Manifest) -> None:
    path = manifest_path(backup)
    partial = path.with_name(path.name + PART_SUFFIX)
    partial.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1),
                       encoding="utf-8")
    os.replace(partial, path)


def read_manifest(backup: Path) -> Manifest | None:
    """The manifest, or None for a file without one (a pre-upgrade copy) or a bad one."""
    try:
        data = json.loads(manifest_path(backup).read_text(encoding="utf-8"))
        known = {k: v for k, v in data.items() if k in Manifest.__dataclass_fields__}
        return Manifest(**known)
    except (OSError, ValueError, TypeError):
        return None


def remove_backup(backup: Path, *extra: Path) -> None:
    """A backup and what stands beside it (manifest, audit head, partial names)."""
    sides = [backup.with_name(backup.name + s) for s in (PART_SUFFIX, "-wal", "-shm")]
    for path in (backup, manifest_path(backup), *sides, *extra):
        path.unlink(missing_ok=True)
