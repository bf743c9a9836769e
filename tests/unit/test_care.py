"""Care automation core: plans, idempotent task creation, recalls, reminders, raising, calls."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules.care_plans import CarePlan, Offset, PlanStep, expand_plan, filter_imported
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import billing, care, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.engagement import contacts_of
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.care import CareTask

SH = ZoneInfo("Asia/Shanghai")


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_implant_plan_dates_and_month_ends() -> None:
    plans = {p.key: p for p in _default_plans()}
    treated = local(2026, 3, 10)
    dues = [t.due_at for t in expand_plan(plans["implant"], treated_at=treated,
                                          treatment_key="t1")]
    assert dues == [local(2026, 3, 11), local(2026, 3, 17), local(2027, 3, 10),
                    local(2028, 3, 10), local(2029, 3, 10)]
    refractive = [t.due_at.date() for t in expand_plan(
        plans["refractive"], treated_at=local(2026, 1, 31), treatment_key="t2")]
    assert refractive == [date(2026, 2, 1), date(2026, 2, 7), date(2026, 2, 28),
                          date(2026, 4, 30), date(2026, 7, 31), date(2027, 1, 31)]
    assert Offset(1, "years").apply(local(2024, 2, 29)).date() == date(2025, 2, 28)


def test_repeating_plans_and_stable_keys() -> None:
    plan = CarePlan("clean", "洁牙", ("洁牙",), (PlanStep("m6", Offset(6, "months"), "recall",
                                                       "复查"),), repeat=Offset(6, "months"),
                    repeat_until_years=3)
    first = expand_plan(plan, treated_at=local(2026, 1, 5), treatment_key="t9")
    again = expand_plan(plan, treated_at=local(2026, 1, 5), treatment_key="t9")
    assert [t.dedupe_key for t in first] == [t.dedupe_key for t in again]
    assert len({t.dedupe_key for t in first}) == len(first) == 6
    kept, skipped = filter_imported(first, import_date=date(2027, 8, 4))
    assert (len(kept), skipped) == (4, 2)  # 2027-07-05 is exactly 30 days before: kept


def _default_plans() -> list[CarePlan]:
    from clinic_desktop.package_data import resource
    from clinic_desktop.rules.care_plans import plans_from_json

    return plans_from_json(resource("templates/care_plans.json").read_text(encoding="utf-8"))


def care_clinic(ctx: Context) -> dict[str, int]:
    """A doctor with working hours, one patient, and the catalogue's procedures by name."""
    doctor = add_staff(ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    patient = create_patient(ctx, PatientInput(name="张三", mobile="13800138000"))
    procedures = {p.name: p.id for p in list_procedures(ctx)}
    return {"doctor": doctor, "patient": patient.patient.id, **procedures}


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    return care_clinic(admin_ctx)


def open_tasks(ctx: Context, patient: int) -> list[care.CareTaskInfo]:
    return care.tasks_of_patient(ctx, patient)


def test_completed_treatment_creates_its_plan_once_and_undo_cancels(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    visit = billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                                 doctor_id=clinic["doctor"], treated_at=local(2026, 11, 24, 10),
                                 lines=[TreatmentLine(clinic["种植牙"], Decimal("12000"))])
    titles = [t.title for t in open_tasks(admin_ctx, clinic["patient"])]
    assert titles[:2] == ["种植术后 24 小时回访", "种植术后 7 天复查（拆线）"] and len(titles) == 5
    # The same event again (a retry) creates nothing new.
    from clinic_desktop.events import TreatmentCompleted

    with admin_ctx.transaction() as session:
        care.on_treatment_completed(admin_ctx, session, TreatmentCompleted(
            clinic["patient"], visit.id, visit.treatment_ids, (clinic["种植牙"],),
            local(2026, 11, 24, 10)))
    assert len(open_tasks(admin_ctx, clinic["patient"])) == 5
    billing.undo_visit(admin_ctx, visit.id)
    assert open_tasks(admin_ctx, clinic["patient"]) == []


def test_booking_in_the_window_satisfies_the_recall(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 24, 10),
                         lines=[TreatmentLine(clinic["白内障手术"], Decimal("9000"))])
    appts.book(admin_ctx, BookingRequest(clinic["patient"], clinic["doctor"],
                                         local(2026, 12, 2, 10), local(2026, 12, 2, 10, 30)))
    with admin_ctx.db.session() as session:
        week = session.execute(select(CareTask).where(CareTask.step_key == "w1")).scalar_one()
    assert week.status == "satisfied" and week.closed_reason == "已预约 12-02 10:00"


