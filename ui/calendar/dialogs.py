"""Dialogs around the calendar: complete visit, cancel, time off, working hours, waitlist."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.schedule_rules import WorkingSpan
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule, waitlist
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.calendar import AppointmentView
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.staff import list_doctors
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog

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
        self.fields = {"lines": self.lines[0][0], "amount": self.lines[0][2]}
        self.finish(self.tr("完成并记账"))

    def apply(self) -> None:
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
        self.visit_id = appts.complete_appointment(
            self.services.ctx, self.view.id, version=self.view.version, lines=lines,
            notes=self.notes.text())


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

    def apply(self) -> None:
        appts.change_status(self.services.ctx, self.view.id, version=self.view.version,
                            status="cancelled", reason=self.reason.text())


class TimeOffDialog(ActionDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("请假 / 停诊"), services, parent)
        self.affected: tuple[int, ...] = ()
        self.doctor = QComboBox()
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        now = services.local(services.ctx.now()).replace(tzinfo=None, second=0, microsecond=0)
        self.start = QDateTimeEdit(QDateTime(now.replace(hour=8, minute=0)))
        self.end = QDateTimeEdit(QDateTime(now.replace(hour=19, minute=0)))
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

    def apply(self) -> None:
        zone = self.services.clinic.zone
        result = schedule.add_time_off(
            self.services.ctx, int(self.doctor.currentData()),
            start=self.start.dateTime().toPython().replace(tzinfo=zone),
            end=self.end.dateTime().toPython().replace(tzinfo=zone),
            kind=self.kind.currentData(), reason=self.reason.text())
        self.affected = result.affected_appointment_ids


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

    def apply(self) -> None:
        spans: list[WorkingSpan] = []
        for index, edit in enumerate(self.days):
            try:
                spans += parse_spans(index, edit.text())
            except UserError as error:
                raise UserError(self.tr("{0} 的时间 {1} 看不懂，请写成 09:00-12:00。").format(
                    schedule.weekday_label(index), error.message), field=str(index)) from error
        schedule.set_working_hours(self.services.ctx, int(self.doctor.currentData()), spans)


class WaitlistDialog(ActionDialog):
    """Offers waiting patients for a freed slot, or just shows the list."""

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
            parts = "、".join({"morning": "上午", "afternoon": "下午", "evening": "晚上"}[p]
                             for p in item.day_parts)
            row = QListWidgetItem(f"{item.patient_name}  {item.mobile or ''}  {parts}  "
                                  f"{item.notes}")
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            self.list.addItem(row)
        if not items:
            self.list.addItem(self.tr("没有合适的候补患者。"))
        self.form.addRow(self.list)
        self.fields = {}
        self.finish(self.tr("标记为已安排"))

    def apply(self) -> None:
        item = self.list.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item else None
        if entry is not None:
            waitlist.resolve_waitlist(self.services.ctx, int(entry), note=self.tr("已安排"))


def local_naive(moment: datetime, services: AppServices) -> datetime:
    return services.local(moment).replace(tzinfo=None)


class RescheduleDialog(ActionDialog):
    """改约: another day, time, doctor or length, checked like any booking."""

    def __init__(self, services: AppServices, view: AppointmentView,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("改约：{0}").format(view.patient_name), services, parent)
        self.view = view
        self.doctor = QComboBox()
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        self.doctor.setCurrentIndex(max(0, self.doctor.findData(view.doctor_id)))
        self.when = QDateTimeEdit(QDateTime(local_naive(view.start, services)))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.minutes = QComboBox()
        length = int((view.end - view.start).total_seconds() // 60)
        for minutes in sorted({15, 20, 30, 40, 45, 60, 90, 120, length}):
            self.minutes.addItem(self.tr("{0} 分钟").format(minutes), minutes)
        self.minutes.setCurrentIndex(self.minutes.findData(length))
        self.form.addRow(self.tr("医生"), self.doctor)
        self.form.addRow(self.tr("时间"), self.when)
        self.form.addRow(self.tr("时长"), self.minutes)
        self.fields = {"start": self.when, "end": self.minutes}
        self.finish(self.tr("改约"))

    def apply(self) -> None:
        from datetime import timedelta

        start = self.when.dateTime().toPython().replace(tzinfo=self.services.clinic.zone)
        appts.reschedule(self.services.ctx, self.view.id, version=self.view.version,
                         start=start, end=start + timedelta(minutes=int(
                             self.minutes.currentData())),
                         doctor_id=int(self.doctor.currentData()))


class WaitlistAddDialog(ActionDialog):
    """Put a patient on the ASAP list, with the times they could come."""

    PARTS = (("morning", QT_TRANSLATE_NOOP("WaitlistAddDialog", "上午")),
             ("afternoon", QT_TRANSLATE_NOOP("WaitlistAddDialog", "下午")),
             ("evening", QT_TRANSLATE_NOOP("WaitlistAddDialog", "晚上")))

    def __init__(self, services: AppServices, view: AppointmentView,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("加入候补：{0}").format(view.patient_name), services, parent)
        from PySide6.QtWidgets import QCheckBox, QHBoxLayout

        self.view = view
        self.doctor = QComboBox()
        self.doctor.addItem(self.tr("任意医生"), None)
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        self.doctor.setCurrentIndex(max(0, self.doctor.findData(view.doctor_id)))
        row = QHBoxLayout()
        self.parts: dict[str, QCheckBox] = {}
        for key, label in self.PARTS:
            box = QCheckBox(self.tr(label))
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

    def apply(self) -> None:
        waitlist.add_to_waitlist(
            self.services.ctx, self.view.patient_id, doctor_id=self.doctor.currentData(),
            day_parts=tuple(k for k, box in self.parts.items() if box.isChecked()),
            notes=self.notes.text(), current_appointment_id=self.view.id,
            latest=local_naive(self.view.start, self.services).date())
