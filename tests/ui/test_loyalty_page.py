"""会员与营销: the manager sets up tiers, rules, top-up plans, packages and coupons through the
page's real dialogs, refusals land beside their field with nothing written, and the referral
reports follow the reports permission."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from clinic_desktop.permissions import ROLE_PERMISSIONS, Permission, Role
from clinic_desktop.services import billing, staff
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.loyalty.coupons import list_coupon_types
from clinic_desktop.services.loyalty.packages import list_package_types
from clinic_desktop.services.loyalty.rules import Gift, read_rules, rules_history
from clinic_desktop.services.loyalty.stored_value import save_topup_plan
from clinic_desktop.services.loyalty.tiers import TierInput, list_tiers, save_tier
from clinic_desktop.services.patients import PatientInput, create_patient
from ui.app_services import AppServices
from ui.dialogs.loyalty_settings import (
    CouponTypeDialog,
    PackageTypeDialog,
    TierDialog,
    TopUpPlanDialog,
)
from ui.dialogs.loyalty_settings.fields import NumberBox
from ui.main_window import MainWindow
from ui.pages import pages_for
from ui.pages.loyalty_page import LoyaltyPage
from ui.tasks import TaskManager

D = Decimal


def open_page(window: MainWindow) -> LoyaltyPage:
    page = window.open_page("loyalty")
    assert isinstance(page, LoyaltyPage)
    return page


def cell(page_list: object, row: int, column: int) -> str:
    model = page_list.model  # type: ignore[attr-defined]
    return str(model.data(model.index(row, column)))


def test_a_tier_made_in_the_dialog_is_listed(qtbot: QtBot, window: MainWindow,
                                             services: AppServices) -> None:
    page = open_page(window)
    assert page.tiers.stack.currentWidget() is page.tiers.empty  # says what to do
    dialog = TierDialog(services, None, tiers=[], procedures=page.procedures, parent=page)
    qtbot.addWidget(dialog)
    dialog.name.setText("银卡")
    dialog.threshold.setText("3,000")
    every_other = dialog.discounts.cellWidget(0, 1)
    assert isinstance(every_other, NumberBox)
    every_other.setValue(3)
    dialog.discounts.add_rate("种植", 0)
    dialog.multiplier.setValue(120)
    dialog.colour.set_colour("#b0bec5")
    assert dialog.chip.text() == "银卡"  # the chip the panel will show, previewed
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    [tier] = list_tiers(services.ctx)
    assert (tier.name, tier.rank, tier.threshold_kind, tier.threshold) == (
        "银卡", 1, "spend", D("3000.00"))
    assert tier.discounts == {"*": D("3.00"), "种植": D("0.00")}
    assert (tier.multiplier_percent, tier.colour) == (120, "#B0BEC5")
    assert page.tiers.model.records == [tier]  # refreshed from the operation's changes
    assert page.tiers.stack.currentWidget() is page.tiers.view
    assert cell(page.tiers, 0, 3) == "¥3,000.00"
    assert cell(page.tiers, 0, 4) == "其他 3%，种植 0%"


def test_an_overlapping_threshold_is_refused_beside_the_field(
        qtbot: QtBot, window: MainWindow, services: AppServices) -> None:
    save_tier(services.ctx, TierInput("金卡", 2, "spend", D(10000), {"*": D(5)}))
    page = open_page(window)
    dialog = TierDialog(services, None, tiers=page.tiers.model.records,
                        procedures=page.procedures, parent=page)
    qtbot.addWidget(dialog)
    assert dialog.rank.value() == 3  # above the highest tier
    dialog.name.setText("钻石卡")
    dialog.threshold.setText("一万")
    dialog.submit()
    assert dialog.errors.marked is dialog.threshold
    assert dialog.errors.text == "门槛：“一万”不是金额。"
    dialog.threshold.setText("8,000")
    dialog.submit()
    assert dialog.errors.marked is dialog.threshold
    assert "重叠" in dialog.errors.text and "金卡" in dialog.errors.text
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.name.text() == "钻石卡"  # what was typed stays
    assert [t.name for t in list_tiers(services.ctx, include_inactive=True)] == ["金卡"]
    assert len(page.tiers.model.records) == 1
    dialog.threshold.setText("30,000.5")
    dialog.submit()
    assert [(t.name, t.threshold) for t in page.tiers.model.records] == [
        ("金卡", D("10000.00")), ("钻石卡", D("30000.50"))]


def test_editing_a_tier_keeps_its_id_and_can_make_it_manual(
        qtbot: QtBot, window: MainWindow, services: AppServices) -> None:
    tier = save_tier(services.ctx, TierInput("员工卡", 1, "spend", D(500), {"*": D(10)}))
    page = open_page(window)
    dialog = TierDialog(services, tier, tiers=page.tiers.model.records,
                        procedures=page.procedures, parent=page)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("manual"))
    assert not dialog.threshold.isEnabled()
    dialog.active.setChecked(False)
    dialog.submit()
    [saved] = list_tiers(services.ctx, include_inactive=True)
    assert (saved.id, saved.threshold_kind, saved.threshold, saved.active) == (
        tier.id, "manual", D("0.00"), False)
    assert cell(page.tiers, 0, 3) == "—" and cell(page.tiers, 0, 6) == "停用"


def test_rules_with_gifts_are_saved_and_read_back(
        qtbot: QtBot, window: MainWindow, services: AppServices) -> None:
    form = open_page(window).rules
    form.redeem.setValue(50)
    form.expiry.setValue(0)
    assert form.expiry.text() == "永不过期"
    form.birthday.setValue(300)
    form.bonus_order.setCurrentIndex(form.bonus_order.findData(True))
    form.rates.add_rate("正畸", 0.5)
    form.gifts.add_gift(Gift("电动牙刷", 3000))
    form.gifts.add_gift(Gift("漱口水", 800))
    form.reward.setCurrentIndex(form.reward.findData("stored_value"))
    assert form.reward_value.isEnabled() and not form.reward_points.isEnabled()
    assert not form.reward_coupon.isEnabled()
    form.reward_value.setText("1,234.5")
    form.save()
    version = read_rules(services.ctx)
    rules = version.rules
    assert version.effective_from == date(2026, 11, 24)
    assert rules.gifts == (Gift("电动牙刷", 3000), Gift("漱口水", 800))
    assert (rules.redeem_points_per_yuan, rules.points_expiry_months, rules.birthday_points,
            rules.bonus_first) == (50, 0, 300, True)
    assert rules.points_per_yuan["正畸"] == D("0.5")
    assert (rules.referral_reward, rules.referral_value) == ("stored_value", D("1234.50"))
    assert form.history.rowCount() == 1
    assert "2026年11月24日" in form.status.text()
    # Read back into a fresh page, as another session would see them.
    again = LoyaltyPage(services).rules
    qtbot.addWidget(again)
    assert again.gifts.gifts() == rules.gifts
    assert again.rates.rates() == rules.points_per_yuan
    assert again.reward_value.text() == "1,234.50"


def test_the_birthday_and_win_back_coupons_are_chosen_in_the_rules(
        qtbot: QtBot, window: MainWindow, services: AppServices) -> None:
    from clinic_desktop.services.loyalty.coupons import CouponTypeInput, save_coupon_type

    gift = save_coupon_type(services.ctx, CouponTypeInput("生日券", "amount", D(50))).id
    form = open_page(window).rules
    assert form.birthday_coupon.currentData() is None  # 不发券 until chosen
    form.birthday_coupon.setCurrentIndex(form.birthday_coupon.findData(gift))
    form.save()
    rules = read_rules(services.ctx).rules
    assert (rules.birthday_coupon_type_id, rules.winback_coupon_type_id) == (gift, None)
    again = LoyaltyPage(services).rules
    qtbot.addWidget(again)
    assert again.birthday_coupon.currentData() == gift


def test_a_refused_rule_names_its_field_and_writes_nothing(
        qtbot: QtBot, window: MainWindow, services: AppServices) -> None:
    form = open_page(window).rules
    form.gifts.add_gift(Gift("", 100))
    form.save()
    assert form.errors.marked is form.gifts and "礼品" in form.errors.text
    form.gifts.remove_selected()
    form.rates.add_rate("*", 2)  # "every other category" twice
    form.save()
    assert form.errors.marked is form.rates and "两次" in form.errors.text
    form.rates.remove_selected()
    form.reward.setCurrentIndex(form.reward.findData("coupon"))  # and no coupon exists
    form.save()
    assert form.errors.marked is form.reward_coupon
    assert rules_history(services.ctx) == []


def test_rules_from_a_later_day_leave_today_alone(
        qtbot: QtBot, window: MainWindow, services: AppServices,
        messages: list[tuple[str, str]]) -> None:
    form = open_page(window).rules
    assert form.effective.minimumDate() == QDate(2026, 11, 24)  # never a past day
    form.effective.setDate(QDate(2026, 12, 1))
    form.birthday.setValue(500)
    form.save()
    assert read_rules(services.ctx).rules.birthday_points == 0  # still the defaults today
    [later] = rules_history(services.ctx)
    assert (later.effective_from, later.rules.birthday_points) == (date(2026, 12, 1), 500)
    assert form.history.data(form.history.index(0, 1)) == "待生效"
    # Saving from today would drop the scheduled version: asked first.
    form.effective.setDate(QDate(2026, 11, 24))
    form.save()
    assert any("2026年12月1日" in text for kind, text in messages if kind == "question")
    assert [v.effective_from for v in rules_history(services.ctx)] == [date(2026, 11, 24)]


def test_typed_rules_survive_a_change_elsewhere(
        qtbot: QtBot, window: MainWindow, services: AppServices) -> None:
    page = open_page(window)
    page.rules.birthday.setValue(999)  # typed, not saved
    services.ops.run(lambda ctx: save_topup_plan(ctx, plan_id=None, name="充5000送500",
                                                 amount=D(5000), bonus=D(500)))
    assert [p.name for p in page.plans.model.records] == ["充5000送500"]
    assert cell(page.plans, 0, 3) == "10%" and cell(page.plans, 0, 4) == "¥5,500.00"
    assert page.rules.birthday.value() == 999


def test_a_top_up_plan_takes_money_as_typed(qtbot: QtBot, window: MainWindow,
                                            services: AppServices) -> None:
    page = open_page(window)
    dialog = TopUpPlanDialog(services, None, page)
    qtbot.addWidget(dialog)
    dialog.name.setText("充1万送1200")
    dialog.amount.setText("¥10,000")
    dialog.bonus.setText("NaN")
    dialog.submit()
    assert dialog.errors.marked is dialog.bonus and "赠送金额" in dialog.errors.text
    dialog.bonus.setText("1,200")
    assert "12%" in dialog.summary.text()
    dialog.submit()
    [plan] = page.plans.model.records
    assert (plan.amount, plan.bonus) == (D("10000.00"), D("1200.00"))


def test_a_coupon_type_of_kind_percent(qtbot: QtBot, window: MainWindow,
                                       services: AppServices) -> None:
    page = open_page(window)
    dialog = CouponTypeDialog(services, None, procedures=page.procedures, parent=page)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("procedure"))
    assert dialog.procedure.isEnabled() and not dialog.amount.isEnabled()
    assert not dialog.percent.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData("percent"))
    assert dialog.percent.isEnabled() and dialog.amount.isEnabled()
    assert not dialog.procedure.isEnabled()
    assert dialog.amount_label.text() == "最多减免（元）"  # the amount is now the cap
    dialog.name.setText("洁牙八折")
    dialog.percent.setValue(20)
    dialog.amount.setText("100")
    dialog.min_spend.setText("200")
    dialog.categories.set_checked(["洁牙"])
    dialog.submit()
    [coupon] = list_coupon_types(services.ctx)
    assert (coupon.kind, coupon.percent, coupon.amount, coupon.min_spend) == (
        "percent", 20, D("100.00"), D("200.00"))
    assert (coupon.categories, coupon.procedure_type_id) == (("洁牙",), None)
    assert cell(page.coupons, 0, 2) == "减 20%（最多 ¥100.00）"
    assert cell(page.coupons, 0, 5) == "洁牙"


def test_a_package_type_covering_two_procedures(qtbot: QtBot, window: MainWindow,
                                                services: AppServices) -> None:
    ids = {p.name: p.id for p in list_procedures(services.ctx)}
    page = open_page(window)
    dialog = PackageTypeDialog(services, None, procedures=page.procedures, parent=page)
    qtbot.addWidget(dialog)
    dialog.name.setText("牙周护理 6 次卡")
    dialog.price.setText("3,600")
    dialog.uses.setValue(6)
    dialog.valid_days.setValue(730)
    dialog.submit()
    assert dialog.errors.marked is dialog.procedures  # nothing ticked yet
    assert list_package_types(services.ctx) == []
    dialog.procedures.set_checked([ids["超声洁牙"], ids["牙周刮治"]])
    assert "¥600.00" in dialog.per_use.text()
    dialog.submit()
    [package] = list_package_types(services.ctx)
    assert sorted(package.procedure_ids) == sorted([ids["超声洁牙"], ids["牙周刮治"]])
    assert (package.price, package.uses, package.valid_days) == (D("3600.00"), 6, 730)
    assert set(cell(page.packages, 0, 5).split("、")) == {"超声洁牙", "牙周刮治"}
    again = PackageTypeDialog(services, package, procedures=page.procedures, parent=page)
    qtbot.addWidget(again)
    assert sorted(again.procedures.checked_ids()) == sorted(package.procedure_ids)


def test_the_ranking_opens_the_referrer(qtbot: QtBot, window: MainWindow,
                                        services: AppServices) -> None:
    referrer = create_patient(services.ctx, PatientInput(
        name="熊波", mobile="13800138000")).patient.id
    friend = create_patient(services.ctx, PatientInput(
        name="马英涵", referred_by_id=referrer)).patient.id
    billing.add_entry(services.ctx, friend, kind="charge", amount=D(800))
    billing.add_entry(services.ctx, friend, kind="payment", amount=D(800), method="cash")
    page = open_page(window)
    tab = page.referrals
    assert tab is not None and tab.stale  # not read until shown
    page.tabs.setCurrentWidget(tab)
    assert not tab.stale
    [row] = tab.ranking.records
    assert (row.patient_id, row.referred, row.revenue) == (referrer, 1, D("800.00"))
    assert tab.months.rowCount() == 12  # every month of the year, quiet ones as zeros
    with qtbot.waitSignal(services.open_patient_requested) as opened:
        view = tab.ranking_view
        tab._open_patient(view.model().index(0, 1))
    assert opened.args == [referrer]
    services.ops.run(lambda ctx: billing.add_entry(ctx, friend, kind="charge", amount=D(200)))
    services.ops.run(lambda ctx: billing.add_entry(ctx, friend, kind="payment", amount=D(200),
                                                   method="cash"))
    assert tab.ranking.records[0].revenue == D("1000.00")  # in front: read again


def test_the_ranking_needs_reports_and_the_page_needs_loyalty(
        qtbot: QtBot, services: AppServices, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = LoyaltyPage(services)
    qtbot.addWidget(admin)
    titles = [admin.tabs.tabText(i) for i in range(admin.tabs.count())]
    assert titles[-1] == "转介绍排行" and admin.referrals is not None

    def signed_in(username: str, role: Role) -> AppServices:
        staff.add_staff(services.ctx, username=username, display_name=username, role=role,
                        password="pass1234")
        actor = sign_in(services.ctx.db, username=username, password="pass1234",
                        clock=services.ctx.clock)
        return AppServices(services.ctx.as_actor(actor), TaskManager(synchronous=True),
                           services.clinic)

    # A clinic whose managers may set up loyalty but not read reports.
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.MANAGER,
                        ROLE_PERMISSIONS[Role.MANAGER] - {Permission.REPORTS_VIEW})
    manager = LoyaltyPage(signed_in("mgr", Role.MANAGER))
    qtbot.addWidget(manager)
    assert manager.referrals is None
    assert "转介绍排行" not in [manager.tabs.tabText(i) for i in range(manager.tabs.count())]
    assert manager.tabs.count() == 5
    reception = signed_in("front", Role.RECEPTIONIST)
    assert "loyalty" not in [spec.key for spec in pages_for(reception)]
    assert "loyalty" in [spec.key for spec in pages_for(services)]