def test_reminders_follow_moves_and_cancellation(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    appt = appts.book(admin_ctx, BookingRequest(clinic["patient"], clinic["doctor"],
                                                local(2026, 12, 2, 10), local(2026, 12, 2, 11)))
    reminders = sorted(t.due_at for t in open_tasks(admin_ctx, clinic["patient"]))
    assert reminders == [local(2026, 12, 1, 18), local(2026, 12, 2, 8)]
    appts.reschedule(admin_ctx, appt, version=1, start=local(2026, 12, 3, 15),
                     end=local(2026, 12, 3, 16))
    reminders = sorted(t.due_at for t in open_tasks(admin_ctx, clinic["patient"]))
    assert reminders == [local(2026, 12, 2, 18), local(2026, 12, 3, 13)]
    appts.change_status(admin_ctx, appt, version=2, status="cancelled", reason="出差")
    assert open_tasks(admin_ctx, clinic["patient"]) == []


def test_weekend_catch_up_raises_everything_exactly_once(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    fixed_clock.set(local(2026, 11, 27, 17))  # Friday evening
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 27),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 27, 16),
                         lines=[TreatmentLine(clinic["全飞秒近视手术"], Decimal("18000"))])
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 27),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 27, 16),
                         lines=[TreatmentLine(clinic["普通拔牙"], Decimal("300"))])
    assert care.raise_due(admin_ctx) == 0
    fixed_clock.set(local(2026, 11, 30, 8))  # the app is started again on Monday
    assert care.raise_due(admin_ctx) == 2  # extraction 24 h call + refractive day 1
    assert care.raise_due(admin_ctx) == 0
    assert care.count_due(admin_ctx) == 2


def test_call_outcomes_retry_then_close_and_log(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    fixed_clock.set(local(2026, 11, 24, 12))
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 23, 9),
                         lines=[TreatmentLine(clinic["根管治疗"], Decimal("1500"))])
    fixed_clock.set(local(2026, 11, 25, 10))
    assert care.raise_due(admin_ctx) == 1
    [task] = open_tasks(admin_ctx, clinic["patient"])
    for attempt in (1, 2):
        task = care.record_outcome(admin_ctx, task.id, version=task.version,
                                   outcome="not_reached")
        assert (task.status, task.attempts) == ("pending", attempt)
        assert task.due_at == fixed_clock.now() + timedelta(hours=4)
        fixed_clock.advance(timedelta(hours=4))
        assert care.raise_due(admin_ctx) == 1
        task = open_tasks(admin_ctx, clinic["patient"])[0]
    task = care.record_outcome(admin_ctx, task.id, version=task.version, outcome="not_reached")
    assert task.status == "unreachable" and task.closed_reason == "3 次未接通"
    assert [c.outcome for c in contacts_of(admin_ctx, clinic["patient"])] == ["未接通"] * 3


def test_problem_outcome_creates_an_urgent_task_for_the_doctor(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    fixed_clock.set(local(2026, 11, 24, 12))
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 23, 9),
                         lines=[TreatmentLine(clinic["普通拔牙"], Decimal("300"))])
    care.raise_due(admin_ctx)
    [task] = open_tasks(admin_ctx, clinic["patient"])
    care.record_outcome(admin_ctx, task.id, version=task.version, outcome="reached_problem",
                        note="拔牙处仍在渗血", satisfaction=3)
    [problem] = open_tasks(admin_ctx, clinic["patient"])
    assert problem.kind == "problem" and problem.status == "due" and "渗血" not in problem.title
    with admin_ctx.db.session() as session:
        row = session.get(CareTask, problem.id)
        assert row is not None and (row.priority, row.assigned_staff_id) == (1, clinic["doctor"])


