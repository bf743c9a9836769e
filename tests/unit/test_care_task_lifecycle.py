"""Care tasks follow what happens after they close: a recall or a win-back call kept by a
booking comes back when that booking falls through, an archived patient leaves the list, and
a call that reached nobody gives no satisfaction score."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import billing, care, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.care_sources import daily_scan
from clinic_desktop.services.engagement import contacts_of
from clinic_desktop.services.patients import PatientInput, create_patient, set_archived
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.engagement import Feedback
from clinic_desktop.storage.models.schedule import Appointment
from tests.unit.test_care import care_clinic

SH = ZoneInfo("Asia/Shanghai")


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    return care_clinic(admin_ctx)


def cataract(ctx: Context, clinic: dict[str, int]) -> None:
    """A cataract operation on Tuesday 2026-11-24 10:00: its one-week recall is due
    2026-12-01 10:00, kept by a booking from 11-28 10:00 to 12-04 10:00 (3 days)."""
    billing.record_visit(ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 24, 10),
                         lines=[TreatmentLine(clinic["白内障手术"], Decimal("9000"))])


def book(ctx: Context, clinic: dict[str, int], start: datetime) -> int:
    return appts.book(ctx, BookingRequest(clinic["patient"], clinic["doctor"], start,
                                          start + timedelta(minutes=30)))


def task(ctx: Context, **where: object) -> CareTask:
    with ctx.db.session() as session:
        return session.execute(select(CareTask).filter_by(**where)).scalar_one()


def version(ctx: Context, appointment_id: int) -> int:
    with ctx.db.session() as session:
        return session.execute(select(Appointment.version).where(
            Appointment.id == appointment_id)).scalar_one()


def test_a_cancelled_booking_gives_the_recall_back_with_its_due_date(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    cataract(admin_ctx, clinic)
    week = task(admin_ctx, step_key="w1")
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    assert task(admin_ctx, step_key="w1").status == "satisfied"
    appts.change_status(admin_ctx, appt, version=version(admin_ctx, appt), status="cancelled",
                        reason="临时有事")
    again = task(admin_ctx, step_key="w1")
    assert (again.status, again.due_at, again.closed_at, again.closed_reason) == (
        "pending", week.due_at, None, None)
    # The month's recall was never kept by that booking and stays as it was.
    assert task(admin_ctx, step_key="m1").status == "pending"


def test_a_missed_booking_puts_the_overdue_recall_back_on_the_list(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    cataract(admin_ctx, clinic)
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    fixed_clock.set(local(2026, 12, 2, 11))  # a no-show is marked once the slot has passed
    appts.change_status(admin_ctx, appt, version=version(admin_ctx, appt), status="no_show")
    week = task(admin_ctx, step_key="w1")
    assert (week.status, week.due_at) == ("due", local(2026, 12, 1, 10))
    listed = care.callback_list(admin_ctx, as_of=date(2026, 12, 2))
    assert week.id in [i.task_id for i in listed]


def test_a_move_out_of_the_window_reopens_a_move_within_keeps(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    cataract(admin_ctx, clinic)
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    appts.reschedule(admin_ctx, appt, version=version(admin_ctx, appt),
                     start=local(2026, 12, 3, 15), end=local(2026, 12, 3, 15, 30))
    week = task(admin_ctx, step_key="w1")
    assert (week.status, week.closed_reason) == ("satisfied", "已预约 12-03 15:00")
    appts.reschedule(admin_ctx, appt, version=version(admin_ctx, appt),
                     start=local(2026, 12, 9, 10), end=local(2026, 12, 9, 10, 30))
    assert task(admin_ctx, step_key="w1").status == "pending"


def test_another_booking_in_the_window_keeps_the_recall(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    cataract(admin_ctx, clinic)
    first = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    book(admin_ctx, clinic, local(2026, 12, 3, 10))
    appts.change_status(admin_ctx, first, version=version(admin_ctx, first),
                        status="cancelled", reason="改约")
    week = task(admin_ctx, step_key="w1")
    assert (week.status, week.closed_reason) == ("satisfied", "已预约 12-03 10:00")


def test_an_arrived_booking_keeps_the_recall(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    cataract(admin_ctx, clinic)
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    fixed_clock.set(local(2026, 12, 2, 10))
    for status in ("arrived", "in_treatment"):
        appts.change_status(admin_ctx, appt, version=version(admin_ctx, appt), status=status)
    week = task(admin_ctx, step_key="w1")
    assert (week.status, week.closed_reason) == ("satisfied", "已预约 12-02 10:00")


def test_a_recall_closed_before_the_booking_was_made_stays_closed(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    cataract(admin_ctx, clinic)
    # As an import writes a recall a visit of its file kept (``care_import.task_columns``).
    with admin_ctx.db.session(write=True) as session:
        week = session.execute(select(CareTask).filter_by(step_key="w1")).scalar_one()
        week.status, week.closed_at = "satisfied", admin_ctx.now()
        week.closed_reason = "已就诊 2026-11-30"
    fixed_clock.advance(timedelta(minutes=5))
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    appts.change_status(admin_ctx, appt, version=version(admin_ctx, appt), status="cancelled",
                        reason="临时有事")
    week = task(admin_ctx, step_key="w1")
    assert (week.status, week.closed_reason) == ("satisfied", "已就诊 2026-11-30")


def _dormant_patient(ctx: Context, clock: FixedClock) -> tuple[int, int, int]:
    """A patient last seen 2024-12-01 and a doctor; the scan of Thursday 2026-02-26 raises
    the win-back call. Returns (patient, doctor, task id)."""
    clock.set(local(2026, 2, 26, 8))
    doctor = add_staff(ctx, username="dr.li", display_name="李医生", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    sleeper = create_patient(ctx, PatientInput(name="老客户", mobile="13700001111")).patient.id
    billing.record_visit(ctx, sleeper, visit_date=date(2024, 12, 1), doctor_id=None,
                         lines=[TreatmentLine(None, Decimal(100), procedure_name="检查")])
    assert daily_scan(ctx) == 1
    clock.set(local(2026, 2, 26, 10))
    care.raise_due(ctx)
    return sleeper, doctor, task(ctx, patient_id=sleeper, kind="reactivation").id


def test_a_booking_closes_the_win_back_call_and_a_cancellation_reopens_it(
    admin_ctx: Context, fixed_clock: FixedClock
) -> None:
    patient, doctor, task_id = _dormant_patient(admin_ctx, fixed_clock)
    appt = appts.book(admin_ctx, BookingRequest(patient, doctor, local(2026, 3, 2, 10),
                                                local(2026, 3, 2, 10, 30)))
    call = task(admin_ctx, id=task_id)
    assert (call.status, call.closed_reason) == ("satisfied", "已预约 03-02 10:00")
    assert [i for i in care.callback_list(admin_ctx, as_of=date(2026, 2, 26))
            if i.patient_id == patient] == []
    appts.change_status(admin_ctx, appt, version=version(admin_ctx, appt),
                        status="cancelled", reason="不来了")
    call = task(admin_ctx, id=task_id)
    assert (call.status, call.due_at, call.closed_reason) == (
        "due", local(2026, 2, 26, 10), None)
    assert [i.task_id for i in care.callback_list(admin_ctx, as_of=date(2026, 2, 26))
            if i.patient_id == patient] == [task_id]


def test_archiving_closes_the_open_tasks_and_restoring_does_not_reopen_them(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    cataract(admin_ctx, clinic)
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))  # keeps the week's recall
    set_archived(admin_ctx, clinic["patient"], archived=True)
    assert care.tasks_of_patient(admin_ctx, clinic["patient"]) == []
    assert task(admin_ctx, step_key="m1").closed_reason == "患者已归档"
    # A patient archived is called by nobody, whatever happens to the booking.
    appts.change_status(admin_ctx, appt, version=version(admin_ctx, appt), status="cancelled",
                        reason="已归档")
    assert task(admin_ctx, step_key="w1").status == "satisfied"
    set_archived(admin_ctx, clinic["patient"], archived=False)
    assert care.tasks_of_patient(admin_ctx, clinic["patient"]) == []


@pytest.mark.parametrize("outcome", ["not_reached", "wrong_number"])
def test_a_call_that_reached_nobody_takes_no_satisfaction_score(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock, outcome: str
) -> None:
    day = _day_one_recall_due(admin_ctx, clinic, fixed_clock)
    with pytest.raises(UserError) as caught:
        care.record_outcome(admin_ctx, day.id, version=day.version, outcome=outcome,
                            satisfaction=5)
    assert caught.value.field == "satisfaction"
    assert task(admin_ctx, id=day.id).attempts == 0  # nothing written
    assert contacts_of(admin_ctx, clinic["patient"]) == []
    assert care.record_outcome(admin_ctx, day.id, version=day.version,
                               outcome=outcome).attempts == 1
    assert _scores(admin_ctx) == []


def test_a_call_that_reached_the_patient_keeps_the_score(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock
) -> None:
    day = _day_one_recall_due(admin_ctx, clinic, fixed_clock)
    care.record_outcome(admin_ctx, day.id, version=day.version, outcome="declined",
                        satisfaction=4)
    assert _scores(admin_ctx) == [4]


def _day_one_recall_due(ctx: Context, clinic: dict[str, int], clock: FixedClock) -> CareTask:
    cataract(ctx, clinic)
    clock.set(local(2026, 11, 25, 10))
    care.raise_due(ctx)
    return task(ctx, step_key="d1", status="due")


def _scores(ctx: Context) -> list[int | None]:
    with ctx.db.session() as session:
        return list(session.execute(select(Feedback.satisfaction)).scalars())
