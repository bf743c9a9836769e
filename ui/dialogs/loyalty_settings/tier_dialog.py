"""新增/编辑会员等级: name, rank, how it is reached, discounts by category, points multiplier,
colour (previewed as the chip the patient panel shows)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.catalogue import ProcedureInfo
from clinic_desktop.services.loyalty.rules import ANY
from clinic_desktop.services.loyalty.tiers import (
    THRESHOLD_KINDS,
    TierInfo,
    TierInput,
    save_tier,
    threshold_kind_label,
)
from ui.app_services import AppServices
from ui.dialogs.loyalty_settings.fields import (
    PRESETS,
    ZERO,
    ColourPicker,
    RatesTable,
    categories_of,
    money_edit,
    parse_money,
    table_editor,
)
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.rich_text import plain_label
from ui.widgets.tier_chip import tier_chip


class TierDialog(ActionDialog):
    def __init__(self, services: AppServices, existing: TierInfo | None, *,
                 tiers: Sequence[TierInfo], procedures: Sequence[ProcedureInfo],
                 window_months: int = 12, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑会员等级") if existing else self.tr("新增会员等级"),
                         services, parent)
        self.existing = existing
        self.setProperty("loyaltyForm", True)  # switched-off fields look switched off
        self.window_months = window_months
        others = [t for t in tiers if existing is None or t.id != existing.id]
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText(self.tr("例如：金卡"))
        self.chip = tier_chip("", None)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.chip)
        self.rank = QSpinBox()
        self.rank.setRange(1, 99)
        self.rank.setValue(existing.rank if existing else
                           max((t.rank for t in others), default=0) + 1)
        self.rank.setToolTip(self.tr("数字越大，等级越高"))
        self.kind = QComboBox()
        for kind in THRESHOLD_KINDS:
            self.kind.addItem(threshold_kind_label(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(
            existing.threshold_kind if existing else "spend")))
        self.kind_hint = plain_label()
        self.kind_hint.setObjectName("formHint")
        self.kind_hint.setWordWrap(True)
        self.threshold = money_edit(existing.threshold if existing and existing.threshold
                                    else None)
        self.multiplier = QSpinBox()
        self.multiplier.setRange(10, 1000)
        self.multiplier.setSingleStep(10)
        self.multiplier.setSuffix("%")
        self.multiplier.setValue(existing.multiplier_percent if existing else 100)
        self.multiplier.setToolTip(self.tr("100% 为正常积分，150% 即 1.5 倍积分"))
        used = {t.colour.upper() for t in others}
        self.colour = ColourPicker(existing.colour if existing else next(
            (p for p in PRESETS if p not in used), PRESETS[0]))
        self.active = QCheckBox(self.tr("启用"))
        self.active.setChecked(existing.active if existing else True)
        left = QFormLayout()
        left.addRow(self.tr("名称"), name_row)
        left.addRow(self.tr("排序"), self.rank)
        left.addRow(self.tr("升级条件"), self.kind)
        left.addRow("", self.kind_hint)
        left.addRow(self.tr("门槛（元）"), self.threshold)
        left.addRow(self.tr("积分倍数"), self.multiplier)
        left.addRow(self.tr("颜色"), self.colour)
        left.addRow("", self.active)

        discounts = existing.discounts if existing else {ANY: ZERO}
        self.discounts = RatesTable(categories_of(procedures, discounts), self.tr("减免"),
                                    high=99.99, suffix="%")
        self.discounts.set_rates(discounts)
        self.discounts.setMinimumWidth(260)
        group = QGroupBox(self.tr("各类项目折扣"))
        group_layout = QVBoxLayout(group)
        group_layout.addWidget(table_editor(self.discounts, self.tr("添加类别"),
                                            self.discounts.add_rate,
                                            self.discounts.remove_selected), 1)
        hint = QLabel(self.tr("填写减免的百分比：95 折填 5。未列出的类别按“其他所有类别”。"))
        hint.setObjectName("formHint")
        hint.setWordWrap(True)
        group_layout.addWidget(hint)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(group, 2)
        self.body.addLayout(columns)
        self.fields = {"name": self.name, "rank": self.rank, "threshold_kind": self.kind,
                       "threshold": self.threshold, "multiplier_percent": self.multiplier,
                       "discounts": self.discounts, "colour": self.colour.button}
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.name.textChanged.connect(lambda _t: self._preview())
        self.colour.changed.connect(lambda _c: self._preview())
        self._kind_changed()
        self._preview()
        self.finish(self.tr("保存"))
        self.setMinimumWidth(720)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.threshold.setEnabled(kind != "manual")
        months = self.window_months
        self.kind_hint.setText({
            "spend": self.tr("近 {0} 个月实付金额（不含赠送金）达到门槛即升级。").format(months),
            "topup": self.tr("近 {0} 个月充值本金达到门槛即升级。").format(months),
            "manual": self.tr("不自动升级，只能由经理在患者资料中手动授予。"),
        }.get(str(kind), ""))

    def _preview(self) -> None:
        """The chip the panel and the lists will show, as the name and colour are typed."""
        name = self.name.text().strip() or self.tr("示例")
        styled = tier_chip(name, self.colour.colour())  # the one place a chip's look is made
        self.chip.setText(name)
        self.chip.setStyleSheet(styled.styleSheet())
        styled.deleteLater()

    def operation(self) -> Operation:
        kind = str(self.kind.currentData())
        threshold = ZERO if kind == "manual" else parse_money(
            self.threshold, field="threshold", label=self.tr("门槛"))
        discounts: dict[str, Decimal] = self.discounts.rates(field="discounts")
        data = TierInput(self.name.text(), self.rank.value(), kind, threshold, discounts,
                         self.multiplier.value(), self.colour.colour(), self.active.isChecked())
        tier_id = self.existing.id if self.existing else None
        return lambda ctx: save_tier(ctx, data, tier_id=tier_id)
