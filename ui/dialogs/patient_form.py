"""New / edit patient. A refused save keeps everything typed and marks the field.

The details and the custom field values are saved by one operation in one transaction
(``services.patient_details``): a refused value creates nothing and changes nothing.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.services.consent import CHANNELS, channel_label, consent_of
from clinic_desktop.services.patient_details import save_new_patient, save_patient_details
from clinic_desktop.services.patients import (
    DuplicatePatient,
    PatientInput,
    PatientRecord,
    SavedPatient,
    is_referral_source,
    list_sources,
    load_patient,
)
from clinic_desktop.services.profile import custom_values_by_field, list_custom_fields
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.dialogs.patient_conflict import conflict_of, conflict_text
from ui.errors import FieldErrors
from ui.widgets.fit_scroll import FitScrollArea
from ui.widgets.qt_dates import qdate
from ui.widgets.referrer_picker import ReferrerPicker
from ui.widgets.rich_text import plain_label, rich_plain

NO_DATE = QDate(1900, 1, 1)


def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(" ")  # shown for "no date"
    edit.setDate(NO_DATE)
    return edit


class PatientFormDialog(Dialog):
    geometry_key = "patientForm"

    def __init__(self, services: AppServices, existing: PatientRecord | None = None,
                 parent: QWidget | None = None, *, name: str = "", mobile: str = "") -> None:
        super().__init__(self.tr("编辑患者资料") if existing else self.tr("新建患者"), parent)
        self.setObjectName("patientForm")
        self.services = services
        self.existing = existing
        self.saved: SavedPatient | None = None
        self.open_existing_id: int | None = None
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setHorizontalSpacing(12)
        self.name = QLineEdit(name)
        self.sex = QComboBox()
        for label, value in ((self.tr("未填"), None), (self.tr("男"), "M"), (self.tr("女"), "F")):
            self.sex.addItem(label, value)
        self.birth_date = _date_edit()
        self.mobile = QLineEdit(mobile)
        self.mobile.setPlaceholderText(self.tr("11 位手机号"))
        self.phone2 = QLineEdit()
        self.wechat = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("例如 zhangsan@qq.com"))
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("18 位身份证号，可自动带出生日和性别"))
        self.occupation = QLineEdit()
        self.address = QLineEdit()
        self.source = QComboBox()
        self.source.addItem("", "")
        for item in list_sources(services.ctx):
            self.source.addItem(item, item)
        self.first_visit = _date_edit()
        self.emergency_contact = QLineEdit()
        self.emergency_contact.setPlaceholderText(self.tr("姓名（关系）"))
        self.emergency_phone = QLineEdit()
        # The referrer chosen from the patients on file; the free text stays for one who is
        # not a patient (yet).
        self.referrer = ReferrerPicker(services, exclude_id=existing.id if existing else None)
        self.referrer_note = QLineEdit()
        self.referrer_note.setPlaceholderText(self.tr("介绍人还不是本诊所患者时，写下姓名"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        # The note is clinical: shown read-only without CLINICAL_EDIT, not at all without
        # CLINICAL_VIEW; such a role's save never sends it (the service keeps the stored one).
        self.notes_editable = services.can(Permission.CLINICAL_EDIT)
        if not self.notes_editable:
            self.notes.setReadOnly(True)
            if not services.can(Permission.CLINICAL_VIEW):
                self.notes.setEnabled(False)
                self.notes.setPlaceholderText(self.tr("无权查看"))
        left.addRow(self.tr("姓名 *"), self.name)
        left.addRow(self.tr("性别"), self.sex)
        left.addRow(self.tr("出生日期"), self.birth_date)
        left.addRow(self.tr("手机"), self.mobile)
        left.addRow(self.tr("备用电话"), self.phone2)
        left.addRow(self.tr("微信号"), self.wechat)
        left.addRow(self.tr("邮箱"), self.email)
        left.addRow(self.tr("紧急联系人"), self.emergency_contact)
        right.addRow(self.tr("身份证号"), self.id_number)
        right.addRow(self.tr("职业"), self.occupation)
        right.addRow(self.tr("地址"), self.address)
        right.addRow(self.tr("来源渠道"), self.source)
        right.addRow(self.tr("首诊日期"), self.first_visit)
        right.addRow(self.referrer.label, self.referrer)
        right.addRow(self.tr("介绍人（文字）"), self.referrer_note)
        # What the patient ticked on the registration form; changes become consent
        # statements dated today ("form"). Refusing everything is recorded in the panel.
        consent_box = QWidget()
        ticks = QHBoxLayout(consent_box)
        ticks.setContentsMargins(0, 0, 0, 0)
        self.consent_ticks: dict[str, QCheckBox] = {}
        said = consent_of(services.ctx, existing.id) if existing else None
        for channel in CHANNELS:
            tick = QCheckBox(channel_label(channel))
            tick.setChecked(bool(said is not None and said.state(channel)))
            self.consent_ticks[channel] = tick
            ticks.addWidget(tick)
        ticks.addStretch(1)
        consent_box.setToolTip(self.tr("节日、生日和活动消息只发给同意该渠道的患者；"
                                       "预约提醒等服务消息不需要事先同意"))
        right.addRow(self.tr("同意接收消息"), consent_box)
        left.addRow(self.tr("紧急联系电话"), self.emergency_phone)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        # The fields scroll inside the dialog when a clinic defines many custom fields: the
        # dialog stays within a 1280×650 screen with its buttons in sight.
        content = QWidget()
        fields_box = QVBoxLayout(content)
        fields_box.setContentsMargins(0, 0, 6, 0)
        fields_box.setSpacing(12)
        fields_box.addLayout(grid)
        notes_form = QFormLayout()
        notes_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        notes_form.addRow(self.tr("备注"), self.notes)
        fields_box.addLayout(notes_form)
        self.fields_area = FitScrollArea(content)
        self.body.addWidget(self.fields_area, 1)
        self.custom: dict[int, QLineEdit | QComboBox] = {}
        custom_by_name: dict[str, QWidget] = {}
        fields = [f for f in list_custom_fields(services.ctx) if f.active]
        if fields:
            custom_form = notes_form  # one form: the labels line up under 备注
            values = custom_values_by_field(services.ctx, existing.id) if existing else {}
            for field in fields:
                widget: QLineEdit | QComboBox
                if field.kind in ("choice", "bool"):
                    widget = QComboBox()
                    widget.addItem("", "")
                    for choice in field.choices if field.kind == "choice" else ("是", "否"):
                        widget.addItem(choice, choice)
                    widget.setCurrentIndex(max(0, widget.findData(values.get(field.id, ""))))
                else:
                    widget = QLineEdit(values.get(field.id, ""))
                    if field.kind == "date":
                        widget.setPlaceholderText("2024-03-05")
                self.custom[field.id] = widget
                custom_by_name[field.name] = widget  # a refused value names its field
                custom_form.addRow(plain_label(field.name), widget)
        fields_box.addStretch(1)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("formWarning")
        self.warning_label.setWordWrap(True)
        self.warning_label.hide()
        self.body.addWidget(self.warning_label)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            **custom_by_name,
            "name": self.name, "sex": self.sex, "birth_date": self.birth_date,
            "mobile": self.mobile, "email": self.email, "id_number": self.id_number,
            "source": self.source,
            "first_visit_date": self.first_visit, "emergency_contact": self.emergency_contact,
            "emergency_phone": self.emergency_phone, "referrer_note": self.referrer_note,
            "referred_by_id": self.referrer.query,
        })
        self.allow_duplicate = QCheckBox(self.tr("确认不是同一人，仍然新建"))
        self.allow_duplicate.hide()
        self.body.addWidget(self.allow_duplicate)
        self.add_buttons(self.tr("保存"), self.submit)
        self.setMinimumWidth(860)
        if existing is not None:
            self._load(existing)
        self.source.currentIndexChanged.connect(self._source_changed)
        self._source_changed()

    def _source_changed(self) -> None:
        """Came by 转介绍: the referrer is what the receptionist should fill in next."""
        self.referrer.set_prominent(is_referral_source(str(self.source.currentData() or "")))

    def _load(self, p: PatientRecord) -> None:
        self.name.setText(p.name)
        self.sex.setCurrentIndex(max(0, self.sex.findData(p.sex)))
        if p.birth_date:
            self.birth_date.setDate(qdate(p.birth_date))
        self.mobile.setText(p.mobile or "")
        self.phone2.setText(p.phone2 or "")
        self.wechat.setText(p.wechat or "")
        self.email.setText(p.email or "")
        self.id_number.setText(p.id_number or "")
        self.occupation.setText(p.occupation or "")
        self.address.setText(p.address or "")
        if p.source and self.source.findData(p.source) < 0:
            self.source.addItem(p.source, p.source)
        self.source.setCurrentIndex(max(0, self.source.findData(p.source or "")))
        if p.first_visit_date:
            self.first_visit.setDate(qdate(p.first_visit_date))
        self.emergency_contact.setText(p.emergency_contact or "")
        self.emergency_phone.setText(p.emergency_phone or "")
        if not self.services.can(Permission.CONTACT_FULL):
            # The numbers came masked (138****5678). Saved untouched, the service keeps the
            # stored ones; a new number is typed in full.
            hint = self.tr("号码已部分隐藏：不改动则保留原号码；要更换请清空后输入完整的新号码。")
            for edit in (self.mobile, self.phone2, self.id_number, self.emergency_phone):
                if "*" in edit.text():
                    edit.setToolTip(hint)
        self.referrer_note.setText(p.referrer_note or "")
        self.referrer.set_referrer_id(p.referred_by_id)
        self.notes.setPlainText(p.notes)

    def form_input(self) -> PatientInput:
        def date_of(edit: QDateEdit) -> date | None:
            value = edit.date().toPython()
            return None if edit.date() == NO_DATE or not isinstance(value, date) else value

        return PatientInput(
            name=self.name.text(), sex=self.sex.currentData(), birth_date=date_of(self.birth_date),
            mobile=self.mobile.text(), phone2=self.phone2.text(), wechat=self.wechat.text(),
            email=self.email.text(), id_number=self.id_number.text(),
            occupation=self.occupation.text(),
            address=self.address.text(), source=str(self.source.currentData() or ""),
            referred_by_id=self.referrer.referrer_id(),
            first_visit_date=date_of(self.first_visit),
            notes=self.notes.toPlainText() if self.notes_editable else "",
            emergency_contact=self.emergency_contact.text(),
            emergency_phone=self.emergency_phone.text(), referrer_note=self.referrer_note.text(),
        )

    def custom_values(self) -> dict[int, str]:
        return {field_id: str(w.currentData() or "") if isinstance(w, QComboBox) else w.text()
                for field_id, w in self.custom.items()}

    def submit(self) -> None:
        data, values = self.form_input(), self.custom_values()
        consent = {channel: tick.isChecked() for channel, tick in self.consent_ticks.items()}
        existing = self.existing
        if existing is None:
            allow = self.allow_duplicate.isChecked()

            def save(ctx: Context) -> SavedPatient:
                return save_new_patient(ctx, data, custom_values=values, allow_duplicate=allow,
                                        consent=consent)
        else:
            def save(ctx: Context) -> SavedPatient:
                return save_patient_details(ctx, existing.id, data, version=existing.version,
                                            custom_values=values, consent=consent)

        self.services.ops.run(save, parent=self, errors=self.errors, initiator=self,
                              on_done=self._saved, on_error=self._refused)

    def _offer_reload(self, error: UserError, current: PatientRecord) -> None:
        """Someone saved this patient meanwhile: show what they changed; take their record,
        with this form's own changes kept on top or dropped."""
        assert self.existing is not None
        typed = self.form_input()
        conflict = conflict_of(self.existing.as_input(), current.as_input(), typed)
        choice = self.ask_reload(conflict_text(error.message, conflict))
        if choice == "cancel":
            return
        self.existing = current
        self._load(conflict.merged(current, typed) if choice == "keep" else current)
        self.errors.show(UserError(self.tr("已载入对方保存的资料，请核对后再保存。")))

    def ask_reload(self, text: str) -> str:
        """"keep" (their record, my changes on top), "drop" (their record) or "cancel"."""
        box, keep, drop = self.reload_box(text)
        box.exec()
        clicked = box.clickedButton()
        return "keep" if clicked is keep else "drop" if clicked is drop else "cancel"

    def reload_box(self, text: str) -> tuple[QMessageBox, QPushButton, QPushButton]:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("资料已被他人修改"),
                          rich_plain(text), parent=self)
        keep = box.addButton(self.tr("载入并保留我的修改"), QMessageBox.ButtonRole.AcceptRole)
        drop = box.addButton(self.tr("载入，放弃我的修改"),
                             QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        return box, keep, drop

    def _saved(self, saved: SavedPatient) -> None:
        self.saved = saved
        if saved.warnings:
            QMessageBox.information(self, self.tr("请核对"), rich_plain("\n".join(saved.warnings)))
        self.accept()

    def _refused(self, error: UserError) -> None:
        self.errors.show(error)
        if isinstance(error, ConcurrentEdit) and self.existing is not None:
            ctx, patient_id = self.services.ctx, self.existing.id
            self.services.tasks.run(lambda: load_patient(ctx, patient_id),
                                    on_done=lambda current: self._offer_reload(error, current))
            return
        if self.errors.marked is not None:  # a custom field further down: scrolled to
            self.fields_area.ensureWidgetVisible(self.errors.marked)
        if not isinstance(error, DuplicatePatient):
            return
        self.allow_duplicate.show()
        match = error.matches[0]
        answer = QMessageBox.question(
            self, self.tr("可能是同一位患者"),
            rich_plain(self.tr("{0}\n\n是否打开已有的档案？选择“否”可核对后勾选“仍然新建”。")
                       .format(error.message)))
        if answer == QMessageBox.StandardButton.Yes:
            self.open_existing_id = match.patient_id
            self.reject()
