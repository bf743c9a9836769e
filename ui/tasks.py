"""Background work for the GUI: one worker thread, results back on the GUI thread.

Database work is serialised on a single worker (SQLite has one writer anyway), so a slow
report never races a booking. ``run`` takes a callable and callbacks; the callable runs on
the worker, the callbacks on the GUI thread (queued signal). Long jobs receive a ``Job`` to
report progress and notice a cancel request. Tests use ``TaskManager(synchronous=True)``,
which runs everything inline so they stay deterministic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]
ProgressCallback = Callable[[int, int, str], None]


class Cancelled(Exception):
    """Raised inside a job when the user pressed Cancel."""


class Job:
    """Handed to long operations: progress reports and the cancel flag."""

    def __init__(self, relay: _Relay | None = None) -> None:
        self._relay = relay
        self._cancel = threading.Event()
        self.progress_callback: ProgressCallback | None = None

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._relay is not None:
            self._relay.progress.emit(done, total, text)
        elif self.progress_callback is not None:
            self.progress_callback(done, total, text)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Call between batches: raises ``Cancelled`` when the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()


class _Relay(QObject):
    """Lives on the GUI thread; its signals carry results across threads."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class TaskManager(QObject):
    """Runs callables off the GUI thread, one at a time."""

    busy_changed = Signal(bool)

    def __init__(self, *, synchronous: bool = False, parent: QObject | None = None,
                 on_unhandled: ErrorCallback | None = None) -> None:
        super().__init__(parent)
        self._synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending = 0
        self._relays: set[_Relay] = set()
        self.on_unhandled = on_unhandled

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
        error_handler = on_error or self._unhandled
        if self._synchronous:
            job = Job()
            job.progress_callback = on_progress
            try:
                result = fn(job)
            except BaseException as exc:
                error_handler(exc)
            else:
                if on_done is not None:
                    on_done(result)
            return job
        relay = _Relay(self)
        job = Job(relay)
        if on_progress is not None:
            relay.progress.connect(on_progress)

        def finished(callback: Callable[[Any], None] | None) -> Callable[[Any], None]:
            def deliver(value: Any) -> None:
                self._relays.discard(relay)
                relay.deleteLater()
                self._set_pending(-1)
                if callback is not None:
                    callback(value)
            return deliver

        relay.done.connect(finished(on_done))
        relay.failed.connect(finished(error_handler))
        self._relays.add(relay)
        self._set_pending(+1)
        self._pool.start(_Runnable(lambda: fn(job), relay))
        return job

    def _set_pending(self, delta: int) -> None:
        was_busy = self._pending > 0
        self._pending += delta
        if was_busy != (self._pending > 0):
            self.busy_changed.emit(self._pending > 0)

    @Slot(object)
    def _unhandled(self, exc: BaseException) -> None:
        if self.on_unhandled is not None:
            self.on_unhandled(exc)
        else:
            log.error("background task failed", exc_info=exc)

    def wait_idle(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)
