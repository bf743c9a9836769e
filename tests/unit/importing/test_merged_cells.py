"""Merged cells in real workbooks: a patient merged down over two visit rows is on both rows,
a range merged across stays in its first column, merged title and group header rows find the
same header as before, and a merged range reaching past the data adds no row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clinic_desktop.context import Context
from clinic_desktop.importing.header import detect_header
from clinic_desktop.importing.reader import read_sheet
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.storage.models.clinical import Visit
from clinic_desktop.storage.models.patient import Patient
from tests.unit.importing import files

TITLE = "康美口腔诊所 患者就诊登记表"
HEADER = ["患者姓名", "手机号码", "性别", "就诊日期", "治疗项目", "实收"]
BODY = [["张伟", "13912345678", "男", date(2026, 10, 8), "种植", 12000],
        ["", "", "", date(2026, 10, 15), "种植复查", 0],
        ["王芳", "13800000002", "女", date(2026, 7, 1), "洗牙", 300]]
# One patient, two visit rows: name, mobile and sex merged over spreadsheet rows 3 and 4.
PATIENT_MERGES = ["A1:F1", "A3:A4", "B3:B4", "C3:C4"]


def test_a_patient_merged_over_two_visit_rows_is_on_both(tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "dental.xlsx", [[TITLE], HEADER, *BODY], merges=PATIENT_MERGES)
    rows = read_sheet(path).rows
    assert [r[:5] for r in rows[2:4]] == [["张伟", "13912345678", "男", date(2026, 10, 8), "种植"],
                                          ["张伟", "13912345678", "男", date(2026, 10, 15),
                                           "种植复查"]]
    assert rows[4][0] == "王芳"
    # The title merged across the first row stays in its first cell.
    assert rows[0] == [TITLE, "", "", "", "", ""]


def test_an_xls_workbook_fills_its_merges_too(tmp_path: Path) -> None:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    for c, label in enumerate(HEADER):
        ws.write(0, c, label)
    ws.write_merge(1, 2, 0, 0, "张伟")
    ws.write_merge(1, 2, 1, 1, "13912345678")
    for r, procedure in ((1, "种植"), (2, "种植复查")):
        ws.write(r, 3, "2026-10-08")
        ws.write(r, 4, procedure)
    book.save(str(tmp_path / "old.xls"))
    rows = read_sheet(tmp_path / "old.xls").rows
    assert [r[:2] for r in rows[1:3]] == [["张伟", "13912345678"]] * 2


def test_a_block_merged_across_and_down_fills_only_its_first_column(tmp_path: Path) -> None:
    rows = [HEADER, ["张伟", "13912345678", "男", "2026-10-08", "种植", 100],
            ["", "", "", "2026-10-15", "复查", 0]]
    path = files.xlsx(tmp_path / "block.xlsx", rows, merges=["A2:C3"])
    assert read_sheet(path).rows[1:] == [["张伟", "", "", "2026-10-08", "种植", 100],
                                         ["张伟", "", "", "2026-10-15", "复查", 0]]


def test_a_merged_range_past_the_data_or_over_a_blank_row_adds_no_row(tmp_path: Path) -> None:
    rows = [HEADER, ["张伟", "13912345678", "男", "2026-10-08", "种植", 100],
            ["", "", "", "2026-10-15", "复查", 0], ["", "", "", "", "", ""],
            ["王芳", "13800000002", "女", "2026-07-01", "洗牙", 300]]
    # A2:A4 runs over the blank spacer row 4; F5:F9 runs past the last row calamine returns.
    path = files.xlsx(tmp_path / "past.xlsx", rows, merges=["A2:A4", "F5:F9", "H2:H3"])
    read = read_sheet(path).rows
    assert len(read) == 5 and all(len(r) == 6 for r in read)
    assert [r[0] for r in read] == ["患者姓名", "张伟", "张伟", "", "王芳"]
    assert read[3] == ["", "", "", "", "", ""]


def test_a_workbook_without_merges_reads_as_before(tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "plain.xlsx", [HEADER, *BODY])
    assert read_sheet(path).rows[2] == ["", "", "", date(2026, 10, 15), "种植复查", 0]


@pytest.mark.parametrize(("rows", "merges", "index", "labels"), [
    # A title merged across right above a header with a blank column: the blank stays blank.
    ([[TITLE], ["姓名", "手机", "", "就诊日期", "项目"], ["张三", "13800138000", "x",
                                                         "2024-03-05", "洗牙"]],
     ["A1:G1"], 1, ("姓名", "手机", "", "就诊日期", "项目")),
    # A two-row header: group labels merged across, single labels merged down.
    ([[TITLE], [], ["姓名", "患者信息", "", "就诊信息", "", ""],
      ["", "性别", "联系电话", "日期", "项目", "金额"],
      ["张三", "男", 13800138000, date(2024, 3, 5), "洗牙", 300]],
     ["A1:F1", "A3:A4", "B3:C3", "D3:F3"], 3, ("姓名", "性别", "联系电话", "日期", "项目", "金额")),
    # The same with the title two rows tall and more labels merged down.
    ([[TITLE], [], ["姓名", "手机", "就诊信息", "", "备注"], ["", "", "日期", "项目", ""],
      ["张三", "13800138000", date(2024, 3, 5), "洗牙", ""]],
     ["A1:E2", "A3:A4", "B3:B4", "C3:D3", "E3:E4"], 3, ("姓名", "手机", "日期", "项目", "备注")),
])
def test_merged_title_and_header_rows_give_the_same_header(
    tmp_path: Path, rows: list[list[object]], merges: list[str], index: int,
    labels: tuple[str, ...]
) -> None:
    path = files.xlsx(tmp_path / "header.xlsx", rows, merges=merges)
    guess = detect_header(read_sheet(path).rows)
    assert guess is not None and (guess.row_index, guess.labels) == (index, labels)
    plain = detect_header(read_sheet(files.xlsx(tmp_path / "unmerged.xlsx", rows)).rows)
    assert plain is not None and (plain.row_index, plain.labels) == (index, labels)


def test_the_second_visit_of_a_merged_patient_is_imported(admin_ctx: Context,
                                                          tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "dental.xlsx", [[TITLE], HEADER, *BODY], merges=PATIENT_MERGES)
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.rows_rejected == 0, done.errors
    assert (done.patients_created, done.visits_created) == (2, 3)
    with admin_ctx.db.session() as session:
        visits = session.execute(
            select(Patient.name, func.count(Visit.id)).join(Visit, Visit.patient_id == Patient.id)
            .group_by(Patient.name).order_by(Patient.name)).all()
    assert sorted((name, n) for name, n in visits) == [("张伟", 2), ("王芳", 1)]


def test_a_sum_merged_over_a_patients_visit_rows_counts_once(admin_ctx: Context,
                                                             tmp_path: Path) -> None:
    """实收 12000 merged over 张伟's two visit rows is one payment, on the first visit: money is
    not copied down as his name is."""
    from clinic_desktop.storage.models.clinical import LedgerEntry
    body = [["张伟", "13912345678", "男", date(2026, 10, 8), "种植", 12000],
            ["", "", "", date(2026, 10, 15), "种植复查", ""]]
    path = files.xlsx(tmp_path / "paid.xlsx", [HEADER, *body],
                      merges=["A2:A3", "B2:B3", "C2:C3", "F2:F3"])
    rows = read_sheet(path)
    assert (2, 5) in rows.copied and rows.rows[2][5] == 12000
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.rows_rejected == 0 and done.visits_created == 2
    with admin_ctx.db.session() as session:
        paid = session.execute(select(func.sum(LedgerEntry.amount))
                               .where(LedgerEntry.kind == "payment")).scalar()
    assert paid == 12000


def test_a_payment_merged_over_visits_charged_apart_pays_them_both_once(
        admin_ctx: Context, tmp_path: Path) -> None:
    """输液 300 and 换药 80 on two rows, 实收 380 merged over both: 380 paid in all, nothing
    owed and no credit (the second row's blank copy would otherwise count as paid in full)."""
    from clinic_desktop.services.loyalty.balances import balances_of
    from clinic_desktop.storage.models.clinical import LedgerEntry
    header = ["患者姓名", "手机号码", "就诊日期", "治疗项目", "金额", "实收"]
    body = [["黄大爷", "13912345670", date(2026, 11, 8), "输液", 300, 380],
            ["", "", date(2026, 11, 8), "换药", 80, ""]]
    path = files.xlsx(tmp_path / "his.xlsx", [header, *body], merges=["A2:A3", "B2:B3", "F2:F3"])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.rows_rejected == 0 and done.visits_created == 2
    with admin_ctx.db.session() as session:
        paid = session.execute(select(func.sum(LedgerEntry.amount))
                               .where(LedgerEntry.kind == "payment")).scalar()
        pid = session.execute(select(Patient.id)).scalar_one()
    assert paid == 380
    money = balances_of(admin_ctx, pid)
    assert money.owed == 0 and money.credit == 0


def test_equal_amounts_merged_over_two_patients_stay_each_ones(admin_ctx: Context,
                                                              tmp_path: Path) -> None:
    """WPS's 合并相同单元格 merges equal neighbouring cells across patients: 300 merged over
    张三's and 李四's rows is 300 each, not one sum."""
    from clinic_desktop.storage.models.clinical import LedgerEntry
    header = ["患者姓名", "手机号码", "就诊日期", "治疗项目", "金额", "实收"]
    body = [["张三", "13912345671", date(2026, 11, 8), "洗牙", 300, 300],
            ["李四", "13912345672", date(2026, 11, 8), "洗牙", "", ""]]
    path = files.xlsx(tmp_path / "wps.xlsx", [header, *body], merges=["E2:E3", "F2:F3"])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.rows_rejected == 0 and done.patients_created == 2
    with admin_ctx.db.session() as session:
        charges = session.execute(select(LedgerEntry.amount).where(
            LedgerEntry.kind == "charge").order_by(LedgerEntry.id)).scalars().all()
    assert charges == [300, 300]
