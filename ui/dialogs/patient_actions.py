"""Small dialogs behind the 360° panel's buttons."""

from __future__ import annotations

from collections.abc import Callable
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
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import billing, engagement, family, merge, profile
from clinic_desktop.services.patient_search import PatientHit, search_patients
from clinic_desktop.services.patients import PatientRecord, load_patient
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.widgets.ledger_table import LedgerTable
from ui.widgets.rich_text import plain_label

Operation = Callable[[Context], object]


class ActionDialog(Dialog):
    """A form with Save/Cancel.

    A dialog says what it writes in ``operation``: a function of the operation's Context,
    built from the form (a check the form can make itself, such as "not a number", raises
    UserError there). ``services.ops`` runs it: a refusal goes beside its field and the
    dialog stays open with what was typed; on success ``succeeded`` gets the result (the
    dialog closes) and every page hears what changed. ``apply`` (a direct call that may raise
    UserError) is the older way, still used by dialogs other pages build on this class.
    """

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

    def operation(self) -> Operation | None:
        """The write, or None for a dialog that still uses ``apply``."""
        return None

    def apply(self) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            operation = self.operation()
            if operation is None:
                self.apply()
        except UserError as error:
            self.errors.show(error)
            return
        if operation is None:
            self.accept()
            return
        self.services.ops.run(operation, parent=self, errors=self.errors, initiator=self,
                              on_done=self.succeeded, on_error=self.refused)

    def succeeded(self, _result: object) -> None:
        self.accept()

    def refused(self, error: UserError) -> None:
        self.errors.show(error)


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

    def operation(self) -> Operation:
        pid, channel, direction = (self.patient_id, self.channel.currentData(),
                                   self.direction.currentData())
        summary, outcome = self.summary.toPlainText(), self.outcome.text()
        return lambda ctx: engagement.log_contact(ctx, pid, channel=channel, direction=direction,
                                                  summary=summary, outcome=outcome)


