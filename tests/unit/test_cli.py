"""The headless commands and their exit codes."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from clinic_desktop.cli import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.lockfile import InstanceLock
from tests.conftest import FIXED_NOW


def run(*argv: str) -> tuple[int, str]:
    """Run the CLI in Chinese (the machine's C locale would pick English)."""
    out = io.StringIO()
    args = list(argv) if "--lang" in argv else ["--lang", "zh_CN", *argv]
    code = main(args, out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def test_init_creates_the_database_and_is_repeatable(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    ready = f"数据库已就绪：{folder}/clinic.sqlite3\n"
    code, text = run("--data-dir", str(folder), "init")
    # A new clinic is encrypted: its recovery key is printed once, before "ready".
    [intro, recovery, done] = text.splitlines(keepends=True)
    assert code == EXIT_OK and intro.startswith("数据库已加密。恢复密钥") and done == ready
    assert len(recovery.strip().split("-")) == 11
    assert run("init", "--data-dir", str(folder)) == (EXIT_OK, ready)
    plain = tmp_path / "plain"
    assert run("--data-dir", str(plain), "init", "--no-encrypt") == (
        EXIT_OK, f"数据库已就绪：{plain}/clinic.sqlite3\n")


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
    assert code == EXIT_OK and text.startswith("Database encrypted. Recovery key")
    assert text.splitlines()[-1].startswith("Database ready:")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and "clinic-desktop 0.1.0" in capsys.readouterr().out


def test_due_prints_the_callback_list_without_changing_anything(tmp_path: Path) -> None:
    import json
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from clinic_desktop.clock import FixedClock
    from clinic_desktop.context import Context
    from clinic_desktop.paths import DataDir
    from clinic_desktop.services.auth import setup_clinic
    from clinic_desktop.services.billing import TreatmentLine, record_visit
    from clinic_desktop.services.catalogue import list_procedures
    from clinic_desktop.services.patients import PatientInput, create_patient
    from clinic_desktop.storage.database import open_database

    folder = DataDir(tmp_path / "data")
    db = open_database(folder)
    clock = FixedClock(datetime(2026, 11, 24, 2, tzinfo=UTC))
    actor = setup_clinic(db, clinic_name="测试", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="long-enough", clock=clock)
    ctx = Context(db=db, actor=actor, clock=clock)
    pid = create_patient(ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    extraction = next(p.id for p in list_procedures(ctx) if p.name == "普通拔牙")
    record_visit(ctx, pid, visit_date=date(2026, 11, 24), doctor_id=None,
                 lines=[TreatmentLine(extraction, Decimal("300"))])
    db.close()
    before = (folder.database).read_bytes()
    code, text = run("--data-dir", str(folder.root), "due", "--date", "2026-11-24", "--json")
    assert (code, json.loads(text)) == (EXIT_OK, [])
    code, text = run("--data-dir", str(folder.root), "due", "--date", "2026-11-25", "--json")
    assert code == EXIT_OK
    [item] = json.loads(text)
    assert item == {"patient": "张三", "phone": "13800138000", "kind": "followup_call",
                    "reason": "拔牙后 24 小时回访", "due": "2026-11-25T10:00:00+08:00",
                    "attempts": 0}
    code, text = run("--data-dir", str(folder.root), "due", "--date", "2026-11-25")
    assert "张三" in text and "共 1 项待回访" in text
    assert run("--data-dir", str(folder.root), "due", "--date", "25/11/2026")[0] == EXIT_UNUSABLE
    assert folder.database.read_bytes() == before


def test_encrypt_then_again_then_rekey_from_the_command_line(tmp_path: Path) -> None:
    folder = str(tmp_path / "demo")
    assert run("--data-dir", folder, "demo", "--patients", "5")[0] == EXIT_OK
    code, text = run("--data-dir", folder, "encrypt")
    assert code == EXIT_OK and text.startswith("数据库已加密。恢复密钥")
    # A second run (after one stopped before the attachments) only finishes them.
    assert run("--data-dir", folder, "encrypt") == (
        EXIT_OK, "数据库已经加密；又加密了 0 个附件文件。\n")
    code, text = run("--data-dir", folder, "rekey")
    assert code == EXIT_OK and "旧的恢复密钥仍能打开" in text
    code, text = run("--data-dir", folder, "check")
    assert code == EXIT_OK and "数据库已加密（SQLCipher）" in text
