"""The Qt binding itself, for what the app relies on all day (and dates handed to it).

PySide6 6.12.0 on Python 3.11 hands back ``None`` from every call to a C++ function that
returns nothing (``setText``, ``QPainter.setPen`` …) without the reference it owes: each such
call takes one reference from ``None`` for good. A clinic's window makes millions of them a
day, and when ``None``'s count reaches zero the process aborts ("Fatal Python error:
none_dealloc") with no crash dialog and nothing in the log — seen here after about a hundred
rounds of the pages. (Python 3.12 made ``None`` immortal, so the same binding is harmless
there.) ``pyproject.toml`` keeps PySide6 below 6.12; this test fails on a binding that has the
fault, whichever version it is.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QLabel

CALLS = 2000


def test_calls_that_return_nothing_leave_none_as_it_was(qapp: QApplication) -> None:
    label = QLabel("待回访")
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            label.setText("已回访")
            painter.setPen(QColor("#336699"))
            painter.drawRect(QRectF(0, 0, 4, 4))
        lost = before - sys.getrefcount(None)
    finally:
        painter.end()
    # Other code may hold or drop a few references meanwhile; the fault loses 3 a round.
    assert lost < CALLS // 10, f"None lost {lost} references in {CALLS} rounds of void calls"


def test_dates_reach_qt_field_by_field() -> None:
    from datetime import date, datetime

    from ui.widgets.qt_dates import qdate, qdatetime

    assert qdate(date(2026, 2, 28)).toPython() == date(2026, 2, 28)
    moment = datetime(2026, 11, 25, 9, 30, 15, 250000)  # noqa: DTZ001 - local, naive, as shown
    assert qdatetime(moment).toPython() == moment
