"""A page's strip for long work on the worker: what runs, how far it is, and a Cancel button."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from clinic_desktop.context import Context
from ui.errors import show_error
from ui.operations import Operations
from ui.tasks import Cancelled, Job

T = TypeVar("T")


class JobProgress(QWidget):
    """Hidden while idle; shown with a progress bar and Cancel while its work runs.

    ``run`` hands the work to the operation runner's worker (so what it changed is announced
    once it ends), shows progress, and routes the end: the result to ``on_done``, a cancel to
    ``on_cancelled``, any other failure to ``on_error`` or the one error display."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.job: Job | None = None
        self._text = ""
        self.hide()

    @property
    def busy(self) -> bool:
        return self.job is not None

    def run(self, ops: Operations, fn: Callable[[Context, Job], T], *, text: str,
            on_done: Callable[[T], None], parent: QWidget | None = None,
            on_cancelled: Callable[[], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            initiator: object | None = None) -> None:
        ended = False  # a synchronous worker (tests) ends before run_in_background returns

        def done(result: T) -> None:
            nonlocal ended
            ended = True
            self.finish()
            on_done(result)

        def failed(error: BaseException) -> None:
            nonlocal ended
            ended = True
            self.finish()
            if isinstance(error, Cancelled):
                if on_cancelled is not None:
                    on_cancelled()
            elif on_error is not None:
                on_error(error)
            else:
                show_error(parent, error)

        job = ops.run_in_background(fn, parent=parent, on_done=done, on_error=failed,
                                    on_progress=self.report, initiator=initiator)
        if not ended:
            self.job = job
            self._text = text
            self.bar.setRange(0, 0)  # busy until the first report
            self.bar.setFormat(text)
            self.cancel_button.setEnabled(True)
            self.show()

    def report(self, done: int, total: int, _message: str = "") -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.bar.setFormat(f"{self._text}  %v / %m")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.bar.setFormat(self.tr("正在取消…"))
            self.cancel_button.setEnabled(False)

    def finish(self) -> None:
        self.job = None
        self.hide()
