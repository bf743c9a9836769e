"""Dialog base: standard keys, a heading, an error line, and remembered geometry."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.widgets.rich_text import plain_label


class Dialog(QDialog):
    geometry_key: str | None = None

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(24, 20, 24, 20)
        self.body.setSpacing(12)
        self.error_label = plain_label()  # error messages quote names and typed text
        self.error_label.setObjectName("fieldError")
        self.error_label.hide()
        if self.geometry_key:
            saved = QSettings().value(f"geometry/{self.geometry_key}")
            if isinstance(saved, QByteArray):
                self.restoreGeometry(saved)

    def add_heading(self, text: str, subtitle: str | None = None) -> None:
        heading = plain_label(text)  # may be stored data, e.g. the clinic's name
        heading.setObjectName("dialogHeading")
        self.body.addWidget(heading)
        if subtitle:
            sub = plain_label(subtitle)
            sub.setObjectName("dialogSubtitle")
            sub.setWordWrap(True)
            self.body.addWidget(sub)

    def add_hint(self, text: str) -> QLabel:
        """A wrapped line in the hint style under what is above it (translated text)."""
        hint = QLabel(text)
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.body.addWidget(hint)
        return hint

    def add_buttons(self, ok_text: str, on_ok: Callable[[], None], *,
                    cancel_text: str | None = None) -> QDialogButtonBox:
        """The standard OK/Cancel row: Enter runs ``on_ok``, Escape cancels."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            cancel_text or QCoreApplication.translate("Dialog", "取消"))
        buttons.accepted.connect(on_ok)
        buttons.rejected.connect(self.reject)
        self.body.addWidget(buttons)
        return buttons

    def exec(self) -> int:
        """Run the dialog; once it has returned it is deleted (after the caller's handler,
        which may still read what the person chose). A dialog's parent would otherwise keep
        it, hidden, for as long as the page lives: 1.35 MB for each booking a receptionist
        opens, all day."""
        try:
            return super().exec()
        finally:
            self.deleteLater()

    def open(self) -> None:
        """Show the dialog window-modal; deleted once it has finished, as after ``exec``."""
        self.finished.connect(self.deleteLater)
        super().open()

    def _remember(self) -> None:
        if self.geometry_key:
            QSettings().setValue(f"geometry/{self.geometry_key}", self.saveGeometry())

    def done(self, result: int) -> None:
        self._remember()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._remember()
        super().closeEvent(event)
