"""连接服务器: this workstation works on the clinic's PostgreSQL server instead of a file.

Reached from the first-run screen. The login is tried on a worker thread (a wrong host must
not freeze the window); when it works the password goes to the keyring and the URL (without
it) to ``server.json`` in the data folder, so the next start goes to the server by itself.
A server that is not this computer is reached over TLS with its certificate verified; a
clinic with its own certificate authority names its CA file here."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from sqlalchemy.engine import URL

from clinic_desktop.errors import UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.storage.migrate import SchemaState
from clinic_desktop.storage.server import (
    DRIVER,
    is_local,
    remember_password,
    save_url,
    try_login,
    without_password,
)
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.tasks import TaskManager


class ServerDialog(Dialog):
    def __init__(self, data_dir: DataDir, tasks: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("连接诊所的服务器"), parent)
        self._data_dir = data_dir
        self._tasks = tasks
        self.url: str | None = None  # set once connected (without the password)
        self.add_heading(self.tr("连接服务器"), self.tr(
            "诊所有多台电脑时，数据放在一台 PostgreSQL 服务器上，每台电脑都连接它。"
            "请向负责电脑的同事要以下信息。"))
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("例如 192.168.1.10 或 db.clinic.lan"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("clinic")
        self.user = QLineEdit("clinic")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText(self.tr("可不填：诊所自己的证书颁发机构（CA）文件"))
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("服务器地址"), self.host)
        form.addRow(self.tr("端口"), self.port)
        form.addRow(self.tr("数据库"), self.database)
        form.addRow(self.tr("用户名"), self.user)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("证书"), ca_row)
        self.body.addLayout(form)
        self.add_hint(self.tr("不在本机的服务器一律加密连接并验证证书；密码保存在系统密钥环中，"
                              "不写入任何文件。"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.body.addWidget(self.status)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "host": self.host, "database": self.database, "user": self.user,
            "password": self.password, "ca_file": self.ca_file})
        self.buttons = self.add_buttons(self.tr("连接"), self.submit)
        self.setMinimumWidth(560)
        # The wrapped notes' height is known only for a width; what the layout asks for at its
        # narrowest is enough at any width the dialog gets (fields are never squeezed).
        self.setMinimumHeight(self.sizeHint().height())


    def _choose_ca(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("选择 CA 证书"), "", self.tr("证书 (*.pem *.crt *.cer);;所有文件 (*)"))
        if path:
            self.ca_file.setText(path)

    def server_url(self) -> URL:
        """What was typed, as a URL; refused naming the field that is missing."""
        for field, edit, what in (("host", self.host, self.tr("服务器地址")),
                                  ("database", self.database, self.tr("数据库")),
                                  ("user", self.user, self.tr("用户名"))):
            if not edit.text().strip():
                raise UserError(self.tr("请填写{0}。").format(what), field=field)
        query = {}
        if self.ca_file.text().strip():
            query = {"sslmode": "verify-full", "sslrootcert": self.ca_file.text().strip()}
        return URL.create(DRIVER, username=self.user.text().strip(),
                          password=self.password.text() or None, host=self.host.text().strip(),
                          port=self.port.value(), database=self.database.text().strip(),
                          query=query)

    def submit(self) -> None:
        try:
            url = self.server_url()
        except UserError as error:
            self.errors.show(error)
            return
        self.errors.clear()
        self.buttons.setEnabled(False)
        where = url.host if is_local(url) else self.tr("{0}（加密）").format(url.host)
        self.status.setText(self.tr("正在连接 {0}……").format(where))
        self._tasks.run(lambda: try_login(url), on_done=lambda state: self._connected(url, state),
                        on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.status.clear()
        self.errors.show(error if isinstance(error, UserError)
                         else UserError(str(error), field="host"))

    def _connected(self, url: URL, state: SchemaState | None) -> None:
        self.buttons.setEnabled(True)
        plain = without_password(url).render_as_string(hide_password=False)
        if url.password and not remember_password(plain, str(url.password)):
            self.status.clear()
            self.errors.show(UserError(self.tr(
                "登录成功，但这台电脑没有系统密钥环，密码无法安全保存。请让负责电脑的同事用 "
                "PostgreSQL 的密码文件（pgpass）设置。"), field="password"))
            return
        save_url(self._data_dir, plain)
        self.url = plain
        self.status.setText(self.tr("已连接。") if state is not None
                            else self.tr("已连接：服务器上还没有诊所，接下来请建立诊所。"))
        self.accept()
