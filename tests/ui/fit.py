"""What "fits" means for the fit tests: a 1280×720 screen less a taskbar and a title bar."""

from __future__ import annotations

from PySide6.QtCore import QSize

SCREEN = QSize(1280, 650)


def fits(size: QSize) -> bool:
    return size.width() <= SCREEN.width() and size.height() <= SCREEN.height()
