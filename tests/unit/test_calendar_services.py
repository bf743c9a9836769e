"""The calendar's reads, free slots, the waitlist and completing a visit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from clinic_desktop.context import Context
from clinic_desktop.events import TreatmentCompleted, subscribe, unsubscribe
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import billing, calendar, profile, waitlist
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
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
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
