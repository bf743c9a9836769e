"""The payment dialog (收款): a mixed payment with the tier's discount, a coupon and points,
quoted as typed; refusals beside their field; the receipt as a PDF with the clinic's name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_desktop.services import billing
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.loyalty import balances, coupons, points, stored_value, tiers
from clinic_desktop.services.loyalty.receipts import receipt_of
from tests.unit.loyalty_helpers import Loyal, setup_loyalty
from ui.app_services import AppServices
from ui.dialogs.payment_dialog import PaymentDialog
from ui.dialogs.receipt_dialog import ReceiptDialog


@pytest.fixture
def c(services: AppServices) -> Loyal:
    return setup_loyalty(services.ctx)


def _visit(c: Loyal, *lines: tuple[str, str]) -> int:
    return billing.record_visit(c.ctx, c.patient, visit_date=date(2026, 11, 24), doctor_id=None,
                                lines=[TreatmentLine(c.procs[n], Decimal(a))
                                       for n, a in lines]).id


def _dialog(qtbot: QtBot, services: AppServices, c: Loyal, **kw: object) -> PaymentDialog:
    dialog = PaymentDialog(services, c.patient, **kw)  # type: ignore[arg-type]
    dialog.open_receipt = False
    qtbot.addWidget(dialog)
    return dialog


def _check(dialog: PaymentDialog, code_index: int) -> None:
    dialog.coupons.item(code_index).setCheckState(Qt.CheckState.Checked)


def test_a_mixed_payment_with_tier_coupon_points_and_the_card(
        qtbot: QtBot, services: AppServices, c: Loyal) -> None:
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["金卡"], reason="老客户")  # 10 % off
    stored_value.top_up(c.ctx, c.patient, amount=Decimal(200), method="cash")
    points.adjust_points(c.ctx, c.patient, points=1000, reason="期初")
    coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)  # 满300减50
    visit = _visit(c, ("树脂补牙", "400"), ("超声洁牙", "200"))
    dialog = _dialog(qtbot, services, c)
    assert dialog.visit.currentData() == visit  # the latest visit is offered first
    assert dialog.tier_discount.isChecked()
    _check(dialog, 0)
    dialog.points.setValue(1000)  # ¥10
    dialog.amounts["stored_value"].setText("200")
    dialog.fill_rest("wechat")
    # 600 − 60 (tier) − 50 (coupon) − 10 (points) = 480: 200 card + 280 WeChat
    assert dialog.amounts["wechat"].text() == "280.00"
    assert dialog.summary["tier"].text().startswith("−¥60.00")
    assert dialog.summary["due"].text() == "¥480.00"
    assert dialog.summary["card"].text() == "¥200.00 → ¥0.00"
    assert dialog.ok_button.isEnabled()
    dialog.submit()
    assert dialog.result() == PaymentDialog.DialogCode.Accepted
    taken = dialog.taken
    assert taken is not None and taken.checkout_id is not None
    after = balances.balances_of(c.ctx, c.patient)
    assert (after.owed, after.stored_value, after.coupons) == (0, 0, 0)
    # points: 1000 − 1000 redeemed + 480 paid (card principal and WeChat) × 1.5 (金卡)
    # + 200 for a visit on the patient's birthday (today, 11-24)
    assert after.points == 720 + 200
    receipt = receipt_of(c.ctx, taken.checkout_id)
    assert [line.label for line in receipt.items] == ["树脂补牙", "超声洁牙"]
    assert receipt.paid == Decimal("480.00") and receipt.points_earned == 720
    assert balances.check_balances(c.ctx) == []


def test_refusals_show_beside_their_field_and_take_nothing(
        qtbot: QtBot, services: AppServices, c: Loyal) -> None:
    points.adjust_points(c.ctx, c.patient, points=500, reason="期初")
    _visit(c, ("树脂补牙", "100"))
    dialog = _dialog(qtbot, services, c)
    dialog.points.setValue(500)
    dialog.amounts["cash"].setText("abc")
    dialog.requote()
    assert dialog.errors.marked is dialog.amounts["cash"]
    assert "现金" in dialog.errors.text and "abc" in dialog.errors.text
    assert not dialog.ok_button.isEnabled()
    dialog.amounts["cash"].setText("")
    coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)
    dialog = _dialog(qtbot, services, c)
    _check(dialog, 0)  # 满300减50 on a ¥100 visit
    assert dialog.errors.marked is dialog.coupons and "300" in dialog.errors.text
    dialog.submit()
    assert dialog.result() == 0 and dialog.taken is None
    assert billing.get_balance(c.ctx, c.patient).owed == Decimal("100.00")


def test_paying_beyond_what_is_owed_asks_where_the_rest_goes(
        qtbot: QtBot, services: AppServices, c: Loyal) -> None:
    _visit(c, ("树脂补牙", "100"))
    dialog = _dialog(qtbot, services, c)
    dialog.tier_discount.setChecked(False)
    assert not dialog.excess.isVisibleTo(dialog)
    dialog.amounts["cash"].setText("300")
    dialog.requote()
    assert dialog.excess.isVisibleTo(dialog)
    dialog.excess.setCurrentIndex(dialog.excess.findData(billing.EXCESS_STORED_VALUE))
    dialog.submit()
    assert dialog.result() == PaymentDialog.DialogCode.Accepted
    card = stored_value.stored_value_of(c.ctx, c.patient)
    assert card.principal == Decimal("200.00")
    assert billing.get_balance(c.ctx, c.patient).owed == 0


def test_the_receipt_prints_the_checkout_as_it_was_into_a_pdf(
        qtbot: QtBot, services: AppServices, c: Loyal, tmp_path: Path) -> None:
    _visit(c, ("树脂补牙", "300"))
    dialog = _dialog(qtbot, services, c)
    dialog.amounts["cash"].setText("300")
    dialog.submit()
    assert dialog.taken is not None and dialog.taken.checkout_id is not None
    checkout = dialog.taken.checkout_id
    first = receipt_of(c.ctx, checkout)
    _visit(c, ("超声洁牙", "200"))  # later entries do not change the old receipt
    billing.add_entry(c.ctx, c.patient, kind="payment", amount=Decimal(50), method="cash")
    again = receipt_of(c.ctx, checkout)
    assert again == first and again.owed_after == 0
    receipt = ReceiptDialog(services, again)
    qtbot.addWidget(receipt)
    text = receipt.preview.toPlainText()
    assert "仁爱口腔" in text and "张三" in text and "¥300.00" in text
    pdf = tmp_path / receipt.default_pdf_name()
    assert receipt.save_pdf(pdf)
    document = PdfReader(pdf)
    assert len(document.pages) == 1
    printed = document.pages[0].extract_text()
    assert "仁爱口腔" in printed and "300.00" in printed and first.number in printed


def test_the_receipt_escapes_stored_text(qtbot: QtBot, services: AppServices, c: Loyal) -> None:
    from clinic_desktop.services.patients import PatientInput, create_patient

    pid = create_patient(c.ctx, PatientInput(name="赵<b>VIP</b>&", mobile="13700137000")
                         ).patient.id
    result = stored_value.top_up(c.ctx, pid, amount=Decimal(100), method="cash",
                                 note="<i>备注</i>")
    receipt = ReceiptDialog(services, receipt_of(c.ctx, result.checkout_id))
    qtbot.addWidget(receipt)
    text = receipt.preview.toPlainText()
    assert "赵<b>VIP</b>&" in text and "<i>备注</i>" in text
