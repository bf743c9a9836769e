"""新增/编辑优惠券: amount off, percent off (with a cap) or a free procedure; the kind decides
which fields mean something, so the others are switched off rather than silently ignored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QCoreApplication
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
from clinic_desktop.services.loyalty.coupons import (
    KINDS,
    CouponTypeInfo,
    CouponTypeInput,
    save_coupon_type,
)
from ui.app_services import AppServices
from ui.dialogs.loyalty_settings.fields import (
    ZERO,
    CheckList,
    categories_of,
    money_edit,
    parse_money,
)
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.ledger_table import money


def coupon_kind_label(kind: str) -> str:
    return {"amount": QCoreApplication.translate("CouponTypeDialog", "减免金额"),
            "percent": QCoreApplication.translate("CouponTypeDialog", "折扣"),
            "procedure": QCoreApplication.translate("CouponTypeDialog", "免费项目"),
            }.get(kind, kind)


def coupon_offer(coupon: CouponTypeInfo, procedure_names: Mapping[int, str]) -> str:
    """What the coupon gives, in a few words: 减 ¥50.00 · 减 20%（最多 ¥100.00） · 免费 口腔检查."""
    translate = QCoreApplication.translate
    if coupon.kind == "amount":
        return translate("CouponTypeDialog", "减 {0}").format(money(coupon.amount))
    if coupon.kind == "percent":
        off = translate("CouponTypeDialog", "减 {0}%").format(coupon.percent)
        if not coupon.amount:
            return off
        return translate("CouponTypeDialog", "{0}（最多 {1}）").format(off, money(coupon.amount))
    name = procedure_names.get(coupon.procedure_type_id or 0, "?")
    return translate("CouponTypeDialog", "免费 {0}").format(name)


class CouponTypeDialog(ActionDialog):
    def __init__(self, services: AppServices, existing: CouponTypeInfo | None, *,
                 procedures: Sequence[ProcedureInfo], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑优惠券") if existing else self.tr("新增优惠券"),
                         services, parent)
        self.existing = existing
        self.setProperty("loyaltyForm", True)  # switched-off fields look switched off
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText(self.tr("例如：满300减50"))
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(coupon_kind_label(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(existing.kind if existing
                                                             else "amount")))
        self.amount = money_edit(existing.amount if existing and existing.amount else None)
        self.amount_label = QLabel()
        self.percent = QSpinBox()
        self.percent.setRange(1, 99)
        self.percent.setSuffix("%")
        self.percent.setValue(existing.percent if existing and existing.percent else 10)
        self.percent.setToolTip(self.tr("减免的百分比：八折填 20"))
        self.procedure = QComboBox()
        for procedure in procedures:
            if procedure.active or (existing and existing.procedure_type_id == procedure.id):
                self.procedure.addItem(f"{procedure.name}（{procedure.category}）", procedure.id)
        if existing and existing.procedure_type_id is not None:
            self.procedure.setCurrentIndex(max(0, self.procedure.findData(
                existing.procedure_type_id)))
        self.min_spend = money_edit(existing.min_spend if existing and existing.min_spend
                                    else None)
        self.min_spend.setPlaceholderText(self.tr("0 表示无门槛"))
        self.valid_days = QSpinBox()
        self.valid_days.setRange(1, 3650)
        self.valid_days.setSuffix(self.tr(" 天"))
        self.valid_days.setValue(existing.valid_days if existing else 90)
        chosen = existing.categories if existing else ()
        self.categories = CheckList(categories_of(procedures, chosen), chosen)
        self.categories.setMinimumWidth(160)
        self.stackable = QCheckBox(self.tr("可与其他优惠券同时使用"))
        self.stackable.setChecked(bool(existing and existing.stackable))
        self.active = QCheckBox(self.tr("启用（可发放）"))
        self.active.setChecked(existing.active if existing else True)
        left = QFormLayout()
        left.addRow(self.tr("名称"), self.name)
        left.addRow(self.tr("类型"), self.kind)
        left.addRow(self.amount_label, self.amount)
        left.addRow(self.tr("减免比例"), self.percent)
        left.addRow(self.tr("免费项目"), self.procedure)
        left.addRow(self.tr("最低消费（元）"), self.min_spend)
        left.addRow(self.tr("有效期"), self.valid_days)
        left.addRow("", self.stackable)
        left.addRow("", self.active)
        group = QGroupBox(self.tr("适用类别"))
        group_layout = QVBoxLayout(group)
        group_layout.addWidget(self.categories, 1)
        hint = QLabel(self.tr("都不勾选：所有项目可用"))
        hint.setObjectName("formHint")
        hint.setWordWrap(True)
        group_layout.addWidget(hint)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(group, 1)
        self.body.addLayout(columns)
        self.fields = {"name": self.name, "kind": self.kind, "amount": self.amount,
                       "percent": self.percent, "procedure": self.procedure,
                       "min_spend": self.min_spend, "valid_days": self.valid_days}
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()
        self.finish(self.tr("保存"))
        self.setMinimumWidth(680)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.amount.setEnabled(kind in ("amount", "percent"))
        self.percent.setEnabled(kind == "percent")
        self.procedure.setEnabled(kind == "procedure")
        if kind == "percent":
            self.amount_label.setText(self.tr("最多减免（元）"))
            self.amount.setPlaceholderText(self.tr("留空表示不封顶"))
        else:
            self.amount_label.setText(self.tr("减免金额（元）"))
            self.amount.setPlaceholderText("0.00")

    def operation(self) -> Operation:
        kind = str(self.kind.currentData())
        amount = ZERO if kind == "procedure" else parse_money(
            self.amount, field="amount",
            label=self.tr("最多减免") if kind == "percent" else self.tr("减免金额"))
        min_spend = parse_money(self.min_spend, field="min_spend", label=self.tr("最低消费"))
        procedure = self.procedure.currentData() if kind == "procedure" else None
        data = CouponTypeInput(
            self.name.text(), kind, amount, self.percent.value() if kind == "percent" else 0,
            int(procedure) if procedure is not None else None, min_spend,
            self.valid_days.value(), self.categories.checked(), self.stackable.isChecked(),
            self.active.isChecked())
        type_id = self.existing.id if self.existing else None
        return lambda ctx: save_coupon_type(ctx, data, type_id=type_id)
