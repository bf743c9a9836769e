"""The desk's loyalty actions on one patient, behind the panel's 会员 tab: sell a top-up or a
package card, exchange points for a gift, issue or void a coupon, adjust points, set the tier
by hand, pay stored value back, share a relative's card, reverse a checkout.

Each is an ``ActionDialog``: the form becomes one service call run by ``services.ops``; a
refusal shows beside its field and nothing is written.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services.billing import MONEY_METHODS, STORED_VALUE, method_label
from clinic_desktop.services.family import FamilyMember
from clinic_desktop.services.loyalty import coupons, packages, points, stored_value, tiers
from clinic_desktop.services.loyalty.payments import reverse_checkout
from clinic_desktop.services.loyalty.rules import Gift
from clinic_desktop.services.loyalty.stored_value import StoredValue
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.ledger_table import money
from ui.widgets.money_field import MoneyEdit, parse_money
from ui.widgets.rich_text import plain_label


def _methods(combo: QComboBox) -> QComboBox:
    for method in MONEY_METHODS:
        combo.addItem(method_label(method), method)
    return combo


def _reason(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(200)
    edit.setPlaceholderText(placeholder)
    return edit


class TopUpDialog(ActionDialog):
    """充值: money onto the card, with a plan's bonus when the amount reaches it."""

    def __init__(self, services: AppServices, patient_id: int, card: StoredValue,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("储值充值"), services, parent)
        self.patient_id = patient_id
        self.plans = services.call(stored_value.list_topup_plans)
        self.plan = QComboBox()
        self.plan.addItem(self.tr("不使用方案（只充本金）"), None)
        for plan in self.plans:
            self.plan.addItem(self.tr("{0}（充 {1} 送 {2}）").format(
                plan.name, money(plan.amount), money(plan.bonus)), plan.id)
        self.amount = MoneyEdit()
        self.method = _methods(QComboBox())
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.bonus = plain_label()
        self.form.addRow(plain_label(self.tr("当前储值 {0}（其中赠送 {1}）").format(
            money(card.principal + card.bonus), money(card.bonus))))
        self.form.addRow(self.tr("充值方案"), self.plan)
        self.form.addRow(self.tr("充值金额（元）"), self.amount)
        self.form.addRow(self.tr("赠送"), self.bonus)
        self.form.addRow(self.tr("支付方式"), self.method)
        self.form.addRow(self.tr("说明"), self.note)
        self.plan.currentIndexChanged.connect(self._plan_chosen)
        self.amount.textChanged.connect(self._show_bonus)
        self.fields = {"plan": self.plan, "amount": self.amount, "method": self.method}
        if self.plans:
            self.plan.setCurrentIndex(1)
        self._plan_chosen()
        self.finish(self.tr("充值"))

    def _plan_chosen(self) -> None:
        plan = next((p for p in self.plans if p.id == self.plan.currentData()), None)
        if plan is not None:
            self.amount.set_amount(plan.amount)
        self._show_bonus()

    def _show_bonus(self) -> None:
        plan = next((p for p in self.plans if p.id == self.plan.currentData()), None)
        try:
            amount = parse_money(self.amount.text(), field="amount", label="")
        except UserError:
            amount = None
        if plan is None:
            self.bonus.setText("—")
        elif amount is not None and amount >= plan.amount:
            self.bonus.setText(self.tr("送 {0}，单独记为赠送金").format(money(plan.bonus)))
        else:
            self.bonus.setText(self.tr("需充值至少 {0} 才送 {1}").format(
                money(plan.amount), money(plan.bonus)))

    def operation(self) -> Operation:
        amount = parse_money(self.amount.text(), field="amount", label=self.tr("充值金额"),
                             allow_empty=False)
        pid, method, plan, note = (self.patient_id, self.method.currentData(),
                                   self.plan.currentData(), self.note.text())
        return lambda ctx: stored_value.top_up(ctx, pid, amount=amount, method=method,
                                               plan_id=plan, note=note)


