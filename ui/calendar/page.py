"""预约: the day and week calendar the receptionist keeps open all day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QCoreApplication, QDate, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.calendar_layout import SLOT_CHOICES, TimeAxis
from clinic_desktop.rules.schedule_rules import ALLOWED_TRANSITIONS, status_label
from clinic_desktop.services import appointments as appts
from clinic_desktop.services.calendar import AppointmentView, appointments_between
from clinic_desktop.services.chairs import list_chairs
from clinic_desktop.services.schedule import all_working_hours, list_time_off
from clinic_desktop.services.staff import StaffInfo, list_doctors
from ui.app_services import AppServices
from ui.calendar.booking_dialog import BookingDialog
from ui.calendar.canvas import CalendarColumn, CanvasData
from ui.calendar.day_sheet import day_sheet_html, print_day_sheet, save_day_sheet_pdf
from ui.calendar.dialogs import (
    CancelDialog,
    CompleteVisitDialog,
    RescheduleDialog,
    TimeOffDialog,
    WaitlistAddDialog,
    WaitlistDialog,
    WorkingHoursDialog,
)
from ui.calendar.view import CalendarView
from ui.dialogs.patient_actions import ActionDialog
from ui.errors import show_error
from ui.pages import PageSpec
from ui.widgets.common import page_header
from ui.widgets.rich_text import rich_plain

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


class CalendarPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.zone = services.clinic.zone
        self.day = services.local(services.ctx.now()).date()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addWidget(page_header(self.tr("预约"), self.tr(
            "双击或拖选空白处预约；拖动预约改时间，拖下边缘改时长；右键改状态。")))
        bar = QHBoxLayout()
        self.today_button = QPushButton(self.tr("今天"))
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.date_edit = QDateEdit(QDate(self.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd ddd")
        self.mode = QComboBox()
        self.mode.addItem(self.tr("日视图"), "day")
        self.mode.addItem(self.tr("周视图"), "week")
        self.group = QComboBox()
        self.group.addItem(self.tr("按医生"), "doctor")
        self.group.addItem(self.tr("按椅位"), "chair")
        self.doctor_filter = QComboBox()
        self.doctors: list[StaffInfo] = []
        self.slot = QComboBox()
        for minutes in SLOT_CHOICES:
            self.slot.addItem(self.tr("{0} 分钟").format(minutes), minutes)
        self.slot.setCurrentIndex(SLOT_CHOICES.index(15))
        for widget in (self.today_button, self.prev_button, self.next_button, self.date_edit,
                       self.mode, self.group, self.doctor_filter, self.slot):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.count = QLabel()
        bar.addWidget(self.count)
        more = QPushButton(self.tr("更多…"))
        menu = QMenu(more)
        menu.addAction(self.tr("新预约…"), lambda: self.book(None, self._default_start(), None))
        menu.addAction(self.tr("候补名单…"), lambda: WaitlistDialog(services, None, self).exec())
        menu.addAction(self.tr("打印日程…"), self.print_sheet)
        menu.addAction(self.tr("日程另存为 PDF…"), self.save_sheet)
        if services.can(Permission.SCHEDULE_MANAGE):
            menu.addAction(self.tr("请假 / 停诊…"), self.add_time_off)
            menu.addAction(self.tr("出诊时间…"), self.edit_hours)
        menu.addAction(self.tr("显示/隐藏医生…"), self.choose_columns)
        more.setMenu(menu)
        bar.addWidget(more)
        layout.addLayout(bar)
        self.view = CalendarView(self.zone)
        layout.addWidget(self.view, 1)
        canvas = self.view.canvas
        canvas.book_requested.connect(self.book)
        canvas.move_requested.connect(self.move)
        canvas.context_requested.connect(self.context_menu)
        canvas.open_requested.connect(self.open_patient)
        self.today_button.clicked.connect(lambda: self.go(self._today()))
        self.prev_button.clicked.connect(lambda: self.go(self.day - self._step()))
        self.next_button.clicked.connect(lambda: self.go(self.day + self._step()))
        self.date_edit.dateChanged.connect(lambda d: self.go(d.toPython()))
        for combo in (self.mode, self.group, self.doctor_filter, self.slot):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for keys, handler in ((QKeySequence("T"), lambda: self.go(self._today())),
                              (QKeySequence(Qt.Key.Key_PageUp),
                               lambda: self.go(self.day - self._step())),
                              (QKeySequence(Qt.Key.Key_PageDown),
                               lambda: self.go(self.day + self._step())),
                              (QKeySequence("Ctrl+N"),
                               lambda: self.book(None, self._default_start(), None))):
            QShortcut(keys, self, activated=handler)
        self.hidden: set[int] = {int(x) for x in QSettings().value(
            "calendar/hiddenDoctors", [], type=list) or []}
        self.order: list[int] = [int(x) for x in QSettings().value(
            "calendar/doctorOrder", [], type=list) or []]
        services.changed.connect(lambda changes, _by: self.reload() if changes.touches(
            Area.APPOINTMENTS, Area.SCHEDULE, Area.PATIENTS, Area.STAFF) else None)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.view.canvas.update)  # the current-time line
        self.timer.start(60_000)
        self.reload()

    # -- navigation ---------------------------------------------------------------------------
    def _today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def _step(self) -> timedelta:
        return timedelta(days=7 if self.mode.currentData() == "week" else 1)

    def _default_start(self) -> datetime:
        return datetime.combine(self.day, time(9), self.zone)

    def go(self, day: date) -> None:
        self.day = day
        if self.date_edit.date().toPython() != day:
            self.date_edit.blockSignals(True)
            self.date_edit.setDate(QDate(day))
            self.date_edit.blockSignals(False)
        self.reload()

    def visible_doctors(self) -> list[StaffInfo]:
        chosen = self.doctor_filter.currentData()
        doctors = [d for d in self.doctors if (chosen is None and d.id not in self.hidden)
                   or d.id == chosen]
        rank = {doctor_id: i for i, doctor_id in enumerate(self.order)}
        return sorted(doctors, key=lambda d: rank.get(d.id, len(rank) + d.id))

    def columns(self) -> list[CalendarColumn]:
        doctors = self.visible_doctors()
        if self.mode.currentData() == "week":
            monday = self.day - timedelta(days=self.day.weekday())
            days = [monday + timedelta(days=i) for i in range(7)]
            if len(doctors) == 1:
                return [CalendarColumn(f"{d}", f"周{WEEKDAYS[d.weekday()]} {d:%m-%d}", d,
                                       doctors[0].id, colour=doctors[0].colour or "#5B7083")
                        for d in days]
            return [CalendarColumn(f"{d}-{doc.id}", f"{d:%m-%d} {doc.display_name}", d, doc.id,
                                   colour=doc.colour or "#5B7083")
                    for d in days for doc in doctors]
        if self.group.currentData() == "chair":
            return [CalendarColumn(f"c{c.id}", c.name, self.day, chair_id=c.id)
                    for c in list_chairs(self.services.ctx, include_inactive=False)]
        return [CalendarColumn(f"d{d.id}", d.display_name, self.day, d.id,
                               colour=d.colour or "#5B7083") for d in doctors]

    def _load_doctors(self) -> None:
        """Doctors can be added or deactivated while the calendar is open."""
        doctors = list_doctors(self.services.ctx)
        if [(d.id, d.display_name) for d in doctors] == [
                (d.id, d.display_name) for d in self.doctors]:
            return
        chosen = self.doctor_filter.currentData()
        self.doctors = doctors
        self.doctor_filter.blockSignals(True)
        self.doctor_filter.clear()
        self.doctor_filter.addItem(self.tr("全部医生"), None)
        for d in doctors:
            self.doctor_filter.addItem(d.display_name, d.id)
        self.doctor_filter.setCurrentIndex(max(0, self.doctor_filter.findData(chosen)))
        self.doctor_filter.blockSignals(False)

    def reload(self) -> None:
        self._load_doctors()
        columns = self.columns()
        days = sorted({c.day for c in columns}) or [self.day]
        start = datetime.combine(days[0], time(0), self.zone)
        end = datetime.combine(days[-1] + timedelta(days=1), time(0), self.zone)
        doctor_ids = sorted({c.doctor_id for c in columns if c.doctor_id is not None}) or None
        views = appointments_between(self.services.ctx, start, end, doctor_ids=doctor_ids,
                                     include_cancelled=False)
        data = CanvasData(columns=columns, appointments=views,
                          hours=all_working_hours(self.services.ctx),
                          time_off=list_time_off(self.services.ctx, start=start, end=end))
        slot = int(self.slot.currentData())
        self.view.canvas.set_axis(TimeAxis(time(8), time(20), slot, {5: 14.0, 10: 18.0,
                                                                      15: 22.0, 30: 30.0}[slot]))
        self.view.fit_columns(len(columns))
        self.view.canvas.set_data(data, now=self.services.ctx.now())
        self.view.refresh()
        active = [v for v in views if v.status not in ("cancelled", "no_show")]
        self.count.setText(self.tr("共 {0} 个预约").format(len(active)))

    # -- actions ------------------------------------------------------------------------------
    def book(self, column: CalendarColumn | None, start: datetime, end: datetime | None,
             patient_id: int | None = None) -> int | None:
        dialog = BookingDialog(
            self.services, start=start, end=end, patient_id=patient_id,
            doctor_id=column.doctor_id if column else None,
            chair_id=column.chair_id if column else None, parent=self)
        if dialog.exec() and dialog.booked_id is not None:
            self.services.notify({"appointments"})
            return dialog.booked_id
        return None

    def book_for_patient(self, patient_id: int) -> int | None:
        """From another page (the patient's panel): book this patient, starting from now."""
        now = self.services.local(self.services.ctx.now())
        start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return self.book(None, start, None, patient_id=patient_id)

    def move(self, view: AppointmentView, column: CalendarColumn, start: datetime,
             end: datetime) -> None:
        try:
            appts.reschedule(self.services.ctx, view.id, version=view.version,
                             start=start, end=end, doctor_id=column.doctor_id,
                             chair_id=column.chair_id, keep_chair=column.chair_id is None)
        except UserError as error:
            self.reload()  # the block springs back to where it was
            QMessageBox.warning(self, self.tr("不能改到这个时间"), rich_plain(error.message))
            return
        self.services.notify({"appointments"})

    def context_menu(self, view: AppointmentView, where: QPoint) -> None:
        menu = QMenu(self)
        for status in ("confirmed", "arrived", "in_treatment", "no_show"):
            if status in ALLOWED_TRANSITIONS.get(view.status, ()):
                menu.addAction(self.tr("标记为 {0}").format(status_label(status)),
                               lambda s=status: self.set_status(view, s))
        if "completed" in ALLOWED_TRANSITIONS.get(view.status, ()):
            menu.addAction(self.tr("完成就诊并记账…"), lambda: self.complete(view))
        if view.status in ("booked", "confirmed"):
            menu.addAction(self.tr("改约…"), lambda: self._dialog(RescheduleDialog(
                self.services, view, self)))
            menu.addAction(self.tr("加入候补（希望提前）…"), lambda: self._dialog(
                WaitlistAddDialog(self.services, view, self)))
        if "cancelled" in ALLOWED_TRANSITIONS.get(view.status, ()):
            menu.addAction(self.tr("取消预约…"), lambda: self.cancel(view))
        menu.addSeparator()
        menu.addAction(self.tr("打开患者档案"), lambda: self.open_patient(view))
        menu.addAction(self.tr("预约历史"), lambda: self.show_history(view))
        menu.exec(where)

    def _dialog(self, dialog: ActionDialog) -> None:
        if dialog.exec():
            self.services.notify({"appointments"})

    def set_status(self, view: AppointmentView, status: str) -> None:
        try:
            appts.change_status(self.services.ctx, view.id, version=view.version, status=status)
        except UserError as error:
            show_error(self, error)
        self.services.notify({"appointments"})

    def complete(self, view: AppointmentView) -> None:
        if CompleteVisitDialog(self.services, view, self).exec():
            self.services.notify({"appointments", "patients"})

    def cancel(self, view: AppointmentView) -> None:
        if CancelDialog(self.services, view, self).exec():
            self.services.notify({"appointments"})
            WaitlistDialog(self.services, view, self).exec()

    def open_patient(self, view: AppointmentView) -> None:
        self.services.request_patient(view.patient_id)

    def show_history(self, view: AppointmentView) -> None:
        from clinic_desktop.services.calendar import appointment_history

        lines = [f"{self.services.format_datetime(h.at)}  {h.staff_name}  "
                 f"{status_label(h.to_status) if h.to_status else h.action}  {h.detail}"
                 for h in appointment_history(self.services.ctx, view.id)]
        QMessageBox.information(self, self.tr("预约历史"), rich_plain("\n".join(lines) or "—"))

    def add_time_off(self) -> None:
        dialog = TimeOffDialog(self.services, self)
        if dialog.exec():
            self.services.notify({"schedule"})
            if dialog.affected:
                affected = [v for v in appointments_between(
                    self.services.ctx, datetime.combine(self.day, time(0), self.zone)
                    - timedelta(days=60), datetime.combine(self.day, time(0), self.zone)
                    + timedelta(days=400)) if v.id in set(dialog.affected)]
                lines = "\n".join(
                    f"{self.services.format_datetime(v.start)}  {v.patient_name}  "
                    f"{v.patient_mobile or ''}" for v in affected)
                QMessageBox.warning(self, self.tr("请改约"), rich_plain(self.tr(
                    "这段时间里还有 {0} 个预约，请逐个改约或取消（右键 → 改约）：\n\n{1}").format(
                    len(dialog.affected), lines)))

    def edit_hours(self) -> None:
        if WorkingHoursDialog(self.services, self).exec():
            self.services.notify({"schedule"})

    def choose_columns(self) -> None:
        from ui.calendar.columns_dialog import ColumnsDialog

        dialog = ColumnsDialog(self.doctors, self.order, self.hidden, self)
        if dialog.exec():
            self.order, self.hidden = dialog.order, dialog.hidden
            QSettings().setValue("calendar/doctorOrder", self.order)
            QSettings().setValue("calendar/hiddenDoctors", sorted(self.hidden))
            self.reload()

    def _sheet(self) -> str:
        start = datetime.combine(self.day, time(0), self.zone)
        views = appointments_between(self.services.ctx, start, start + timedelta(days=1))
        return day_sheet_html(self.services, self.day, self.visible_doctors(), views)

    def print_sheet(self) -> None:
        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            print_day_sheet(printer, self._sheet())

    def save_sheet(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("日程另存为 PDF"), f"日程-{self.day:%Y%m%d}.pdf", "PDF (*.pdf)")
        if path:
            save_day_sheet_pdf(path, self._sheet())


SPEC = PageSpec(
    key="calendar", title=lambda: QCoreApplication.translate("CalendarPage", "预约"),
    icon=QStyle.StandardPixmap.SP_FileDialogInfoView, permission=Permission.APPOINTMENT_VIEW,
    factory=CalendarPage, order=5,
)
