"""Issue 12: a legacy sheet's balances (储值余额, 欠费, 积分, 会员等级) become opening entries of
the import's batch — on real .xlsx files with Chinese headers and messy values — that add up in
the loyalty engine, never double, and go away with the batch."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.importing.balances import (
    TierEntry,
    money_balance,
    points_balance,
    suggest_tier,
    tier_name,
)
from clinic_desktop.importing.mapping import auto_map, is_deferred, match_field
from clinic_desktop.importing.values import ValueChoice, choice_text, choices_from_json
from clinic_desktop.rules import RuleError
from clinic_desktop.services import billing
from clinic_desktop.services.import_batches import list_profiles, save_profile, undo_import
from clinic_desktop.services.imports import ImportRequest, ImportSummary, run_import
from clinic_desktop.services.loyalty import points as loyalty_points
from clinic_desktop.services.loyalty import stored_value, tiers
from clinic_desktop.services.loyalty.balances import (
    balances_of,
    check_balances,
    clinic_balances,
)
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import LoyaltyTier, PointsEntry, TierChange
from clinic_desktop.storage.models.patient import Patient
from tests.conftest import FIXED_NOW
from tests.unit.importing import files

SH = ZoneInfo("Asia/Shanghai")
TODAY = FIXED_NOW.astimezone(SH).date()  # 2026-11-24
HEADER = ["姓名", "手机", "就诊日期", "治疗项目", "消费金额", "实收金额", "储值余额", "欠费",
          "积分", "会员等级"]


def scalar(ctx: Context, query: Any) -> Any:
    with ctx.db.session() as session:
        return session.execute(query).scalar()


def rows_of(ctx: Context, query: Any) -> list[Any]:
    with ctx.db.session() as session:
        return list(session.execute(query).all())


def pid_of(ctx: Context, name: str) -> int:
    return int(scalar(ctx, select(Patient.id).where(Patient.name == name)))


def gold(ctx: Context) -> int:
    return tiers.save_tier(ctx, tiers.TierInput(
        name="金卡", rank=2, threshold_kind="spend", threshold=Decimal(10000),
        discounts={"*": Decimal(10)})).id


def money(ctx: Context, name: str) -> tuple[Decimal, Decimal, int, str | None]:
    """(stored value, owed, points, tier) of one patient, as the loyalty engine reads them."""
    b = balances_of(ctx, pid_of(ctx, name))
    return b.stored_value, b.owed, b.points, b.tier.name if b.tier else None


# -- headers, cells and names, pure ---------------------------------------------------------------
def test_balance_headers_are_recognised_and_nothing_else_is_guessed() -> None:
    for label, field in (("储值余额", "stored_value"), ("储值", "stored_value"),
                         ("卡内余额", "stored_value"), ("余额（元）", "stored_value"),
                         ("会员储值余额", "stored_value"), ("欠费", "owed"), ("欠款", "owed"),
                         ("欠费金额(元)", "owed"), ("会员等级", "tier"), ("会员卡", "tier"),
                         ("会员级别", "tier"), ("积分", "points"), ("会员积分", "points"),
                         ("Balance", "stored_value"), ("Points", "points"),
                         ("Member tier", "tier"), ("Arrears", "owed")):
        assert match_field(label) == field, label
    # Not a balance, or not surely one: left unmapped, reported as not guessed.
    for label in ("会员卡号", "累计积分", "赠送余额", "本次欠费", "储值消费金额", "预存",
                  "积分到期日", "credit", "等级"):
        assert match_field(label) is None and is_deferred(label), label
    # A balance word never pulls a column into another field, and other fields stay theirs.
    assert match_field("会员姓名") == "name" and not is_deferred("会员姓名")
    assert match_field("Appointment date") == "visit_date"  # "points" is inside it
    assert match_field("客户等级") is None and not is_deferred("客户等级")
    assert auto_map(["姓名", "欠费金额", "消费金额", "积分"]) == {
        0: "name", 1: "owed", 2: "amount", 3: "points"}


def test_balance_cells_are_read_or_refused_naming_the_column_and_value() -> None:
    value = money_balance("卡内余额")
    assert [value(v) for v in ("¥1,200.50", "1200元", 1200.5, 800, "￥3,000", "-", "无", 0)] \
        == [Decimal("1200.50"), Decimal("1200.00"), Decimal("1200.50"), Decimal("800.00"),
            Decimal("3000.00"), None, None, Decimal("0.00")]
    with pytest.raises(RuleError, match="卡内余额“-50”是负数"):
        value(-50.0)
    with pytest.raises(RuleError, match="卡内余额“¥-3”是负数"):
        value("¥-3")
    with pytest.raises(RuleError, match="卡内余额“一千”不是金额"):
        value("一千")
    points = points_balance("积分")
    assert [points(v) for v in ("1,500", "1200分", 1200.0, 7, "无")] == [1500, 1200, 1200, 7,
                                                                        None]
    with pytest.raises(RuleError, match="积分“12.5”不是整数积分"):
        points(12.5)
    with pytest.raises(RuleError, match="积分“-5”是负数"):
        points("-5")
    tier = tier_name("会员等级")
    assert (tier(" 金卡 "), tier("非会员"), tier("-")) == ("金卡", None, None)
    with pytest.raises(RuleError, match="太长"):
        tier("卡" * 33)


def test_tier_names_match_exactly_then_loosely_else_become_a_new_tier() -> None:
    clinic = [TierEntry("金卡", 2, "spend"), TierEntry("VIP 银卡", 1, "spend"),
              TierEntry("旧卡", 0, "manual", active=False)]
    assert suggest_tier(clinic, "金卡")[0] == ValueChoice("match", "金卡")
    choice, why = suggest_tier(clinic, "vip银卡")
    assert choice == ValueChoice("match", "VIP 银卡") and "大小写" in why
    assert suggest_tier(clinic, "金卡会员")[0] == ValueChoice("match", "金卡")
    with_diamond = [*clinic, TierEntry("钻石", 3, "spend")]
    for loose in ("钻石卡", "钻石会员卡", "会员钻石"):
        choice, why = suggest_tier(with_diamond, loose)
        assert choice == ValueChoice("match", "钻石") and "字样" in why, loose
    choice, why = suggest_tier(clinic, "旧卡")  # a stopped tier is not given out again
    assert choice == ValueChoice("none") and "已停用" in why
    choice, why = suggest_tier(clinic, "钻石卡")
    assert choice == ValueChoice("new", "钻石卡") and "仅手动授予" in why
    assert choice_text(choice, "tier") == "新建会员等级“钻石卡”"


def test_tier_choices_in_the_mapping_json() -> None:
    parsed = choices_from_json({"tier": {"VIP": "金卡", "钻石卡": {"new": "钻石"},
                                         "体验卡": None}}, where="map.json")
    assert parsed["tier"] == {"VIP": ValueChoice("match", "金卡"),
                              "钻石卡": ValueChoice("new", "钻石"), "体验卡": ValueChoice("none")}
    assert ValueChoice("new", "钻石").as_json() == {"new": "钻石"}
    with pytest.raises(UserError, match="“钻石卡”格式不对"):
        choices_from_json({"tier": {"钻石卡": {"inactive": "钻石"}}}, where="map.json")
    with pytest.raises(UserError, match="procedure、doctor 和 tier"):
        choices_from_json({"coupon": {}}, where="map.json")


# -- the import, end to end ------------------------------------------------------------------------
@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """Messy money, a running balance on two rows of one patient, a negative balance, a word
    where a number should be, an unknown tier and one written loosely."""
    return files.xlsx(tmp_path / "会员余额.xlsx", [
        ["阳光口腔 会员余额表"],
        HEADER,
        ["张一", "13800000001", "2026-09-01", "洗牙", 300, 300, "¥1,200.50", "", "1,200",
         "金卡"],
        ["张一", "13800000001", "2026-11-01", "补牙", 500, 300, "1000元", 200, "1500分",
         "金卡"],
        ["张二", "13800000002", "2026-10-02", "洗牙", 300, 300, -50, "", "", ""],
        ["张三", "13800000003", "2026-10-03", "洗牙", 300, 300, "一千", "", "", ""],
        ["张四", "13800000004", "2026-10-04", "洗牙", 300, 300, 800.5, "", 12.0, "钻石卡"],
        ["张五", "13800000005", "", "", "", "", "", "¥99.90", "", "金卡会员"],
        ["张六", "13800000006", "2026-10-06", "洗牙", 300, 300, 0, 0, 0, "无"],
    ])


def test_opening_balances_are_journal_entries_that_add_up_and_undo(
    admin_ctx: Context, legacy: Path
) -> None:
    gold_id = gold(admin_ctx)
    dry = run_import(admin_ctx, ImportRequest(legacy), dry_run=True)
    assert scalar(admin_ctx, select(func.count(Patient.id))) == 0
    assert scalar(admin_ctx, select(func.count(LoyaltyTier.id))) == 1
    done = run_import(admin_ctx, ImportRequest(legacy))
    assert dry.opening == done.opening
    # The negative and the non-numeric balance: rejected rows, naming the column and value.
    assert [(e.row, e.column, e.value) for e in done.errors] == [
        (5, "储值余额", "-50"), (6, "储值余额", "一千")]
    assert "储值余额“-50”是负数" in done.errors[0].reason
    assert "储值余额“一千”不是金额" in done.errors[1].reason
    assert done.columns_ignored == ()
    # 张一's two rows: the later visit's balances, not their sum; the difference is reported.
    assert money(admin_ctx, "张一") == (Decimal("1000.00"), Decimal("200.00"), 1500, "金卡")
    assert any(w.row == 4 and w.column == "储值余额" and "1200.50" in w.reason
               for w in done.warnings)
    # 张一's second visit left ¥200 unpaid: 欠费 200 is that, nothing more is charged.
    assert scalar(admin_ctx, select(func.count(LedgerEntry.id)).where(
        LedgerEntry.source == "opening", LedgerEntry.kind == "charge")) == 1
    assert money(admin_ctx, "张四") == (Decimal("800.50"), Decimal("0.00"), 12, "钻石卡")
    assert money(admin_ctx, "张五") == (Decimal("0.00"), Decimal("99.90"), 0, "金卡")
    assert money(admin_ctx, "张六") == (Decimal("0.00"), Decimal("0.00"), 0, None)
    assert done.opening.as_json() == {
        "stored_value": 1800.5, "stored_value_patients": 2, "owed": 99.9, "owed_patients": 1,
        "points": 1512, "points_patients": 2, "tiers_set": 3, "tiers_created": 1}
    # The unknown tier was created, given by hand only, with the batch id.
    created = rows_of(admin_ctx, select(LoyaltyTier.name, LoyaltyTier.threshold_kind,
                                        LoyaltyTier.import_batch_id, LoyaltyTier.rank)
                      .where(LoyaltyTier.id != gold_id))
    assert created == [("钻石卡", "manual", done.batch_id, 3)]
    # Ordinary journal entries, marked as the batch's opening balances.
    ledger = rows_of(admin_ctx, select(LedgerEntry.kind, LedgerEntry.pot, LedgerEntry.holder_id,
                                       LedgerEntry.amount, LedgerEntry.method,
                                       LedgerEntry.import_batch_id, LedgerEntry.note)
                     .where(LedgerEntry.source == "opening").order_by(LedgerEntry.id))
    assert [(k, p, a, m, b) for k, p, _h, a, m, b, _n in ledger] == [
        ("topup", "principal", Decimal("1000.00"), None, done.batch_id),
        ("topup", "principal", Decimal("800.50"), None, done.batch_id),
        ("charge", None, Decimal("99.90"), None, done.batch_id)]
    assert ledger[0][2] == pid_of(admin_ctx, "张一")
    assert all("期初" in n and "会员余额.xlsx" in n for *_r, n in ledger)
    lots = rows_of(admin_ctx, select(PointsEntry.kind, PointsEntry.lot, PointsEntry.expires_on,
                                     PointsEntry.import_batch_id).distinct())
    assert lots == [("opening", True, date(2028, 11, 24), done.batch_id)]  # 24 months
    changes = rows_of(admin_ctx, select(TierChange.cause, TierChange.manual,
                                        TierChange.held_until, TierChange.import_batch_id)
                      .distinct())
    assert changes == [("opening", True, date(2027, 11, 24), done.batch_id)]  # one window
    assert check_balances(admin_ctx) == []
    listed = {b.name: b for b in clinic_balances(admin_ctx)}
    assert set(listed) == {"张一", "张四", "张五"}
    assert (listed["张一"].stored_value, listed["张一"].points) == (Decimal("1000.00"), 1500)

    undone = undo_import(admin_ctx, done.batch_id or 0)
    assert undone.openings_removed == 3 + 2 + 3 and undone.tiers_removed == 1
    assert clinic_balances(admin_ctx) == [] and check_balances(admin_ctx) == []
    assert [t.name for t in tiers.list_tiers(admin_ctx, include_inactive=True)] == ["金卡"]
    for model in (PointsEntry, TierChange, LedgerEntry):
        assert scalar(admin_ctx, select(func.count()).select_from(model)) == 0


@pytest.fixture
def on_file(admin_ctx: Context) -> dict[str, int]:
    """Two patients the clinic already has, one with stored value, points and a tier."""
    gold_id = gold(admin_ctx)
    silver = tiers.save_tier(admin_ctx, tiers.TierInput(
        name="银卡", rank=1, threshold_kind="spend", threshold=Decimal(3000), discounts={})).id
    old = create_patient(admin_ctx, PatientInput(name="老王", mobile="13900000001")).patient.id
    stored_value.top_up(admin_ctx, old, amount=Decimal(300), method="cash")
    loyalty_points.adjust_points(admin_ctx, old, points=200, reason="老系统")
    tiers.override_tier(admin_ctx, old, tier_id=silver, reason="老会员")
    plain = create_patient(admin_ctx, PatientInput(name="老李", mobile="13900000002")).patient.id
    return {"old": old, "plain": plain, "gold": gold_id, "silver": silver}


def _file_of_patients_on_file(tmp_path: Path, name: str = "老档案.xlsx") -> Path:
    return files.xlsx(tmp_path / name, [
        ["姓名", "手机", "储值余额", "积分", "会员等级"],
        ["老王", "13900000001", 1000, 150, "金卡"],
        ["老李", "13900000002", 500, 800, "金卡"],
    ])


def test_patients_on_file_are_brought_to_the_files_figures_once(
    admin_ctx: Context, on_file: dict[str, int], tmp_path: Path
) -> None:
    before = balances_of(admin_ctx, on_file["old"])
    path = _file_of_patients_on_file(tmp_path)
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.patients_merged == 2
    # 老王 had ¥300 on the card: ¥700 more makes the file's ¥1,000. He had 200 points, more
    # than the file's 150: not lowered, reported. His 银卡 is not overwritten.
    assert money(admin_ctx, "老王") == (Decimal("1000.00"), Decimal("0.00"), 200, "银卡")
    assert money(admin_ctx, "老李") == (Decimal("500.00"), Decimal("0.00"), 800, "金卡")
    reasons = [w.reason for w in done.warnings]
    assert any("P000001" in r and "期初只补记差额 ¥700.00" in r for r in reasons)
    assert any("多于文件中的 150" in r for r in reasons)
    assert any("会员等级为“银卡”，与文件中的“金卡”不同，未覆盖" in r for r in reasons)
    assert check_balances(admin_ctx) == []
    # The same file again: everything is at the file's figures already, nothing is doubled.
    again = run_import(admin_ctx, ImportRequest(path))
    assert not again.opening
    assert money(admin_ctx, "老李") == (Decimal("500.00"), Decimal("0.00"), 800, "金卡")
    # With "overwrite", the file's tier replaces the one on file.
    forced = run_import(admin_ctx, ImportRequest(path, overwrite=True))
    assert forced.opening.tiers_set == 1
    assert money(admin_ctx, "老王")[3] == "金卡"
    for batch in (forced, again, done):
        undo_import(admin_ctx, batch.batch_id or 0)
    after = balances_of(admin_ctx, on_file["old"])
    assert (after.stored_value, after.points, after.tier) == (before.stored_value,
                                                              before.points, before.tier)
    assert money(admin_ctx, "老李") == (Decimal("0.00"), Decimal("0.00"), 0, None)
    assert check_balances(admin_ctx) == []


def test_undo_is_refused_when_an_opening_balance_was_spent_since(
    admin_ctx: Context, on_file: dict[str, int], tmp_path: Path
) -> None:
    done = run_import(admin_ctx, ImportRequest(_file_of_patients_on_file(tmp_path)))
    plain = on_file["plain"]
    billing.add_entry(admin_ctx, plain, kind="charge", amount=Decimal(400))
    billing.add_entry(admin_ctx, plain, kind="payment", amount=Decimal(400),
                      method="stored_value")
    spent = money(admin_ctx, "老李")
    assert spent[0] == Decimal("100.00")
    with pytest.raises(UserError, match="老李（P000002）在导入后用了期初储值") as refused:
        undo_import(admin_ctx, done.batch_id or 0)
    assert refused.value.field == "batch"
    assert money(admin_ctx, "老李") == spent  # nothing undone
    assert check_balances(admin_ctx) == []


def test_a_mapping_chooses_what_the_tier_names_become(
    admin_ctx: Context, legacy: Path
) -> None:
    gold(admin_ctx)
    with pytest.raises(UserError, match="会员等级“白金”诊所没有"):
        run_import(admin_ctx, ImportRequest(legacy, values={"tier": {
            "钻石卡": ValueChoice("match", "白金")}}))
    assert scalar(admin_ctx, select(func.count(Patient.id))) == 0
    done = run_import(admin_ctx, ImportRequest(legacy, values={"tier": {
        "钻石卡": ValueChoice("new", "钻石"), "金卡会员": ValueChoice("none")}}))
    matched = {m.value: (m.choice.action, m.choice.target, m.chosen)
               for m in done.values_matched if m.column == "tier"}
    assert matched == {"金卡": ("match", "金卡", False), "钻石卡": ("new", "钻石", True),
                       "金卡会员": ("none", "", True)}
    assert money(admin_ctx, "张四")[3] == "钻石" and money(admin_ctx, "张五")[3] is None
    # Saved with a profile and read back.
    save_profile(admin_ctx, "会员表", {"姓名": "name", "会员等级": "tier"},
                 values={"tier": {"钻石卡": ValueChoice("new", "钻石")}})
    assert list_profiles(admin_ctx)["会员表"].values["tier"]["钻石卡"] == ValueChoice("new",
                                                                                   "钻石")


# -- the command line ---------------------------------------------------------------------------
def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def test_the_command_line_reports_the_opening_balances(
    tmp_path: Path, legacy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(tmp_path / "clinic")
    (tmp_path / "pw.txt").write_text("s3cret-pass\n", encoding="utf-8")
    assert cli("--data-dir", root, "setup", "--clinic-name", "阳光口腔", "--admin", "boss",
               "--password-file", str(tmp_path / "pw.txt"))[0] == EXIT_OK
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"values": {"tier": {"钻石卡": {"inactive": "钻石"}}}},
                              ensure_ascii=False), encoding="utf-8")
    code, _out = cli("--data-dir", root, "import", str(legacy), "--mapping", str(bad))
    assert code == EXIT_UNUSABLE and "“钻石卡”格式不对" in capsys.readouterr().err
    code, out = cli("--data-dir", root, "import", str(legacy), "--dry-run", "--json")
    result = json.loads(out)
    assert code == EXIT_OK and result["columns_ignored"] == []
    assert result["opening_balances"]["stored_value"] == 1800.5
    assert result["opening_balances"]["tiers_created"] == 3  # no tiers yet: 金卡 too
    tiers_json = {m["value"]: m["action"] for m in result["values_matched"]
                  if m["column"] == "tier"}
    assert tiers_json == {"金卡": "new", "钻石卡": "new", "金卡会员": "new"}
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"values": {"tier": {"金卡会员": {"new": "金卡"}}}},
                                  ensure_ascii=False), encoding="utf-8")
    code, out = cli("--data-dir", root, "import", str(legacy), "--mapping", str(mapping))
    assert code == EXIT_OK
    assert "期初余额：储值 ¥1800.50（2 位），欠费 ¥99.90（1 位），积分 1512（2 位），" \
           "会员等级 3 位（新建等级 2 个）。" in out
    assert "会员等级“钻石卡”（1 行）→ 新建会员等级“钻石卡”" in out


def test_a_summary_without_balances_says_nothing_of_them(admin_ctx: Context,
                                                         tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "plain.xlsx", [["姓名", "手机"], ["孙一", "13700000001"]])
    done: ImportSummary = run_import(admin_ctx, ImportRequest(path))
    assert not done.opening and done.as_json()["opening_balances"]["points"] == 0
    assert scalar(admin_ctx, select(Patient.member_points)) == 0


def test_visits_imported_after_an_opening_debt_are_reported_adding_to_it(
        admin_ctx: Context, tmp_path: Path) -> None:
    """A patient sheet sets 欠费 300; a visit sheet imported next leaves 300 unpaid: the debt
    becomes 600 (no import lowers a balance) and the import says so, naming the patient."""
    members = files.xlsx(tmp_path / "members.xlsx", [["姓名", "手机", "欠费"],
                                                     ["孙三", "13600000001", 300]])
    visits = files.xlsx(tmp_path / "visits.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "金额", "实收"],
        ["孙三", "13600000001", "2026-10-01", "补牙", 300, 0],
        ["孙四", "13600000002", "2026-10-02", "补牙", 300, 0]])
    run_import(admin_ctx, ImportRequest(members))
    dry = run_import(admin_ctx, ImportRequest(visits), dry_run=True)
    done = run_import(admin_ctx, ImportRequest(visits))
    for summary in (dry, done):
        told = [w for w in summary.warnings if "期初欠费" in w.reason]
        assert len(told) == 1 and told[0].row == 2 and told[0].column == "实收"
        assert "300.00" in told[0].reason and told[0].value == "300.00"
    assert money(admin_ctx, "孙三")[1] == Decimal(600)
    again = run_import(admin_ctx, ImportRequest(members))  # the figure is reached: no note
    assert not [w for w in again.warnings if "期初欠费" in w.reason]
