"""Driving what opens its own event loop (a dialog's ``exec``, a menu's ``exec``) from a test:
the step to take is queued first and runs once that loop has started; and the deletions Qt
defers to the event loop, run on demand."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget

W = TypeVar("W", bound=QWidget)


def when_open(kind: type[W], act: Callable[[W], None]) -> list[W]:
    """Once the next modal dialog or popup of ``kind`` is running, hand it to ``act``; the list
    returned then holds it."""
    seen: list[W] = []

    def step() -> None:
        widget = QApplication.activePopupWidget() or QApplication.activeModalWidget()
        assert isinstance(widget, kind), widget
        seen.append(widget)
        act(widget)

    QTimer.singleShot(0, step)
    return seen


def run_deferred_deletions() -> None:
    """What ``deleteLater`` asked for, done now (the test has no event loop to return to)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
