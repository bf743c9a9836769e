"""Booking without double booking: every conflict rule, override, concurrency, time off."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules.schedule_rules import TransitionError, WorkingSpan
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.appointments import BookingConflict, BookingRequest
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.chairs import add_chair
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff

SH = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 25) -> datetime:
    """A clinic-local time on Wednesday 2026-11-25, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    ids = {}
    for username, name in (("dr.wang", "王建国"), ("dr.li", "李秀英")):
        ids[username] = add_staff(admin_ctx, username=username, display_name=name,
                                  role=Role.DOCTOR, password="pass1234", is_doctor=True).id
        schedule.set_working_hours(admin_ctx, ids[username], schedule.default_hours())
    ids["chair1"] = add_chair(admin_ctx, name="1号椅位").id
    ids["chair2"] = add_chair(admin_ctx, name="2号椅位").id
    for name, mobile in (("张三", "13800138000"), ("李四", "13900139000")):
        ids[name] = create_patient(admin_ctx, PatientInput(name=name, mobile=mobile)).patient.id
    return ids


def req(c: dict[str, int], patient: str, doctor: str, start: datetime, minutes: int = 30,
        chair: str | None = "chair1") -> BookingRequest:
    return BookingRequest(c[patient], c[doctor], start, start + timedelta(minutes=minutes),
                          c[chair] if chair else None)


def kinds(error: BookingConflict) -> list[str]:
    return [c.kind for c in error.conflicts]


def test_doctor_chair_and_patient_clashes_are_named(admin_ctx: Context,
                                                    clinic: dict[str, int]) -> None:
    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10)))
    with pytest.raises(BookingConflict) as caught:
        appts.book(admin_ctx, req(clinic, "李四", "dr.wang", at(10, 15), chair="chair2"))
    assert kinds(caught.value) == ["doctor"]
    assert "王建国医生 11月25日 10:00–10:30 已有预约（患者 张三，1号椅位）" in caught.value.message
    with pytest.raises(BookingConflict) as caught:
        appts.book(admin_ctx, req(clinic, "李四", "dr.li", at(10, 15)))
    assert kinds(caught.value) == ["chair"]
    with pytest.raises(BookingConflict) as caught:
        appts.book(admin_ctx, req(clinic, "张三", "dr.li", at(10), chair="chair2"))
    assert kinds(caught.value) == ["patient"]
    # Back to back is fine: intervals are half-open.
    appts.book(admin_ctx, req(clinic, "李四", "dr.wang", at(10, 30)))


def test_outside_hours_and_time_off_are_refused(admin_ctx: Context,
                                                clinic: dict[str, int]) -> None:
    with pytest.raises(BookingConflict) as caught:
        appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(12, 15)))
    assert kinds(caught.value) == ["outside_hours"]
    with pytest.raises(BookingConflict):
        appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10, day=29)))  # Sunday
    schedule.add_time_off(admin_ctx, clinic["dr.li"], start=at(14), end=at(16), kind="meeting",
                          reason="院内培训")
    with pytest.raises(BookingConflict) as caught:
        appts.book(admin_ctx, req(clinic, "张三", "dr.li", at(15)))
    assert kinds(caught.value) == ["time_off"] and "院内培训" in caught.value.message


def test_cancelled_and_no_show_block_nothing(admin_ctx: Context,
                                             clinic: dict[str, int]) -> None:
    first = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(9)))
    with pytest.raises(TransitionError):
        appts.change_status(admin_ctx, first, version=1, status="cancelled")  # no reason
    appts.change_status(admin_ctx, first, version=1, status="cancelled", reason="患者出差")
    appts.book(admin_ctx, req(clinic, "李四", "dr.wang", at(9)))
    # Today 09:00, an hour before the tests' clock: a no-show is recorded once it has begun.
    second = appts.book(admin_ctx, req(clinic, "张三", "dr.li", at(9, day=24), chair="chair2"))
    appts.change_status(admin_ctx, second, version=1, status="no_show")
    appts.book(admin_ctx, req(clinic, "李四", "dr.li", at(9, day=24), chair="chair2"))


def test_override_needs_a_reason_and_the_right_role(admin_ctx: Context,
                                                    clinic: dict[str, int]) -> None:
    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10)))
    clash = req(clinic, "李四", "dr.wang", at(10), chair="chair2")
    add_staff(admin_ctx, username="front", display_name="孙悦", role=Role.RECEPTIONIST,
              password="pass1234")
    reception = admin_ctx.as_actor(sign_in(admin_ctx.db, username="front",
                                           password="pass1234", clock=admin_ctx.clock))
    with pytest.raises(PermissionDenied, match="加号"):
        appts.book(reception, clash, override_reason="急诊")
    booked = appts.book(admin_ctx, clash, override_reason="急诊牙痛，医生同意加号")
    assert booked > 0


