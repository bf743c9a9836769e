"""The plan editor's parts: a steps table of choices in words, and the trigger picker.

Every coded value of a step (offset unit, task kind, responsible role, priority) is a combo
box showing the word in the UI language and holding the code; numbers are spin boxes; only
the title is typed. Trigger procedures are ticked in the clinic's own catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.permissions import role_label
from clinic_desktop.rules.care_plans import (
    KINDS,
    PRIORITIES,
    ROLES,
    UNITS,
    Offset,
    PlanStep,
    priority_label,
    unit_label,
)
from clinic_desktop.services.care import kind_label
from clinic_desktop.services.catalogue import ProcedureInfo
from ui.dialogs.base import Dialog

AMOUNT, UNIT, KIND, TITLE, ROLE, PRIORITY, WINDOW, TEMPLATE, NOTICE = range(9)
# The step as it was (its key and template stay), on the row's header item: it moves with
# the row, whoever edits or replaces the cells.
STEP_ROLE = Qt.ItemDataRole.UserRole


def choice_box(choices: Iterable[tuple[str, object]], current: object) -> QComboBox:
    box = QComboBox()
    for label, code in choices:
        box.addItem(label, code)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def spin_box(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


class StepsTable(QTableWidget):
    """One row per step; ``steps()`` reads them back as ``PlanStep``s."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None,
                 templates: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(0, 9, parent)
        # (key, name) of the clinic's message templates, for a "message" step's template
        self.templates = list(templates)
        self.setHorizontalHeaderLabels([
            self.tr("数量"), self.tr("单位"), self.tr("类型"), self.tr("标题"), self.tr("负责"),
            self.tr("优先级"), self.tr("复查窗口(天)"), self.tr("消息模板"),
            self.tr("提前通知(天)")])
        tips = {TEMPLATE: self.tr("“消息”步骤自动发送的模板（默认：自动消息设置里关怀消息的模板）"),
                NOTICE: self.tr("复查前几天自动发复查通知（默认：按自动消息设置；0：不发）")}
        for column, tip in tips.items():
            if (item := self.horizontalHeaderItem(column)) is not None:
                item.setToolTip(tip)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setDefaultSectionSize(34)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        # Numbers and the template need little room: the title keeps what is left at 1280 px.
        for column, width in ((AMOUNT, 72), (WINDOW, 72), (NOTICE, 72), (TEMPLATE, 120)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.itemChanged.connect(lambda _item: self.edited.emit())

    def set_steps(self, steps: Sequence[PlanStep]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        self.blockSignals(False)
        for step in steps:
            self.add_step(step)

    def add_step(self, step: PlanStep | None = None) -> None:
        if step is None:
            taken = {s.key for s in self._originals()}
            number = self.rowCount() + 1
            while f"s{number}" in taken:
                number += 1
            step = PlanStep(f"s{number}", Offset(1, "days"), "followup_call", "")
        row = self.rowCount()
        self.blockSignals(True)
        self.insertRow(row)
        title = QTableWidgetItem(step.title)
        title.setToolTip(step.title)  # the column is narrow on a 1280-pixel screen
        self.setItem(row, TITLE, title)
        header = QTableWidgetItem(str(row + 1))
        header.setData(STEP_ROLE, step)
        self.setVerticalHeaderItem(row, header)
        self.blockSignals(False)
        widgets: dict[int, QWidget] = {
            AMOUNT: spin_box(0, 999, step.offset.amount),
            UNIT: choice_box(((unit_label(u), u) for u in UNITS), step.offset.unit),
            KIND: choice_box(((kind_label(k), k) for k in KINDS), step.kind),
            ROLE: choice_box(((role_label(r), r) for r in ROLES), step.assigned_role),
            PRIORITY: choice_box(((priority_label(p), p) for p in PRIORITIES), step.priority),
            WINDOW: spin_box(0, 365, step.window_days),
            TEMPLATE: choice_box([(self.tr("默认"), None), *((name, key) for key, name
                                                            in self.templates)],
                                 step.template_key),
            NOTICE: self._notice_box(step.notice_days),
        }
        for column, widget in widgets.items():
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i: self.edited.emit())
            elif isinstance(widget, QSpinBox):
                widget.valueChanged.connect(lambda _v: self.edited.emit())
            self.setCellWidget(row, column, widget)
        self.edited.emit()

    def _notice_box(self, days: int | None) -> QSpinBox:
        """-1 shows 默认 (the clinic's setting); 0 is "no notice"."""
        box = spin_box(-1, 60, -1 if days is None else days)
        box.setSpecialValueText(self.tr("默认"))
        return box

    def remove_selected(self) -> None:
        row = self.currentRow()
        if row >= 0:
            self.removeRow(row)
            for number in range(self.rowCount()):
                header = self.verticalHeaderItem(number)
                if header is not None:
                    header.setText(str(number + 1))
            self.edited.emit()

    def _original(self, row: int) -> PlanStep | None:
        header = self.verticalHeaderItem(row)
        step = header.data(STEP_ROLE) if header is not None else None
        return step if isinstance(step, PlanStep) else None

    def _originals(self) -> list[PlanStep]:
        return [step for row in range(self.rowCount()) if (step := self._original(row))]

    def _value(self, row: int, column: int) -> object:
        widget = self.cellWidget(row, column)
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QSpinBox):
            return widget.value()
        raise AssertionError(column)

    def steps(self) -> tuple[PlanStep, ...]:
        """The steps as shown; an empty title is refused here, beside the table."""
        steps = []
        for row in range(self.rowCount()):
            item = self.item(row, TITLE)
            title = item.text().strip() if item is not None else ""
            if not title:
                raise UserError(self.tr("第 {0} 步缺少标题。").format(row + 1), field="steps")
            original = self._original(row) or PlanStep(f"s{row + 1}", Offset(1, "days"),
                                                       "followup_call", title)
            amount, unit, kind = (self._value(row, AMOUNT), self._value(row, UNIT),
                                  self._value(row, KIND))
            role, priority, window = (self._value(row, ROLE), self._value(row, PRIORITY),
                                      self._value(row, WINDOW))
            template, notice = self._value(row, TEMPLATE), self._value(row, NOTICE)
            assert isinstance(amount, int) and isinstance(unit, str) and isinstance(kind, str)
            assert isinstance(role, str) and isinstance(priority, int)
            assert isinstance(window, int) and isinstance(notice, int)
            assert template is None or isinstance(template, str)
            steps.append(replace(original, offset=Offset(amount, unit), kind=kind, title=title,
                                 assigned_role=role, priority=priority, window_days=window,
                                 template_key=template,
                                 notice_days=None if notice < 0 else notice))
        return tuple(steps)