class RefundStoredValueDialog(ActionDialog):
    """退储值: principal paid back; the bonus that came with it is voided."""

    def __init__(self, services: AppServices, patient_id: int, card: StoredValue,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("退还储值"), services, parent)
        self.patient_id = patient_id
        self.amount = MoneyEdit()
        self.method = _methods(QComboBox())
        self.reason = _reason(self.tr("例如：患者搬家，退卡"))
        self.form.addRow(plain_label(self.tr("可退本金 {0}；赠送金 {1} 不退，随退款按比例作废。")
                                     .format(money(card.principal), money(card.bonus))))
        self.form.addRow(self.tr("退款金额（元）"), self.amount)
        self.form.addRow(self.tr("退款方式"), self.method)
        self.form.addRow(self.tr("原因"), self.reason)
        self.fields = {"amount": self.amount, "method": self.method, "reason": self.reason}
        self.finish(self.tr("退款"))

    def operation(self) -> Operation:
        amount = parse_money(self.amount.text(), field="amount", label=self.tr("退款金额"),
                             allow_empty=False)
        pid, method, reason = self.patient_id, self.method.currentData(), self.reason.text()
        return lambda ctx: stored_value.refund_stored_value(ctx, pid, amount=amount,
                                                            method=method, reason=reason)


class ShareStoredValueDialog(ActionDialog):
    """A household's one card: the patient spends a relative's stored value."""

    def __init__(self, services: AppServices, patient_id: int, family: tuple[FamilyMember, ...],
                 card: StoredValue, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("家庭共享储值"), services, parent)
        self.patient_id = patient_id
        self.holder = QComboBox()
        self.holder.addItem(self.tr("使用自己的储值卡"), None)
        for member in family:
            self.holder.addItem(member.name, member.patient_id)
        if card.holder_id != patient_id:
            self.holder.setCurrentIndex(max(self.holder.findData(card.holder_id), 0))
        self.form.addRow(plain_label(self.tr("只有自己的储值卡已用完的患者才能加入家人的储值卡。")))
        self.form.addRow(self.tr("使用谁的储值卡"), self.holder)
        self.fields = {"holder": self.holder}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        pid, holder = self.patient_id, self.holder.currentData()
        return lambda ctx: stored_value.share_stored_value(ctx, pid, holder_id=holder)


class SellPackageDialog(ActionDialog):
    """购买套餐: the card and a charge of its price; the payment dialog may follow."""

    def __init__(self, services: AppServices, patient_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("购买套餐卡"), services, parent)
        self.patient_id = patient_id
        self.kinds = services.call(packages.list_package_types)
        self.kind = QComboBox()
        for kind in self.kinds:
            self.kind.addItem(self.tr("{0}（{1}，{2} 次，{3} 天内有效）").format(
                kind.name, money(kind.price), kind.uses, kind.valid_days), kind.id)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.pay_now = QCheckBox(self.tr("售出后立即收款"))
        self.pay_now.setChecked(True)
        if not self.kinds:
            self.form.addRow(plain_label(self.tr("还没有套餐：请经理在“会员与营销”中添加。")))
        self.form.addRow(self.tr("套餐"), self.kind)
        self.form.addRow(self.tr("说明"), self.note)
        self.form.addRow("", self.pay_now)
        self.fields = {"package_type": self.kind, "package": self.kind}
        self.finish(self.tr("售出"))

    def operation(self) -> Operation:
        if self.kind.currentData() is None:
            raise UserError(self.tr("请选择套餐。"), field="package_type")
        pid, kind, note = self.patient_id, int(self.kind.currentData()), self.note.text()
        return lambda ctx: packages.sell_package(ctx, pid, package_type_id=kind, note=note)


