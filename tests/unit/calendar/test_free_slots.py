"""The free-slot finder, checked by hand and against a brute-force minute scan."""

from __future__ import annotations

import time as wallclock
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from clinic_desktop.rules.free_slots import FreeSlot, next_free_slots
from clinic_desktop.rules.schedule_rules import STATUSES, Booking, TimeOff, WorkingSpan

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_8_TO_12 = [WorkingSpan(d, time(8), time(12)) for d in range(7)]


def sh(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def bk(doctor: int, start: datetime, minutes: int, *, chair: int | None = None,
       status: str = "booked") -> Booking:
    return Booking(None, doctor, chair, 100, start, start + timedelta(minutes=minutes), status)


def find(doctors: Sequence[int], *, after: datetime, minutes: int = 30,
         bookings: Mapping[int, Sequence[Booking]] | None = None,
         time_off: Mapping[int, Sequence[TimeOff]] | None = None,
         **kw: object) -> list[tuple[int, int | None, datetime]]:
    slots = next_free_slots(
        duration=timedelta(minutes=minutes), after=after, doctors=doctors,
        working_spans={d: WEEKDAYS_8_TO_12 for d in doctors}, time_off=time_off or {},
        bookings=bookings or {}, tz=SHANGHAI, **kw)  # type: ignore[arg-type]
    assert all(s.end - s.start == timedelta(minutes=minutes) for s in slots)
    return [(s.doctor_id, s.chair_id, s.start) for s in slots]


def test_slots_skip_bookings_and_follow_each_other() -> None:
    booked = {1: [bk(1, sh(8, 30), 30)]}
    assert find([1], after=sh(8), bookings=booked, limit=3) == [
        (1, None, sh(8)), (1, None, sh(9)), (1, None, sh(9, 30))]


def test_start_is_rounded_up_to_the_local_grid() -> None:
    assert find([1], after=sh(8, 3), limit=1) == [(1, None, sh(8, 5))]
    assert find([1], after=sh(8, 3), limit=1, step_minutes=15) == [(1, None, sh(8, 15))]
    # A 25-minute slot: the next one starts on the grid after it, not at 08:25.
    assert find([1], after=sh(8), minutes=25, limit=2, step_minutes=15) == [
        (1, None, sh(8)), (1, None, sh(8, 30))]


def test_gap_too_short_is_skipped() -> None:
    booked = {1: [bk(1, sh(8), 20), bk(1, sh(8, 45), 60)]}
    assert find([1], after=sh(8), bookings=booked, minutes=30, limit=1) == [(1, None, sh(9, 45))]


def test_cancelled_and_no_show_free_the_slot_but_time_off_does_not() -> None:
    booked = {1: [bk(1, sh(8), 60, status="cancelled"), bk(1, sh(9), 60, status="no_show")]}
    assert find([1], after=sh(8), bookings=booked, limit=1) == [(1, None, sh(8))]
    off = {1: [TimeOff(1, sh(8), sh(11), "会议")]}
    assert find([1], after=sh(8), time_off=off, limit=1) == [(1, None, sh(11))]


def test_next_day_when_today_is_full() -> None:
    booked = {1: [bk(1, sh(8), 240)]}
    assert find([1], after=sh(8), bookings=booked, limit=1) == [(1, None, sh(8, day=25))]


def test_any_doctor_picks_the_earliest_and_ties_follow_the_order() -> None:
    booked = {1: [bk(1, sh(8), 120)], 2: [bk(2, sh(8), 60)], 3: [bk(3, sh(8), 60)]}
    assert find([1, 2, 3], after=sh(8), bookings=booked, limit=3) == [
        (2, None, sh(9)), (3, None, sh(9)), (2, None, sh(9, 30))]
    assert find([3, 2], after=sh(8), bookings=booked, limit=2) == [
        (3, None, sh(9)), (2, None, sh(9))]
    assert find([1], after=sh(8), bookings=booked, limit=1) == [(1, None, sh(10))]


def test_a_free_chair_is_required_when_chairs_are_given() -> None:
    chairs = {1: [bk(9, sh(8), 60, chair=1)], 2: [bk(9, sh(8), 30, chair=2)]}
    assert find([1], after=sh(8), chair_ids=[1, 2], chair_bookings=chairs, limit=3) == [
        (1, 2, sh(8, 30)), (1, 1, sh(9)), (1, 1, sh(9, 30))]
    # Whichever chair frees up first is found, whatever its place in the order.
    assert find([1], after=sh(8), chair_ids=[1, 2], chair_bookings={
        2: [bk(9, sh(8), 60, chair=2)], 1: [bk(9, sh(8), 30, chair=1)]}, limit=1) == [
        (1, 1, sh(8, 30))]
    assert find([1], after=sh(8), chair_ids=[], limit=3) == []
    assert find([1], after=sh(8), chair_ids=[2], limit=1) == [(1, 2, sh(8))]


def test_half_open_edges_and_touching_spans() -> None:
    # A chair (or doctor) busy from 08:30 leaves 08:00-08:30 free.
    chairs = {1: [bk(9, sh(8, 30), 30, chair=1)]}
    assert find([1], after=sh(8), chair_ids=[1], chair_bookings=chairs, limit=1) == [
        (1, 1, sh(8))]
    assert find([1], after=sh(8), bookings={1: [bk(1, sh(8, 30), 200)]}, limit=1) == [
        (1, None, sh(8))]
    # 08:00-12:00 and 12:00-14:00 are one stretch: a slot may run across noon.
    spans = [WorkingSpan(1, time(8), time(12)), WorkingSpan(1, time(12), time(14))]
    slots = next_free_slots(duration=timedelta(minutes=60), after=sh(11, 30), doctors=[1],
                            working_spans={1: spans}, time_off={}, bookings={}, tz=SHANGHAI,
                            limit=1)
    assert [(s.start, s.end) for s in slots] == [(sh(11, 30), sh(12, 30))]


def test_window_ends_after_days() -> None:
    booked = {1: [bk(1, sh(8), 240)]}
    assert find([1], after=sh(8), bookings=booked, days=1) == []
    assert find([1], after=sh(8), bookings=booked, days=0) == []
    # The window is [after, after + 1 day): next morning up to 11:30 counts, 11:30 does not.
    slots = find([1], after=sh(11, 30), days=1, limit=20)
    assert slots[0] == (1, None, sh(11, 30)) and len(slots) == 8
    assert slots[-1] == (1, None, sh(11, day=25))


def test_doctor_without_hours_has_no_slots() -> None:
    slots = next_free_slots(duration=timedelta(minutes=30), after=sh(8), doctors=[1, 2],
                            working_spans={2: WEEKDAYS_8_TO_12}, time_off={}, bookings={},
                            tz=SHANGHAI, limit=2)
    assert [s.doctor_id for s in slots] == [2, 2]


def test_local_hours_across_dst() -> None:
    # Berlin springs forward on Sunday 2026-03-29: 08:00 local is 07:00 UTC, then 06:00 UTC.
    slots = next_free_slots(duration=timedelta(minutes=60), after=datetime(2026, 3, 28, tzinfo=UTC),
                            doctors=[1], working_spans={1: [WorkingSpan(d, time(8), time(9))
                                                            for d in range(7)]},
                            time_off={}, bookings={}, tz=BERLIN, limit=3)
    assert [s.start for s in slots] == [datetime(2026, 3, 28, 7, tzinfo=UTC),
                                        datetime(2026, 3, 29, 6, tzinfo=UTC),
                                        datetime(2026, 3, 30, 6, tzinfo=UTC)]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        find([1], after=datetime(2026, 11, 24, 8), limit=1)  # noqa: DTZ001
    with pytest.raises(ValueError):
        find([1], after=sh(8), minutes=0)


def test_twenty_doctors_two_weeks_fully_booked_is_fast() -> None:
    doctors = list(range(1, 21))
    day0 = date(2026, 11, 23)
    spans = [WorkingSpan(d, time(8), time(12)) for d in range(7)] + [
        WorkingSpan(d, time(13), time(18, 30)) for d in range(7)]
    bookings: dict[int, list[Booking]] = {}
    for doc in doctors:
        rows = []
        for day in range(14):
            start = datetime.combine(day0 + timedelta(days=day), time(8), SHANGHAI)
            # 30 bookings of 20 minutes fill every working minute (with a lunch gap).
            rows += [bk(doc, (start + timedelta(minutes=20 * i)).astimezone(UTC), 20)
                     for i in range(12)]
            start = datetime.combine(day0 + timedelta(days=day), time(13), SHANGHAI)
            rows += [bk(doc, (start + timedelta(minutes=20 * i)).astimezone(UTC), 20)
                     for i in range(18)]
        bookings[doc] = rows[::-1]  # unsorted input must be fine
    after = datetime.combine(day0, time(7), SHANGHAI).astimezone(UTC)
    began = wallclock.perf_counter()
    slots = next_free_slots(duration=timedelta(minutes=30), after=after, doctors=doctors,
                            working_spans=dict.fromkeys(doctors, spans), time_off={},
                            bookings=bookings, tz=SHANGHAI)
    elapsed = wallclock.perf_counter() - began
    assert slots == []
    assert elapsed < 0.5, f"{elapsed:.3f}s"


# --- brute force ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    tz: ZoneInfo
    after: datetime
    days: int
    duration: int
    step: int
    limit: int
    doctors: list[int]
    spans: dict[int, list[WorkingSpan]]
    off: dict[int, list[TimeOff]]
    bookings: dict[int, list[Booking]]
    chair_ids: list[int] | None
    chair_bookings: dict[int, list[Booking]]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    tz = draw(st.sampled_from([SHANGHAI, BERLIN]))
    base = draw(st.sampled_from([date(2026, 11, 23), date(2026, 3, 28), date(2026, 10, 24)]))

    def instant(day: int, minute: int) -> datetime:
        local = datetime.combine(base + timedelta(days=day), time(0), tz)
        return (local + timedelta(minutes=minute)).astimezone(UTC)

    def intervals(max_size: int) -> list[tuple[datetime, datetime]]:
        # Half on the 5-minute grid so that boundaries often touch exactly.
        on_grid = st.tuples(st.integers(0, 2), st.integers(60, 260).map(lambda m: m * 5),
                            st.integers(1, 24).map(lambda n: n * 5))
        anywhere = st.tuples(st.integers(0, 2), st.integers(300, 1300), st.integers(1, 120))
        raw = draw(st.lists(on_grid | anywhere, max_size=max_size))
        return [(instant(d, m), instant(d, m) + timedelta(minutes=n)) for d, m, n in raw]

    doctors = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    weekdays = [(base + timedelta(days=i)).weekday() for i in range(3)]
    spans = {d: [WorkingSpan(wd, time(*divmod(s * 5, 60)), time(*divmod(min(s + n, 287) * 5, 60)))
                 for wd, s, n in draw(st.lists(st.tuples(
                     st.sampled_from(weekdays), st.integers(72, 240), st.integers(1, 48)),
                     min_size=1, max_size=4))]
             for d in set(doctors)}
    bookings = {d: [Booking(None, d, None, 1, s, e, draw(st.sampled_from(STATUSES)))
                    for s, e in intervals(6)] for d in set(doctors)}
    off = {d: [TimeOff(d, s, e) for s, e in intervals(2)] for d in set(doctors)}
    chair_ids = draw(st.none() | st.lists(st.integers(1, 3), max_size=3))
    chair_bookings = {c: [Booking(None, 9, c, 1, s, e) for s, e in intervals(5)]
                      for c in (1, 2, 3)}
    return Case(tz, instant(0, draw(st.integers(0, 1439))), draw(st.integers(1, 2)),
                draw(st.integers(5, 90)), draw(st.sampled_from([5, 10, 15, 30])),
                draw(st.integers(1, 12)), doctors, spans, off, bookings, chair_ids,
                chair_bookings)


def _minutes(start: datetime, end: datetime) -> range:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return range(int((start - epoch).total_seconds()) // 60,
                 int((end - epoch).total_seconds()) // 60)


def brute_force(case: Case) -> list[FreeSlot]:
    """Every minute from ``after``: on the local grid, inside hours, nothing busy."""
    horizon = case.after + timedelta(days=case.days)
    local0 = case.after.astimezone(case.tz).date() - timedelta(days=1)
    found: list[FreeSlot] = []
    for doctor in dict.fromkeys(case.doctors):
        working: set[int] = set()
        for i in range(case.days + 3):
            day = local0 + timedelta(days=i)
            for sp in case.spans[doctor]:
                if sp.weekday == day.weekday():
                    working.update(_minutes(datetime.combine(day, sp.start, case.tz),
                                            datetime.combine(day, sp.end, case.tz)))
        busy = {m for b in case.bookings[doctor] if b.status not in ("cancelled", "no_show")
                for m in _minutes(b.start, b.end)}
        busy |= {m for t in case.off[doctor] for m in _minutes(t.start, t.end)}
        chair_busy = {c: {m for b in case.chair_bookings[c] for m in _minutes(b.start, b.end)}
                      for c in (1, 2, 3)}
        t, free_from = case.after, case.after
        while t + timedelta(minutes=case.duration) <= horizon:
            end = t + timedelta(minutes=case.duration)
            local = t.astimezone(case.tz)
            on_grid = (local.hour * 60 + local.minute) % case.step == 0
            minutes = set(_minutes(t, end)) if on_grid and t >= free_from else set()
            if minutes and minutes <= working and not minutes & busy:
                chair = None
                if case.chair_ids is not None:
                    chair = next((c for c in case.chair_ids if not minutes & chair_busy[c]), None)
                if case.chair_ids is None or chair is not None:
                    found.append(FreeSlot(doctor, chair, t, end))
                    free_from = end
            t += timedelta(minutes=1)
    rank = {d: i for i, d in enumerate(dict.fromkeys(case.doctors))}
    found.sort(key=lambda s: (s.start, rank[s.doctor_id]))
    return found[:case.limit]


@settings(max_examples=150, deadline=None)
@given(cases())
def test_agrees_with_brute_force(case: Case) -> None:
    slots = next_free_slots(
        duration=timedelta(minutes=case.duration), after=case.after, days=case.days,
        doctors=case.doctors, working_spans=case.spans, time_off=case.off,
        bookings=case.bookings, tz=case.tz, step_minutes=case.step, limit=case.limit,
        chair_ids=case.chair_ids, chair_bookings=case.chair_bookings)
    expected = brute_force(case)
    event("slots found" if expected else "no slot")
    if case.chair_ids:
        event("with chairs")
    assert slots == expected
