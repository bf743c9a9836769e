"""投诉: the clinic-wide complaints queue (open ones oldest first), resolved from here with
what was done (``engagement.update_feedback``, audited) — independent of the period."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services import engagement
from clinic_desktop.services.insight.complaints import (
    ComplaintQueue,
    ComplaintRow,
    complaints,
)
from clinic_desktop.services.insight.report_tables import ReportTable
from ui.app_services import AppServices
from ui.dialogs.patient_actions import ActionDialog, Operation
from ui.pages.dashboard.lazy_tab import LazyTab
from ui.widgets.common import make_table, selected_record
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import Column, RecordTableModel, SortProxy


def status_text(status: str) -> str:
    def tr(text: str) -> str:
        # lupdate files a free function's tr() under the empty context: looked up there.
        return QCoreApplication.translate("", text)

    return {"open": tr("待处理"), "handling": tr("处理中"),
            "resolved": tr("已解决")}.get(status, status)


class ResolveComplaintDialog(ActionDialog):
    """处理投诉: being handled, or resolved with what was done (required)."""

    def __init__(self, services: AppServices, row: ComplaintRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("处理投诉"), services, parent)
        self.row = row
        complaint = plain_label(row.complaint)
        complaint.setWordWrap(True)
        self.status = QComboBox()
        self.status.addItem(self.tr("已解决"), "resolved")
        self.status.addItem(self.tr("处理中"), "handling")
        self.resolution = QPlainTextEdit(row.resolution)
        self.resolution.setPlaceholderText(self.tr("例如：已电话致歉，下次就诊免挂号费"))
        self.resolution.setFixedHeight(90)
        self.form.addRow(self.tr("患者"), plain_label(f"{row.name}（{row.code}）"))
        self.form.addRow(self.tr("投诉内容"), complaint)
        self.form.addRow(self.tr("状态"), self.status)
        self.form.addRow(self.tr("处理结果"), self.resolution)
        self.fields = {"status": self.status, "resolution": self.resolution}
        self.finish(self.tr("保存"))

    def operation(self) -> Operation:
        fid, status = self.row.feedback_id, str(self.status.currentData())
        resolution = self.resolution.toPlainText()
        return lambda ctx: engagement.update_feedback(ctx, fid, status=status,
                                                      resolution=resolution)


class ComplaintsTab(LazyTab):
    def __init__(self, services: AppServices,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__(services, on_error)
        self.state = QComboBox()
        for text, state in ((self.tr("未解决"), "open"), (self.tr("已解决"), "resolved"),
                            (self.tr("全部"), "all")):
            self.state.addItem(text, state)
        self.count = plain_label("")
        self.resolve_button = QPushButton(self.tr("处理…"))
        self.open_button = QPushButton(self.tr("打开患者"))
        self.resolve_button.setEnabled(services.can(Permission.PATIENT_EDIT))
        bar = QHBoxLayout()
        bar.addWidget(plain_label(self.tr("状态")))
        bar.addWidget(self.state)
        bar.addWidget(self.count, 1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.resolve_button)
        local = services.format_datetime
        columns = [
            Column[ComplaintRow](self.tr("日期"), lambda r: local(r.at), sort_key=lambda r: r.at),
            Column[ComplaintRow](self.tr("编号"), lambda r: r.code),
            Column[ComplaintRow](self.tr("姓名"), lambda r: r.name),
            Column[ComplaintRow](self.tr("电话"), lambda r: r.phone or ""),
            Column[ComplaintRow](self.tr("满意度"), lambda r: "" if r.satisfaction is None
                                 else str(r.satisfaction), align_right=True),
            Column[ComplaintRow](self.tr("投诉内容"), lambda r: r.complaint,
                                 tooltip=lambda r: r.complaint),
            Column[ComplaintRow](self.tr("状态"), lambda r: status_text(r.status)),
            Column[ComplaintRow](self.tr("处理结果"), lambda r: r.resolution,
                                 tooltip=lambda r: r.resolution),
        ]
        self.model = RecordTableModel[ComplaintRow](columns, key=lambda r: r.feedback_id)
        proxy = SortProxy()
        proxy.setSourceModel(self.model)
        self.view = make_table(proxy, stretch_column=5, sort_column=-1)
        self.view.doubleClicked.connect(lambda _i: self.resolve())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.state.currentIndexChanged.connect(self.reload)
        self.resolve_button.clicked.connect(self.resolve)
        self.open_button.clicked.connect(self.open_patient)
        self.last_dialog: ResolveComplaintDialog | None = None

    def load(self, period: Period, *, force: bool = False) -> None:
        # the queue is the clinic's now, whatever the period: read once, then on changes
        if self.loaded_for is None or force:
            super().load(period, force=True)

    def reload(self) -> None:
        if self.loaded_for is not None:
            self.load(self.loaded_for, force=True)

    def read(self, ctx: Context, period: Period) -> ComplaintQueue:
        return complaints(ctx, state=str(self.state.currentData()))

    def show_data(self, data: object) -> None:
        assert isinstance(data, ComplaintQueue)
        self.model.replace(list(data.rows))
        self.view.resizeColumnsToContents()
        self.count.setText(self.tr("共 {n} 条").replace("{n}", str(data.total)))

    def selected(self) -> ComplaintRow | None:
        row = selected_record(self.view)
        return row if isinstance(row, ComplaintRow) else None

    def resolve(self) -> None:
        row = self.selected()
        if row is None or not self.resolve_button.isEnabled():
            return
        dialog = ResolveComplaintDialog(self.services, row, self)
        dialog.accepted.connect(self.reload)
        self.last_dialog = dialog
        dialog.open()

    def open_patient(self) -> None:
        row = self.selected()
        if row is not None:
            self.services.request_patient(row.patient_id)

    def tables(self) -> list[ReportTable]:
        return []  # a work queue, not a figure: exported from the patient lists
