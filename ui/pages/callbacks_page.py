"""回访: the nurse's daily list — today's and overdue tasks, two clicks per call."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission, role_label
from clinic_desktop.rules.age import age_on
from clinic_desktop.services import care
from clinic_desktop.services.care import CallbackItem, kind_label, outcome_label
from clinic_desktop.services.staff import list_staff
from ui.app_services import AppServices
from ui.errors import show_error
from ui.pages import PageSpec
from ui.widgets.common import make_table, page_header, selected_record
from ui.widgets.table_model import (
    RECORD_ROLE,
    Column,
    RecordTableModel,
    SortProxy,
    resize_columns_to_contents,
)

OUTCOME_BUTTONS = ("reached_fine", "reached_problem", "not_reached", "booked", "declined",
                   "wrong_number")


class CallbacksPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("回访"), self.tr(
            "今天到期和逾期的回访、复查、提醒。选中一行，点一下结果即可记录。")))
        bar = QHBoxLayout()
        self.as_of = QDateEdit(QDate(self._today()))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItem(self.tr("全部类型"), None)
        for kind in ("followup_call", "recall", "reminder", "birthday", "reactivation",
                     "problem"):
            self.kind.addItem(kind_label(kind), kind)
        self.role = QComboBox()
        self.role.addItem(self.tr("全部负责人"), None)
        for role, label in (("nurse", self.tr("护士")), ("doctor", self.tr("医生")),
                            ("receptionist", self.tr("前台"))):
            self.role.addItem(label, role)
        self.priority = QComboBox()
        self.priority.addItem(self.tr("全部优先级"), None)
        for level, label in ((1, self.tr("紧急")), (2, self.tr("普通")), (3, self.tr("低"))):
            self.priority.addItem(label, level)
        self.person = QComboBox()
        self.person.addItem(self.tr("任何人"), None)
        self.person.addItem(self.tr("指派给我"), services.ctx.actor.staff_id)
        self.doctor = QComboBox()
        self.doctor.addItem(self.tr("全部医生"), None)
        self.staff = list_staff(services.ctx, include_inactive=False)
        for member in self.staff:
            if member.is_doctor:
                self.doctor.addItem(member.display_name, member.id)
        self.plan = QComboBox()
        self.plan.addItem(self.tr("全部计划"), None)
        for plan in care.list_plans(services.ctx):
            self.plan.addItem(plan.name, plan.key)
        self.by_family = QCheckBox(self.tr("按家庭分组"))
        self.by_family.setToolTip(self.tr("同一家人本周都要回访时排在一起，一个电话就能问完。"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("筛选：患者、电话、事由、医生"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(200)
        export = QPushButton(self.tr("导出 Excel…"))
        export.clicked.connect(self.export)
        export.setVisible(services.can(Permission.EXPORT_RUN))
        for widget in (QLabel(self.tr("截至")), self.as_of, self.kind, self.role, self.person,
                       self.doctor, self.plan, self.priority):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout.addLayout(bar)
        second = QHBoxLayout()  # two rows: the page must fit a 1280-pixel screen
        second.addWidget(self.by_family)
        second.addWidget(self.filter, 1)
        self.count = QLabel()
        second.addWidget(self.count)
        second.addWidget(export)
        layout.addLayout(second)
        self.model: RecordTableModel[CallbackItem] = RecordTableModel([
            Column(self.tr("到期"), lambda i: services.format_datetime(i.due),
                   sort_key=lambda i: i.due,
                   colour=lambda i: "#B42318" if i.due < self._start_of_today() else None),
            Column(self.tr("患者"), lambda i: ("⚠ " if i.has_allergy else "") + i.patient,
                   colour=lambda i: "#B42318" if i.has_allergy else None),
            Column(self.tr("年龄"), self._age, align_right=True),
            Column(self.tr("电话"), lambda i: i.phone or ""),
            Column(self.tr("类型"), lambda i: kind_label(i.kind)),
            Column(self.tr("事由"), lambda i: i.reason),
            Column(self.tr("项目"), lambda i: i.procedure or ""),
            Column(self.tr("医生"), lambda i: i.doctor or ""),
            Column(self.tr("已拨打"), lambda i: str(i.attempts), sort_key=lambda i: i.attempts,
                   align_right=True),
            Column(self.tr("上次结果"), lambda i: outcome_label(i.last_outcome)
                   if i.last_outcome else ""),
            Column(self.tr("家庭"), lambda i: self.tr("同家庭 {0} 人").format(
                self._family_size.get(self._family.get(i.patient_id, 0), 0))
                if self._family_size.get(self._family.get(i.patient_id, 0), 0) > 1 else "",
                sort_key=lambda i: self._family.get(i.patient_id, 0)),
        ], key=lambda i: i.task_id)
        self._family: dict[int, int] = {}
        self._family_size: dict[int, int] = {}
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        self.view = make_table(self.proxy, stretch_column=9)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.view, 1)
        outcome_row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("通话备注（可选）"))
        self.satisfaction = QComboBox()
        self.satisfaction.addItem(self.tr("满意度"), None)
        for score in range(5, 0, -1):
            self.satisfaction.addItem("★" * score, score)
        outcome_row.addWidget(self.note, 1)
        outcome_row.addWidget(self.satisfaction)
        self.outcome_buttons: dict[str, QPushButton] = {}
        for outcome in OUTCOME_BUTTONS:
            button = QPushButton(outcome_label(outcome))
            button.clicked.connect(lambda _=False, o=outcome: self.record(o))
            self.outcome_buttons[outcome] = button
            outcome_row.addWidget(button)
        snooze = QPushButton(self.tr("明天再打"))
        snooze.clicked.connect(self.snooze)
        snooze.setToolTip(self.tr("可多选：所选各项都推到明天上午"))
        outcome_row.addWidget(snooze)
        message = QPushButton(self.tr("发消息…"))
        message.clicked.connect(self.queue_message)
        outcome_row.addWidget(message)
        hand_over = QPushButton(self.tr("转交…"))
        hand_over.clicked.connect(self.hand_over)
        outcome_row.addWidget(hand_over)
        layout.addLayout(outcome_row)
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        for combo in (self.kind, self.role, self.person, self.doctor, self.plan, self.priority):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.by_family.toggled.connect(lambda _on: self.reload())
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        services.changed.connect(lambda changes, _by: self.reload() if changes.touches(
            Area.CARE_TASKS, Area.APPOINTMENTS, Area.PATIENTS) else None)
        self.reload()

    def _today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def _start_of_today(self) -> datetime:
        return datetime.combine(self._today(), time(0), self.services.clinic.zone)

    def _age(self, item: CallbackItem) -> str:
        return str(age_on(item.birth_date, self._today())) if item.birth_date else ""

    def reload(self) -> None:
        items = care.callback_list(self.services.ctx, as_of=self.as_of.date().toPython())
        kind, role, level = (self.kind.currentData(), self.role.currentData(),
                             self.priority.currentData())
        person, doctor, plan = (self.person.currentData(), self.doctor.currentData(),
                                self.plan.currentData())
        items = [i for i in items if (kind is None or i.kind == kind)
                 and (role is None or i.assigned_role == role)
                 and (person is None or i.assigned_staff_id == person)
                 and (doctor is None or i.doctor_id == doctor)
                 and (plan is None or i.plan_key == plan)
                 and (level is None or i.priority == level)]
        self._family = care.family_groups(self.services.ctx, [i.patient_id for i in items])
        # Patients on the list per household, counted in one pass (not one pass per household).
        self._family_size = Counter(self._family[pid] for pid in {i.patient_id for i in items})
        if self.by_family.isChecked():
            # A household together, placed where its earliest task would be.
            first: dict[int, datetime] = {}
            for i in items:
                group = self._family[i.patient_id]
                first[group] = min(first.get(group, i.due), i.due)
            items.sort(key=lambda i: (first[self._family[i.patient_id]],
                                      self._family[i.patient_id], i.due))
            self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        elif self.view.horizontalHeader().sortIndicatorSection() < 0:
            self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.model.replace(items)
        resize_columns_to_contents(self.view, range(8))
        self.view.setColumnHidden(10, not self.by_family.isChecked())
        self.count.setText(self.tr("{0} 项").format(self.model.rowCount()))

    def selected(self) -> list[CallbackItem]:
        rows = self.view.selectionModel().selectedRows()
        return [r.data(RECORD_ROLE) for r in rows]

    def queue_message(self) -> None:
        from ui.pages.messages_page import QueueMessageDialog

        item = self.current()
        if item is not None and QueueMessageDialog(self.services, item.patient_id, item.task_id,
                                                   self).exec():
            self.services.notify({"messages"})

    def hand_over(self) -> None:
        items = self.selected()
        if not items:
            QMessageBox.information(self, self.tr("回访"), self.tr("请先在列表中选择一项。"))
            return
        targets: dict[str, tuple[str | None, int | None]] = {
            self.tr("护士"): ("nurse", None), self.tr("医生"): ("doctor", None),
            self.tr("前台"): ("receptionist", None)}
        for member in self.staff:
            targets[f"{member.display_name}（{role_label(member.role)}）"] = (None, member.id)
        choice, ok = QInputDialog.getItem(self, self.tr("转交"), self.tr(
            "把所选 {0} 项转交给：").format(len(items)), list(targets), 0, False)
        if ok:
            role, staff_id = targets[choice]
            care.reassign(self.services.ctx, [i.task_id for i in items], role=role,
                          staff_id=staff_id)
            self.services.notify({"care"})

    def current(self) -> CallbackItem | None:
        item = selected_record(self.view)
        if item is None:
            QMessageBox.information(self, self.tr("回访"), self.tr("请先在列表中选择一项。"))
        return item  # type: ignore[return-value]

    def record(self, outcome: str) -> None:
        item = self.current()
        if item is None:
            return
        if outcome == "booked" and not self._book(item):
            return
        try:
            care.record_outcome(self.services.ctx, item.task_id, version=item.version,
                                outcome=outcome, note=self.note.text(),
                                satisfaction=self.satisfaction.currentData())
        except UserError as error:
            if outcome != "booked":  # a booking in the window already closed the recall
                show_error(self, error)
        self.note.clear()
        self.satisfaction.setCurrentIndex(0)
        self.services.notify({"care"})

    def _book(self, item: CallbackItem) -> bool:
        from ui.calendar.booking_dialog import BookingDialog

        start = datetime.combine(self._today() + timedelta(days=1), time(9),
                                 self.services.clinic.zone)
        dialog = BookingDialog(self.services, start=start, patient_id=item.patient_id,
                               parent=self)
        if dialog.exec() and dialog.booked_id is not None:
            self.services.notify({"appointments"})
            return True
        return False

    def snooze(self) -> None:
        items = self.selected()
        if not items and self.current() is None:
            return
        until = datetime.combine(self._today() + timedelta(days=1), time(9),
                                 self.services.clinic.zone)
        try:
            for item in items:
                care.snooze(self.services.ctx, item.task_id, version=item.version, until=until)
        except UserError as error:
            show_error(self, error)
        self.services.notify({"care"})

    def export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("导出回访清单"), f"回访清单-{self._today():%Y%m%d}.xlsx",
            "Excel (*.xlsx)")
        if path:
            care.export_callbacks(self.services.ctx, list(self.model.records), path)


SPEC = PageSpec(
    key="callbacks", title=lambda: QCoreApplication.translate("CallbacksPage", "回访"),
    icon=QStyle.StandardPixmap.SP_MessageBoxInformation, permission=Permission.CARE_VIEW,
    factory=CallbacksPage, order=20,
)
