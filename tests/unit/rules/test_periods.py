from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.rules.periods import Period, PeriodKind, period_of, utc_bounds


@pytest.mark.parametrize(("kind", "first", "last"), [
    (PeriodKind.TODAY, date(2026, 11, 18), date(2026, 11, 18)),
    (PeriodKind.WEEK, date(2026, 11, 16), date(2026, 11, 22)),
    (PeriodKind.MONTH, date(2026, 11, 1), date(2026, 11, 30)),
    (PeriodKind.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
    (PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
])
def test_each_kind_holds_the_day(kind: PeriodKind, first: date, last: date) -> None:
    assert period_of(kind, date(2026, 11, 18)) == Period(first, last)


def test_a_month_is_compared_with_the_whole_month_before() -> None:
    march = Period(date(2027, 3, 1), date(2027, 3, 31))
    assert march.previous() == Period(date(2027, 2, 1), date(2027, 2, 28))
    quarter = Period(date(2026, 4, 1), date(2026, 6, 30))
    assert quarter.previous() == Period(date(2026, 1, 1), date(2026, 3, 31))


def test_other_periods_are_compared_with_as_many_days_before() -> None:
    ten = Period(date(2026, 11, 5), date(2026, 11, 14))
    assert ten.previous() == Period(date(2026, 10, 26), date(2026, 11, 4))
    assert ten.days == 10


def test_the_year_before_keeps_the_days_and_shortens_a_leap_day() -> None:
    assert Period(date(2028, 2, 1), date(2028, 2, 29)).year_before() == \
        Period(date(2027, 2, 1), date(2027, 2, 28))


def test_bounds_are_local_midnights() -> None:
    start, end = utc_bounds(Period(date(2026, 11, 1), date(2026, 11, 30)),
                            ZoneInfo("Asia/Shanghai"))
    assert start == datetime(2026, 10, 31, 16, 0, tzinfo=ZoneInfo("UTC"))
    assert end == datetime(2026, 11, 30, 16, 0, tzinfo=ZoneInfo("UTC"))


def test_a_summer_time_day_is_exact() -> None:
    start, end = utc_bounds(Period(date(2026, 3, 8), date(2026, 3, 8)),
                            ZoneInfo("America/New_York"))
    assert (end - start).total_seconds() == 23 * 3600


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        Period(date(2026, 2, 2), date(2026, 2, 1))
