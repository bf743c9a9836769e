"""By procedure, category, source and doctor; the patients behind a bar (November 2026)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.breakdowns import (
    by_category,
    by_procedure,
    by_source,
    doctor_ranking,
)
from clinic_desktop.services.insight.dashboard import dashboard
from clinic_desktop.services.insight.drill import patients_behind
from tests.unit.insight.clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    """The hand-built clinic (tests/unit/insight/clinic.py) on the suite's fixed clock."""
    return build(admin_ctx)

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def _triples(rows: list) -> list[tuple[str, Decimal, int, int]]:  # type: ignore[type-arg]
    return [(r.name, r.revenue, r.visits, r.patients) for r in rows]


def test_by_procedure_nets_the_visits_discount_into_its_lines(clinic: Clinic) -> None:
    # implant 10000 less A's 500 discount; 补牙 B 500 + 500, D 500; 洁牙 B, C, E 200 each
    assert _triples(by_procedure(clinic.ctx, NOVEMBER)) == [
        ("测试种植", Decimal("9500.00"), 1, 1), ("测试补牙", Decimal("1500.00"), 3, 2),
        ("测试洁牙", Decimal("600.00"), 3, 3)]


def test_by_category(clinic: Clinic) -> None:
    assert _triples(by_category(clinic.ctx, NOVEMBER)) == [
        ("种植", Decimal("9500.00"), 1, 1), ("补牙", Decimal("1500.00"), 3, 2),
        ("洁牙", Decimal("600.00"), 3, 3)]


def test_by_source_names_the_patients_without_one(clinic: Clinic) -> None:
    # 抖音: A 9500, B 700 + 500, E 200; 转介绍: D 500; none: C 200 (imported)
    assert _triples(by_source(clinic.ctx, NOVEMBER)) == [
        ("抖音", Decimal("10900.00"), 4, 3), ("转介绍", Decimal("500.00"), 1, 1),
        ("未填写来源", Decimal("200.00"), 1, 1)]


def test_doctor_ranking(clinic: Clinic) -> None:
    wang, li = doctor_ranking(clinic.ctx, NOVEMBER)
    # 王: A 9500, C 200, E 200 — all three seen before November; A rated 5
    assert (wang.name, wang.revenue, wang.visits, wang.patients, wang.new_patients,
            wang.repeat_rate, wang.average_ticket, wang.satisfaction) == (
        "王医生", Decimal("9900.00"), 3, 3, 0, 1.0, Decimal("3300.00"), 5.0)
    # 李: B 700 + 500, D 500 — both new; B rated 3
    assert (li.name, li.revenue, li.visits, li.patients, li.new_patients, li.repeat_rate,
            li.average_ticket, li.satisfaction) == (
        "李医生", Decimal("1700.00"), 3, 2, 2, 0.0, Decimal("566.67"), 3.0)


def test_dashboard_reads_everything_at_once(clinic: Clinic) -> None:
    board = dashboard(clinic.ctx, NOVEMBER)
    assert board.summary.current.revenue == Decimal("11600.00")
    assert list(board.by_procedure) == by_procedure(clinic.ctx, NOVEMBER)
    assert list(board.doctors) == doctor_ranking(clinic.ctx, NOVEMBER)


def test_patients_behind_a_bar(clinic: Clinic) -> None:
    behind = patients_behind(clinic.ctx, NOVEMBER, what="category", key="补牙")
    assert behind.total == 2
    assert [(r.name, r.visits, r.revenue, r.last_visit) for r in behind.rows] == [
        ("白杨", 2, Decimal("1000.00"), date(2026, 11, 20)),
        ("丁香", 1, Decimal("500.00"), date(2026, 11, 30))]
    capped = patients_behind(clinic.ctx, NOVEMBER, what="source", key="抖音", sort="visits",
                             limit=1)
    assert capped.total == 3 and [r.name for r in capped.rows] == ["白杨"]
    none = patients_behind(clinic.ctx, NOVEMBER, what="source", key="")
    assert [r.name for r in none.rows] == ["陈旧"]
    doctor = patients_behind(clinic.ctx, NOVEMBER, what="doctor",
                             key=str(clinic.doctors["李医生"]), sort="name")
    assert {r.name for r in doctor.rows} == {"白杨", "丁香"}
    with pytest.raises(UserError):
        patients_behind(clinic.ctx, NOVEMBER, what="tag", key="x")


def test_a_long_period_counts_the_same_lines_by_either_path(
        clinic: Clinic, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a quarter the period's lines are reached by a pass over the treatments instead of
    the date index (``common.visit_day``): the same lines, its first and last days in,
    the days either side out."""
    from clinic_desktop.services.insight import breakdowns, common
    from clinic_desktop.services.insight.common import bounds_of

    # From A's March visit to B's second one: D's (11-30) and E's first (2025) are outside.
    long = Period(date(2026, 3, 10), date(2026, 11, 20))
    assert long.days > common.BY_DATE_MAX_DAYS
    reads = (by_procedure, by_category, by_source, doctor_ranking)
    passed = [read(clinic.ctx, long) for read in reads]
    with clinic.ctx.transaction() as session:
        assert "coalesce(visit.visit_date, visit.visit_date)" in str(
            breakdowns.lines_in(session, bounds_of(session, long)))
    monkeypatch.setattr(common, "BY_DATE_MAX_DAYS", long.days)  # through the index
    with clinic.ctx.transaction() as session:
        assert "coalesce(visit.visit_date" not in str(
            breakdowns.lines_in(session, bounds_of(session, long)))
    assert [read(clinic.ctx, long) for read in reads] == passed
    assert _triples(passed[0]) == [
        ("测试种植", Decimal("9500.00"), 1, 1), ("测试补牙", Decimal("1000.00"), 2, 1),
        ("测试洁牙", Decimal("800.00"), 4, 4)]
