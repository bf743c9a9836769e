"""随访计划: the administrator's plan editor — plans created, copied and retired; steps as
choices in words; trigger procedures ticked in the catalogue; dates previewed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.care_plans import UNITS, CarePlan, Offset, expand_plan, unit_label
from clinic_desktop.services import care, care_plans, messages
from clinic_desktop.services.care_plans import PlanState
from clinic_desktop.services.catalogue import list_procedures
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.errors import FieldErrors
from ui.pages import PageSpec
from ui.pages.care_plan_steps import StepsTable, TriggerDialog, choice_box, spin_box
from ui.widgets.common import button_row, page_header
from ui.widgets.qt_dates import qdate
from ui.widgets.rich_text import plain_label, rich_plain

KEY_ROLE = Qt.ItemDataRole.UserRole


class CarePlansPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.plans: list[CarePlan] = []  # as listed (the retired last)
        self.states: list[PlanState] = []
        self._trigger: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # procedures, categories
        manage = services.can(Permission.CARE_PLANS_MANAGE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("随访计划"), self.tr(
            "治疗完成后按计划生成回访和复查任务。停用的计划不再生成新任务，已生成的保留。")))
        row = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setFixedWidth(220)
        self.list.currentRowChanged.connect(self.show_plan)
        left.addWidget(self.list, 1)
        self.new_button = QPushButton(self.tr("新建…"))
        self.new_button.clicked.connect(self.new_plan)
        self.copy_button = QPushButton(self.tr("复制"))
        self.copy_button.setToolTip(self.tr("复制步骤到一个新计划（不带触发项目）"))
        self.copy_button.clicked.connect(self.duplicate)
        self.retire_button = QPushButton(self.tr("停用"))
        self.retire_button.clicked.connect(self.retire_or_restore)
        for button in (self.new_button, self.copy_button, self.retire_button):
            button.setEnabled(manage)
        left.addLayout(button_row(self.new_button, self.copy_button, self.retire_button))
        row.addLayout(left)
        right = QVBoxLayout()
        form = QFormLayout()
        self.name = QLineEdit()
        self.trigger_text = plain_label()  # procedure names are the clinic's own text
        self.trigger_text.setWordWrap(True)
        pick = QPushButton(self.tr("选择项目…"))
        pick.clicked.connect(self.pick_trigger)
        trigger_row = QHBoxLayout()
        trigger_row.addWidget(self.trigger_text, 1)
        trigger_row.addWidget(pick)
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("触发项目"), trigger_row)
        right.addLayout(form)
        self.steps = StepsTable(templates=[(key, name) for key, name, _body
                                           in services.call(messages.templates)])
        self.steps.edited.connect(self.preview)
        right.addWidget(self.steps, 1)
        self.repeat = QCheckBox(self.tr("最后一步之后每隔"))
        self.repeat_amount = spin_box(1, 99, 6)
        self.repeat_unit = choice_box(((unit_label(u), u) for u in UNITS[1:]), "months")
        self.repeat_years = spin_box(1, 20, 3)
        repeat_row = QHBoxLayout()
        for widget in (self.repeat, self.repeat_amount, self.repeat_unit,
                       QLabel(self.tr("重复一次，直到治疗后")), self.repeat_years,
                       QLabel(self.tr("年"))):
            repeat_row.addWidget(widget)
        repeat_row.addStretch(1)
        right.addLayout(repeat_row)
        self.repeat.toggled.connect(self._repeat_toggled)
        for spin in (self.repeat_amount, self.repeat_years):
            spin.valueChanged.connect(lambda _v: self.preview())
        self.repeat_unit.currentIndexChanged.connect(lambda _i: self.preview())
        add, remove = QPushButton(self.tr("加一步")), QPushButton(self.tr("删除所选步骤"))
        add.clicked.connect(lambda: self.steps.add_step())
        remove.clicked.connect(self.steps.remove_selected)
        self.sample = QDateEdit(qdate(services.local(services.ctx.now()).date()))
        self.sample.setCalendarPopup(True)
        self.sample.setDisplayFormat("yyyy-MM-dd")
        self.sample.dateChanged.connect(lambda _d: self.preview())
        self.save_button = QPushButton(self.tr("保存计划"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(manage)
        settings = QPushButton(self.tr("回访设置…"))
        settings.clicked.connect(lambda: CareSettingsDialog(self.services, self).exec())
        right.addLayout(button_row(add, remove, QLabel(self.tr("示例治疗日")), self.sample,
                                   self.save_button, settings))
        self.error = QLabel()
        self.errors = FieldErrors(self.error, {"name": self.name, "steps": self.steps,
                                               "title": self.steps, "unit": self.steps,
                                               "amount": self.steps, "kind": self.steps,
                                               "role": self.steps, "priority": self.steps})
        right.addWidget(self.error)
        self.preview_list = QListWidget()
        self.preview_list.setMaximumHeight(130)
        right.addWidget(self.preview_list)
        row.addLayout(right, 1)
        layout.addLayout(row, 1)
        services.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches(Area.CARE_PLANS):
            self.reload()

    # -- the list of plans -------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        """The plans again; ``select`` (a key) or the plan that was current stays current."""
        current = select or self.current_key()
        self.states = care_plans.plan_overview(self.services.ctx)
        self.plans = [state.plan for state in self.states]
        self.list.blockSignals(True)
        self.list.clear()
        for state in self.states:
            item = QListWidgetItem(state.plan.name if state.active else self.tr(
                "{0}（已停用）").format(state.plan.name))
            item.setData(KEY_ROLE, state.plan.key)
            item.setToolTip(rich_plain(self.tr("{0} 个未完成的任务").format(state.open_tasks)))
            if not state.active:
                item.setForeground(QBrush(QColor("#8A8F98")))
            self.list.addItem(item)
        self.list.blockSignals(False)
        keys = [state.plan.key for state in self.states]
        if self.plans:
            self.list.setCurrentRow(keys.index(current) if current in keys else 0)
            self.show_plan(self.list.currentRow())

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        key = item.data(KEY_ROLE) if item is not None else None
        return key if isinstance(key, str) else None

    def _current_state(self) -> PlanState | None:
        row = self.list.currentRow()
        return self.states[row] if 0 <= row < len(self.states) else None

    def new_plan(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("新建随访计划"), self.tr("计划名称："))
        if not ok:
            return
        self.services.ops.run(lambda ctx: care_plans.create_plan(ctx, name=name), parent=self,
                              initiator=self, on_done=lambda plan: self.reload(plan.key))

    def duplicate(self) -> None:
        key = self.current_key()
        if key is None:
            return
        self.services.ops.run(lambda ctx: care_plans.duplicate_plan(ctx, key), parent=self,
                              initiator=self, on_done=lambda plan: self.reload(plan.key))

    def retire_or_restore(self) -> None:
        state = self._current_state()
        if state is None:
            return
        key = state.plan.key
        if not state.active:
            self.services.ops.run(lambda ctx: care_plans.restore_plan(ctx, key), parent=self,
                                  initiator=self)
            return
        answer = QMessageBox.question(self, self.tr("停用随访计划"), rich_plain(self.tr(
            "停用“{0}”？\n之后完成的治疗不再生成它的任务；已生成的 {1} 个未完成任务仍留在回访"
            "清单里。停用后可以恢复。").format(state.plan.name, state.open_tasks)))
        if answer == QMessageBox.StandardButton.Yes:
            self.services.ops.run(lambda ctx: care_plans.retire_plan(ctx, key), parent=self,
                                  initiator=self)

    # -- one plan ----------------------------------------------------------------------
    def show_plan(self, row: int) -> None:
        if not 0 <= row < len(self.plans):
            return
        plan, state = self.plans[row], self.states[row]
        self.retire_button.setText(self.tr("停用") if state.active else self.tr("恢复启用"))
        self.name.setText(plan.name)
        self._show_trigger((plan.procedures, plan.categories))
        self.steps.blockSignals(True)
        self.steps.set_steps(plan.steps)
        self.steps.blockSignals(False)
        self.repeat.blockSignals(True)
        self.repeat.setChecked(plan.repeat is not None)
        self.repeat.blockSignals(False)
        if plan.repeat is not None:
            self.repeat_amount.setValue(plan.repeat.amount)
            self.repeat_unit.setCurrentIndex(max(0, self.repeat_unit.findData(
                plan.repeat.unit)))
        self.repeat_years.setValue(plan.repeat_until_years)
        self._repeat_toggled(plan.repeat is not None)
        self.errors.clear()

    def _repeat_toggled(self, on: bool) -> None:
        for widget in (self.repeat_amount, self.repeat_unit, self.repeat_years):
            widget.setEnabled(on)
        self.preview()

    def _show_trigger(self, trigger: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
        self._trigger = trigger
        procedures, categories = trigger
        if procedures:
            self.trigger_text.setText("、".join(procedures))
        elif categories:
            self.trigger_text.setText(self.tr("“{0}”类的任何项目").format("、".join(categories)))
        else:
            self.trigger_text.setText(self.tr("未选择：这个计划不会自动生成任务"))

    def pick_trigger(self) -> None:
        catalogue = list_procedures(self.services.ctx)
        procedures, categories = self._trigger
        chosen = procedures or tuple(p.name for p in catalogue if p.category in categories)
        dialog = TriggerDialog(catalogue, chosen, self)
        if not dialog.exec():
            return
        names = tuple(dialog.chosen())
        category_of = {p.name: p.category for p in catalogue}
        used = tuple(dict.fromkeys(category_of[n] for n in names if n in category_of))
        self._show_trigger((names, used))

    def edited(self) -> CarePlan:
        base = self.plans[self.list.currentRow()]
        procedures, categories = self._trigger
        repeat = Offset(self.repeat_amount.value(), str(self.repeat_unit.currentData())) \
            if self.repeat.isChecked() else None
        return replace(base, name=self.name.text().strip(), steps=self.steps.steps(),
                       procedures=procedures, categories=categories, repeat=repeat,
                       repeat_until_years=self.repeat_years.value())

    def preview(self) -> None:
        self.preview_list.clear()
        if not 0 <= self.list.currentRow() < len(self.plans):
            return
        try:
            plan = self.edited()
        except UserError as error:
            self.errors.show(error)
            return
        self.errors.clear()
        sample = self.sample.date().toPython()
        assert isinstance(sample, date)
        treated = datetime.combine(sample, time(10), self.services.clinic.zone)
        for task in expand_plan(plan, treated_at=treated, treatment_key="preview"):
            self.preview_list.addItem(f"{task.due_at:%Y-%m-%d %H:%M}  {task.title}")

    def save(self) -> None:
        try:
            plan = self.edited()
        except UserError as error:
            self.errors.show(error)
            return
        self.services.ops.run(lambda ctx: care.save_plan(ctx, plan), parent=self,
                              errors=self.errors, initiator=self,
                              on_done=lambda saved: self.reload(saved.key))


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

    def operation(self) -> Operation:
        settings = care.CareSettings(reminder_evening=self.evening.text().strip(),
                                     **{name: spin.value() for name, spin in self.spins.items()})
        return lambda ctx: care.save_care_settings(ctx, settings)
