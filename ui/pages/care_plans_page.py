"""随访计划: the administrator's plan editor — steps in a table, dates previewed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.care_plans import (
    KINDS,
    ROLES,
    UNITS,
    CarePlan,
    Offset,
    PlanStep,
    expand_plan,
)
from clinic_desktop.services import care
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog
from ui.errors import FieldErrors
from ui.pages import PageSpec
from ui.widgets.common import button_row, page_header

COLUMNS = ("key", "amount", "unit", "kind", "title", "role", "priority", "window")


class CarePlansPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.plans: list[CarePlan] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("随访计划"), self.tr(
            "治疗完成后自动生成回访和复查任务。单位：hours/days/weeks/months/years；"
            "类型：followup_call（回访）/recall（复查）/message（关怀消息）。")))
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setFixedWidth(200)
        self.list.currentRowChanged.connect(self.show_plan)
        row.addWidget(self.list)
        right = QVBoxLayout()
        form = QFormLayout()
        self.name = QLineEdit()
        self.procedures = QLineEdit()
        self.procedures.setPlaceholderText(self.tr("触发的项目，用逗号分隔"))
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("触发项目"), self.procedures)
        right.addLayout(form)
        self.steps = QTableWidget(0, len(COLUMNS))
        self.steps.setHorizontalHeaderLabels([
            self.tr("代号"), self.tr("数量"), self.tr("单位"), self.tr("类型"), self.tr("标题"),
            self.tr("负责"), self.tr("优先级"), self.tr("复查窗口(天)")])
        self.steps.horizontalHeader().setStretchLastSection(False)
        self.steps.setColumnWidth(4, 220)
        right.addWidget(self.steps, 1)
        add, remove = QPushButton(self.tr("加一步")), QPushButton(self.tr("删除所选步骤"))
        add.clicked.connect(lambda: self._add_row(PlanStep(
            f"s{self.steps.rowCount() + 1}", Offset(1, "days"), "followup_call", "")))
        remove.clicked.connect(lambda: self.steps.removeRow(self.steps.currentRow()))
        self.sample = QDateEdit(QDate(services.local(services.ctx.now()).date()))
        self.sample.setCalendarPopup(True)
        self.sample.setDisplayFormat("yyyy-MM-dd")
        preview = QPushButton(self.tr("预览日期"))
        preview.clicked.connect(self.preview)
        self.save_button = QPushButton(self.tr("保存计划"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(services.can(Permission.CARE_PLANS_MANAGE))
        settings = QPushButton(self.tr("回访设置…"))
        settings.clicked.connect(lambda: CareSettingsDialog(self.services, self).exec())
        right.addLayout(button_row(add, remove, QLabel(self.tr("示例治疗日")), self.sample,
                                   preview, self.save_button, settings))
        self.error = QLabel()
        self.errors = FieldErrors(self.error, {"name": self.name, "steps": self.steps})
        right.addWidget(self.error)
        self.preview_list = QListWidget()
        self.preview_list.setMaximumHeight(170)
        right.addWidget(self.preview_list)
        row.addLayout(right, 1)
        layout.addLayout(row, 1)
        self.reload()

    def reload(self) -> None:
        self.plans = care.list_plans(self.services.ctx)
        self.list.clear()
        self.list.addItems([p.name for p in self.plans])
        if self.plans:
            self.list.setCurrentRow(0)

    def _add_row(self, step: PlanStep) -> None:
        row = self.steps.rowCount()
        self.steps.insertRow(row)
        values = (step.key, str(step.offset.amount), step.offset.unit, step.kind, step.title,
                  step.assigned_role, str(step.priority), str(step.window_days))
        for column, value in enumerate(values):
            self.steps.setItem(row, column, QTableWidgetItem(value))

    def show_plan(self, row: int) -> None:
        if not 0 <= row < len(self.plans):
            return
        plan = self.plans[row]
        self.name.setText(plan.name)
        self.procedures.setText(", ".join(plan.procedures or plan.categories))
        self.steps.setRowCount(0)
        for step in plan.steps:
            self._add_row(step)
        self.steps.resizeColumnsToContents()
        self.preview()

    def edited(self) -> CarePlan:
        base = self.plans[self.list.currentRow()]
        steps = []
        for row in range(self.steps.rowCount()):
            cell = [(self.steps.item(row, c).text().strip() if self.steps.item(row, c) else "")
                    for c in range(len(COLUMNS))]
            where = self.tr("第 {0} 步").format(row + 1)
            if cell[2] not in UNITS or cell[3] not in KINDS or cell[5] not in ROLES:
                raise UserError(self.tr("{0}：单位、类型或负责角色不在可选范围内。").format(where),
                                field="steps")
            try:
                steps.append(PlanStep(cell[0] or f"s{row + 1}", Offset(int(cell[1]), cell[2]),
                                      cell[3], cell[4], cell[5], int(cell[6] or 2),
                                      int(cell[7] or 14)))
            except ValueError as exc:
                raise UserError(self.tr("{0}：数量、优先级和窗口必须是整数。").format(where),
                                field="steps") from exc
        procedures = tuple(p.strip() for p in self.procedures.text().replace("，", ",")
                           .split(",") if p.strip())
        return replace(base, name=self.name.text().strip(), steps=tuple(steps),
                       procedures=procedures)

    def preview(self) -> None:
        self.preview_list.clear()
        try:
            plan = self.edited()
        except UserError as error:
            self.errors.show(error)
            return
        self.errors.clear()
        treated = datetime.combine(self.sample.date().toPython(), time(10),
                                   self.services.clinic.zone)
        for task in expand_plan(plan, treated_at=treated, treatment_key="preview"):
            self.preview_list.addItem(f"{task.due_at:%Y-%m-%d %H:%M}  {task.title}")

    def save(self) -> None:
        try:
            care.save_plan(self.services.ctx, self.edited())
        except UserError as error:
            self.errors.show(error)
            return
        row = self.list.currentRow()
        self.reload()
        self.list.setCurrentRow(row)


SPEC = PageSpec(
    key="care_plans", title=lambda: QCoreApplication.translate("CarePlansPage", "随访计划"),
    icon=QStyle.StandardPixmap.SP_FileDialogStart, permission=Permission.CARE_PLANS_MANAGE,
    factory=CarePlansPage, order=850,
)


class CareSettingsDialog(ActionDialog):
    """Reminder times, retries, birthdays and win-backs: the clinic's own rhythm."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("回访设置"), services, parent)
        current = care.read_care_settings(services.ctx)
        self.evening = QLineEdit(current.reminder_evening)
        self.spins: dict[str, QSpinBox] = {}
        rows = (("reminder_hours_before", self.tr("就诊前几小时再提醒"), 0, 48),
                ("retry_hours", self.tr("未接通后几小时再打"), 1, 72),
                ("max_attempts", self.tr("最多拨打次数"), 1, 10),
                ("birthday_days_before", self.tr("生日提前几天问候"), 0, 30),
                ("dormant_months", self.tr("几个月未到诊算久未到诊"), 3, 60),
                ("dormant_daily_limit", self.tr("每天最多新增唤醒回访"), 0, 500))
        self.form.addRow(self.tr("前一天提醒时间"), self.evening)
        for name, label, low, high in rows:
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setValue(int(getattr(current, name)))
            self.spins[name] = spin
            self.form.addRow(label, spin)
        self.fields = {"reminder_evening": self.evening, **self.spins}
        self.finish(self.tr("保存"))

    def apply(self) -> None:
        care.save_care_settings(self.services.ctx, care.CareSettings(
            reminder_evening=self.evening.text().strip(),
            **{name: spin.value() for name, spin in self.spins.items()}))
