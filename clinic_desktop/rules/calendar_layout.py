"""Time↔pixel arithmetic and the overlap layout of the day and week views, free of Qt.

The calendar widget only paints. Every number it needs — where 10:15 is on screen, which
doctor column the mouse is over, how wide an override (加号) booking is drawn, where a
dragged block lands — comes from here, so the geometry is tested without a display.
Times handed to the axis are wall-clock times of the clinic (local), never UTC instants.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from itertools import accumulate
from typing import Any, Generic, Literal, Protocol, TypeVar, overload

SLOT_CHOICES = (5, 10, 15, 30)
_Rounding = Literal["nearest", "floor", "ceil"]
# Nearest rounds halves up, so a block dropped exactly between two slots takes the later one.
_ROUND: dict[str, Callable[[float], int]] = {
    "nearest": lambda q: math.floor(q + 0.5), "floor": math.floor, "ceil": math.ceil}


def minute_of_day(t: time | datetime) -> float:
    """Minutes since midnight of a wall-clock time, seconds kept as a fraction."""
    if isinstance(t, datetime):
        t = t.time()
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60_000_000


def _time_at(minutes: float) -> time:
    # Whole seconds: a sub-second time is meaningless in a calendar and keeps labels clean.
    seconds = min(max(round(minutes * 60), 0), 24 * 3600 - 1)
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def _midnight(dt: datetime) -> datetime:
    return dt.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class SlotRow:
    """One row of the time column; ``label`` is set on the hour ("08:00"), else None."""

    index: int
    start: time
    y: float
    label: str | None


@dataclass(frozen=True, slots=True)
class TimeAxis:
    """The vertical axis of a day column: ``day_start``–``day_end`` cut into equal slots."""

    day_start: time = time(8)
    day_end: time = time(20)
    slot_minutes: int = 15
    pixels_per_slot: float = 24.0

    def __post_init__(self) -> None:
        if self.slot_minutes not in SLOT_CHOICES:
            raise ValueError(f"slot_minutes must be one of {SLOT_CHOICES}")
        if not self.pixels_per_slot > 0:  # also refuses NaN
            raise ValueError("pixels_per_slot must be positive")
        if self.start_minute >= self.end_minute:
            raise ValueError("day_start must be before day_end")
        # Off-grid bounds would make the first and last rows ragged and snapping ambiguous.
        if self.start_minute % self.slot_minutes or self.end_minute % self.slot_minutes:
            raise ValueError("day_start and day_end must lie on the slot grid")

    @property
    def start_minute(self) -> float:
        return minute_of_day(self.day_start)

    @property
    def end_minute(self) -> float:
        return minute_of_day(self.day_end)

    @property
    def pixels_per_minute(self) -> float:
        return self.pixels_per_slot / self.slot_minutes

    @property
    def slot_count(self) -> int:
        return round(self.end_minute - self.start_minute) // self.slot_minutes

    @property
    def height(self) -> float:
        return self.height_for(self.end_minute - self.start_minute)

    def height_for(self, minutes: float) -> float:
        """Pixel height of a block lasting ``minutes``."""
        return minutes * self.pixels_per_minute

    def y_for(self, t: time | datetime) -> float:
        """Pixel offset of a wall-clock time from the top; not clamped, so blocks can clip."""
        return self.height_for(minute_of_day(t) - self.start_minute)

    def time_for(self, y: float) -> time:
        """Wall-clock time at pixel offset ``y``, clamped to the axis."""
        y = min(max(y, 0.0), self.height)
        return _time_at(self.start_minute + y / self.pixels_per_minute)

    def grid_minute(self, minutes: float, rounding: _Rounding = "nearest") -> float:
        """``minutes`` (since midnight) moved onto the slot grid and into the axis."""
        k = _ROUND[rounding](minutes / self.slot_minutes)
        return min(max(k * self.slot_minutes, self.start_minute), self.end_minute)

    @overload
    def snap(self, t: time, *, floor: bool = False) -> time: ...
    @overload
    def snap(self, t: datetime, *, floor: bool = False) -> datetime: ...
    def snap(self, t: time | datetime, *, floor: bool = False) -> time | datetime:
        """Nearest (or, with ``floor``, earlier) slot boundary on the axis; idempotent."""
        m = self.grid_minute(minute_of_day(t), "floor" if floor else "nearest")
        if isinstance(t, datetime):
            return _midnight(t) + timedelta(minutes=m)
        return _time_at(m)

    def slot_rows(self) -> list[SlotRow]:
        starts = [self.start_minute + i * self.slot_minutes for i in range(self.slot_count)]
        return [SlotRow(i, _time_at(m), i * self.pixels_per_slot,
                        f"{int(m) // 60:02d}:00" if m % 60 == 0 else None)
                for i, m in enumerate(starts)]

    def slot_range(self, y0: float, y1: float) -> tuple[time, time]:
        """Times covered by a mouse drag (or click) from ``y0`` to ``y1``: whole slots, ≥ 1."""
        lo, hi = sorted((y0, y1))
        start = self.grid_minute(minute_of_day(self.time_for(lo)), "floor")
        end = self.grid_minute(minute_of_day(self.time_for(hi)), "ceil")
        if end - start < self.slot_minutes:  # a click, or a drag inside one slot
            end = min(start + self.slot_minutes, self.end_minute)
            start = end - self.slot_minutes
        return _time_at(start), _time_at(end)


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    """Doctor/chair columns right of a fixed time column, scrolled horizontally by ``scroll_x``.

    x values are viewport coordinates: the time column covers ``[0, time_column_width)`` and
    stays in place, so a column scrolled under it is not hit by :meth:`col_at`.
    """

    widths: tuple[float, ...]
    time_column_width: float = 56.0
    scroll_x: float = 0.0
    _lefts: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if any(not w > 0 for w in self.widths):
            raise ValueError("column widths must be positive")
        object.__setattr__(self, "_lefts", tuple(accumulate(self.widths, initial=0.0))[:-1])

    @classmethod
    def uniform(cls, count: int, width: float, *, time_column_width: float = 56.0,
                scroll_x: float = 0.0) -> ColumnLayout:
        return cls((width,) * count, time_column_width, scroll_x)

    @property
    def content_width(self) -> float:
        return sum(self.widths)

    def x_for(self, col: int) -> float:
        """Viewport x of the left edge of column ``col``."""
        return self.time_column_width + self._lefts[col] - self.scroll_x

    def col_at(self, x: float) -> int | None:
        """Column under viewport x, or None over the time column or past the last column."""
        if x < self.time_column_width:
            return None
        cx = x - self.time_column_width + self.scroll_x
        if cx < 0 or cx >= self.content_width:
            return None
        return bisect_right(self._lefts, cx) - 1

    def max_scroll(self, viewport_width: float) -> float:
        return max(0.0, self.content_width - (viewport_width - self.time_column_width))

    def scrolled_to(self, scroll_x: float, viewport_width: float) -> ColumnLayout:
        """The same columns scrolled to ``scroll_x``, kept within the scrollable range."""
        return replace(self, scroll_x=min(max(scroll_x, 0.0), self.max_scroll(viewport_width)))

    def visible_columns(self, viewport_width: float) -> range:
        """Columns at least partly visible; only these need painting."""
        left = self.scroll_x
        right = self.scroll_x + viewport_width - self.time_column_width
        if right <= left or left >= self.content_width:
            return range(0)
        first = max(bisect_right(self._lefts, left) - 1, 0)
        return range(first, bisect_left(self._lefts, right))


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=Hashable)
P = TypeVar("P", bound=_Ordered)


@dataclass(frozen=True, slots=True)
class Interval(Generic[K, P]):
    """A half-open ``[start, end)`` item to lay out; ``start``/``end`` may be any ordered type."""

    id: K
    start: P
    end: P


@dataclass(frozen=True, slots=True)
class Lane:
    """Side-by-side position of a booking: lane ``index`` of ``count`` in its column."""

    index: int
    count: int

    @property
    def left(self) -> float:
        """Left edge as a fraction of the column width."""
        return self.index / self.count

    @property
    def width(self) -> float:
        return 1.0 / self.count


def layout_overlaps(items: Sequence[Interval[K, P]]) -> dict[K, Lane]:
    """Give each item a lane so overlapping items sit side by side.

    Items are split into clusters (chains of overlaps); inside a cluster each item takes
    the lowest lane free at its start. For intervals this greedy colouring is optimal, so a
    cluster uses exactly as many lanes as the most items overlapping at one moment, and an
    item overlapping nothing keeps the full width.
    """
    if len({it.id for it in items}) != len(items):
        raise ValueError("interval ids must be unique")
    if any(it.end < it.start for it in items):
        raise ValueError("an interval ends before it starts")
    result: dict[K, Lane] = {}
    cluster: list[tuple[K, int]] = []
    cluster_end: P | None = None
    busy: list[tuple[P, int]] = []  # (end, lane) of items still running, earliest end first
    free: list[int] = []
    lanes = 0

    def close_cluster() -> None:
        for key, lane in cluster:
            result[key] = Lane(lane, lanes)

    for it in sorted(items, key=lambda it: (it.start, it.end)):
        if cluster_end is not None and not it.start < cluster_end:
            close_cluster()
            cluster, busy, free, lanes, cluster_end = [], [], [], 0, None
        while busy and not it.start < busy[0][0]:
            heapq.heappush(free, heapq.heappop(busy)[1])
        lane = heapq.heappop(free) if free else lanes
        lanes = max(lanes, lane + 1)
        heapq.heappush(busy, (it.end, lane))
        cluster.append((it.id, lane))
        if cluster_end is None or cluster_end < it.end:
            cluster_end = it.end
    close_cluster()
    return result


def move_result(start: datetime, end: datetime, dy_pixels: float,
                axis: TimeAxis) -> tuple[datetime, datetime]:
    """Where a block dragged by ``dy_pixels`` lands: same length, start snapped, on the axis."""
    length = end - start
    minutes = length.total_seconds() / 60
    target = axis.grid_minute(minute_of_day(start) + dy_pixels / axis.pixels_per_minute)
    # The block must end by day_end; an off-grid length would push the start off the grid.
    latest = axis.grid_minute(axis.end_minute - minutes, "floor")
    target = max(min(target, latest), axis.start_minute)
    new_start = _midnight(start) + timedelta(minutes=target)
    return new_start, new_start + length


def resize_result(start: datetime, end: datetime, dy_pixels: float, axis: TimeAxis,
                  min_minutes: int | None = None) -> tuple[datetime, datetime]:
    """Start and new end after dragging the lower edge: snapped, at least ``min_minutes``."""
    shortest = axis.slot_minutes if min_minutes is None else min_minutes
    day = _midnight(start)
    start_m = (start - day).total_seconds() / 60
    end_m = (end - day).total_seconds() / 60 + dy_pixels / axis.pixels_per_minute
    # grid_minute clamps to day_end; the minimum length wins even if it overruns the axis.
    new_end = max(axis.grid_minute(end_m), start_m + shortest)
    return start, day + timedelta(minutes=new_end)


def now_line_y(now: time | datetime, axis: TimeAxis) -> float | None:
    """Where to draw the current-time line, or None when ``now`` is off the axis."""
    m = minute_of_day(now)
    if m < axis.start_minute or m > axis.end_minute:
        return None
    return axis.y_for(now)


def hour_labels(axis: TimeAxis, scroll_y: float, viewport_height: float,
                label_height: float) -> list[tuple[float, str]]:
    """Hour labels of the time column scrolled by ``scroll_y``: (centre y in the viewport,
    text), each centred on its hour line. Only lines inside the viewport get a label; one
    near an edge is pushed inside, so none is cut and no two overprint."""
    half = label_height / 2
    placed: list[tuple[float, str]] = []
    for row in axis.slot_rows():
        y = row.y - scroll_y
        if row.label is None or not 0 <= y <= viewport_height:
            continue
        y = min(max(y, half), max(viewport_height - half, half))
        if placed and y - placed[-1][0] < label_height:
            continue  # hours closer than a label (a tiny zoom, or one pushed in): skip it
        placed.append((y, row.label))
    return placed


def fit_column_width(available: float, count: int, minimum: float) -> float:
    """Columns share ``available`` pixels; never narrower than ``minimum`` (then it scrolls)."""
    return max(minimum, available / max(count, 1))


def lines_that_fit(height: float, line_heights: Sequence[float]) -> int:
    """How many of the lines, from the first, fit whole in ``height``: never half a line."""
    used, count = 0.0, 0
    for line in line_heights:
        used += line
        if used > height + 1e-9:
            break
        count += 1
    return count
