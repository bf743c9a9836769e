"""A damaged database is never written to: commands refuse it in one sentence, ``check``
reports it as findings, and a deferred check (the GUI's) stops every write once it knows."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from clinic_desktop.cli import EXIT_FINDINGS, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.errors import DatabaseUnusable
from clinic_desktop.paths import DataDir
from clinic_desktop.services.auth import sign_in
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.soundness import Soundness
from tests.conftest import FIXED_NOW

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "legacy-patients.xlsx"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def damage(path: Path) -> None:
    """4 KB overwritten in the middle of the file, as a failing disk sector would."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(b"\xff" * 4096)


@pytest.fixture(scope="module")
def damaged_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("damaged") / "clinic"
    assert run("--data-dir", str(folder), "demo", "--patients", "300")[0] == 0
    damage(folder / "clinic.sqlite3")
    return folder


@pytest.fixture
def damaged(damaged_template: Path, tmp_path: Path) -> DataDir:
    folder = tmp_path / "clinic"
    shutil.copytree(damaged_template, folder)
    return DataDir(folder)


@pytest.mark.parametrize("command", [
    ["init"], ["demo", "--if-missing"], ["due"], ["due", "--date", "2026-11-25"],
    ["import", str(SAMPLE)], ["export", "patients", "OUT"],
])
def test_commands_refuse_a_damaged_file_in_one_sentence_and_write_nothing(
    damaged: DataDir, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [tmp_path / "out.xlsx" if part == "OUT" else part for part in command]
    before = damaged.database.read_bytes()
    code, printed = run("--data-dir", str(damaged.root), *map(str, argv))
    err = capsys.readouterr().err
    assert code == EXIT_UNUSABLE and printed == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"数据库 {damaged.database} 已损坏" in err and "没有找到备份" in err
    assert damaged.database.read_bytes() == before
    assert not (tmp_path / "out.xlsx").exists()


def test_the_sentence_names_the_latest_backup(damaged: DataDir,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    older = damaged.backups / "clinic-20261101-210000-daily.sqlite3"
    newer = damaged.backups / "clinic-20261123-210000-daily.sqlite3"
    for path, when in ((older, 1_700_000_000), (newer, 1_700_100_000)):
        path.write_bytes(b"")
        os.utime(path, (when, when))
    assert run("--data-dir", str(damaged.root), "init")[0] == EXIT_UNUSABLE
    assert f"最近的备份是 {newer}" in capsys.readouterr().err


def test_check_reports_damage_as_findings_without_a_traceback(
    damaged: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    code, printed = run("--data-dir", str(damaged.root), "check")
    assert code == EXIT_FINDINGS
    lines = printed.strip().split("\n")
    assert any(line.startswith("数据库完整性问题：") for line in lines)
    assert any("已损坏" in line for line in lines)
    assert capsys.readouterr().err == ""


def test_a_deferred_check_lets_reads_run_and_refuses_every_write(damaged: DataDir) -> None:
    before = damaged.database.read_bytes()
    db = open_database(damaged, now=FIXED_NOW, soundness=Soundness.DEFERRED)
    try:
        assert not db.soundness.decided
        assert db.check_soundness() != []
        with pytest.raises(DatabaseUnusable, match="已损坏"):
            sign_in(db, username="admin", password="demo1234", clock=FixedClock(FIXED_NOW))
    finally:
        db.close()
    assert damaged.database.read_bytes() == before


def test_a_sound_file_passes_and_its_writes_go_through(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    assert run("--data-dir", str(folder), "demo", "--patients", "0")[0] == 0
    db = open_database(DataDir(folder), now=FIXED_NOW, soundness=Soundness.DEFERRED)
    try:
        assert db.check_soundness() == []
        assert sign_in(db, username="admin", password="demo1234",
                       clock=FixedClock(FIXED_NOW)).username == "admin"
    finally:
        db.close()
