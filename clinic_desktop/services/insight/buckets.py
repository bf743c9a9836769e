"""Date bucketing in SQL, one implementation per engine (chosen by ``dialect.name``).

A report groups by the clinic-local day, ISO week (its Monday) or month of a ``Date`` column
(a visit's day, already local) or of a UTC instant (a ledger entry, an appointment's start),
counts months between two days (cohorts, active/dormant) and adds months to a day (a second
visit "within 6 months"). Services call these helpers, never an engine's own date functions,
so the same query runs on SQLite and PostgreSQL.

SQLite has no date type and no time zones: dates are stored as ``YYYY-MM-DD`` text and
instants as ``YYYY-MM-DD HH:MM:SS[.ffffff]`` UTC text. This module is the one place in the
services that uses SQLite's ``date()`` (with a ``'+N minutes'`` shift, ``'weekday 0'`` and
``'+N months'`` modifiers) and ``substr`` on that stored form; the portable-SQL test allows
it here and nowhere else. PostgreSQL uses ``to_char``, ``date_trunc``, ``extract`` and
``make_interval``.

An instant is moved to local time by the zone's UTC offset at the start of the period being
read (``offset_minutes``). China keeps no summer time, so this is exact there; in a zone with
summer time only the *bucket* of an entry within an hour of the change can be off by one —
which entries a period holds is always decided by ``utc_bounds``, never by this shift.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, String, cast, extract, func, literal
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

Column = ColumnElement[Any] | InstrumentedAttribute[Any]


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"  # keyed by its Monday
    MONTH = "month"


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def offset_minutes(zone: ZoneInfo, day: date) -> int:
    """The zone's UTC offset at the start of ``day``, in minutes."""
    offset = datetime.combine(day, time(0), zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _is_pg(dialect: str) -> bool:
    return dialect == "postgresql"


def local_day(dialect: str, instant: Column, minutes: int) -> ColumnElement[str]:
    """'YYYY-MM-DD' of a UTC instant in the clinic's time."""
    if _is_pg(dialect):
        shifted = instant + func.make_interval(0, 0, 0, 0, 0, literal(minutes))
        return func.to_char(shifted, "YYYY-MM-DD", type_=String)
    return func.date(instant, literal(f"{minutes:+d} minutes"), type_=String)


def day_text(dialect: str, day: Column) -> ColumnElement[str]:
    """'YYYY-MM-DD' of a ``Date`` column."""
    if _is_pg(dialect):
        return func.to_char(day, "YYYY-MM-DD", type_=String)
    return func.date(day, type_=String)


def _week_of_text(dialect: str, day_expr: ColumnElement[str], raw: Column) -> ColumnElement[str]:
    if _is_pg(dialect):
        return func.to_char(func.date_trunc("week", raw), "YYYY-MM-DD", type_=String)
    # 'weekday 0' moves forward to Sunday (staying on a Sunday); six days back is its Monday.
    return func.date(day_expr, "weekday 0", "-6 days", type_=String)


def bucket_of_date(dialect: str, day: Column, grain: Grain) -> ColumnElement[str]:
    """The bucket key of a ``Date`` column: 'YYYY-MM-DD' (a day, or a week's Monday) or
    'YYYY-MM'."""
    if grain is Grain.DAY:
        return day_text(dialect, day)
    if grain is Grain.WEEK:
        return _week_of_text(dialect, day_text(dialect, day), day)
    if _is_pg(dialect):
        return func.to_char(day, "YYYY-MM", type_=String)
    return func.substr(func.date(day), 1, 7, type_=String)


def bucket_of_instant(dialect: str, instant: Column, grain: Grain,
                      minutes: int) -> ColumnElement[str]:
    """The bucket key of a UTC instant, in the clinic's time (keys as ``bucket_of_date``)."""
    if _is_pg(dialect):
        shifted = instant + func.make_interval(0, 0, 0, 0, 0, literal(minutes))
        if grain is Grain.DAY:
            return func.to_char(shifted, "YYYY-MM-DD", type_=String)
        if grain is Grain.WEEK:
            return func.to_char(func.date_trunc("week", shifted), "YYYY-MM-DD", type_=String)
        return func.to_char(shifted, "YYYY-MM", type_=String)
    day = local_day(dialect, instant, minutes)
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return func.date(day, "weekday 0", "-6 days", type_=String)
    return func.substr(day, 1, 7, type_=String)


def month_index(dialect: str, day: Column) -> ColumnElement[int]:
    """year × 12 + month − 1 of a ``Date`` column: months between two days by subtraction."""
    if _is_pg(dialect):
        return (cast(extract("year", day), Integer) * 12
                + cast(extract("month", day), Integer) - 1)
    text = func.date(day)
    return (cast(func.substr(text, 1, 4), Integer) * 12
            + cast(func.substr(text, 6, 2), Integer) - 1)


def add_months(dialect: str, day: Column, months: int) -> ColumnElement[Any]:
    """The ``Date`` column ``months`` later (31 January + 1 month: SQLite gives 3 March,
    PostgreSQL 28 February; the helpers' users compare with it, where that day matters
    once a year at most)."""
    if _is_pg(dialect):
        return cast(day + func.make_interval(0, literal(months)), Date)
    return func.date(day, literal(f"{months:+d} months"))


# -- the same keys for Python dates (axes, labels) --------------------------------------------
def key_of(day: date, grain: Grain) -> str:
    if grain is Grain.DAY:
        return day.isoformat()
    if grain is Grain.WEEK:
        return (day - timedelta(days=day.weekday())).isoformat()
    return f"{day.year:04d}-{day.month:02d}"


def keys_between(first: date, last: date, grain: Grain) -> list[str]:
    """Every bucket key from ``first`` to ``last``, in order (the chart's axis, gaps kept)."""
    keys: list[str] = []
    day = first
    while day <= last:
        key = key_of(day, grain)
        if not keys or keys[-1] != key:
            keys.append(key)
        day += timedelta(days=1)
    return keys


def index_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def grain_for(days: int) -> Grain:
    """A chart's bucket for a period of ``days``: days up to two months, then weeks up to
    half a year, then months."""
    if days <= 62:
        return Grain.DAY
    if days <= 190:
        return Grain.WEEK
    return Grain.MONTH
