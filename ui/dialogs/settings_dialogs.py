"""Account and clinic settings: own password, a staff member's password reset, clinic
information, interface language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services.clinic import ClinicInfo, common_timezones, update_clinic
from clinic_desktop.services.staff import StaffInfo, change_own_password, reset_password
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.i18n import preferred_language, save_language
from ui.widgets.password_fields import password_edit, rules_label


class ChangePasswordDialog(Dialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改密码"), parent)
        self.services = services
        form = QFormLayout()
        self.old, self.new, self.confirm = password_edit(), password_edit(), password_edit()
        form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow(rules_label())
        form.addRow(self.tr("确认新密码"), self.confirm)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "old_password": self.old, "new_password": self.new, "confirm": self.confirm})
        self.add_buttons(self.tr("保存"), self.submit)

    def submit(self) -> None:
        if self.new.text() != self.confirm.text():
            self.errors.show(UserError(self.tr("两次输入的新密码不一致。"), field="confirm"))
            return
        old, new = self.old.text(), self.new.text()
        self.services.ops.run(
            lambda ctx: change_own_password(ctx, old_password=old, new_password=new),
            parent=self, errors=self.errors, on_done=lambda _r: self.accept())


class ResetPasswordDialog(Dialog):
    """An administrator gives a staff member a new password; by default they must replace
    it with their own at the next sign-in (the administrator knows this one)."""

    def __init__(self, services: AppServices, staff: StaffInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("重置密码"), parent)
        self.services = services
        self.staff = staff
        self.saved: StaffInfo | None = None
        self.add_heading(self.tr("为 {0}（{1}）设置新密码").format(
            staff.display_name, staff.username),
            self.tr("重置后账号锁定随即解除。"))
        form = QFormLayout()
        self.new, self.confirm = password_edit(), password_edit()
        self.must_change = QCheckBox(self.tr("下次登录时必须改成自己的密码"))
        self.must_change.setChecked(True)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow(rules_label())
        form.addRow(self.tr("确认新密码"), self.confirm)
        form.addRow("", self.must_change)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "password": self.new, "confirm": self.confirm})
        self.add_buttons(self.tr("重置密码"), self.submit)
        self.setMinimumWidth(440)

    def submit(self) -> None:
        if self.new.text() != self.confirm.text():
            self.errors.show(UserError(self.tr("两次输入的新密码不一致。"), field="confirm"))
            self.adjustSize()
            return
        staff_id, password = self.staff.id, self.new.text()
        must_change = self.must_change.isChecked()
        saved = self.services.ops.run(
            lambda ctx: reset_password(ctx, staff_id, new_password=password,
                                       must_change=must_change),
            parent=self, errors=self.errors, on_done=self._saved)
        if saved is None:
            # Grow to hold the refusal's wrapped lines: a dialog does not re-measure wrapped
            # text by itself, and would squeeze the form instead.
            self.adjustSize()

    def _saved(self, staff: StaffInfo) -> None:
        self.saved = staff
        self.accept()


class ClinicDialog(Dialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("诊所信息"), parent)
        self.services = services
        clinic = services.clinic
        form = QFormLayout()
        self.name = QLineEdit(clinic.name)
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.addItems(common_timezones())
        self.timezone.setCurrentText(clinic.timezone)
        self.phone = QLineEdit(clinic.phone)
        self.address = QLineEdit(clinic.address)
        form.addRow(self.tr("诊所名称"), self.name)
        form.addRow(self.tr("时区"), self.timezone)
        form.addRow(self.tr("电话"), self.phone)
        form.addRow(self.tr("地址"), self.address)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "clinic_name": self.name, "timezone": self.timezone})
        self.add_buttons(self.tr("保存"), self.submit)
        self.setMinimumWidth(440)

    def submit(self) -> None:
        name, timezone = self.name.text(), self.timezone.currentText()
        phone, address = self.phone.text(), self.address.text()
        self.services.ops.run(
            lambda ctx: update_clinic(ctx, name=name, timezone=timezone, phone=phone,
                                      address=address),
            parent=self, errors=self.errors, on_done=self._saved)

    def _saved(self, clinic: ClinicInfo) -> None:
        self.services.set_clinic(clinic)
        self.accept()


LANGUAGES = {"zh_CN": "简体中文", "en": "English"}


def choose_language(parent: QWidget) -> str | None:
    current = preferred_language()
    names = list(LANGUAGES.values())
    title = QCoreApplication.translate("LanguageChoice", "界面语言")
    prompt = QCoreApplication.translate("LanguageChoice", "选择界面语言（下次启动时生效）：")
    choice, ok = QInputDialog.getItem(parent, title, prompt, names,
                                      list(LANGUAGES).index(current), False)
    if not ok:
        return None
    language = next(code for code, name in LANGUAGES.items() if name == choice)
    save_language(language)
    if language != current:
        QMessageBox.information(parent, title, QCoreApplication.translate(
            "LanguageChoice", "语言已保存，下次启动 Clinic Desktop 时生效。"))
    return language
