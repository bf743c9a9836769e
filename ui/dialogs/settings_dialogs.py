"""Account and clinic settings: own password, clinic information, interface language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services.clinic import ClinicInfo, common_timezones, update_clinic
from clinic_desktop.services.staff import change_own_password
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.i18n import preferred_language, save_language


class ChangePasswordDialog(Dialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改密码"), parent)
        self.services = services
        form = QFormLayout()
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.confirm = QLineEdit()
        for edit in (self.old, self.new, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new)
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
