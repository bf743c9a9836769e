"""``clinic-desktop restore FILE``: a checked backup takes the database's place, the current
file is kept aside (never deleted), the restore is audited and the audit head re-anchored."""

from __future__ import annotations

import io
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.paths import DataDir
from clinic_desktop.storage.audit_trail import HEAD_FILE
from clinic_desktop.storage.migrate import alembic_config, backup_sqlite, head_revision
from tests.conftest import FIXED_NOW

CLOCK = FixedClock(FIXED_NOW)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=CLOCK)
    return code, out.getvalue()


def patients(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM patient").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def clinic(tmp_path: Path) -> DataDir:
    folder = DataDir(tmp_path / "clinic")
    assert run("--data-dir", str(folder.root), "demo", "--patients", "30")[0] == EXIT_OK
    return folder


def _backup(folder: DataDir) -> Path:
    return backup_sqlite(folder.database, folder.backups, reason="daily",
                         stamp=FIXED_NOW - timedelta(days=1))


def test_restore_replaces_keeps_the_old_file_and_audits(clinic: DataDir) -> None:
    backup = _backup(clinic)
    # Work done after the backup: it is in the file set aside, not in the restored one.
    assert run("--data-dir", str(clinic.root), "import",
               str(Path(__file__).resolve().parents[2] / "resources" / "samples" /
                   "legacy-patients.xlsx"))[0] == EXIT_OK
    grown = patients(clinic.database)
    assert grown > 30

    code, printed = run("--data-dir", str(clinic.root), "restore", str(backup))
    assert code == EXIT_OK
    assert "30 位患者" in printed
    [aside] = [p for p in clinic.root.glob("clinic.sqlite3.before-restore-*")
               if not p.name.endswith(HEAD_FILE)]
    assert aside.name.startswith("clinic.sqlite3.before-restore-2026112")
    assert str(aside) in printed
    assert patients(aside) == grown and patients(clinic.database) == 30
    conn = sqlite3.connect(clinic.database)
    summary = conn.execute("SELECT summary FROM audit_entry WHERE action = 'database.restore'"
                           ).fetchone()[0]
    conn.close()
    assert backup.name in summary and aside.name in summary and "previous head #" in summary
    # The restored chain is shorter than the head that stood beside the old file: the
    # restore's own entry re-anchored it, so ``check`` finds nothing.
    code, printed = run("--data-dir", str(clinic.root), "check")
    assert code == EXIT_OK, printed
    assert (aside.parent / (aside.name + "." + HEAD_FILE)).exists()


def test_an_older_schema_is_restored_and_upgraded(clinic: DataDir, tmp_path: Path) -> None:
    backup = _backup(clinic)
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{backup}")
    with engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261124_05")
    engine.dispose()
    assert run("--data-dir", str(clinic.root), "restore", str(backup))[0] == EXIT_OK
    conn = sqlite3.connect(clinic.database)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == \
        head_revision()
    conn.close()


@pytest.mark.parametrize("case", ["missing", "not a database", "damaged", "newer", "itself",
                                  "not a clinic"])
def test_unusable_backups_are_refused_and_nothing_changes(
    clinic: DataDir, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "candidate.sqlite3"
    if case == "missing":
        expected = "找不到备份文件"
    elif case == "not a database":
        target.write_text("hello")
        expected = "不是可用的数据库文件"
    elif case == "damaged":
        target = _backup(clinic)
        size = target.stat().st_size
        with open(target, "r+b") as handle:
            handle.seek(size // 2 - (size // 2) % 4096)
            handle.write(b"\xff" * 4096)
        expected = "已损坏"
    elif case == "newer":
        target = _backup(clinic)
        with sqlite3.connect(target) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '29991231_99'")
        conn.close()
        expected = "由更新版本的 Clinic Desktop 写入"
    elif case == "itself":
        target = clinic.database
        expected = "就是当前的数据库"
    else:
        conn = sqlite3.connect(target)
        conn.execute("CREATE TABLE notes (x)")
        conn.close()
        expected = "不是 Clinic Desktop 的数据库备份"
    before = clinic.database.read_bytes()
    code, printed = run("--data-dir", str(clinic.root), "restore", str(target))
    err = capsys.readouterr().err
    assert code == EXIT_UNUSABLE and printed == ""
    assert expected in err and err.count("\n") == 1
    assert clinic.database.read_bytes() == before
    assert not list(clinic.root.glob("clinic.sqlite3.before-restore-*"))
    assert not list(clinic.root.glob("*.restoring"))
