"""Reading real files of every supported kind, finding the header and mapping the columns;
refusing every unusable file in one sentence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clinic_desktop.importing.header import detect_header, header_labels
from clinic_desktop.importing.mapping import (
    auto_map,
    check_mapping,
    load_profile_file,
    mapping_from_profile,
    match_field,
    profile_from_mapping,
    save_profile_file,
)
from clinic_desktop.importing.reader import UnusableFile, read_sheet, sheet_names
from clinic_desktop.importing.rows import clean_sheet
from tests.unit.importing import files

HEADER = ["姓名", "性别", "手机号", "就诊日期", "治疗项目", "实收金额"]
ROW = ["张三", "男", 13800138000, "2024/3/5", "超声洁牙", "￥300.00"]


@pytest.mark.parametrize("kind", ["xlsx", "xlsm", "xls", "ods"])
def test_workbooks_of_every_kind_read_the_same(tmp_path: Path, kind: str) -> None:
    writer = {"xlsx": files.xlsx, "xlsm": files.xlsx, "xls": files.xls, "ods": files.ods}[kind]
    path = writer(tmp_path / f"legacy.{kind}", [["诊所登记表"], [], HEADER, ROW], sheet="登记")
    assert sheet_names(path) == ["登记"]
    data = read_sheet(path)
    guess = detect_header(data.rows)
    assert guess is not None and guess.row_index == 2
    assert [str(v) for v in data.rows[3][:2]] == ["张三", "男"]
    assert float(data.rows[3][2]) == 13800138000  # type: ignore[arg-type]


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True),
                                               ("gb18030", False), ("gbk", False)])
def test_csv_in_utf8_with_or_without_bom_and_gbk(tmp_path: Path, encoding: str,
                                                 bom: bool) -> None:
    path = files.csv_file(tmp_path / "导出.csv", [HEADER, ROW], encoding=encoding, bom=bom)
    data = read_sheet(path)
    assert data.name == "导出"
    assert data.rows[0] == HEADER and data.rows[1][0] == "张三"


def test_title_rows_and_a_merged_two_row_header(tmp_path: Path) -> None:
    rows = [["阳光口腔 患者档案"], [], ["姓名", "患者信息", "", "就诊信息", "", ""],
            ["", "性别", "联系电话", "日期", "项目", "金额"], ["张三", "男", 13800138000,
                                                     date(2024, 3, 5), "洗牙", 300]]
    path = files.xlsx(tmp_path / "merged.xlsx", rows, merges=["A1:F1", "A3:A4", "B3:C3",
                                                               "D3:F3"])
    data = read_sheet(path)
    guess = detect_header(data.rows)
    assert guess is not None and guess.row_index == 3
    assert guess.labels == ("姓名", "性别", "联系电话", "日期", "项目", "金额")
    assert auto_map(guess.labels) == {0: "name", 1: "sex", 2: "mobile", 3: "visit_date",
                                      4: "procedure", 5: "amount"}


@pytest.mark.parametrize(("label", "field"), [
    ("患者姓名", "name"), ("名字", "name"), ("Name", "name"), ("出生年月", "birth_date"),
    ("DOB", "birth_date"), ("手机号码（必填）", "mobile"), ("联系电话", "mobile"),
    ("身份证号码", "id_number"), ("来源渠道", "source"), ("建档日期", "first_visit_date"),
    ("就诊日期", "visit_date"), ("诊疗项目", "procedure"), ("消费金额(元)", "amount"),
    ("实收金额", "paid"), ("主治医生", "doctor"), ("备注", "notes"), ("年龄", "age"),
    ("出生日期", "birth_date"), ("邮编", None),
])
def test_header_synonyms(label: str, field: str | None) -> None:
    assert match_field(label) == field


def test_mapping_takes_each_field_once_and_profiles_follow_moved_columns(tmp_path: Path) -> None:
    labels = ["紧急联系人电话", "姓名", "电话", "姓名"]
    mapping = auto_map(labels)
    # The emergency contact's phone is a field of its own: it never takes the patient's.
    assert mapping == {0: "emergency_phone", 1: "name", 2: "mobile"}
    assert auto_map(["电话", "紧急联系人电话"]) == {0: "mobile", 1: "emergency_phone"}
    profile = profile_from_mapping(["客户", "联系方式"], {0: "name", 1: "mobile"})
    save_profile_file(tmp_path / "map.json", profile, name="老系统")
    loaded = load_profile_file(tmp_path / "map.json")
    assert mapping_from_profile(["联系方式", "备注", "客户"], loaded) == {0: "mobile", 1: "notes",
                                                                  2: "name"}
    assert check_mapping({0: "mobile"}) == ["请把一列对应到“姓名”：没有姓名无法建立患者档案。"]
    assert "就诊日期" in check_mapping({0: "name", 1: "amount"})[0]


def test_bad_mapping_files_name_the_file(tmp_path: Path) -> None:
    from clinic_desktop.errors import UserError

    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="bad.json.*不是有效的 JSON"):
        load_profile_file(tmp_path / "bad.json")
    (tmp_path / "field.json").write_text('{"columns": {"姓名": "nom"}}', encoding="utf-8")
    with pytest.raises(UserError, match="“nom”不存在"):
        load_profile_file(tmp_path / "field.json")


def test_blank_and_total_rows_are_skipped_and_counted() -> None:
    rows: list[list[object]] = [HEADER, ROW, ["", "", None, "", "", ""], [" ", "\u3000", "", 0],
                                ["李四", "女", "13900139000", "2024-03-06", "补牙", 400],
                                ["合计", "", "", "", "", 700], ["总 计：", "", "", "", "", 700]]
    result = clean_sheet(rows, header_index=0, mapping=auto_map(HEADER), labels=HEADER,
                         today=date(2026, 11, 24), sources=["其他"])
    assert (result.blank, result.summary, result.rejected, len(result.rows)) == (2, 2, 0, 2)


# -- unusable files ------------------------------------------------------------------------
def test_a_file_that_is_not_a_spreadsheet(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    with pytest.raises(UnusableFile, match="“photo.jpg”不是电子表格文件"):
        read_sheet(tmp_path / "photo.jpg")
    (tmp_path / "fake.xlsx").write_bytes(b"PK\x03\x04 this is no workbook")
    with pytest.raises(UnusableFile, match="“fake.xlsx”无法作为电子表格读取"):
        read_sheet(tmp_path / "fake.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(UnusableFile, match="是空的（0 字节）"):
        read_sheet(tmp_path / "empty.xlsx")


def test_a_password_protected_workbook(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]

    plain = files.xlsx(tmp_path / "plain.xlsx", [HEADER, ROW])
    with plain.open("rb") as source, (tmp_path / "locked.xlsx").open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(UnusableFile, match="设置了打开密码"):
        sheet_names(tmp_path / "locked.xlsx")
    with pytest.raises(UnusableFile, match="设置了打开密码"):
        read_sheet(tmp_path / "locked.xlsx")


def test_an_empty_sheet_a_missing_sheet_and_too_many_rows(tmp_path: Path) -> None:
    empty = files.xlsx(tmp_path / "blank.xlsx", [[], [None, ""]])
    with pytest.raises(UnusableFile, match="工作表“Sheet1”是空的"):
        read_sheet(empty)
    book = files.xlsx(tmp_path / "book.xlsx", [HEADER, ROW, ROW, ROW])
    with pytest.raises(UnusableFile, match="没有名为“二月”的工作表（有：Sheet1）"):
        read_sheet(book, "二月")
    with pytest.raises(UnusableFile, match="有 4 行，超过一次导入的上限 3 行"):
        read_sheet(book, max_rows=3)


def test_formula_errors_refuse_the_file_naming_the_cell(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(HEADER)
    ws.append(["张三", "男", 13800138000, "2024-03-05", "洗牙", "#REF!"])
    ws.append(["李四", "女", 13900139000, "2024-03-06", "补牙", "#N/A"])
    assert ws["F2"].data_type == "e"  # a real error cell, as Excel saves it
    book.save(tmp_path / "errors.xlsx")
    data = read_sheet(tmp_path / "errors.xlsx")
    with pytest.raises(UnusableFile, match="第 2 行“实收金额”列是公式错误 #REF!（全表共 2 处）"):
        clean_sheet(data.rows, header_index=0, mapping=auto_map(HEADER), labels=HEADER,
                    today=date(2026, 11, 24), sources=[])


def test_no_recognisable_header(tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "numbers.xlsx", [["a", "b"], [1, 2], [3, 4]])
    assert detect_header(read_sheet(path).rows) is None


def test_a_file_that_disappears_while_it_is_read(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    path = files.xlsx(tmp_path / "moving.xlsx", [HEADER, ROW])
    real = python_calamine.CalamineWorkbook.from_path

    def vanish(name: str) -> object:
        # The file is moved away by another program just as the reader opens it.
        Path(name).unlink()
        return real(name)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", vanish)
    with pytest.raises(UnusableFile, match="在读取过程中被移走或删除了"):
        read_sheet(path)
    with pytest.raises(UnusableFile, match="不存在或已被移走"):
        read_sheet(path)


def test_header_labels_borrow_only_from_a_group_row() -> None:
    rows: list[list[object]] = [["标题"], ["", "性别"]]
    assert header_labels(rows, 1) == ("", "性别")  # a title above is not a group row
    rows = [["患者信息", "", "就诊"], ["姓名", "性别", ""]]
    assert header_labels(rows, 1) == ("姓名", "性别", "就诊")


def test_a_semicolon_csv_with_line_breaks_inside_quoted_notes(tmp_path: Path) -> None:
    # As Excel on a European-locale Windows saves it (CRLF), notes with commas and a line
    # break inside their quotes: csv.Sniffer took the comma and found no header.
    path = tmp_path / "患者.csv"
    path.write_bytes(("姓名;手机;就诊日期;备注\r\n"
                      "张三;13800138000;2024-03-05;\"怕疼，要慢\r\n下次约上午\"\r\n"
                      "李四;13900139000;2024-03-06;\"对青霉素过敏, 已记录\"\r\n"
                      "王五;13700137000;2024-03-07;\r\n").encode("utf-8-sig"))
    data = read_sheet(path)
    assert data.rows[0] == ["姓名", "手机", "就诊日期", "备注"]
    assert data.rows[1] == ["张三", "13800138000", "2024-03-05", "怕疼，要慢\r\n下次约上午"]
    assert len(data.rows) == 4 and all(len(row) == 4 for row in data.rows)


@pytest.mark.parametrize("suffix", [".tsv", ".txt"])
def test_a_tab_separated_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"导出{suffix}"
    path.write_text("姓名\t手机\t地址\n张三\t13800138000\t朝阳区, 望京\n", encoding="utf-8")
    assert read_sheet(path).rows == [["姓名", "手机", "地址"],
                                     ["张三", "13800138000", "朝阳区, 望京"]]
