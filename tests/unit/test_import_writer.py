"""The batch writer's columns: a visit's charge then its payment in the ledger (in the
sheet's order, with the notes that keep what the clinic's lists do not hold; the catalogue's
name for the procedure), and the pinyin
of a batch's names."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from clinic_desktop.context import Context
from clinic_desktop.importing.values import ValueChoice
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.services.import_writer import pinyin_of
from clinic_desktop.services.imports import ImportRequest, run_import
from tests.unit.importing import files

HEADER = ["姓名", "手机", "就诊日期", "治疗项目", "金额", "实收金额", "支付方式", "医生"]


def test_each_visit_writes_its_charge_then_its_payment(admin_ctx: Context,
                                                       tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "ledger.xlsx", [HEADER, *[
        ["张三", 13800138000, "2024-03-05", "洗牙", 300, 300, "微信", ""],
        ["李四", 13900139000, "2024-03-06", "补牙", 400, 100, "挂账", "孙大夫"],
        ["王五", 13700137000, "2024-03-07", "复查", 0, "", "", ""],
        ["赵六", 13600136000, "2024-03-08", "拔牙", "", 250, "现金", ""]]])
    # The doctor is not imported (no staff member made): the name stays in the visit's notes.
    summary = run_import(admin_ctx, ImportRequest(path, values={
        "doctor": {"孙大夫": ValueChoice("none")}}))
    assert (summary.visits_created, summary.payments_created) == (4, 3)
    with admin_ctx.db.engine.connect() as connection:
        ledger = connection.execute(text(
            "SELECT p.name, l.kind, l.method, l.amount, l.note FROM ledger_entry l "
            "JOIN patient p ON p.id = l.patient_id ORDER BY l.id")).all()
        visits = connection.execute(text(
            "SELECT p.name, v.notes, t.amount FROM visit v JOIN patient p ON p.id = "
            "v.patient_id JOIN treatment t ON t.visit_id = v.id ORDER BY v.id")).all()
    assert [tuple(r) for r in ledger] == [
        ("张三", "charge", None, 30000, "超声洁牙"),
        ("张三", "payment", "wechat", 30000, ""), ("李四", "charge", None, 40000, "树脂补牙"),
        ("李四", "payment", None, 10000, "原支付方式：挂账"),
        ("赵六", "charge", None, 25000, "普通拔牙"), ("赵六", "payment", "cash", 25000, "")]
    assert [tuple(r) for r in visits] == [("张三", "", 30000), ("李四", "医生：孙大夫", 40000),
                                          ("王五", "", 0), ("赵六", "", 25000)]


def test_pinyin_of_a_batch_is_each_names_keys_in_order() -> None:
    names = ["张三", "李四", "张三", "单田芳", "李四", ""]
    assert pinyin_of(names) == [search_keys(n) for n in names]
