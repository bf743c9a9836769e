"""Next free slots: the earliest openings for one doctor or any doctor, and a chair.

Per doctor and local day, the working spans (turned into UTC instants with the clinic's
``tz``) minus the doctor's merged busy time (blocking bookings and time off) give free
windows; slots are cut from those windows on the local step grid. Doctors are walked lazily
and merged by start time, so a search that finds its ``limit`` slots on the first morning
never looks at the other thirteen days. The cost is O(bookings · log bookings) to sort plus
O(windows + slots) to sweep — never a minute-by-minute scan.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import islice

from clinic_desktop.rules.schedule_rules import Booking, TimeOff, WorkingSpan

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_Span = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class FreeSlot:
    doctor_id: int
    chair_id: int | None
    start: datetime
    end: datetime


def _merge(spans: Iterable[_Span]) -> list[_Span]:
    """Sorted union of spans; touching spans join (08–12 and 12–14 make 08–14)."""
    merged: list[_Span] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _busy(bookings: Iterable[Booking], time_off: Iterable[TimeOff] = ()) -> list[_Span]:
    spans = [(b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in bookings if b.blocks]
    spans += [(t.start.astimezone(UTC), t.end.astimezone(UTC)) for t in time_off]
    return _merge(spans)


def _ceil_grid(t: datetime, step: timedelta, tz: tzinfo) -> datetime:
    """First instant at or after ``t`` on the clinic-local grid (08:00, 08:05, …)."""
    # Shifting by the UTC offset turns local wall time into epoch arithmetic; offsets in use
    # are whole quarter hours, so the grid stays aligned on both sides of a DST change.
    offset = t.astimezone(tz).utcoffset() or timedelta(0)
    rest = (t + offset - _EPOCH) % step
    return t if not rest else t + (step - rest)


class _Chairs:
    """Merged busy time per chair, to ask which chair (in the caller's order) is free."""

    def __init__(self, chair_ids: Sequence[int],
                 chair_bookings: Mapping[int, Sequence[Booking]]) -> None:
        self.ids = list(dict.fromkeys(chair_ids))
        self.busy = [_busy(chair_bookings.get(c, ())) for c in self.ids]
        self.ends = [[e for _, e in spans] for spans in self.busy]

    def first_free(self, start: datetime, end: datetime) -> int | datetime:
        """The first chair free for ``[start, end)``, else the earliest moment worth retrying."""
        retry: datetime | None = None
        for chair_id, busy, ends in zip(self.ids, self.busy, self.ends, strict=True):
            i = bisect_right(ends, start)  # first busy span still running at ``start``
            if i == len(busy) or busy[i][0] >= end:
                return chair_id
            # Busy spans are merged, so this chair is free right after this one ends.
            retry = busy[i][1] if retry is None else min(retry, busy[i][1])
        assert retry is not None, "caller guarantees at least one chair"
        return retry


def _free_windows(spans: Sequence[WorkingSpan], busy: list[_Span], start: datetime,
                  horizon: datetime, tz: tzinfo) -> Iterator[_Span]:
    """One doctor's free stretches between ``start`` and ``horizon``, in order."""
    ends = [e for _, e in busy]
    day, last = start.astimezone(tz).date(), horizon.astimezone(tz).date()
    while day <= last:
        work = _merge(sp.on(day, tz) for sp in spans if sp.weekday == day.weekday())
        for a, b in work:
            a, b = max(a, start), min(b, horizon)
            i = bisect_right(ends, a)  # busy spans ending at or before ``a`` do not matter
            while a < b:
                if i < len(busy) and busy[i][0] < b:
                    if busy[i][0] > a:
                        yield a, busy[i][0]
                    a, i = max(a, busy[i][1]), i + 1
                else:
                    yield a, b
                    break
        day += timedelta(days=1)


def _doctor_slots(doctor_id: int, windows: Iterator[_Span], duration: timedelta,
                  step: timedelta, tz: tzinfo, chairs: _Chairs | None) -> Iterator[FreeSlot]:
    # Slots of one doctor follow each other without overlapping: offering 08:00, 08:05,
    # 08:10 … for a free morning would bury the other doctors and the other days.
    for a, b in windows:
        s = _ceil_grid(a, step, tz)
        while s + duration <= b:
            chair = chairs.first_free(s, s + duration) if chairs is not None else None
            if isinstance(chair, datetime):
                s = _ceil_grid(chair, step, tz)
                continue
            yield FreeSlot(doctor_id, chair, s, s + duration)
            s = _ceil_grid(s + duration, step, tz)


def next_free_slots(*, duration: timedelta, after: datetime, days: int = 14,
                    doctors: Sequence[int],
                    working_spans: Mapping[int, Sequence[WorkingSpan]],
                    time_off: Mapping[int, Sequence[TimeOff]],
                    bookings: Mapping[int, Sequence[Booking]], tz: tzinfo,
                    step_minutes: int = 5, limit: int = 10,
                    chair_ids: Sequence[int] | None = None,
                    chair_bookings: Mapping[int, Sequence[Booking]] | None = None,
                    ) -> list[FreeSlot]:
    """The earliest ``limit`` free slots of ``duration`` within ``[after, after + days)``.

    ``doctors`` is one id or all of them ("any doctor"); ties at the same start follow its
    order. Mappings are keyed by doctor id (``chair_bookings`` by chair id); a doctor with
    no working spans has no slots. With ``chair_ids`` each slot also needs one of those
    chairs free for its whole length, and names the first such chair in that order.
    """
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    if duration <= timedelta(0) or step_minutes <= 0 or days < 0 or limit < 0:
        raise ValueError("duration and step_minutes must be positive, days and limit >= 0")
    if chair_ids is not None and not chair_ids:
        return []  # a chair is required but none may be used
    start = after.astimezone(UTC)
    horizon = start + timedelta(days=days)
    step = timedelta(minutes=step_minutes)
    chairs = _Chairs(chair_ids, chair_bookings or {}) if chair_ids is not None else None
    order = list(dict.fromkeys(doctors))
    rank = {doctor_id: i for i, doctor_id in enumerate(order)}
    streams = [
        _doctor_slots(d, _free_windows(working_spans.get(d, ()),
                                       _busy(bookings.get(d, ()), time_off.get(d, ())),
                                       start, horizon, tz),
                      duration, step, tz, chairs)
        for d in order
    ]
    merged = heapq.merge(*streams, key=lambda slot: (slot.start, rank[slot.doctor_id]))
    return list(islice(merged, limit))
