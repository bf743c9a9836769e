"""The 360° panel: header with the allergy banner, actions, and tabs of the patient's story.

``show_patient`` is a person opening the record: it runs ``open_panel`` through the operation
runner, which audits the opening. ``reload`` reads the same panel again after a change
(``refresh_panel``, not audited): a record is logged once per opening, not per refresh.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Permission
from clinic_desktop.services.attachments import (
    AttachmentInfo,
    add_attachment,
    attachment_content,
    viewable_copy,
)
from clinic_desktop.services.care import CareTaskInfo
from clinic_desktop.services.care import kind_label as care_kind_label
from clinic_desktop.services.consent import CHANNELS, Consent, channel_label
from clinic_desktop.services.family import FamilyMember, relation_label
from clinic_desktop.services.panel import (
    PatientPanel,
    TimelineEntry,
    TreatmentRow,
    open_panel,
    refresh_panel,
)
from ui.app_services import AppServices
from ui.errors import show_error
from ui.widgets.common import make_table
from ui.widgets.contact_reveal import ContactReveals, attach, phone_column
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.ledger_table import LedgerTable, fit_columns
from ui.widgets.ledger_table import money as _money
from ui.widgets.member_tab import MemberTab
from ui.widgets.rich_text import esc, esc_lines, plain_label, rich_plain
from ui.widgets.table_model import Column, RecordTableModel, SortProxy
from ui.widgets.tier_chip import tier_chip

# Marked for lupdate; translated at use with self.tr(label).
KIND_LABELS = {
    "visit": QT_TRANSLATE_NOOP("PatientPanelWidget", "就诊"),
    "payment": QT_TRANSLATE_NOOP("PatientPanelWidget", "账目"),
    "appointment": QT_TRANSLATE_NOOP("PatientPanelWidget", "预约"),
    "contact": QT_TRANSLATE_NOOP("PatientPanelWidget", "联系"),
    "feedback": QT_TRANSLATE_NOOP("PatientPanelWidget", "反馈"),
    "attachment": QT_TRANSLATE_NOOP("PatientPanelWidget", "附件"),
    "message": QT_TRANSLATE_NOOP("PatientPanelWidget", "消息"),
}


def _held(fact: str) -> str:
    """``fact`` with its characters held together: a line of the panel's facts breaks between
    facts, or after a list's comma, not inside a word (邮 on one line, 箱 and the address on the
    next). Word joiners do it for Chinese too, where a line may otherwise break anywhere."""
    parts = re.split(r"(?<=[、，,；;])", fact.replace(" ", "\u00a0"))
    return "".join("\u2060".join(part) for part in parts)


class PatientPanelWidget(QWidget):
    """Shows one patient; ``actions`` emits the name of the button pressed."""

    action_requested = Signal(str)

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.panel: PatientPanel | None = None
        self._proxies: list[SortProxy] = []
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.allergy = plain_label()
        self.allergy.setObjectName("allergyBanner")
        self.allergy.hide()
        layout.addWidget(self.allergy)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        self.name = QLabel()  # rich: our markup around escaped stored values
        self.name.setTextFormat(Qt.TextFormat.RichText)
        self.name.setObjectName("patientName")
        # Rich: our link (显示号码) beside escaped stored values. A role that sees numbers
        # masked clicks it (audited) to show this patient's in full.
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setObjectName("patientFacts")
        self.facts.linkActivated.connect(self._link)
        self.reveals = ContactReveals.of(services)
        self.reveals.revealed.connect(self._revealed)
        self.money = QLabel()
        self.money.setObjectName("patientMoney")
        # Wrapped rather than widening the panel: the search list beside it keeps its room.
        for label in (self.name, self.facts, self.money):
            label.setWordWrap(True)
        self.tags = FlowLayout()  # chips wrap: many tags never widen the panel
        titles.addWidget(self.name)
        titles.addWidget(self.facts)
        titles.addWidget(self.money)
        titles.addLayout(self.tags)
        header.addLayout(titles, 1)
        buttons = QVBoxLayout()
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, row in (
            ("edit", self.tr("编辑"), row1), ("book", self.tr("预约"), row1),
            ("contact", self.tr("记录联系"), row1),
            ("payment", self.tr("收款"), row1), ("feedback", self.tr("满意度/投诉"), row1),
            ("ledger", self.tr("记账"), row2), ("tags", self.tr("标签"), row2),
            ("family", self.tr("关联家属"), row2), ("merge", self.tr("合并重复"), row2),
            ("archive", self.tr("归档"), row2),
        ):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=key: self.action_requested.emit(k))
            self.buttons[key] = button
            row.addWidget(button)
        self.buttons["book"].setToolTip(self.tr("为这位患者预约：打开日历的预约窗口"))
        self.buttons["payment"].setToolTip(self.tr("收款：现金、微信、支付宝、银行卡、医保、储值、"
                                                   "积分和优惠券可混合使用，并打印收据"))
        self.buttons["ledger"].setToolTip(self.tr("手动记一笔收费、优惠、退款或充值"))
        buttons.addLayout(row1)
        buttons.addLayout(row2)
        buttons.addStretch(1)
        header.addLayout(buttons)
        layout.addLayout(header)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_timeline_tab()
        self.medical = QLabel()  # rich: our table around escaped stored values
        self.medical.setTextFormat(Qt.TextFormat.RichText)
        self.medical.setWordWrap(True)
        self.medical.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.treatment_model: RecordTableModel[TreatmentRow] = RecordTableModel([
            Column(self.tr("日期"), lambda t: t.visit_date.isoformat(),
                   sort_key=lambda t: t.visit_date),
            Column(self.tr("项目"), lambda t: t.procedure),
            Column(self.tr("牙位/部位"), lambda t: t.site),
            Column(self.tr("医生"), lambda t: t.doctor),
            Column(self.tr("金额"), lambda t: _money(t.amount), sort_key=lambda t: t.amount,
                   align_right=True),
            Column(self.tr("备注"), lambda t: t.notes),
        ], key=lambda t: (t.visit_id, t.procedure, t.site))
        self.ledger = LedgerTable(services)
        self.ledger_model = self.ledger.model
        self.family_model: RecordTableModel[FamilyMember] = RecordTableModel([
            Column(self.tr("姓名"), lambda m: m.name),
            Column(self.tr("关系"), lambda m: relation_label(m.relation)),
            phone_column(self.reveals, self.tr("手机"), lambda m: m.patient_id,
                         lambda m: m.mobile),
            Column(self.tr("下次预约"), lambda m: services.format_datetime(m.next_appointment)),
            Column(self.tr("待复诊"), lambda m: str(m.open_recalls) if m.open_recalls else ""),
        ], key=lambda m: m.patient_id)
        self.care_model: RecordTableModel[CareTaskInfo] = RecordTableModel([
            Column(self.tr("到期"), lambda t: services.format_datetime(t.due_at),
                   sort_key=lambda t: t.due_at),
            Column(self.tr("类型"), lambda t: care_kind_label(t.kind)),
            Column(self.tr("事由"), lambda t: t.title),
            Column(self.tr("状态"), lambda t: self.tr("已到期") if t.status == "due"
                   else self.tr("待到期")),
            Column(self.tr("已拨打"), lambda t: str(t.attempts), align_right=True),
        ], key=lambda t: t.id)
        self.member = MemberTab(services)
        self.member.payment_requested.connect(lambda: self.action_requested.emit("payment"))
        self.views: list[QTableView] = [self.timeline_view]  # columns fitted after each read
        self.tab_pages: dict[str, QWidget] = {
            "medical": self._medical_tab(self.medical),
            "treatments": self._table(self.treatment_model, 5),
            "billing": self.ledger.view,
            "family": self._table(self.family_model, 3),
            "loyalty": self.member,
            "care": self._table(self.care_model, 2),
            "attachments": self._attachments(),
            "notes": self._notes(),
        }
        family_view = self.tab_pages["family"]
        assert isinstance(family_view, QTableView)
        attach(family_view, self.reveals, lambda m: m.patient_id, lambda m: m.mobile,
               phone_column=2)
        self.tab_titles = {"medical": self.tr("病史与过敏"), "treatments": self.tr("治疗记录"),
                           "billing": self.tr("账单"), "family": self.tr("家庭"),
                           "loyalty": self.tr("会员"),
                           "care": self.tr("回访"), "attachments": self.tr("附件"),
                           "notes": self.tr("备注与自定义")}

    # -- building blocks --------------------------------------------------------------
    def _build_timeline_tab(self) -> None:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.timeline_filter = QComboBox()
        self.timeline_filter.addItem(self.tr("全部"), "")
        for kind, label in KIND_LABELS.items():
            self.timeline_filter.addItem(self.tr(str(label)), kind)
        self.timeline_model: RecordTableModel[TimelineEntry] = RecordTableModel([
            Column(self.tr("时间"), lambda e: self.services.format_datetime(e.at)
                   if e.kind != "visit" else f"{self.services.local(e.at):%Y-%m-%d}",
                   sort_key=lambda e: e.at),
            Column(self.tr("类别"), lambda e: self.tr(str(KIND_LABELS.get(e.kind, e.kind)))),
            Column(self.tr("内容"), lambda e: e.title),
            Column(self.tr("详情"), lambda e: e.detail),
            Column(self.tr("金额"), lambda e: _money(e.amount), align_right=True,
                   sort_key=lambda e: e.amount or 0),
        ], key=lambda e: (e.at, e.kind, e.title))
        proxy = SortProxy()
        proxy.setSourceModel(self.timeline_model)
        proxy.setFilterKeyColumn(1)
        self.timeline_proxy = proxy
        self.timeline_filter.currentIndexChanged.connect(
            lambda _i: proxy.setFilterFixedString(
                self.tr(str(KIND_LABELS[self.timeline_filter.currentData()]))
                if self.timeline_filter.currentData() else ""))
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("显示：")))
        row.addWidget(self.timeline_filter)
        row.addStretch(1)
        layout.addLayout(row)
        self.timeline_view = make_table(proxy, stretch_column=3, descending=True)
        layout.addWidget(self.timeline_view)
        self.tabs.addTab(box, self.tr("时间线"))

    def _table(self, model: RecordTableModel, stretch: int) -> QWidget:  # type: ignore[type-arg]
        proxy = SortProxy()
        proxy.setSourceModel(model)
        view = make_table(proxy, stretch_column=stretch, descending=True)
        self._proxies.append(proxy)  # the view does not own its model
        self.views.append(view)
        return view

    def _medical_tab(self, label: QLabel) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(label)
        # "&" in the English text would become a mnemonic underline, not an ampersand.
        self.medical_button = QPushButton(self.tr("编辑病史与过敏").replace("&", "&&"))
        self.medical_button.clicked.connect(lambda: self.action_requested.emit("medical"))
        row = QHBoxLayout()
        row.addWidget(self.medical_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        return box

    def _attachments(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        hint = QLabel(self.tr("把 X 光片、照片或 PDF 拖到这里即可保存；双击用系统程序打开。"))
        hint.setObjectName("pageSubtitle")
        self.attachment_list = QListWidget()
        self.attachment_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.attachment_list.setIconSize(QSize(120, 96))
        self.attachment_list.setGridSize(QSize(150, 140))
        self.attachment_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.attachment_list.itemDoubleClicked.connect(self._open_attachment)
        layout.addWidget(hint)
        layout.addWidget(self.attachment_list)
        return box

    def _notes(self) -> QWidget:
        box = QWidget()
        self.notes_form = QFormLayout(box)
        return box

    # -- data ---------------------------------------------------------------------------
    @property
    def patient_id(self) -> int | None:
        return self.panel.header.patient.id if self.panel is not None else None

    def show_patient(self, patient_id: int) -> bool:
        """A person opens the record (audited, once). False when it could not be opened."""
        opened = self.services.ops.run(lambda ctx: open_panel(ctx, patient_id), parent=self,
                                       initiator=self)
        if opened is None:
            return False
        self.panel = opened
        self._render()
        return True

    def reload(self) -> None:
        """The shown record read again after a change (not a new opening: not audited)."""
        if self.panel is None:
            return
        try:
            self.panel = refresh_panel(self.services.ctx, self.panel.header.patient.id)
        except UserError as error:
            show_error(self, error)
            return
        self._render()

    def _render(self) -> None:
        assert self.panel is not None
        panel, header = self.panel, self.panel.header
        p = header.patient
        sex = {"M": self.tr("男"), "F": self.tr("女")}.get(p.sex or "", "")
        age = self.tr("{0} 岁").format(header.age) if header.age is not None else ""
        self.name.setText(f"{esc(p.name)}  <span style='font-size:11pt;color:#52606D'>"
                          f"{sex} {age} · {esc(p.code)}"
                          + (self.tr(" · 已归档") if p.archived else "") + "</span>")
        full = self.reveals.full(p.id)
        mobile = full.mobile if full is not None else p.mobile
        emergency = full.emergency_phone if full is not None else p.emergency_phone
        link = ""
        if self.reveals.can_reveal(p.id, p.mobile or p.emergency_phone):
            text = self.tr("显示号码")  # outside the markup: lupdate reads no f-string
            link = f" <span style='white-space:nowrap'><a href='reveal'>{esc(text)}</a></span>"
        self.facts.setToolTip(self.tr("显示号码：这位患者的完整手机号和紧急联系电话（记入审计日志）")
                              if link else "")
        facts = [self.tr("手机 {0}").format(mobile) if mobile else self.tr("未留手机")]
        if p.email:
            facts.append(self.tr("邮箱 {0}").format(p.email))
        if header.next_appointment:
            facts.append(self.tr("下次预约 {0}").format(
                self.services.format_datetime(header.next_appointment)))
        if p.source:
            facts.append(self.tr("来源 {0}").format(p.source))
        referrer = " ".join(filter(None, (header.referrer, p.referrer_note)))
        if referrer:
            facts.append(self.tr("介绍人 {0}").format(referrer))
        if header.referred:
            facts.append(self.tr("已介绍 {0} 位").format(header.referred))
        if p.emergency_contact or emergency:
            facts.append(self.tr("紧急联系人 {0}").format(
                " ".join(filter(None, (p.emergency_contact, emergency)))))
        shown = [esc(_held(fact)) for fact in facts]
        shown[0 if p.mobile or not p.emergency_phone else -1] += link  # beside the number
        if header.consent is not None:
            change = self.tr("修改")  # outside the markup: lupdate reads no f-string
            shown.append(esc(_held(self._consent_text(header.consent))) + (
                f" <a href='consent'>{esc(change)}</a>"
                if self.services.can(Permission.PATIENT_EDIT) else ""))
        # pre-wrap: the wide spaces between the facts are kept, as in plain text
        self.facts.setText("<qt style='white-space:pre-wrap'>" + "　".join(shown) + "</qt>")
        if header.balance is not None:
            owed = header.balance.owed
            colour = "#B42318" if owed > 0 else "#067647"
            text = self.tr("欠费 <b style='color:{0}'>{1}</b>　储值余额 <b>{2}</b>　积分 {3}")
            text = text.format(colour, _money(owed), _money(header.balance.stored_value),
                               p.member_points)
            if header.balance.credit > 0:  # paid beyond the charges: spent by the next ones
                text = self.tr("欠费 <b style='color:{0}'>{1}</b>　预存 <b style='color:#067647'>"
                               "{2}</b>　储值余额 <b>{3}</b>　积分 {4}").format(
                    colour, _money(owed), _money(header.balance.credit),
                    _money(header.balance.stored_value), p.member_points)
            self.money.setText(text)
            self.money.show()
        else:
            self.money.hide()
        self.allergy.setVisible(bool(header.allergy_text))
        self.allergy.setText(self.tr("⚠ 过敏：{0}").format(header.allergy_text))
        while self.tags.count():
            item = self.tags.takeAt(0)
            chip = item.widget() if item is not None else None
            if chip is not None:
                # Hidden at once: deleteLater waits for the event loop, and a chip left
                # visible outside the layout would cover the panel until then.
                chip.hide()
                chip.deleteLater()
        if p.member_tier:
            self.tags.addWidget(tier_chip(p.member_tier, header.tier_colour))
        for tag in header.tags:
            chip = plain_label(tag.name)
            chip.setObjectName("tagChip")
            chip.setStyleSheet(f"background:{tag.colour};")
            self.tags.addWidget(chip)
        self.timeline_model.replace(panel.timeline)
        self._render_tabs()
        for view in self.views:
            fit_columns(view)
        self.buttons["archive"].setText(self.tr("取消归档") if p.archived else self.tr("归档"))
        self.buttons["book"].setVisible(self.services.can(Permission.APPOINTMENT_EDIT))
        self.buttons["merge"].setVisible(self.services.can(Permission.PATIENT_MERGE))
        self.buttons["archive"].setVisible(self.services.can(Permission.PATIENT_ARCHIVE))
        self.buttons["payment"].setVisible(self.services.can(Permission.BILLING_EDIT))
        self.buttons["ledger"].setVisible(self.services.can(Permission.BILLING_EDIT))
        self.medical_button.setVisible(self.services.can(Permission.CLINICAL_EDIT))

    def _render_tabs(self) -> None:
        assert self.panel is not None
        panel = self.panel
        current = self.tabs.currentWidget()  # a refresh keeps the tab the person was on
        while self.tabs.count() > 1:
            self.tabs.removeTab(1)
        for key, page in self.tab_pages.items():
            if key in panel.sections or key == "family" \
                    or (key == "loyalty" and "billing" in panel.sections):
                # "History & allergies": a tab reads a lone "&" as a shortcut marker.
                self.tabs.addTab(page, self.tab_titles[key].replace("&", "&&"))
        if current is not None and self.tabs.indexOf(current) >= 0:
            self.tabs.setCurrentWidget(current)
        if panel.medical is not None and "medical" in panel.sections:
            m = panel.medical
            rows = [(self.tr("过敏"), m.allergy_text or self.tr("无")),
                    (self.tr("慢性病"), m.conditions), (self.tr("既往史"), m.past_history),
                    (self.tr("家族史"), m.family_history), (self.tr("主诉"), m.chief_complaint)]
            self.medical.setText("<table cellpadding=6>" + "".join(
                f"<tr><td style='color:#52606D'>{k}</td><td>{esc_lines(v or '—')}</td></tr>"
                for k, v in rows) + "</table>")
        self.treatment_model.replace(panel.treatments)
        if "billing" in panel.sections:
            self.ledger.show_entries(panel.ledger)
        self.family_model.replace(panel.family)
        if "billing" in panel.sections:
            self.member.show_patient(panel.header.patient.id, panel.family)
        self.care_model.replace(panel.care)
        self.attachment_list.clear()
        for attachment in panel.attachments:
            self.attachment_list.addItem(self._attachment_item(attachment))
        while self.notes_form.rowCount():
            self.notes_form.removeRow(0)
        self.notes_form.addRow(self.tr("备注"), plain_label(panel.header.patient.notes or "—"))
        for name, value in panel.custom_values:
            # addRow(str, ...) would make an AutoText label of the stored field name.
            self.notes_form.addRow(plain_label(name), plain_label(value))

    def _attachment_item(self, attachment: AttachmentInfo) -> QListWidgetItem:
        icon = QIcon()
        if attachment.is_image:
            pixmap = QPixmap()
            # Read through the service: the stored file is encrypted in an encrypted clinic. A
            # missing or unreadable file gets the plain file icon; the list still shows it.
            with contextlib.suppress(UserError):
                pixmap.loadFromData(self.services.call(attachment_content, attachment.id))
            if not pixmap.isNull():
                icon = QIcon(pixmap.scaled(120, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        if icon.isNull():
            icon = self.style().standardIcon(self.style().StandardPixmap.SP_FileIcon)
        item = QListWidgetItem(icon, attachment.caption or attachment.original_name)
        item.setData(Qt.ItemDataRole.UserRole, attachment)
        item.setToolTip(rich_plain(f"{attachment.original_name}\n{attachment.size // 1024} KB"))
        return item

    def _open_attachment(self, item: QListWidgetItem) -> None:
        """The system's viewer on a plain copy under the file's own name (see
        ``viewable_copy``)."""
        try:
            copy = self.services.call(viewable_copy, item.data(Qt.ItemDataRole.UserRole).id)
        except UserError as error:
            QMessageBox.warning(self, self.tr("打开附件"), rich_plain(error.message))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    # -- the masked numbers ------------------------------------------------------------
    def _consent_text(self, consent: Consent) -> str:
        if consent.opted_out is not None or consent.opt_out_tag:
            return self.tr("消息：已拒收全部")
        agreed = [channel_label(c) for c in CHANNELS if consent.state(c) is True]
        refused = [channel_label(c) for c in CHANNELS if consent.state(c) is False]
        parts, comma = [], self.tr("、")
        if agreed:
            parts.append(self.tr("同意{0}").format(comma.join(agreed)))
        if refused:
            parts.append(self.tr("拒收{0}").format(comma.join(refused)))
        return self.tr("消息：{0}").format(self.tr("，").join(parts) if parts
                                         else self.tr("未登记"))

    def _link(self, link: str) -> None:
        if link == "consent":
            self.action_requested.emit("consent")
        else:
            self.reveal_contact()

    def reveal_contact(self) -> None:
        """The "显示号码" link: this patient's numbers in full, audited."""
        if self.panel is not None:
            self.reveals.reveal(self.panel.header.patient.id, self)

    def _revealed(self, patient_id: int) -> None:
        if self.panel is not None and patient_id == self.panel.header.patient.id:
            self._render()

    # -- drag and drop ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self.panel is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.attach_files(paths)
        event.acceptProposedAction()

    def attach_files(self, paths: list[Path]) -> None:
        """Files dropped on the panel: one operation (the panel refreshes from its change)."""
        if self.panel is None or not paths:
            return
        pid = self.panel.header.patient.id

        def attach(ctx: Context) -> None:
            for path in paths:
                add_attachment(ctx, pid, path)

        self.services.ops.run(attach, parent=self, initiator=self)
        self.tabs.setCurrentWidget(self.tab_pages["attachments"])
