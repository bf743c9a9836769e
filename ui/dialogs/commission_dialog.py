"""提成比例: the manager's commission percentages — a default and one per catalogue category
(an empty box takes the default). Saved through ``doctor_report.save_commission_rates``
(audited); the doctor performance report applies them."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QGridLayout, QLineEdit, QScrollArea, QWidget

from clinic_desktop.services.insight.doctor_report import (
    CommissionRates,
    save_commission_rates,
)
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.rich_text import plain_label

COLUMNS = 2  # category boxes side by side, so a long catalogue stays on screen


def _text(percent: Decimal) -> str:
    return f"{percent.normalize():f}"


class CommissionDialog(ActionDialog):
    def __init__(self, services: AppServices, categories: list[str], rates: CommissionRates,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("提成比例"), services, parent)
        hint = plain_label(self.tr(
            "按类别设置医生提成占营业额的百分比；留空的类别按默认比例计算。"))
        hint.setObjectName("dialogSubtitle")
        hint.setWordWrap(True)
        self.body.insertWidget(0, hint)  # above the form ActionDialog has already added
        self.default = QLineEdit(_text(rates.default))
        self.default.setPlaceholderText("0")
        self.form.addRow(self.tr("默认比例（%）"), self.default)
        own = dict(rates.by_category)
        # categories with a rate but no longer in the catalogue keep theirs, shown too
        names = sorted(set(categories) | set(own))
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.edits: dict[str, QLineEdit] = {}
        for index, name in enumerate(names):
            edit = QLineEdit(_text(own[name]) if name in own else "")
            edit.setPlaceholderText(self.tr("默认"))
            edit.setMaximumWidth(90)
            row, column = divmod(index, COLUMNS)
            grid.addWidget(plain_label(name), row, column * 2)
            grid.addWidget(edit, row, column * 2 + 1)
            self.edits[name] = edit
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setMaximumHeight(330)
        scroll.setMinimumHeight(min(330, 36 * ((len(names) + 1) // COLUMNS) + 8))
        self.form.addRow(self.tr("各类别（%）"), scroll)
        self.fields = {"default": self.default, "category": self.default,
                       **{f"category:{name}": edit for name, edit in self.edits.items()}}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        default = self.default.text().strip() or "0"
        by_category = {name: edit.text().strip() for name, edit in self.edits.items()
                       if edit.text().strip()}
        return lambda ctx: save_commission_rates(ctx, default=default, by_category=by_category)
