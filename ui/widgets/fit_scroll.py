"""A scroll area that asks for its content's whole height up to a limit, then scrolls.

A plain ``QScrollArea`` asks for a fixed-ish size whatever it holds; this one lets a dialog be
as tall as its fields when they are few and stay within a 1280×650 screen (its buttons in
sight) when a clinic has defined many custom fields.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# The fields' part of a dialog: with the margins, an error line, a check box and the buttons
# the dialog stays under 650 pixels high with room for its title bar.
MAX_FIELDS_HEIGHT = 400


class FitScrollArea(QScrollArea):
    def __init__(self, content: QWidget, *, max_height: int = MAX_FIELDS_HEIGHT,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_height = max_height
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content.setObjectName("fitScrollContent")
        self.setWidget(content)
        # The dialog's own background shows through (no white box around the fields).
        self.setStyleSheet("QScrollArea, QWidget#fitScrollContent { background: transparent; }")
        self.viewport().setAutoFillBackground(False)

    def _bar_width(self) -> int:
        return self.verticalScrollBar().sizeHint().width()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        content = self.widget()
        wanted = content.sizeHint() if content is not None else QSize(0, 0)
        return QSize(wanted.width() + self._bar_width(), min(wanted.height(), self.max_height))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        content = self.widget()
        least = content.minimumSizeHint() if content is not None else QSize(0, 0)
        # As wide as the fields need (there is no horizontal scrolling); a few rows high.
        return QSize(least.width() + self._bar_width(), min(least.height(), 120))
