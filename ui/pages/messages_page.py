"""消息: the outbox. Copy a text into WeChat and mark it sent, or send by e-mail / SMS."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop import credentials
from clinic_desktop.changes import Area
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.services import messages
from clinic_desktop.services.message_transports import DEFAULT_PORTS, SmtpSecurity
from clinic_desktop.services.messages import ChannelSettings, OutboxInfo
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog
from ui.errors import show_error
from ui.pages import PageSpec
from ui.widgets.common import button_row, make_table, page_header, selected_record
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

STATUS = {"queued": QT_TRANSLATE_NOOP("MessagesPage", "待发送"),
          "sending": QT_TRANSLATE_NOOP("MessagesPage", "发送中"),
          "sent": QT_TRANSLATE_NOOP("MessagesPage", "已发送"),
          "failed": QT_TRANSLATE_NOOP("MessagesPage", "发送失败")}
CHANNEL = {"manual": QT_TRANSLATE_NOOP("MessagesPage", "手动（复制）"),
           "email": QT_TRANSLATE_NOOP("MessagesPage", "邮件"),
           "sms": QT_TRANSLATE_NOOP("MessagesPage", "短信")}


class MessagesPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("消息"), self.tr(
            "待发送的关怀、提醒和复查消息。手动渠道：复制内容发到微信或电话里说，然后标记已发送。")))
        copy = QPushButton(self.tr("复制内容"))
        copy.clicked.connect(self.copy)
        done = QPushButton(self.tr("标记已发送"))
        done.clicked.connect(self.mark_sent)
        self.send_email = QPushButton(self.tr("发送邮件"))
        self.send_email.clicked.connect(lambda: self.send("email"))
        self.send_sms = QPushButton(self.tr("发送短信"))
        self.send_sms.clicked.connect(lambda: self.send("sms"))
        edit_templates = QPushButton(self.tr("消息模板…"))
        edit_templates.clicked.connect(lambda: TemplatesDialog(self.services, self).exec())
        edit_templates.setVisible(services.can(Permission.SETTINGS_MANAGE))
        settings = QPushButton(self.tr("消息渠道…"))
        settings.clicked.connect(self.edit_channels)
        settings.setVisible(services.can(Permission.SETTINGS_MANAGE))
        self.status = QLabel()
        layout.addLayout(button_row(copy, done, self.send_email, self.send_sms, edit_templates,
                                    settings, self.status))
        self.model: RecordTableModel[OutboxInfo] = RecordTableModel([
            Column(self.tr("时间"), lambda m: services.format_datetime(m.created_at),
                   sort_key=lambda m: m.created_at),
            Column(self.tr("渠道"), lambda m: QCoreApplication.translate(
                "MessagesPage", CHANNEL.get(m.channel, m.channel))),
            Column(self.tr("收件人"), lambda m: m.recipient),
            Column(self.tr("状态"), lambda m: QCoreApplication.translate(
                "MessagesPage", STATUS.get(m.status, m.status)),
                   colour=lambda m: "#B42318" if m.status == "failed" else None),
            Column(self.tr("次数"), lambda m: str(m.attempts), align_right=True),
            Column(self.tr("内容"), lambda m: m.body, tooltip=lambda m: m.body),
            Column(self.tr("失败原因"), lambda m: m.last_error or ""),
        ], key=lambda m: m.id)
        proxy = SortProxy()
        proxy.setSourceModel(self.model)
        self.view = make_table(proxy, stretch_column=5, descending=True)
        layout.addWidget(self.view, 1)
        services.changed.connect(
            lambda changes, _by: self.reload() if changes.touches(Area.MESSAGES) else None)
        self.reload()

    def reload(self) -> None:
        self.model.replace(messages.outbox(self.services.ctx))
        for column in (0, 1, 2, 3, 4):
            self.view.resizeColumnToContents(column)

    def _selected(self) -> OutboxInfo | None:
        item = selected_record(self.view)
        if item is None:
            QMessageBox.information(self, self.tr("消息"), self.tr("请先选择一条消息。"))
        return item  # type: ignore[return-value]

    def copy(self) -> None:
        item = self._selected()
        if item is not None:
            QApplication.clipboard().setText(item.body)
            self.status.setText(self.tr("已复制到剪贴板"))

    def mark_sent(self) -> None:
        item = self._selected()
        if item is None:
            return
        try:
            messages.mark_sent(self.services.ctx, item.id)
        except UserError as error:
            show_error(self, error)
        self.services.notify({"messages"})

    def send(self, channel: str) -> None:
        """Sending talks to the network: on the worker, never on the GUI thread."""
        try:
            sender = messages.sender_for(self.services.ctx, channel)
        except UserError as error:
            show_error(self, error)
            return
        self.status.setText(self.tr("正在发送…"))

        def done(result: tuple[int, int]) -> None:
            self.status.setText(self.tr("已发送 {0} 条，失败 {1} 次").format(*result))
            self.services.notify({"messages"})

        self.services.tasks.run(lambda: messages.send_pending(self.services.ctx, sender),
                                on_done=done)

    def edit_channels(self) -> None:
        ChannelsDialog(self.services, self).exec()


class ChannelsDialog(ActionDialog):
    """Mail server and SMS gateway: where secrets may go is checked by the core on saving."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("消息渠道"), services, parent)
        current = messages.read_channels(services.ctx)
        self.host = QLineEdit(current.smtp_host)
        self.host.setPlaceholderText(self.tr("例如 smtp.exmail.qq.com"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(current.smtp_port)
        self.security = QComboBox()
        self.security.addItem("STARTTLS", SmtpSecurity.STARTTLS.value)
        self.security.addItem("SSL/TLS", SmtpSecurity.SSL.value)
        self.security.addItem(self.tr("无加密（仅本机）"), SmtpSecurity.NONE.value)
        self.security.setCurrentIndex(max(0, self.security.findData(current.smtp_security)))
        self._security = self.security.currentData()
        self.security.currentIndexChanged.connect(self._security_changed)
        self.user = QLineEdit(current.smtp_user)
        self.sender = QLineEdit(current.smtp_from)
        self.ca_file = QLineEdit(current.ca_file)
        self.ca_file.setPlaceholderText(self.tr("可选：诊所自建服务器的 CA 证书（PEM）"))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self.browse_ca_file)
        ca_row = QWidget()
        ca_layout = QHBoxLayout(ca_row)
        ca_layout.setContentsMargins(0, 0, 0, 0)
        ca_layout.addWidget(self.ca_file, 1)
        ca_layout.addWidget(browse)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("留空则不修改"))
        self.sms_url = QLineEdit(current.sms_url)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("留空则不修改"))
        secure = credentials.secure_store_available()
        self.session_only = QCheckBox(self.tr("只在本次运行中记住密码和令牌"))
        self.session_only.setChecked(not secure)
        self.session_only.setEnabled(secure)
        note = QLabel(self.tr("密码和令牌保存在系统钥匙串中，不写入文件或数据库。") if secure else
                      self.tr("这台电脑没有可用的系统钥匙串：密码和令牌只能在本次运行中记住，"
                              "下次启动需要重新填写。"))
        note.setWordWrap(True)
        self.sms_url.setPlaceholderText("https://")
        for label, widget in ((self.tr("SMTP 服务器"), self.host), (self.tr("端口"), self.port),
                              (self.tr("加密方式"), self.security),
                              (self.tr("用户名"), self.user), (self.tr("密码"), self.password),
                              (self.tr("发件人"), self.sender),
                              (self.tr("短信网关地址"), self.sms_url),
                              (self.tr("网关令牌"), self.token),
                              (self.tr("CA 证书文件"), ca_row), ("", self.session_only)):
            self.form.addRow(label, widget)
        self.form.addRow(note)
        self.fields = {"smtp_port": self.port, "sms_url": self.sms_url, "smtp_host": self.host,
                       "smtp_security": self.security, "ca_file": self.ca_file}
        self.finish(self.tr("保存"))
        self.setMinimumWidth(520)

    def _security_changed(self) -> None:
        """Follow the mode's usual port, unless the clinic typed its own."""
        new = self.security.currentData()
        if self.port.value() == DEFAULT_PORTS[SmtpSecurity(self._security)]:
            self.port.setValue(DEFAULT_PORTS[SmtpSecurity(new)])
        self._security = new

    def browse_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("选择 CA 证书文件"), self.ca_file.text(),
            self.tr("证书 (*.pem *.crt *.cer);;所有文件 (*)"))
        if path:
            self.ca_file.setText(path)

    def apply(self) -> None:
        messages.save_channels(self.services.ctx, ChannelSettings(
            smtp_host=self.host.text().strip(), smtp_port=self.port.value(),
            smtp_user=self.user.text().strip(), smtp_from=self.sender.text().strip(),
            smtp_security=self.security.currentData(), ca_file=self.ca_file.text().strip(),
            sms_url=self.sms_url.text().strip()))
        session_only = self.session_only.isChecked()
        if self.password.text():
            credentials.set_secret("smtp_password", self.password.text(),
                                   session_only=session_only)
        if self.token.text():
            credentials.set_secret("sms_token", self.token.text(), session_only=session_only)