class LedgerDialog(ActionDialog):
    """Take a payment or record a charge, with the patient's recent entries above the form.

    A payment beyond what is owed is refused by the service (``billing.Overpayment``); the
    dialog then asks whether the excess is credit (预存, spent by the next charges) or stored
    value (储值卡), and saves again with the answer."""

    RECENT_ROWS = 8

    def __init__(self, services: AppServices, patient_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("收款 / 记账"), services, parent)
        self.patient_id = patient_id
        self.excess: str | None = None  # the answer to the overpayment question, while saving
        self.kind = QComboBox()
        for kind in ("payment", "charge", "discount", "refund", "topup"):
            self.kind.addItem(billing.kind_label(kind), kind)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.00")
        self.method = QComboBox()
        for method in billing.METHODS:
            self.method.addItem(billing.method_label(method), method)
        self.note = QLineEdit()
        balance = billing.get_balance(services.ctx, patient_id)
        self.balance = QLabel(self.tr("当前欠费 ¥{0:,.2f}，预存 ¥{1:,.2f}，储值余额 ¥{2:,.2f}")
                              .format(balance.owed, balance.credit, balance.stored_value))
        self.balance.setObjectName("ledgerBalance")
        self.recent = LedgerTable(services)
        self.recent.show_entries(billing.ledger_of(services.ctx, patient_id)[:self.RECENT_ROWS])
        self.recent.view.setMaximumHeight(210)
        self.form.addRow(self.balance)
        if self.recent.model.rowCount():
            self.form.addRow(self.recent.view)
        self.form.addRow(self.tr("类型"), self.kind)
        self.form.addRow(self.tr("金额（元）"), self.amount)
        self.form.addRow(self.tr("支付方式"), self.method)
        self.form.addRow(self.tr("说明"), self.note)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.fields = {"kind": self.kind, "amount": self.amount, "method": self.method}
        self.finish(self.tr("保存"))
        self.setMinimumWidth(620)

    def _kind_changed(self) -> None:
        self.method.setEnabled(self.kind.currentData() in ("payment", "refund", "topup"))

    def operation(self) -> Operation:
        text = self.amount.text().replace(",", "").replace("¥", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise UserError(self.tr("金额“{0}”不是数字。").format(text), field="amount") from exc
        pid, kind, note, excess = self.patient_id, self.kind.currentData(), self.note.text(), \
            self.excess
        method = self.method.currentData() if self.method.isEnabled() else None
        return lambda ctx: billing.add_entry(ctx, pid, kind=kind, amount=amount, method=method,
                                             note=note, excess=excess)

    def refused(self, error: UserError) -> None:
        if not isinstance(error, billing.Overpayment) or self.excess is not None:
            self.errors.show(error)
            return
        choice = self.ask_excess(error)
        if choice is None:
            self.errors.show(error)  # the sentence says what is wrong; what was typed stays
            return
        self.excess = choice
        try:
            self.submit()
        finally:
            self.excess = None  # a changed amount is asked about again

    def ask_excess(self, error: billing.Overpayment) -> str | None:
        """预存 or 储值 for the excess; None when the person cancels."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("多付的钱怎么处理？"),
                          self.tr("本次收款 ¥{0:,.2f}，当前欠费 ¥{1:,.2f}，多出 ¥{2:,.2f}。")
                          .format(error.amount, error.owed, error.excess),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("overpaymentBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(self.tr("作为预存：以后的费用先从中扣除。\n"
                                       "存入储值卡：先结清欠费，余额充入储值卡。"))
        credit = QPushButton(self.tr("作为预存"))
        credit.setObjectName("excessCredit")
        stored = QPushButton(self.tr("存入储值卡"))
        stored.setObjectName("excessStoredValue")
        box.addButton(credit, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(stored, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(credit)
        box.exec()
        clicked = box.clickedButton()
        if clicked is credit:
            return billing.EXCESS_CREDIT
        if clicked is stored:
            return billing.EXCESS_STORED_VALUE
        return None


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

    def operation(self) -> Operation:
        pid, new_name = self.patient_id, self.new_tag.text().strip()
        changed: list[tuple[int, bool]] = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            tag_id = int(item.data(Qt.ItemDataRole.UserRole))
            on = item.checkState() == Qt.CheckState.Checked
            if on != (tag_id in self.current):
                changed.append((tag_id, on))

        def save(ctx: Context) -> None:
            if new_name:
                created = profile.create_tag(ctx, name=new_name)
                profile.set_tag(ctx, pid, created.id, on=True)
            for tag_id, on in changed:
                profile.set_tag(ctx, pid, tag_id, on=on)

        return save


class PatientPicker(QWidget):
    """Search box and result list for choosing another patient (also used by the calendar's
    booking dialog: ``query``, ``results``, ``search`` and ``chosen`` are its API)."""

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
        hit = item.data(Qt.ItemDataRole.UserRole) if item else None
        return hit if isinstance(hit, PatientHit) else None


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

    def operation(self) -> Operation:
        hit = self.picker.chosen()
        if hit is None:
            raise UserError(self.tr("请先搜索并选择一位家属。"), field="relative")
        pid, relation = self.patient_id, self.relation.currentData()
        return lambda ctx: family.link_family(ctx, pid, hit.id, relation=relation)


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
        self.picker.results.setMinimumHeight(110)  # the comparison below needs the room
        self.form.addRow(self.tr("重复的档案"), self.picker)
        self.compare = QGridLayout()
        self.compare.setVerticalSpacing(2)
        self.compare.setHorizontalSpacing(16)
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
            item = self.compare.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        hit = self.picker.chosen()
        if hit is None:
            return
        other = load_patient(self.services.ctx, hit.id)
        self.compare.addWidget(QLabel(self.tr("<b>保留</b>")), 0, 1)
        self.compare.addWidget(QLabel(self.tr("<b>并入</b>")), 0, 2)
        for row, (attr, label) in enumerate(self.ROWS, start=1):
            mine, theirs = getattr(self.keep, attr), getattr(other, attr)
            self.compare.addWidget(QLabel(self.tr(str(label))), row, 0)
            self.compare.addWidget(plain_label(str(mine or "—")), row, 1)
            shown = plain_label(str(theirs or "—"))
            if theirs and mine and theirs != mine:
                shown.setStyleSheet("color:#B42318")
            self.compare.addWidget(shown, row, 2)

    def operation(self) -> Operation:
        hit = self.picker.chosen()
        if hit is None:
            raise UserError(self.tr("请先搜索并选择要并入的重复档案。"), field="absorb")
        keep = self.keep.id
        return lambda ctx: merge.merge_patients(ctx, keep_id=keep, absorb_id=hit.id).merge_id

    def succeeded(self, result: object) -> None:
        self.result_id = result if isinstance(result, int) else None
        self.accept()


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

    def operation(self) -> Operation:
        checked = tuple(self.allergies.item(i).text() for i in range(self.allergies.count())
                        if self.allergies.item(i).checkState() == Qt.CheckState.Checked)
        info = profile.MedicalInfo(
            allergies=checked, allergy_notes=self.allergy_notes.text(),
            conditions=self.texts["conditions"].toPlainText(),
            past_history=self.texts["past_history"].toPlainText(),
            family_history=self.texts["family_history"].toPlainText(),
            chief_complaint=self.texts["chief_complaint"].toPlainText())
        pid = self.patient_id
        return lambda ctx: profile.update_medical(ctx, pid, info)


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

    def operation(self) -> Operation:
        pid, score, complaint = (self.patient_id, self.satisfaction.currentData(),
                                 self.complaint.toPlainText())
        update = self.open_items.count() and (self.resolution.text().strip()
                                              or self.status.currentData() != "open")
        item = int(self.open_items.currentData()) if update else 0
        status, resolution = self.status.currentData(), self.resolution.text()

        def save(ctx: Context) -> None:
            if score is not None or complaint.strip():
                engagement.add_feedback(ctx, pid, satisfaction=score, complaint=complaint)
            if update:
                engagement.update_feedback(ctx, item, status=status, resolution=resolution)

        return save
