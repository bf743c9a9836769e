"""导入导出: the import wizard, the history of imports (error reports, undo) and Excel exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.services import exports, import_batches
from clinic_desktop.services.import_batches import BatchInfo
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.dialogs.import_wizard import ImportWizard
from ui.errors import show_error
from ui.pages import PageSpec
from ui.tasks import Job
from ui.widgets.common import make_table, page_header, select_first, selected_record
from ui.widgets.job_progress import JobProgress
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import Column, RecordTableModel, SortProxy


class DateRangeDialog(Dialog):
    """From and to, defaulting to this month so far."""

    def __init__(self, title: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.add_heading(title)
        form = QFormLayout()
        self.start = QDateEdit(QDate(today.year, today.month, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("从"), self.start)
        form.addRow(self.tr("到"), self.end)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.add_buttons(self.tr("导出"), self._check)

    def _check(self) -> None:
        if self.end.date() < self.start.date():
            self.error_label.setText(self.tr("结束日期早于开始日期。"))
            self.error_label.show()
            return
        self.accept()

    def dates(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]


class ImportPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("导入导出"), self.tr(
            "把诊所原来的 Excel 档案导入进来（可试运行、可撤销），"
            "或把患者、预约、就诊和账目导出为 Excel。")))
        can_import = services.can(Permission.IMPORT_RUN)
        can_export = services.can(Permission.EXPORT_RUN)
        top = QHBoxLayout()
        self.import_button = QPushButton(self.tr("导入 Excel…"))
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.open_wizard)
        self.template_button = QPushButton(self.tr("下载导入模板…"))
        self.template_button.clicked.connect(self.save_template)
        for button in (self.import_button, self.template_button):
            button.setVisible(can_import)
            top.addWidget(button)
        top.addSpacing(24)
        self.export_buttons: dict[str, QPushButton] = {}
        for key, text in (("patients", self.tr("导出患者…")),
                          ("appointments", self.tr("导出预约…")),
                          ("visits", self.tr("导出就诊…")), ("ledger", self.tr("导出账目…"))):
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, k=key: self.export(k))
            button.setVisible(can_export)
            self.export_buttons[key] = button
            top.addWidget(button)
        top.addStretch(1)
        layout.addLayout(top)
        self.status = plain_label()  # names the chosen file
        self.status.setObjectName("pageSubtitle")
        # However long the file's name, the page keeps its width (it fits a 1280 screen).
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.status)
        self.progress = JobProgress()  # an export, an error report or an undo on the worker
        layout.addWidget(self.progress)
        history = QLabel(self.tr("导入记录"))
        history.setObjectName("sectionTitle")
        layout.addWidget(history)
        self.model: RecordTableModel[BatchInfo] = RecordTableModel([
            Column(self.tr("批次"), lambda b: str(b.id), sort_key=lambda b: b.id,
                   align_right=True),
            Column(self.tr("时间"), lambda b: services.format_datetime(b.started_at),
                   sort_key=lambda b: b.started_at),
            Column(self.tr("文件"), lambda b: b.file_name),
            Column(self.tr("工作表"), lambda b: b.sheet),
            Column(self.tr("操作人"), lambda b: b.staff),
            Column(self.tr("新患者"), lambda b: str(b.patients_created),
                   sort_key=lambda b: b.patients_created, align_right=True),
            Column(self.tr("合并"), lambda b: str(b.patients_merged),
                   sort_key=lambda b: b.patients_merged, align_right=True),
            Column(self.tr("就诊"), lambda b: str(b.visits_created),
                   sort_key=lambda b: b.visits_created, align_right=True),
            Column(self.tr("拒绝行"), lambda b: str(b.rows_rejected),
                   sort_key=lambda b: b.rows_rejected, align_right=True,
                   colour=lambda b: "#B42318" if b.rows_rejected else None),
            Column(self.tr("状态"), lambda b: self.tr("已撤销") if b.undone_at else self.tr("有效"),
                   colour=lambda b: "#8A8F98" if b.undone_at else None),
        ], key=lambda b: b.id)
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        self.view = make_table(self.proxy, stretch_column=2, descending=True)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        layout.addWidget(self.view, 1)
        self.empty = QLabel(self.tr("还没有导入过文件。点“导入 Excel…”选择诊所原来的档案，"
                                    "或先下载导入模板照着填写。"))
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty, 1)
        actions = QHBoxLayout()
        self.report_button = QPushButton(self.tr("保存错误报告…"))
        self.report_button.clicked.connect(self.save_report)
        self.undo_button = QPushButton(self.tr("撤销此次导入…"))
        self.undo_button.clicked.connect(self.undo)
        actions.addWidget(self.report_button)
        actions.addWidget(self.undo_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.history_visible = can_import
        for widget in (history, self.view, self.empty, self.report_button, self.undo_button):
            widget.setVisible(can_import)
        services.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches(Area.IMPORTS):
            self.refresh()

    def refresh(self) -> None:
        if self.history_visible:
            self.model.replace(self.services.call(import_batches.list_batches))
            has_history = self.model.rowCount() > 0
            self.view.setVisible(has_history)
            self.empty.setVisible(not has_history)
            for column in (0, 1, 3, 4):
                self.view.resizeColumnToContents(column)
            if not self.view.selectionModel().hasSelection():
                select_first(self.view)
        self._selection()

    def _selection(self) -> None:
        batch = selected_record(self.view)
        idle = not self.progress.busy
        if isinstance(batch, BatchInfo):
            self.report_button.setEnabled(idle and batch.rows_rejected > 0)
            self.undo_button.setEnabled(idle and batch.undone_at is None)
        else:
            self.report_button.setEnabled(False)
            self.undo_button.setEnabled(False)

    def _today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def open_wizard(self) -> None:
        ImportWizard(self.services, self).exec()  # the history refreshes from ``changed``

    def _save_path(self, title: str, suggested: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(self, title, suggested, "Excel (*.xlsx)")
        if not path:
            return None
        return Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def _busy(self, busy: bool) -> None:
        for button in (*self.export_buttons.values(), self.import_button):
            button.setEnabled(not busy)
        if busy:
            self.report_button.setEnabled(False)
            self.undo_button.setEnabled(False)
        else:
            self._selection()

    def _run(self, work: Callable[[Context, Job], Any], text: str,
             done: Callable[[Any], None]) -> None:
        """Long work on the worker with the progress strip; the page's buttons wait for it."""
        self.status.setText("")
        self._busy(True)

        def finished(result: Any) -> None:
            self._busy(False)
            done(result)

        def cancelled() -> None:
            self._busy(False)
            self.status.setText(self.tr("已取消，没有写入任何内容。"))

        def failed(error: BaseException) -> None:
            self._busy(False)
            show_error(self, error)

        self.progress.run(self.services.ops, work, text=text, parent=self, on_done=finished,
                          on_cancelled=cancelled, on_error=failed)

    def _export_to(self, work: Callable[[Context, Job], int], path: Path) -> None:
        self._run(work, self.tr("正在导出…"), lambda rows: self.status.setText(
            self.tr("已导出 {0} 行：{1}").format(rows, path.name)))

    def save_template(self) -> None:
        path = self._save_path(self.tr("保存导入模板"), "患者导入模板.xlsx")
        if path is not None:
            try:
                exports.write_import_template(path)
            except Exception as error:  # noqa: BLE001 - shown to the user, logged by show_error
                show_error(self, error)
                return
            self.status.setText(self.tr("已保存导入模板：{0}").format(path.name))

    def export(self, kind: str) -> None:
        today = self._today()
        if kind == "patients":
            target = self._save_path(self.tr("导出患者"), f"患者-{today:%Y%m%d}.xlsx")
            if target is not None:
                self._export_to(lambda ctx, job: exports.export_patients(
                    ctx, target, progress=job), target)
            return
        titles = {"appointments": self.tr("导出预约"), "visits": self.tr("导出就诊"),
                  "ledger": self.tr("导出账目")}
        dialog = DateRangeDialog(titles[kind], today, self)
        if not dialog.exec():
            return
        start, end = dialog.dates()
        names = {"appointments": "预约", "visits": "就诊", "ledger": "账目"}
        path = self._save_path(titles[kind], f"{names[kind]}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
        if path is None:
            return
        export = {"appointments": exports.export_appointments, "visits": exports.export_visits,
                  "ledger": exports.export_ledger}[kind]
        self._export_to(lambda ctx, job: export(ctx, path, start=start, end=end, progress=job),
                        path)

    def save_report(self) -> None:
        batch = selected_record(self.view)
        if not isinstance(batch, BatchInfo):
            return
        path = self._save_path(self.tr("保存错误报告"),
                               f"{Path(batch.file_name).stem}-未导入的行.xlsx")
        if path is None:
            return

        def write(ctx: Context, _job: Job) -> int:  # a large batch has many thousand rows
            stored = import_batches.batch_problems(ctx, batch.id)
            return exports.write_error_report(path, stored.errors, header=stored.header,
                                              originals=stored.originals)

        self._export_to(write, path)

    def undo(self) -> None:
        batch = selected_record(self.view)
        if not isinstance(batch, BatchInfo):
            return
        answer = QMessageBox.question(self, self.tr("撤销此次导入"), self.tr(
            "将删除批次 {0}（{1}）新建的 {2} 位患者和 {3} 条就诊记录，并还原被合并患者的资料。"
            "确定撤销吗？").format(batch.id, batch.file_name, batch.patients_created,
                                  batch.visits_created))
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(result: import_batches.UndoSummary) -> None:
            self.status.setText(self.tr("已撤销批次 {0}：删除 {1} 位患者、{2} 条就诊。").format(
                batch.id, result.patients_removed, result.visits_removed))

        self._run(lambda ctx, job: import_batches.undo_import(ctx, batch.id, progress=job),
                  self.tr("正在撤销导入…"), done)


SPEC = PageSpec(
    key="import", title=lambda: QCoreApplication.translate("ImportPage", "导入导出"),
    icon=QStyle.StandardPixmap.SP_DialogSaveButton, permission=Permission.EXPORT_RUN,
    factory=ImportPage, order=870,
)
