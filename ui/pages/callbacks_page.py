"""回访: the nurse's daily list — today's and overdue tasks, two clicks per call."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt
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
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.gc_pause import no_cycle_collection
from clinic_desktop.permissions import Permission, role_label
from clinic_desktop.rules.age import age_on
from clinic_desktop.rules.care_plans import priority_label
from clinic_desktop.services import care
from clinic_desktop.services.care import CallbackItem, kind_label, outcome_label
from clinic_desktop.services.staff import list_staff
from ui.app_services import AppServices
from ui.dialogs.queue_message_dialog import QueueMessageDialog, channel_label
from ui.errors import show_error
from ui.pages import PageSpec
from ui.tasks import Job
from ui.widgets.common import make_table, page_header, selected_record
from ui.widgets.contact_reveal import ContactReveals, attach, phone_column
from ui.widgets.job_progress import JobProgress
from ui.widgets.qt_dates import qdate
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import (
    RECORD_ROLE,
    Column,
    RecordTableModel,
    SortProxy,
    resize_columns_to_contents,
)
from ui.widgets.tier_chip import TierPalette

OUTCOME_BUTTONS = ("reached_fine", "reached_problem", "not_reached", "booked", "declined",
                   "wrong_number")
# Columns by name (tests and the page's own code).
(DUE, OVERDUE, PATIENT, TIER, AGE, PHONE, KIND, REASON, PROCEDURE, DOCTOR, ATTEMPTS, LAST,
 FAMILY) = range(13)
OVERDUE_RED = "#B42318"


class CallbacksPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("回访"), self.tr(
            "今天到期和逾期的回访、复查、提醒。选中一行，点一下结果即可记录。")))
        bar = QHBoxLayout()
        self.as_of = QDateEdit(qdate(self._today()))
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItem(self.tr("全部类型"), None)
        for kind in care.KINDS:  # every kind the list can hold (套餐到期 included)
            self.kind.addItem(kind_label(kind), kind)
        self.role = QComboBox()
        self.role.addItem(self.tr("全部负责人"), None)
        for role, label in (("nurse", self.tr("护士")), ("doctor", self.tr("医生")),
                            ("receptionist", self.tr("前台"))):
            self.role.addItem(label, role)
        self.priority = QComboBox()
        self.priority.addItem(self.tr("全部优先级"), None)
        for level in (1, 2, 3):
            self.priority.addItem(priority_label(level), level)
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
        self._fill_plans()
        self.by_family = QCheckBox(self.tr("按家庭分组"))
        self.by_family.setToolTip(self.tr("同一家人本周都要回访时排在一起，一个电话就能问完。"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("筛选：患者、电话、事由、医生"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(200)
        self.filter.setMaximumWidth(360)
        # What the last action did ("queued for 张三 …"): cut rather than widen the page.
        self.notice = plain_label()
        self.notice.setObjectName("pageNotice")
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        second.addWidget(self.notice, 1)
        self.count = QLabel()
        second.addWidget(self.count)
        second.addWidget(export)
        layout.addLayout(second)
        self._today_now = self._today()  # refreshed on each reload: per-row colours read it
        self._midnight = self._start_of_today()
        # Per distinct value, emptied on each reload: ten thousand tasks fall due at a few
        # instants, and sizing the columns, sorting and the text filter read every row.
        self._due_texts: dict[datetime, str] = {}
        self._overdue_days: dict[datetime, int] = {}
        self._kind_texts: dict[str, str] = {}
        self.tiers = TierPalette(services)
        # Numbers masked for a role without CONTACT_FULL: a double-click on one (or the row's
        # context menu) shows that patient's in full, audited.
        self.reveals = ContactReveals.of(services)
        self.model: RecordTableModel[CallbackItem] = RecordTableModel([
            Column(self.tr("到期"), self._due_text,
                   sort_key=lambda i: i.due,
                   colour=lambda i: OVERDUE_RED if i.due < self._midnight else None),
            Column(self.tr("逾期天数"), lambda i: self._overdue_text(i),
                   sort_key=lambda i: self._overdue(i), align_right=True,
                   colour=lambda i: OVERDUE_RED if self._overdue(i) > 0 else None),
            Column(self.tr("患者"), lambda i: ("⚠ " if i.has_allergy else "") + i.patient,
                   colour=lambda i: "#B42318" if i.has_allergy else None),
            self.tiers.column(self.tr("会员"), lambda i: i.member_tier),
            Column(self.tr("年龄"), self._age, align_right=True),
            phone_column(self.reveals, self.tr("电话"), lambda i: i.patient_id,
                         lambda i: i.phone),
            Column(self.tr("类型"), self._kind_text),
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
        self.view = make_table(self.proxy, stretch_column=LAST)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        attach(self.view, self.reveals, lambda i: i.patient_id, lambda i: i.phone,
               phone_column=PHONE)
        layout.addWidget(self.view, 1)
        outcome_row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("通话备注（可选）"))
        self.satisfaction = QComboBox()
        self.satisfaction.addItem(self.tr("满意度"), None)
        for score in range(5, 0, -1):
            self.satisfaction.addItem("★" * score, score)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        # Two rows (the note and the other actions, then the call's result): one row of both
        # does not fit a 1280-pixel screen in English.
        outcome_row.addWidget(QLabel(self.tr("结果")))
        self.outcome_buttons: dict[str, QPushButton] = {}
        for outcome in OUTCOME_BUTTONS:
            button = QPushButton(outcome_label(outcome))
            button.clicked.connect(lambda _=False, o=outcome: self.record(o))
            self.outcome_buttons[outcome] = button
            outcome_row.addWidget(button)
        outcome_row.addStretch(1)
        action_row = QHBoxLayout()
        action_row.addWidget(self.note, 1)
        action_row.addWidget(self.satisfaction)
        self.snooze_button = QPushButton(self.tr("明天再打"))
        self.snooze_button.clicked.connect(self.snooze)
        self.snooze_button.setToolTip(self.tr("可多选：所选各项都推到明天上午"))
        message = QPushButton(self.tr("发消息…"))
        message.clicked.connect(self.queue_message)
        message.setToolTip(self.tr("按任务类型选好模板；手动渠道可直接复制并标记已发送"))
        message.setVisible(services.can(Permission.MESSAGES_SEND))
        hand_over = QPushButton(self.tr("转交…"))
        hand_over.clicked.connect(self.hand_over)
        for button in (self.snooze_button, message, hand_over):
            action_row.addWidget(button)
        layout.addLayout(action_row)  # the note first, then the click that records the call
        layout.addLayout(outcome_row)
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        for combo in (self.kind, self.role, self.person, self.doctor, self.plan, self.priority):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.by_family.toggled.connect(lambda _on: self.reload())
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        services.changed.connect(self._on_changed)
        services.clinic_changed.connect(self._on_clinic_changed)
        self.reload()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if self.tiers.reload_if(changes):
            self.view.viewport().update()
        if changes.touches(Area.CARE_PLANS):
            self._fill_plans()
        if changes.touches(Area.CARE_TASKS, Area.APPOINTMENTS) or changes.touches_any_of(
                Area.PATIENTS, {i.patient_id for i in self.model.records}):
            self.reload()
        if changes.touches(Area.CARE_TASKS):
            # The badge in the navigation counts what is due; after a call it must agree.
            self.services.due_count_changed.emit(care.count_due(self.services.ctx))

    def _on_clinic_changed(self, _clinic: object) -> None:
        """Another time zone: the due times and days late read anew."""
        self._due_texts, self._overdue_days = {}, {}
        self.view.viewport().update()

    def _fill_plans(self) -> None:
        """The plans to filter by, retired ones too (their tasks are still on the list)."""
        from clinic_desktop.services.care_plans import plan_overview

        chosen = self.plan.currentData()
        self.plan.blockSignals(True)
        self.plan.clear()
        self.plan.addItem(self.tr("全部计划"), None)
        for state in plan_overview(self.services.ctx, count_tasks=False):
            self.plan.addItem(state.plan.name if state.active else self.tr(
                "{0}（已停用）").format(state.plan.name), state.plan.key)
        self.plan.setCurrentIndex(max(0, self.plan.findData(chosen)))
        self.plan.blockSignals(False)

    def _overdue(self, item: CallbackItem) -> int:
        """Whole days since the clinic-local day the task fell due (0: due today or later)."""
        days = self._overdue_days.get(item.due)
        if days is None:
            local_day = item.due.astimezone(self.services.clinic.zone).date()
            days = self._overdue_days[item.due] = max(0, (self._today_now - local_day).days)
        return days

    def _due_text(self, item: CallbackItem) -> str:
        text = self._due_texts.get(item.due)
        if text is None:
            text = self._due_texts[item.due] = self.services.format_datetime(item.due)
        return text

    def _kind_text(self, item: CallbackItem) -> str:
        text = self._kind_texts.get(item.kind)
        if text is None:
            text = self._kind_texts[item.kind] = kind_label(item.kind)
        return text

    def _overdue_text(self, item: CallbackItem) -> str:
        days = self._overdue(item)
        return str(days) if days else ""

    def _today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def _start_of_today(self) -> datetime:
        return datetime.combine(self._today(), time(0), self.services.clinic.zone)

    def _age(self, item: CallbackItem) -> str:
        return str(age_on(item.birth_date, self._today_now)) if item.birth_date else ""

    def reload(self) -> None:
        # Ten thousand rows, their model and the columns sized: no collector pass in between
        # (see ``gc_pause``).
        with no_cycle_collection():
            self._reload()

    def _reload(self) -> None:
        self._today_now, self._midnight = self._today(), self._start_of_today()
        self._due_texts, self._overdue_days, self._kind_texts = {}, {}, {}
        as_of = self.as_of.date().toPython()
        assert isinstance(as_of, date)
        items = care.callback_list(self.services.ctx, as_of=as_of)
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
        resize_columns_to_contents(self.view, range(ATTEMPTS + 1))
        self.view.setColumnHidden(FAMILY, not self.by_family.isChecked())
        self.count.setText(self.tr("{0} 项").format(self.model.rowCount()))

    def selected(self) -> list[CallbackItem]:
        rows = self.view.selectionModel().selectedRows()
        return [item for r in rows if isinstance(item := r.data(RECORD_ROLE), CallbackItem)]

    def say(self, text: str) -> None:
        """A note on what the last action did, beside the filter (and in full as a tooltip)."""
        self.notice.setText(text)
        self.notice.setToolTip(text)

    # -- moving on after a call -----------------------------------------------------------
    def _after(self) -> tuple[int, list[int]]:
        """The selected row and the tasks below it, in the order shown."""
        rows = sorted(r.row() for r in self.view.selectionModel().selectedRows())
        if not rows:
            return 0, []
        below = range(rows[-1] + 1, min(self.proxy.rowCount(), rows[-1] + 51))
        following = [self.proxy.index(row, 0).data(RECORD_ROLE) for row in below]
        return rows[0], [item.task_id for item in following if isinstance(item, CallbackItem)]

    def _select_next(self, row: int, following: list[int]) -> None:
        """Select the first task that was below the one just handled (the list has been
        reloaded without it), else the row now where it was."""
        if self.proxy.rowCount() == 0:
            return
        position = {record.task_id: i for i, record in enumerate(self.model.records)}
        target = min(row, self.proxy.rowCount() - 1)
        for task_id in following:
            if task_id in position:
                mapped = self.proxy.mapFromSource(self.model.index(position[task_id], 0))
                if mapped.isValid():
                    target = mapped.row()
                    break
        index = self.proxy.index(target, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)

    def queue_message(self) -> None:
        item = self.current()
        if item is None:
            return
        dialog = QueueMessageDialog(self.services, item.patient_id, item.task_id,
                                    kind=item.kind, patient_name=item.patient, parent=self)
        if not dialog.exec() or dialog.result_info is None:
            return
        done, channel = dialog.result_info, channel_label(dialog.result_info.message.channel)
        if done.sent:
            self.say(self.tr("已复制给 {0} 的消息并标记为已发送").format(item.patient))
        elif done.new:
            self.say(self.tr("已放入待发送：给 {0} 的消息（{1}）").format(item.patient, channel))
        else:
            self.say(self.tr("已在待发送中：给 {0} 的这条消息（{1}）").format(
                item.patient, channel))

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
        if not ok:
            return
        role, staff_id = targets[choice]
        ids = [i.task_id for i in items]
        self.services.ops.run(
            lambda ctx: care.reassign(ctx, ids, role=role, staff_id=staff_id), parent=self,
            initiator=self,
            on_done=lambda n: self.say(self.tr("已把 {0} 项转交给 {1}。").format(n, choice)))

    def current(self) -> CallbackItem | None:
        item = selected_record(self.view)
        if not isinstance(item, CallbackItem):
            QMessageBox.information(self, self.tr("回访"), self.tr("请先在列表中选择一项。"))
            return None
        return item

    def record(self, outcome: str) -> None:
        item = self.current()
        if item is None:
            return
        if outcome == "booked":
            self._book(item)
            return
        self._record(item, outcome)

    def _record(self, item: CallbackItem, outcome: str, *, after_booking: bool = False) -> None:
        # Stars picked before a call that reached nobody are not a score (the service
        # refuses one); they are cleared with the note once the call is recorded.
        note = self.note.text()
        score = self.satisfaction.currentData() if outcome in care.REACHED else None
        row, following = self._after()

        def write(ctx: Context) -> care.CareTaskInfo:
            return care.record_outcome(ctx, item.task_id, version=item.version,
                                       outcome=outcome, note=note, satisfaction=score)

        def done(_info: object) -> None:
            self.note.clear()
            self.satisfaction.setCurrentIndex(0)
            self.say(self.tr("{0}：{1}").format(item.patient, outcome_label(outcome)))
            self._select_next(row, following)

        def booked_already(_error: UserError) -> None:
            # The booking fell in the recall's window and closed it already: nothing left
            # to record. The list and the badge follow the booking.
            self.reload()
            self.services.due_count_changed.emit(care.count_due(self.services.ctx))
            done(None)

        self.services.ops.run(write, parent=self, initiator=self, on_done=done,
                              on_error=booked_already if after_booking else None)

    def _book(self, item: CallbackItem) -> None:
        from ui.calendar.booking_dialog import BookingDialog

        start = datetime.combine(self._today() + timedelta(days=1), time(9),
                                 self.services.clinic.zone)
        dialog = BookingDialog(self.services, start=start, patient_id=item.patient_id,
                               parent=self)
        if dialog.exec() and dialog.booked_id is not None:
            self._record(item, "booked", after_booking=True)

    def snooze(self) -> None:
        items = self.selected()
        if not items:
            self.current()  # says to pick one first
            return
        until = datetime.combine(self._today() + timedelta(days=1), time(9),
                                 self.services.clinic.zone)
        tasks = [(i.task_id, i.version) for i in items]
        row, following = self._after()

        def done(moved: int) -> None:
            self.snooze_button.setEnabled(True)
            skipped = len(tasks) - moved
            self.say(self.tr("已把 {0} 项推到明天 09:00。").format(moved) if not skipped else
                     self.tr("已把 {0} 项推到明天 09:00；{1} 项已被他人处理。").format(
                         moved, skipped))
            self._select_next(row, following)

        def work(ctx: Context, _job: Job) -> int:
            return care.snooze_tasks(ctx, tasks, until=until)

        # One transaction however many rows; on the worker, as a long selection takes a while.
        self.snooze_button.setEnabled(False)
        self.progress.run(self.services.ops, work, text=self.tr("正在推迟"), on_done=done,
                          on_error=lambda error: self._failed(error), parent=self,
                          initiator=self)

    def _failed(self, error: BaseException) -> None:
        self.snooze_button.setEnabled(True)
        show_error(self, error)

    def export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("导出回访清单"), f"回访清单-{self._today():%Y%m%d}.xlsx",
            "Excel (*.xlsx)")
        if not path:
            return
        records = list(self.model.records)
        self.progress.run(
            self.services.ops,
            lambda ctx, _job: care.export_callbacks(ctx, records, path),
            text=self.tr("正在导出"), parent=self, initiator=self,
            on_done=lambda _r: self.say(self.tr("已导出 {0} 项到 {1}").format(
                len(records), Path(path).name)))


SPEC = PageSpec(
    key="callbacks", title=lambda: QCoreApplication.translate("CallbacksPage", "回访"),
    icon=QStyle.StandardPixmap.SP_MessageBoxInformation, permission=Permission.CARE_VIEW,
    factory=CallbacksPage, order=20,
)
