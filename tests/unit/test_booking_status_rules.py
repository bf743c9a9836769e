"""When a booking's status may change: no-show not before the start, arrived not before the
booking's day, a mistaken no-show put right (its slot checked again, its reminders back), and
no booking for a record merged away or archived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.appointments import BookingConflict, BookingRequest
from clinic_desktop.services.auto_settings import AutoMessageSettings, save_auto_settings
from clinic_desktop.services.calendar import appointment_history
from clinic_desktop.services.chairs import add_chair
from clinic_desktop.services.clinic import update_clinic
from clinic_desktop.services.merge import merge_patients
from clinic_desktop.services.patients import PatientInput, create_patient, set_archived
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.messaging import OutboxMessage
from clinic_desktop.storage.models.schedule import Appointment

SH = ZoneInfo("Asia/Shanghai")
# The tests' clock stands at Tuesday 2026-11-24 10:00 in Shanghai (tests/conftest.py).


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A clinic-local time in November 2026, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    ids = {"doctor": doctor, "chair": add_chair(admin_ctx, name="1号椅位").id}
    for name, mobile in (("张三", "13800138000"), ("李四", "13900139000")):
        ids[name] = create_patient(admin_ctx, PatientInput(name=name, mobile=mobile)).patient.id
    return ids


def book(ctx: Context, clinic: dict[str, int], start: datetime, patient: str = "张三") -> int:
    return appts.book(ctx, BookingRequest(clinic[patient], clinic["doctor"], start,
                                          start + timedelta(minutes=30), clinic["chair"]))


def status_of(ctx: Context, appointment_id: int) -> tuple[str, int]:
    with ctx.db.session() as session:
        row = session.get_one(Appointment, appointment_id)
        return row.status, row.version


def set_status(ctx: Context, appointment_id: int, status: str, **options: str) -> None:
    appts.change_status(ctx, appointment_id, version=status_of(ctx, appointment_id)[1],
                        status=status, **options)


def at_clock(ctx: Context, moment: datetime) -> Context:
    """The same user at another moment (a workstation later in the day)."""
    return Context(db=ctx.db, actor=ctx.actor, clock=FixedClock(moment))


# -- no-show and arrived wait for their time ------------------------------------------------
def test_no_show_is_refused_before_the_start_and_the_refusal_names_the_time(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    next_week = book(admin_ctx, clinic, at(30, 9, 30))
    with pytest.raises(UserError,
                       match="预约时间 2026-11-30 09:30 还没到，不能标记为爽约") as caught:
        set_status(admin_ctx, next_week, "no_show")
    assert caught.value.field == "status"
    assert status_of(admin_ctx, next_week) == ("booked", 1)  # nothing changed
    later_today = book(admin_ctx, clinic, at(24, 10, 30))
    with pytest.raises(UserError, match="2026-11-24 10:30"):
        set_status(admin_ctx, later_today, "no_show")
    starting_now = book(admin_ctx, clinic, at(24, 10), patient="李四")  # the clock's 10:00
    set_status(admin_ctx, starting_now, "no_show")
    assert status_of(admin_ctx, starting_now)[0] == "no_show"


def test_arrived_is_refused_before_the_bookings_day_and_allowed_early_on_it(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    this_afternoon = book(admin_ctx, clinic, at(24, 16))
    set_status(admin_ctx, this_afternoon, "arrived")  # six hours early: the same day
    assert status_of(admin_ctx, this_afternoon)[0] == "arrived"
    tomorrow = book(admin_ctx, clinic, at(25, 9))
    with pytest.raises(UserError, match="预约在 2026-11-25 09:00，当天才能标记为已到诊"):
        set_status(admin_ctx, tomorrow, "arrived")
    with pytest.raises(UserError, match="当天才能"):
        set_status(at_clock(admin_ctx, at(24, 23, 59)), tomorrow, "arrived")
    set_status(at_clock(admin_ctx, at(25, 0)), tomorrow, "arrived")  # the day has begun
    assert status_of(admin_ctx, tomorrow)[0] == "arrived"


def test_the_calendar_asks_the_same_rule(admin_ctx: Context) -> None:
    """``too_early`` is what the context menu asks before offering a status."""
    start, now = at(25, 9), at(24, 10)
    assert appts.too_early("no_show", start, now, SH)
    assert not appts.too_early("no_show", start, at(25, 9), SH)
    assert appts.too_early("arrived", start, now, SH)
    assert not appts.too_early("arrived", start, at(25, 0), SH)
    assert not appts.too_early("confirmed", start, now, SH)
    assert not appts.too_early("cancelled", start, now, SH)


# -- a mistaken no-show put right --------------------------------------------------------------
@pytest.mark.parametrize("back_to", ["booked", "confirmed", "arrived"])
def test_a_mistaken_no_show_goes_back(admin_ctx: Context, clinic: dict[str, int],
                                      back_to: str) -> None:
    appt = book(admin_ctx, clinic, at(24, 9, 30))  # started half an hour ago
    set_status(admin_ctx, appt, "no_show")
    set_status(admin_ctx, appt, back_to)
    assert status_of(admin_ctx, appt) == (back_to, 3)
    history = appointment_history(admin_ctx, appt)
    assert [(h.from_status, h.to_status) for h in history if h.action == "status"] == [
        ("booked", "no_show"), ("no_show", back_to)]


def test_a_no_show_is_not_undone_onto_a_slot_taken_since(admin_ctx: Context,
                                                         clinic: dict[str, int]) -> None:
    missed = book(admin_ctx, clinic, at(24, 9, 30))
    set_status(admin_ctx, missed, "no_show")
    book(admin_ctx, clinic, at(24, 9, 30), patient="李四")  # the freed slot, taken
    with pytest.raises(BookingConflict, match="李四"):
        set_status(admin_ctx, missed, "booked")
    assert status_of(admin_ctx, missed) == ("no_show", 2)
    set_status(admin_ctx, missed, "arrived", override_reason="两位都到了，医生同意加号")
    assert status_of(admin_ctx, missed)[0] == "arrived"
    with admin_ctx.db.session() as session:
        assert session.get_one(Appointment, missed).override_reason == "两位都到了，医生同意加号"


def test_other_finished_statuses_stay_final(admin_ctx: Context,
                                            clinic: dict[str, int]) -> None:
    appt = book(admin_ctx, clinic, at(24, 9, 30))
    set_status(admin_ctx, appt, "no_show")
    with pytest.raises(UserError, match="不能从“爽约”改为“就诊中”"):
        set_status(admin_ctx, appt, "in_treatment")
    cancelled = book(admin_ctx, clinic, at(25, 9))
    set_status(admin_ctx, cancelled, "cancelled", reason="出差")
    with pytest.raises(UserError, match="不能从“已取消”改为“已预约”"):
        set_status(admin_ctx, cancelled, "booked")


def _reminder_tasks(ctx: Context, appointment_id: int) -> list[str]:
    with ctx.db.session() as session:
        return sorted(session.execute(select(CareTask.dedupe_key).where(
            CareTask.source == "appointment", CareTask.source_id == appointment_id,
            CareTask.status.in_(("pending", "due")))).scalars())


def _booking_messages(ctx: Context, appointment_id: int) -> list[tuple[str, str]]:
    with ctx.db.session() as session:
        return sorted((kind, status) for kind, status in session.execute(
            select(OutboxMessage.kind, OutboxMessage.status).where(
                OutboxMessage.appointment_id == appointment_id)))


def test_an_undone_no_show_is_reminded_again_by_message(admin_ctx: Context,
                                                        clinic: dict[str, int]) -> None:
    """A no-show an earlier version let through days ahead (recorded here from a clock past
    the start) withdrew the booking's messages; undone, they are queued again."""
    update_clinic(admin_ctx, name="康宁口腔", timezone="Asia/Shanghai", phone="0571-88886666",
                  address="杭州市西湖区文三路 100 号")  # what the templates fill in
    save_auto_settings(admin_ctx, AutoMessageSettings(
        enabled=frozenset({"confirmation", "reminder"})))
    appt = book(admin_ctx, clinic, at(27, 10))
    queued = [("confirmation", "queued"), ("reminder", "queued"), ("reminder", "queued")]
    assert _booking_messages(admin_ctx, appt) == queued
    set_status(at_clock(admin_ctx, at(27, 10, 30)), appt, "no_show")
    assert {status for _, status in _booking_messages(admin_ctx, appt)} == {"dropped"}
    set_status(admin_ctx, appt, "booked")
    assert _booking_messages(admin_ctx, appt) == queued