class RefundPackageDialog(ActionDialog):
    """退套餐: the unused uses given up, their share of the price paid back or kept on the
    account."""

    def __init__(self, services: AppServices, card: packages.PackageCardInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("退套餐"), services, parent)
        self.card_id = card.id
        most = packages.refund_value(card)
        self.amount = MoneyEdit()
        self.amount.setText(f"{most:.2f}")
        self.method = _methods(QComboBox())
        self.method.addItem(method_label(STORED_VALUE), STORED_VALUE)
        self.method.addItem(self.tr("不退钱，留在账上（抵欠费或作预存）"), None)
        self.reason = _reason(self.tr("例如：患者搬家"))
        self.form.addRow(plain_label(self.tr("{0}：剩余 {1} / {2} 次，售价 {3}。").format(
            card.name, card.left, card.uses, money(card.price))))
        self.form.addRow(plain_label(self.tr("最多可退 {0}（剩余次数按比例），少退即扣手续费。")
                                     .format(money(most))))
        self.form.addRow(plain_label(self.tr("套餐没付清的部分冲减欠费，只退付过的钱。")))
        self.form.addRow(self.tr("退款金额（元）"), self.amount)
        self.form.addRow(self.tr("退款方式"), self.method)
        self.form.addRow(self.tr("原因"), self.reason)
        self.fields = {"amount": self.amount, "method": self.method, "reason": self.reason,
                       "card": self.amount}
        self.finish(self.tr("退套餐"))

    def operation(self) -> Operation:
        amount = parse_money(self.amount.text(), field="amount", label=self.tr("退款金额"),
                             allow_empty=False)
        card, method, reason = self.card_id, self.method.currentData(), self.reason.text()
        return lambda ctx: packages.refund_package(ctx, card, amount=amount, method=method,
                                                   reason=reason)


class IssueCouponDialog(ActionDialog):
    def __init__(self, services: AppServices, patient_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("发放优惠券"), services, parent)
        self.patient_id = patient_id
        self.kinds = services.call(coupons.list_coupon_types)
        self.kind = QComboBox()
        for kind in self.kinds:
            self.kind.addItem(self.tr("{0}（{1} 天内有效）").format(kind.name, kind.valid_days),
                              kind.id)
        if not self.kinds:
            self.form.addRow(plain_label(self.tr("还没有优惠券类型：请在“会员与营销”中添加。")))
        self.form.addRow(self.tr("优惠券"), self.kind)
        self.fields = {"coupon_type_id": self.kind, "coupon_type": self.kind}
        self.finish(self.tr("发放"))

    def operation(self) -> Operation:
        if self.kind.currentData() is None:
            raise UserError(self.tr("请选择优惠券类型。"), field="coupon_type_id")
        pid, kind = self.patient_id, int(self.kind.currentData())
        return lambda ctx: coupons.issue_coupon(ctx, pid, coupon_type_id=kind)


class VoidCouponDialog(ActionDialog):
    def __init__(self, services: AppServices, coupon: coupons.CouponInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("作废优惠券"), services, parent)
        self.coupon_id = coupon.id
        self.reason = _reason(self.tr("例如：发错了"))
        self.form.addRow(plain_label(f"{coupon.type.name} · {coupon.code}"))
        self.form.addRow(self.tr("原因"), self.reason)
        self.fields = {"reason": self.reason}
        self.finish(self.tr("作废"))

    def operation(self) -> Operation:
        cid, reason = self.coupon_id, self.reason.text()
        return lambda ctx: coupons.void_coupon(ctx, cid, reason=reason)


class RedeemGiftDialog(ActionDialog):
    """积分兑换礼品 from the clinic's list."""

    def __init__(self, services: AppServices, patient_id: int, gifts: tuple[Gift, ...],
                 available: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("积分兑换礼品"), services, parent)
        self.patient_id = patient_id
        self.gift = QComboBox()
        for gift in gifts:
            self.gift.addItem(self.tr("{0}（{1:,} 积分）").format(gift.name, gift.points),
                              gift.name)
            if gift.points > available:
                index = self.gift.count() - 1
                self.gift.setItemData(index, self.tr("积分不足"), Qt.ItemDataRole.ToolTipRole)
        self.form.addRow(plain_label(self.tr("可用积分 {0:,}").format(available)))
        if not gifts:
            self.form.addRow(plain_label(self.tr("诊所还没有礼品清单：请经理在“会员与营销 → "
                                                 "积分与规则”中添加。")))
        self.form.addRow(self.tr("礼品"), self.gift)
        self.fields = {"gift": self.gift}
        self.finish(self.tr("兑换"))

    def operation(self) -> Operation:
        if self.gift.currentData() is None:
            raise UserError(self.tr("请选择礼品。"), field="gift")
        pid, gift = self.patient_id, str(self.gift.currentData())
        return lambda ctx: points.redeem_gift(ctx, pid, gift=gift)