def test_a_simulated_year_raises_each_task_on_its_day_once(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    start = local(2026, 1, 5, 10)
    fixed_clock.set(start)
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=start.date(),
                         doctor_id=clinic["doctor"], treated_at=start,
                         lines=[TreatmentLine(clinic["全飞秒近视手术"], Decimal("18000"))])
    cancelled = appts.book(admin_ctx, BookingRequest(
        clinic["patient"], clinic["doctor"], local(2026, 6, 10, 10), local(2026, 6, 10, 11)))
    appts.change_status(admin_ctx, cancelled, version=1, status="cancelled", reason="改期")
    appts.book(admin_ctx, BookingRequest(clinic["patient"], clinic["doctor"],
                                         local(2026, 9, 1, 10), local(2026, 9, 1, 10, 30)))
    raised_on: dict[date, int] = {}
    day = start.date()
    while day <= date(2027, 1, 31):
        for hour in (8, 12, 19):  # the app is open, the scheduler ticks through the day
            fixed_clock.set(datetime.combine(day, time(hour), SH))
            count = care.raise_due(admin_ctx)
            if count:
                raised_on[day] = raised_on.get(day, 0) + count
        day += timedelta(days=1)
    with admin_ctx.db.session() as session:
        tasks = list(session.execute(select(CareTask)).scalars())
    by_day = {}
    for task in tasks:
        if task.raised_at is not None:
            assert task.raised_at.astimezone(SH).date() == task.due_at.astimezone(SH).date()
            by_day[task.due_at.astimezone(SH).date()] = by_day.get(
                task.due_at.astimezone(SH).date(), 0) + 1
    assert raised_on == by_day
    assert sum(raised_on.values()) == 8  # 6 refractive checks + 2 reminders before 09-01
    reminders = [t for t in tasks if t.kind == "reminder"]
    assert {t.status for t in reminders if t.source_id == cancelled} == {"cancelled"}
    assert all(t.raised_at is None for t in reminders if t.source_id == cancelled)
    assert datetime(2026, 8, 31, 18, tzinfo=SH) in {t.due_at.astimezone(SH) for t in reminders}
    assert UTC  # instants are stored in UTC and compared as such


def test_birthdays_and_dormant_patients_once_with_catch_up(
    admin_ctx: Context, fixed_clock: FixedClock
) -> None:
    from clinic_desktop.services.care_sources import daily_scan

    fixed_clock.set(local(2026, 2, 26, 8))
    leap = create_patient(admin_ctx, PatientInput(name="闰日", birth_date=date(2000, 2, 29)))
    plain = create_patient(admin_ctx, PatientInput(name="三月", birth_date=date(1990, 3, 1)))
    sleeper = create_patient(admin_ctx, PatientInput(name="老客户", mobile="13700001111"))
    billing.record_visit(admin_ctx, sleeper.patient.id, visit_date=date(2024, 12, 1),
                         doctor_id=None, lines=[TreatmentLine(None, Decimal(100),
                                                              procedure_name="检查")])
    assert daily_scan(admin_ctx) == 1  # the dormant patient; no birthday on Feb 26
    assert daily_scan(admin_ctx) == 0  # once a day
    fixed_clock.set(local(2026, 3, 2, 8))  # closed over the weekend: Feb 27 – Mar 2 caught up
    assert daily_scan(admin_ctx) == 2
    with admin_ctx.db.session() as session:
        tasks = {t.dedupe_key: t for t in session.execute(select(CareTask)).scalars()}
    assert tasks[f"birthday:{leap.patient.id}:2026"].due_at == local(2026, 2, 28, 9)
    assert tasks[f"birthday:{plain.patient.id}:2026"].due_at == local(2026, 3, 1, 9)
    assert sum(key.startswith("dormant:") for key in tasks) == 1
    fixed_clock.set(local(2026, 3, 3, 8))
    assert daily_scan(admin_ctx) == 0  # still dormant, but one win-back per dormancy


