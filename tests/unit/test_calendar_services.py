"""The calendar's reads, free slots, the waitlist and completing a visit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.events import TreatmentCompleted, subscribe, unsubscribe
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import billing, calendar, profile, schedule, waitlist
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.catalogue import list_procedures
from tests.unit.test_appointments import at, clinic, req  # noqa: F401 - shared fixture

__all__ = ["clinic"]


def test_week_view_rows_carry_what_the_calendar_paints(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    implant = next(p for p in list_procedures(admin_ctx) if p.name == "种植牙")
    profile.update_medical(admin_ctx, clinic["张三"], profile.MedicalInfo(
        ("青霉素",), "", "", "", "", ""))
    a = appts.book(admin_ctx, BookingRequest(clinic["张三"], clinic["dr.wang"], at(9),
                                             at(10, 30), clinic["chair1"], (implant.id,)))
    b = appts.book(admin_ctx, req(clinic, "李四", "dr.li", at(14), chair="chair2"))
    appts.change_status(admin_ctx, b, version=1, status="cancelled", reason="改期")
    views = calendar.appointments_between(admin_ctx, at(0), at(0, day=26))
    assert [v.id for v in views] == [a]
    view = views[0]
    assert (view.patient_name, view.has_allergy, view.procedures, view.colour) == (
        "张三", True, ("种植牙",), implant.colour)
    with_cancelled = calendar.appointments_between(admin_ctx, at(0), at(0, day=26),
                                                   include_cancelled=True)
    assert {v.status for v in with_cancelled} == {"booked", "cancelled"}
    history = calendar.appointment_history(admin_ctx, b)
    assert [(h.action, h.to_status) for h in history] == [("created", "booked"),
                                                          ("status", "cancelled")]


def test_next_free_slot_for_one_doctor_and_any_doctor(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(9), minutes=60))
    slots = calendar.find_free_slots(admin_ctx, duration=timedelta(minutes=30),
                                     after=at(9), doctor_id=clinic["dr.wang"], limit=2)
    assert [s.start for s in slots] == [at(10), at(10, 30)]
    any_doctor = calendar.find_free_slots(admin_ctx, duration=timedelta(minutes=30),
                                          after=at(9), limit=1)
    assert (any_doctor[0].doctor_id, any_doctor[0].start) == (clinic["dr.li"], at(9))


def test_cancelling_offers_matching_waitlist_patients(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    appt = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(15)))
    waitlist.add_to_waitlist(admin_ctx, clinic["李四"], doctor_id=clinic["dr.wang"],
                             day_parts=("afternoon",), earliest=date(2026, 11, 20))
    waitlist.add_to_waitlist(admin_ctx, clinic["李四"], doctor_id=clinic["dr.li"])
    waitlist.add_to_waitlist(admin_ctx, clinic["李四"], day_parts=("morning",))
    appts.change_status(admin_ctx, appt, version=1, status="cancelled", reason="患者生病")
    matches = waitlist.matches_for_slot(admin_ctx, appt)
    assert len(matches) == 1 and matches[0].day_parts == ("afternoon",)
    waitlist.resolve_waitlist(admin_ctx, matches[0].id, note="已约到 15:00")
    assert len(waitlist.active_waitlist(admin_ctx)) == 2


def test_completing_writes_the_visit_and_raises_the_event_once(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock  # noqa: F811
) -> None:
    fixed_clock.set(at(10, 45))  # the visit's day: arrived is recorded on it
    seen: list[TreatmentCompleted] = []

    def handler(ctx: Context, session: object, event: TreatmentCompleted) -> None:
        seen.append(event)

    subscribe(TreatmentCompleted, handler)  # type: ignore[arg-type]
    try:
        _complete(admin_ctx, clinic, seen)
    finally:
        unsubscribe(TreatmentCompleted, handler)  # type: ignore[arg-type]


def _complete(admin_ctx: Context, clinic: dict[str, int],  # noqa: F811
              seen: list[TreatmentCompleted]) -> None:
    appt = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10)))
    for version, status in ((1, "confirmed"), (2, "arrived"), (3, "in_treatment")):
        appts.change_status(admin_ctx, appt, version=version, status=status)
    cleaning = next(p for p in list_procedures(admin_ctx) if p.name == "超声洁牙")
    visit_id = appts.complete_appointment(
        admin_ctx, appt, version=4, lines=[TreatmentLine(cleaning.id, Decimal("300"))],
        notes="牙石 II 度")
    assert billing.get_balance(admin_ctx, clinic["张三"]).owed == Decimal("300")
    assert len(seen) == 1 and seen[0].visit_id == visit_id
    assert seen[0].procedure_type_ids == (cleaning.id,) and seen[0].treated_at == at(10, 30)
    [view] = calendar.appointments_between(admin_ctx, at(0), at(0, day=26))
    assert view.status == "completed"


def test_free_slots_for_the_doctors_in_view_follow_their_order(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    both = [clinic["dr.li"], clinic["dr.wang"]]
    first = calendar.find_free_slots(admin_ctx, duration=timedelta(minutes=30), after=at(9),
                                     doctor_ids=both, limit=2)
    assert [(s.doctor_id, s.start) for s in first] == [(clinic["dr.li"], at(9)),
                                                      (clinic["dr.wang"], at(9))]
    schedule.add_time_off(admin_ctx, clinic["dr.li"], start=at(8), end=at(19), reason="年假")
    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(9), minutes=60))
    [slot] = calendar.find_free_slots(admin_ctx, duration=timedelta(minutes=30), after=at(9),
                                      doctor_ids=both, limit=1)
    assert (slot.doctor_id, slot.start) == (clinic["dr.wang"], at(10))


def test_moves_off_time_off_take_distinct_free_slots(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    wang, li = clinic["dr.wang"], clinic["dr.li"]
    a = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(9)))
    b = appts.book(admin_ctx, req(clinic, "李四", "dr.wang", at(9, 30), chair="chair2"))
    appts.book(admin_ctx, req(clinic, "张三", "dr.li", at(9, day=26)))  # 张三, Thursday 9:00
    done = appts.book(admin_ctx, req(clinic, "李四", "dr.wang", at(11), chair="chair2"))
    appts.change_status(admin_ctx, done, version=1, status="cancelled", reason="改期")
    schedule.add_time_off(admin_ctx, wang, start=at(8), end=at(19), reason="外出进修")
    moves = calendar.propose_moves(admin_ctx, [a, b, done])
    assert [m.appointment_id for m in moves] == [a, b]  # the cancelled one stays out
    # In time order: 张三 first, but he is with Li at 9:00 on Thursday, so he takes Wang's
    # 9:30; 李四 then gets the 9:00 that 张三 could not take.
    assert [(m.doctor_id, m.start) for m in moves] == [(wang, at(9, 30, day=26)),
                                                       (wang, at(9, day=26))]
    assert all(m.chair_id == clinic["chair1"] for m in moves[:1])
    to_li = calendar.propose_moves(admin_ctx, [a, b], doctors={b: li})
    assert (to_li[1].doctor_id, to_li[1].start) == (li, at(9, 30))  # Li is free then
    assert moves[0].start is not None and moves[0].end is not None
    appts.reschedule(admin_ctx, a, version=1, start=moves[0].start, end=moves[0].end,
                     chair_id=moves[0].chair_id, keep_chair=False)
    # 张三 now sits at Thursday 9:30: 李四's slot works around him (and his chair).
    [again] = calendar.propose_moves(admin_ctx, [b], doctors={b: wang})
    assert again.start == at(9, day=26)
    [none] = calendar.propose_moves(admin_ctx, [b], days=0)
    assert none.start is None and none.chair_id == clinic["chair2"]  # where it was


def test_booking_candidates_tell_two_namesakes_apart(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    from clinic_desktop.services.patients import PatientInput, create_patient

    older = create_patient(admin_ctx, PatientInput(
        name="张桂", mobile="13912345678", sex="F", birth_date=date(1961, 3, 2))).patient.id
    younger = create_patient(admin_ctx, PatientInput(
        name="张桂", mobile="13698765432", sex="F", birth_date=date(1994, 11, 25))).patient.id
    cleaning = next(p for p in list_procedures(admin_ctx) if p.name == "超声洁牙")
    billing.record_visit(admin_ctx, older, visit_date=date(2026, 10, 12),
                         doctor_id=clinic["dr.wang"],
                         lines=[TreatmentLine(cleaning.id, Decimal("300"))])
    found = {c.patient.id: c for c in calendar.booking_candidates(admin_ctx, "张桂")}
    assert (found[older].age, found[older].last_visit) == (65, date(2026, 10, 12))
    assert (found[younger].age, found[younger].last_visit) == (31, None)  # 32 tomorrow
    assert calendar.booking_candidates(admin_ctx, "") == []
