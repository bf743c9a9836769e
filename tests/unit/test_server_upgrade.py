"""Upgrading a clinic's schema on a PostgreSQL server: ``pg_dump`` first into this
workstation's backups folder; without ``pg_dump`` the upgrade stops, names the way to confirm,
and changes nothing; two workstations upgrading at once end with one schema at head."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE
from clinic_desktop.storage import server_backup
from clinic_desktop.storage.migrate import alembic_config, head_revision, upgrade_to_head
from tests.conftest import FIXED_NOW
from tests.unit.test_pg_server import run

pytestmark = pytest.mark.postgresql
OLDER = "20261211_22"


def _at(url: str, revision: str) -> None:
    from alembic import command

    engine = create_engine(url)
    try:
        with engine.connect() as connection, connection.begin():
            config = alembic_config(connection)
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def _revision(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT version_num FROM alembic_version"))
                       .scalar_one())
    finally:
        engine.dispose()


def test_the_server_is_dumped_before_its_schema_is_upgraded(pg_url: str,
                                                             tmp_path: Path) -> None:
    _at(pg_url, OLDER)
    code, out = run("--data-dir", str(tmp_path), "--database-url", pg_url, "init")
    assert code == EXIT_OK, out
    assert _revision(pg_url) == head_revision()
    [dump] = (tmp_path / "backups").glob("*-pre-upgrade.dump")
    assert "已备份旧数据库" in out and dump.name in out
    listed = subprocess.run([str(server_backup.find_pg_dump()).replace("pg_dump", "pg_restore"),
                             "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE public patient" in listed.stdout  # a real, restorable dump


def test_without_pg_dump_the_upgrade_waits_for_a_confirmation(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _at(pg_url, OLDER)
    monkeypatch.setattr(server_backup, "find_pg_dump", lambda: None)
    code, _out = run("--data-dir", str(tmp_path), "--database-url", pg_url, "init")
    assert code == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "没有 pg_dump" in err and "--without-backup" in err
    assert _revision(pg_url) == OLDER  # nothing changed
    code, out = run("--data-dir", str(tmp_path), "--database-url", pg_url, "init",
                    "--without-backup")
    assert code == EXIT_OK, out
    assert _revision(pg_url) == head_revision()


def test_two_workstations_upgrading_at_once_end_at_head(pg_url: str) -> None:
    _at(pg_url, OLDER)
    failures: list[BaseException] = []

    def upgrade() -> None:
        engine = create_engine(pg_url)
        try:
            upgrade_to_head(engine, sqlite_path=None, backup_dir=None, stamp=FIXED_NOW,
                            without_backup=True)
        except BaseException as exc:  # collected: the test fails naming it
            failures.append(exc)
        finally:
            engine.dispose()

    workers = [threading.Thread(target=upgrade) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert failures == []
    assert _revision(pg_url) == head_revision()
