"""Background work for the GUI: one worker thread, results back on the GUI thread.

Database work is serialised on a single worker (SQLite has one writer anyway), so a slow
report never races a booking. ``run`` takes a callable and callbacks; the callable runs on
the worker, the callbacks on the GUI thread. Long jobs receive a ``Job`` to report progress
and notice a cancel request. Tests use ``TaskManager(synchronous=True)``, which runs
everything inline so they stay deterministic.

The worker is a plain Python thread; results cross to the GUI thread through one relay
QObject owned by the manager (a queued signal), so no Qt object is ever created or freed on
the worker thread.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

log = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]
ProgressCallback = Callable[[int, int, str], None]


class Cancelled(Exception):
    """Raised inside a job when the user pressed Cancel."""


class Job:
    """Handed to long operations: progress reports and the cancel flag."""

    def __init__(self, report: ProgressCallback | None = None) -> None:
        self._report = report
        self._cancel = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._report is not None:
            self._report(done, total, text)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Call between batches: raises ``Cancelled`` when the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()


@dataclass
class _Callbacks:
    on_done: DoneCallback | None
    on_error: ErrorCallback
    on_progress: ProgressCallback | None


class _Relay(QObject):
    finished = Signal(int, bool, object)  # task id, succeeded, result or exception
    progress = Signal(int, int, int, str)  # task id, done, total, text


class TaskManager(QObject):
    """Runs callables off the GUI thread, one at a time."""

    busy_changed = Signal(bool)

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None,
                 on_unhandled: ErrorCallback | None = None) -> None:
        super().__init__(parent)
        self._synchronous = synchronous
        self._executor: ThreadPoolExecutor | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, _Callbacks] = {}
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._relay.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.on_unhandled = on_unhandled
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, fn: Callable[[], Any], *, on_done: DoneCallback | None = None,
            on_error: ErrorCallback | None = None) -> None:
        """Run ``fn()`` on the worker; ``on_done(result)`` / ``on_error(exc)`` on the GUI."""
        self._start(lambda _job: fn(), on_done, on_error, None)

    def run_job(self, fn: Callable[[Job], Any], *, on_done: DoneCallback | None = None,
                on_error: ErrorCallback | None = None,
                on_progress: ProgressCallback | None = None) -> Job:
        """Like ``run`` for long work: ``fn(job)`` reports progress and checks for cancel."""
        return self._start(fn, on_done, on_error, on_progress)

    def _start(self, fn: Callable[[Job], Any], on_done: DoneCallback | None,
               on_error: ErrorCallback | None, on_progress: ProgressCallback | None) -> Job:
        callbacks = _Callbacks(on_done, on_error or self._unhandled, on_progress)
        if self._synchronous:
            job = Job(on_progress)
            try:
                result = fn(job)
            except BaseException as exc:
                callbacks.on_error(exc)
            else:
                if on_done is not None:
                    on_done(result)
            return job
        task_id = next(self._ids)
        relay = self._relay
        job = Job(lambda done, total, text: relay.progress.emit(task_id, done, total, text))
        self._pending[task_id] = callbacks
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-worker")

        def work() -> None:
            try:
                result = fn(job)
            except BaseException as exc:  # delivered to the GUI thread, never lost
                relay.finished.emit(task_id, False, exc)
            else:
                relay.finished.emit(task_id, True, result)

        self._executor.submit(work)
        return job

    def _finished(self, task_id: int, succeeded: bool, value: object) -> None:
        callbacks = self._pending.pop(task_id, None)
        if not self._pending:
            self.busy_changed.emit(False)
        if callbacks is None:
            return
        if succeeded:
            if callbacks.on_done is not None:
                callbacks.on_done(value)
        else:
            assert isinstance(value, BaseException)
            callbacks.on_error(value)

    def _progress(self, task_id: int, done: int, total: int, text: str) -> None:
        callbacks = self._pending.get(task_id)
        if callbacks is not None and callbacks.on_progress is not None:
            callbacks.on_progress(done, total, text)

    def _unhandled(self, exc: BaseException) -> None:
        if self.on_unhandled is not None:
            self.on_unhandled(exc)
        else:
            log.error("background task failed", exc_info=exc)

    def shutdown(self) -> None:
        """Let the running task finish; queued results are dropped with the window."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
