"""An ID number another tool wrote into a CSV in scientific notation (``3.30102199001010E+17``)
is refused with the reason its last digits are gone, as a float ID cell in a workbook is; the
row is imported without it, the ID as written kept in the patient's notes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.legacy_values import parse_id
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.storage.models.patient import Patient

TODAY = date(2026, 11, 24)
LOST = "被存成了科学计数法的数字，末尾几位已丢失"


@pytest.mark.parametrize("text", ["3.30102199001010E+17", "3.3010219900101E17",
                                  "3.3010219900101e+17", " 3.30102e17 ", "1.10102E+14"])
def test_an_id_in_scientific_notation_says_its_last_digits_are_gone(text: str) -> None:
    with pytest.raises(RuleError, match=LOST) as caught:
        parse_id(text, today=TODAY)
    assert f"身份证号“{text.strip()}”" in str(caught.value)
    assert caught.value.field == "id_number"


def test_a_15_digit_id_written_with_all_its_digits_is_kept() -> None:
    info = parse_id("1.10101900101001E+14", today=TODAY)
    assert info is not None and info.number == "110101199001010015"
    # … or with the trailing zeros a shortest float leaves out (15 digits, 12 or more given)
    info = parse_id("1.1010190010101E+14", today=TODAY)
    assert info is not None and info.number == "110101199001010103"
    with pytest.raises(RuleError, match="末尾几位已丢失"):
        parse_id("1.10102E+14", today=TODAY)
    # A float cell of a workbook and a text ID are read as before.
    with pytest.raises(RuleError, match="被 Excel 存成了数字"):
        parse_id(3.3010219900101e17, today=TODAY)
    assert parse_id("110101199003077774", today=TODAY) is not None
    with pytest.raises(RuleError, match="位数不对"):
        parse_id("3301021990", today=TODAY)


def test_a_csv_import_names_the_column_and_the_reason(admin_ctx: Context,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "其他系统导出.csv"
    # Written as the other tool wrote it: GBK, the ID a float printed in scientific notation.
    path.write_text("客户姓名,手机,证件号码,就诊日期,项目\r\n"
                    "欧阳锋,18858540446.0,3.30102198503120E+17,2026-11-10,洗牙\r\n"
                    "欧阳克,18858540447,110101199003077774,2026-11-11,补牙\r\n",
                    encoding="gbk", newline="")
    done = run_import(admin_ctx, ImportRequest(path))
    # The ID is refused, not the row: its visit is kept, the ID as written in the notes.
    assert (done.rows_rejected, done.visits_created) == (0, 2)
    [problem] = [w for w in done.warnings if w.column == "证件号码"]
    assert problem.row == 2 and not done.errors
    assert LOST in problem.reason and "3.30102198503120E+17" in problem.reason
    with admin_ctx.db.session() as session:
        notes, number = session.execute(select(Patient.notes, Patient.id_number)
                                        .where(Patient.name == "欧阳锋")).one()
    assert number is None and notes == "证件号码：3.30102198503120E+17"
