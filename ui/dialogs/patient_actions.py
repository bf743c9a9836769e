"""Small dialogs behind the 360° panel's buttons."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services import billing, engagement, family, merge, profile
from clinic_desktop.services.patient_search import PatientHit, search_patients
from clinic_desktop.services.patients import PatientRecord, load_patient
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.widgets.rich_text import plain_label


class ActionDialog(Dialog):
    """A form with Save/Cancel whose ``apply`` may raise UserError (shown by the field)."""

    def __init__(self, title: str, services: AppServices, parent: QWidget | None) -> None:
        super().__init__(title, parent)
        self.services = services
        self.form = QFormLayout()
        self.body.addLayout(self.form)
        self.fields: dict[str, QWidget] = {}

    def finish(self, ok_text: str) -> None:
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, self.fields)
        self.add_buttons(ok_text, self.submit)
        self.setMinimumWidth(440)

    def apply(self) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            self.apply()
        except UserError as error:
            self.errors.show(error)
            return
        self.accept()


class ContactDialog(ActionDialog):
    CHANNELS = ("phone", "wechat", "sms", "visit", "email", "other")

    def __init__(self, services: AppServices, patient_id: int, parent: QWidget | None = None):
        super().__init__(self.tr("记录联系"), services, parent)
        self.patient_id = patient_id
        self.channel = QComboBox()
        for channel in self.CHANNELS:
            self.channel.addItem(engagement.channel_label(channel), channel)
        self.direction = QComboBox()
        self.direction.addItem(self.tr("我方联系患者"), "out")
        self.direction.addItem(self.tr("患者来电/来访"), "in")
        self.summary = QPlainTextEdit()
        self.summary.setFixedHeight(80)
        self.outcome = QLineEdit()
        self.outcome.setPlaceholderText(self.tr("例如：已接通，恢复良好"))
        self.form.addRow(self.tr("方式"), self.channel)
        self.form.addRow(self.tr("方向"), self.direction)
        self.form.addRow(self.tr("内容"), self.summary)
        self.form.addRow(self.tr("结果"), self.outcome)
        self.fields = {"channel": self.channel, "summary": self.summary}
        self.finish(self.tr("保存"))

    def apply(self) -> None:
        engagement.log_contact(self.services.ctx, self.patient_id,
                               channel=self.channel.currentData(),
                               direction=self.direction.currentData(),
                               summary=self.summary.toPlainText(), outcome=self.outcome.text())


class LedgerDialog(ActionDialog):
    def __init__(self, services: AppServices, patient_id: int, parent: QWidget | None = None):
        super().__init__(self.tr("收款 / 记账"), services, parent)
        self.patient_id = patient_id
        self.kind = QComboBox()
        for kind in ("payment", "charge", "discount", "refund", "topup"):
            self.kind.addItem(billing.kind_label(kind), kind)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.00")
        self.method = QComboBox()
        for method in billing.METHODS:
            self.method.addItem(method, method)
        self.note = QLineEdit()
        balance = billing.get_balance(services.ctx, patient_id)
        self.form.addRow(QLabel(self.tr("当前欠费 ¥{0:,.2f}，储值余额 ¥{1:,.2f}").format(
            balance.owed, balance.stored_value)))
        self.form.addRow(self.tr("类型"), self.kind)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("支付方式"), self.method)
        self.form.addRow(self.tr("说明"), self.note)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.fields = {"kind": self.kind, "amount": self.amount, "method": self.method}
        self.finish(self.tr("保存"))

    def _kind_changed(self) -> None:
        self.method.setEnabled(self.kind.currentData() in ("payment", "refund", "topup"))

    def apply(self) -> None:
        text = self.amount.text().replace(",", "").replace("¥", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise UserError(self.tr("金额“{0}”不是数字。").format(text), field="amount") from exc
        billing.add_entry(self.services.ctx, self.patient_id, kind=self.kind.currentData(),
                          amount=amount, method=self.method.currentData()
                          if self.method.isEnabled() else None, note=self.note.text())


class TagsDialog(ActionDialog):
    def __init__(self, services: AppServices, patient_id: int, current: set[int],
                 parent: QWidget | None = None):
        super().__init__(self.tr("标签"), services, parent)
        self.patient_id = patient_id
        self.current = current
        self.list = QListWidget()
        for tag in profile.list_tags(services.ctx):
            item = QListWidgetItem(tag.name)
            item.setData(Qt.ItemDataRole.UserRole, tag.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if tag.id in current
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.new_tag = QLineEdit()
        self.new_tag.setPlaceholderText(self.tr("新标签名称（可选）"))
        self.form.addRow(self.list)
        self.form.addRow(self.tr("新建"), self.new_tag)
        self.fields = {"name": self.new_tag}
        self.finish(self.tr("保存"))

    def apply(self) -> None:
        if self.new_tag.text().strip():
            created = profile.create_tag(self.services.ctx, name=self.new_tag.text())
            profile.set_tag(self.services.ctx, self.patient_id, created.id, on=True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            tag_id = int(item.data(Qt.ItemDataRole.UserRole))
            on = item.checkState() == Qt.CheckState.Checked
            if on != (tag_id in self.current):
                profile.set_tag(self.services.ctx, self.patient_id, tag_id, on=on)


class PatientPicker(QWidget):
    """Search box and result list for choosing another patient."""

    def __init__(self, services: AppServices, exclude: int) -> None:
        super().__init__()
        self.services = services
        self.exclude = exclude
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("姓名、拼音首字母、手机号后四位…"))
        self.results = QListWidget()
        self.results.setMinimumHeight(160)
        self.query.textChanged.connect(self.search)
        layout.addRow(self.query)
        layout.addRow(self.results)

    def search(self, text: str) -> None:
        self.results.clear()
        for hit in search_patients(self.services.ctx, text, limit=20):
            if hit.id == self.exclude:
                continue
            item = QListWidgetItem(f"{hit.name}　{hit.code}　{hit.mobile or ''}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def chosen(self) -> PatientHit | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None


class FamilyLinkDialog(ActionDialog):
    def __init__(self, services: AppServices, patient_id: int, parent: QWidget | None = None):
        super().__init__(self.tr("关联家属"), services, parent)
        self.patient_id = patient_id
        self.picker = PatientPicker(services, patient_id)
        self.relation = QComboBox()
        for relation in family.RELATIONS:
            self.relation.addItem(family.relation_label(relation), relation)
        self.form.addRow(self.tr("家属"), self.picker)
        self.form.addRow(self.tr("是本患者的"), self.relation)
        self.fields = {"relative": self.picker.query, "relation": self.relation}
        self.finish(self.tr("关联"))

    def apply(self) -> None:
        hit = self.picker.chosen()
        if hit is None:
            raise UserError(self.tr("请先搜索并选择一位家属。"), field="relative")
        family.link_family(self.services.ctx, self.patient_id, hit.id,
                           relation=self.relation.currentData())


class MergeDialog(ActionDialog):
    """Both records side by side; the one shown first is kept, the other absorbed."""

    ROWS = (("code", QT_TRANSLATE_NOOP("MergeDialog", "编号")),
            ("name", QT_TRANSLATE_NOOP("MergeDialog", "姓名")),
            ("sex", QT_TRANSLATE_NOOP("MergeDialog", "性别")),
            ("birth_date", QT_TRANSLATE_NOOP("MergeDialog", "出生日期")),
            ("mobile", QT_TRANSLATE_NOOP("MergeDialog", "手机")),
            ("id_number", QT_TRANSLATE_NOOP("MergeDialog", "身份证号")),
            ("address", QT_TRANSLATE_NOOP("MergeDialog", "地址")),
            ("source", QT_TRANSLATE_NOOP("MergeDialog", "来源")))

    def __init__(self, services: AppServices, keep: PatientRecord,
                 parent: QWidget | None = None):
        super().__init__(self.tr("合并重复档案"), services, parent)
        self.keep = keep
        self.result_id: int | None = None
        self.picker = PatientPicker(services, keep.id)
        self.form.addRow(self.tr("重复的档案"), self.picker)
        self.compare = QGridLayout()
        self.body.addLayout(self.compare)
        note = QLabel(self.tr("保留左侧档案；右侧的就诊、账目、联系记录和附件将并入左侧，"
                              "左侧空白的资料用右侧补全，不会覆盖已有内容。合并可以撤销。"))
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.picker.results.currentItemChanged.connect(lambda *_: self._compare())
        self.fields = {"absorb": self.picker.query}
        self.finish(self.tr("合并"))
        self.setMinimumWidth(620)

    def _compare(self) -> None:
        while self.compare.count():
            widget = self.compare.takeAt(0).widget()
            if widget:
                widget.deleteLater()
        hit = self.picker.chosen()
        if hit is None:
            return
        other = load_patient(self.services.ctx, hit.id)
        self.compare.addWidget(QLabel(self.tr("<b>保留</b>")), 0, 1)
        self.compare.addWidget(QLabel(self.tr("<b>并入</b>")), 0, 2)
        for row, (attr, label) in enumerate(self.ROWS, start=1):
            mine, theirs = getattr(self.keep, attr), getattr(other, attr)
            self.compare.addWidget(QLabel(self.tr(label)), row, 0)
            self.compare.addWidget(plain_label(str(mine or "—")), row, 1)
            shown = plain_label(str(theirs or "—"))
            if theirs and mine and theirs != mine:
                shown.setStyleSheet("color:#B42318")
            self.compare.addWidget(shown, row, 2)

    def apply(self) -> None:
        hit = self.picker.chosen()
        if hit is None:
            raise UserError(self.tr("请先搜索并选择要并入的重复档案。"), field="absorb")
        self.result_id = merge.merge_patients(self.services.ctx, keep_id=self.keep.id,
                                              absorb_id=hit.id).merge_id


class MedicalDialog(ActionDialog):
    def __init__(self, services: AppServices, patient_id: int, current: profile.MedicalInfo,
                 parent: QWidget | None = None):
        super().__init__(self.tr("病史与过敏"), services, parent)
        self.patient_id = patient_id
        self.allergies = QListWidget()
        for name in dict.fromkeys((*profile.COMMON_ALLERGIES, *current.allergies)):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in current.allergies
                               else Qt.CheckState.Unchecked)
            self.allergies.addItem(item)
        self.allergies.setFixedHeight(120)
        self.allergy_notes = QLineEdit(current.allergy_notes)
        self.texts: dict[str, QPlainTextEdit] = {}
        for key in ("conditions", "past_history", "family_history", "chief_complaint"):
            edit = QPlainTextEdit(getattr(current, key))
            edit.setFixedHeight(52)
            self.texts[key] = edit
        self.form.addRow(self.tr("过敏"), self.allergies)
        self.form.addRow(self.tr("其他过敏"), self.allergy_notes)
        self.form.addRow(self.tr("慢性病"), self.texts["conditions"])
        self.form.addRow(self.tr("既往史"), self.texts["past_history"])
        self.form.addRow(self.tr("家族史"), self.texts["family_history"])
        self.form.addRow(self.tr("主诉"), self.texts["chief_complaint"])
        self.finish(self.tr("保存"))

    def apply(self) -> None:
        checked = tuple(self.allergies.item(i).text() for i in range(self.allergies.count())
                        if self.allergies.item(i).checkState() == Qt.CheckState.Checked)
        profile.update_medical(self.services.ctx, self.patient_id, profile.MedicalInfo(
            checked, self.allergy_notes.text(), *(self.texts[k].toPlainText() for k in (
                "conditions", "past_history", "family_history", "chief_complaint"))))


class FeedbackDialog(ActionDialog):
    """Record satisfaction or a complaint, and move open complaints towards resolved."""

    def __init__(self, services: AppServices, patient_id: int, parent: QWidget | None = None):
        super().__init__(self.tr("满意度与投诉"), services, parent)
        self.patient_id = patient_id
        self.satisfaction = QComboBox()
        self.satisfaction.addItem(self.tr("不评分"), None)
        for score in range(5, 0, -1):
            self.satisfaction.addItem("★" * score, score)
        self.complaint = QPlainTextEdit()
        self.complaint.setFixedHeight(70)
        self.complaint.setPlaceholderText(self.tr("投诉内容（没有可不填）"))
        self.form.addRow(self.tr("满意度"), self.satisfaction)
        self.form.addRow(self.tr("投诉"), self.complaint)
        self.open_items = QComboBox()
        self.status = QComboBox()
        for status in ("open", "handling", "resolved"):
            self.status.addItem(engagement.feedback_status_label(status), status)
        self.resolution = QLineEdit()
        pending = [f for f in engagement.feedback_of(services.ctx, patient_id)
                   if f.status in ("open", "handling")]
        if pending:
            for item in pending:
                self.open_items.addItem(
                    f"{services.format_datetime(item.at)} {item.complaint[:24]}", item.id)
            self.form.addRow(QLabel(self.tr("<b>处理未解决的投诉</b>")))
            self.form.addRow(self.tr("投诉"), self.open_items)
            self.form.addRow(self.tr("状态"), self.status)
            self.form.addRow(self.tr("处理结果"), self.resolution)
        self.fields = {"satisfaction": self.satisfaction, "status": self.status,
                       "resolution": self.resolution}
        self.finish(self.tr("保存"))

    def apply(self) -> None:
        score = self.satisfaction.currentData()
        if score is not None or self.complaint.toPlainText().strip():
            engagement.add_feedback(self.services.ctx, self.patient_id, satisfaction=score,
                                    complaint=self.complaint.toPlainText())
        if self.open_items.count() and (self.resolution.text().strip()
                                        or self.status.currentData() != "open"):
            engagement.update_feedback(self.services.ctx, int(self.open_items.currentData()),
                                       status=self.status.currentData(),
                                       resolution=self.resolution.text())
