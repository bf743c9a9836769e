"""The payment dialog, its receipt and the 会员 tab's dialogs fit a 1280×650 screen in Chinese
and English, filled as a busy member's record fills them: a tier, many coupons, a long gift
list, a refusal showing, a relative's card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.services import billing, family
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.loyalty import (
    coupons,
    packages,
    points,
    rules,
    stored_value,
    tiers,
)
from clinic_desktop.services.loyalty.receipts import receipt_of
from clinic_desktop.services.patients import PatientInput, create_patient
from tests.ui.fit import SCREEN, fits
from tests.unit.loyalty_helpers import setup_loyalty
from ui.app_services import AppServices
from ui.dialogs import loyalty_actions as actions
from ui.dialogs.payment_dialog import PaymentDialog
from ui.dialogs.receipt_dialog import ReceiptDialog
from ui.pages.patients_page import PatientsPage


def test_payment_receipt_and_member_dialogs_fit(
        language: str, qtbot: QtBot, services: AppServices) -> None:
    gifts = tuple(rules.Gift(f"礼品{n}：电动牙刷（声波款，含两个刷头）", 500 * n)
                  for n in range(1, 13))
    c = setup_loyalty(services.ctx, tier_rules=rules.LoyaltyRules(gifts=gifts))
    ctx, pid = c.ctx, c.patient
    tiers.override_tier(ctx, pid, tier_id=c.tiers["钻石"], reason="院长特批")
    points.adjust_points(ctx, pid, points=123_456, reason="期初")
    for _ in range(6):
        coupons.issue_coupon(ctx, pid, coupon_type_id=c.coupon_type)
    top = stored_value.top_up(ctx, pid, amount=Decimal(5000), method="wechat", plan_id=c.plan)
    billing.record_visit(ctx, pid, visit_date=date(2026, 11, 24), doctor_id=None, lines=[
        TreatmentLine(c.procs[n], Decimal(a)) for n, a in (
            ("树脂补牙", "480"), ("超声洁牙", "300"), ("根管治疗", "1800"))])
    spouse = create_patient(ctx, PatientInput(name="欧阳明月", mobile="13500135000")).patient.id
    family.link_family(ctx, pid, spouse, relation="spouse")
    payment = PaymentDialog(services, pid)
    payment.amounts["cash"].setText("不是数字")
    payment.requote()  # the refusal line shows: the dialog must still fit
    assert payment.errors.text
    card = stored_value.stored_value_of(ctx, pid)
    page = PatientsPage(services)
    qtbot.addWidget(page)
    page.open_patient(pid)
    members = page.panel.panel.family if page.panel.panel else ()
    coupon = coupons.coupons_of(ctx, pid)[0]
    package = packages.sell_package(ctx, pid, package_type_id=c.package)
    dialogs: list[QWidget] = [
        payment, ReceiptDialog(services, receipt_of(ctx, top.checkout_id)),
        actions.TopUpDialog(services, pid, card), actions.RefundStoredValueDialog(services, pid,
                                                                                card),
        actions.ShareStoredValueDialog(services, pid, members, card),
        actions.SellPackageDialog(services, pid), actions.IssueCouponDialog(services, pid),
        actions.VoidCouponDialog(services, coupon),
        actions.RefundPackageDialog(services, package),
        actions.RedeemGiftDialog(services, pid, gifts, 123_456),
        actions.AdjustPointsDialog(services, pid),
        actions.TierOverrideDialog(services, pid, "钻石", date(2026, 11, 24)),
        actions.ReverseCheckoutDialog(services, top.checkout_id,
                                      "2026-11-24 10:00 储值充值 ¥5,000"),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        for size in (dialog.sizeHint(), dialog.minimumSizeHint()):
            assert fits(size), (language, type(dialog).__name__, size)


def test_the_panel_with_the_member_tab_fits(
        language: str, qtbot: QtBot, services: AppServices) -> None:
    """A diamond member with many tags, an allergy and a referrer: the chips wrap, the
    panel never widens the window."""
    from clinic_desktop.services import profile

    c = setup_loyalty(services.ctx)
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["钻石"], reason="院长特批")
    for name in ("VIP", "注重品牌", "怕疼", "需家属陪同", "价格敏感", "周末就诊", "老客户"):
        tag = profile.create_tag(c.ctx, name=name)
        profile.set_tag(c.ctx, c.patient, tag.id, on=True)
    profile.update_medical(c.ctx, c.patient, profile.MedicalInfo(
        ("青霉素",), "血压<90 慎用肾上腺素", "", "", "", ""))
    page = PatientsPage(services)
    qtbot.addWidget(page)
    page.resize(SCREEN.width() - 168, SCREEN.height())  # beside the navigation
    page.show()
    page.open_patient(c.patient)
    page.panel.tabs.setCurrentWidget(page.panel.member)
    QApplication.processEvents()
    assert page.minimumSizeHint().width() <= SCREEN.width() - 168, (
        language, page.minimumSizeHint())
    assert page.minimumSizeHint().height() <= SCREEN.height()
