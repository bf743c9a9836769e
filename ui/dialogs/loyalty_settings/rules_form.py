"""积分与规则: the clinic's loyalty rules as one form, saved as a new version from a chosen day
(today or later, never rewriting the past), with the versions kept so far beside it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.errors import UserError
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.loyalty.coupons import CouponTypeInfo, list_coupon_types
from clinic_desktop.services.loyalty.rules import (
    REWARDS,
    SETTING,
    Gift,
    LoyaltyRules,
    RulesVersion,
    read_rules,
    rules_history,
    save_rules,
)
from ui.app_services import AppServices
from ui.dialogs.loyalty_settings.fields import (
    RatesTable,
    categories_of,
    money_edit,
    parse_money,
    table_editor,
)
from ui.errors import FieldErrors
from ui.widgets.common import make_table
from ui.widgets.qt_dates import qdate
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

NAME, POINTS = range(2)


def spin(low: int, high: int, suffix: str = "", step: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(True)
    return box


class GiftTable(QTableWidget):
    """积分兑换礼品: a name and the points it costs, one row each."""

    def __init__(self) -> None:
        super().__init__(0, 2)
        self.setHorizontalHeaderLabels([self.tr("礼品"), self.tr("所需积分")])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(34)
        header = self.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(POINTS, QHeaderView.ResizeMode.ResizeToContents)

    def set_gifts(self, gifts: Sequence[Gift]) -> None:
        self.setRowCount(0)
        for gift in gifts:
            self.add_gift(gift)

    def add_gift(self, gift: Gift | None = None) -> None:
        row = self.rowCount()
        self.insertRow(row)
        self.setItem(row, NAME, QTableWidgetItem(gift.name if gift else ""))
        points = spin(1, 10_000_000, step=100)
        points.setValue(gift.points if gift else 1000)
        self.setCellWidget(row, POINTS, points)
        self.setCurrentCell(row, NAME)
        name = self.item(row, NAME)
        if gift is None and name is not None:
            self.editItem(name)

    def remove_selected(self) -> None:
        if self.currentRow() >= 0:
            self.removeRow(self.currentRow())

    def gifts(self) -> tuple[Gift, ...]:
        found = []
        for row in range(self.rowCount()):
            item, points = self.item(row, NAME), self.cellWidget(row, POINTS)
            assert isinstance(points, QSpinBox)
            found.append(Gift(item.text() if item is not None else "", points.value()))
        return tuple(found)


class LoyaltyRulesForm(QWidget):
    """The rules in force today, editable; saving writes one new version."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setProperty("loyaltyForm", True)
        procedures = services.call(list_procedures, include_inactive=True)
        current = services.call(read_rules).rules
        self.rates = RatesTable(categories_of(procedures, current.points_per_yuan),
                                self.tr("每元积分"), high=100)
        self.rates.setMinimumHeight(96)
        self.redeem = spin(1, 1_000_000, self.tr(" 积分抵 ¥1"), step=10)
        self.expiry = spin(0, 120, self.tr(" 个月"))
        self.expiry.setSpecialValueText(self.tr("永不过期"))
        self.birthday = spin(0, 1_000_000, self.tr(" 积分"), step=50)
        self.tier_window = spin(1, 60, self.tr(" 个月"))
        self.grace = spin(0, 365, self.tr(" 天"))
        self.bonus_order = QComboBox()
        self.bonus_order.addItem(self.tr("先用本金，后用赠送金"), False)
        self.bonus_order.addItem(self.tr("先用赠送金，后用本金"), True)
        self.package_warn = spin(0, 365, self.tr(" 天"))
        self.reward = QComboBox()
        for reward in REWARDS:
            self.reward.addItem(self.reward_label(reward), reward)
        self.reward_points = spin(0, 1_000_000, self.tr(" 积分"), step=50)
        self.reward_coupon = QComboBox()
        # A long coupon name must not widen its column past the other two.
        self.reward_coupon.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reward_coupon.setMinimumContentsLength(10)
        self.reward_value = money_edit()
        # Coupons the day's care tasks bring: on the birthday, and to win a dormant patient back.
        self.birthday_coupon = self._coupon_combo()
        self.winback_coupon = self._coupon_combo()
        self.gifts = GiftTable()
        self.gifts.setMinimumHeight(130)
        self.effective = QDateEdit()
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat(self.date_format())
        self.save_button = QPushButton(self.tr("保存规则"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.status = plain_label()
        self.status.setObjectName("formHint")
        self.error_label = plain_label()
        self.history: RecordTableModel[RulesVersion] = RecordTableModel([
            Column(self.tr("生效日期"), lambda v: self.day_text(v.effective_from),
                   sort_key=lambda v: v.effective_from),
            Column(self.tr("状态"), self._state,
                   colour=lambda v: "#067647" if self._state(v) == self.tr("当前") else None),
        ], key=lambda v: v.effective_from)
        proxy = SortProxy()
        proxy.setSourceModel(self.history)
        self.history_view = make_table(proxy, stretch_column=1, descending=True)
        self.history_view.setToolTip(self.tr("双击查看该版本的规则"))
        self.history_view.setMinimumHeight(90)
        self.history_view.doubleClicked.connect(
            lambda index: self.show_version(self.history.records[proxy.mapToSource(index).row()]))
        self._build()
        self.errors = FieldErrors(self.error_label, {
            "points_per_yuan": self.rates, "redeem_points_per_yuan": self.redeem,
            "points_expiry_months": self.expiry, "birthday_points": self.birthday,
            "tier_window_months": self.tier_window, "downgrade_grace_days": self.grace,
            "bonus_first": self.bonus_order, "package_warn_days": self.package_warn,
            "referral_reward": self.reward, "referral_points": self.reward_points,
            "referral_coupon_type_id": self.reward_coupon, "referral_value": self.reward_value,
            "gifts": self.gifts, "effective_from": self.effective,
            "birthday_coupon_type_id": self.birthday_coupon,
            "winback_coupon_type_id": self.winback_coupon})
        self.reward.currentIndexChanged.connect(lambda _i: self._reward_changed())
        services.changed.connect(self._on_changed)
        self.reload()

    def _build(self) -> None:
        points = QGroupBox(self.tr("积分"))
        points_form = QFormLayout(points)
        points_form.addRow(table_editor(self.rates, self.tr("添加类别"), self.rates.add_rate,
                                        self.rates.remove_selected))
        points_form.addRow(self.tr("积分抵扣"), self.redeem)
        points_form.addRow(self.tr("积分有效期"), self.expiry)
        points_form.addRow(self.tr("生日积分"), self.birthday)
        points_form.addRow(self.tr("生日优惠券"), self.birthday_coupon)
        points_form.addRow(self.tr("召回优惠券"), self.winback_coupon)
        tiers = QGroupBox(self.tr("等级与储值"))
        tiers_form = QFormLayout(tiers)
        tiers_form.addRow(self.tr("等级统计周期"), self.tier_window)
        tiers_form.addRow(self.tr("降级宽限期"), self.grace)
        tiers_form.addRow(self.tr("储值扣款顺序"), self.bonus_order)
        tiers_form.addRow(self.tr("套餐到期提醒"), self.package_warn)
        referral = QGroupBox(self.tr("转介绍奖励"))
        referral_form = QFormLayout(referral)
        referral_form.addRow(self.tr("奖励方式"), self.reward)
        referral_form.addRow(self.tr("奖励积分"), self.reward_points)
        referral_form.addRow(self.tr("奖励优惠券"), self.reward_coupon)
        referral_form.addRow(self.tr("赠送储值（元）"), self.reward_value)
        gifts = QGroupBox(self.tr("积分兑换礼品"))
        gifts_layout = QVBoxLayout(gifts)
        gifts_layout.addWidget(table_editor(self.gifts, self.tr("添加礼品"),
                                            lambda: self.gifts.add_gift(),
                                            self.gifts.remove_selected))
        history = QGroupBox(self.tr("历史版本"))
        history_layout = QVBoxLayout(history)
        history_layout.addWidget(self.history_view)
        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        for widgets in ((points,), (tiers, referral), (gifts, history)):
            column = QVBoxLayout()
            for widget in widgets:
                column.addWidget(widget)
            columns.addLayout(column, 1)
        content = QWidget()
        content.setObjectName("rulesContent")
        content.setLayout(columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        # The tab's white shows through (no grey band around the groups).
        scroll.setStyleSheet("QScrollArea, QWidget#rulesContent { background: transparent; }")
        scroll.viewport().setAutoFillBackground(False)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("生效日期")))
        bar.addWidget(self.effective)
        bar.addWidget(self.save_button)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(bar)

    # -- words -------------------------------------------------------------------------
    def reward_label(self, reward: str) -> str:
        return {"none": self.tr("不奖励"), "points": self.tr("积分"),
                "coupon": self.tr("优惠券"), "stored_value": self.tr("赠送储值")
                }.get(reward, reward)

    def date_format(self) -> str:
        return self.tr("yyyy年M月d日")

    def day_text(self, day: date) -> str:
        return qdate(day).toString(self.date_format())

    def _today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def _state(self, version: RulesVersion) -> str:
        today = self._today()
        if version.effective_from > today:
            return self.tr("待生效")
        in_force = max((v.effective_from for v in self.history.records
                        if v.effective_from <= today), default=None)
        return self.tr("当前") if version.effective_from == in_force else self.tr("已结束")

    # -- reading and writing -------------------------------------------------------------
    def reload(self) -> None:
        """Everything from the database: the rules in force today, the versions, the coupons."""
        self.set_coupon_types(self.services.call(list_coupon_types))
        self.history.replace(self.services.call(rules_history))
        self.history_view.resizeColumnToContents(0)
        self.show_version(self.services.call(read_rules))

    def show_version(self, version: RulesVersion) -> None:
        """A version in the form, to be saved from its own day (or today, for a past one)."""
        self.load(version)
        today = self._today()
        self.effective.setMinimumDate(qdate(today))
        self.effective.setDate(qdate(max(today, version.effective_from)))
        later = [v.effective_from for v in self.history.records
                 if v.effective_from > max(today, version.effective_from)]
        if later:
            self.status.setText(self.status.text() + " " + self.tr(
                "另有 {0} 起生效的新版本。").format(self.day_text(min(later))))

    def _coupon_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        combo.setToolTip(self.tr("随每天的生日问候或久未到诊回访任务自动发放"))
        return combo

    def set_coupon_types(self, types: Sequence[CouponTypeInfo]) -> None:
        for combo in (self.birthday_coupon, self.winback_coupon):
            kept = combo.currentData()
            combo.clear()
            combo.addItem(self.tr("不发券"), None)
            for kind in types:
                combo.addItem(kind.name, kind.id)
            combo.setCurrentIndex(max(0, combo.findData(kept)))
        chosen = self.reward_coupon.currentData()
        self.reward_coupon.clear()
        if not types:
            self.reward_coupon.addItem(self.tr("（还没有优惠券）"), None)
        self.reward_coupon.setToolTip("" if types else self.tr("请先在“优惠券”中新增。"))
        for kind in types:
            self.reward_coupon.addItem(kind.name, kind.id)
        self.reward_coupon.setCurrentIndex(max(0, self.reward_coupon.findData(chosen)))

    def load(self, version: RulesVersion) -> None:
        rules = version.rules
        self.rates.set_rates(rules.points_per_yuan)
        self.redeem.setValue(rules.redeem_points_per_yuan)
        self.expiry.setValue(rules.points_expiry_months)
        self.birthday.setValue(rules.birthday_points)
        self.tier_window.setValue(rules.tier_window_months)
        self.grace.setValue(rules.downgrade_grace_days)
        self.bonus_order.setCurrentIndex(1 if rules.bonus_first else 0)
        self.package_warn.setValue(rules.package_warn_days)
        self.reward.setCurrentIndex(max(0, self.reward.findData(rules.referral_reward)))
        if rules.referral_coupon_type_id is not None:
            self.reward_coupon.setCurrentIndex(max(0, self.reward_coupon.findData(
                rules.referral_coupon_type_id)))
        self.reward_points.setValue(rules.referral_points)
        self.reward_value.setText(f"{rules.referral_value:,.2f}")
        self.gifts.set_gifts(rules.gifts)
        for combo, chosen in ((self.birthday_coupon, rules.birthday_coupon_type_id),
                              (self.winback_coupon, rules.winback_coupon_type_id)):
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        self._reward_changed()
        self.errors.clear()
        self.status.setText(self.tr("显示的是默认规则。") if version.effective_from == date.min
                            else self.tr("显示的是自 {0} 起的规则。").format(
                                self.day_text(version.effective_from)))

    def _reward_changed(self) -> None:
        reward = self.reward.currentData()
        self.reward_points.setEnabled(reward == "points")
        self.reward_coupon.setEnabled(reward == "coupon")
        self.reward_value.setEnabled(reward == "stored_value")

    def rules(self) -> LoyaltyRules:
        """The form as rules; what the form itself can tell is wrong is refused here."""
        coupon = self.reward_coupon.currentData()
        return LoyaltyRules(
            points_per_yuan=self.rates.rates(field="points_per_yuan"),
            redeem_points_per_yuan=self.redeem.value(),
            points_expiry_months=self.expiry.value(),
            bonus_first=bool(self.bonus_order.currentData()),
            tier_window_months=self.tier_window.value(),
            downgrade_grace_days=self.grace.value(),
            birthday_points=self.birthday.value(),
            referral_reward=str(self.reward.currentData()),
            referral_points=self.reward_points.value(),
            referral_coupon_type_id=int(coupon) if coupon is not None else None,
            referral_value=parse_money(self.reward_value, field="referral_value",
                                       label=self.tr("赠送储值")),
            package_warn_days=self.package_warn.value(),
            gifts=self.gifts.gifts(),
            birthday_coupon_type_id=self.birthday_coupon.currentData(),
            winback_coupon_type_id=self.winback_coupon.currentData())

    def save(self) -> None:
        try:
            rules = self.rules()
        except UserError as error:
            self.errors.show(error)
            return
        start = self.effective.date().toPython()
        assert isinstance(start, date)
        replaced = [v.effective_from for v in self.history.records if v.effective_from > start]
        if replaced and QMessageBox.question(
                self, self.tr("保存规则"), self.tr(
                    "{0} 起生效的规则将被这次保存取代，确定吗？").format(
                    "、".join(self.day_text(day) for day in replaced))
                ) != QMessageBox.StandardButton.Yes:
            return
        self.services.ops.run(lambda ctx: save_rules(ctx, rules, effective_from=start),
                              parent=self, errors=self.errors, initiator=self,
                              on_done=self._saved)

    def _saved(self, version: RulesVersion) -> None:
        self.load(version)
        self.status.setText(self.tr("已保存：{0} 起生效。").format(
            self.day_text(version.effective_from)))

    def _on_changed(self, changes: ChangeSet, initiator: object) -> None:
        if changes.touches(Area.LOYALTY):  # a coupon type added or renamed
            self.set_coupon_types(self.services.call(list_coupon_types))
        if not changes.touches_any_of(Area.SETTINGS, [SETTING]):
            return  # a tier or a plan saved: what is being typed here stays
        if initiator is self:
            self.history.replace(self.services.call(rules_history))
        else:
            self.reload()

