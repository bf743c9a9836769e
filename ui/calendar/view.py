"""The canvas in a scroll area, with the time column and column headers held in place."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QScrollArea, QWidget

from ui.calendar.canvas import CalendarCanvas

TIME_WIDTH = 56
HEADER_HEIGHT = 40


class _TimeColumn(QWidget):
    def __init__(self, canvas: CalendarCanvas) -> None:
        super().__init__()
        self.canvas = canvas
        self.offset = 0
        self.setFixedWidth(TIME_WIDTH)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#F8FAFC"))
        painter.setPen(QColor("#52606D"))
        for row in self.canvas.axis.slot_rows():
            if row.label:
                y = max(int(row.y) - self.offset, 8)  # the first label must not be cut
                painter.drawText(QRectF(0, y - 8, TIME_WIDTH - 8, 16),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                                 row.label)
        painter.setPen(QPen(QColor("#C9D2DD"), 1))
        painter.drawLine(TIME_WIDTH - 1, 0, TIME_WIDTH - 1, self.height())
        painter.end()


class _Header(QWidget):
    def __init__(self, canvas: CalendarCanvas) -> None:
        super().__init__()
        self.canvas = canvas
        self.offset = 0
        self.setFixedHeight(HEADER_HEIGHT)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#F8FAFC"))
        width = self.canvas.column_width
        for index, column in enumerate(self.canvas.data.columns):
            x = index * width - self.offset
            painter.fillRect(QRectF(x, HEADER_HEIGHT - 4, width, 4), QColor(column.colour))
            painter.setPen(QColor("#102A43"))
            painter.drawText(QRectF(x + 4, 0, width - 8, HEADER_HEIGHT - 4),
                             Qt.AlignmentFlag.AlignCenter, column.title)
            painter.setPen(QPen(QColor("#C9D2DD"), 1))
            painter.drawLine(int(x), 0, int(x), HEADER_HEIGHT)
        painter.end()


class CalendarView(QWidget):
    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.canvas = CalendarCanvas(zone)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(False)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.times = _TimeColumn(self.canvas)
        self.header = _Header(self.canvas)
        corner = QWidget()
        corner.setFixedSize(TIME_WIDTH, HEADER_HEIGHT)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(corner, 0, 0)
        grid.addWidget(self.header, 0, 1)
        grid.addWidget(self.times, 1, 0)
        grid.addWidget(self.scroll, 1, 1)
        self.scroll.horizontalScrollBar().valueChanged.connect(self._scrolled_x)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled_y)

    def _scrolled_x(self, value: int) -> None:
        self.header.offset = value
        self.header.update()

    def _scrolled_y(self, value: int) -> None:
        self.times.offset = value
        self.times.update()

    def refresh(self) -> None:
        self.header.update()
        self.times.update()

    def fit_columns(self, count: int) -> None:
        """Use the available width, but never narrower than a readable column."""
        count = max(1, count)
        available = max(self.scroll.viewport().width(), 600)
        self.canvas.column_width = max(110.0 if count > 7 else 150.0, (available - 2) // count)