def test_birthday_and_win_back_tasks_carry_the_coupon_the_rules_give(
    admin_ctx: Context, fixed_clock: FixedClock
) -> None:
    from clinic_desktop.services.care_sources import daily_scan
    from clinic_desktop.services.loyalty import coupons, rules

    fixed_clock.set(local(2026, 3, 1, 8))
    gift = coupons.save_coupon_type(admin_ctx, coupons.CouponTypeInput(
        "生日券", "amount", Decimal(50), valid_days=30)).id
    back = coupons.save_coupon_type(admin_ctx, coupons.CouponTypeInput(
        "回来看看", "percent", percent=20, valid_days=60)).id
    rules.save_rules(admin_ctx, rules.LoyaltyRules(birthday_coupon_type_id=gift,
                                                   winback_coupon_type_id=back))
    born = create_patient(admin_ctx, PatientInput(name="三月", birth_date=date(1990, 3, 1)))
    sleeper = create_patient(admin_ctx, PatientInput(name="老客户", mobile="13700001111"))
    billing.record_visit(admin_ctx, sleeper.patient.id, visit_date=date(2024, 12, 1),
                         doctor_id=None, lines=[TreatmentLine(None, Decimal(100),
                                                              procedure_name="检查")])
    assert daily_scan(admin_ctx) == 2
    [birthday] = coupons.coupons_of(admin_ctx, born.patient.id)
    [winback] = coupons.coupons_of(admin_ctx, sleeper.patient.id)
    assert (birthday.type.name, birthday.source) == ("生日券", "birthday")
    assert (winback.type.name, winback.source) == ("回来看看", "winback")
    with admin_ctx.db.session() as session:
        titles = {t.patient_id: t.title for t in session.execute(select(CareTask)).scalars()}
    assert birthday.code in titles[born.patient.id]
    assert winback.code in titles[sleeper.patient.id]
    fixed_clock.set(local(2026, 3, 2, 8))
    daily_scan(admin_ctx)  # no second coupon for the same birthday or dormancy
    assert len(coupons.coupons_of(admin_ctx, born.patient.id, include_closed=True)) == 1
    assert len(coupons.coupons_of(admin_ctx, sleeper.patient.id, include_closed=True)) == 1


def test_a_check_up_does_not_start_the_plan_again(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"],
                         lines=[TreatmentLine(clinic["种植复查"], Decimal("0"))])
    assert open_tasks(admin_ctx, clinic["patient"]) == []


def test_todays_list_stops_at_now_but_a_whole_day_plan_does_not(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 24, 10),
                         lines=[TreatmentLine(clinic["普通拔牙"], Decimal("300"))])
    fixed_clock.set(local(2026, 11, 25, 8))  # the 24 h call is due at 10:00
    assert care.callback_list(admin_ctx, as_of=date(2026, 11, 25)) == []
    [item] = care.callback_list(admin_ctx, as_of=date(2026, 11, 25), whole_day=True)
    assert item.due == local(2026, 11, 25, 10)
    fixed_clock.set(local(2026, 11, 25, 10))
    assert len(care.callback_list(admin_ctx, as_of=date(2026, 11, 25))) == 1


def test_call_tomorrow_for_several_tasks_skips_one_handled_meanwhile(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    for name in ("李四", "王五"):
        pid = create_patient(admin_ctx, PatientInput(name=name)).patient.id
        billing.record_visit(admin_ctx, pid, visit_date=date(2026, 11, 23), doctor_id=None,
                             treated_at=local(2026, 11, 23, 9),
                             lines=[TreatmentLine(clinic["普通拔牙"], Decimal("300"))])
    care.raise_due(admin_ctx)
    items = care.callback_list(admin_ctx, as_of=date(2026, 11, 24))
    assert len(items) == 2
    # Someone else records the first call before the snooze reaches it.
    care.record_outcome(admin_ctx, items[0].task_id, version=items[0].version,
                        outcome="reached_fine")
    tomorrow = local(2026, 11, 25, 9)
    moved = care.snooze_tasks(admin_ctx, [(i.task_id, i.version) for i in items],
                              until=tomorrow)
    assert moved == 1
    assert care.callback_list(admin_ctx, as_of=date(2026, 11, 24)) == []
    [back] = care.callback_list(admin_ctx, as_of=date(2026, 11, 25), whole_day=True)
    assert (back.task_id, back.due) == (items[1].task_id, tomorrow)
    with pytest.raises(UserError, match="之后"):
        care.snooze_tasks(admin_ctx, [(back.task_id, back.version)],
                          until=local(2026, 11, 24, 9))
