"""Book an appointment: patient (search or quick-create), procedure, doctor, chair, time.

The patient on the left, the appointment on the right, the live conflict line and 查找空档
(the next free slots for the doctor, or any doctor, over 14 days) below both: with conflicts
and slots showing it still fits a 1280×650 screen, and scrolls inside if it must. A patient
typed in (name and mobile) is created in the booking's own transaction
(``appointments.book_new_patient``): a refused or cancelled booking leaves nobody behind.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.age import age_on
from clinic_desktop.rules.free_slots import FreeSlot
from clinic_desktop.services import appointments as appts
from clinic_desktop.services.appointments import (
    CHANNELS,
    BookingConflict,
    BookingRequest,
    channel_label,
)
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.chairs import list_chairs
from clinic_desktop.services.patients import (
    REFERRAL_SOURCE,
    DuplicatePatient,
    PatientInput,
    PatientRecord,
    list_sources,
    load_patient,
)
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
from ui.calendar.patient_choice import PatientChoice
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.fit_scroll import FitScrollArea
from ui.widgets.qt_dates import qdatetime
from ui.widgets.referrer_picker import ReferrerPicker
from ui.widgets.rich_text import plain_label

# The dialog's scrolling part: with margins, the error line and the buttons it stays under
# 650 pixels with room for a title bar.
BODY_HEIGHT = 500
REFERRAL_CHANNEL = "referral"


class BookingDialog(ActionDialog):
    def __init__(self, services: AppServices, *, start: datetime, doctor_id: int | None = None,
                 chair_id: int | None = None, patient_id: int | None = None,
                 end: datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("预约"), services, parent)
        self.setObjectName("bookingDialog")
        self.zone: ZoneInfo = services.clinic.zone
        self.booked_id: int | None = None
        self.fixed_patient = patient_id
        self.fixed_record: PatientRecord | None = None
        self.picker = PatientChoice(services)
        # Channel 转介绍: who referred the patient (a new one, or one on file without a
        # referrer yet), saved in the booking's own transaction.
        self.referrer = ReferrerPicker(services)
        self.referrer.set_prominent(True)
        self.referral_box = QWidget()
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("新患者姓名"))
        self.new_mobile = QLineEdit()
        self.new_mobile.setPlaceholderText(self.tr("手机号"))
        self.procedure = QComboBox()
        self.procedure.addItem(self.tr("（不指定）"), None)
        self._minutes: dict[int, int] = {}
        for p in list_procedures(services.ctx):
            self.procedure.addItem(self.tr("{0}（{1} 分钟）").format(p.name, p.default_minutes),
                                   p.id)
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
        self.when = QDateTimeEdit(qdatetime(start.astimezone(self.zone).replace(tzinfo=None)))
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(self.tr(" 分钟"))
        self.minutes.setValue(int((end - start).total_seconds() // 60) if end else 30)
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem(channel_label(channel), channel)
        self.notes = QLineEdit()
        for combo in (self.procedure, self.doctor, self.chair, self.channel):
            # As narrow as a few characters: the patient list beside them needs the room.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.conflict_line = ConflictLine(services)
        self.conflicts, self.override = self.conflict_line.label, self.conflict_line.override
        self.finder = SlotFinder(services, {self.doctor.itemData(i): self.doctor.itemText(i)
                                            for i in range(self.doctor.count())})
        self.finder.button.clicked.connect(self.find_slots)
        self.finder.chosen.connect(self._use_slot)

        content = QWidget()
        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addWidget(self._patient_box(), 3)
        columns.addWidget(self._appointment_box(), 2)
        outer = QVBoxLayout(content)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(columns)
        outer.addWidget(self.finder)
        outer.addWidget(self.conflict_line)
        self.form.addRow(FitScrollArea(content, max_height=BODY_HEIGHT))
        self.fields = {"patient": self.picker.query, "name": self.new_name,
                       "mobile": self.new_mobile, "start": self.when, "end": self.minutes,
                       "channel": self.channel, "referred_by_id": self.referrer.query}
        self.finish(self.tr("预约"))
        self.setMinimumWidth(880)
        self.procedure.currentIndexChanged.connect(self._procedure_changed)
        for signal in (self.doctor.currentIndexChanged, self.chair.currentIndexChanged,
                       self.when.dateTimeChanged, self.minutes.valueChanged,
                       self.picker.chosen_changed):
            signal.connect(lambda *_: self.check())
        # One patient at a time: choosing someone found clears the new patient's fields,
        # typing a new patient's name clears the choice.
        self.picker.chosen_changed.connect(self._chose_found)
        self.new_name.textEdited.connect(lambda _text: self.picker.clear_choice())
        self.channel.currentIndexChanged.connect(lambda _i: self._show_referral())
        self.picker.chosen_changed.connect(self._show_referral)
        self._show_referral()
        self.check()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        open_at_hint(self)

    def _patient_box(self) -> QWidget:
        box = QGroupBox(self.tr("患者"))
        layout = QVBoxLayout(box)
        referral = QHBoxLayout(self.referral_box)
        referral.setContentsMargins(0, 0, 0, 0)
        referral.addWidget(self.referrer.label, 0, Qt.AlignmentFlag.AlignTop)
        referral.addWidget(self.referrer, 1)
        if self.fixed_patient is not None:
            record = self.fixed_record = load_patient(self.services.ctx, self.fixed_patient)
            facts = [record.name, {"M": self.tr("男"), "F": self.tr("女")}.get(
                record.sex or "", ""), self._age(record.birth_date), record.mobile or "",
                record.code]
            layout.addWidget(plain_label("　".join(f for f in facts if f)))
            layout.addWidget(self.referral_box)
            layout.addStretch(1)
            return box
        layout.addWidget(self.picker, 1)
        quick = QHBoxLayout()
        quick.addWidget(plain_label(self.tr("或新建")))
        quick.addWidget(self.new_name, 1)
        quick.addWidget(self.new_mobile, 1)
        layout.addLayout(quick)
        layout.addWidget(self.referral_box)
        return box

    def _appointment_box(self) -> QWidget:
        box = QGroupBox(self.tr("预约"))
        form = QFormLayout(box)
        when = QHBoxLayout()
        when.addWidget(self.when, 3)
        when.addWidget(self.minutes, 2)
        where = QHBoxLayout()
        where.addWidget(self.chair, 1)
        where.addWidget(plain_label(self.tr("渠道")))
        where.addWidget(self.channel, 1)
        for label, row in ((self.tr("项目"), self.procedure), (self.tr("医生"), self.doctor),
                           (self.tr("时间"), when), (self.tr("椅位"), where),
                           (self.tr("备注"), self.notes)):
            form.addRow(label, row)
        return box

    def _age(self, birth: date | None) -> str:
        if birth is None:
            return ""
        today = self.services.local(self.services.ctx.now()).date()
        return self.tr("{0} 岁").format(age_on(birth, today))

    def _referral_for(self) -> str | None:
        """Whose referrer the picker sets: "new" (the patient typed in), "existing" (a patient
        on file with none yet), or None (not a 转介绍 booking, or the referrer is known)."""
        if self.channel.currentData() != REFERRAL_CHANNEL \
                or not self.services.can(Permission.PATIENT_EDIT):
            return None
        if self.fixed_record is not None:
            return "existing" if self.fixed_record.referred_by_id is None else None
        found = self.picker.chosen()
        if found is None:
            return "new"
        return "existing" if found.patient.referred_by_id is None else None

    def _show_referral(self) -> None:
        target = self._referral_for()
        chosen = self.picker.chosen()
        patient = self.fixed_patient if chosen is None else chosen.patient.id
        self.referrer.exclude_id = patient  # nobody refers themself
        if target == "existing":
            self.referrer.hint.setText(self.tr("这位患者还没有介绍人：选好后随预约一起记下（可留空）"))
        else:
            self.referrer.hint.setText(self.tr("转介绍来的患者：请选择介绍人（不清楚可留空）"))
        self.referral_box.setVisible(target is not None)
        grow_to_fit(self)

    def _chose_found(self) -> None:
        if self.picker.chosen() is not None:
            self.new_name.clear()
            self.new_mobile.clear()

    def _procedure_changed(self) -> None:
        procedure = self.procedure.currentData()
        if procedure in self._minutes:
            self.minutes.setValue(self._minutes[procedure])
        self.check()

    def _start(self) -> datetime:
        return local_edit(self.when, self.services)

    def _patient_id(self) -> int | None:
        """The fixed or chosen patient; None for a new one (or nobody yet)."""
        if self.fixed_patient is not None:
            return self.fixed_patient
        found = self.picker.chosen()
        return found.patient.id if found else None

    def request(self, patient_id: int) -> BookingRequest:
        start = self._start()
        procedure = self.procedure.currentData()
        return BookingRequest(
            patient_id=patient_id, doctor_id=int(self.doctor.currentData()), start=start,
            end=start + timedelta(minutes=self.minutes.value()),
            chair_id=self.chair.currentData(), procedure_type_ids=(procedure,) if procedure
            else (), channel=str(self.channel.currentData()), notes=self.notes.text())

    def check(self) -> None:
        if self.doctor.currentData() is None:
            return
        patient = self._patient_id()
        found = appts.check_booking(self.services.ctx, self.request(patient or 0))
        if patient is None:
            found = [c for c in found if c.kind != "patient"]
        self.conflict_line.show_conflicts(found)
        grow_to_fit(self)

    def find_slots(self) -> list[FreeSlot]:
        found = self.finder.search(doctor_id=self.doctor.currentData(), duration=timedelta(
            minutes=self.minutes.value()), after=self._start())
        grow_to_fit(self)
        return found

    def _use_slot(self, slot: FreeSlot) -> None:
        self.doctor.setCurrentIndex(self.doctor.findData(slot.doctor_id))
        set_local_edit(self.when, slot.start, self.services)

    def operation(self) -> Operation:
        override = self.conflict_line.override_reason()
        patient = self._patient_id()
        referrer = self.referrer.referrer_id() if self._referral_for() else None
        if patient is not None:
            request = self.request(patient)
            return lambda ctx: appts.book(ctx, request, override_reason=override,
                                          referred_by_id=referrer)
        if not self.new_name.text().strip():
            raise UserError(self.tr("请搜索并选择患者，或填写新患者的姓名和手机号。"),
                            field="patient")
        # A 转介绍 booking's new patient came by referral: their source says so too, when the
        # clinic's source list has it.
        source = REFERRAL_SOURCE if self.channel.currentData() == REFERRAL_CHANNEL else ""
        if source and source not in list_sources(self.services.ctx):
            source = ""
        new = PatientInput(name=self.new_name.text(), mobile=self.new_mobile.text(),
                           source=source, referred_by_id=referrer)
        request = self.request(0)

        def book_new(ctx: Context) -> int:
            return appts.book_new_patient(ctx, new, request,
                                          override_reason=override).appointment_id

        return book_new

    def succeeded(self, result: object) -> None:
        self.booked_id = result if isinstance(result, int) else None
        self.accept()

    def refused(self, error: UserError) -> None:
        if isinstance(error, DuplicatePatient):
            match = error.matches[0]
            self.picker.query.setText(match.code)  # shown in the results, not chosen
            error = UserError(self.tr("{0} 请在左侧的结果中选择这位患者。").format(error.message),
                              field="name")
        elif isinstance(error, BookingConflict):
            self.check()
        self.errors.show(error)
