"""消息: the outbox. Copy a text into WeChat and mark it sent, or send by e-mail / SMS."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop import credentials
from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services import message_stats, messages, sms_receipts
from clinic_desktop.services.auto_settings import kind_label
from clinic_desktop.services.message_stats import KindCounts, MessageEffect
from clinic_desktop.services.message_transports import DEFAULT_PORTS, SmtpSecurity
from clinic_desktop.services.messages import ChannelSettings, OutboxInfo
from clinic_desktop.services.sms_providers import (
    CLOUD_PROVIDERS,
    SECRET_NAMES,
    read_provider_templates,
)
from clinic_desktop.services.sms_receipts import ReceiptSummary
from ui.app_services import AppServices
from ui.dialogs.auto_messages_dialog import AutoMessagesDialog
from ui.dialogs.patient_actions import ActionDialog, FeedbackDialog, Operation
from ui.dialogs.queue_message_dialog import channel_label
from ui.errors import FieldErrors, show_error
from ui.pages import PageSpec
from ui.pages.sms_provider_form import ProviderTemplatesTab, SmsProviderForm, drafts_of
from ui.tasks import Job
from ui.widgets.common import button_row, make_table, page_header, selected_record
from ui.widgets.job_progress import JobProgress
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

STATUS: dict[str, str] = {
    "queued": str(QT_TRANSLATE_NOOP("MessagesPage", "待发送")),
    "sending": str(QT_TRANSLATE_NOOP("MessagesPage", "发送中")),
    "sent": str(QT_TRANSLATE_NOOP("MessagesPage", "已发送")),
    "failed": str(QT_TRANSLATE_NOOP("MessagesPage", "发送失败")),
    "dropped": str(QT_TRANSLATE_NOOP("MessagesPage", "已撤回")),
}
# What the provider's delivery receipt said (SMS through Alibaba or Tencent only).
DELIVERY: dict[str, str] = {
    "unknown": str(QT_TRANSLATE_NOOP("MessagesPage", "等待回执")),
    "delivered": str(QT_TRANSLATE_NOOP("MessagesPage", "已送达")),
    "failed": str(QT_TRANSLATE_NOOP("MessagesPage", "未送达")),
}


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
        self.receipts = QPushButton(self.tr("更新回执"))
        self.receipts.setToolTip(self.tr("向短信服务商查询近 3 天短信是否已送达"))
        self.receipts.clicked.connect(self.pull_receipts)
        self.reply = QPushButton(self.tr("记录回复…"))
        self.reply.setToolTip(self.tr("患者回复了满意度回访（或电话里说了）：记下评分或投诉"))
        self.reply.clicked.connect(self.record_reply)
        self.reply.setVisible(services.can(Permission.PATIENT_EDIT))
        # The clinic's set-up in one menu: the row stays within a 1280-pixel screen.
        setup = QPushButton(self.tr("设置"))
        menu = QMenu(setup)
        menu.addAction(self.tr("消息模板…"), lambda: TemplatesDialog(self.services, self).exec())
        menu.addAction(self.tr("消息渠道…"), self.edit_channels)
        menu.addAction(self.tr("自动消息…"), self.edit_automatic)
        setup.setMenu(menu)
        setup.setVisible(services.can(Permission.SETTINGS_MANAGE))
        self.status = plain_label()  # may quote a gateway's reply
        # A long note must not widen the page past a small screen: it is cut, not the window.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row = button_row(copy, done, self.send_email, self.send_sms, self.receipts,
                         self.reply, setup)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        # Whether it works: today's messages by kind, and what reminders and notices did.
        self.today = plain_label()
        self.today.setWordWrap(True)
        self.effect = plain_label()
        self.effect.setWordWrap(True)
        self.effect.setProperty("role", "hint")
        layout.addWidget(self.today)
        layout.addWidget(self.effect)
        self.progress = JobProgress()
        layout.addWidget(self.progress)
        self.model: RecordTableModel[OutboxInfo] = RecordTableModel([
            Column(self.tr("时间"), lambda m: services.format_datetime(m.created_at),
                   sort_key=lambda m: m.created_at),
            Column(self.tr("类型"), lambda m: kind_label(m.kind)),
            Column(self.tr("计划发送"), lambda m: services.format_datetime(m.not_before)
                   if m.not_before and m.status == "queued" else "",
                   sort_key=lambda m: m.not_before or m.created_at),
            Column(self.tr("渠道"), lambda m: channel_label(m.channel)),
            Column(self.tr("收件人"), lambda m: m.recipient),
            Column(self.tr("状态"), lambda m: QCoreApplication.translate(
                "MessagesPage", STATUS.get(m.status, m.status)),
                   colour=lambda m: "#B42318" if m.status == "failed" else None),
            Column(self.tr("送达"), self._delivery,
                   colour=lambda m: "#B42318" if m.delivery == "failed" else None,
                   tooltip=self._delivery_tip),
            Column(self.tr("次数"), lambda m: str(m.attempts), align_right=True),
            Column(self.tr("内容"), lambda m: m.body, tooltip=lambda m: m.body),
            Column(self.tr("失败原因"), lambda m: m.last_error or m.delivery_error or "",
                   tooltip=lambda m: m.last_error or m.delivery_error or ""),
        ], key=lambda m: m.id)
        proxy = SortProxy()
        proxy.setSourceModel(self.model)
        self.view = make_table(proxy, stretch_column=8, descending=True)
        layout.addWidget(self.view, 1)
        services.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches(Area.MESSAGES, Area.PATIENTS):
            self.reload()

    def reload(self) -> None:
        self.model.replace(messages.outbox(self.services.ctx))
        for column in range(8):
            self.view.resizeColumnToContents(column)
        today = self.services.local(self.services.ctx.now()).date()
        counts = self.services.call(message_stats.day_by_kind, today)
        self.today.setText(self._today_text(counts))
        effect = self.services.call(message_stats.message_effect,
                                    Period(today - timedelta(days=29), today))
        self.effect.setText(self._effect_text(effect))

    def _today_text(self, counts: list[KindCounts]) -> str:
        total = [sum(getattr(c, name) for c in counts)
                 for name in ("sent", "waiting", "failed", "dropped")]
        parts = [self.tr("{0}：发 {1} · 待 {2} · 败 {3}").format(
            kind_label(c.kind), c.sent, c.waiting, c.failed)
            for c in counts if c.sent or c.waiting or c.failed]
        head = self.tr("今天：已发送 {0} 条，待发送 {1} 条，失败 {2} 条，已撤回 {3} 条").format(
            *total)
        return head + (self.tr("（{0}）").format(self.tr("；").join(parts)) if parts else "")

    def _effect_text(self, effect: MessageEffect) -> str:
        def percent(value: float | None) -> str:
            return "—" if value is None else f"{value:.0%}"

        return self.tr("近 30 天：有提醒的预约 {0} 个，爽约率 {1}；未提醒的 {2} 个，爽约率 {3}。"
                       "复查通知 {4} 条，{5} 天内预约 {6}。").format(
            effect.reminded, percent(effect.reminded_no_show_rate), effect.not_reminded,
            percent(effect.not_reminded_no_show_rate), effect.notices,
            message_stats.BOOKED_WITHIN, percent(effect.notice_booking_rate))

    @staticmethod
    def _delivery(m: OutboxInfo) -> str:
        shown = DELIVERY.get(m.delivery or "")
        return QCoreApplication.translate("MessagesPage", shown) if shown else ""

    def _delivery_tip(self, m: OutboxInfo) -> str:
        if m.delivery == "delivered" and m.delivered_at is not None:
            return self.tr("{0} 送达").format(self.services.format_datetime(m.delivered_at))
        return m.delivery_error or ""

    def _selected(self) -> OutboxInfo | None:
        item = selected_record(self.view)
        if not isinstance(item, OutboxInfo):
            QMessageBox.information(self, self.tr("消息"), self.tr("请先选择一条消息。"))
            return None
        return item

    def copy(self) -> None:
        item = self._selected()
        if item is not None:
            QApplication.clipboard().setText(item.body)
            self.status.setText(self.tr("已复制到剪贴板"))

    def record_reply(self) -> None:
        item = self._selected()
        if item is not None:
            FeedbackDialog(self.services, item.patient_id, self).exec()

    def mark_sent(self) -> None:
        item = self._selected()
        if item is None:
            return
        message_id = item.id
        self.services.ops.run(lambda ctx: messages.mark_sent(ctx, message_id), parent=self,
                              initiator=self,
                              on_done=lambda _r: self.status.setText(self.tr("已标记为已发送")))

    def send(self, channel: str) -> None:
        """Sending talks to the network: on the worker, never on the GUI thread, with
        progress and a Cancel that stops between two messages."""
        if self.progress.busy:
            return
        try:
            sender = messages.sender_for(self.services.ctx, channel)
        except UserError as error:
            show_error(self, error)
            return
        self.status.setText("")
        for button in (self.send_email, self.send_sms, self.receipts):
            button.setEnabled(False)

        def work(ctx: Context, job: Job) -> tuple[int, int]:
            return messages.send_pending(ctx, sender, progress=job)

        def done(result: tuple[int, int]) -> None:
            self._sending_ended()
            self.status.setText(self.tr("已发送 {0} 条，失败 {1} 次").format(*result))

        def cancelled() -> None:
            self._sending_ended()
            self.status.setText(self.tr("已停止发送；未发出的消息仍在待发送中。"))

        def failed(error: BaseException) -> None:
            self._sending_ended()
            show_error(self, error)

        self.progress.run(self.services.ops, work, text=self.tr("正在发送"), on_done=done,
                          on_cancelled=cancelled, on_error=failed, parent=self,
                          initiator=self)

    def _sending_ended(self) -> None:
        for button in (self.send_email, self.send_sms, self.receipts):
            button.setEnabled(True)

    def pull_receipts(self) -> None:
        """Ask the SMS provider which messages reached the phone: the network again, so on
        the worker with progress, as sending is."""
        if self.progress.busy:
            return
        self.status.setText("")
        for button in (self.send_email, self.send_sms, self.receipts):
            button.setEnabled(False)

        def work(ctx: Context, _job: Job) -> ReceiptSummary:
            return sms_receipts.pull_receipts(ctx)

        def done(result: ReceiptSummary) -> None:
            self._sending_ended()
            self.status.setText(
                self.tr("没有等待回执的短信") if not result.waiting_before else
                self.tr("回执：已送达 {0} 条，未送达 {1} 条，仍在等待 {2} 条").format(
                    result.delivered, result.failed, result.waiting))

        def failed(error: BaseException) -> None:
            self._sending_ended()
            show_error(self, error)

        self.progress.run(self.services.ops, work, text=self.tr("正在查询回执"), on_done=done,
                          on_error=failed, parent=self, initiator=self)

    def edit_channels(self) -> None:
        ChannelsDialog(self.services, self).exec()

    def edit_automatic(self) -> None:
        AutoMessagesDialog(self.services, self).exec()


class _TabbedErrors(FieldErrors):
    """A refusal shows the tab that holds the field it names."""

    def __init__(self, label: QLabel, fields: dict[str, QWidget], tabs: QTabWidget) -> None:
        super().__init__(label, fields)
        self._tabs, self._by_name = tabs, fields

    def show(self, error: UserError) -> None:
        widget = self._by_name.get(error.field or "")
        for index in range(self._tabs.count()):
            page = self._tabs.widget(index)
            if widget is not None and page is not None and page.isAncestorOf(widget):
                self._tabs.setCurrentIndex(index)
        super().show(error)


class ChannelsDialog(ActionDialog):
    """Mail server, and SMS through a gateway, Alibaba Cloud or Tencent Cloud (with the map of
    the clinic's templates to the provider's): where secrets may go is checked by the core on
    saving; the secrets themselves go to the keyring only."""

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
        self.from_address = QLineEdit(current.smtp_from)  # not ``sender``: a QObject method
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
        mail = QWidget()
        mail_form = QFormLayout(mail)
        for label, widget in ((self.tr("SMTP 服务器"), self.host), (self.tr("端口"), self.port),
                              (self.tr("加密方式"), self.security),
                              (self.tr("用户名"), self.user), (self.tr("密码"), self.password),
                              (self.tr("发件人"), self.from_address)):
            mail_form.addRow(label, widget)
        self.sms = SmsProviderForm(current)
        self.sms_url, self.token = self.sms.sms_url, self.sms.token
        items = messages.templates(services.ctx)
        self.mapping = ProviderTemplatesTab(items, drafts_of(
            {p: read_provider_templates(services.ctx, p) for p in CLOUD_PROVIDERS}))
        self.tabs = QTabWidget()
        # Wide enough that the notes and a refusal wrap into few lines (the height follows).
        self.tabs.setMinimumWidth(600)
        self.tabs.addTab(mail, self.tr("邮件"))
        self.tabs.addTab(self.sms, self.tr("短信"))
        self.tabs.addTab(self.mapping, self.tr("短信模板对应"))
        self.sms.provider.currentIndexChanged.connect(self._provider_changed)
        self._provider_changed()
        secure = credentials.secure_store_available()
        self.session_only = QCheckBox(self.tr("只在本次运行中记住密码和令牌"))
        self.session_only.setChecked(not secure)
        self.session_only.setEnabled(secure)
        note = QLabel(self.tr("密码和令牌保存在系统钥匙串中，不写入文件或数据库。") if secure else
                      self.tr("这台电脑没有可用的系统钥匙串：密码和令牌只能在本次运行中记住，"
                              "下次启动需要重新填写。"))
        note.setWordWrap(True)
        self.body.insertWidget(0, self.tabs, 1)  # the shared rows (self.form) go below
        self.form.addRow(self.tr("CA 证书文件"), ca_row)
        self.form.addRow("", self.session_only)
        self.form.addRow(note)
        self.fields = {"smtp_port": self.port, "sms_url": self.sms_url, "smtp_host": self.host,
                       "smtp_security": self.security, "ca_file": self.ca_file,
                       "sms_provider": self.sms.provider, "sms_key_id": self.sms.key_id,
                       "sms_sign_name": self.sms.sign_name, "sms_app_id": self.sms.app_id,
                       "sms_region": self.sms.region, "sms_endpoint": self.sms.endpoint,
                       "provider_templates": self.mapping.table}
        self.finish(self.tr("保存"))
        self.errors = _TabbedErrors(self.error_label, self.fields, self.tabs)
        self.setMinimumWidth(648)

    def _provider_changed(self) -> None:
        provider = self.sms.chosen
        self.mapping.show_provider(provider)
        self.tabs.setTabEnabled(self.tabs.indexOf(self.mapping), provider in CLOUD_PROVIDERS)

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

    def operation(self) -> Operation:
        settings = self.sms.settings(ChannelSettings(
            smtp_host=self.host.text().strip(), smtp_port=self.port.value(),
            smtp_user=self.user.text().strip(), smtp_from=self.from_address.text().strip(),
            smtp_security=self.security.currentData(), ca_file=self.ca_file.text().strip()))
        provider = settings.sms_provider
        session_only = self.session_only.isChecked()
        secrets = {"smtp_password": self.password.text(), "sms_token": self.token.text()}
        mapping = None
        if provider in CLOUD_PROVIDERS:  # a typing mistake in the table: nothing is written
            mapping = self.mapping.table.mapping(provider)
            messages.check_sms_templates(provider, mapping, self.mapping.table.names)
            secrets[SECRET_NAMES[provider]] = self.sms.secret.text()

        def save(ctx: Context) -> None:
            # refuses before any secret is kept
            messages.save_channels(ctx, settings, sms_templates=mapping)
            for name, value in secrets.items():
                if value:
                    credentials.set_secret(name, value, session_only=session_only)

        return save


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

    def operation(self) -> Operation:
        key, name, _body = self.items[self.template.currentIndex()]
        body = self.body_edit.toPlainText()
        return lambda ctx: messages.save_template(ctx, key, name=name, body=body)


SPEC = PageSpec(
    key="messages", title=lambda: QCoreApplication.translate("MessagesPage", "消息"),
    icon=QStyle.StandardPixmap.SP_DialogApplyButton, permission=Permission.MESSAGES_SEND,
    factory=MessagesPage, order=30,
)
