"""The canvas in a scroll area, with the time column and column headers held in place.

The canvas fills the width it is given (the scroll area resizes it) and keeps its columns at
least ``min_column_width`` wide; only then does the view scroll sideways. The hour labels
follow the vertical scroll, each on its line (``calendar_layout.hour_labels``).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QWidget

from clinic_desktop.rules.calendar_layout import hour_labels
from ui.calendar.canvas import CalendarCanvas, elided

TIME_WIDTH = 56
HEADER_HEIGHT = 40
BACKGROUND = "#EEF1F5"


class _TimeColumn(QWidget):
    def __init__(self, canvas: CalendarCanvas) -> None:
        super().__init__()
        self.canvas = canvas
        self.offset = 0
        self.setFixedWidth(TIME_WIDTH)

    def labels(self) -> list[tuple[float, str]]:
        """(centre y, text) of the hour labels drawn now."""
        return hour_labels(self.canvas.axis, self.offset, self.height(),
                           QFontMetrics(self.font()).height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#F8FAFC"))
        painter.setPen(QColor("#52606D"))
        height = QFontMetrics(self.font()).height()
        for y, label in self.labels():
            painter.drawText(QRectF(0, y - height / 2, TIME_WIDTH - 8, height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        painter.setPen(QPen(QColor("#C9D2DD"), 1))
        painter.drawLine(TIME_WIDTH - 1, 0, TIME_WIDTH - 1, self.height())
        painter.end()


class _Header(QWidget):
    def __init__(self, canvas: CalendarCanvas) -> None:
        super().__init__()
        self.canvas = canvas
        self.offset = 0
        self.setFixedHeight(HEADER_HEIGHT)

    def titles(self) -> list[str]:
        """The column titles as drawn: cut with "…" to the column's width."""
        metrics = QFontMetrics(self.font())
        return [elided(metrics, column.title, self.canvas.column_width - 8)
                for column in self.canvas.data.columns]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#F8FAFC"))
        width = self.canvas.column_width
        columns = self.canvas.data.columns
        now = self.canvas.now
        # In a week, today's column stands out (in a day view every column is the same day).
        today = now.astimezone(self.canvas.zone).date() if now is not None and len(
            {c.day for c in columns}) > 1 else None
        for index, (column, title) in enumerate(zip(columns, self.titles(), strict=True)):
            x = index * width - self.offset
            painter.fillRect(QRectF(x, HEADER_HEIGHT - 4, width, 4), QColor(column.colour))
            font = QFont(self.font())
            font.setBold(column.day == today)
            painter.setFont(font)
            painter.setPen(QColor("#1F6FEB" if column.day == today else "#102A43"))
            painter.drawText(QRectF(x + 4, 0, width - 8, HEADER_HEIGHT - 4),
                             Qt.AlignmentFlag.AlignCenter, title)
            painter.setPen(QPen(QColor("#C9D2DD"), 1))
            painter.drawLine(int(x), 0, int(x), HEADER_HEIGHT)
        painter.end()


class CalendarView(QWidget):
    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.canvas = CalendarCanvas(zone)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(True)  # the canvas takes the viewport's width
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        palette = self.scroll_area.viewport().palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
        self.scroll_area.viewport().setPalette(palette)
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
        grid.addWidget(self.scroll_area, 1, 1)
        self.scroll_area.horizontalScrollBar().valueChanged.connect(self._scrolled_x)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._scrolled_y)
        self.canvas.relaid.connect(self.refresh)

    def _scrolled_x(self, value: int) -> None:
        self.header.offset = value
        self.header.update()

    def _scrolled_y(self, value: int) -> None:
        self.times.offset = value
        self.times.update()

    def refresh(self) -> None:
        self.header.update()
        self.times.update()

    def scroll_to_y(self, y: float) -> None:
        self.scroll_area.verticalScrollBar().setValue(int(y))