class TemplatesDialog(ActionDialog):
    """Edit the wording; placeholders are checked before saving."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        from clinic_desktop.rules.message_templates import PLACEHOLDERS

        super().__init__(self.tr("消息模板"), services, parent)
        self.items = messages.templates(services.ctx)
        self.template = QComboBox()
        for key, name, _body in self.items:
            self.template.addItem(name, key)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setMinimumHeight(120)
        hint = QLabel(self.tr("可用占位符：{0}").format(
            "  ".join("{" + p + "}" for p in PLACEHOLDERS)))
        hint.setWordWrap(True)
        self.form.addRow(self.tr("模板"), self.template)
        self.form.addRow(self.tr("内容"), self.body_edit)
        self.form.addRow(hint)
        self.template.currentIndexChanged.connect(self._load)
        self.fields = {"body": self.body_edit}
        self.finish(self.tr("保存"))
        self.setMinimumWidth(600)
        self._load()

    def _load(self) -> None:
        self.body_edit.setPlainText(self.items[self.template.currentIndex()][2])

    def apply(self) -> None:
        key, name, _body = self.items[self.template.currentIndex()]
        messages.save_template(self.services.ctx, key, name=name,
                               body=self.body_edit.toPlainText())


class QueueMessageDialog(ActionDialog):
    """From the callback list: render a template for the patient into the outbox."""

    def __init__(self, services: AppServices, patient_id: int, task_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("发消息"), services, parent)
        self.patient_id, self.task_id = patient_id, task_id
        self.template = QComboBox()
        for key, name, _body in messages.templates(services.ctx):
            self.template.addItem(name, key)
        self.channel = QComboBox()
        for key, label in CHANNEL.items():
            self.channel.addItem(QCoreApplication.translate("MessagesPage", label), key)
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText(self.tr("邮件渠道填写邮箱；短信默认用手机号"))
        self.form.addRow(self.tr("模板"), self.template)
        self.form.addRow(self.tr("渠道"), self.channel)
        self.form.addRow(self.tr("收件人"), self.recipient)
        self.fields = {"recipient": self.recipient, "channel": self.channel}
        self.finish(self.tr("放入待发送"))

    def apply(self) -> None:
        messages.queue_message(self.services.ctx, self.patient_id,
                               template_key=self.template.currentData(),
                               channel=self.channel.currentData(),
                               recipient=self.recipient.text().strip() or None,
                               task_id=self.task_id)


SPEC = PageSpec(
    key="messages", title=lambda: QCoreApplication.translate("MessagesPage", "消息"),
    icon=QStyle.StandardPixmap.SP_DialogApplyButton, permission=Permission.MESSAGES_SEND,
    factory=MessagesPage, order=30,
)
