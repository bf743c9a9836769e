"""预约: the day and week calendar the receptionist keeps open all day.

Three views: the day (a column per doctor or chair), one doctor's week (a column per day) and
the all-doctors week, compact (a row per doctor, a count and colour bars per day). Every
write goes through ``services.ops``; the page redraws from ``services.changed``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

from PySide6.QtCore import QCoreApplication, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.calendar_layout import SLOT_CHOICES, TimeAxis
from clinic_desktop.rules.schedule_rules import ALLOWED_TRANSITIONS, status_label
from clinic_desktop.services import appointments as appts
from clinic_desktop.services.calendar import (
    AppointmentView,
    appointments_between,
    find_free_slots,
    week_summary,
)
from clinic_desktop.services.chairs import list_chairs
from clinic_desktop.services.schedule import all_working_hours, list_time_off
from clinic_desktop.services.staff import StaffInfo, list_doctors
from clinic_desktop.services.waitlist import matches_for_slot
from ui.app_services import AppServices
from ui.calendar.booking_dialog import BookingDialog
from ui.calendar.booking_parts import local_edit
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
from ui.calendar.time_off_moves import TimeOffMovesDialog
from ui.calendar.view import CalendarView
from ui.calendar.week_grid import WeekData, WeekGrid, day_title
from ui.dialogs.payment_dialog import PaymentDialog
from ui.icons import icon
from ui.pages import PageSpec
from ui.widgets.common import page_header, pop_up
from ui.widgets.contact_reveal import ContactReveals
from ui.widgets.qt_dates import qdate
from ui.widgets.rich_text import rich_plain
from ui.widgets.tier_chip import TierPalette

DEFAULT_MINUTES = 30  # a new booking's length until a procedure says otherwise
DOCTOR_COLUMN, WEEK_COLUMN = 110.0, 60.0  # narrowest readable columns (then it scrolls)
PIXELS_PER_SLOT = {5: 14.0, 10: 18.0, 15: 22.0, 30: 30.0}


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
        self.today_button = QPushButton(icon("today"), self.tr("今天"))
        self.prev_button = QPushButton(icon("previous"), "")
        self.prev_button.setToolTip(self.tr("上一天/上一周（PageUp）"))
        self.next_button = QPushButton(icon("next"), "")
        self.next_button.setToolTip(self.tr("下一天/下一周（PageDown）"))
        self.date_edit = QDateEdit(qdate(self.day))
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
        self.count = QLabel()
        self.count.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.count, 1)
        self.new_button = QPushButton(icon("book"), self.tr("新预约"))
        self.new_button.setObjectName("primaryButton")
        self.new_button.setToolTip(self.tr("在当前医生的下一个空档预约（Ctrl+N）"))
        self.new_button.clicked.connect(self.new_booking)
        bar.addWidget(self.new_button)
        more = QPushButton(self.tr("更多…"))
        menu = QMenu(more)
        menu.addAction(self.tr("候补名单…"), self.show_waitlist)
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
        self.week_grid = WeekGrid(self.zone, self._doctor_day)
        self.week_scroll = QScrollArea()
        self.week_scroll.setWidget(self.week_grid)
        self.week_scroll.setWidgetResizable(True)
        self.week_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.week_scroll)
        layout.addWidget(self.stack, 1)
        canvas = self.view.canvas
        self.tiers = TierPalette(services)  # the tooltip's tier swatch
        canvas.tier_colour = self.tiers.colour
        self.reveals = ContactReveals.of(services)  # numbers masked without CONTACT_FULL
        canvas.mobile_of = lambda v: self.reveals.mobile(v.patient_id, v.patient_mobile)
        canvas.book_requested.connect(self.book)
        canvas.move_requested.connect(self.move_booking)
        canvas.context_requested.connect(self.context_menu)
        canvas.open_requested.connect(self.open_patient)
        self.week_grid.day_requested.connect(self.open_doctor_day)
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
                              (QKeySequence("Ctrl+N"), self.new_booking)):
            QShortcut(keys, self).activated.connect(handler)
        self.hidden: set[int] = set(_stored_ids("calendar/hiddenDoctors"))
        self.order: list[int] = _stored_ids("calendar/doctorOrder")
        services.changed.connect(self._changed)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.view.canvas.update)  # the current-time line
        self.timer.start(60_000)
        self.reload()

    def _changed(self, changes: ChangeSet, _initiator: object) -> None:
        self.tiers.reload_if(changes)  # read when a tooltip shows: nothing to redraw
        if changes.touches(Area.APPOINTMENTS, Area.SCHEDULE, Area.PATIENTS, Area.STAFF):
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
            self.date_edit.setDate(qdate(day))
            self.date_edit.blockSignals(False)
        self.reload()

    def ordered_doctors(self) -> list[StaffInfo]:
        """Every doctor in the column order chosen on this workstation."""
        rank = {doctor_id: i for i, doctor_id in enumerate(self.order)}
        return sorted(self.doctors, key=lambda d: rank.get(d.id, len(rank) + d.id))

    def visible_doctors(self) -> list[StaffInfo]:
        chosen = self.doctor_filter.currentData()
        return [d for d in self.ordered_doctors()
                if (chosen is None and d.id not in self.hidden) or d.id == chosen]

    def compact_week(self) -> bool:
        """The all-doctors week: a row per doctor instead of 7 × doctors columns."""
        return self.mode.currentData() == "week" and len(self.visible_doctors()) > 1

    def week_days(self) -> list[date]:
        monday = self.day - timedelta(days=self.day.weekday())
        return [monday + timedelta(days=i) for i in range(7)]

    def columns(self) -> list[CalendarColumn]:
        doctors = self.visible_doctors()
        if self.mode.currentData() == "week":
            doctor = doctors[0] if doctors else None
            return [CalendarColumn(f"{d}", day_title(d), d, doctor.id if doctor else None,
                                   colour=(doctor.colour if doctor else None) or "#5B7083")
                    for d in self.week_days()]
        if self.group.currentData() == "chair":
            return [CalendarColumn(f"c{c.id}", c.name, self.day, chair_id=c.id)
                    for c in list_chairs(self.services.ctx, include_inactive=False)]
        return [CalendarColumn(f"d{d.id}", d.display_name, self.day, d.id,
                               colour=d.colour or "#5B7083") for d in doctors]

    def _load_doctors(self) -> None:
        """Doctors can be added or deactivated while the calendar is open; the filter lists
        them in the columns' order."""
        self.doctors = list_doctors(self.services.ctx)
        wanted = [(d.id, d.display_name) for d in self.ordered_doctors()]
        shown = [(self.doctor_filter.itemData(i), self.doctor_filter.itemText(i))
                 for i in range(1, self.doctor_filter.count())]
        if wanted == shown:
            return
        chosen = self.doctor_filter.currentData()
        self.doctor_filter.blockSignals(True)
        self.doctor_filter.clear()
        self.doctor_filter.addItem(self.tr("全部医生"), None)
        for doctor_id, name in wanted:
            self.doctor_filter.addItem(name, doctor_id)
        self.doctor_filter.setCurrentIndex(max(0, self.doctor_filter.findData(chosen)))
        self.doctor_filter.blockSignals(False)

    def reload(self) -> None:
        self._load_doctors()
        self.group.setEnabled(self.mode.currentData() == "day")
        if self.compact_week():
            self._reload_week()
            return
        self.stack.setCurrentWidget(self.view)
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
        canvas = self.view.canvas
        canvas.min_column_width = WEEK_COLUMN if self.mode.currentData() == "week" \
            else DOCTOR_COLUMN
        canvas.set_axis(TimeAxis(time(8), time(20), slot, PIXELS_PER_SLOT[slot]))
        canvas.set_data(data, now=self.services.ctx.now())
        self.view.refresh()
        active = [v for v in views if v.status not in ("cancelled", "no_show")]
        self.count.setText(self.tr("共 {0} 个预约").format(len(active)))

    def _reload_week(self) -> None:
        days = self.week_days()
        doctors = self.visible_doctors()
        start = datetime.combine(days[0], time(0), self.zone)
        end = start + timedelta(days=7)
        cells = week_summary(self.services.ctx, days[0], doctor_ids=[d.id for d in doctors])
        self.week_grid.set_week(WeekData(
            doctors=doctors, days=days, cells={(c.doctor_id, c.day): c for c in cells},
            hours=all_working_hours(self.services.ctx),
            time_off=list_time_off(self.services.ctx, start=start, end=end,
                                   doctor_ids=[d.id for d in doctors]),
            today=self._today()))
        self.stack.setCurrentWidget(self.week_scroll)
        self.count.setText(self.tr("共 {0} 个预约").format(sum(c.count for c in cells)))

    def _doctor_day(self, doctor_id: int, day: date) -> list[AppointmentView]:
        """The week grid's tooltip: that doctor's bookings that day."""
        start = datetime.combine(day, time(0), self.zone)
        return appointments_between(self.services.ctx, start, start + timedelta(days=1),
                                    doctor_ids=[doctor_id])

    def open_doctor_day(self, doctor_id: int, day: date) -> None:
        """From the compact week: that doctor's day, full width."""
        for combo, value in ((self.mode, "day"), (self.group, "doctor"),
                             (self.doctor_filter, doctor_id)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.go(day)

    # -- booking ------------------------------------------------------------------------------
    def first_free(self, after: datetime) -> tuple[int | None, datetime]:
        """The first free slot (doctor, start) of the doctors in view from ``after``, in the
        columns' order; the first doctor at 09:00 of the day shown when none is free."""
        doctors = [d.id for d in self.visible_doctors()]
        if doctors:
            found = find_free_slots(self.services.ctx, duration=timedelta(
                minutes=DEFAULT_MINUTES), after=after, doctor_ids=doctors, limit=1,
                step_minutes=int(self.slot.currentData()))
            if found:
                return found[0].doctor_id, found[0].start.astimezone(self.zone)
        return (doctors[0] if doctors else None), self._default_start()

    def new_booking(self) -> int | None:
        """新预约 (Ctrl+N): at the first free slot of the doctors in view, from now or from
        the day shown if that is later."""
        after = max(self.services.ctx.now(), datetime.combine(self.day, time(0), self.zone))
        doctor_id, start = self.first_free(after)
        return self._open_booking(doctor_id, None, start, None, None)

    def book_for_patient(self, patient_id: int) -> int | None:
        """From another page (the patient's panel): book this patient at the first free slot
        of the doctors in view, from now."""
        doctor_id, start = self.first_free(self.services.ctx.now())
        return self._open_booking(doctor_id, None, start, None, patient_id)

    def book(self, column: CalendarColumn | None, start: datetime, end: datetime | None,
             patient_id: int | None = None) -> int | None:
        """A slot chosen on the canvas (double-click or drag)."""
        return self._open_booking(column.doctor_id if column else None,
                                  column.chair_id if column else None, start, end, patient_id)

    def _open_booking(self, doctor_id: int | None, chair_id: int | None, start: datetime,
                      end: datetime | None, patient_id: int | None) -> int | None:
        dialog = BookingDialog(self.services, start=start, end=end, patient_id=patient_id,
                               doctor_id=doctor_id, chair_id=chair_id, parent=self)
        if dialog.exec() and dialog.booked_id is not None:
            booked = local_edit(dialog.when, self.services).date()
            if self.mode.currentData() == "day" and booked != self.day:
                self.go(booked)  # show where it went (the first free slot may be tomorrow)
            return dialog.booked_id
        return None

    def move_booking(self, view: AppointmentView, column: CalendarColumn, start: datetime,
                     end: datetime) -> None:
        """A block dragged on the canvas; a refused move springs back with the reason."""
        def refused(error: UserError) -> None:
            self.reload()
            QMessageBox.warning(self, self.tr("不能改到这个时间"), rich_plain(error.message))

        self.services.ops.run(
            lambda ctx: appts.reschedule(ctx, view.id, version=view.version, start=start,
                                         end=end, doctor_id=column.doctor_id,
                                         chair_id=column.chair_id,
                                         keep_chair=column.chair_id is None),
            parent=self, initiator=self, on_error=refused)

    def context_menu(self, view: AppointmentView, where: QPoint) -> None:
        menu = QMenu(self)
        now = self.services.ctx.now()
        for status in ("confirmed", "arrived", "in_treatment", "no_show"):
            # Not offered before its time (no-show before the start, arrived before the day):
            # the service would refuse it.
            if status in ALLOWED_TRANSITIONS.get(view.status, ()) \
                    and not appts.too_early(status, view.start, now, self.zone):
                menu.addAction(self.tr("标记为 {0}").format(status_label(status)),
                               partial(self.set_status, view, status))
        if view.status == "no_show":
            menu.addAction(self.tr("撤销爽约（改回已预约）"),
                           partial(self.set_status, view, "booked"))
        if "completed" in ALLOWED_TRANSITIONS.get(view.status, ()):
            menu.addAction(self.tr("完成就诊并记账…"), lambda: self.complete(view))
        if view.status in ("booked", "confirmed"):
            menu.addAction(self.tr("改约…"), lambda: self.reschedule(view))
            menu.addAction(self.tr("加入候补（希望提前）…"),
                           lambda: WaitlistAddDialog(self.services, view, self).exec())
        if "cancelled" in ALLOWED_TRANSITIONS.get(view.status, ()):
            menu.addAction(self.tr("取消预约…"), lambda: self.cancel(view))
        menu.addSeparator()
        menu.addAction(self.tr("打开患者档案"), lambda: self.open_patient(view))
        menu.addAction(self.tr("预约历史"), lambda: self.show_history(view))
        if self.reveals.can_reveal(view.patient_id, view.patient_mobile):
            menu.addAction(self.tr("显示完整号码"), lambda: self.reveal_mobile(view))
        pop_up(menu, where)

    def reveal_mobile(self, view: AppointmentView) -> None:
        """The masked number in full (audited), said at once: the tooltip shows it from now."""
        found = self.reveals.reveal(view.patient_id, self)
        if found is not None:
            QMessageBox.information(self, self.tr("完整号码"), rich_plain(
                f"{found.name}  {found.mobile or '—'}"))

    def reschedule(self, view: AppointmentView) -> None:
        RescheduleDialog(self.services, view, self).exec()

    def set_status(self, view: AppointmentView, status: str) -> None:
        self.services.ops.run(lambda ctx: appts.change_status(
            ctx, view.id, version=view.version, status=status), parent=self, initiator=self)

    def complete(self, view: AppointmentView) -> None:
        dialog = CompleteVisitDialog(self.services, view, self)
        if dialog.exec() and dialog.visit_id is not None and dialog.pay_now.isChecked():
            PaymentDialog(self.services, view.patient_id, visit_id=dialog.visit_id,
                          parent=self).exec()

    def cancel(self, view: AppointmentView) -> None:
        if CancelDialog(self.services, view, self).exec() and matches_for_slot(
                self.services.ctx, view.id):
            WaitlistDialog(self.services, view, self).exec()  # someone may take the slot

    def show_waitlist(self) -> None:
        WaitlistDialog(self.services, None, self).exec()

    def open_patient(self, view: AppointmentView) -> None:
        self.services.request_patient(view.patient_id)

    def show_history(self, view: AppointmentView) -> None:
        from clinic_desktop.services.calendar import appointment_history

        lines = [f"{self.services.format_datetime(h.at)}  {h.staff_name}  "
                 f"{status_label(h.to_status) if h.to_status else h.action}  {h.detail}"
                 for h in appointment_history(self.services.ctx, view.id)]
        QMessageBox.information(self, self.tr("预约历史"), rich_plain("\n".join(lines) or "—"))

    # -- schedule -----------------------------------------------------------------------------
    def add_time_off(self) -> None:
        chosen = self.doctor_filter.currentData()
        dialog = TimeOffDialog(self.services, self, doctor_id=chosen, day=self.day)
        if dialog.exec() and dialog.result_info is not None and dialog.affected:
            off = dialog.result_info.time_off
            name = next((d.display_name for d in self.doctors if d.id == off.doctor_id), "")
            start, end = self.services.local(off.start), self.services.local(off.end)
            heading = self.tr("{0} {1} 至 {2} 请假，这段时间里还有 {3} 个预约。").format(
                name, f"{start:%m-%d %H:%M}", f"{end:%m-%d %H:%M}", len(dialog.affected))
            TimeOffMovesDialog(self.services, dialog.affected, heading=heading,
                               parent=self).exec()

    def edit_hours(self) -> None:
        WorkingHoursDialog(self.services, self).exec()

    def choose_columns(self) -> None:
        from ui.calendar.columns_dialog import ColumnsDialog

        dialog = ColumnsDialog(self.doctors, self.order, self.hidden, self)
        if dialog.exec():
            self.order, self.hidden = dialog.order, dialog.hidden
            QSettings().setValue("calendar/doctorOrder", self.order)
            QSettings().setValue("calendar/hiddenDoctors", sorted(self.hidden))
            self.reload()

    # -- the day sheet ------------------------------------------------------------------------
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


def _stored_ids(key: str) -> list[int]:
    value = QSettings().value(key, [], type=list)
    return [int(x) for x in value if str(x).isdigit()] if isinstance(value, list) else []


SPEC = PageSpec(
    key="calendar", title=lambda: QCoreApplication.translate("CalendarPage", "预约"),
    icon=QStyle.StandardPixmap.SP_FileDialogInfoView, permission=Permission.APPOINTMENT_VIEW,
    factory=CalendarPage, order=5,
)
