"""收款: one payment in any mix of methods, with the tier's discount, coupons and points.

The right-hand column is the service's own quote (``quote_payment``) of what the form would
write, refreshed as the receptionist types: the discount, the points to be earned, the card
before and after. Taking the payment is ``take_payment``; its receipt opens afterwards.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services.billing import (
    BONUS,
    EXCESS_CREDIT,
    EXCESS_STORED_VALUE,
    MONEY_METHODS,
    STORED_VALUE,
    Overpayment,
    method_label,
)
from clinic_desktop.services.loyalty.checkout_form import PaymentForm, payment_form
from clinic_desktop.services.loyalty.coupons import CouponInfo
from clinic_desktop.services.loyalty.payments import (
    PaymentOutcome,
    PaymentPart,
    PaymentRequest,
    quote_payment,
    take_payment,
)
from clinic_desktop.services.loyalty.receipts import receipt_of
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.dialogs.receipt_dialog import ReceiptDialog
from ui.errors import FieldErrors
from ui.widgets.ledger_table import money
from ui.widgets.money_field import MoneyEdit, parse_money
from ui.widgets.rich_text import plain_label
from ui.widgets.tier_chip import tier_chip

QUOTE_DELAY_MS = 150  # typing "1200" quotes once, not four times
METHODS = (*MONEY_METHODS, STORED_VALUE, BONUS)


class PaymentDialog(Dialog):
    def __init__(self, services: AppServices, patient_id: int, *, visit_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("收款"), parent)
        self.services = services
        self.patient_id = patient_id
        self.form_data: PaymentForm = services.call(payment_form, patient_id)
        self.outcome: PaymentOutcome | None = None  # the last good quote
        self.taken: PaymentOutcome | None = None  # after the payment was taken
        self.open_receipt = True  # tests turn the receipt window off
        f = self.form_data
        b = f.balances
        self.add_heading(self.tr("收款 · {0}（{1}）").format(f.name, f.code))
        columns = QHBoxLayout()
        columns.setSpacing(20)
        left = QVBoxLayout()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addLayout(form)

        self.visit = QComboBox()
        self.visit.addItem(self.tr("不指定就诊（结清欠费）"), None)
        for v in f.visits:
            self.visit.addItem(f"{v.visit_date:%Y-%m-%d}  {v.procedures}  {money(v.total)}", v.id)
        if visit_id is not None:
            index = self.visit.findData(visit_id)
            self.visit.setCurrentIndex(max(index, 0))
        elif f.visits:
            self.visit.setCurrentIndex(1)  # the latest visit: what is usually being paid
        form.addRow(self.tr("就诊"), self.visit)

        self.tier_discount = QCheckBox(self.tr("使用会员折扣"))
        tier_row = QHBoxLayout()
        if b.tier is not None:
            tier_row.addWidget(tier_chip(b.tier.name, b.tier.colour))
        tier_row.addWidget(self.tier_discount)
        tier_row.addStretch(1)
        self.tier_discount.setChecked(b.tier is not None)
        self.tier_discount.setEnabled(b.tier is not None)
        form.addRow(self.tr("会员"), tier_row)

        self.coupons = QListWidget()
        self.coupons.setObjectName("paymentCoupons")
        for coupon in f.coupons:
            item = QListWidgetItem(self._coupon_text(coupon))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, coupon.code)
            self.coupons.addItem(item)
        self.coupons.setMaximumHeight(74)
        if f.coupons:
            form.addRow(self.tr("优惠券"), self.coupons)
        else:
            self.coupons.hide()
            form.addRow(self.tr("优惠券"), plain_label(self.tr("无可用优惠券")))

        self.points = QSpinBox()
        self.points.setRange(0, max(b.points_available, 0))
        self.points.setSingleStep(max(f.redeem_points_per_yuan, 1))
        self.points.setGroupSeparatorShown(True)
        self.points.setEnabled(b.points_available > 0)
        points_row = QHBoxLayout()
        points_row.addWidget(self.points)
        points_row.addWidget(plain_label(self.tr("可用 {0:,}，{1} 积分抵 ¥1").format(
            b.points_available, f.redeem_points_per_yuan)), 1)
        form.addRow(self.tr("积分抵扣"), points_row)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.amounts: dict[str, MoneyEdit] = {}
        for index, method in enumerate(METHODS):
            edit = MoneyEdit()
            edit.setObjectName(f"pay_{method}")
            self.amounts[method] = edit
            fill = QToolButton()
            fill.setText(self.tr("补足"))
            fill.setToolTip(self.tr("把还需支付的金额填到这里"))
            fill.clicked.connect(lambda _=False, m=method: self.fill_rest(m))
            label = method_label(method)
            if method == STORED_VALUE:
                # Spent from principal and bonus in the order the rules say.
                label = self.tr("储值（余 {0}）").format(money(b.stored_value))
                edit.setEnabled(b.stored_value > 0)
                fill.setEnabled(b.stored_value > 0)
            elif method == BONUS:
                label = self.tr("赠送金（余 {0}）").format(money(b.stored_value_bonus))
                edit.setEnabled(b.stored_value_bonus > 0)
                fill.setEnabled(b.stored_value_bonus > 0)
            row, column = divmod(index, 2)
            grid.addWidget(QLabel(label), row, column * 3)
            grid.addWidget(edit, row, column * 3 + 1)
            grid.addWidget(fill, row, column * 3 + 2)
        for column in (1, 4):
            grid.setColumnStretch(column, 1)
        form.addRow(self.tr("支付方式"), grid)

        self.excess = QComboBox()
        self.excess.addItem(self.tr("多付部分作为预存（抵扣以后的费用）"), EXCESS_CREDIT)
        self.excess.addItem(self.tr("多付部分存入储值卡"), EXCESS_STORED_VALUE)
        self.excess_label = QLabel(self.tr("多付"))
        self.excess_shown = False
        form.addRow(self.excess_label, self.excess)
        self._show_excess(False)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        form.addRow(self.tr("备注"), self.note)
        left.addStretch(1)
        columns.addLayout(left, 3)
        columns.addWidget(self._summary_box(), 2)
        self.body.addLayout(columns, 1)
        self.body.addWidget(self.error_label)
        self.fields = {"visit": self.visit, "coupon": self.coupons, "points": self.points,
                       "amount": self.amounts["cash"], "method": self.amounts["cash"],
                       "excess": self.excess, "note": self.note}
        self.errors = FieldErrors(self.error_label, self.fields)
        buttons = self.add_buttons(self.tr("确认收款"), self.submit)
        self.ok_button = buttons.buttons()[0]

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUOTE_DELAY_MS)
        self._timer.timeout.connect(self.requote)
        for edit in self.amounts.values():
            edit.textChanged.connect(self._timer.start)
        self.points.valueChanged.connect(self._timer.start)
        self.visit.currentIndexChanged.connect(self.requote)
        self.tier_discount.toggled.connect(self.requote)
        self.coupons.itemChanged.connect(self.requote)
        self.excess.currentIndexChanged.connect(self.requote)
        self.requote()
        self.setMinimumWidth(1000)

    # -- building blocks ----------------------------------------------------------------
    def _coupon_text(self, coupon: CouponInfo) -> str:
        t = coupon.type
        if t.kind == "amount":
            what = self.tr("减 {0}").format(money(t.amount))
        elif t.kind == "percent":
            what = self.tr("{0}% 折扣").format(t.percent)
        else:
            what = self.tr("免费项目")
        if t.min_spend > 0:
            what = self.tr("满 {0} {1}").format(money(t.min_spend), what)
        return self.tr("{0} · {1} · 至 {2:%Y-%m-%d}").format(t.name, what, coupon.expires_on)

    def _summary_box(self) -> QWidget:
        box = QFrame()
        box.setObjectName("paymentSummary")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QFormLayout(box)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.summary: dict[str, QLabel] = {}
        for key, title in (
            ("owed", self.tr("当前欠费")), ("tier", self.tr("会员折扣")),
            ("coupon", self.tr("优惠券")), ("points", self.tr("积分抵扣")),
            ("due", self.tr("折后应付")),
            ("paid", self.tr("本次实收")), ("after", self.tr("收款后欠费")),
            ("earned", self.tr("本次得积分")), ("points_after", self.tr("积分")),
            ("card", self.tr("储值余额")), ("bonus", self.tr("其中赠送金")),
        ):
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.summary[key] = value
            layout.addRow(title, value)
        self.summary["paid"].setStyleSheet("font-size:13pt; font-weight:600;")
        self.quote_note = plain_label()
        self.quote_note.setObjectName("quoteNote")
        self.quote_note.setWordWrap(True)
        layout.addRow(self.quote_note)
        return box

    # -- the form as a request ------------------------------------------------------------
    def request(self, *, excess: str | None) -> PaymentRequest:
        parts = []
        for method, edit in self.amounts.items():
            amount = parse_money(edit.text(), field="amount", label=method_label(method))
            if amount > 0:
                parts.append(PaymentPart(method, amount))
        codes = tuple(str(self.coupons.item(i).data(Qt.ItemDataRole.UserRole))
                      for i in range(self.coupons.count())
                      if self.coupons.item(i).checkState() == Qt.CheckState.Checked)
        return PaymentRequest(
            patient_id=self.patient_id, parts=tuple(parts), points=self.points.value(),
            coupon_codes=codes, visit_id=self.visit.currentData(),
            tier_discount=self.tier_discount.isChecked(), excess=excess,
            note=self.note.text().strip())

    def _excess_choice(self) -> str | None:
        return str(self.excess.currentData()) if self.excess_shown else None

    def _show_excess(self, shown: bool) -> None:
        self.excess_shown = shown
        self.excess.setVisible(shown)
        self.excess_label.setVisible(shown)

    # -- the live quote -----------------------------------------------------------------------
    def requote(self) -> None:
        self._timer.stop()
        try:
            request = self.request(excess=self._excess_choice())
            if not request.parts and not request.points and not request.coupon_codes \
                    and request.visit_id is None:
                self._nothing_yet()
                return
            outcome = self.services.call(quote_payment, request)
        except Overpayment:
            self._show_excess(True)
            self.requote()
            return
        except UserError as error:
            self.outcome = None
            self.errors.show(error)
            self.ok_button.setEnabled(False)
            return
        if self.excess_shown and outcome.credit_after == 0 \
                and not any(a.what == "topup" for a in outcome.applied):
            self._show_excess(False)  # no longer paid beyond what is owed
        self.errors.clear()
        self.outcome = outcome
        self._show(outcome)
        self.ok_button.setEnabled(outcome.paid > 0 or outcome.points_redeemed > 0
                                  or any(a.what in ("tier", "coupon", "topup")
                                         for a in outcome.applied))

    def _nothing_yet(self) -> None:
        """No visit and nothing typed: the balances as they are, nothing to take yet."""
        self.outcome = None
        self.errors.clear()
        b = self.form_data.balances
        for label in self.summary.values():
            label.setText("")
        self.summary["owed"].setText(money(b.owed))
        self.summary["card"].setText(money(b.stored_value))
        self.summary["points_after"].setText(f"{b.points:,}")
        self.quote_note.setText(self.tr("还需支付 {0}").format(money(b.owed)) if b.owed > 0
                                else "")
        self.ok_button.setEnabled(False)

    def remaining(self) -> Decimal:
        """What is still owed after the discounts and what has been typed."""
        if self.outcome is None:
            return self.form_data.balances.owed
        return self.outcome.owed_after

    def _show(self, o: PaymentOutcome) -> None:
        s = self.summary
        s["owed"].setText(money(o.owed_before))
        s["tier"].setText(f"−{money(o.tier_discount)}" + (f"（{o.tier}）" if o.tier else ""))
        s["coupon"].setText(f"−{money(o.coupon_discount)}")
        s["points"].setText(f"−{money(o.points_value)}"
                            + (self.tr("（{0:,} 积分）").format(o.points_redeemed)
                               if o.points_redeemed else ""))
        s["due"].setText(money(max(o.owed_before - o.tier_discount - o.coupon_discount
                                   - o.points_value, Decimal(0))))
        s["paid"].setText(money(o.paid))
        after = money(o.owed_after)
        if o.credit_after > 0:
            after = self.tr("{0}（预存 {1}）").format(after, money(o.credit_after))
        s["after"].setText(after)
        s["earned"].setText(f"+{o.points_earned:,}")
        s["points_after"].setText(f"{o.points_before:,} → {o.points_after:,}")
        s["card"].setText(f"{money(o.stored_value_before)} → {money(o.stored_value_after)}")
        s["bonus"].setText(f"{money(o.bonus_before)} → {money(o.bonus_after)}")
        remaining = self.remaining()
        notes = list(o.warnings)
        if remaining > 0:
            notes.insert(0, self.tr("还需支付 {0}").format(money(remaining)))
        self.quote_note.setText("\n".join(notes))

    def fill_rest(self, method: str) -> None:
        """The 补足 button: this method takes whatever is still to pay."""
        self.requote()  # what was typed a moment ago, before the quote's delay
        edit = self.amounts[method]
        try:
            current = parse_money(edit.text(), field="amount", label="")
        except UserError:
            current = Decimal(0)
        amount = current + self.remaining()
        b = self.form_data.balances
        if method == STORED_VALUE:
            try:
                bonus_typed = parse_money(self.amounts[BONUS].text(), field="amount", label="")
            except UserError:
                bonus_typed = Decimal(0)
            amount = min(amount, b.stored_value - bonus_typed)
        elif method == BONUS:
            amount = min(amount, b.stored_value_bonus)
        edit.set_amount(amount)
        self.requote()

    # -- taking it ----------------------------------------------------------------------------
    def submit(self) -> None:
        try:
            request = self.request(excess=self._excess_choice())
        except UserError as error:
            self.errors.show(error)
            return
        taken = self.services.ops.run(lambda ctx: take_payment(ctx, request), parent=self,
                                      errors=self.errors, initiator=self)
        if taken is None:
            self.requote()  # what changed underneath (another workstation) shows
            return
        self.taken = taken
        if self.open_receipt and taken.checkout_id is not None:
            receipt = self.services.call(receipt_of, taken.checkout_id)
            self.hide()
            ReceiptDialog(self.services, receipt, self.parentWidget()).exec()
        self.accept()
