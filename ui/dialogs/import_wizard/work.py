"""The wizard's long work: one job at a time on the worker, with the progress bar and the
error line under the steps. Every step that reads the file or touches the database goes
through here, so the dialog stays responsive and Cancel always has one job to stop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from ui.app_services import AppServices
from ui.errors import show_error
from ui.tasks import Cancelled, Job


class WizardWork(QObject):
    busy_changed = Signal()  # a job started or ended: the wizard updates its buttons

    def __init__(self, services: AppServices, progress: QProgressBar, error_label: QLabel,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.services = services
        self.progress = progress
        self.error_label = error_label
        self.job: Job | None = None
        self._window = parent

    def run(self, fn: Callable[[Context, Job], Any], on_done: Callable[[Any], None],
            text: str, *, on_error: Callable[[BaseException], None] | None = None) -> None:
        """``fn(ctx, job)`` on the worker through the operation runner (which announces what
        it changed); ``on_done(result)`` back here; a failure to ``on_error`` or ``fail``."""
        self.error_label.hide()
        self.progress.setRange(0, 0)
        self.progress.setFormat(text)
        self.progress.show()

        def progress(done: int, total: int, message: str) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            self.progress.setFormat(f"{message}  %p%" if message else "%p%")

        ended = False  # a synchronous task manager (tests) ends before the call returns

        def finished(result: Any) -> None:
            nonlocal ended
            ended, self.job = True, None
            self.progress.hide()
            on_done(result)
            self.busy_changed.emit()

        def failed(error: BaseException) -> None:
            nonlocal ended
            ended, self.job = True, None
            (on_error or self.fail)(error)

        job = self.services.ops.run_in_background(fn, parent=self._window, on_done=finished,
                                                  on_error=failed, on_progress=progress)
        self.job = None if ended else job
        self.busy_changed.emit()

    def fail(self, error: BaseException) -> None:
        """A refusal or a cancel on the error line; a bug in the crash dialog."""
        self.job = None
        self.progress.hide()
        if isinstance(error, UserError | Cancelled):
            self.show_message(error.message if isinstance(error, UserError)
                              else QCoreApplication.translate("ImportWizard", "已取消。"))
        else:
            show_error(self._window, error)
        self.busy_changed.emit()

    def show_message(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def cancel(self) -> bool:
        """Ask the running job to stop; False when nothing runs."""
        if self.job is None:
            return False
        self.job.cancel()
        self.progress.setFormat(QCoreApplication.translate("ImportWizard", "正在取消…"))
        return True
