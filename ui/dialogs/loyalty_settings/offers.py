"""What the front desk sells: top-up plans (充值方案) and package cards (套餐卡)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services.catalogue import ProcedureInfo
from clinic_desktop.services.loyalty.packages import PackageTypeInfo, save_package_type
from clinic_desktop.services.loyalty.stored_value import TopUpPlanInfo, save_topup_plan
from ui.app_services import AppServices
from ui.dialogs.loyalty_settings.fields import ProcedureTree, money_edit, number_text, parse_money
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.ledger_table import money
from ui.widgets.rich_text import plain_label


def _quiet_money(edit: QLineEdit) -> Decimal | None:
    """The amount for a live hint: None while what is typed is not (yet) a number."""
    text = "".join(edit.text().split()).replace(",", "").replace("¥", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class TopUpPlanDialog(ActionDialog):
    def __init__(self, services: AppServices, existing: TopUpPlanInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑充值方案") if existing else self.tr("新增充值方案"),
                         services, parent)
        self.existing = existing
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText(self.tr("例如：充5000送500"))
        self.amount = money_edit(existing.amount if existing else None)
        self.bonus = money_edit(existing.bonus if existing else None)
        self.summary = plain_label()
        self.summary.setObjectName("formHint")
        self.active = QCheckBox(self.tr("启用（收银时可选）"))
        self.active.setChecked(existing.active if existing else True)
        self.form.addRow(self.tr("名称"), self.name)
        self.form.addRow(self.tr("充值金额（元）"), self.amount)
        self.form.addRow(self.tr("赠送金额（元）"), self.bonus)
        self.form.addRow("", self.summary)
        self.form.addRow("", self.active)
        self.fields = {"name": self.name, "amount": self.amount, "bonus": self.bonus}
        for edit in (self.amount, self.bonus):
            edit.textChanged.connect(lambda _t: self._summarise())
        self._summarise()
        self.finish(self.tr("保存"))

    def _summarise(self) -> None:
        amount, bonus = _quiet_money(self.amount), _quiet_money(self.bonus) or Decimal(0)
        if amount is None or amount <= 0:
            self.summary.setText(self.tr("赠送金单独记账，退款只退本金。"))
            return
        self.summary.setText(self.tr("到账 {0}，赠送 {1}%").format(
            money(amount + bonus), number_text(bonus * 100 / amount)))

    def operation(self) -> Operation:
        amount = parse_money(self.amount, field="amount", label=self.tr("充值金额"))
        bonus = parse_money(self.bonus, field="bonus", label=self.tr("赠送金额"))
        plan_id, name, active = (self.existing.id if self.existing else None, self.name.text(),
                                 self.active.isChecked())
        return lambda ctx: save_topup_plan(ctx, plan_id=plan_id, name=name, amount=amount,
                                           bonus=bonus, active=active)


class PackageTypeDialog(ActionDialog):
    def __init__(self, services: AppServices, existing: PackageTypeInfo | None, *,
                 procedures: Sequence[ProcedureInfo], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑套餐卡") if existing else self.tr("新增套餐卡"),
                         services, parent)
        self.existing = existing
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setPlaceholderText(self.tr("例如：洁牙 10 次卡"))
        self.price = money_edit(existing.price if existing else None)
        self.uses = QSpinBox()
        self.uses.setRange(1, 1000)
        self.uses.setValue(existing.uses if existing else 10)
        self.uses.setSuffix(self.tr(" 次"))
        self.valid_days = QSpinBox()
        self.valid_days.setRange(1, 3650)
        self.valid_days.setValue(existing.valid_days if existing else 365)
        self.valid_days.setSuffix(self.tr(" 天"))
        self.per_use = plain_label()
        self.per_use.setObjectName("formHint")
        self.procedures = ProcedureTree(procedures, existing.procedure_ids if existing else ())
        self.procedures.setMinimumSize(220, 300)
        self.active = QCheckBox(self.tr("启用（收银时可售）"))
        self.active.setChecked(existing.active if existing else True)
        left = QFormLayout()
        left.addRow(self.tr("名称"), self.name)
        left.addRow(self.tr("售价（元）"), self.price)
        left.addRow(self.tr("次数"), self.uses)
        left.addRow("", self.per_use)
        left.addRow(self.tr("有效期"), self.valid_days)
        left.addRow("", self.active)
        group = QGroupBox(self.tr("适用项目"))
        group_layout = QVBoxLayout(group)
        group_layout.addWidget(self.procedures, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(group, 2)
        self.body.addLayout(columns)
        self.fields = {"name": self.name, "price": self.price, "uses": self.uses,
                       "valid_days": self.valid_days, "procedures": self.procedures}
        self.price.textChanged.connect(lambda _t: self._summarise())
        self.uses.valueChanged.connect(lambda _v: self._summarise())
        self._summarise()
        self.finish(self.tr("保存"))
        self.setMinimumWidth(680)

    def _summarise(self) -> None:
        price = _quiet_money(self.price)
        self.per_use.setText(
            self.tr("每次约 {0}").format(money(price / self.uses.value()))
            if price and price > 0 else self.tr("完成所选项目的就诊时自动扣一次。"))

    def operation(self) -> Operation:
        price = parse_money(self.price, field="price", label=self.tr("售价"))
        chosen = self.procedures.checked_ids()
        if not chosen:
            raise UserError(self.tr("请至少勾选一个适用项目。"), field="procedures")
        type_id, name, uses = (self.existing.id if self.existing else None, self.name.text(),
                               self.uses.value())
        days, active = self.valid_days.value(), self.active.isChecked()
        return lambda ctx: save_package_type(ctx, type_id=type_id, name=name, price=price,
                                             uses=uses, valid_days=days,
                                             procedure_ids=chosen, active=active)
