"""The all-doctors week, compact: a row per doctor, a cell per day with the number of bookings
and a bar in their colours, read with ``calendar.week_summary`` (counts from the database, not
every booking with its patient). Hover a cell for that doctor's day; double-click opens it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

from clinic_desktop.rules.schedule_rules import WorkingSpan, status_label
from clinic_desktop.services.calendar import AppointmentView, DoctorDay
from clinic_desktop.services.schedule import TimeOffInfo, time_off_kind_label
from clinic_desktop.services.staff import StaffInfo
from ui.calendar.canvas import elided
from ui.widgets.rich_text import esc

NAME_WIDTH = 132
HEADER_HEIGHT = 44
MIN_ROW, MAX_ROW = 44, 88
MIN_DAY_WIDTH = 84
TOOLTIP_LINES = 14
BAR = 10  # the colour bar's height

WEEKDAYS = (QT_TRANSLATE_NOOP("CalendarWeek", "周一"), QT_TRANSLATE_NOOP("CalendarWeek", "周二"),
            QT_TRANSLATE_NOOP("CalendarWeek", "周三"), QT_TRANSLATE_NOOP("CalendarWeek", "周四"),
            QT_TRANSLATE_NOOP("CalendarWeek", "周五"), QT_TRANSLATE_NOOP("CalendarWeek", "周六"),
            QT_TRANSLATE_NOOP("CalendarWeek", "周日"))


def weekday_short(day: date) -> str:
    return QCoreApplication.translate("CalendarWeek", str(WEEKDAYS[day.weekday()]))


def day_title(day: date) -> str:
    return f"{weekday_short(day)} {day:%m-%d}"


@dataclass
class WeekData:
    doctors: list[StaffInfo] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    cells: dict[tuple[int, date], DoctorDay] = field(default_factory=dict)
    hours: dict[int, list[WorkingSpan]] = field(default_factory=dict)
    time_off: list[TimeOffInfo] = field(default_factory=list)
    today: date | None = None

    def count(self, doctor_id: int, day: date) -> int:
        cell = self.cells.get((doctor_id, day))
        return cell.count if cell else 0


class WeekGrid(QWidget):
    """Emits ``day_requested(doctor_id, day)``; the page opens that day."""

    day_requested = Signal(int, object)

    def __init__(self, zone: ZoneInfo,
                 details: Callable[[int, date], list[AppointmentView]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekGrid")
        self.zone = zone
        self.details = details
        self.data = WeekData()
        self.hover: tuple[int, int] | None = None
        self.setMouseTracking(True)

    def set_week(self, data: WeekData) -> None:
        self.data = data
        self.setMinimumSize(NAME_WIDTH + MIN_DAY_WIDTH * max(1, len(data.days)),
                            HEADER_HEIGHT + MIN_ROW * max(1, len(data.doctors)))
        self.update()

    # -- geometry -----------------------------------------------------------------------
    @property
    def day_width(self) -> float:
        return (self.width() - NAME_WIDTH) / max(1, len(self.data.days))

    @property
    def row_height(self) -> float:
        fitting = (self.height() - HEADER_HEIGHT) / max(1, len(self.data.doctors))
        return min(max(fitting, MIN_ROW), MAX_ROW)

    def cell_rect(self, row: int, column: int) -> QRectF:
        return QRectF(NAME_WIDTH + column * self.day_width, HEADER_HEIGHT + row * self.row_height,
                      self.day_width, self.row_height)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        """(doctor row, day column) under ``pos``."""
        if pos.x() < NAME_WIDTH or pos.y() < HEADER_HEIGHT:
            return None
        row = int((pos.y() - HEADER_HEIGHT) // self.row_height)
        column = int((pos.x() - NAME_WIDTH) // self.day_width)
        if row < len(self.data.doctors) and column < len(self.data.days):
            return row, column
        return None

    # -- what a cell holds ----------------------------------------------------------------
    def works(self, doctor_id: int, day: date) -> bool:
        return any(s.weekday == day.weekday() for s in self.data.hours.get(doctor_id, ()))

    def time_off_on(self, doctor_id: int, day: date) -> list[TimeOffInfo]:
        start = datetime.combine(day, time(0), self.zone)
        end = start + timedelta(days=1)
        return [t for t in self.data.time_off
                if t.doctor_id == doctor_id and t.start < end and t.end > start]

    def whole_day_off(self, doctor_id: int, day: date) -> bool:
        spans = [s for s in self.data.hours.get(doctor_id, ()) if s.weekday == day.weekday()]
        if not spans:
            return False
        first = datetime.combine(day, min(s.start for s in spans), self.zone)
        last = datetime.combine(day, max(s.end for s in spans), self.zone)
        return any(t.start <= first and t.end >= last for t in self.time_off_on(doctor_id, day))

    def _off_text(self, off: TimeOffInfo, day: date) -> str:
        start, end = off.start.astimezone(self.zone), off.end.astimezone(self.zone)
        reason = off.reason or time_off_kind_label(off.kind)
        if start.date() < day and end.date() > day:
            return reason
        return f"{reason} {start:%H:%M}–{end:%H:%M}" if start.date() == end.date() else reason

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        busiest = max((c.count for c in self.data.cells.values()), default=0)
        for row, doctor in enumerate(self.data.doctors):
            for column, day in enumerate(self.data.days):
                self._paint_cell(painter, self.cell_rect(row, column), doctor, day, busiest)
        self._paint_lines(painter)
        self._paint_header(painter)
        self._paint_names(painter)
        if self.hover is not None:
            painter.setPen(QPen(QColor("#2F80ED"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.cell_rect(*self.hover).adjusted(1, 1, -1, -1))
        painter.end()

    def _paint_cell(self, painter: QPainter, rect: QRectF, doctor: StaffInfo, day: date,
                    busiest: int) -> None:
        works = self.works(doctor.id, day)
        colour = "#FFFFFF" if works else "#F2F4F7"
        if day == self.data.today:
            colour = "#F0F7FF" if works else "#E8EEF6"
        painter.fillRect(rect, QColor(colour))
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        little = QFontMetrics(small)
        offs = self.time_off_on(doctor.id, day)
        band = rect if self.whole_day_off(doctor.id, day) else QRectF(
            rect.left(), rect.bottom() - little.height() - 4, rect.width(), little.height() + 4)
        if offs:
            painter.fillRect(band, QColor("#E4E7EC"))
            painter.fillRect(band, QBrush(QColor("#98A2B3"), Qt.BrushStyle.BDiagPattern))
        count = self.data.count(doctor.id, day)
        inner = rect.adjusted(10, 5, -10, -5)
        big = QFont(self.font())
        big.setPointSizeF(13)
        big.setBold(True)
        if count:
            painter.setFont(big)
            painter.setPen(QColor("#102A43"))
            number = QFontMetrics(big)
            painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), number.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             str(count))
            bar_top = inner.top() + number.height() + 2
            if bar_top + BAR <= band.top() or band is rect:
                self._paint_bar(painter, QRectF(inner.left(), bar_top, inner.width(), BAR),
                                self.data.cells[(doctor.id, day)], busiest)
        elif not works:
            painter.setFont(small)
            painter.setPen(QColor("#98A2B3"))
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             elided(little, self.tr("不出诊"), inner.width()))
        if offs:
            painter.setFont(small)
            label = QRectF(rect.left() + 6, rect.bottom() - little.height() - 2,
                           rect.width() - 12, little.height())
            text = elided(little, self._off_text(offs[0], day), label.width())
            painter.fillRect(label.adjusted(-2, 0, 2 - label.width()
                                            + little.horizontalAdvance(text), 0),
                             QColor("#E4E7EC"))
            painter.setPen(QColor("#344054"))
            painter.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             text)

    def _paint_lines(self, painter: QPainter) -> None:
        """After the cells: a cell's fill must not cover its neighbour's line."""
        painter.setPen(QPen(QColor("#D5DCE5"), 1))
        bottom = HEADER_HEIGHT + len(self.data.doctors) * self.row_height
        for row in range(1, len(self.data.doctors) + 1):
            y = int(HEADER_HEIGHT + row * self.row_height)
            painter.drawLine(0, y, self.width(), y)
        for column in range(len(self.data.days)):
            x = int(NAME_WIDTH + column * self.day_width)
            painter.drawLine(x, HEADER_HEIGHT, x, int(bottom))

    @staticmethod
    def _paint_bar(painter: QPainter, rect: QRectF, cell: DoctorDay, busiest: int) -> None:
        """One segment per colour, as long as its share; the whole bar as long as the day's
        count against the busiest doctor-day of the week."""
        length = rect.width() * cell.count / max(busiest, 1)
        x = rect.left()
        for colour, count in cell.colours:
            width = length * count / cell.count
            painter.fillRect(QRectF(x, rect.top(), max(width - 1, 1), rect.height()),
                             QColor(colour))
            x += width

    def _paint_header(self, painter: QPainter) -> None:
        painter.fillRect(QRectF(0, 0, self.width(), HEADER_HEIGHT), QColor("#F8FAFC"))
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        metrics, little = QFontMetrics(self.font()), QFontMetrics(small)
        for column, day in enumerate(self.data.days):
            x = NAME_WIDTH + column * self.day_width
            title = QRectF(x + 4, 4, self.day_width - 8, metrics.height())
            total = sum(self.data.count(d.id, day) for d in self.data.doctors)
            bold = QFont(self.font())
            bold.setBold(day == self.data.today)
            painter.setFont(bold)
            painter.setPen(QColor("#1F6FEB" if day == self.data.today else "#102A43"))
            painter.drawText(title, Qt.AlignmentFlag.AlignCenter,
                             elided(metrics, day_title(day), title.width()))
            painter.setFont(small)
            painter.setPen(QColor("#52606D"))
            painter.drawText(QRectF(x + 4, title.bottom(), self.day_width - 8, little.height()),
                             Qt.AlignmentFlag.AlignCenter,
                             elided(little, self.tr("{0} 个预约").format(total),
                                    self.day_width - 8))
            painter.setPen(QPen(QColor("#C9D2DD"), 1))
            painter.drawLine(int(x), 0, int(x), HEADER_HEIGHT)
        painter.setPen(QPen(QColor("#C9D2DD"), 1))
        painter.drawLine(0, HEADER_HEIGHT - 1, self.width(), HEADER_HEIGHT - 1)

    def _paint_names(self, painter: QPainter) -> None:
        metrics = QFontMetrics(self.font())
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        little = QFontMetrics(small)
        for row, doctor in enumerate(self.data.doctors):
            rect = QRectF(0, HEADER_HEIGHT + row * self.row_height, NAME_WIDTH, self.row_height)
            painter.fillRect(rect, QColor("#F8FAFC"))
            painter.fillRect(QRectF(0, rect.top(), 4, rect.height()),
                             QColor(doctor.colour or "#5B7083"))
            painter.setFont(self.font())
            painter.setPen(QColor("#102A43"))
            painter.drawText(QRectF(12, rect.top() + 5, NAME_WIDTH - 18, metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             elided(metrics, doctor.display_name, NAME_WIDTH - 18))
            week = sum(self.data.count(doctor.id, day) for day in self.data.days)
            if rect.height() >= metrics.height() + little.height() + 10:
                painter.setFont(small)
                painter.setPen(QColor("#52606D"))
                painter.drawText(QRectF(12, rect.top() + 5 + metrics.height(), NAME_WIDTH - 18,
                                        little.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 elided(little, self.tr("本周 {0}").format(week),
                                        NAME_WIDTH - 18))
        painter.setPen(QPen(QColor("#D5DCE5"), 1))
        for row in range(1, len(self.data.doctors) + 1):
            y = int(HEADER_HEIGHT + row * self.row_height)
            painter.drawLine(0, y, NAME_WIDTH, y)

    # -- interaction --------------------------------------------------------------------
    def tooltip_html(self, doctor: StaffInfo, day: date) -> str:
        """That doctor's day: each booking (escaped stored text), and time off."""
        views = self.details(doctor.id, day) if self.details else []
        views = [v for v in views if v.status not in ("cancelled", "no_show")]
        lines = [f"<b>{esc(doctor.display_name)}</b> {esc(day_title(day))} · "
                 + esc(self.tr("{0} 个预约").format(len(views)))]
        for off in self.time_off_on(doctor.id, day):
            lines.append(f"<span style='color:#B42318'>{esc(self._off_text(off, day))}</span>")
        for v in views[:TOOLTIP_LINES]:
            start, end = v.start.astimezone(self.zone), v.end.astimezone(self.zone)
            lines.append(f"{start:%H:%M}–{end:%H:%M} {esc(v.patient_name)}"
                         f" {esc('、'.join(v.procedures))} · {esc(status_label(v.status))}")
        if len(views) > TOOLTIP_LINES:
            lines.append(esc(self.tr("…另有 {0} 个").format(len(views) - TOOLTIP_LINES)))
        if not views and self.works(doctor.id, day):
            lines.append(esc(self.tr("没有预约")))
        hint = self.tr("双击打开这一天")
        lines.append(f"<i>{esc(hint)}</i>")
        return "<qt>" + "<br>".join(lines) + "</qt>"

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            cell = self.cell_at(event.pos())
            if cell is None:
                QToolTip.hideText()
                return True
            row, column = cell
            QToolTip.showText(event.globalPos(), self.tooltip_html(
                self.data.doctors[row], self.data.days[column]), self)
            return True
        if event.type() == QEvent.Type.Leave and self.hover is not None:
            self.hover = None
            self.update()
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        cell = self.cell_at(event.position().toPoint())
        if cell != self.hover:
            self.hover = cell
            self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        cell = self.cell_at(event.position().toPoint())
        if cell is not None:
            row, column = cell
            self.day_requested.emit(self.data.doctors[row].id, self.data.days[column])
