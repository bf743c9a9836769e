"""Funnel, cohorts, active/dormant/lost, patient mix and the care figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.context import Context
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.clinic import write_setting
from clinic_desktop.services.insight.activity_settings import (
    DORMANT_MONTHS_KEY,
    LOST_MONTHS_KEY,
    ActivityThresholds,
    activity_thresholds,
)
from clinic_desktop.services.insight.care_stats import care_stats
from clinic_desktop.services.insight.complaints import complaints
from clinic_desktop.services.insight.mix import patient_mix
from clinic_desktop.services.insight.retention import (
    activity_over_time,
    cohorts,
    source_funnel,
)
from tests.unit.insight.clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    """The hand-built clinic (tests/unit/insight/clinic.py) on the suite's fixed clock."""
    return build(admin_ctx)

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def test_source_funnel(clinic: Clinic) -> None:
    rows = {r.name: r for r in source_funnel(clinic.ctx, NOVEMBER)}
    # 抖音: B and F are new; B came back on the 20th (within six months); nobody had an implant
    douyin = rows["抖音"]
    assert (douyin.new_patients, douyin.first_visit, douyin.second_visit, douyin.high_value,
            douyin.revenue) == (2, 2, 1, 0, Decimal("10900.00"))
    referral = rows["转介绍"]
    assert (referral.new_patients, referral.first_visit, referral.second_visit) == (1, 1, 0)
    # C (no source) is not new, but its revenue shows
    assert rows["未填写来源"].new_patients == 0
    assert rows["未填写来源"].revenue == Decimal("200.00")


def test_high_value_stage_counts_an_implant_after_the_first_visit(clinic: Clinic) -> None:
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    (douyin,) = [r for r in source_funnel(clinic.ctx, march) if r.name == "抖音"]
    # A: first seen 10 March; back 5 November (beyond six months); had the implant then
    assert (douyin.new_patients, douyin.second_visit, douyin.high_value) == (1, 0, 1)


def test_cohort_table(clinic: Clinic) -> None:
    rows = cohorts(clinic.ctx, Period(date(2026, 3, 1), date(2026, 11, 30)))
    assert [r.month for r in rows][:2] == ["2026-03", "2026-04"] and len(rows) == 9
    march = rows[0]
    assert march.size == 1 and march.returned[7] == 1  # A, back 8 months later
    assert sum(march.returned) == 1
    november = rows[-1]
    assert november.size == 3 and sum(november.returned) == 0  # B, D, F


def test_active_dormant_lost_month_by_month(clinic: Clinic) -> None:
    months = {m.month: (m.active, m.dormant, m.lost)
              for m in activity_over_time(clinic.ctx, last_day=date(2026, 11, 30), months=9)}
    assert months["2026-04"] == (2, 0, 1)  # A (March), E (Nov 2025) active; C (2019) lost
    assert months["2026-08"] == (1, 1, 1)  # A active (5 months), E dormant (9)
    assert months["2026-10"] == (0, 2, 1)  # A 7 months, E 11: dormant
    assert months["2026-11"] == (6, 0, 0)  # everyone seen (F by the record's date)


def test_activity_thresholds_come_from_the_settings(clinic: Clinic) -> None:
    with clinic.ctx.db.session(write=True) as session:
        assert activity_thresholds(session) == ActivityThresholds(6, 12)
        write_setting(session, DORMANT_MONTHS_KEY, 3)
        write_setting(session, LOST_MONTHS_KEY, 8)
    months = {m.month: (m.active, m.dormant, m.lost)
              for m in activity_over_time(clinic.ctx, last_day=date(2026, 10, 31), months=1)}
    assert months["2026-10"] == (0, 1, 2)  # A 7 months: dormant; E 11: lost
    with clinic.ctx.db.session(write=True) as session:
        write_setting(session, LOST_MONTHS_KEY, 2)  # not after dormant: the defaults
        assert activity_thresholds(session) == ActivityThresholds(6, 12)
        write_setting(session, DORMANT_MONTHS_KEY, "abc")
        write_setting(session, LOST_MONTHS_KEY, 12)
        assert activity_thresholds(session) == ActivityThresholds(6, 12)


def test_patient_mix_by_age_band_and_sex(clinic: Clinic) -> None:
    rows = {r.key: r for r in patient_mix(clinic.ctx, NOVEMBER)}
    every = rows["*"]
    # A 36 → 18–39; B 11 → 0–12; C unknown; D 65 → 60+; E 40 on the 30th → 40–59
    assert every.ages == (1, 0, 1, 1, 1, 1)
    assert (every.male, every.female, every.sex_unknown) == (2, 2, 1)
    assert rows["补牙"].ages == (1, 0, 0, 0, 1, 0)  # B and D
    assert rows["种植"].patients == 1


def test_care_figures(clinic: Clinic) -> None:
    c = care_stats(clinic.ctx, NOVEMBER)
    # call tasks due: t1–t5 (t6 is a reminder, t7 cancelled); closed by a call: t1, t4, t5
    assert (c.callbacks_due, c.callbacks_done, c.callbacks_reached,
            c.bookings_from_callbacks) == (5, 3, 2, 1)
    assert (c.recalls_due, c.recalls_booked, c.recall_compliance) == (2, 1, 0.5)
    assert (c.satisfaction, c.satisfaction_count) == (4.0, 2)
    assert (c.complaints_new, c.complaints_new_open, c.complaints_open_now) == (1, 1, 2)


def test_complaints_queue(clinic: Clinic) -> None:
    queue = complaints(clinic.ctx)
    assert queue.total == 2
    assert [r.complaint for r in queue.rows] == ["预约被改期", "等候时间太长"]  # oldest first
    assert [r.name for r in complaints(clinic.ctx, state="resolved").rows] == ["丁香"]
    assert complaints(clinic.ctx, state="all").total == 3
