"""The headline numbers of November 2026 on the hand-built clinic (tests/unit/insight/clinic.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.summary import MethodAmount, figures, summary
from tests.unit.insight.clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    """The hand-built clinic (tests/unit/insight/clinic.py) on the suite's fixed clock."""
    return build(admin_ctx)

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def test_revenue_is_charges_less_discounts_by_the_entrys_local_day(clinic: Clinic) -> None:
    f = figures(clinic.ctx, NOVEMBER)
    # charges: A 10000, B 700 + 500, C 200 (imported), D 500 (23:30 on the 30th), E 200
    assert f.charges == Decimal("12100.00")
    assert f.discounts == Decimal("500.00")  # A's tier discount
    assert f.revenue == Decimal("11600.00")


def test_payments_are_money_received_by_method_refunds_netted(clinic: Clinic) -> None:
    f = figures(clinic.ctx, NOVEMBER)
    # cash: A 9500 + B 500 − B's refund 100 + C's '现金' 200 = 10100; alipay 200 − 200
    # (reversed) = 0, left out; WeChat 200. B's 700 from the card is not money received,
    # nor is the top-up; D's card payment is at 00:30 on 1 December.
    assert f.payments_by_method == (MethodAmount("cash", Decimal("10100.00")),
                                    MethodAmount("wechat", Decimal("200.00")))
    assert f.payments == Decimal("10300.00")
    assert f.refunds == Decimal("100.00")


def test_stored_value_is_kept_apart(clinic: Clinic) -> None:
    f = figures(clinic.ctx, NOVEMBER)
    assert (f.stored_value_sold, f.stored_value_bonus, f.stored_value_spent) == (
        Decimal("1000.00"), Decimal("100.00"), Decimal("700.00"))
    assert f.stored_value_bonus_spent == Decimal("0.00")


def test_visits_patients_new_and_returning(clinic: Clinic) -> None:
    f = figures(clinic.ctx, NOVEMBER)
    assert f.visits == 6  # A, B twice, C (imported), D, E
    assert f.patients_seen == 5
    # new: first day in November — B, D and F (F by the date on the record, not seen)
    assert f.new_patients == 3
    assert f.returning_patients == 3  # A, C (legacy first visit 2019), E
    assert f.average_ticket == Decimal("1933.33")  # 11600 / 6
    assert f.repeat_rate == 0.6  # 3 / 5


def test_appointment_rates(clinic: Clinic) -> None:
    f = figures(clinic.ctx, NOVEMBER)
    assert (f.appointments, f.cancelled, f.no_shows) == (5, 1, 1)  # 1 Dec 00:30 left out
    assert f.no_show_rate == 0.25  # 1 / (5 − 1)
    assert f.cancellation_rate == 0.2  # 1 / 5


def test_time_zone_boundary_on_a_single_day(clinic: Clinic) -> None:
    last_day = figures(clinic.ctx, Period(date(2026, 11, 30), date(2026, 11, 30)))
    assert last_day.charges == Decimal("500.00") and last_day.payments == Decimal("0.00")
    next_day = figures(clinic.ctx, Period(date(2026, 12, 1), date(2026, 12, 1)))
    assert next_day.payments == Decimal("500.00") and next_day.charges == Decimal("0.00")


def test_comparisons_previous_period_and_year_before(clinic: Clinic) -> None:
    s = summary(clinic.ctx, NOVEMBER)
    assert s.previous.period == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert (s.previous.revenue, s.previous.visits, s.previous.average_ticket,
            s.previous.repeat_rate) == (Decimal("0.00"), 0, Decimal("0.00"), 0.0)
    assert s.year_before.period == Period(date(2025, 11, 1), date(2025, 11, 30))
    assert (s.year_before.revenue, s.year_before.visits, s.year_before.new_patients,
            s.year_before.payments) == (Decimal("200.00"), 1, 1, Decimal("200.00"))
    assert s.current == figures(clinic.ctx, NOVEMBER)


def test_overlapping_periods_are_read_one_by_one(clinic: Clinic) -> None:
    """A custom period longer than a year overlaps its year-before: each is read alone."""
    long = Period(date(2025, 11, 1), date(2026, 11, 30))
    s = summary(clinic.ctx, long)
    assert s.current.revenue == Decimal("11600.00") + Decimal("400.00")  # + A in March, E
    assert s.year_before.revenue == Decimal("200.00")  # 2024-11 .. 2025-11-30: E's visit


def test_needs_the_reports_permission(clinic: Clinic) -> None:
    desk = Context(db=clinic.ctx.db, clock=clinic.ctx.clock,
                   actor=Actor(None, "desk", "前台", Role.RECEPTIONIST))
    with pytest.raises(PermissionDenied):
        summary(desk, NOVEMBER)


def test_a_period_of_more_than_ten_years_is_refused(clinic: Clinic) -> None:
    with pytest.raises(UserError):
        figures(clinic.ctx, Period(date(2010, 1, 1), date(2026, 11, 30)))
