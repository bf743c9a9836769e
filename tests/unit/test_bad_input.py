"""Every bad input gets a sentence: exit 2 and one line on the terminal (the traceback, if
any, in the log), or a UserError naming the field; nothing half-written.

CI runs as root, where ``chmod`` does not make a file read-only and no disk fills up, so the
read-only file is SQLite's ``mode=ro`` and the full disk an injected ``ENOSPC`` (for files)
or SQLite's own page limit (for the database).
"""

from __future__ import annotations

import errno
import io
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import care
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage import database as database_module
from clinic_desktop.storage import engine as engine_module
from tests.conftest import FIXED_NOW

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "legacy-patients.xlsx"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    assert run("--data-dir", str(folder), "demo", "--patients", "5")[0] == EXIT_OK
    return folder


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(("argv", "expected"), [
    (["due", "--date", "9999-12-31"], "--date 的日期 9999-12-31 超出范围"),
    (["export", "visits", "OUT", "--to", "9999-12-31"], "--to 的日期 9999-12-31 超出范围"),
    (["export", "ledger", "OUT", "--from", "0001-01-01"], "--from 的日期 0001-01-01 超出范围"),
])
def test_dates_beyond_the_calendar_get_a_sentence(
    clinic: Path, tmp_path: Path, argv: list[str], expected: str,
    capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(tmp_path / "out.xlsx") if a == "OUT" else a for a in argv]
    assert run("--data-dir", str(clinic), *argv)[0] == EXIT_UNUSABLE
    assert expected in one_line(capsys)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_full_disk_while_exporting_is_a_sentence_and_leaves_no_file(
    clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    save = Workbook.save

    def no_space(self: Workbook, filename: str) -> None:
        save(self, io.BytesIO())  # the rows are produced, then the disk is found full
        raise OSError(errno.ENOSPC, "No space left on device", filename)

    monkeypatch.setattr(Workbook, "save", no_space)
    target = tmp_path / "patients.xlsx"
    assert run("--data-dir", str(clinic), "export", "patients", str(target))[0] == \
        EXIT_UNUSABLE
    assert "磁盘已满，无法写入" in one_line(capsys)
    assert not list(tmp_path.glob("*.xlsx*"))
    log = (clinic / "logs" / "clinic.log").read_text(encoding="utf-8")
    assert "No space left on device" in log  # the details are in the log


def _limit_pages(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The database file may not grow: SQLite answers SQLITE_FULL, as on a full disk."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    original = engine_module._on_connect

    def limited(dbapi_connection: Any, record: Any) -> None:
        original(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    monkeypatch.setattr(engine_module, "_on_connect", limited)


def test_a_full_disk_while_importing_is_a_sentence_and_writes_nothing(
    clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = clinic / "clinic.sqlite3"
    _limit_pages(monkeypatch, database)
    before = _patients(database)
    assert run("--data-dir", str(clinic), "import", str(SAMPLE))[0] == EXIT_UNUSABLE
    assert "磁盘已满，无法写入数据库" in one_line(capsys)
    assert _patients(database) == before


def _patients(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM patient").fetchone()[0])
    finally:
        conn.close()


def test_a_read_only_database_file_is_a_sentence(
    clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def read_only_engine(path: Path, key: bytes | None = None) -> Any:
        engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        event.listen(engine, "connect", engine_module._on_connect)
        event.listen(engine, "begin", engine_module._on_begin)
        return engine

    monkeypatch.setattr(database_module, "create_sqlite_engine", read_only_engine)
    database = clinic / "clinic.sqlite3"
    before = _patients(database)
    assert run("--data-dir", str(clinic), "import", str(SAMPLE))[0] == EXIT_UNUSABLE
    err = one_line(capsys)
    assert f"数据库文件 {database} 是只读的" in err
    assert _patients(database) == before


@pytest.mark.parametrize(("name", "code"), [
    ("张\x00三", "U+0000"), ("张\x1b[31m三", "U+001B"), ("张\u200b三", "U+200B"),
    ("\u202e三张", "U+202E"), ("张三\ud800", "U+D800"), ("张\u2066三", "U+2066"),
])
def test_names_with_invisible_characters_are_refused_naming_the_field(
    admin_ctx: Context, name: str, code: str
) -> None:
    with pytest.raises(UserError) as refused:
        create_patient(admin_ctx, PatientInput(name=name, mobile="13800138000"))
    assert refused.value.field == "name"
    assert refused.value.message == f"姓名中有看不见的控制字符（{code}），请重新输入。"


def test_other_fields_are_checked_too_and_notes_may_have_line_breaks(admin_ctx: Context) -> None:
    with pytest.raises(UserError) as refused:
        create_patient(admin_ctx, PatientInput(name="张三", address="北京\u202e路"))
    assert refused.value.field == "address"
    saved = create_patient(admin_ctx, PatientInput(name="李·阿凡提", notes="第一行\n第二行"))
    assert saved.patient.notes == "第一行\n第二行"
    assert create_patient(admin_ctx, PatientInput(name="王𠮷")).patient.name == "王𠮷"


def test_percent_and_underscore_search_literally(admin_ctx: Context) -> None:
    for name in ("张_", "张%", "张三", "张四五"):
        create_patient(admin_ctx, PatientInput(name=name), allow_duplicate=True)
    assert [h.name for h in search_patients(admin_ctx, "张_")] == ["张_"]
    assert [h.name for h in search_patients(admin_ctx, "张%")] == ["张%"]
    assert {h.name for h in search_patients(admin_ctx, "张")} == {"张_", "张%", "张三", "张四五"}


def test_a_named_day_ends_at_its_end(admin_ctx: Context) -> None:
    """A task due at 00:00 the next day is the next day's, not this one's."""
    from clinic_desktop.storage.models.care import CareTask

    patient = create_patient(admin_ctx, PatientInput(name="张三")).patient.id
    midnight = datetime(2026, 11, 25, 16, tzinfo=UTC)  # 00:00 on the 26th in Shanghai
    late = datetime(2026, 11, 25, 15, 59, tzinfo=UTC)  # 23:59 on the 25th
    with admin_ctx.transaction(write=True) as session:
        for due, title in ((late, "深夜"), (midnight, "零点")):
            session.add(CareTask(patient_id=patient, kind="followup_call", title=title,
                                 due_at=due, status="due", source="manual",
                                 dedupe_key=title, created_at=admin_ctx.now()))
    listed = care.callback_list(admin_ctx, as_of=date(2026, 11, 25), whole_day=True)
    assert [i.reason for i in listed] == ["深夜"]
    listed = care.callback_list(admin_ctx, as_of=date(2026, 11, 26), whole_day=True)
    assert [i.reason for i in listed] == ["深夜", "零点"]
    assert care.callback_list(admin_ctx, as_of=date.max, whole_day=True)


def test_a_tag_colour_is_a_colour_and_nothing_else(admin_ctx: Context) -> None:
    from clinic_desktop.services import profile

    with pytest.raises(UserError) as refused:
        profile.create_tag(admin_ctx, name="VIP2", colour="red; font-size: 40pt")
    assert refused.value.field == "colour"
    tag = profile.create_tag(admin_ctx, name="VIP2", colour="#AA3300")
    with pytest.raises(UserError):
        profile.update_tag(admin_ctx, tag.id, name="VIP2", colour="#AA3300;}QWidget{")
