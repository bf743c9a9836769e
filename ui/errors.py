"""Failure display, handled once at the GUI boundary.

* ``UserError``: a message box (or the message beside the field it names).
* anything else: a bug. Logged with its traceback, shown in the crash dialog with the log
  path; the app keeps running.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Mapping
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from clinic_desktop.errors import UserError, os_error_sentence

log = logging.getLogger(__name__)


def show_user_error(parent: QWidget | None, error: UserError, *, title: str | None = None) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title or QApplication.translate("errors", "提示"),
                      error.message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("userErrorBox")
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed or stored
    box.exec()


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """The one entry point: a person's problem as a message, a bug in the crash dialog."""
    if isinstance(error, UserError):
        show_user_error(parent, error)
        return
    if isinstance(error, OSError):  # a full disk, a folder without permission: not a bug
        log.warning("file operation failed: %s", error, exc_info=error)
        show_user_error(parent, UserError(os_error_sentence(error)))
        return
    report_crash(type(error), error, error.__traceback__, parent=parent)


def report_crash(exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None, *, parent: QWidget | None = None) -> None:
    from ui.dialogs.crash_dialog import CrashDialog

    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error\n%s", details)
    if QApplication.instance() is None:
        return
    CrashDialog(details, parent=parent).exec()


def install_excepthook() -> None:
    """Uncaught exceptions in slots end up here instead of killing the app."""

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook


class FieldErrors:
    """Shows a UserError beside the widget its ``field`` names; keeps what was typed."""

    def __init__(self, label: QLabel, fields: Mapping[str, QWidget]) -> None:
        self._label = label
        self._fields = dict(fields)
        self._label.setObjectName("fieldError")
        self._label.setTextFormat(Qt.TextFormat.PlainText)  # the message quotes user data
        self._label.setWordWrap(True)
        self._label.hide()
        self._marked: QWidget | None = None

    def show(self, error: UserError) -> None:
        self.clear()
        self._label.setText(error.message)
        self._label.show()
        widget = self._fields.get(error.field or "")
        if widget is not None:
            widget.setProperty("invalid", True)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.setFocus()
            self._marked = widget

    def clear(self) -> None:
        self._label.clear()
        self._label.hide()
        if self._marked is not None:
            self._marked.setProperty("invalid", False)
            self._marked.style().unpolish(self._marked)
            self._marked.style().polish(self._marked)
            self._marked = None

    @property
    def text(self) -> str:
        return self._label.text()

    @property
    def marked(self) -> QWidget | None:
        return self._marked
