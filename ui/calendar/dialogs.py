"""Dialogs around the calendar: complete visit, cancel, time off, working hours, waitlist."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.free_slots import FreeSlot
from clinic_desktop.rules.schedule_rules import WorkingSpan
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule, waitlist
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.calendar import AppointmentView
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.staff import list_doctors
from ui.app_services import AppServices
from ui.calendar.booking_parts import (
    ConflictLine,
    SlotFinder,
    grow_to_fit,
    local_edit,
    open_at_hint,
    set_local_edit,
)
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.qt_dates import qdatetime
from ui.widgets.rich_text import plain_label

SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~到]\s*(\d{1,2}):(\d{2})\s*$")


class CompleteVisitDialog(ActionDialog):
    """What was done, and what it cost: writes the visit and its charge in one go."""

    ROWS = 4

    def __init__(self, services: AppServices, view: AppointmentView,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("完成就诊：{0}").format(view.patient_name), services, parent)
        self.view = view
        self.visit_id: int | None = None
        procedures = list_procedures(services.ctx)
        grid = QGridLayout()
        for col, title in enumerate((self.tr("项目"), self.tr("牙位/部位"), self.tr("金额（元）"))):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.lines: list[tuple[QComboBox, QLineEdit, QLineEdit]] = []
        for row in range(1, self.ROWS + 1):
            combo = QComboBox()
            combo.addItem("", None)
            for p in procedures:
                combo.addItem(p.name, (p.id, p.price))
            site, amount = QLineEdit(), QLineEdit()
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, a=amount: a.setText(f"{c.currentData()[1]}")
                if c.currentData() else None)
            grid.addWidget(combo, row, 0)
            grid.addWidget(site, row, 1)
            grid.addWidget(amount, row, 2)
            self.lines.append((combo, site, amount))
        for index, procedure_id in enumerate(view.procedure_ids[: self.ROWS]):
            combo = self.lines[index][0]
            combo.setCurrentIndex(max(0, next(
                (i for i in range(combo.count()) if (combo.itemData(i) or (None,))[0]
                 == procedure_id), 0)))
        self.body.insertLayout(0, grid)
        self.notes = QLineEdit()
        if services.can(Permission.CLINICAL_EDIT):  # the visit's notes are clinical
            self.form.addRow(self.tr("病历摘要"), self.notes)
        # The patient is usually at the desk now: the payment dialog follows with this visit.
        self.pay_now = QCheckBox(self.tr("完成后立即收款（会员折扣、优惠券、积分、储值）"))
        self.pay_now.setChecked(services.can(Permission.BILLING_EDIT))
        self.pay_now.setVisible(services.can(Permission.BILLING_EDIT))
        self.form.addRow(self.pay_now)
        self.fields = {"lines": self.lines[0][0], "amount": self.lines[0][2]}
        self.finish(self.tr("完成并记账"))

    def operation(self) -> Operation:
        lines = []
        for combo, site, amount in self.lines:
            if combo.currentData() is None:
                continue
            try:
                value = Decimal(amount.text().replace(",", "").strip() or "0")
            except InvalidOperation as exc:
                raise UserError(self.tr("金额“{0}”不是数字。").format(amount.text()),
                                field="amount") from exc
            lines.append(TreatmentLine(combo.currentData()[0], value, site=site.text()))
        view, notes = self.view, self.notes.text()
        return lambda ctx: appts.complete_appointment(ctx, view.id, version=view.version,
                                                      lines=lines, notes=notes)

    def succeeded(self, result: object) -> None:
        self.visit_id = result if isinstance(result, int) else None
        self.accept()


class CancelDialog(ActionDialog):
    def __init__(self, services: AppServices, view: AppointmentView,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("取消预约"), services, parent)
        self.view = view
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("例如：患者出差，改约下周"))
        self.form.addRow(self.tr("原因"), self.reason)
        self.fields = {"reason": self.reason, "status": self.reason}
        self.finish(self.tr("取消预约"))

    def operation(self) -> Operation:
        view, reason = self.view, self.reason.text()
        return lambda ctx: appts.change_status(ctx, view.id, version=view.version,
                                               status="cancelled", reason=reason)


class TimeOffDialog(ActionDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None, *,
                 doctor_id: int | None = None, day: date | None = None) -> None:
        super().__init__(self.tr("请假 / 停诊"), services, parent)
        self.result_info: schedule.TimeOffResult | None = None
        self.doctor = QComboBox()
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        if doctor_id is not None:
            self.doctor.setCurrentIndex(max(0, self.doctor.findData(doctor_id)))
        now = services.local(services.ctx.now()).replace(tzinfo=None, second=0, microsecond=0)
        if day is not None:
            now = now.replace(year=day.year, month=day.month, day=day.day)
        self.start = QDateTimeEdit(qdatetime(now.replace(hour=8, minute=0)))
        self.end = QDateTimeEdit(qdatetime(now.replace(hour=19, minute=0)))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.setCalendarPopup(True)
        self.kind = QComboBox()
        for kind in schedule.TIME_OFF_KINDS:
            self.kind.addItem(schedule.time_off_kind_label(kind), kind)
        self.reason = QLineEdit()
        for label, widget in ((self.tr("医生"), self.doctor), (self.tr("开始"), self.start),
                              (self.tr("结束"), self.end), (self.tr("类型"), self.kind),
                              (self.tr("说明"), self.reason)):
            self.form.addRow(label, widget)
        self.fields = {"end": self.end, "kind": self.kind}
        self.finish(self.tr("保存"))

    @property
    def affected(self) -> tuple[int, ...]:
        """The bookings the saved time off covers (to move)."""
        return self.result_info.affected_appointment_ids if self.result_info else ()

    def operation(self) -> Operation:
        doctor, kind, reason = int(self.doctor.currentData()), self.kind.currentData(), \
            self.reason.text()
        start, end = local_edit(self.start, self.services), local_edit(self.end, self.services)
        return lambda ctx: schedule.add_time_off(ctx, doctor, start=start, end=end, kind=kind,
                                                 reason=reason)

    def succeeded(self, result: object) -> None:
        self.result_info = result if isinstance(result, schedule.TimeOffResult) else None
        self.accept()


def parse_spans(weekday: int, text: str) -> list[WorkingSpan]:
    spans = []
    for part in re.split(r"[,，;；\s]+(?=\d)", text.strip()):
        if not part.strip():
            continue
        match = SPAN.match(part)
        if not match:
            raise UserError(f"“{part}”", field=str(weekday))
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            spans.append(WorkingSpan(weekday, time(h1, m1), time(h2, m2)))
        except ValueError as exc:
            raise UserError(f"“{part}”", field=str(weekday)) from exc
    return spans


class WorkingHoursDialog(ActionDialog):
    DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("出诊时间"), services, parent)
        self.doctor = QComboBox()
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        self.form.addRow(self.tr("医生"), self.doctor)
        self.days: list[QLineEdit] = []
        for index, _name in enumerate(self.DAYS):
            edit = QLineEdit()
            edit.setPlaceholderText(self.tr("例如 09:00-12:00, 13:30-18:00；空白表示不出诊"))
            self.days.append(edit)
            self.form.addRow(schedule.weekday_label(index), edit)
        self.fields = {str(i): edit for i, edit in enumerate(self.days)}
        self.doctor.currentIndexChanged.connect(lambda _i: self._load())
        self.finish(self.tr("保存"))
        self._load()

    def _load(self) -> None:
        spans = schedule.get_working_hours(self.services.ctx, int(self.doctor.currentData()))
        for index, edit in enumerate(self.days):
            edit.setText(", ".join(f"{s.start:%H:%M}-{s.end:%H:%M}" for s in spans
                                   if s.weekday == index))

    def operation(self) -> Operation:
        spans: list[WorkingSpan] = []
        for index, edit in enumerate(self.days):
            try:
                spans += parse_spans(index, edit.text())
            except UserError as error:
                raise UserError(self.tr("{0} 的时间 {1} 看不懂，请写成 09:00-12:00。").format(
                    schedule.weekday_label(index), error.message), field=str(index)) from error
        doctor = int(self.doctor.currentData())
        return lambda ctx: schedule.set_working_hours(ctx, doctor, spans)


class WaitlistDialog(ActionDialog):
    """Offers waiting patients for a freed slot, or just shows the list."""

    PARTS = {"morning": QT_TRANSLATE_NOOP("WaitlistDialog", "上午"),
             "afternoon": QT_TRANSLATE_NOOP("WaitlistDialog", "下午"),
             "evening": QT_TRANSLATE_NOOP("WaitlistDialog", "晚上")}

    def __init__(self, services: AppServices, freed: AppointmentView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("候补名单"), services, parent)
        items = (waitlist.matches_for_slot(services.ctx, freed.id) if freed
                 else waitlist.active_waitlist(services.ctx))
        if freed is not None:
            local = services.local(freed.start)
            self.form.addRow(QLabel(self.tr("{0} 的时段空出来了，以下候补患者合适：").format(
                f"{local:%m-%d %H:%M}")))
        self.list = QListWidget()
        for item in items:
            parts = "、".join(self.tr(str(self.PARTS[p])) for p in item.day_parts
                             if p in self.PARTS)
            row = QListWidgetItem(f"{item.patient_name}  {item.mobile or ''}  {parts}  "
                                  f"{item.notes}")
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            self.list.addItem(row)
        # Nothing waiting is a sentence, not a row that looks like a patient to pick.
        self.empty = QLabel(self.tr("没有合适的候补患者。") if freed is not None
                            else self.tr("候补名单是空的。右键预约 → 加入候补，患者想提前时"
                                         "会列在这里。"))
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumHeight(80)
        self.form.addRow(self.list if items else self.empty)
        self.fields = {}
        self.finish(self.tr("标记为已安排"))
        if not items:
            self.ok_button().hide()
            self.cancel_button().setText(self.tr("关闭"))

    def _button(self, which: QDialogButtonBox.StandardButton) -> QPushButton:
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None
        return buttons.button(which)

    def ok_button(self) -> QPushButton:
        return self._button(QDialogButtonBox.StandardButton.Ok)

    def cancel_button(self) -> QPushButton:
        return self._button(QDialogButtonBox.StandardButton.Cancel)

    def operation(self) -> Operation:
        item = self.list.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item else None
        if entry is None:
            raise UserError(self.tr("请先选择一位候补患者。"), field="entry")
        note = self.tr("已安排")
        return lambda ctx: waitlist.resolve_waitlist(ctx, int(entry), note=note)


def local_naive(moment: datetime, services: AppServices) -> datetime:
    return services.local(moment).replace(tzinfo=None)


class RescheduleDialog(ActionDialog):
    """改约: another day, time, doctor or length, checked live like a booking, with 查找空档."""

    def __init__(self, services: AppServices, view: AppointmentView,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("改约：{0}").format(view.patient_name), services, parent)
        self.view = view
        self.doctor = QComboBox()
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        self.doctor.setCurrentIndex(max(0, self.doctor.findData(view.doctor_id)))
        self.when = QDateTimeEdit(qdatetime(local_naive(view.start, services)))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.minutes = QComboBox()
        length = int((view.end - view.start).total_seconds() // 60)
        for minutes in sorted({15, 20, 30, 40, 45, 60, 90, 120, length}):
            self.minutes.addItem(self.tr("{0} 分钟").format(minutes), minutes)
        self.minutes.setCurrentIndex(self.minutes.findData(length))
        was = services.local(view.start)
        self.form.addRow(self.tr("原时间"), plain_label(
            f"{was:%Y-%m-%d %H:%M}  {self.doctor.currentText()}"))
        self.form.addRow(self.tr("医生"), self.doctor)
        self.form.addRow(self.tr("时间"), self.when)
        self.form.addRow(self.tr("时长"), self.minutes)
        self.finder = SlotFinder(services, {self.doctor.itemData(i): self.doctor.itemText(i)
                                            for i in range(self.doctor.count())})
        self.finder.button.clicked.connect(self.find_slots)
        self.finder.chosen.connect(self._use_slot)
        self.conflict_line = ConflictLine(services)
        self.form.addRow(self.finder)
        self.form.addRow(self.conflict_line)
        self.fields = {"start": self.when, "end": self.minutes}
        self.finish(self.tr("改约"))
        self.setMinimumWidth(640)
        for signal in (self.doctor.currentIndexChanged, self.when.dateTimeChanged,
                       self.minutes.currentIndexChanged):
            signal.connect(lambda *_: self.check())
        self.check()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        open_at_hint(self)

    def _span(self) -> tuple[datetime, datetime]:
        start = local_edit(self.when, self.services)
        return start, start + timedelta(minutes=int(self.minutes.currentData()))

    def check(self) -> None:
        start, end = self._span()
        request = BookingRequest(self.view.patient_id, int(self.doctor.currentData()), start,
                                 end, self.view.chair_id)
        self.conflict_line.show_conflicts(appts.check_booking(
            self.services.ctx, request, appointment_id=self.view.id))
        grow_to_fit(self)

    def find_slots(self) -> list[FreeSlot]:
        start, end = self._span()
        found = self.finder.search(doctor_id=self.doctor.currentData(), duration=end - start,
                                   after=start)
        grow_to_fit(self)
        return found

    def _use_slot(self, slot: FreeSlot) -> None:
        self.doctor.setCurrentIndex(self.doctor.findData(slot.doctor_id))
        set_local_edit(self.when, slot.start, self.services)

    def operation(self) -> Operation:
        start, end = self._span()
        view, doctor = self.view, int(self.doctor.currentData())
        override = self.conflict_line.override_reason()
        return lambda ctx: appts.reschedule(ctx, view.id, version=view.version, start=start,
                                            end=end, doctor_id=doctor,
                                            override_reason=override)

    def refused(self, error: UserError) -> None:
        self.check()
        self.errors.show(error)


class WaitlistAddDialog(ActionDialog):
    """Put a patient on the ASAP list, with the times they could come."""

    PARTS = (("morning", QT_TRANSLATE_NOOP("WaitlistAddDialog", "上午")),
             ("afternoon", QT_TRANSLATE_NOOP("WaitlistAddDialog", "下午")),
             ("evening", QT_TRANSLATE_NOOP("WaitlistAddDialog", "晚上")))

    def __init__(self, services: AppServices, view: AppointmentView,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("加入候补：{0}").format(view.patient_name), services, parent)
        self.view = view
        self.doctor = QComboBox()
        self.doctor.addItem(self.tr("任意医生"), None)
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        self.doctor.setCurrentIndex(max(0, self.doctor.findData(view.doctor_id)))
        row = QHBoxLayout()
        self.parts: dict[str, QCheckBox] = {}
        for key, label in self.PARTS:
            box = QCheckBox(self.tr(str(label)))
            self.parts[key] = box
            row.addWidget(box)
        holder = QWidget()
        holder.setLayout(row)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("例如：周三以后都可以，提前一天通知"))
        self.form.addRow(self.tr("医生"), self.doctor)
        self.form.addRow(self.tr("可来时段"), holder)
        self.form.addRow(self.tr("备注"), self.notes)
        self.fields = {"day_parts": holder}
        self.finish(self.tr("加入候补"))

    def operation(self) -> Operation:
        view, doctor, notes = self.view, self.doctor.currentData(), self.notes.text()
        parts = tuple(k for k, box in self.parts.items() if box.isChecked())
        latest = local_naive(self.view.start, self.services).date()
        return lambda ctx: waitlist.add_to_waitlist(
            ctx, view.patient_id, doctor_id=doctor, day_parts=parts, notes=notes,
            current_appointment_id=view.id, latest=latest)
