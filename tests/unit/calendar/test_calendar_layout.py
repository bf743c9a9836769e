"""Time↔pixel arithmetic, column geometry, overlap lanes and drag math of the calendar."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_desktop.rules.calendar_layout import (
    ColumnLayout,
    Interval,
    Lane,
    TimeAxis,
    fit_column_width,
    hour_labels,
    layout_overlaps,
    lines_that_fit,
    minute_of_day,
    move_result,
    now_line_y,
    resize_result,
)

BERLIN = ZoneInfo("Europe/Berlin")

axes = st.builds(
    lambda slot, start_slot, n_slots, px: TimeAxis(
        time(*divmod(start_slot * slot, 60)),
        time(*divmod(min(start_slot + n_slots, 24 * 60 // slot - 1) * slot, 60)),
        slot, px),
    slot=st.sampled_from([5, 10, 15, 30]),
    start_slot=st.integers(0, 40),
    n_slots=st.integers(1, 100),
    px=st.floats(4, 200, allow_nan=False),
)


def test_axis_basics() -> None:
    axis = TimeAxis(time(8), time(18), 15, 20.0)
    assert axis.slot_count == 40
    assert axis.height == 800
    assert axis.y_for(time(8)) == 0
    assert axis.y_for(time(10, 15)) == 9 * 20
    assert axis.y_for(datetime(2026, 3, 29, 10, 15, tzinfo=BERLIN)) == 180
    assert axis.y_for(time(7, 45)) == -20  # not clamped: a block may start above the view
    assert axis.time_for(-50) == time(8) and axis.time_for(10_000) == time(18)
    assert axis.time_for(30) == time(8, 22, 30)
    assert axis.height_for(45) == 60


def test_axis_validation() -> None:
    with pytest.raises(ValueError):
        TimeAxis(time(8), time(18), 20, 10)
    with pytest.raises(ValueError):
        TimeAxis(time(18), time(8), 15, 10)
    with pytest.raises(ValueError):
        TimeAxis(time(8, 5), time(18), 15, 10)
    with pytest.raises(ValueError):
        TimeAxis(time(8), time(18), 15, 0)


def test_snap_nearest_and_floor() -> None:
    axis = TimeAxis(time(8), time(18), 15, 20.0)
    assert axis.snap(time(10, 7)) == time(10)
    assert axis.snap(time(10, 8)) == time(10, 15)
    assert axis.snap(time(10, 14), floor=True) == time(10)
    assert axis.snap(time(6)) == time(8) and axis.snap(time(19)) == time(18)
    dt = datetime(2026, 3, 29, 10, 8, 31, tzinfo=BERLIN)
    assert axis.snap(dt) == datetime(2026, 3, 29, 10, 15, tzinfo=BERLIN)


def test_slot_rows_label_every_hour() -> None:
    rows = TimeAxis(time(8), time(10), 30, 12.0).slot_rows()
    assert [(r.start, r.y, r.label) for r in rows] == [
        (time(8), 0, "08:00"), (time(8, 30), 12, None),
        (time(9), 24, "09:00"), (time(9, 30), 36, None)]


def test_slot_range_for_click_and_drag() -> None:
    axis = TimeAxis(time(8), time(18), 15, 20.0)
    assert axis.slot_range(25, 25) == (time(8, 15), time(8, 30))  # a click takes one slot
    assert axis.slot_range(95, 25) == (time(8, 15), time(9, 15))
    assert axis.slot_range(799, 799) == (time(17, 45), time(18))


@given(axes, st.floats(-100, 5000, allow_nan=False))
def test_y_time_round_trip(axis: TimeAxis, y: float) -> None:
    clamped = min(max(y, 0), axis.height)
    assert abs(axis.y_for(axis.time_for(y)) - clamped) <= 1.0


@given(axes, st.integers(0, 24 * 3600 - 1))
def test_snap_is_idempotent_and_on_grid(axis: TimeAxis, seconds: int) -> None:
    t = time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    for floor in (False, True):
        snapped = axis.snap(t, floor=floor)
        assert axis.snap(snapped, floor=floor) == snapped
        assert axis.snap(snapped, floor=not floor) == snapped
        assert minute_of_day(snapped) % axis.slot_minutes == 0
        assert axis.day_start <= snapped <= axis.day_end
        if axis.day_start <= t <= axis.day_end:
            assert abs(minute_of_day(snapped) - minute_of_day(t)) <= axis.slot_minutes
            assert floor is False or snapped <= t


def test_columns_with_fixed_time_column_and_scrolling() -> None:
    cols = ColumnLayout((100.0, 150.0, 100.0), time_column_width=50)
    assert [cols.x_for(i) for i in range(3)] == [50, 150, 300]
    assert cols.col_at(10) is None  # the time column
    assert [cols.col_at(x) for x in (50, 149.9, 150, 399.9)] == [0, 0, 1, 2]
    assert cols.col_at(400) is None
    assert cols.visible_columns(250) == range(0, 2)

    scrolled = cols.scrolled_to(120, viewport_width=250)
    assert scrolled.scroll_x == 120
    assert scrolled.x_for(0) == -70  # under the time column, which stays put
    assert scrolled.col_at(60) == 1 and scrolled.col_at(40) is None
    assert scrolled.visible_columns(250) == range(1, 3)
    assert cols.scrolled_to(10_000, 250).scroll_x == cols.max_scroll(250) == 150
    assert cols.scrolled_to(-5, 250).scroll_x == 0
    assert ColumnLayout.uniform(20, 120).content_width == 2400
    with pytest.raises(ValueError):
        ColumnLayout((100.0, 0.0))


@given(st.lists(st.floats(10, 300), min_size=1, max_size=12), st.floats(0, 4000))
def test_col_at_inverts_x_for(widths: list[float], scroll: float) -> None:
    cols = ColumnLayout(tuple(widths), 60).scrolled_to(scroll, 800)
    for i, w in enumerate(widths):
        mid = cols.x_for(i) + w / 2
        if mid >= cols.time_column_width:
            assert cols.col_at(mid) == i
            assert i in cols.visible_columns(800) or mid >= 800


def test_overlap_layout_side_by_side() -> None:
    lanes = layout_overlaps([
        Interval("a", 0, 30), Interval("b", 10, 40), Interval("c", 30, 60),
        Interval("d", 60, 90),  # touches c only at the boundary: its own cluster
    ])
    assert lanes == {"a": Lane(0, 2), "b": Lane(1, 2), "c": Lane(0, 2), "d": Lane(0, 1)}
    assert (lanes["b"].left, lanes["b"].width) == (0.5, 0.5)
    # A late item takes the lowest lane that is free again, so blocks stay to the left.
    lanes = layout_overlaps([Interval("a", 0, 10), Interval("b", 0, 20), Interval("c", 0, 100),
                             Interval("d", 25, 30)])
    assert lanes["d"] == Lane(0, 3)
    with pytest.raises(ValueError):
        layout_overlaps([Interval(1, 0, 10), Interval(1, 5, 15)])
    with pytest.raises(ValueError):
        layout_overlaps([Interval(1, 10, 0)])


def _overlaps(a: Interval[int, int], b: Interval[int, int]) -> bool:
    return a.start < b.end and b.start < a.end


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=40))
def test_lanes_never_overlap_and_match_max_clique(raw: list[tuple[int, int]]) -> None:
    items = [Interval(i, s, s + n) for i, (s, n) in enumerate(raw)]
    lanes = layout_overlaps(items)
    assert set(lanes) == {it.id for it in items}
    for a in items:
        for b in items:
            if a.id < b.id and _overlaps(a, b):
                assert lanes[a.id].index != lanes[b.id].index
    # Clusters = connected components of the overlap graph, found independently.
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a in items:
        for b in items:
            if _overlaps(a, b):
                parent[root(a.id)] = root(b.id)
    clusters: dict[int, list[Interval[int, int]]] = {}
    for it in items:
        clusters.setdefault(root(it.id), []).append(it)
    for members in clusters.values():
        # For intervals the largest clique is the most items running at one start.
        clique = max(sum(m.start <= p.start < m.end for m in members) for p in members)
        assert {lanes[m.id].count for m in members} == {clique}
        assert all(0 <= lanes[m.id].index < clique for m in members)


def test_move_snaps_keeps_length_and_stays_on_axis() -> None:
    axis = TimeAxis(time(8), time(18), 15, 20.0)
    start = datetime(2026, 3, 29, 10, 0, tzinfo=BERLIN)
    end = datetime(2026, 3, 29, 10, 45, tzinfo=BERLIN)
    assert move_result(start, end, 47, axis) == (start.replace(minute=30),
                                                 end.replace(hour=11, minute=15))
    assert move_result(start, end, -10_000, axis) == (start.replace(hour=8),
                                                      end.replace(hour=8))
    assert move_result(start, end, 10_000, axis) == (start.replace(hour=17, minute=15),
                                                     end.replace(hour=18, minute=0))


def test_resize_snaps_with_minimum_length() -> None:
    axis = TimeAxis(time(8), time(18), 15, 20.0)
    start = datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)
    end = datetime(2026, 11, 24, 10, 30, tzinfo=BERLIN)
    assert resize_result(start, end, 22, axis) == (start, end.replace(minute=45))
    assert resize_result(start, end, -200, axis) == (start, end.replace(minute=15))
    assert resize_result(start, end, -200, axis, min_minutes=30) == (start, end)
    assert resize_result(start, end, 10_000, axis)[1] == end.replace(hour=18, minute=0)


def test_now_line() -> None:
    axis = TimeAxis(time(8), time(18), 15, 20.0)
    assert now_line_y(time(9, 30), axis) == 120
    assert now_line_y(datetime(2026, 11, 24, 7, 59, tzinfo=BERLIN), axis) is None
    assert now_line_y(time(18, 1), axis) is None
    assert now_line_y(time(18), axis) == axis.height


# -- the time column, column widths, lines in a block ---------------------------------------
def test_hour_labels_sit_on_their_lines_once_scrolled() -> None:
    axis = TimeAxis(time(8), time(20), 15, 22.0)  # 88 pixels an hour
    labels = hour_labels(axis, scroll_y=300, viewport_height=404, label_height=16)
    # 08:00–11:00 are above the view (their lines scrolled away): no label, none stacked at 0.
    assert [text for _y, text in labels] == ["12:00", "13:00", "14:00", "15:00", "16:00"]
    assert [y for y, _text in labels] == [52, 140, 228, 316, 404 - 8]  # 16:00 pushed inside
    top = hour_labels(axis, scroll_y=0, viewport_height=400, label_height=16)
    assert top[0] == (8, "08:00")  # the first line is at the very top: its label is not cut


@given(axes, st.floats(0, 5000), st.floats(40, 2000))
def test_hour_labels_never_overprint(axis: TimeAxis, scroll: float, height: float) -> None:
    label = 16.0
    ys = [y for y, _text in hour_labels(axis, scroll, height, label)]
    hour = axis.height_for(60)
    if hour >= label:
        assert all(b - a >= label - 1e-6 for a, b in zip(ys, ys[1:], strict=False))
    assert all(label / 2 - 1e-6 <= y <= max(height - label / 2, label / 2) + 1e-6 for y in ys)


def test_columns_share_the_width_down_to_a_readable_minimum() -> None:
    assert fit_column_width(1000, 7, 60) == pytest.approx(1000 / 7)
    assert fit_column_width(1000, 12, 110) == 110  # then the view scrolls sideways
    assert fit_column_width(500, 0, 110) == 500


def test_only_whole_lines_are_drawn() -> None:
    assert lines_that_fit(23, (17, 15, 15)) == 1  # a 20-minute booking: the name only
    assert lines_that_fit(40, (17, 15, 15)) == 2
    assert lines_that_fit(47, (17, 15, 15)) == 3
    assert lines_that_fit(10, (17, 15)) == 0
