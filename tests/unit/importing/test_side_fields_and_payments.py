"""A third round of held-out files: a row is not refused over a field it can do without (an
ID with a wrong check digit, 性别 未知, 年龄 6岁3个月, a tag that is too long), a payment
written in words or a method on credit is read as the clinic meant it, and words beside a
phone number or one ID under two names are kept and said — on real .xlsx files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.importing.reader import UnusableFile
from clinic_desktop.services import billing
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.loyalty.balances import balances_of
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.patient import Patient, Tag
from tests.unit.importing import files

HEADER = ["姓名", "性别", "年龄", "手机", "身份证号", "标签", "就诊日期", "治疗项目", "金额",
          "实收", "支付方式"]


def _patient(ctx: Context, name: str) -> Any:
    with ctx.db.session() as session:
        return session.execute(select(Patient).where(Patient.name == name)).scalar_one()


def _owed(ctx: Context, name: str) -> Decimal:
    return balances_of(ctx, _patient(ctx, name).id).owed


def test_a_refused_side_field_keeps_the_row_and_its_visit(admin_ctx: Context,
                                                          tmp_path: Path) -> None:
    long_tag = "这是一个写得非常非常长的备注型标签内容超过了三十二个字符的限制啊啊啊"
    path = files.xlsx(tmp_path / "儿童口腔.xlsx", [HEADER, [
        "王小明", "未知", "6岁3个月", "13800138001", "110101199003077775", "VIP",
        "2026-11-01", "涂氟", 200, 200, "微信"], [
        "李小红", "X", "", "13800138002", "", long_tag, "2026-11-02", "涂氟", 200, 200, "微信"],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.rows_rejected, done.visits_created, done.patients_created) == (0, 2, 2)
    assert not done.errors
    warned = {(w.row, w.column) for w in done.warnings if "原文已记在备注里" in w.reason}
    assert warned == {(2, "身份证号"), (3, "性别"), (3, "标签")}
    wang = _patient(admin_ctx, "王小明")
    # 未知 is no sex, without a warning; the age with months gives the birth year.
    assert wang.sex is None and wang.birth_date.year == 2020 and wang.id_number is None
    assert wang.notes == "身份证号：110101199003077775"
    li = _patient(admin_ctx, "李小红")
    assert li.sex is None and li.notes == f"性别：X\n标签：{long_tag}"


def test_payments_in_words_and_methods_on_credit(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "收费.xlsx", [HEADER, *[
        [name, "男", 40, mobile, "", "", "2026-11-01", "补牙", 500, paid, method]
        for name, mobile, paid, method in [
            ("付清", "13800138011", "已付清", "现金"),
            ("未付", "13800138012", "未付", ""),
            ("挂账", "13800138013", None, "挂账"),
            ("免单", "13800138014", None, "免单"),
            ("万元", "13800138015", "0.05万", "微信")]]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.rows_rejected, done.visits_created) == (0, 5)
    assert _owed(admin_ctx, "付清") == 0 and _owed(admin_ctx, "万元") == 0
    # Nothing paid at the visit: the 500 stays owed (a blank 实收 used to read as paid).
    assert _owed(admin_ctx, "未付") == Decimal("500.00")
    assert _owed(admin_ctx, "挂账") == Decimal("500.00")
    # Free: the charge stands (the price is known) and is taken off whole, nothing paid.
    assert _owed(admin_ctx, "免单") == 0
    assert _ledger(admin_ctx, "免单") == [("charge", 500), ("discount", 500)]


def _ledger(ctx: Context, name: str) -> list[tuple[str, int]]:
    with ctx.db.session() as session:
        return [(kind, int(amount)) for kind, amount in session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount)
            .join(Patient, Patient.id == LedgerEntry.patient_id)
            .where(Patient.name == name).order_by(LedgerEntry.id))]


def test_a_discount_column_is_taken_off_the_charge(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "优惠.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "消费金额", "优惠金额", "实付金额"],
        ["全付", "13800138051", "2026-11-01", "种植牙", 12000, 2000, 10000],
        ["空白", "13800138052", "2026-11-01", "种植牙", 12000, 2000, None],
        ["欠着", "13800138053", "2026-11-01", "种植牙", 12000, 2000, 6000]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.rows_rejected, done.visits_created) == (0, 3)
    assert "优惠金额" not in done.columns_ignored
    # 12000 less 2000 off, 10000 paid: nothing owed (the discount was read as owed before).
    assert _owed(admin_ctx, "全付") == 0 and _owed(admin_ctx, "空白") == 0
    assert _owed(admin_ctx, "欠着") == Decimal("4000.00")
    assert _ledger(admin_ctx, "全付") == [("charge", 12000), ("discount", 2000),
                                         ("payment", 10000)]


def test_words_beside_a_phone_and_one_id_under_two_names(admin_ctx: Context,
                                                          tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "患者.xlsx", [HEADER, [
        "刘洋", "男", "", "13912340001（本人）", "110101199003077774", "", "2026-11-01", "洗牙",
        300, 300, "微信"], [
        "刘阳", "男", "", "13912340002 微信同号", "110101199003077774", "", "2026-11-05", "补牙",
        300, 300, "微信"],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.rows_rejected, done.patients_created, done.visits_created) == (0, 1, 2)
    # One person by the ID; the second name is not dropped without a word.
    [said] = [w for w in done.warnings if w.column == "姓名"]
    assert said.row == 3 and said.value == "刘阳" and "的身份证号相同" in said.reason
    liu = _patient(admin_ctx, "刘洋")
    assert liu.mobile == "13912340001" and liu.phone2 == "13912340002"
    assert "13912340001(本人)" in liu.notes and "微信同号" in liu.notes


def test_a_remark_after_a_name_and_dots_in_a_transliterated_name(admin_ctx: Context,
                                                                  tmp_path: Path) -> None:
    rows = [[name, "男", 40, mobile, "", "", day, "洗牙", 300, 300, "微信"]
            for name, mobile, day in [
                ("张伟", "13800138021", "2026-10-01"),
                ("张伟 (VIP)", "13800138021", "2026-10-02"),
                ("张伟【老客户】", "13800138021", "2026-10-03"),
                ("张伟-会员", "13800138021", "2026-10-04"),
                ("阿依古丽•买买提", "13800138022", "2026-10-01"),
                ("阿依古丽.买买提", "13800138022", "2026-10-02"),
                ("阿依古丽·买买提", "13800138022", "2026-10-03")]]
    done = run_import(admin_ctx, ImportRequest(files.xlsx(tmp_path / "会员.xlsx",
                                                          [HEADER, *rows])))
    assert (done.patients_created, done.visits_created, done.rows_rejected) == (2, 7, 0)
    zhang = _patient(admin_ctx, "张伟")
    assert zhang.notes.splitlines() == ["姓名：张伟 (VIP)", "姓名：张伟【老客户】",
                                        "姓名：张伟-会员"]
    assert _patient(admin_ctx, "阿依古丽·买买提").notes == ""


def test_a_cover_sheet_first_names_the_sheet_that_has_the_data(admin_ctx: Context,
                                                               tmp_path: Path) -> None:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "填表说明"
    cover.append(["请按下表填写患者信息，日期写成 2026-01-01。"])
    data = book.create_sheet("患者")
    data.append(HEADER)
    data.append(["张三", "男", 30, "13800138031", "", "", "2026-11-01", "洗牙", 300, 300, ""])
    book.save(tmp_path / "登记表.xlsx")
    with pytest.raises(UnusableFile, match="工作表“患者”有表头：请选择这个工作表（命令行加 "
                                           "--sheet 患者）"):
        run_import(admin_ctx, ImportRequest(tmp_path / "登记表.xlsx"))
    done = run_import(admin_ctx, ImportRequest(tmp_path / "登记表.xlsx", sheet="患者"))
    assert done.visits_created == 1


def test_a_referrer_written_as_none_is_no_referrer(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "介绍.xlsx", [["姓名", "手机", "介绍人", "紧急联系人"],
                                               ["张三", "13800138041", "无", "-"],
                                               ["李四", "13800138042", "张三（老客户）", ""]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert not [w for w in done.warnings if "介绍人" in w.reason or w.column == "介绍人"]
    zhang, li = _patient(admin_ctx, "张三"), _patient(admin_ctx, "李四")
    assert zhang.referred_by_id is None and zhang.referrer_note is None
    assert zhang.emergency_contact is None and li.referred_by_id == zhang.id


def test_notes_keep_their_punctuation_and_line_breaks(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "备注.xlsx", [
        ["姓名", "手机", "备注", "就诊日期", "治疗项目", "就诊备注"],
        ["张三", "13800138061", "怕疼：要慢，\r\n下次约上午  ", "2026-11-01", "补牙",
         "36远中龋；已充填\n\n\n\n嘱一周后复诊"]])
    run_import(admin_ctx, ImportRequest(path))
    zhang = _patient(admin_ctx, "张三")
    assert zhang.notes == "怕疼：要慢，\n下次约上午"
    with admin_ctx.db.session() as session:
        note = session.execute(select(Visit.notes).where(Visit.patient_id == zhang.id)) \
            .scalar_one()
    assert note == "36远中龋；已充填\n\n嘱一周后复诊"


def test_a_tag_is_one_whatever_the_case_of_its_letters(admin_ctx: Context,
                                                        tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "标签.xlsx", [["姓名", "手机", "标签"],
                                               ["张三", "13800138071", "VIP、怕疼"],
                                               ["李四", "13800138072", "vip Vip"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.tags_created, done.tags_linked) == (2, 3)
    with admin_ctx.db.session() as session:
        names = session.execute(select(Tag.name).order_by(Tag.name)).scalars().all()
    assert names == ["VIP", "怕疼"]


def test_a_visit_before_the_birth_is_warned_about(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "日期.xlsx", [
        ["姓名", "手机", "出生日期", "就诊日期", "治疗项目"],
        ["张三", "13800138081", "2022-05-01", "2020-11-20", "洗牙"],
        ["李四", "13800138082", "1990", "2020-11-20", "洗牙"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.visits_created == 2  # kept: which of the two dates is wrong is not known
    assert [(w.row, w.column, w.value) for w in done.warnings
            if "早于出生日期" in w.reason] == [(2, "就诊日期", "2020-11-20")]


def test_a_remark_telling_namesakes_apart_stays_the_name(admin_ctx: Context,
                                                          tmp_path: Path) -> None:
    # Without phones, name-only rows of one name are one person: 张伟(2) must not join 张伟.
    path = files.xlsx(tmp_path / "同名.xlsx", [["姓名", "就诊日期", "治疗项目"],
                                               ["张伟", "2026-10-01", "洗牙"],
                                               ["张伟(2)", "2026-10-02", "洗牙"],
                                               ["王小明(王芳之子)", "2026-10-03", "涂氟"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.patients_created == 3
    with admin_ctx.db.session() as session:
        names = set(session.execute(select(Patient.name)).scalars())
    assert names == {"张伟", "张伟(2)", "王小明(王芳之子)"}


def test_a_discount_the_amount_already_took_off_is_not_taken_again(admin_ctx: Context,
                                                                   tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "应收.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "应收金额", "优惠", "实收金额"],
        ["应收", "13800138091", "2026-11-01", "补牙", 800, 200, 800],
        ["没金额", "13800138092", "2026-11-01", "补牙", None, 200, 800],
        ["写错", "13800138093", "2026-11-01", "补牙", 800, "老带新", 800],
        ["免费", "13800138094", "2026-11-01", "补牙", 800, None, "免费"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.rows_rejected, done.visits_created) == (0, 4)
    # No credit of 200 for anybody: the discount was already out of 应收 800.
    for name in ("应收", "没金额", "写错", "免费"):
        balances = balances_of(admin_ctx, _patient(admin_ctx, name).id)
        assert (balances.owed, balances.credit) == (0, 0), name
    warned = {(w.row, w.column) for w in done.warnings}
    assert {(2, "优惠"), (3, "优惠"), (4, "优惠")} <= warned
    assert _ledger(admin_ctx, "免费") == [("charge", 800), ("discount", 800)]


def test_undoing_an_imported_visit_takes_its_discount_with_its_charge(
        admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "撤销.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "消费金额", "优惠金额", "实付金额"],
        ["种植", "13800138095", "2026-11-01", "种植牙", 12000, 2000, 10000]])
    run_import(admin_ctx, ImportRequest(path))
    patient = _patient(admin_ctx, "种植")
    with admin_ctx.db.session() as session:
        visit_id = session.execute(select(Visit.id).where(Visit.patient_id == patient.id)) \
            .scalar_one()
    billing.undo_visit(admin_ctx, visit_id)
    balances = balances_of(admin_ctx, patient.id)
    # The 10000 received stays as credit; the 2000 taken off the charge goes with it.
    assert (balances.owed, balances.credit) == (0, Decimal("10000.00"))


def test_an_age_is_not_checked_against_old_visits(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "年龄.xlsx", [["姓名", "手机", "年龄", "就诊日期", "治疗项目"],
                                               ["小林", "13800138096", "5岁", "2019-06-01",
                                                "涂氟"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert not [w for w in done.warnings if "早于出生日期" in w.reason]


def test_an_empty_sheet_between_does_not_hide_the_sheet_with_the_data(
        admin_ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "说明"
    cover.append(["请按下表填写。"])
    book.create_sheet("Sheet2")
    book.create_sheet("患者").append(HEADER)
    book["患者"].append(["张三", "男", 30, "13800138097", "", "", "2026-11-01", "洗牙", 300,
                         300, ""])
    book.save(tmp_path / "三页.xlsx")
    with pytest.raises(UnusableFile, match="工作表“患者”有表头"):
        run_import(admin_ctx, ImportRequest(tmp_path / "三页.xlsx"))


def test_an_age_is_the_one_at_the_visit(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "年龄在就诊时.xlsx", [
        ["姓名", "手机", "年龄", "就诊日期", "治疗项目"],
        ["小林", "13800138098", "5岁", "2019-06-01", "涂氟"],
        ["老王", "13800138099", "60", "", ""]])
    run_import(admin_ctx, ImportRequest(path))
    lin, wang = _patient(admin_ctx, "小林"), _patient(admin_ctx, "老王")
    assert (lin.birth_date.year, lin.birth_date_approximate) == (2014, True)
    assert wang.birth_date.year == 2026 - 60  # no visit: the age is today's


def test_one_record_number_is_one_patient_and_is_kept(admin_ctx: Context,
                                                       tmp_path: Path) -> None:
    # A chain's export: the same 病历号 on a row with the ID card and one with a new mobile.
    path = files.xlsx(tmp_path / "连锁.xlsx", [
        ["病历号", "姓名", "手机", "身份证号", "就诊日期", "治疗项目"],
        ["CY000123", "马丽", "13800138101", "110101199003077774", "2026-10-01", "洗牙"],
        ["CY000123", "马丽", "13900139101", "", "2026-11-01", "补牙"],
        ["CY000124", "马丽", "13700137101", "", "2026-11-02", "补牙"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.patients_created, done.visits_created) == (2, 3)
    with admin_ctx.db.session() as session:
        notes = dict(session.execute(select(Patient.mobile, Patient.notes)).all())
    assert notes == {"13800138101": "病历号：CY000123", "13700137101": "病历号：CY000124"}


def test_one_record_number_under_two_names_is_said(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "病历号.xlsx", [["病历号", "姓名", "就诊日期", "治疗项目"],
                                                ["BL1000", "马丽", "2026-10-01", "洗牙"],
                                                ["BL1000", "马莉", "2026-11-01", "补牙"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.patients_created == 1
    [said] = [w for w in done.warnings if w.value == "马莉"]
    assert "的病历号相同" in said.reason and "请核对病历号" in said.reason


def test_a_parents_phone_is_the_childs_mobile_and_the_parents_own(admin_ctx: Context,
                                                                  tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "儿童.xlsx", [
        ["家长姓名", "家长电话", "患儿姓名", "就诊日期", "治疗项目"],
        ["林妈妈", "13800138111", "林小宝", "2026-11-01", "涂氟"]])
    run_import(admin_ctx, ImportRequest(path))
    child = _patient(admin_ctx, "林小宝")
    assert (child.mobile, child.emergency_contact, child.emergency_phone) == (
        "13800138111", "林妈妈", "13800138111")


def test_a_new_doctor_written_several_ways_is_one_warning(admin_ctx: Context,
                                                          tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "医生.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "医生"],
        ["甲", "13800138121", "2026-11-01", "洗牙", "李建国主任"],
        ["乙", "13800138122", "2026-11-01", "洗牙", "李建国"],
        ["丙", "13800138123", "2026-11-01", "洗牙", "李建国"]])
    done = run_import(admin_ctx, ImportRequest(path))
    [said] = [w for w in done.warnings if "新建停用医生" in w.reason]
    assert done.doctors_created == 1 and said.value == "李建国、李建国主任"
    assert "新建停用医生“李建国”（3 行）" in said.reason


def test_a_discount_on_a_row_without_an_amount_says_so(admin_ctx: Context,
                                                       tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "无金额.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "优惠金额", "实付金额"],
        ["吴刚", "13800138131", "2026-11-01", "补牙", 2000, 8000]])
    done = run_import(admin_ctx, ImportRequest(path))
    [said] = [w for w in done.warnings if w.column == "优惠金额"]
    assert said.value == "2000" and "这一行没有金额" in said.reason
    balances = balances_of(admin_ctx, _patient(admin_ctx, "吴刚").id)
    assert (balances.owed, balances.credit) == (0, 0)
