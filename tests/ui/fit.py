"""What "fits" means for the fit tests: a 1280×720 screen less a taskbar and a title bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

SCREEN = QSize(1280, 650)


def fits(size: QSize) -> bool:
    return size.width() <= SCREEN.width() and size.height() <= SCREEN.height()


def assert_shown_and_fitting(qtbot: Any, dialog: QWidget, language: str) -> None:
    """Show ``dialog`` (registered with ``qtbot``) and check what it wants and what it got
    both fit the screen."""
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    wanted = dialog.sizeHint().expandedTo(dialog.minimumSizeHint())
    assert fits(wanted), (language, type(dialog).__name__, wanted)
    assert fits(dialog.size()), (language, type(dialog).__name__, dialog.size())