class TriggerDialog(Dialog):
    """Tick the procedures that start a plan, by category, from the clinic's catalogue."""

    def __init__(self, procedures: Sequence[ProcedureInfo], chosen: Iterable[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("选择触发项目"), parent)
        self.add_heading(self.tr("选择触发项目"), self.tr(
            "完成所选项目的治疗后，按这个计划生成回访和复查任务。"))
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumSize(380, 360)
        self.tree.setMaximumHeight(420)
        wanted = set(chosen)
        groups: dict[str, QTreeWidgetItem] = {}

        def group(name: str) -> QTreeWidgetItem:
            if name not in groups:
                item = QTreeWidgetItem(self.tree, [name])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable
                              | Qt.ItemFlag.ItemIsAutoTristate)
                groups[name] = item
            return groups[name]

        for procedure in procedures:
            self._add(group(procedure.category), procedure.name, procedure.name in wanted)
        known = {p.name for p in procedures}
        for name in sorted(wanted - known):  # renamed or removed since: kept, and said so
            self._add(group(self.tr("不在项目目录中")), name, True)
        for item in groups.values():
            item.setExpanded(any(child.checkState(0) == Qt.CheckState.Checked
                                 for child in self._children(item)))
        self.body.addWidget(self.tree, 1)
        self.add_buttons(self.tr("确定"), self.accept)

    @staticmethod
    def _add(parent: QTreeWidgetItem, name: str, checked: bool) -> None:
        item = QTreeWidgetItem(parent, [name])
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    @staticmethod
    def _children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
        return [child for i in range(group.childCount()) if (child := group.child(i))]

    def _leaves(self) -> list[QTreeWidgetItem]:
        return [child for top in range(self.tree.topLevelItemCount())
                if (group := self.tree.topLevelItem(top)) for child in self._children(group)]

    def chosen(self) -> list[str]:
        """The ticked procedures, in catalogue order."""
        return [leaf.text(0) for leaf in self._leaves()
                if leaf.checkState(0) == Qt.CheckState.Checked]

    def set_checked(self, names: Iterable[str]) -> None:
        """Tick exactly ``names``."""
        wanted = set(names)
        for leaf in self._leaves():
            leaf.setCheckState(0, Qt.CheckState.Checked if leaf.text(0) in wanted
                               else Qt.CheckState.Unchecked)
