"""The panel's 会员 tab: the tier and what the next one needs, points, the stored-value card,
package cards, coupons, the tier's history and the referral chain, with the desk's actions.

Read with one call (``member_card``) when the tab is shown or the shown patient changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPoint, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.permissions import Permission
from clinic_desktop.services.billing import LedgerRecord, kind_label
from clinic_desktop.services.family import FamilyMember
from clinic_desktop.services.loyalty.coupons import CouponInfo, status_label
from clinic_desktop.services.loyalty.member import MemberCard, member_card
from clinic_desktop.services.loyalty.packages import PackageCardInfo
from clinic_desktop.services.loyalty.points import PointsEntryInfo
from clinic_desktop.services.loyalty.points import kind_label as points_kind_label
from clinic_desktop.services.loyalty.referrals import ReferredPatient
from clinic_desktop.services.loyalty.tiers import TierChangeInfo, cause_label
from ui.app_services import AppServices
from ui.dialogs import loyalty_actions as actions
from ui.widgets.common import make_table, pop_up, selected_record
from ui.widgets.ledger_table import fit_columns, money
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import Column, RecordTableModel, SortProxy
from ui.widgets.tier_chip import tier_chip

PACKAGE_STATUS = {
    "active": QT_TRANSLATE_NOOP("MemberTab", "可用"),
    "used_up": QT_TRANSLATE_NOOP("MemberTab", "已用完"),
    "expired": QT_TRANSLATE_NOOP("MemberTab", "已过期"),
    "refunded": QT_TRANSLATE_NOOP("MemberTab", "已退"),
}


class MemberTab(QWidget):
    """``payment_requested`` asks the panel for the payment dialog (after a package sale)."""

    payment_requested = Signal()

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.card: MemberCard | None = None
        self.patient_id: int | None = None
        self.family: tuple[FamilyMember, ...] = ()
        self._stale = True
        self._proxies: list[SortProxy] = []
        self.views: list[QTableView] = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.chip_row = QHBoxLayout()
        top.addLayout(self.chip_row)
        self.tier_text = plain_label()
        self.tier_text.setObjectName("memberTier")
        self.tier_text.setWordWrap(True)
        top.addWidget(self.tier_text, 1)
        layout.addLayout(top)
        self.summary = plain_label()
        self.summary.setObjectName("memberSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in (
            ("topup", self.tr("充值")), ("package", self.tr("购买套餐")),
            ("gift", self.tr("兑换礼品")), ("coupon", self.tr("发券")),
            ("points", self.tr("调整积分")), ("tier", self.tr("调整等级")),
            ("refund", self.tr("退储值")), ("share", self.tr("家庭共享")),
        ):
            button = QPushButton(text)
            button.setObjectName(f"member_{key}")
            button.clicked.connect(lambda _=False, k=key: self.act(k))
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self._build_tables()

    # -- tables -----------------------------------------------------------------------------
    def _build_tables(self) -> None:
        fmt = self.services.format_datetime
        self.points_model: RecordTableModel[PointsEntryInfo] = RecordTableModel([
            Column(self.tr("时间"), lambda e: fmt(e.at), sort_key=lambda e: (e.at, e.id)),
            Column(self.tr("类型"), lambda e: points_kind_label(e.kind)),
            Column(self.tr("积分"), lambda e: f"{e.points:+,}", sort_key=lambda e: e.points,
                   align_right=True,
                   colour=lambda e: "#067647" if e.points > 0 else "#B42318"),
            Column(self.tr("到期"), lambda e: f"{e.expires_on:%Y-%m-%d}" if e.expires_on else "",
                   sort_key=lambda e: e.expires_on.isoformat() if e.expires_on else ""),
            Column(self.tr("说明"), lambda e: " ".join(filter(None, (e.rule, e.note)))),
        ], key=lambda e: e.id)
        self.card_model: RecordTableModel[LedgerRecord] = RecordTableModel([
            Column(self.tr("时间"), lambda e: fmt(e.at), sort_key=lambda e: (e.at, e.id)),
            Column(self.tr("类型"), lambda e: kind_label(e.kind)),
            Column(self.tr("账户"), lambda e: self.tr("本金") if e.pot == "principal"
                   else self.tr("赠送金")),
            Column(self.tr("金额"), lambda e: money(e.amount), sort_key=lambda e: e.amount,
                   align_right=True),
            Column(self.tr("说明"), lambda e: e.note),
        ], key=lambda e: e.id)
        self.package_model: RecordTableModel[PackageCardInfo] = RecordTableModel([
            Column(self.tr("套餐"), lambda c: c.name),
            Column(self.tr("剩余/总次数"), lambda c: f"{c.left} / {c.uses}",
                   sort_key=lambda c: c.left, align_right=True),
            Column(self.tr("有效期至"), lambda c: f"{c.expires_on:%Y-%m-%d}",
                   sort_key=lambda c: c.expires_on),
            Column(self.tr("价格"), lambda c: money(c.price), sort_key=lambda c: c.price,
                   align_right=True),
            Column(self.tr("状态"), lambda c: self.tr(str(PACKAGE_STATUS.get(c.status,
                                                                            c.status))),
                   colour=lambda c: None if c.status == "active" else "#7B8794"),
        ], key=lambda c: c.id)
        self.coupon_model: RecordTableModel[CouponInfo] = RecordTableModel([
            Column(self.tr("优惠券"), lambda c: c.type.name),
            Column(self.tr("券码"), lambda c: c.code),
            Column(self.tr("有效期至"), lambda c: f"{c.expires_on:%Y-%m-%d}",
                   sort_key=lambda c: c.expires_on),
            Column(self.tr("状态"), lambda c: status_label(c.status),
                   colour=lambda c: None if c.status == "issued" else "#7B8794"),
            Column(self.tr("发放"), lambda c: fmt(c.issued_at), sort_key=lambda c: c.issued_at),
        ], key=lambda c: c.id)
        self.tier_model: RecordTableModel[TierChangeInfo] = RecordTableModel([
            Column(self.tr("时间"), lambda t: fmt(t.at), sort_key=lambda t: (t.at, t.id)),
            Column(self.tr("等级"), lambda t: t.tier or self.tr("无")),
            Column(self.tr("原因"), lambda t: cause_label(t.cause)),
            Column(self.tr("保留至"), lambda t: f"{t.held_until:%Y-%m-%d}" if t.held_until
                   else ""),
            Column(self.tr("说明"), lambda t: t.reason),
        ], key=lambda t: t.id)
        self.referral_model: RecordTableModel[ReferredPatient] = RecordTableModel([
            Column(self.tr("被介绍人"), lambda r: r.name),
            Column(self.tr("病历号"), lambda r: r.code),
            Column(self.tr("奖励"), lambda r: r.reward or ""),
            Column(self.tr("奖励时间"), lambda r: fmt(r.rewarded_at)),
        ], key=lambda r: r.patient_id)
        self.pages: dict[str, QWidget] = {
            "points": self._table(self.points_model, 4),
            "card": self._table(self.card_model, 4),
            "packages": self._table(self.package_model, 0),
            "coupons": self._table(self.coupon_model, 0),
            "tiers": self._table(self.tier_model, 4),
            "referrals": self._referrals_page(),
        }
        self.titles = {"points": self.tr("积分明细"), "card": self.tr("储值明细"),
                       "packages": self.tr("套餐卡"), "coupons": self.tr("优惠券"),
                       "tiers": self.tr("等级记录"), "referrals": self.tr("转介绍")}
        for key, page in self.pages.items():
            self.tabs.addTab(page, self.titles[key])
        self.coupon_view = self.views[3]
        self.coupon_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.coupon_view.customContextMenuRequested.connect(self._coupon_menu)
        self.package_view = self.views[2]
        self.package_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.package_view.customContextMenuRequested.connect(self._package_menu)

    def _table(self, model: RecordTableModel, stretch: int) -> QTableView:  # type: ignore[type-arg]
        proxy = SortProxy()
        proxy.setSourceModel(model)
        view = make_table(proxy, stretch_column=stretch, descending=True)
        self._proxies.append(proxy)
        self.views.append(view)
        return view

    def _referrals_page(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        self.referred_by = QPushButton()
        self.referred_by.setObjectName("referredBy")
        self.referred_by.setFlat(True)
        self.referred_by.clicked.connect(self._open_referrer)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("介绍人：")))
        row.addWidget(self.referred_by)
        row.addStretch(1)
        layout.addLayout(row)
        view = self._table(self.referral_model, 0)
        view.doubleClicked.connect(self._open_referred)
        layout.addWidget(view)
        return box

    # -- data -------------------------------------------------------------------------------
    def show_patient(self, patient_id: int, family: tuple[FamilyMember, ...]) -> None:
        """The panel shows another patient (or the same after a change): read when visible."""
        self.patient_id = patient_id
        self.family = family
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        if self.patient_id is None:
            return
        self.card = self.services.call(member_card, self.patient_id)
        self._stale = False
        self._render()

    def _render(self) -> None:
        card = self.card
        assert card is not None
        while self.chip_row.count():
            item = self.chip_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        t = card.tier
        if t.tier is not None:
            self.chip_row.addWidget(tier_chip(t.tier.name, t.tier.colour))
        self.tier_text.setText(self._tier_sentence(card))
        self.summary.setText(self._summary_sentence(card))
        self.points_model.replace(card.points.entries)
        self.card_model.replace(card.card_entries)
        self.package_model.replace(card.packages)
        self.coupon_model.replace(card.coupons)
        self.tier_model.replace(card.tier_history)
        self.referral_model.replace(card.referrals.referred)
        by = card.referrals.referred_by
        self.referred_by.setText(f"{by.name} · {by.code}" if by else self.tr("无"))
        self.referred_by.setEnabled(by is not None)
        for view in self.views:
            fit_columns(view)
        can_bill = self.services.can(Permission.BILLING_EDIT)
        manage = self.services.can(Permission.LOYALTY_MANAGE)
        for key in ("topup", "package", "gift", "refund", "share"):
            self.buttons[key].setVisible(can_bill)
        for key in ("coupon", "points", "tier"):
            self.buttons[key].setVisible(manage)
        sv = card.stored_value
        self.buttons["refund"].setEnabled(sv.principal > 0 and sv.holder_id == card.patient_id)
        self.buttons["share"].setEnabled(bool(self.family))
        self.buttons["gift"].setEnabled(bool(card.rules.gifts))

    def _tier_sentence(self, card: MemberCard) -> str:
        t = card.tier
        parts = []
        if t.tier is None:
            parts.append(self.tr("非会员"))
        elif t.since is not None:
            parts.append(self.tr("自 {0:%Y-%m-%d} 起").format(self.services.local(t.since)))
        if t.manual:
            parts.append(self.tr("手动设定，保留至 {0:%Y-%m-%d}").format(t.held_until)
                         if t.held_until else self.tr("手动设定"))
        parts.append(self.tr("近 {0} 个月消费 {1}，充值 {2}").format(
            card.rules.tier_window_months, money(t.spend), money(t.topups)))
        if t.next_tier is not None and t.missing is not None:
            parts.append(self.tr("再{0} {1} 可升为{2}").format(
                self.tr("消费") if t.next_tier.threshold_kind == "spend" else self.tr("充值"),
                money(t.missing), t.next_tier.name))
        return "　·　".join(parts)

    def _summary_sentence(self, card: MemberCard) -> str:
        p, sv = card.points, card.stored_value
        parts = [self.tr("积分 {0:,}（可用 {1:,}）").format(p.balance, p.available)]
        if p.expiring_soon and p.next_expiry is not None:
            parts.append(self.tr("{0:,} 积分将于 {1:%Y-%m-%d} 前过期").format(
                p.expiring_soon, p.next_expiry))
        text = self.tr("储值 {0}（本金 {1}，赠送 {2}）").format(
            money(sv.principal + sv.bonus), money(sv.principal), money(sv.bonus))
        holder = next((m for m in self.family if m.patient_id == sv.holder_id), None)
        if sv.holder_id != card.patient_id:
            text += self.tr("，使用{0}的储值卡").format(holder.name if holder else "")
        elif sv.shared_with:
            text += self.tr("，{0} 位家人共用").format(len(sv.shared_with))
        parts.append(text)
        usable = [c for c in card.packages if c.status == "active"]
        if usable:
            parts.append(self.tr("套餐 {0} 张").format(len(usable)))
        coupons = [c for c in card.coupons if c.status == "issued"]
        if coupons:
            parts.append(self.tr("优惠券 {0} 张").format(len(coupons)))
        return "　·　".join(parts)

    # -- actions ----------------------------------------------------------------------------
    def act(self, key: str) -> None:
        card, pid = self.card, self.patient_id
        if card is None or pid is None:
            return
        today = self.services.local(self.services.ctx.now()).date()
        sv = card.stored_value
        builders: dict[str, Callable[[], QDialog]] = {
            "topup": lambda: actions.TopUpDialog(self.services, pid, sv, self),
            "refund": lambda: actions.RefundStoredValueDialog(self.services, pid, sv, self),
            "share": lambda: actions.ShareStoredValueDialog(self.services, pid, self.family, sv,
                                                            self),
            "package": lambda: actions.SellPackageDialog(self.services, pid, self),
            "coupon": lambda: actions.IssueCouponDialog(self.services, pid, self),
            "gift": lambda: actions.RedeemGiftDialog(
                self.services, pid, card.rules.gifts, card.points.available, self),
            "points": lambda: actions.AdjustPointsDialog(self.services, pid, self),
            "tier": lambda: actions.TierOverrideDialog(
                self.services, pid, card.tier.tier.name if card.tier.tier else None, today,
                self),
        }
        dialog = builders[key]()
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted and isinstance(dialog, actions.SellPackageDialog) \
                and dialog.pay_now.isChecked():
            self.payment_requested.emit()

    def _package_menu(self, point: QPoint) -> None:
        card = selected_record(self.package_view)
        if not isinstance(card, PackageCardInfo) or card.left <= 0 \
                or card.status == "refunded" or not self.services.can(Permission.BILLING_EDIT):
            return
        menu = QMenu(self)
        refund = menu.addAction(self.tr("退剩余次数…"))
        refund.triggered.connect(lambda: actions.RefundPackageDialog(self.services, card,
                                                                     self).exec())
        pop_up(menu, self.package_view.viewport().mapToGlobal(point))

    def _coupon_menu(self, point: QPoint) -> None:
        coupon = selected_record(self.coupon_view)
        if not isinstance(coupon, CouponInfo) or coupon.status != "issued" \
                or not self.services.can(Permission.LOYALTY_MANAGE):
            return
        menu = QMenu(self)
        void = menu.addAction(self.tr("作废…"))
        void.triggered.connect(lambda: actions.VoidCouponDialog(self.services, coupon,
                                                                self).exec())
        pop_up(menu, self.coupon_view.viewport().mapToGlobal(point))

    def _open_referrer(self) -> None:
        if self.card is not None and self.card.referrals.referred_by is not None:
            self.services.request_patient(self.card.referrals.referred_by.patient_id)

    def _open_referred(self) -> None:
        view = self.views[-1]
        record = selected_record(view)
        if isinstance(record, ReferredPatient):
            self.services.request_patient(record.patient_id)
