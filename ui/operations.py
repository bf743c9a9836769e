"""One way for the GUI to change anything: run an operation, show its refusal, say what changed.

Modelled on Anki's ``CollectionOp``: the caller hands over a function of a ``Context``; the
runner gives it a fork of the signed-in context (so the change set holds only what this
operation did), runs it — on the GUI thread for a quick save, on the worker for what can
take long (an import, an export, a bulk action, sending) — and then:

* a ``UserError`` goes beside its field when the caller passed the form's ``FieldErrors``,
  otherwise into a message box; anything else is a bug for the crash dialog;
* on success, ``changed(ChangeSet, initiator)`` is emitted once, and the caller's
  ``on_done`` gets the result.

Pages refresh from ``changed`` when the set touches what they show; none reaches into another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from clinic_desktop.changes import ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from ui.errors import FieldErrors, show_error
from ui.tasks import Job, ProgressCallback, TaskManager

T = TypeVar("T")


class Operations(QObject):
    # (ChangeSet, initiator): the initiator is the object that started the operation, so a
    # page may skip the refresh it already did itself.
    changed = Signal(object, object)

    def __init__(self, context: Callable[[], Context], tasks: TaskManager,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._tasks = tasks

    def announce(self, changes: ChangeSet, initiator: object | None = None) -> None:
        """Tell every page about changes made outside an operation (the scheduler's scans)."""
        if not changes.empty:
            self.changed.emit(changes, initiator)

    def run(self, fn: Callable[[Context], T], *, parent: QWidget | None = None,
            errors: FieldErrors | None = None, initiator: object | None = None,
            on_done: Callable[[T], None] | None = None,
            on_error: Callable[[UserError], None] | None = None) -> T | None:
        """A quick write on the GUI thread (a few milliseconds: one save). Returns the result,
        or None when it was refused (the refusal is already shown)."""
        op = self._context().fork()
        try:
            result = fn(op)
        except UserError as error:
            self._refused(error, parent, errors, on_error)
            self.announce(op.changes, initiator)  # an earlier step may have committed
            return None
        except Exception as error:
            show_error(parent, error)
            self.announce(op.changes, initiator)
            return None
        if errors is not None:
            errors.clear()
        self.announce(op.changes, initiator)
        if on_done is not None:
            on_done(result)
        return result

    def run_in_background(
        self, fn: Callable[[Context, Job], T], *, parent: QWidget | None = None,
        errors: FieldErrors | None = None, initiator: object | None = None,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Job:
        """Long work on the worker: ``fn(ctx, job)`` reports progress and checks for cancel.
        The callbacks run on the GUI thread; ``changed`` is emitted there, once, even when
        the work failed after committing part of itself."""
        op = self._context().fork()

        def done(result: Any) -> None:
            self.announce(op.changes, initiator)
            if on_done is not None:
                on_done(result)

        def failed(error: BaseException) -> None:
            self.announce(op.changes, initiator)
            if on_error is not None:
                on_error(error)
            elif isinstance(error, UserError):
                self._refused(error, parent, errors, None)
            else:
                show_error(parent, error)

        return self._tasks.run_job(lambda job: fn(op, job), on_done=done, on_error=failed,
                                   on_progress=on_progress)

    @staticmethod
    def _refused(error: UserError, parent: QWidget | None, errors: FieldErrors | None,
                 on_error: Callable[[UserError], None] | None) -> None:
        if on_error is not None:
            on_error(error)
        elif errors is not None:
            errors.show(error)
        else:
            show_error(parent, error)
