"""The column-at-a-time cleaning: each distinct value is parsed once yet every row gets its
own result, values that compare equal across types (``1``, ``1.0``, ``True``) stay apart, a
broken character refuses every row that has it, a visit is told by any of its cells (``0``
included), groups of rows do not depend on the order their keys are met, and the scan for
formula errors finds one across the reader's blocks."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clinic_desktop.importing import reader, rows
from clinic_desktop.importing.mapping import auto_map
from clinic_desktop.importing.rows import CleanRow, PersonFields, clean_sheet, group_persons

TODAY = date(2026, 11, 24)


def _clean(header: list[str], body: list[list[Any]]) -> rows.CleanedSheet:
    return clean_sheet([header, *body], header_index=0, mapping=auto_map(header),
                       labels=header, today=TODAY, sources=["其他"])


def test_each_distinct_value_is_parsed_once_and_spread_to_every_row() -> None:
    seen: list[Any] = []

    def parse(value: Any) -> str:
        seen.append(value)
        if value == "坏":
            raise rows.RuleError("x", "refused")
        return f"<{value}>"

    parsed = rows._Parsed(["a", "b", "a", None, "", "坏", "b", "坏"], parse)
    assert seen == ["a", "b", "坏"]
    assert parsed.values == ["<a>", "<b>", "<a>", None, None, None, "<b>", None]
    assert parsed.failures == {5: "refused", 7: "refused"}


def test_equal_values_of_different_types_are_parsed_apart() -> None:
    seen: list[Any] = []

    def parse(value: Any) -> str:
        seen.append(value)
        return type(value).__name__

    parsed = rows._Parsed([1, 1.0, True, 1, "1", True], parse)
    assert parsed.values == ["int", "float", "bool", "int", "str", "bool"]
    assert [type(v) for v in seen] == [int, float, bool, str]
    # Through the whole cleaning: a sex written True is refused (the row kept without it, the
    # value in its notes), 1 and 1.0 read as male.
    result = _clean(["姓名", "性别"], [["甲", 1], ["乙", True], ["丙", 1.0]])
    assert [(r.person.name, r.person.sex) for r in result.rows] == [
        ("甲", "M"), ("乙", None), ("丙", "M")]
    assert [(p.row, p.column) for p in result.warnings] == [(3, "性别")]
    assert result.rows[1].person.notes == "性别：True" and not result.errors


def test_a_broken_character_refuses_every_row_that_has_it() -> None:
    result = _clean(["姓名", "地址"], [["张三", "北京\ufffd路"], ["李四", "上海"],
                                       ["王五", "北京\ufffd路"]])
    assert [r.person.name for r in result.rows] == ["李四"]
    assert [(p.row, p.column, p.value) for p in result.errors] == [
        (2, "地址", "北京\ufffd路"), (4, "地址", "北京\ufffd路")]
    assert all("无法识别的字符" in p.reason for p in result.errors)


def test_a_visit_is_told_by_any_of_its_cells_zero_included() -> None:
    header = ["姓名", "就诊日期", "实收金额"]
    result = _clean(header, [["甲", "2024-03-05", ""], ["乙", "", 0], ["丙", "", ""],
                             ["丁", "", None]])
    assert [r.person.name for r in result.rows] == ["甲", "丙", "丁"]
    assert result.rows[0].visit is not None and result.rows[0].visit.paid is None
    assert result.rows[1].visit is None and result.rows[2].visit is None
    assert [(p.row, p.column) for p in result.errors] == [(3, "就诊日期")]
    assert rows._any_given([[None, "", 0, False, "x"]], 5) == [False, False, True, True, True]
    assert rows._any_given([], 2) == [False, False]


def test_visits_payment_words_and_balances_of_kept_rows() -> None:
    header = ["姓名", "就诊日期", "治疗项目", "金额", "支付方式", "储值余额"]
    result = _clean(header, [["甲", "2024-03-05", "", "¥300", "微信", ""],
                             ["乙", "2024-03-06", "补牙", 400, "挂账", 200],
                             ["丙", "2024-03", "补牙", 400, "微信", ""]])
    first, second = result.rows
    assert first.visit is not None and second.visit is not None
    assert (first.visit.procedure, first.visit.procedure_given, first.visit.method,
            first.visit.amount) == ("就诊", False, "wechat", Decimal("300.00"))
    assert (second.visit.method, second.visit.method_text) == (None, "挂账")
    assert first.opening is None and second.opening is not None
    assert second.opening.stored_value == Decimal("200.00")
    assert [(p.row, p.column) for p in result.errors] == [(4, "就诊日期")]


def _row(number: int, name: str, *, id_number: str | None = None, mobile: str | None = None,
         birth: date | None = None) -> CleanRow:
    return CleanRow(number, PersonFields(name=name, id_number=id_number, mobile=mobile,
                                         birth_date=birth), None)


def test_rows_join_through_any_key_whatever_order_they_come_in() -> None:
    # 2 and 5 share a card; 5 and 3 a mobile and name; 3 and 4 a name and birth date.
    found = [_row(2, "张三", id_number="110105199001011234"),
             _row(3, "张三", mobile="138", birth=date(1990, 1, 1)),
             _row(4, "张三", birth=date(1990, 1, 1)), _row(6, "李四", mobile="138"),
             _row(5, "张三", id_number="110105199001011234", mobile="138",
                  birth=date(1991, 1, 1))]
    persons, notes = group_persons(found, {"mobile": "手机"})
    assert [[r.row for r in p.rows] for p in persons] == [[2, 3, 4, 5], [6]]
    assert persons[0].fields.mobile == "138" and persons[0].fields.birth_date == date(1990,
                                                                                       1, 1)
    assert [(n.row, n.column) for n in notes] == [(6, "手机")]
    assert "第 3 行（张三）" in notes[0].reason


def test_the_error_scan_finds_a_mark_across_blocks(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "_BLOCK", 8)
    path = tmp_path / "book.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for offset in range(12):  # the mark at every position against the 8-byte blocks
            package.writestr(f"m{offset}.xml", b"x" * offset + b'<c t="e">' + b"y" * 20)
        package.writestr("clean.xml", b'<c t="s"><c t= "e">' * 5)
    with zipfile.ZipFile(path) as package:
        for offset in range(12):
            assert reader._mentions(package, f"m{offset}.xml", b't="e"'), offset
        assert not reader._mentions(package, "clean.xml", b't="e"')
