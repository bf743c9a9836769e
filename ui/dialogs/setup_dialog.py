"""First start: the clinic's name and time zone, and the first administrator — or, on a
workstation of a clinic that already works on a server, 连接服务器 instead."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLineEdit, QWidget

from clinic_desktop.clock import Clock
from clinic_desktop.context import Actor
from clinic_desktop.errors import UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.clinic import DEFAULT_TIMEZONE, common_timezones
from clinic_desktop.storage.database import Database
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.tasks import TaskManager
from ui.widgets.password_fields import rules_label


class SetupDialog(Dialog):
    CONNECTED = 2  # exec()'s result when the workstation was connected to a server instead

    def __init__(self, db: Database, *, clock: Clock, parent: QWidget | None = None,
                 data_dir: DataDir | None = None, tasks: TaskManager | None = None) -> None:
        super().__init__(self.tr("欢迎使用 Clinic Desktop"), parent)
        self.setObjectName("setupDialog")
        self._db = db
        self._clock = clock
        self.actor: Actor | None = None
        self.server_url: str | None = None
        self._data_dir, self._tasks = data_dir, tasks
        self.add_heading(
            self.tr("设置您的诊所"),
            self.tr("第一次使用：请填写诊所信息并创建管理员账号。以后可以在“设置”中修改。"),
        )
        form = QFormLayout()
        form.setSpacing(10)
        self.clinic_name = QLineEdit()
        self.clinic_name.setPlaceholderText(self.tr("例如：仁爱口腔门诊部"))
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.addItems(common_timezones())
        self.timezone.setCurrentText(DEFAULT_TIMEZONE)
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("登录用，例如 admin"))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("例如：王院长"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_confirm = QLineEdit()
        self.password_confirm.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("诊所名称"), self.clinic_name)
        form.addRow(self.tr("时区"), self.timezone)
        form.addRow(self.tr("管理员用户名"), self.username)
        form.addRow(self.tr("管理员姓名"), self.display_name)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(rules_label())
        form.addRow(self.tr("确认密码"), self.password_confirm)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "clinic_name": self.clinic_name, "timezone": self.timezone,
            "username": self.username, "display_name": self.display_name,
            "password": self.password, "password_confirm": self.password_confirm,
        })
        buttons = self.add_buttons(self.tr("创建诊所"), self.submit, cancel_text=self.tr("退出"))
        if data_dir is not None and tasks is not None:  # a first start on this computer
            connect = buttons.addButton(self.tr("连接诊所的服务器…"),
                                        QDialogButtonBox.ButtonRole.ResetRole)
            connect.setObjectName("connectServer")
            connect.setToolTip(self.tr("诊所已在服务器上使用 Clinic Desktop：这台电脑连接它，"
                                       "不新建诊所"))
            connect.clicked.connect(self.connect_server)
        self.setMinimumWidth(460)

    def connect_server(self) -> None:
        from ui.dialogs.server_dialog import ServerDialog

        assert self._data_dir is not None and self._tasks is not None
        dialog = ServerDialog(self._data_dir, self._tasks, self)
        if dialog.exec() == Dialog.DialogCode.Accepted and dialog.url:
            self.server_url = dialog.url
            self.done(self.CONNECTED)

    def submit(self) -> None:
        if self.password.text() != self.password_confirm.text():
            self.errors.show(UserError(self.tr("两次输入的密码不一致。"), field="password_confirm"))
            return
        try:
            self.actor = setup_clinic(
                self._db, clinic_name=self.clinic_name.text(),
                timezone=self.timezone.currentText(), admin_username=self.username.text(),
                admin_display_name=self.display_name.text(), password=self.password.text(),
                clock=self._clock,
            )
        except UserError as error:
            self.errors.show(error)
            return
        self.errors.clear()
        self.accept()
