"""The painted calendar grid: one column per doctor, chair or day, time running down.

All geometry comes from ``clinic_desktop.rules.calendar_layout`` (tested without Qt): the
canvas converts between local wall-clock times and pixels, lays overlapping (加号) bookings
side by side, and turns drags into snapped start/end times. It never writes anything: it
emits what the user asked for and the page calls the services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt, Signal
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
    QResizeEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from clinic_desktop.rules.calendar_layout import (
    Interval,
    TimeAxis,
    fit_column_width,
    layout_overlaps,
    lines_that_fit,
    move_result,
    now_line_y,
    resize_result,
)
from clinic_desktop.rules.schedule_rules import WorkingSpan, status_label
from clinic_desktop.services.calendar import AppointmentView
from clinic_desktop.services.schedule import TimeOffInfo, time_off_kind_label
from ui.widgets.rich_text import esc
from ui.widgets.tier_chip import tier_html

STATUS_COLOURS = {"booked": "#9AA5B1", "confirmed": "#2F80ED", "arrived": "#F79009",
                  "in_treatment": "#7A5AF8", "completed": "#12B76A", "no_show": "#D92D20",
                  "cancelled": "#D0D5DD"}
RESIZE_HANDLE = 6
BLOCK_PADDING = 2  # above and below a block's text


def elided(metrics: QFontMetrics, text: str, width: float) -> str:
    """``text`` cut with "…" to ``width`` pixels (nothing when not even "…" fits)."""
    if width <= 0:
        return ""
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))


@dataclass(frozen=True)
class CalendarColumn:
    key: str
    title: str
    day: date
    doctor_id: int | None = None
    chair_id: int | None = None
    colour: str = "#5B7083"

    def holds(self, view: AppointmentView, local_day: date) -> bool:
        if local_day != self.day:
            return False
        if self.chair_id is not None:
            return view.chair_id == self.chair_id
        return self.doctor_id is None or view.doctor_id == self.doctor_id


@dataclass
class _Block:
    view: AppointmentView
    column: int
    rect: QRectF


@dataclass
class _Drag:
    block: _Block
    mode: str  # "move" or "resize"
    origin: QPoint
    dy: float = 0.0
    column: int = 0


@dataclass
class CanvasData:
    columns: list[CalendarColumn] = field(default_factory=list)
    appointments: list[AppointmentView] = field(default_factory=list)
    hours: dict[int, list[WorkingSpan]] = field(default_factory=dict)
    time_off: list[TimeOffInfo] = field(default_factory=list)


class CalendarCanvas(QWidget):
    """Emits requests; the page decides (and the services refuse) what may happen."""

    book_requested = Signal(object, object, object)  # column, start, end (aware, local)
    relaid = Signal()  # the column width changed: the header follows
    move_requested = Signal(object, object, object, object)  # view, column, start, end
    context_requested = Signal(object, QPoint)  # view, global position
    open_requested = Signal(object)  # view (double-click on a booking)

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarCanvas")
        self.zone = zone
        self.axis = TimeAxis(time(8), time(20), 15, 22.0)
        # Columns share the width they are given, never narrower than this (then the view
        # scrolls sideways): the page sets it per view (doctors' day, one doctor's week).
        self.min_column_width = 110.0
        self.column_width = self.min_column_width
        self.data = CanvasData()
        self.now: datetime | None = None
        self._blocks: list[_Block] = []
        self._drag: _Drag | None = None
        self._select: tuple[int, float, float] | None = None
        # The tier's colour by name, for the tooltip's swatch (the page sets its palette's).
        self.tier_colour: Callable[[str], str | None] = lambda _name: None
        # The patient's mobile as the tooltip shows it: masked as read, or in full once the
        # page's session revealed it (the page sets its own).
        self.mobile_of: Callable[[AppointmentView], str] = lambda v: v.patient_mobile or ""
        self.setMouseTracking(True)
        self._refit()

    # -- data -----------------------------------------------------------------------------
    def set_axis(self, axis: TimeAxis) -> None:
        self.axis = axis
        self._refit()

    def set_data(self, data: CanvasData, *, now: datetime | None = None) -> None:
        self.data = data
        self.now = now
        self._refit()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def _refit(self) -> None:
        """As tall as the day; as wide as the view (the scroll area sizes it), at least the
        narrowest readable columns."""
        count = max(1, len(self.data.columns))
        self.setMinimumSize(int(self.min_column_width * count), int(self.axis.height))
        self.setMaximumHeight(int(self.axis.height))
        self._relayout()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._relayout()

    def _relayout(self) -> None:
        count = max(1, len(self.data.columns))
        self.column_width = fit_column_width(self.width(), count, self.min_column_width)
        self._blocks = []
        for index, column in enumerate(self.data.columns):
            mine = [v for v in self.data.appointments
                    if column.holds(v, v.start.astimezone(self.zone).date())]
            lanes = layout_overlaps([Interval(v.id, v.start, v.end) for v in mine])
            x = index * self.column_width
            for v in mine:
                lane = lanes[v.id]
                top = self.axis.y_for(v.start.astimezone(self.zone))
                bottom = self.axis.y_for(v.end.astimezone(self.zone))
                rect = QRectF(x + 2 + lane.left * (self.column_width - 6), top + 1,
                              lane.width * (self.column_width - 6) - 2, max(bottom - top - 2, 8))
                self._blocks.append(_Block(v, index, rect))
        self.update()
        self.relaid.emit()

    def block_at(self, pos: QPoint) -> _Block | None:
        for block in reversed(self._blocks):
            if block.rect.contains(pos.toPointF()):
                return block
        return None

    def column_at(self, x: float) -> int | None:
        index = int(x // self.column_width)
        return index if 0 <= index < len(self.data.columns) else None

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#EEF1F5"))  # closed: outside working hours
        for index, column in enumerate(self.data.columns):
            self._paint_column(painter, index, column)
        painter.setPen(QPen(QColor("#E3E8EF"), 1))
        for row in self.axis.slot_rows():
            painter.setPen(QPen(QColor("#D5DCE5" if row.label else "#EDF0F4"), 1))
            painter.drawLine(0, int(row.y), self.width(), int(row.y))
        painter.setPen(QPen(QColor("#C9D2DD"), 1))
        for index in range(1, len(self.data.columns)):
            x = int(index * self.column_width)
            painter.drawLine(x, 0, x, self.height())
        for block in self._blocks:
            if self._drag is None or block is not self._drag.block:
                self._paint_block(painter, block.rect, block.view)
        if self._drag is not None:
            self._paint_drag(painter)
        if self._select is not None:
            chosen, y0, y1 = self._select
            painter.fillRect(QRectF(chosen * self.column_width, min(y0, y1), self.column_width,
                                    abs(y1 - y0)), QColor(47, 128, 237, 60))
        self._paint_now(painter)
        painter.end()

    def _paint_column(self, painter: QPainter, index: int, column: CalendarColumn) -> None:
        x = index * self.column_width
        spans = self.data.hours.get(column.doctor_id, []) if column.doctor_id else [
            WorkingSpan(column.day.weekday(), self.axis.day_start, self.axis.day_end)]
        for span in spans:
            if span.weekday == column.day.weekday():
                top, bottom = self.axis.y_for(span.start), self.axis.y_for(span.end)
                painter.fillRect(QRectF(x, top, self.column_width, bottom - top),
                                 QColor("#FFFFFF"))
        for off in self.data.time_off:
            if column.doctor_id is not None and off.doctor_id != column.doctor_id:
                continue
            if column.doctor_id is None:
                continue
            start, end = off.start.astimezone(self.zone), off.end.astimezone(self.zone)
            if start.date() > column.day or end.date() < column.day:
                continue
            top = self.axis.y_for(start) if start.date() == column.day else 0.0
            bottom = self.axis.y_for(end) if end.date() == column.day else self.axis.height
            rect = QRectF(x + 1, max(top, 0), self.column_width - 2,
                          min(bottom, self.axis.height) - max(top, 0))
            # Under the bookings (painted later, opaque): a booking it covers stays readable.
            painter.fillRect(rect, QColor("#E4E7EC"))
            painter.fillRect(rect, QBrush(QColor("#98A2B3"), Qt.BrushStyle.BDiagPattern))
            metrics = QFontMetrics(self.font())
            label = QRectF(rect.left() + 6, rect.top() + 3, rect.width() - 10,
                           metrics.height())
            if label.bottom() <= rect.bottom():
                text = elided(metrics, off.reason or time_off_kind_label(off.kind), label.width())
                painter.fillRect(label.adjusted(-3, 0, 3 - label.width()
                                                + metrics.horizontalAdvance(text), 0),
                                 QColor("#E4E7EC"))
                painter.setPen(QColor("#344054"))
                painter.drawText(label, Qt.AlignmentFlag.AlignVCenter
                                 | Qt.AlignmentFlag.AlignLeft, text)

    def _paint_block(self, painter: QPainter, rect: QRectF, v: AppointmentView) -> None:
        base = QColor(v.colour)
        painter.setPen(QPen(base.darker(130), 1))
        # The procedure's colour at a booking's strength, over white: opaque, so nothing under
        # a booking shows through, in one antialiased shape (the slowest call of the paint).
        painter.setBrush(_over_white(base, 70 if v.status in ("completed", "no_show") else 150))
        painter.drawRoundedRect(rect, 4, 4)
        painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()),
                         QColor(STATUS_COLOURS.get(v.status, "#9AA5B1")))
        self._paint_block_text(painter, rect.adjusted(8, BLOCK_PADDING, -4, -BLOCK_PADDING), v)

    def _paint_block_text(self, painter: QPainter, inner: QRectF, v: AppointmentView) -> None:
        """Whole lines only, each cut with "…" to the block's width: the name; then the
        time and procedures with the status kept whole at the right; then the notes."""
        bold = QFont(self.font())
        bold.setPointSizeF(9.5)
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(8.5)
        big, little = QFontMetrics(bold), QFontMetrics(small)
        title = ("⚠ " if v.has_allergy else "") + ("＋ " if v.override_reason else "") \
            + v.patient_name
        status = status_label(v.status)
        local = v.start.astimezone(self.zone)
        detail = f"{local:%H:%M} {'、'.join(v.procedures)}".strip()
        lines = lines_that_fit(inner.height(), (big.height(), little.height(),
                                                little.height()))
        if lines == 0:
            if little.height() <= inner.height():  # a short booking: its name, smaller
                painter.setFont(small)
                painter.setPen(QColor("#101828"))
                painter.drawText(QRectF(inner.left(), inner.top(), inner.width(),
                                        little.height()), Qt.AlignmentFlag.AlignLeft
                                 | Qt.AlignmentFlag.AlignVCenter,
                                 elided(little, title, inner.width()))
            return
        y = inner.top()
        status_width = little.horizontalAdvance(status) + 6
        # One line: the status beside the name when both fit, else the name alone.
        beside = lines == 1 and inner.width() >= status_width + big.horizontalAdvance("…") * 3
        painter.setFont(bold)
        painter.setPen(QColor("#101828"))
        name_width = inner.width() - (status_width if beside else 0)
        painter.drawText(QRectF(inner.left(), y, name_width, big.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         elided(big, title, name_width))
        if beside:
            self._paint_status(painter, small, QRectF(inner.left(), y, inner.width(),
                                                      big.height()), status)
        y += big.height()
        if lines < 2:
            return
        painter.setFont(small)
        row = QRectF(inner.left(), y, inner.width(), little.height())
        if inner.width() >= status_width + little.horizontalAdvance("00:00"):
            self._paint_status(painter, small, row, status)
            painter.setPen(QColor("#344054"))
            painter.drawText(row.adjusted(0, 0, -status_width, 0), Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter,
                             elided(little, detail, inner.width() - status_width))
        else:
            painter.setPen(QColor("#344054"))
            painter.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             elided(little, f"{detail} {status}", inner.width()))
        y += little.height()
        extra = v.notes or (self.tr("加号：{0}").format(v.override_reason)
                            if v.override_reason else "")
        if lines >= 3 and extra:
            painter.drawText(QRectF(inner.left(), y, inner.width(), little.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             elided(little, " ".join(extra.split()), inner.width()))

    @staticmethod
    def _paint_status(painter: QPainter, font: QFont, row: QRectF, status: str) -> None:
        painter.setFont(font)
        painter.setPen(QColor("#1D2939"))
        painter.drawText(row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         status)

    def _paint_drag(self, painter: QPainter) -> None:
        assert self._drag is not None
        start, end = self._drag_result()
        column = self._drag.column
        top = self.axis.y_for(start)
        bottom = self.axis.y_for(end)
        rect = QRectF(column * self.column_width + 2, top, self.column_width - 6, bottom - top)
        painter.setOpacity(0.85)
        self._paint_block(painter, rect, self._drag.block.view)
        painter.setOpacity(1.0)

    def _paint_now(self, painter: QPainter) -> None:
        if self.now is None:
            return
        local = self.now.astimezone(self.zone)
        y = now_line_y(local, self.axis)
        if y is None:
            return
        painter.setPen(QPen(QColor("#D92D20"), 2))
        for index, column in enumerate(self.data.columns):
            if column.day == local.date():
                x = index * self.column_width
                painter.drawLine(int(x), int(y), int(x + self.column_width), int(y))

    # -- interaction ----------------------------------------------------------------------
    def _drag_result(self) -> tuple[datetime, datetime]:
        assert self._drag is not None
        v = self._drag.block.view
        start, end = v.start.astimezone(self.zone), v.end.astimezone(self.zone)
        if self._drag.mode == "resize":
            return resize_result(start, end, self._drag.dy, self.axis)
        start, end = move_result(start, end, self._drag.dy, self.axis)
        day = self.data.columns[self._drag.column].day
        shift = datetime.combine(day, time(0), self.zone) - datetime.combine(
            start.date(), time(0), self.zone)
        return start + shift, end + shift

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position().toPoint()
        block = self.block_at(pos)
        if event.button() == Qt.MouseButton.RightButton:
            if block is not None:
                self.context_requested.emit(block.view, event.globalPosition().toPoint())
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if block is not None:
            if block.view.status in ("completed", "cancelled", "no_show"):
                return
            near_bottom = block.rect.bottom() - pos.y() <= RESIZE_HANDLE
            self._drag = _Drag(block, "resize" if near_bottom else "move", pos,
                               column=block.column)
            return
        column = self.column_at(pos.x())
        if column is not None:
            self._select = (column, pos.y(), pos.y())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position().toPoint()
        if self._drag is not None:
            self._drag.dy = pos.y() - self._drag.origin.y()
            if self._drag.mode == "move":
                column = self.column_at(pos.x())
                self._drag.column = self._drag.column if column is None else column
            self.update()
            return
        if self._select is not None:
            self._select = (self._select[0], self._select[1], pos.y())
            self.update()
            return
        block = self.block_at(pos)
        near_bottom = block is not None and block.rect.bottom() - pos.y() <= RESIZE_HANDLE
        self.setCursor(Qt.CursorShape.SizeVerCursor if near_bottom else
                       Qt.CursorShape.OpenHandCursor if block else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._drag is not None:
            drag, self._drag = self._drag, None
            moved = abs(drag.dy) >= 3 or drag.column != drag.block.column
            if moved:
                self._drag = drag
                start, end = self._drag_result()
                self._drag = None
                self.move_requested.emit(drag.block.view, self.data.columns[drag.column],
                                         start, end)
            self.update()  # a refused move springs back: the block was never moved
            return
        if self._select is not None:
            column, y0, y1 = self._select
            self._select = None
            self.update()
            if abs(y1 - y0) >= self.axis.height_for(self.axis.slot_minutes) / 2:
                first, last = self.axis.slot_range(min(y0, y1), max(y0, y1))
                day = self.data.columns[column].day
                self.book_requested.emit(self.data.columns[column],
                                         datetime.combine(day, first, self.zone),
                                         datetime.combine(day, last, self.zone))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        pos = event.position().toPoint()
        self._select = None
        self._drag = None
        block = self.block_at(pos)
        if block is not None:
            self.open_requested.emit(block.view)
            return
        column = self.column_at(pos.x())
        if column is None:
            return
        start, end = self.axis.slot_range(pos.y(), pos.y())
        day = self.data.columns[column].day
        self.book_requested.emit(self.data.columns[column], datetime.combine(day, start, self.zone),
                                 None)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            block = self.block_at(event.pos())
            if block is None:
                QToolTip.hideText()
                return True
            QToolTip.showText(event.globalPos(), self.tooltip_html(block.view), self)
            return True
        return super().event(event)

    def tooltip_html(self, v: AppointmentView) -> str:
        """A booking's tooltip: rich (our <b>, <br>, colour) around escaped stored values,
        marked as rich explicitly: QToolTip would otherwise guess from the text."""
        local_start, local_end = v.start.astimezone(self.zone), v.end.astimezone(self.zone)
        lines = [f"<b>{esc(v.patient_name)}</b> {esc(self.mobile_of(v))}",
                 f"{local_start:%m-%d %H:%M}–{local_end:%H:%M} · {status_label(v.status)}",
                 esc("、".join(v.procedures) or "—")]
        if v.patient_tier:
            lines.append(self.tr("会员：{0}").format(
                tier_html(v.patient_tier, self.tier_colour(v.patient_tier))))
        if v.has_allergy:
            allergy = self.tr("⚠ 有过敏史")
            lines.append(f"<span style='color:#D92D20'>{allergy}</span>")
        if v.override_reason:
            lines.append(self.tr("加号：{0}").format(esc(v.override_reason)))
        if v.notes:
            lines.append(esc(v.notes))
        return "<qt>" + "<br>".join(lines) + "</qt>"


def _over_white(colour: QColor, alpha: int) -> QColor:
    """``colour`` at ``alpha`` (0–255) painted over white, as one opaque colour."""
    share = alpha / 255
    return QColor(*(round(part * share + 255 * (1 - share))
                    for part in (colour.red(), colour.green(), colour.blue())))
