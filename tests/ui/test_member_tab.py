"""The panel's 会员 tab: the tier and its journals, and the desk's loyalty actions through
their dialogs (top-up, package sale, gift, coupon, points, tier, reversal)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from clinic_desktop.context import Actor, Context
from clinic_desktop.permissions import Role
from clinic_desktop.services import billing
from clinic_desktop.services.loyalty import coupons, packages, points, rules, stored_value, tiers
from clinic_desktop.services.patients import (
    PatientInput,
    create_patient,
    load_patient,
    update_patient,
)
from clinic_desktop.services.staff import add_staff
from tests.ui.shown import label_text
from tests.unit.loyalty_helpers import Loyal, setup_loyalty
from ui.app_services import AppServices
from ui.dialogs import loyalty_actions as actions
from ui.dialogs.payment_dialog import PaymentDialog
from ui.pages.patients_page import PatientsPage


@pytest.fixture
def c(services: AppServices) -> Loyal:
    return setup_loyalty(services.ctx, tier_rules=rules.LoyaltyRules(
        gifts=(rules.Gift("电动牙刷", 800),)))


@pytest.fixture
def page(qtbot: QtBot, services: AppServices, c: Loyal) -> PatientsPage:
    page = PatientsPage(services)
    qtbot.addWidget(page)
    page.resize(1280, 650)
    page.show()
    page.open_patient(c.patient)
    page.panel.tabs.setCurrentWidget(page.panel.member)
    return page


def _run(qtbot: QtBot, dialog: actions.ActionDialog) -> actions.ActionDialog:
    qtbot.addWidget(dialog)
    dialog.submit()
    return dialog


def test_the_tab_shows_the_tier_points_card_and_referrals(
        qtbot: QtBot, services: AppServices, c: Loyal, page: PatientsPage) -> None:
    tab = page.panel.member
    assert tab.card is not None and tab.card.tier.tier is None
    assert "非会员" in tab.tier_text.text()
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["银卡"], reason="老客户")
    points.adjust_points(c.ctx, c.patient, points=300, reason="期初")
    friend = load_patient(c.ctx, c.friend)
    update_patient(c.ctx, c.friend, replace(friend.as_input(), referred_by_id=c.patient),
                   version=friend.version)
    page.panel.reload()
    assert tab.chip_row.count() == 1
    assert "再消费" in tab.tier_text.text() and "金卡" in tab.tier_text.text()
    assert "积分 300" in tab.summary.text()
    assert [r.name for r in tab.referral_model.records] == ["李四"]
    assert "已介绍 1 位" in label_text(page.panel.facts)
    chips = [page.panel.tags.itemAt(i).widget() for i in range(page.panel.tags.count())]
    assert any(w is not None and w.objectName() == "tierChip" and w.text() == "银卡"
               for w in chips)


def test_top_up_with_a_plan_gives_the_bonus(
        qtbot: QtBot, services: AppServices, c: Loyal, page: PatientsPage) -> None:
    tab = page.panel.member
    assert tab.card is not None and tab.card.stored_value is not None
    dialog = actions.TopUpDialog(services, c.patient, tab.card.stored_value, page)
    assert dialog.plan.currentData() == c.plan and dialog.amount.text() == "5000.00"
    dialog.method.setCurrentIndex(dialog.method.findData("wechat"))
    _run(qtbot, dialog)
    assert dialog.result() == actions.TopUpDialog.DialogCode.Accepted
    card = stored_value.stored_value_of(c.ctx, c.patient)
    assert (card.principal, card.bonus) == (Decimal("5000.00"), Decimal("500.00"))
    assert "储值 ¥5,500.00" in tab.summary.text()  # the panel heard the change
    assert [e.amount for e in tab.card_model.records] == [Decimal("500.00"),
                                                          Decimal("5000.00")]


def test_a_bad_amount_is_refused_beside_the_field(
        qtbot: QtBot, services: AppServices, c: Loyal, page: PatientsPage) -> None:
    card = stored_value.stored_value_of(c.ctx, c.patient)
    dialog = actions.TopUpDialog(services, c.patient, card, page)
    dialog.plan.setCurrentIndex(0)
    dialog.amount.setText("-5")
    _run(qtbot, dialog)
    assert dialog.result() == 0 and dialog.errors.marked is dialog.amount
    assert stored_value.stored_value_of(c.ctx, c.patient).principal == 0


def test_selling_a_package_can_go_on_to_the_payment(
        qtbot: QtBot, services: AppServices, c: Loyal, page: PatientsPage,
        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = page.panel.member
    asked: list[str] = []
    page.panel.action_requested.connect(asked.append)

    def accept(dialog: actions.ActionDialog) -> int:
        dialog.submit()
        return int(dialog.result())

    monkeypatch.setattr(actions.SellPackageDialog, "exec", accept)
    opened: list[int] = []
    monkeypatch.setattr(PaymentDialog, "exec", lambda d: opened.append(d.patient_id) or 0)
    tab.act("package")
    cards = packages.cards_of(c.ctx, c.patient)
    assert [card.name for card in cards] == ["洁牙 10 次卡"] and cards[0].left == 10
    assert billing.get_balance(c.ctx, c.patient).owed == Decimal("2400.00")
    assert asked == ["payment"] and opened == [c.patient]  # the page opened the payment
    assert [p.name for p in tab.package_model.records] == ["洁牙 10 次卡"]


def test_a_package_is_refunded_from_its_row(
        qtbot: QtBot, services: AppServices, c: Loyal, page: PatientsPage) -> None:
    sold = packages.sell_package(c.ctx, c.patient, package_type_id=c.package)
    billing.add_entry(c.ctx, c.patient, kind="payment", amount=Decimal(2400), method="cash")
    billing.record_visit(c.ctx, c.patient, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[billing.TreatmentLine(c.procs["超声洁牙"], Decimal(300))])
    card = next(p for p in packages.cards_of(c.ctx, c.patient) if p.id == sold.id)
    dialog = actions.RefundPackageDialog(services, card, page)
    assert dialog.amount.text() == "2160.00"  # 9 of 10 uses left
    _run(qtbot, dialog)
    assert dialog.errors.marked is dialog.reason  # a reason is needed
    dialog.reason.setText("患者搬家")
    dialog.amount.setText("2000")  # a fee kept
    _run(qtbot, dialog)
    assert dialog.result() == 1
    (refunded,) = packages.cards_of(c.ctx, c.patient, include_closed=True)
    assert (refunded.status, refunded.left) == ("refunded", 0)
    balance = billing.get_balance(c.ctx, c.patient)
    assert (balance.owed, balance.credit, balance.total_paid) == (
        Decimal(0), Decimal(0), Decimal(400))
    page.panel.reload()
    assert page.panel.member.package_model.records[0].status == "refunded"


def test_gift_coupon_points_and_tier_dialogs(
        qtbot: QtBot, services: AppServices, c: Loyal, page: PatientsPage) -> None:
    points.adjust_points(c.ctx, c.patient, points=1000, reason="期初")
    _run(qtbot, actions.RedeemGiftDialog(services, c.patient, (rules.Gift("电动牙刷", 800),),
                                         1000, page))
    assert points.points_summary(c.ctx, c.patient).balance == 200
    refused = _run(qtbot, actions.RedeemGiftDialog(
        services, c.patient, (rules.Gift("电动牙刷", 800),), 200, page))
    assert refused.result() == 0 and refused.errors.marked is refused.gift
    _run(qtbot, actions.IssueCouponDialog(services, c.patient, page))
    issued = coupons.coupons_of(c.ctx, c.patient)
    assert len(issued) == 1
    _run(qtbot, actions.VoidCouponDialog(services, issued[0], page))  # no reason: refused
    assert coupons.coupons_of(c.ctx, c.patient) == issued
    void = actions.VoidCouponDialog(services, issued[0], page)
    void.reason.setText("发错了")
    _run(qtbot, void)
    assert coupons.coupons_of(c.ctx, c.patient) == []
    adjust = actions.AdjustPointsDialog(services, c.patient, page)
    adjust.points.setValue(-50)
    adjust.reason.setText("更正")
    _run(qtbot, adjust)
    assert points.points_summary(c.ctx, c.patient).balance == 150
    tier = actions.TierOverrideDialog(services, c.patient, None, date(2026, 11, 24), page)
    tier.tier.setCurrentIndex(tier.tier.findData(c.tiers["钻石"]))
    tier.hold.setChecked(True)
    _run(qtbot, tier)
    assert tier.errors.marked is tier.reason  # a reason is needed
    tier.reason.setText("院长特批")
    _run(qtbot, tier)
    held = tiers.tier_of(c.ctx, c.patient)
    assert held.tier is not None and held.tier.name == "钻石" and held.manual
    assert held.held_until == date(2027, 11, 24)


def test_a_payment_is_reversed_from_the_ledger_and_marked(
        qtbot: QtBot, services: AppServices, c: Loyal, page: PatientsPage,
        monkeypatch: pytest.MonkeyPatch) -> None:
    result = stored_value.top_up(c.ctx, c.patient, amount=Decimal(300), method="cash")
    page.panel.reload()
    ledger = page.panel.ledger
    row = next(i for i, e in enumerate(ledger.model.records)
               if e.checkout_id == result.checkout_id)
    ledger.view.selectRow(ledger.proxy.mapFromSource(ledger.model.index(row, 0)).row())
    opened: list[actions.ReverseCheckoutDialog] = []

    def fill(dialog: actions.ReverseCheckoutDialog) -> int:
        opened.append(dialog)
        dialog.reason.setText("收错了")
        dialog.submit()
        return int(dialog.result())

    monkeypatch.setattr(actions.ReverseCheckoutDialog, "exec", fill)
    ledger.reverse()
    assert opened and opened[0].result() == actions.ReverseCheckoutDialog.DialogCode.Accepted
    assert stored_value.stored_value_of(c.ctx, c.patient).principal == 0
    reversed_rows = [e for e in ledger.model.records if e.reversed]
    assert reversed_rows and all(e.checkout_id == result.checkout_id for e in reversed_rows)


def test_a_receptionist_sells_and_redeems_but_the_manager_rules_stay_hidden(
        qtbot: QtBot, services: AppServices, c: Loyal) -> None:
    staff = add_staff(services.ctx, username="front", display_name="前台小王",
                      role=Role.RECEPTIONIST, password="Desk-key-2026!")
    front = Actor(staff_id=staff.id, username="front", display_name="前台小王",
                  role=Role.RECEPTIONIST)
    ctx = Context(db=services.ctx.db, actor=front, clock=services.ctx.clock)
    page = PatientsPage(AppServices(ctx, services.tasks, services.clinic))
    qtbot.addWidget(page)
    page.show()
    page.open_patient(c.patient)
    tab = page.panel.member
    page.panel.tabs.setCurrentWidget(tab)
    shown = {k for k, b in tab.buttons.items() if b.isVisibleTo(tab)}
    assert shown == {"topup", "package", "gift", "refund", "share"}


def test_points_and_card_of_a_new_patient_start_empty(
        qtbot: QtBot, services: AppServices, c: Loyal) -> None:
    pid = create_patient(c.ctx, PatientInput(name="王五", mobile="13600136000")).patient.id
    page = PatientsPage(services)
    qtbot.addWidget(page)
    page.show()
    page.open_patient(pid)
    page.panel.tabs.setCurrentWidget(page.panel.member)
    tab = page.panel.member
    assert tab.points_model.records == [] and tab.package_model.records == []
    assert "积分 0" in tab.summary.text()
