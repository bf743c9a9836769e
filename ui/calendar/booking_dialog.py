"""Book an appointment: patient (search or quick-create), procedure, doctor, chair, time.

Conflicts are checked live while choosing; "查找空档" lists the next free slots for the
doctor (or any doctor) over the next 14 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.services import appointments as appts
from clinic_desktop.services.appointments import CHANNELS, BookingConflict, BookingRequest
from clinic_desktop.services.calendar import find_free_slots
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.chairs import list_chairs
from clinic_desktop.services.patients import (
    DuplicatePatient,
    PatientInput,
    create_patient,
    load_patient,
)
from clinic_desktop.services.staff import list_doctors
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, PatientPicker
from ui.widgets.rich_text import plain_label


class BookingDialog(ActionDialog):
    def __init__(self, services: AppServices, *, start: datetime, doctor_id: int | None = None,
                 chair_id: int | None = None, patient_id: int | None = None,
                 end: datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("预约"), services, parent)
        self.setObjectName("bookingDialog")
        self.zone: ZoneInfo = services.clinic.zone
        self.booked_id: int | None = None
        self.fixed_patient = patient_id
        self.picker = PatientPicker(services, exclude=0)
        quick = QHBoxLayout()
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("新患者姓名"))
        self.new_mobile = QLineEdit()
        self.new_mobile.setPlaceholderText(self.tr("手机号"))
        quick.addWidget(self.new_name)
        quick.addWidget(self.new_mobile)
        quick_box = QWidget()
        quick_box.setLayout(quick)
        self.procedure = QComboBox()
        self.procedure.addItem(self.tr("（不指定）"), None)
        self._minutes: dict[int, int] = {}
        for p in list_procedures(services.ctx):
            self.procedure.addItem(f"{p.name}（{p.default_minutes} 分钟）", p.id)
            self._minutes[p.id] = p.default_minutes
        self.doctor = QComboBox()
        for d in list_doctors(services.ctx):
            self.doctor.addItem(d.display_name, d.id)
        if doctor_id is not None:
            self.doctor.setCurrentIndex(max(0, self.doctor.findData(doctor_id)))
        self.chair = QComboBox()
        self.chair.addItem(self.tr("（不指定）"), None)
        for c in list_chairs(services.ctx, include_inactive=False):
            self.chair.addItem(c.name, c.id)
        if chair_id is not None:
            self.chair.setCurrentIndex(max(0, self.chair.findData(chair_id)))
        self.when = QDateTimeEdit(QDateTime(start.astimezone(self.zone).replace(tzinfo=None)))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(self.tr(" 分钟"))
        self.minutes.setValue(int((end - start).total_seconds() // 60) if end else 30)
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem(channel, channel)
        self.notes = QLineEdit()
        self.conflicts = plain_label()  # the messages name patients, doctors, chairs
        self.conflicts.setObjectName("fieldError")
        self.conflicts.setWordWrap(True)
        self.conflicts.hide()
        self.override = QLineEdit()
        self.override.setPlaceholderText(self.tr("加号原因（有冲突仍要预约时填写）"))
        self.override.setVisible(False)
        self.any_doctor = QCheckBox(self.tr("任意医生"))
        find = QPushButton(self.tr("查找空档"))
        find.clicked.connect(self.find_slots)
        slot_row = QHBoxLayout()
        slot_row.addWidget(find)
        slot_row.addWidget(self.any_doctor)
        slot_row.addStretch(1)
        self.slots = QListWidget()
        self.slots.setMaximumHeight(110)
        self.slots.hide()
        self.slots.itemClicked.connect(self._use_slot)
        if patient_id is None:
            self.form.addRow(self.tr("患者"), self.picker)
            self.form.addRow(self.tr("或新建"), quick_box)
        else:
            self.form.addRow(self.tr("患者"),
                             plain_label(load_patient(services.ctx, patient_id).name))
        self.form.addRow(self.tr("项目"), self.procedure)
        self.form.addRow(self.tr("医生"), self.doctor)
        self.form.addRow(self.tr("椅位"), self.chair)
        self.form.addRow(self.tr("时间"), self.when)
        self.form.addRow(self.tr("时长"), self.minutes)
        self.form.addRow(self.tr("渠道"), self.channel)
        self.form.addRow(self.tr("备注"), self.notes)
        self.form.addRow("", slot_row)
        self.form.addRow("", self.slots)
        self.form.addRow(self.conflicts)
        self.form.addRow(self.override)
        self.fields = {"patient": self.picker.query, "name": self.new_name,
                       "mobile": self.new_mobile, "start": self.when, "end": self.minutes,
                       "channel": self.channel}
        self.finish(self.tr("预约"))
        self.setMinimumWidth(560)
        self.procedure.currentIndexChanged.connect(self._procedure_changed)
        for signal in (self.doctor.currentIndexChanged, self.chair.currentIndexChanged,
                       self.when.dateTimeChanged, self.minutes.valueChanged,
                       self.picker.results.currentRowChanged):
            signal.connect(lambda *_: self.check())

    def _procedure_changed(self) -> None:
        procedure = self.procedure.currentData()
        if procedure in self._minutes:
            self.minutes.setValue(self._minutes[procedure])
        self.check()

    def _start(self) -> datetime:
        return self.when.dateTime().toPython().replace(tzinfo=self.zone)

    def _patient_id(self, *, create: bool) -> int | None:
        if self.fixed_patient is not None:
            return self.fixed_patient
        if self.new_name.text().strip():
            if not create:
                return None
            try:
                saved = create_patient(self.services.ctx, PatientInput(
                    name=self.new_name.text(), mobile=self.new_mobile.text()))
            except DuplicatePatient as duplicate:
                raise UserError(self.tr("{0} 请在上方搜索并选择已有患者。").format(
                    duplicate.message), field="name") from duplicate
            self.fixed_patient = saved.patient.id
            return saved.patient.id
        hit = self.picker.chosen()
        return hit.id if hit else None

    def request(self, patient_id: int) -> BookingRequest:
        start = self._start()
        procedure = self.procedure.currentData()
        return BookingRequest(
            patient_id=patient_id, doctor_id=int(self.doctor.currentData()), start=start,
            end=start + timedelta(minutes=self.minutes.value()),
            chair_id=self.chair.currentData(), procedure_type_ids=(procedure,) if procedure
            else (), channel=str(self.channel.currentData()), notes=self.notes.text())

    def check(self) -> None:
        patient = self._patient_id(create=False)
        if self.doctor.currentData() is None:
            return
        found = appts.check_booking(self.services.ctx, self.request(patient or 0))
        if patient is None:
            found = [c for c in found if c.kind != "patient"]
        self.conflicts.setVisible(bool(found))
        self.conflicts.setText("\n".join(f"• {c.message}" for c in found))
        self.override.setVisible(bool(found) and self.services.can(
            Permission.APPOINTMENT_OVERRIDE))

    def find_slots(self) -> None:
        doctor = None if self.any_doctor.isChecked() else self.doctor.currentData()
        names = {self.doctor.itemData(i): self.doctor.itemText(i)
                 for i in range(self.doctor.count())}
        slots = find_free_slots(self.services.ctx, duration=timedelta(
            minutes=self.minutes.value()), after=max(self._start(), self.services.ctx.now()),
            doctor_id=doctor, limit=8, step_minutes=15)
        self.slots.clear()
        for slot in slots:
            local = slot.start.astimezone(self.zone)
            item = QListWidgetItem(f"{local:%m-%d %H:%M}  {names.get(slot.doctor_id, '')}")
            item.setData(Qt.ItemDataRole.UserRole, slot)
            self.slots.addItem(item)
        if not slots:
            self.slots.addItem(self.tr("14 天内没有合适的空档。"))
        self.slots.show()

    def _use_slot(self, item: QListWidgetItem) -> None:
        slot = item.data(Qt.ItemDataRole.UserRole)
        if slot is None:
            return
        self.doctor.setCurrentIndex(self.doctor.findData(slot.doctor_id))
        self.when.setDateTime(QDateTime(slot.start.astimezone(self.zone).replace(tzinfo=None)))

    def apply(self) -> None:
        patient = self._patient_id(create=True)
        if patient is None:
            raise UserError(self.tr("请搜索并选择患者，或填写新患者的姓名和手机号。"),
                            field="patient")
        try:
            self.booked_id = appts.book(self.services.ctx, self.request(patient),
                                        override_reason=self.override.text() or None)
        except BookingConflict as conflict:
            self.check()
            raise UserError(conflict.message, field="start") from conflict
