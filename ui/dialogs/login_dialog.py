"""Sign in. After an error the username stays and the password is cleared and focused."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from clinic_desktop.clock import Clock
from clinic_desktop.context import Actor
from clinic_desktop.errors import UserError
from clinic_desktop.services.auth import sign_in
from clinic_desktop.storage.database import Database
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors


class LoginDialog(Dialog):
    def __init__(self, db: Database, clinic_name: str, *, clock: Clock, username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("登录 - Clinic Desktop"), parent)
        self.setObjectName("loginDialog")
        self._db = db
        self._clock = clock
        self.actor: Actor | None = None
        self.add_heading(clinic_name or "Clinic Desktop", self.tr("请输入您的用户名和密码。"))
        form = QFormLayout()
        form.setSpacing(10)
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label,
                                  {"username": self.username, "password": self.password})
        self.add_buttons(self.tr("登录"), self.submit, cancel_text=self.tr("退出"))
        self.setMinimumWidth(380)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        try:
            self.actor = sign_in(self._db, username=self.username.text(),
                                 password=self.password.text(), clock=self._clock)
        except UserError as error:
            self.password.clear()
            self.errors.show(error)
            if error.field != "username":
                self.password.setFocus()
            return
        self.errors.clear()
        self.accept()