def test_second_workstation_gets_changed_by_whom(admin_ctx: Context,
                                                 clinic: dict[str, int]) -> None:
    appt = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10)))
    appts.reschedule(admin_ctx, appt, version=1, start=at(11), end=at(11, 30))
    with pytest.raises(ConcurrentEdit, match="已被 管理员 于 .* 修改"):
        appts.change_status(admin_ctx, appt, version=1, status="confirmed")
    appts.change_status(admin_ctx, appt, version=2, status="confirmed")


def test_moving_onto_a_clash_is_refused_and_nothing_changes(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10)))
    other = appts.book(admin_ctx, req(clinic, "李四", "dr.wang", at(11), chair="chair2"))
    with pytest.raises(BookingConflict):
        appts.reschedule(admin_ctx, other, version=1, start=at(10), end=at(10, 30))
    appts.reschedule(admin_ctx, other, version=1, start=at(15), end=at(16))  # resize + move


def test_time_off_lists_the_bookings_it_covers(admin_ctx: Context,
                                               clinic: dict[str, int]) -> None:
    a = appts.book(admin_ctx, req(clinic, "张三", "dr.li", at(9)))
    b = appts.book(admin_ctx, req(clinic, "李四", "dr.li", at(16), chair="chair2"))
    result = schedule.add_time_off(admin_ctx, clinic["dr.li"], start=at(8), end=at(18),
                                   reason="病假")
    assert result.affected_appointment_ids == (a, b)


def test_working_hours_must_not_overlap(admin_ctx: Context, clinic: dict[str, int]) -> None:
    with pytest.raises(UserError, match="周一 的出诊时间 09:00–12:00 与 11:00–13:00 重叠"):
        schedule.set_working_hours(admin_ctx, clinic["dr.li"], [
            WorkingSpan(0, time(9), time(12)), WorkingSpan(0, time(11), time(13))])


def test_live_check_reports_without_writing(admin_ctx: Context, clinic: dict[str, int]) -> None:
    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10)))
    found = appts.check_booking(admin_ctx, req(clinic, "李四", "dr.wang", at(10)))
    assert [c.kind for c in found] == ["doctor", "chair"]


def test_a_patient_typed_at_the_desk_is_booked_in_the_same_transaction(
    admin_ctx: Context, clinic: dict[str, int]
) -> None:
    from clinic_desktop.services.patient_search import search_patients
    from clinic_desktop.services.patients import DuplicatePatient

    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10)))
    new = PatientInput(name="王小明", mobile="13700137000")
    clash = req(clinic, "张三", "dr.wang", at(10, 15), chair="chair2")
    with pytest.raises(BookingConflict):  # the doctor is busy: neither is saved
        appts.book_new_patient(admin_ctx, new, clash)
    assert search_patients(admin_ctx, "13700137000") == []
    with pytest.raises(DuplicatePatient):  # 张三's mobile: no booking for a second 张三
        appts.book_new_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000"),
                               req(clinic, "张三", "dr.li", at(15), chair="chair2"))
    assert len(calendar_views(admin_ctx)) == 1
    fork = admin_ctx.fork()
    booked = appts.book_new_patient(fork, new, req(clinic, "张三", "dr.li", at(15),
                                                   chair="chair2"))
    assert booked.patient.name == "王小明" and booked.patient.mobile == "13700137000"
    views = {v.id: v for v in calendar_views(admin_ctx)}
    assert views[booked.appointment_id].patient_id == booked.patient.id
    assert booked.appointment_id in fork.changes.appointments
    assert booked.patient.id in fork.changes.patients


def calendar_views(ctx: Context) -> list:  # type: ignore[type-arg]
    from clinic_desktop.services.calendar import appointments_between

    return appointments_between(ctx, at(0), at(0, day=26))


def test_booking_channels_are_stored_as_codes_and_unknown_ones_refused(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    from dataclasses import replace

    from sqlalchemy import select

    from clinic_desktop.storage.models.schedule import Appointment

    first = appts.book(admin_ctx, replace(req(clinic, "张三", "dr.wang", at(9)), channel="微信"))
    second = appts.book(admin_ctx, replace(req(clinic, "李四", "dr.li", at(9), chair="chair2"),
                                           channel="meituan"))
    with pytest.raises(UserError) as refused:
        appts.book(admin_ctx, replace(req(clinic, "张三", "dr.wang", at(11)), channel="抖音"))
    assert refused.value.field == "channel"
    with admin_ctx.transaction() as session:
        stored = dict(session.execute(select(Appointment.id, Appointment.channel)).all())
    assert stored == {first: "wechat", second: "meituan"}
