"""Opening, upgrading and refusing databases."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import text

from clinic_desktop.errors import DatabaseUnusable, EnvironmentProblem, SchemaTooNew
from clinic_desktop.paths import ENV_DATA_DIR, DataDir, resolve_data_dir
from clinic_desktop.storage.base import Money, UTCDateTime
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.engine import create_sqlite_engine
from clinic_desktop.storage.migrate import alembic_config, schema_state

FIRST_REVISION = "20261124_01"

NOW = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)


def test_new_folder_gets_a_database_at_head_with_pragmas(data_dir: DataDir) -> None:
    db = open_database(data_dir, now=NOW)
    try:
        assert data_dir.database.exists()
        assert db.backup_taken is None  # nothing to back up in a brand-new file
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            state = schema_state(conn)
        assert state.current == state.head and not state.pending
    finally:
        db.close()


def test_pending_upgrade_takes_a_timestamped_backup_first(data_dir: DataDir) -> None:
    # A file left at the first revision by an older app, holding a staff row.
    data_dir.ensure()
    engine = create_sqlite_engine(data_dir.database)
    with engine.begin() as connection:
        config = alembic_config(connection)
        command.upgrade(config, FIRST_REVISION)
        connection.execute(text(
            "INSERT INTO setting (key, value_json) VALUES ('clinic.name', '\"旧诊所\"')"
        ))
    engine.dispose()

    db = open_database(data_dir, now=NOW)
    db.close()
    assert db.backup_taken == data_dir.backups / "clinic-20261124-083000-pre-upgrade.sqlite3"
    with sqlite3.connect(db.backup_taken) as backup:
        version = backup.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        name = backup.execute("SELECT value_json FROM setting").fetchone()[0]
    assert (version, name) == (FIRST_REVISION, '"旧诊所"')


def test_schema_newer_than_the_app_is_refused_and_left_untouched(data_dir: DataDir) -> None:
    open_database(data_dir).close()
    with sqlite3.connect(data_dir.database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '29991231_99'")
    before = data_dir.database.read_bytes()
    with pytest.raises(SchemaTooNew, match="更新版本"):
        open_database(data_dir)
    assert data_dir.database.read_bytes() == before
    assert list(data_dir.backups.iterdir()) == []


def test_a_file_that_is_not_a_database_is_refused_unchanged(data_dir: DataDir) -> None:
    data_dir.ensure()
    data_dir.database.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a database")
    before = data_dir.database.read_bytes()
    with pytest.raises(DatabaseUnusable, match="不是 Clinic Desktop 数据库"):
        open_database(data_dir)
    assert data_dir.database.read_bytes() == before


def test_a_damaged_database_is_refused_unchanged(data_dir: DataDir) -> None:
    data_dir.ensure()
    data_dir.database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 600)
    before = data_dir.database.read_bytes()
    with pytest.raises(DatabaseUnusable):
        open_database(data_dir)
    assert data_dir.database.read_bytes() == before


def test_a_folder_that_cannot_be_written_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with pytest.raises(EnvironmentProblem, match="无法写入"):
        DataDir(blocker / "clinic").ensure()


def test_data_dir_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "from-env"))
    assert resolve_data_dir(None).root == tmp_path / "from-env"
    assert resolve_data_dir(str(tmp_path / "explicit")).root == tmp_path / "explicit"
    monkeypatch.delenv(ENV_DATA_DIR)
    assert "ClinicDesktop" in str(resolve_data_dir(None).root)


def test_utc_column_refuses_naive_and_returns_aware() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    column = UTCDateTime()
    lite, server = sqlite.dialect(), postgresql.dialect()
    with pytest.raises(ValueError):
        column.process_bind_param(datetime(2026, 1, 1), lite)  # noqa: DTZ001
    stored = column.process_bind_param(NOW, lite)  # naive UTC text on SQLite
    assert stored is not None and stored.tzinfo is None
    assert column.process_result_value(stored, lite) == NOW
    sent = column.process_bind_param(NOW.astimezone(ZoneInfo("Asia/Shanghai")), server)
    assert sent == NOW and sent is not None and sent.utcoffset() == timedelta(0)  # timestamptz
    back = column.process_result_value(NOW.astimezone(ZoneInfo("Asia/Shanghai")), server)
    assert back == NOW and back is not None and back.tzinfo == UTC


def test_money_is_stored_in_fen() -> None:
    money = Money()
    assert money.process_bind_param(Decimal("1200.50"), None) == 120050  # type: ignore[arg-type]
    assert money.process_bind_param(Decimal("0.005"), None) == 1  # type: ignore[arg-type]
    assert money.process_result_value(120050, None) == Decimal("1200.50")  # type: ignore[arg-type]
