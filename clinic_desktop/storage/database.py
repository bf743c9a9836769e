"""Opening a clinic database: checks, backup, upgrade, then a session factory.

``Database.session()`` is the only way code gets a Session: one per operation, committed or
rolled back as a whole, never kept past the call (``expire_on_commit=False`` so the plain
values read inside stay readable after it).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop.clock import SystemClock
from clinic_desktop.errors import DatabaseUnusable, EnvironmentProblem
from clinic_desktop.i18n import _
from clinic_desktop.paths import DataDir
from clinic_desktop.storage import models  # noqa: F401 - registers every table
from clinic_desktop.storage.engine import create_engine_for_url, create_sqlite_engine
from clinic_desktop.storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    data_dir: DataDir | None
    backup_taken: Path | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()


def _refuse_non_database(path: Path) -> None:
    """Check the header before SQLite touches the file, so a wrong file is left as it was."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseUnusable(
            _("{path} 不是 Clinic Desktop 数据库（文件已损坏或不是数据库文件），文件未被改动。",
              path=path)
        )
    try:
        probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnusable(
            _("无法读取数据库 {path}：{reason}。文件未被改动。", path=path, reason=exc)
        ) from exc


def open_database(
    data_dir: DataDir | None = None, *, url: str | None = None, upgrade: bool = True,
    now: datetime | None = None,
) -> Database:
    """Open (creating if needed) the clinic database in ``data_dir``, or the server at ``url``."""
    stamp = now or SystemClock().now()  # only names the pre-upgrade backup file
    sqlite_path: Path | None = None
    if url is None:
        if data_dir is None:
            raise ValueError("open_database needs a data folder or a URL")
        data_dir.ensure()
        sqlite_path = data_dir.database
        _refuse_non_database(sqlite_path)
        engine = create_sqlite_engine(sqlite_path)
    else:
        engine = create_engine_for_url(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        backup = None
        if upgrade:
            backup = upgrade_to_head(
                engine, sqlite_path=sqlite_path,
                backup_dir=data_dir.backups if data_dir else None, stamp=stamp,
            )
    except OperationalError as exc:
        engine.dispose()
        raise EnvironmentProblem(_("无法打开数据库：{reason}", reason=exc.orig)) from exc
    except DatabaseError as exc:
        engine.dispose()
        raise DatabaseUnusable(_("无法打开数据库：{reason}", reason=exc.orig)) from exc
    except BaseException:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(engine=engine, sessions=sessions, data_dir=data_dir, backup_taken=backup)
