"""审计日志: the latest audit entries, a filter, and the hash-chain check."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QStyle, QVBoxLayout, QWidget

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.permissions import Permission
from clinic_desktop.services.audit import AuditRecord, check_chain, recent_entries
from ui.app_services import AppServices
from ui.pages import PageSpec
from ui.widgets.common import button_row, make_table, page_header
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

PAGE_SIZE = 500


class AuditPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(
            self.tr("审计日志"),
            self.tr("每一次修改和每一次查看患者档案都会记录在这里，记录之间以哈希链相连，无法悄悄改动。")))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("筛选：用户、操作、对象或摘要"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(320)
        self.verify_button = QPushButton(self.tr("校验哈希链"))
        self.verify_button.clicked.connect(self.verify)
        self.result = QLabel()
        self.result.setObjectName("chainResult")
        layout.addLayout(button_row(self.filter, self.verify_button, self.result))
        self.model: RecordTableModel[AuditRecord] = RecordTableModel([
            Column(self.tr("编号"), lambda e: str(e.id), sort_key=lambda e: e.id,
                   align_right=True),
            Column(self.tr("时间"), lambda e: services.format_datetime(e.at),
                   sort_key=lambda e: e.at),
            Column(self.tr("用户"), lambda e: e.username),
            Column(self.tr("操作"), lambda e: e.action),
            Column(self.tr("对象"), lambda e: f"{e.entity} {e.entity_id or ''}".strip()),
            Column(self.tr("摘要"), lambda e: e.summary),
        ], key=lambda e: e.id)
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = make_table(self.proxy, stretch_column=5, descending=True)
        layout.addWidget(self.view, 1)
        services.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        # Every change is audited: reload only when someone is looking at the log.
        if changes.touches(Area.AUDIT) and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self.model.replace(recent_entries(self.services.ctx, limit=PAGE_SIZE))
        for column in range(5):
            self.view.resizeColumnToContents(column)

    def verify(self) -> None:
        report = check_chain(self.services.ctx)
        if report.ok:
            self.result.setText(self.tr("✔ 哈希链完整（{0} 条记录）").format(report.entries))
            self.result.setProperty("state", "ok")
        else:
            self.result.setText(self.tr("✘ 第 {0} 条记录被改动").format(report.first_bad_id))
            self.result.setProperty("state", "bad")
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)


SPEC = PageSpec(
    key="audit", title=lambda: QCoreApplication.translate("AuditPage", "审计日志"),
    icon=QStyle.StandardPixmap.SP_FileDialogContentsView, permission=Permission.AUDIT_VIEW,
    factory=AuditPage, order=950,
)
