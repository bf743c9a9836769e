"""自动消息: which messages the app sends by itself, with which template, on which channel,
and the rules it sends by (quiet hours, daily cap, the provider's rate, festivals)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.rules.festivals import FESTIVALS, festival_label
from clinic_desktop.services import messages
from clinic_desktop.services.auto_settings import (
    KINDS,
    AutoMessageSettings,
    kind_label,
    read_auto_settings,
    save_auto_settings,
)
from clinic_desktop.services.care import read_care_settings
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation


class AutoMessagesDialog(ActionDialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("自动消息"), services, parent)
        current = services.call(read_auto_settings)
        care = services.call(read_care_settings)
        templates = services.call(messages.templates)
        columns = QHBoxLayout()
        self.body.insertLayout(0, columns)
        self.body.removeItem(self.form)  # the two groups below hold the fields
        columns.addWidget(self._kinds_group(current, templates, care.reminder_evening,
                                            care.reminder_hours_before), 3)
        right = QVBoxLayout()
        right.addWidget(self._rules_group(current))
        right.addWidget(self._festivals_group(current))
        right.addStretch(1)
        columns.addLayout(right, 2)
        note = QLabel(self.tr("收到自动提醒和生日祝福的患者，不再生成对应的电话回访；"
                              "无法发送的患者（未同意、已拒收、没有手机号或邮箱）照旧生成回访任务。"))
        note.setWordWrap(True)
        self.body.insertWidget(1, note)
        self.finish(self.tr("保存"))
        self.setMinimumWidth(900)

    def _kinds_group(self, current: AutoMessageSettings,
                     templates: list[tuple[str, str, str]], evening: str,
                     hours_before: int) -> QGroupBox:
        group = QGroupBox(self.tr("自动发送"))
        grid = QGridLayout(group)
        grid.addWidget(QLabel(self.tr("消息")), 0, 0)
        grid.addWidget(QLabel(self.tr("模板")), 0, 1)
        when = {
            "confirmation": self.tr("预约或改约后立即"),
            "reminder": self.tr("前一天 {0}，就诊前 {1} 小时").format(evening, hours_before),
            "care": self.tr("随访计划中“消息”步骤到期时"),
            "recall_notice": self.tr("复查到期前几天（见右侧）"),
            "birthday": self.tr("生日当天（需同意营销消息）"),
            "festival": self.tr("所选节日当天（需同意营销消息）"),
            "survey": self.tr("就诊后几小时（见右侧）"),
        }
        self.kind_boxes: dict[str, QCheckBox] = {}
        self.template_boxes: dict[str, QComboBox] = {}
        for row, kind in enumerate(KINDS, start=1):
            box = QCheckBox(kind_label(kind))
            box.setChecked(current.on(kind))
            box.setToolTip(when[kind])
            combo = QComboBox()
            for key, name, _body in templates:
                combo.addItem(name, key)
            index = combo.findData(current.template_for(kind))
            combo.setCurrentIndex(max(index, 0))
            hint = QLabel(when[kind])
            hint.setProperty("role", "hint")
            grid.addWidget(box, row * 2 - 1, 0)
            grid.addWidget(combo, row * 2 - 1, 1)
            grid.addWidget(hint, row * 2, 0, 1, 2)
            self.kind_boxes[kind] = box
            self.template_boxes[kind] = combo
            self.fields[f"template_{kind}"] = combo
        return group

    def _rules_group(self, current: AutoMessageSettings) -> QGroupBox:
        group = QGroupBox(self.tr("发送规则"))
        form = QFormLayout(group)
        self.channel = QComboBox()
        self.channel.addItem(self.tr("短信（自动发出）"), "sms")
        self.channel.addItem(self.tr("邮件（自动发出）"), "email")
        self.channel.addItem(self.tr("微信（放入待发，前台复制发送）"), "manual")
        self.channel.setCurrentIndex(max(self.channel.findData(current.channel), 0))
        self.email_fallback = QCheckBox(self.tr("收不到时改发邮件（有邮箱且同意邮件的患者）"))
        self.email_fallback.setChecked(current.email_fallback)
        self.email_fallback.setToolTip(self.tr(
            "没有手机号、不接收短信或微信的患者，如果档案里有邮箱并同意接收邮件，就发邮件。"))
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self._channel_changed()
        self.quiet_from = QLineEdit(current.quiet_from)
        self.quiet_until = QLineEdit(current.quiet_until)
        quiet = QHBoxLayout()
        quiet.addWidget(self.quiet_from)
        quiet.addWidget(QLabel(self.tr("至")))
        quiet.addWidget(self.quiet_until)
        self.day_at = QLineEdit(current.day_messages_at)
        self.spins: dict[str, QSpinBox] = {}
        form.addRow(self.tr("渠道"), self.channel)
        form.addRow("", self.email_fallback)
        form.addRow(self.tr("安静时段（不发送）"), quiet)
        form.addRow(self.tr("生日、节日发送时间"), self.day_at)
        for name, label, low, high in (
                ("recall_notice_days", self.tr("复查通知提前天数"), 1, 30),
                ("survey_hours_after", self.tr("就诊后几小时发回访"), 0, 72),
                ("daily_cap", self.tr("每天最多自动发送"), 1, 100000),
                ("rate_per_minute", self.tr("每分钟最多（服务商限速）"), 1, 6000)):
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setValue(int(getattr(current, name)))
            self.spins[name] = spin
            form.addRow(label, spin)
        self.fields.update({"channel": self.channel, "quiet_from": self.quiet_from,
                            "quiet_until": self.quiet_until, "day_messages_at": self.day_at,
                            **self.spins})
        return group

    def _channel_changed(self) -> None:
        self.email_fallback.setEnabled(self.channel.currentData() != "email")

    def _festivals_group(self, current: AutoMessageSettings) -> QGroupBox:
        group = QGroupBox(self.tr("节日问候"))
        grid = QGridLayout(group)
        self.festival_boxes: dict[str, QCheckBox] = {}
        for index, item in enumerate(FESTIVALS):
            box = QCheckBox(festival_label(item.key))
            box.setChecked(item.key in current.festivals)
            grid.addWidget(box, index // 3, index % 3)  # three fit in English too
            self.festival_boxes[item.key] = box
        self.fields["festivals"] = group
        return group

    def settings(self) -> AutoMessageSettings:
        return AutoMessageSettings(
            enabled=frozenset(k for k, box in self.kind_boxes.items() if box.isChecked()),
            channel=str(self.channel.currentData()),
            email_fallback=self.email_fallback.isChecked(),
            templates={k: str(c.currentData()) for k, c in self.template_boxes.items()},
            quiet_from=self.quiet_from.text().strip(),
            quiet_until=self.quiet_until.text().strip(),
            day_messages_at=self.day_at.text().strip(),
            festivals=tuple(k for k, box in self.festival_boxes.items() if box.isChecked()),
            **{name: spin.value() for name, spin in self.spins.items()})

    def operation(self) -> Operation:
        chosen = self.settings()
        return lambda ctx: save_auto_settings(ctx, chosen)
