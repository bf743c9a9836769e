"""发消息: a template rendered for one patient (and the task it is about) into the outbox.

The template starts as the one the task's kind suggests (a post-op call: 术后回访, a recall:
复查邀请, a reminder: 预约提醒) and the text is previewed as it will be sent. For the manual
channel the nurse can copy the text (for WeChat, or to read out) and mark it sent at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.rules.message_templates import template_for_kind
from clinic_desktop.services import messages
from clinic_desktop.services.messages import OutboxInfo
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.rich_text import plain_label

CHANNEL_LABELS: dict[str, str] = {
    "manual": str(QT_TRANSLATE_NOOP("MessagesPage", "手动（复制）")),
    "email": str(QT_TRANSLATE_NOOP("MessagesPage", "邮件")),
    "sms": str(QT_TRANSLATE_NOOP("MessagesPage", "短信")),
}


def channel_label(channel: str) -> str:
    return QCoreApplication.translate("MessagesPage", CHANNEL_LABELS.get(channel, channel))


@dataclass(frozen=True)
class Queued:
    """What the dialog did: the outbox message, whether it is new, whether it went out."""

    message: OutboxInfo
    new: bool
    sent: bool


class QueueMessageDialog(ActionDialog):
    """From the callback list: render a template for the patient into the outbox."""

    def __init__(self, services: AppServices, patient_id: int, task_id: int | None = None, *,
                 kind: str | None = None, patient_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("发消息"), services, parent)
        self.patient_id, self.task_id = patient_id, task_id
        self.result_info: Queued | None = None
        if patient_name:
            heading = plain_label(self.tr("发消息给 {0}").format(patient_name))  # a stored name
            heading.setObjectName("dialogHeading")
            self.body.insertWidget(0, heading)
        self.template = QComboBox()
        available = messages.templates(services.ctx)
        for key, name, _body in available:
            self.template.addItem(name, key)
        suggested = template_for_kind(kind, [key for key, _name, _body in available])
        if suggested is not None:
            self.template.setCurrentIndex(self.template.findData(suggested))
        self.channel = QComboBox()
        for key in CHANNEL_LABELS:
            self.channel.addItem(channel_label(key), key)
        self.recipient = QLineEdit()
        self.recipient.setPlaceholderText(self.tr("邮件渠道填写邮箱；短信默认用手机号"))
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFixedHeight(96)
        self.preview.setPlaceholderText(self.tr("预览"))
        self.form.addRow(self.tr("模板"), self.template)
        self.form.addRow(self.tr("渠道"), self.channel)
        self.form.addRow(self.tr("收件人"), self.recipient)
        self.form.addRow(self.tr("内容"), self.preview)
        self.fields = {"recipient": self.recipient, "channel": self.channel,
                       "body": self.preview}
        self.finish(self.tr("放入待发送"))
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None
        self.queue_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.copy_button = QPushButton(self.tr("复制并标记已发送"))
        self.copy_button.setToolTip(self.tr(
            "复制到剪贴板（粘贴到微信，或照着念），并在待发送中记为已发送。"))
        self.copy_button.clicked.connect(self.copy_and_mark_sent)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.setMinimumWidth(520)
        self.template.currentIndexChanged.connect(self.show_preview)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self._channel_changed()
        self.show_preview()

    def _channel_changed(self) -> None:
        manual = self.channel.currentData() == "manual"
        self.copy_button.setVisible(manual)
        # Enter does what the nurse most likely wants: for the manual channel, copy it now.
        self.copy_button.setDefault(manual)
        self.queue_button.setDefault(not manual)
        self.recipient.setEnabled(not manual)

    def show_preview(self) -> None:
        key = self.template.currentData()
        if key is None:
            return
        try:
            text = messages.preview_message(self.services.ctx, self.patient_id,
                                            template_key=key, task_id=self.task_id)
            gaps = messages.message_gaps(self.services.ctx, self.patient_id, template_key=key,
                                         task_id=self.task_id)
        except UserError as error:
            self.errors.show(error)
            return
        self.preview.setPlainText(text)
        self.error_label.setText(self.tr("注意：“{0}”没有内容，发出的文字会缺这一处。").format(
            "”“".join("{" + name + "}" for name in gaps)) if gaps else "")

    def _queue(self) -> tuple[str, str, str | None]:
        channel = self.channel.currentData()
        recipient = (self.recipient.text().strip() or None) if channel != "manual" else None
        return self.template.currentData(), channel, recipient

    def operation(self) -> Operation:
        template, channel, recipient = self._queue()
        pid, task = self.patient_id, self.task_id

        def queue(ctx: Context) -> Queued:
            info = messages.queue_message(ctx, pid, template_key=template, channel=channel,
                                          recipient=recipient, task_id=task)
            return Queued(info, new=info.id in ctx.changes.messages, sent=False)

        return queue

    def copy_and_mark_sent(self) -> None:
        """The manual channel in one step: queued (once), copied, marked sent."""
        template, _channel, _recipient = self._queue()
        pid, task = self.patient_id, self.task_id

        def send(ctx: Context) -> Queued:
            info = messages.queue_message(ctx, pid, template_key=template, channel="manual",
                                          task_id=task)
            new = info.id in ctx.changes.messages
            if info.status != "sent":
                messages.mark_sent(ctx, info.id)
            return Queued(info, new=new, sent=True)

        self.services.ops.run(send, parent=self, errors=self.errors, initiator=self,
                              on_done=self.succeeded, on_error=self.refused)

    def succeeded(self, result: object) -> None:
        if isinstance(result, Queued):
            self.result_info = result
            if result.sent:
                QApplication.clipboard().setText(result.message.body)
        self.accept()