class AdjustPointsDialog(ActionDialog):
    def __init__(self, services: AppServices, patient_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("调整积分"), services, parent)
        self.patient_id = patient_id
        self.points = QSpinBox()
        self.points.setRange(-points.MAX_POINTS, points.MAX_POINTS)
        self.points.setGroupSeparatorShown(True)
        self.reason = _reason(self.tr("例如：补录纸质会员卡积分"))
        self.form.addRow(self.tr("积分（负数为扣减）"), self.points)
        self.form.addRow(self.tr("原因"), self.reason)
        self.fields = {"points": self.points, "reason": self.reason}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        pid, amount, reason = self.patient_id, self.points.value(), self.reason.text()
        return lambda ctx: points.adjust_points(ctx, pid, points=amount, reason=reason)


class TierOverrideDialog(ActionDialog):
    """A manager sets the tier by hand, kept until a day (or until the next change)."""

    def __init__(self, services: AppServices, patient_id: int, current: str | None,
                 today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("调整会员等级"), services, parent)
        self.patient_id = patient_id
        self.tier = QComboBox()
        self.tier.addItem(self.tr("无等级"), None)
        for tier in services.call(tiers.list_tiers):
            self.tier.addItem(tier.name, tier.id)
            if tier.name == current:
                self.tier.setCurrentIndex(self.tier.count() - 1)
        self.hold = QCheckBox(self.tr("保留到"))
        self.until = QDateEdit(QDate(today.year + 1, today.month, min(today.day, 28)))
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.until.setCalendarPopup(True)
        self.until.setMinimumDate(QDate(today.year, today.month, today.day))
        self.until.setEnabled(False)
        self.hold.toggled.connect(self.until.setEnabled)
        self.reason = _reason(self.tr("例如：老客户，院长特批"))
        self.form.addRow(self.tr("等级"), self.tier)
        self.form.addRow(self.hold, self.until)
        self.form.addRow(self.tr("原因"), self.reason)
        self.form.addRow(QLabel(self.tr("不勾选“保留到”时，夜间任务按消费情况照常升降级。")))
        self.fields = {"tier": self.tier, "held_until": self.until, "reason": self.reason}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        pid, tier, reason = self.patient_id, self.tier.currentData(), self.reason.text()
        chosen = self.until.date()
        held = date(chosen.year(), chosen.month(), chosen.day()) if self.hold.isChecked() else None
        return lambda ctx: tiers.override_tier(ctx, pid, tier_id=tier, reason=reason,
                                               held_until=held)


class ReverseCheckoutDialog(ActionDialog):
    """冲正: the checkout undone by new entries (never edited away)."""

    def __init__(self, services: AppServices, checkout_id: int, what: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("冲正收款"), services, parent)
        self.checkout_id = checkout_id
        self.reason = _reason(self.tr("例如：收错金额，重新收款"))
        self.form.addRow(plain_label(what))
        self.form.addRow(plain_label(self.tr("冲正会写入相反的账目、退回积分和优惠券；"
                                             "原记录保留。")))
        self.form.addRow(self.tr("原因"), self.reason)
        self.fields = {"reason": self.reason, "checkout": self.reason}
        self.finish(self.tr("冲正"))

    def operation(self) -> Operation:
        cid, reason = self.checkout_id, self.reason.text()
        return lambda ctx: reverse_checkout(ctx, cid, reason=reason)
