"""The wizard's shell: the step bar, the stack of steps, Back/Next/Close, and the flow from
one step to the next. Each step is its own module; the long work they start runs through
``WizardWork`` (the worker, the progress bar, Cancel)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QWidget,
)

from clinic_desktop.services import import_balances, import_values, imports
from clinic_desktop.services.import_balances import TierPreview
from clinic_desktop.services.import_values import ValuesPreview
from clinic_desktop.services.imports import FilePreview, ImportRequest, ImportSummary
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.dialogs.import_wizard.done_step import DoneStep
from ui.dialogs.import_wizard.dry_run_step import DryRunStep
from ui.dialogs.import_wizard.file_step import FileStep
from ui.dialogs.import_wizard.header_step import HeaderStep
from ui.dialogs.import_wizard.mapping_step import MappingStep
from ui.dialogs.import_wizard.run_step import RunStep
from ui.dialogs.import_wizard.values_step import ValuesStep
from ui.dialogs.import_wizard.work import WizardWork
from ui.tasks import Cancelled, Job

FILE, HEADER, MAPPING, VALUES, DRY_RUN, RUNNING, DONE = range(7)


class ImportWizard(Dialog):
    geometry_key = "import_wizard"
    STEPS = (QT_TRANSLATE_NOOP("ImportWizard", "选择文件"),
             QT_TRANSLATE_NOOP("ImportWizard", "确认表头"),
             QT_TRANSLATE_NOOP("ImportWizard", "对应列"),
             QT_TRANSLATE_NOOP("ImportWizard", "对应值"),
             QT_TRANSLATE_NOOP("ImportWizard", "试运行"),
             QT_TRANSLATE_NOOP("ImportWizard", "导入"), QT_TRANSLATE_NOOP("ImportWizard", "完成"))

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        title = QCoreApplication.translate("ImportWizard", "导入 Excel 旧档案")
        super().__init__(title, parent)
        self.services = services
        self.preview: FilePreview | None = None
        self.summary: ImportSummary | None = None
        self.dry: ImportSummary | None = None
        self.setAcceptDrops(True)
        self._fit_size(1040, 600)
        self.steps = QHBoxLayout()
        self.step_labels: list[QLabel] = []
        for number, name in enumerate(self.STEPS, start=1):
            label = QLabel(f"{number}  {self.tr(str(name))}")
            label.setObjectName("wizardStep")
            self.steps.addWidget(label)
            self.step_labels.append(label)
        self.steps.addStretch(1)
        self.body.addLayout(self.steps)
        self.stack = QStackedWidget()
        self.body.addWidget(self.stack, 1)
        self.body.addWidget(self.error_label)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.body.addWidget(self.progress)
        self.work = WizardWork(services, self.progress, self.error_label, self)
        self.work.busy_changed.connect(self._update_next)

        self.file_step = FileStep()
        self.file_step.chosen.connect(self.open_file)
        self.header_step = HeaderStep()
        self.mapping_step = MappingStep(services)
        self.mapping_step.changed.connect(self._mapping_changed)
        self.values_step = ValuesStep(services)
        self.values_step.changed.connect(self._mapping_changed)
        self.dry_run_step = DryRunStep()
        self.run_step = RunStep()
        self.done_step = DoneStep(self.work)
        for step in (self.file_step, self.header_step, self.mapping_step, self.values_step,
                     self.dry_run_step, self.run_step, self.done_step):
            self.stack.addWidget(step)
        # What each step shows, by the names the wizard has always had (tests, callers).
        self.path_edit, self.sheet_combo = self.file_step.path_edit, self.file_step.sheet_combo
        self.file_info = self.file_step.file_info
        self.header_spin = self.header_step.header_spin
        self.header_note = self.header_step.header_note
        self.preview_table: QTableWidget = self.header_step.preview_table
        self.mapping_table = self.mapping_step.mapping_table
        self.mapping_note = self.mapping_step.mapping_note
        self.profile_combo = self.mapping_step.profile_combo
        self.policy_combo = self.mapping_step.policy_combo
        self.overwrite_check = self.mapping_step.overwrite_check
        self.dry_counts, self.dry_tabs = self.dry_run_step.view.counts, self.dry_run_step.view.tabs
        self.run_label = self.run_step.run_label
        self.done_title = self.done_step.view.title
        self.done_counts, self.done_tabs = self.done_step.view.counts, self.done_step.view.tabs
        self.report_button = self.done_step.report_button
        self.undo_button = self.done_step.undo_button

        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("上一步"))
        self.next_button = QPushButton(self.tr("下一步"))
        self.next_button.setProperty("primary", True)
        self.next_button.setDefault(True)
        self.close_button = QPushButton(self.tr("关闭"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.forward)
        self.close_button.clicked.connect(self.close_or_cancel)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        self.body.addLayout(buttons)
        self.go(FILE)

    def _fit_size(self, width: int, height: int) -> None:
        """The usual size, never more than the screen has (clinic laptops: 1280×650)."""
        available = self.screen().availableGeometry()
        self.resize(min(width, available.width() - 40), min(height, available.height() - 40))

    @property
    def job(self) -> Job | None:
        """The work running on the worker (reading, a dry run, the import, an undo)."""
        return self.work.job

    @job.setter
    def job(self, job: Job | None) -> None:
        self.work.job = job

    # -- navigation ------------------------------------------------------------------------
    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        for index, label in enumerate(self.step_labels):
            label.setProperty("state", "current" if index == step else
                              ("done" if index < step else "todo"))
            label.style().unpolish(label)
            label.style().polish(label)
        self.error_label.hide()
        self.back_button.setVisible(step in (HEADER, MAPPING, VALUES, DRY_RUN))
        self.next_button.setVisible(step in (FILE, HEADER, MAPPING, VALUES, DRY_RUN))
        self.next_button.setText(self.tr("开始导入") if step == DRY_RUN else
                                 (self.tr("试运行") if step == VALUES else self.tr("下一步")))
        self.close_button.setText(self.tr("取消导入") if step == RUNNING else
                                  (self.tr("完成") if step == DONE else self.tr("关闭")))
        self._update_next()

    def _update_next(self) -> None:
        step = self.stack.currentIndex()
        ready = {FILE: self.preview is not None, HEADER: self.preview is not None,
                 MAPPING: not self.mapping_step.problems(),
                 VALUES: self.values_step.preview is not None,
                 DRY_RUN: self.dry is not None}.get(step, True)
        self.next_button.setEnabled(ready and self.job is None)
        if step < RUNNING:
            self.close_button.setText(self.tr("取消") if self.job is not None
                                      else self.tr("关闭"))

    def back(self) -> None:
        self.go(max(0, self.stack.currentIndex() - 1))

    def forward(self) -> None:
        step = self.stack.currentIndex()
        if step == FILE:
            self.go(HEADER)
        elif step == HEADER:
            assert self.preview is not None
            header = self.header_step.header_row - 1
            self.mapping_step.fill(self.header_step.labels(),
                                   self.preview.data.rows[header + 1:header + 40])
            self.go(MAPPING)
        elif step == MAPPING:
            self.read_values()
        elif step == VALUES:
            self.run_dry()
        elif step == DRY_RUN:
            self.run_import()

    def close_or_cancel(self) -> None:
        if self.work.cancel():  # reading, a dry run or the import: stop it, keep the dialog
            if self.stack.currentIndex() == RUNNING:
                self.run_label.setText(self.tr("正在取消…"))
            return
        if self.summary is not None:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:
        # Escape or the window's close box while work runs: stop the work first; the dialog
        # stays until the worker has let go of it (its result is delivered here).
        if self.job is not None:
            self.close_or_cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.job is not None:
            self.close_or_cancel()
            event.ignore()
            return
        super().closeEvent(event)

    # -- step 1: the file ------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and self.stack.currentIndex() == FILE:
            self.open_file(Path(urls[0].toLocalFile()))

    def browse(self) -> None:
        self.file_step.browse()

    def open_file(self, path: Path, sheet: str | None = None) -> None:
        self.file_step.reading(path)
        self.preview = self.dry = None
        self.work.run(lambda ctx, _job: imports.preview_file(ctx, path, sheet),
                      self._file_read, self.tr("正在读取文件…"))

    def _file_read(self, preview: FilePreview) -> None:
        self.preview = preview
        self.file_step.show_preview(preview)
        self.header_step.fill(preview)

    # -- steps 3 to 5: the mapping, the values and the dry run ------------------------------
    def _mapping_changed(self) -> None:
        self.dry = None
        self._update_next()

    def current_mapping(self) -> dict[int, str]:
        return self.mapping_step.current_mapping()

    def save_profile(self) -> None:
        self.mapping_step.save_profile()

    def read_values(self) -> None:
        """The distinct procedure, doctor and tier names under the mapping, with suggestions
        (the chosen profile's choices first); then the values step."""
        assert self.preview is not None
        rows = self.preview.data.rows
        header = self.header_step.header_row - 1
        mapping = self.mapping_step.current_mapping()
        choices = self.mapping_step.profile_values()
        if self.values_step.preview is not None:  # back from the values step: keep its picks
            current = self.values_step.choices()
            choices = {column: {**(choices or {}).get(column, {}), **current.get(column, {})}
                       for column in set(current) | set(choices or {})}
        columns = self.mapping_step.profile_columns()
        profile_name = self.mapping_step.profile_name()

        def done(previews: tuple[ValuesPreview, TierPreview]) -> None:
            names, tiers = previews
            self.values_step.fill(names, columns=columns, profile_name=profile_name,
                                  tiers=tiers)
            self.dry = None
            self.go(VALUES)

        self.work.run(lambda ctx, _job: (
            import_values.preview_values(ctx, rows, header_index=header, mapping=mapping,
                                         choices=choices),
            import_balances.preview_tiers(ctx, rows, header_index=header, mapping=mapping,
                                          choices=choices)),
            done, self.tr("正在读取项目和医生…"))

    def request(self) -> ImportRequest:
        assert self.preview is not None
        return ImportRequest(self.preview.path, sheet=self.preview.data.name,
                             header_row=self.header_step.header_row,
                             mapping=self.mapping_step.current_mapping(),
                             on_duplicate=self.mapping_step.on_duplicate,
                             overwrite=self.mapping_step.overwrite, data=self.preview.data,
                             values=self.values_step.choices())

    def run_dry(self) -> None:
        request = self.request()
        self.work.run(lambda ctx, job: imports.run_import(ctx, request, dry_run=True,
                                                          progress=job),
                      self._dry_done, self.tr("正在试运行…"))

    def _dry_done(self, summary: ImportSummary) -> None:
        self.dry = summary
        self.dry_run_step.show_summary(summary)
        self.go(DRY_RUN)

    # -- steps 6 and 7: the import and what it did ------------------------------------------
    def run_import(self) -> None:
        request = self.request()
        self.go(RUNNING)
        self.run_label.setText(self.tr("正在导入…"))

        def failed(error: BaseException) -> None:
            # Back to the dry run either way: the transaction was rolled back, nothing written.
            self.go(DRY_RUN)
            if isinstance(error, Cancelled):
                self.progress.hide()
                self.work.show_message(self.tr("已取消导入，没有写入任何数据。"))
                self._update_next()
            else:
                self.work.fail(error)

        self.work.run(lambda ctx, job: imports.run_import(ctx, request, progress=job),
                      self._imported, self.tr("正在导入…"), on_error=failed)

    def _imported(self, summary: ImportSummary) -> None:
        self.summary = summary  # the runner has told every page what the import changed
        self.done_step.show_summary(summary)
        self.go(DONE)

    def save_report(self) -> None:
        self.done_step.save_report()

    def undo(self) -> None:
        self.done_step.undo()
