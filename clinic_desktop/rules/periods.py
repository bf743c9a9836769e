"""Report periods: the local days a figure covers, and the periods it is compared with.

A period is a run of whole clinic-local days, first and last included. What falls in it is
read through its UTC bounds (``utc_bounds``), computed in the clinic's zone, so a day of 23
or 25 hours (where the zone has summer time) is still exactly one day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class PeriodKind(StrEnum):
    TODAY = "today"
    WEEK = "week"  # Monday to Sunday
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"a period ends on or after its first day: {self.first}–{self.last}")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The same number of days just before (a calendar month is compared with the
        month before it, whatever its length)."""
        if self.first.day == 1 and (self.last + timedelta(days=1)).day == 1:
            months = _months_between(self.first, self.last + timedelta(days=1))
            start = _add_months(self.first, -months)
            return Period(start, self.first - timedelta(days=1))
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def year_before(self) -> Period:
        """The same days a year earlier (29 February becomes the 28th)."""
        return Period(_add_months(self.first, -12), _add_months(self.last, -12))

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def period_of(kind: PeriodKind, today: date) -> Period:
    """The period of ``kind`` that holds ``today`` (CUSTOM has no default: build a Period)."""
    if kind is PeriodKind.TODAY:
        return Period(today, today)
    if kind is PeriodKind.WEEK:
        monday = today - timedelta(days=today.weekday())
        return Period(monday, monday + timedelta(days=6))
    if kind is PeriodKind.MONTH:
        first = today.replace(day=1)
    elif kind is PeriodKind.QUARTER:
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    elif kind is PeriodKind.YEAR:
        first = date(today.year, 1, 1)
    else:
        raise ValueError("a custom period is given by its days")
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    return Period(first, _add_months(first, months) - timedelta(days=1))


def utc_bounds(period: Period, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """``[start of the first day, start of the day after the last)`` as UTC instants (kept
    in the clinic's zone, Python would subtract them as wall times: a 23-hour day as 24)."""
    return (datetime.combine(period.first, time(0), zone).astimezone(UTC),
            datetime.combine(period.last + timedelta(days=1), time(0), zone).astimezone(UTC))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _months_between(first: date, after: date) -> int:
    return (after.year - first.year) * 12 + after.month - first.month
