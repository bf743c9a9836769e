"""新建营销活动: act on the segment shown — callback tasks, a message, a coupon or a list —
with a share held out to measure what the campaign brought back."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.rules.holdout import MAX_PERCENT, holdout_size
from clinic_desktop.services.insight.campaigns import (
    Action,
    CampaignInput,
    CampaignOutcome,
    CouponAction,
    ExportAction,
    MessageAction,
    TaskAction,
    start_campaign,
)
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import SegmentChoices
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation


class CampaignDialog(ActionDialog):
    def __init__(self, services: AppServices, parent: QWidget | None, *, rules: SegmentRules,
                 segment_id: int | None, segment_name: str, count: int,
                 choices: SegmentChoices) -> None:
        super().__init__(self.tr("新建营销活动"), services, parent)
        self.rules, self.segment_id, self.count = rules, segment_id, count
        self.outcome: CampaignOutcome | None = None
        heading = QLabel(self.tr("分群：{0}（{1} 人）").format(segment_name, count))
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: 600")
        self.form.addRow(heading)
        self.name = QLineEdit(segment_name[:40])
        self.action = QComboBox()
        for key, text in (("task", self.tr("回访任务")), ("message", self.tr("发送消息")),
                          ("coupon", self.tr("发优惠券")), ("export", self.tr("导出名单"))):
            self.action.addItem(text, key)
        self.stack = QStackedWidget()
        # task
        task = QWidget()
        self.reason = QLineEdit(self.tr("老患者回访"))
        tomorrow = services.local(services.ctx.now()).date() + timedelta(days=1)
        self.due = QDateEdit(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.role = QComboBox()
        for key, text in (("nurse", self.tr("护士")), ("receptionist", self.tr("前台")),
                          ("doctor", self.tr("医生"))):
            self.role.addItem(text, key)
        self.priority = QComboBox()
        for level, label in ((1, self.tr("高")), (2, self.tr("普通")), (3, self.tr("低"))):
            self.priority.addItem(label, level)
        self.priority.setCurrentIndex(1)
        self.by_family = QCheckBox(self.tr("同一家庭只建一个任务"))
        task_form = QFormLayout(task)
        task_form.setContentsMargins(0, 0, 0, 0)
        task_form.addRow(self.tr("回访事由"), self.reason)
        task_form.addRow(self.tr("到期日"), self.due)
        task_form.addRow(self.tr("交给"), self.role)
        task_form.addRow(self.tr("优先级"), self.priority)
        task_form.addRow("", self.by_family)
        # message
        message = QWidget()
        self.template = QComboBox()
        for key, text in choices.templates:
            self.template.addItem(text, key)
        self.channel = QComboBox()
        self.channel.addItem(self.tr("手动发送（复制到微信或电话告知）"), "manual")
        self.channel.addItem(self.tr("短信"), "sms")
        self.channel.addItem(self.tr("邮件"), "email")
        message_form = QFormLayout(message)
        message_form.setContentsMargins(0, 0, 0, 0)
        message_form.addRow(self.tr("消息模板"), self.template)
        message_form.addRow(self.tr("发送渠道"), self.channel)
        message_form.addRow("", QLabel(self.tr("已登记拒收消息或没有联系方式的患者会被跳过。")))
        # coupon
        coupon = QWidget()
        self.coupon_type = QComboBox()
        for type_id, type_name in choices.coupon_types:
            self.coupon_type.addItem(type_name, type_id)
        coupon_form = QFormLayout(coupon)
        coupon_form.setContentsMargins(0, 0, 0, 0)
        coupon_form.addRow(self.tr("优惠券类型"), self.coupon_type)
        # export
        export = QWidget()
        self.path = QLineEdit()
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self._browse)
        export_row = QHBoxLayout(export)
        export_row.setContentsMargins(0, 0, 0, 0)
        export_row.addWidget(self.path, 1)
        export_row.addWidget(browse)
        for page in (task, message, coupon, export):
            self.stack.addWidget(page)
        self.action.currentIndexChanged.connect(self.stack.setCurrentIndex)
        self.holdout = QSpinBox()
        self.holdout.setRange(0, MAX_PERCENT)
        self.holdout.setValue(10)
        self.holdout.setSuffix(" %")
        self.holdout.valueChanged.connect(self._sizes)
        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setValue(30)
        self.days.setSuffix(self.tr(" 天"))
        self.sizes = QLabel()
        self.sizes.setWordWrap(True)
        self.form.addRow(self.tr("活动名称"), self.name)
        self.form.addRow(self.tr("执行方式"), self.action)
        self.form.addRow(self.stack)
        self.form.addRow(self.tr("对照组（不执行）"), self.holdout)
        self.form.addRow(self.tr("效果观察期"), self.days)
        self.form.addRow(self.sizes)
        self.fields = {"name": self.name, "reason": self.reason, "due": self.due,
                       "role": self.role, "priority": self.priority,
                       "holdout_percent": self.holdout, "result_days": self.days,
                       "channel": self.channel, "coupon_type": self.coupon_type,
                       "path": self.path, "segment": self.name}
        self._sizes()
        self.finish(self.tr("开始活动"))
        self.setMinimumWidth(500)

    def _sizes(self) -> None:
        held = holdout_size(self.count, self.holdout.value())
        self.sizes.setText(self.tr("将对 {0} 人执行，{1} 人留作对照组（随机选出，不做任何动作），"
                                   "用于比较活动效果。").format(self.count - held, held))

    def _browse(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("导出名单"),
                                                    self.name.text() + ".xlsx", "Excel (*.xlsx)")
        if path:
            self.path.setText(path)

    def _action(self) -> Action:
        kind = self.action.currentData()
        if kind == "task":
            due = self.due.date().toPython()
            assert isinstance(due, date)
            return TaskAction(self.reason.text(), due,
                              str(self.role.currentData()), int(self.priority.currentData()),
                              self.by_family.isChecked())
        if kind == "message":
            return MessageAction(str(self.template.currentData() or ""),
                                 str(self.channel.currentData()))
        if kind == "coupon":
            return CouponAction(int(self.coupon_type.currentData() or 0))
        return ExportAction(self.path.text())

    def operation(self) -> Operation | None:
        data = CampaignInput(
            self.name.text(), self._action(),
            rules=self.rules if self.segment_id is None else None, segment_id=self.segment_id,
            holdout_percent=self.holdout.value(), result_days=self.days.value())

        def run(ctx: Context) -> CampaignOutcome:
            return start_campaign(ctx, data)

        return run

    def succeeded(self, result: object) -> None:
        if isinstance(result, CampaignOutcome):
            self.outcome = result
        self.accept()


__all__ = ["CampaignDialog"]