def test_an_undone_no_show_gets_its_reminder_calls_back(admin_ctx: Context,
                                                         clinic: dict[str, int]) -> None:
    appt = book(admin_ctx, clinic, at(27, 10))
    calls = _reminder_tasks(admin_ctx, appt)
    assert len(calls) == 2  # the eve and two hours before
    set_status(at_clock(admin_ctx, at(27, 10, 30)), appt, "no_show")
    assert _reminder_tasks(admin_ctx, appt) == []
    set_status(admin_ctx, appt, "booked")
    assert _reminder_tasks(admin_ctx, appt) == calls


# -- only a patient on file takes a booking -----------------------------------------------------
def test_a_record_merged_away_is_not_booked(admin_ctx: Context, clinic: dict[str, int]) -> None:
    duplicate = create_patient(admin_ctx, PatientInput(name="张叁", mobile="13700137000"),
                               ).patient
    kept = create_patient(admin_ctx, PatientInput(name="张三丰", mobile="13600136000")).patient
    merge_patients(admin_ctx, keep_id=kept.id, absorb_id=duplicate.id)
    request = BookingRequest(duplicate.id, clinic["doctor"], at(25, 9), at(25, 9, 30))
    with pytest.raises(UserError, match=f"患者“张叁”（{duplicate.code}）的档案已合并到"
                                        f"“张三丰”（{kept.code}）") as caught:
        appts.book(admin_ctx, request)
    assert caught.value.field == "patient"
    with pytest.raises(UserError, match="已合并"):
        appts.book(admin_ctx, request, override_reason="加号也不行")
    appts.book(admin_ctx, BookingRequest(kept.id, clinic["doctor"], at(25, 9), at(25, 9, 30)))


def test_an_archived_record_is_not_booked_until_restored(admin_ctx: Context,
                                                         clinic: dict[str, int]) -> None:
    set_archived(admin_ctx, clinic["李四"], archived=True)
    request = BookingRequest(clinic["李四"], clinic["doctor"], at(25, 9), at(25, 9, 30))
    with pytest.raises(UserError, match="患者“李四”（P\\d+）的档案已归档，不能预约"):
        appts.book(admin_ctx, request)
    with admin_ctx.db.session() as session:
        assert session.execute(select(Appointment.id)).first() is None
    set_archived(admin_ctx, clinic["李四"], archived=False)
    assert appts.book(admin_ctx, request) > 0
