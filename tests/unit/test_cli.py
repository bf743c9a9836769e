"""The headless commands and their exit codes."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from clinic_desktop.cli import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.lockfile import InstanceLock


def run(*argv: str) -> tuple[int, str]:
    """Run the CLI in Chinese (the machine's C locale would pick English)."""
    out = io.StringIO()
    args = list(argv) if "--lang" in argv else ["--lang", "zh_CN", *argv]
    code = main(args, out=out)
    return code, out.getvalue()


def test_init_creates_the_database_and_is_repeatable(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    expected = f"数据库已就绪：{folder}/clinic.sqlite3\n"
    assert run("--data-dir", str(folder), "init") == (EXIT_OK, expected)
    assert run("init", "--data-dir", str(folder))[0] == EXIT_OK


def test_demo_then_check_passes(tmp_path: Path) -> None:
    folder = str(tmp_path / "demo")
    code, text = run("--data-dir", folder, "demo", "--patients", "40", "--seed", "3")
    assert code == EXIT_OK and "admin / demo1234" in text
    code, text = run("--data-dir", folder, "check")
    assert code == EXIT_OK and "哈希链无误" in text
    assert run("--data-dir", folder, "demo", "--if-missing")[0] == EXIT_OK


def test_demo_refuses_a_folder_with_a_clinic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(tmp_path / "demo")
    run("--data-dir", folder, "demo", "--patients", "0")
    assert run("--data-dir", folder, "demo")[0] == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "已有诊所数据" in err


def test_check_names_the_first_altered_entry(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    run("--data-dir", str(folder), "demo", "--patients", "0")
    with sqlite3.connect(folder / "clinic.sqlite3") as conn:
        conn.execute("UPDATE audit_entry SET username = 'mallory' WHERE id = 4")
    code, text = run("--data-dir", str(folder), "check")
    assert code == EXIT_FINDINGS and "第 4 条" in text


def test_unusable_environment_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "clinic.sqlite3").write_text("not a database")
    assert run("--data-dir", str(folder), "init")[0] == EXIT_UNUSABLE
    assert "不是 Clinic Desktop 数据库" in capsys.readouterr().err
    assert run("--data-dir", str(tmp_path / "none"), "check")[0] == EXIT_UNUSABLE


def test_check_refuses_a_database_that_is_not_initialised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    sqlite3.connect(folder / "clinic.sqlite3").execute("CREATE TABLE x (y)").connection.close()
    assert run("--data-dir", str(folder), "check")[0] == EXIT_UNUSABLE
    assert "请先运行 clinic-desktop init" in capsys.readouterr().err


def test_second_process_on_the_same_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with InstanceLock(folder / "clinic.lock"):
        assert run("--data-dir", str(folder), "init")[0] == EXIT_UNUSABLE
    assert "已在这台电脑上打开" in capsys.readouterr().err


def test_english_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    code, text = run("--lang", "en", "--data-dir", str(folder), "init")
    assert code == EXIT_OK and text.startswith("Database ready:")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and "clinic-desktop 0.1.0" in capsys.readouterr().out
