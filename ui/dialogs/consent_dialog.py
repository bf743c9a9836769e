"""消息偏好: what the patient said about messages per channel, and a new statement.

The table shows the standing statement per channel (agreed or refused, when, how, by whom's
note); below it the desk records what the patient says now. Nothing is edited: a statement
is added and the latest counts (services/consent.py), so the audit log and the table show
when the patient changed their mind."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QComboBox, QHBoxLayout, QLineEdit, QRadioButton, QWidget

from clinic_desktop.context import Context
from clinic_desktop.services.consent import (
    ALL,
    CHANNELS,
    HOWS,
    Consent,
    Statement,
    channel_label,
    how_label,
    record_consent,
)
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.widgets.common import make_table
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import (
    Column,
    RecordTableModel,
    SortProxy,
    resize_columns_to_contents,
)


def state_text(consent: Consent, channel: str) -> str:
    """同意 / 拒收 / 未登记 of one channel, for the panel and the table."""
    from PySide6.QtCore import QCoreApplication

    def tr(text: str) -> str:
        return QCoreApplication.translate("", text)

    state = consent.state(channel)
    return tr("未登记") if state is None else tr("同意") if state else tr("拒收")


class ConsentDialog(ActionDialog):
    def __init__(self, services: AppServices, patient_id: int, consent: Consent,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("消息偏好"), services, parent)
        self.patient_id = patient_id
        rows: list[tuple[str, Statement | None]] = [
            (channel, consent.channels.get(channel)) for channel in CHANNELS]
        rows.append((ALL, consent.opted_out))
        model: RecordTableModel[tuple[str, Statement | None]] = RecordTableModel([
            Column(self.tr("渠道"), lambda r: channel_label(r[0]),
                   sort_key=lambda r: (*CHANNELS, ALL).index(r[0])),
            Column(self.tr("状态"), lambda r: (
                (self.tr("已拒收") if r[1] is not None else self.tr("未拒收")) if r[0] == ALL
                else state_text(consent, r[0]))),
            Column(self.tr("登记时间"), lambda r: services.format_datetime(r[1].at)
                   if r[1] is not None else "", sort_key=lambda r: r[1].at.isoformat()
                   if r[1] is not None else ""),
            Column(self.tr("方式"), lambda r: how_label(r[1].how) if r[1] is not None else ""),
            Column(self.tr("备注"), lambda r: r[1].note if r[1] is not None else ""),
        ], key=lambda r: r[0])
        model.replace(rows)
        self.model = model
        proxy = SortProxy()
        proxy.setSourceModel(model)
        self.table = make_table(proxy, stretch_column=4)
        self.table.setMinimumHeight(170)
        resize_columns_to_contents(self.table, range(4))
        self.body.insertWidget(0, self.table)
        rule = plain_label(self.tr(
            "预约确认、提醒和术后关怀无需事先同意，但患者拒收的渠道不发；节日、生日和活动消息"
            "只发给同意该渠道的患者。"))
        rule.setWordWrap(True)
        self.body.insertWidget(1, rule)
        self.channel = QComboBox()
        for channel in (*CHANNELS, ALL):
            self.channel.addItem(channel_label(channel), channel)
        self.agree, self.refuse = QRadioButton(self.tr("同意接收")), QRadioButton(self.tr("拒收"))
        self.agree.setChecked(True)
        group = QButtonGroup(self)
        choice = QWidget()
        line = QHBoxLayout(choice)
        line.setContentsMargins(0, 0, 0, 0)
        for button in (self.agree, self.refuse):
            group.addButton(button)
            line.addWidget(button)
        line.addStretch(1)
        self.how = QComboBox()
        for how in HOWS:
            self.how.addItem(how_label(how), how)
        self.how.setCurrentIndex(HOWS.index("desk"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("例如：回复“TD”退订"))
        self.note.setMaxLength(255)
        for key, label, widget in (("channel", self.tr("渠道"), self.channel),
                                   ("granted", self.tr("患者表示"), choice),
                                   ("how", self.tr("方式"), self.how),
                                   ("note", self.tr("备注"), self.note)):
            self.fields[key] = widget
            self.form.addRow(label, widget)
        self.finish(self.tr("登记"))
        self.setMinimumWidth(660)
        # A wrapped label's height depends on its width, which the dialog's size hint does
        # not ask about: reserve the lines it needs at the narrowest width.
        rule.setMinimumHeight(rule.heightForWidth(600))

    def operation(self) -> Operation:
        patient_id, channel = self.patient_id, str(self.channel.currentData())
        granted, how, note = self.agree.isChecked(), str(self.how.currentData()), self.note.text()

        def write(ctx: Context) -> Consent:
            return record_consent(ctx, patient_id, channel, granted=granted, how=how,
                                  note=note)
        return write
