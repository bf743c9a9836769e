"""Exports open in Excel as real tables (bold frozen header, date and number cells), need a
permission and are audited; the CLI's import and export commands keep their contract."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import exports, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.billing import TreatmentLine, record_visit
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.audit import AuditEntry
from tests.conftest import FIXED_NOW
from tests.unit.importing import files

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    patient = create_patient(admin_ctx, PatientInput(
        name="张三", mobile="13800138000", birth_date=date(1985, 3, 12), sex="M")).patient.id
    cleaning = next(p.id for p in list_procedures(admin_ctx) if p.name == "超声洁牙")
    record_visit(admin_ctx, patient, visit_date=date(2026, 11, 20), doctor_id=doctor,
                 lines=[TreatmentLine(cleaning, Decimal("1234.50"))])
    start = datetime(2026, 11, 26, 10, tzinfo=SH)
    appts.book(admin_ctx, BookingRequest(patient, doctor, start, start + timedelta(minutes=30)))
    return {"doctor": doctor, "patient": patient}


def excel(day: date, hour: int = 0) -> datetime:
    """What openpyxl reads back from a date cell: a naive datetime (Excel has no zones)."""
    return datetime.combine(day, time(hour))


def _sheet(path: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_every_export_writes_real_cells(admin_ctx: Context, clinic: dict[str, int],
                                        tmp_path: Path) -> None:
    assert exports.export_patients(admin_ctx, tmp_path / "p.xlsx") == 1
    header, row = _sheet(tmp_path / "p.xlsx")
    assert header[:4] == ("病历号", "姓名", "性别", "出生日期")
    assert row[1:4] == ("张三", "男", excel(date(1985, 3, 12)))  # a date cell, not text
    assert exports.export_visits(admin_ctx, tmp_path / "v.xlsx", start=date(2026, 11, 1),
                                 end=date(2026, 11, 30)) == 1
    _h, visit = _sheet(tmp_path / "v.xlsx")
    assert visit[0] == excel(date(2026, 11, 20)) and visit[7] == 1234.5
    assert exports.export_visits(admin_ctx, tmp_path / "none.xlsx", start=date(2025, 1, 1),
                                 end=date(2025, 1, 31)) == 0
    assert exports.export_appointments(admin_ctx, tmp_path / "a.xlsx") == 1
    _h, appointment = _sheet(tmp_path / "a.xlsx")
    assert appointment[0] == excel(date(2026, 11, 26), 10) and appointment[7] == "已预约"
    assert exports.export_ledger(admin_ctx, tmp_path / "l.xlsx") == 1
    _h, entry = _sheet(tmp_path / "l.xlsx")
    assert entry[3:6] == ("收费", None, 1234.5)
    book = load_workbook(tmp_path / "l.xlsx")
    assert book.worksheets[0]["F2"].number_format == "#,##0.00"
    with admin_ctx.db.session() as session:
        actions = session.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("export.%"))).scalars().all()
    assert sorted(actions) == ["export.appointments", "export.ledger", "export.patients",
                               "export.visits", "export.visits"]


def test_exports_need_the_permission_and_a_sane_range(admin_ctx: Context,
                                                       tmp_path: Path) -> None:
    nurse = Context(db=admin_ctx.db, actor=Actor(None, "n", "护士", Role.NURSE),
                    clock=admin_ctx.clock)
    with pytest.raises(PermissionDenied):
        exports.export_patients(nurse, tmp_path / "p.xlsx")
    with pytest.raises(UserError, match="结束日期 2026-01-01 早于开始日期 2026-02-01"):
        exports.export_ledger(admin_ctx, tmp_path / "l.xlsx", start=date(2026, 2, 1),
                              end=date(2026, 1, 1))
    assert not (tmp_path / "p.xlsx").exists() and not (tmp_path / "l.xlsx").exists()


def test_the_import_template_imports_its_own_example(admin_ctx: Context, tmp_path: Path) -> None:
    from clinic_desktop.services.imports import ImportRequest, run_import

    exports.write_import_template(tmp_path / "template.xlsx")
    rows = _sheet(tmp_path / "template.xlsx")
    assert rows[0][0] == "姓名 *" and rows[1][0] == "张三"
    summary = run_import(admin_ctx, ImportRequest(tmp_path / "template.xlsx"), dry_run=True)
    assert (summary.patients_created, summary.visits_created, summary.rows_rejected) == (1, 1, 0)


# -- the CLI -------------------------------------------------------------------------------
def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "clinic"
    code, _ = run("--data-dir", str(root), "demo", "--patients", "20")
    assert code == EXIT_OK
    return root


def test_cli_import_json_contract_and_error_report(folder: Path, tmp_path: Path) -> None:
    sample = write_legacy_workbook(tmp_path / "legacy.xlsx", 60,
                                   today=FIXED_NOW.astimezone(SH).date())
    code, text = run("--data-dir", str(folder), "import", str(sample), "--json",
                     "--errors", str(tmp_path / "errors.xlsx"))
    assert code == EXIT_OK
    result = json.loads(text)
    for key in ("rows_read", "rows_skipped_blank", "rows_skipped_summary", "patients_created",
                "patients_merged", "visits_created", "payments_created", "rows_rejected",
                "tasks_created", "errors"):
        assert key in result, key
    assert result["rows_rejected"] == 3 and result["visits_created"] == 57
    assert result["errors"][0] == {"row": 8, "column": "就诊日期", "value": "2023-13-05",
                                   "reason": "日期“2023-13-05”的月份 13 不存在。"}
    report = load_workbook(tmp_path / "errors.xlsx").worksheets[0]
    assert [c.value for c in report[2]][:5] == [8, "就诊日期", "2023-13-05",
                                                "日期“2023-13-05”的月份 13 不存在。",
                                                report["E2"].value]
    assert report.cell(1, 5).value == "姓名"
    code, text = run("--data-dir", str(folder), "import", str(sample), "--dry-run", "--json")
    assert code == EXIT_OK and json.loads(text)["rows_already_imported"] == 57


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_output_read_by_head_ends_quietly(folder: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # ``clinic-desktop import … --json | head -5``: the import is done, the reader has gone
    sample = write_legacy_workbook(tmp_path / "legacy.xlsx", 20,
                                   today=FIXED_NOW.astimezone(SH).date())
    code = main(["--data-dir", str(folder), "import", str(sample), "--json"],
                out=_ClosedPipe(), clock=FixedClock(FIXED_NOW))
    assert code == 141 and capsys.readouterr().err == ""
    code, text = run("--data-dir", str(folder), "import", str(sample), "--dry-run", "--json")
    assert json.loads(text)["rows_already_imported"] > 0  # the import was committed


def test_cli_import_with_a_mapping_file_and_unusable_files(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = files.xlsx(tmp_path / "odd.xlsx", [["客户", "联系方式X", "到店"],
                                               ["钱七", 13600136000, "2024-05-01"]])
    (tmp_path / "map.json").write_text(json.dumps({"columns": {
        "客户": "name", "联系方式X": "mobile", "到店": "visit_date"}}), encoding="utf-8")
    code, text = run("--data-dir", str(folder), "import", str(sheet), "--mapping",
                     str(tmp_path / "map.json"), "--json")
    assert code == EXIT_OK and json.loads(text)["patients_created"] == 1
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    database = (folder / "clinic.sqlite3").read_bytes()
    code, _ = run("--data-dir", str(folder), "import", str(tmp_path / "scan.pdf"))
    assert code == EXIT_UNUSABLE
    assert "“scan.pdf”不是电子表格文件" in capsys.readouterr().err
    code, _ = run("--data-dir", str(folder), "import", str(tmp_path / "gone.xlsx"))
    assert code == EXIT_UNUSABLE and "不存在" in capsys.readouterr().err
    assert (folder / "clinic.sqlite3").read_bytes() == database


def test_cli_export(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run("--data-dir", str(folder), "export", "patients", str(tmp_path / "p.xlsx"))
    assert code == EXIT_OK and "已导出 20 行" in text
    code, text = run("--data-dir", str(folder), "export", "visits", str(tmp_path / "v.xlsx"),
                     "--from", "2020-01-01", "--to", "2030-12-31")
    assert code == EXIT_OK and len(_sheet(tmp_path / "v.xlsx")) > 1
    code, _ = run("--data-dir", str(folder), "export", "ledger", str(tmp_path / "l.xlsx"),
                  "--from", "2026-13-01")
    assert code == EXIT_UNUSABLE and "--from 应为 YYYY-MM-DD" in capsys.readouterr().err
    code, _ = run("--data-dir", str(folder), "export", "template", str(tmp_path / "t.xlsx"))
    assert code == EXIT_OK and (tmp_path / "t.xlsx").exists()
