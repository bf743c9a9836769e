"""审计日志: who did what to which patient, in words; filters, export, and the chain check.

The page reads only while it is shown (every change is audited: reloading a hidden log after
each save would be work nobody sees) and again on changes while it is shown.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, QPersistentModelIndex, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.permissions import Permission
from clinic_desktop.services import exports
from clinic_desktop.services.audit import ChainReport, check_chain
from clinic_desktop.services.audit_log import AuditFilter, AuditRow, known_actions, list_entries
from clinic_desktop.services.staff import list_staff
from ui.app_services import AppServices
from ui.errors import show_error
from ui.pages import PageSpec
from ui.widgets.common import make_table, page_header
from ui.widgets.job_progress import JobProgress
from ui.widgets.rich_text import plain_label, rich_plain
from ui.widgets.table_model import RECORD_ROLE, Column, RecordTableModel, SortProxy

PAGE_SIZE = 500
Index = QModelIndex | QPersistentModelIndex


class AuditPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(
            self.tr("审计日志"),
            self.tr("每一次修改和每一次查看患者档案都会记录在这里，记录之间以哈希链相连，无法悄悄改动。")))
        layout.addLayout(self._filters())

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("在结果中查找：用户、操作、患者或摘要"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setMinimumWidth(320)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.clicked.connect(self.export)
        self.verify_button = QPushButton(self.tr("校验哈希链"))
        self.verify_button.clicked.connect(self.verify)
        self.result = QLabel()
        self.result.setObjectName("chainResult")
        actions = QHBoxLayout()
        actions.addWidget(self.filter)
        actions.addStretch(1)
        actions.addWidget(self.result)
        actions.addWidget(self.export_button)
        actions.addWidget(self.verify_button)
        layout.addLayout(actions)
        self.progress = JobProgress()
        layout.addWidget(self.progress)

        self.model: RecordTableModel[AuditRow] = RecordTableModel([
            Column(self.tr("编号"), lambda e: str(e.id), sort_key=lambda e: e.id,
                   align_right=True),
            Column(self.tr("时间"), lambda e: services.format_datetime(e.at),
                   sort_key=lambda e: e.at),
            Column(self.tr("用户"), lambda e: e.person, tooltip=lambda e: e.username),
            Column(self.tr("操作"), lambda e: e.action_label, tooltip=lambda e: e.action),
            Column(self.tr("患者"), lambda e: e.patient),
            Column(self.tr("对象"), lambda e: e.target),
            Column(self.tr("摘要"), lambda e: e.summary, tooltip=lambda e: e.summary),
        ], key=lambda e: e.id)
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = make_table(self.proxy, stretch_column=6, descending=True)
        self.view.setWordWrap(False)
        self.view.doubleClicked.connect(self._open_patient)
        layout.addWidget(self.view, 1)
        self.status = plain_label()  # names an exported file
        self.status.setObjectName("pageSubtitle")
        # However long the file's name, the page keeps its width (it fits a 1280 screen).
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.status)
        self._patient_timer = QTimer(self)
        self._patient_timer.setSingleShot(True)
        self._patient_timer.setInterval(400)
        self._patient_timer.timeout.connect(self.refresh)
        self._fill_people()
        services.changed.connect(self._on_changed)

    # -- filters -----------------------------------------------------------------------
    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.period = QComboBox()
        for key, text in (("all", self.tr("全部时间")), ("today", self.tr("今天")),
                          ("7", self.tr("最近 7 天")), ("30", self.tr("最近 30 天")),
                          ("custom", self.tr("指定日期…"))):
            self.period.addItem(text, key)
        today = self._today()
        self.start = QDateEdit(QDate(today.year, today.month, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self._filters_changed())
            edit.hide()
        self.dash = QLabel("–")
        self.dash.hide()
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.person = QComboBox()
        self.person.setMinimumContentsLength(8)
        self.person.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.person.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.patient = QLineEdit()
        self.patient.setPlaceholderText(self.tr("病历号、姓名或手机号"))
        self.patient.setClearButtonEnabled(True)
        self.patient.setMinimumWidth(190)
        self.patient.textChanged.connect(lambda _t: self._patient_timer.start())
        self.patient.returnPressed.connect(self.refresh)
        self.action = QComboBox()
        self.action.addItem(self.tr("全部操作"), "")
        for action, label in known_actions():
            self.action.addItem(label, action)
        self.action.setMinimumContentsLength(10)
        self.action.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.action.setMaxVisibleItems(20)
        self.action.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.clear_button = QPushButton(self.tr("清除筛选"))
        self.clear_button.clicked.connect(self.clear_filters)
        parts: list[tuple[str | None, QWidget]] = [
            (self.tr("时间"), self.period), (None, self.start), (None, self.dash),
            (None, self.end), (self.tr("人员"), self.person), (self.tr("患者"), self.patient),
            (self.tr("操作"), self.action)]
        for caption, widget in parts:
            if caption is not None:
                row.addSpacing(8)
                row.addWidget(QLabel(caption))
            row.addWidget(widget)
        row.addWidget(self.clear_button)
        row.addStretch(1)
        return row

    def _today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def _period_changed(self) -> None:
        custom = self.period.currentData() == "custom"
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(custom)
        self._filters_changed()

    def _fill_people(self) -> None:
        chosen = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem(self.tr("全部人员"), "")
        for staff in self.services.call(list_staff):
            self.person.addItem(self.tr("{0}（{1}）").format(staff.display_name, staff.username),
                                staff.username)
        self.person.addItem(self.tr("系统（自动任务）"), "system")
        self.person.setCurrentIndex(max(0, self.person.findData(chosen or "")))
        self.person.blockSignals(False)

    def current_filter(self) -> AuditFilter:
        today = self._today()
        period = self.period.currentData()
        start: date | None = None
        end: date | None = None
        if period == "today":
            start = end = today
        elif period in ("7", "30"):
            start, end = today - timedelta(days=int(period) - 1), today
        elif period == "custom":
            start = self.start.date().toPython()  # type: ignore[assignment]
            end = self.end.date().toPython()  # type: ignore[assignment]
        return AuditFilter(start=start, end=end, username=self.person.currentData() or None,
                           patient=self.patient.text().strip(),
                           action=self.action.currentData() or None)

    def clear_filters(self) -> None:
        for combo in (self.period, self.person, self.action):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.patient.blockSignals(True)
        self.patient.clear()
        self.patient.blockSignals(False)
        self.filter.clear()
        self._period_changed()

    def _filters_changed(self) -> None:
        if self.isVisible():
            self.refresh()

    # -- loading -----------------------------------------------------------------------
    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches(Area.STAFF):
            self._fill_people()
        # Every change is audited: reload only when someone is looking at the log.
        if changes.touches(Area.AUDIT) and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self._patient_timer.stop()
        chosen = self.current_filter()
        if chosen.start and chosen.end and chosen.end < chosen.start:
            self.status.setText(self.tr("结束日期早于开始日期。"))
            return
        rows = self.services.call(list_entries, chosen, limit=PAGE_SIZE)
        self.model.replace(rows)
        for column in range(6):
            self.view.resizeColumnToContents(column)
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 220))
        if len(rows) >= PAGE_SIZE:
            self.status.setText(self.tr(
                "显示最新的 {0} 条。缩小时间、人员、患者或操作的范围可看到更早的记录；"
                "导出 Excel 包含全部符合条件的记录。").format(PAGE_SIZE))
        else:
            self.status.setText(self.tr("共 {0} 条记录。").format(len(rows)))

    def _open_patient(self, index: Index) -> None:
        record = index.data(RECORD_ROLE)
        if isinstance(record, AuditRow) and record.patient_id is not None \
                and record.patient_name is not None:
            self.services.request_patient(record.patient_id)

    # -- export and check --------------------------------------------------------------
    def export(self) -> None:
        chosen = self.current_filter()
        suggested = self.tr("审计日志-{0}.xlsx").format(f"{self._today():%Y%m%d}")
        name, _filter = QFileDialog.getSaveFileName(self, self.tr("导出审计日志"), suggested,
                                                    "Excel (*.xlsx)")
        if not name:
            return
        path = Path(name if name.lower().endswith(".xlsx") else name + ".xlsx")
        self.export_button.setEnabled(False)

        def done(rows: int) -> None:
            self.export_button.setEnabled(True)
            self.status.setText(self.tr("已导出 {0} 条记录：{1}").format(rows, path.name))

        def ended() -> None:
            self.export_button.setEnabled(True)
            self.status.setText(self.tr("已取消导出。"))

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            show_error(self, error)

        self.progress.run(
            self.services.ops,
            lambda ctx, job: exports.export_audit_log(ctx, path, audit_filter=chosen,
                                                      progress=job),
            text=self.tr("正在导出审计日志…"), parent=self, on_done=done,
            on_cancelled=ended, on_error=failed)

    def verify(self) -> None:
        """The whole chain is read: on the worker, so a long log does not freeze the window."""
        self.verify_button.setEnabled(False)
        self.result.setText(self.tr("正在校验…"))
        self.result.setProperty("state", "")
        ctx = self.services.ctx

        def failed(error: BaseException) -> None:
            self.verify_button.setEnabled(True)
            self.result.clear()
            show_error(self, error)

        self.services.tasks.run(lambda: check_chain(ctx), on_done=self._checked,
                                on_error=failed)

    def _checked(self, report: ChainReport) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            self.result.setText(self.tr("✔ 哈希链完整（{0} 条记录）").format(report.entries))
            self.result.setProperty("state", "ok")
        else:
            self.result.setText(self.tr("✘ 第 {0} 条记录被改动").format(report.first_bad_id)
                                if report.first_bad_id is not None
                                else self.tr("✘ 发现问题"))
            self.result.setToolTip(rich_plain("\n".join(report.findings)))
            self.result.setProperty("state", "bad")
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)


SPEC = PageSpec(
    key="audit", title=lambda: QCoreApplication.translate("AuditPage", "审计日志"),
    icon=QStyle.StandardPixmap.SP_FileDialogContentsView, permission=Permission.AUDIT_VIEW,
    factory=AuditPage, order=950,
)
