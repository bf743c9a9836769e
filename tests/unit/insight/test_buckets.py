"""The date-bucketing helper: the same keys on each engine as in Python, and PostgreSQL SQL
that uses none of SQLite's date functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from clinic_desktop.context import Context
from clinic_desktop.services.insight import buckets
from clinic_desktop.services.insight.buckets import Grain
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from tests.unit.insight.clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    """The hand-built clinic (tests/unit/insight/clinic.py) on the suite's fixed clock."""
    return build(admin_ctx)


@pytest.mark.parametrize("grain", list(Grain))
def test_sql_keys_match_python_keys(clinic: Clinic, grain: Grain) -> None:
    with clinic.ctx.db.session() as session:
        rows = session.execute(select(Visit.visit_date, buckets.bucket_of_date(
            buckets.dialect_of(session), Visit.visit_date, grain))).all()
    assert rows and all(key == buckets.key_of(day, grain) for day, key in rows)


def test_instants_move_to_the_clinics_day(clinic: Clinic) -> None:
    with clinic.ctx.db.session() as session:
        rows = session.execute(select(LedgerEntry.at, buckets.bucket_of_instant(
            buckets.dialect_of(session), LedgerEntry.at, Grain.DAY, 480))).all()
    for at, key in rows:
        assert key == (at.astimezone(buckets.ZoneInfo("Asia/Shanghai")).date().isoformat())
    # 23:30 on 30 November local is 15:30 UTC, still the 30th; 00:30 local is 1 December
    assert {key for at, key in rows if at == datetime(2026, 11, 30, 15, 30, tzinfo=UTC)} \
        == {"2026-11-30"}
    assert {key for at, key in rows if at == datetime(2026, 11, 30, 16, 30, tzinfo=UTC)} \
        == {"2026-12-01"}


def test_month_index_and_add_months(clinic: Clinic) -> None:
    with clinic.ctx.db.session() as session:
        dialect = buckets.dialect_of(session)
        rows = session.execute(select(
            Visit.visit_date, buckets.month_index(dialect, Visit.visit_date),
            buckets.add_months(dialect, Visit.visit_date, 6))).all()
    assert rows
    for day, index, later in rows:
        assert index == buckets.index_of(day) == day.year * 12 + day.month - 1
        month = day.month + 6
        # SQLite gives the day as text, PostgreSQL as a date: the same day either way
        assert str(later) == date(day.year + (month - 1) // 12, (month - 1) % 12 + 1,
                                  day.day).isoformat()
    assert buckets.month_of_index(2026 * 12 + 10) == "2026-11"


def test_axis_keys_and_grain() -> None:
    assert buckets.keys_between(date(2026, 11, 28), date(2026, 12, 2), Grain.WEEK) == [
        "2026-11-23", "2026-11-30"]
    assert buckets.keys_between(date(2026, 11, 28), date(2027, 1, 2), Grain.MONTH) == [
        "2026-11", "2026-12", "2027-01"]
    assert buckets.grain_for(31) is Grain.DAY and buckets.grain_for(92) is Grain.WEEK
    assert buckets.grain_for(366) is Grain.MONTH


def test_postgresql_sql_uses_no_sqlite_date_function() -> None:
    query = select(
        buckets.bucket_of_date("postgresql", Visit.visit_date, Grain.WEEK),
        buckets.bucket_of_date("postgresql", Visit.visit_date, Grain.MONTH),
        buckets.bucket_of_instant("postgresql", LedgerEntry.at, Grain.DAY, 480),
        buckets.bucket_of_instant("postgresql", LedgerEntry.at, Grain.WEEK, 480),
        buckets.month_index("postgresql", Visit.visit_date),
        buckets.add_months("postgresql", Visit.visit_date, 6))
    sql = str(query.compile(dialect=postgresql.dialect())).lower()
    assert "to_char" in sql and "date_trunc" in sql and "make_interval" in sql
    for sqlite_only in ("strftime", "julianday", "date(", "substr("):
        assert sqlite_only not in sql.replace("date_trunc(", "")
