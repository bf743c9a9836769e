"""The week query's edges: bookings crossing midnight or the range's ends, several procedures
in their order, filters; and the overlap check's chairless and long bookings."""

from __future__ import annotations

from datetime import timedelta

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import calendar
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.catalogue import list_procedures
from tests.unit.test_appointments import at, clinic, req  # noqa: F401 - shared fixture

__all__ = ["clinic"]

AFTER_HOURS = "夜间急诊"  # outside the default hours: booked as an override


def test_week_keeps_bookings_that_cross_midnight_or_the_range_ends(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    # The range is Wednesday 25th to Friday 27th, clinic-local midnights.
    start, end = at(0), at(0, day=27)
    before = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(23, day=24), 120),
                        override_reason=AFTER_HOURS)  # Tue 23:00 to Wed 01:00
    inside = appts.book(admin_ctx, req(clinic, "李四", "dr.li", at(10, day=26), chair="chair2"))
    across = appts.book(admin_ctx, req(clinic, "李四", "dr.wang", at(23, day=26), 120),
                        override_reason=AFTER_HOURS)  # Thu 23:00 to Fri 01:00
    # Ending as the range starts, and starting as it ends: half-open, so both stay out.
    appts.book(admin_ctx, req(clinic, "张三", "dr.li", at(22, day=24), 120, chair="chair2"),
               override_reason=AFTER_HOURS)
    appts.book(admin_ctx, req(clinic, "张三", "dr.li", at(0, day=27), 60, chair="chair2"),
               override_reason=AFTER_HOURS)
    views = calendar.appointments_between(admin_ctx, start, end)
    assert [v.id for v in views] == [before, inside, across]
    assert (views[0].start, views[0].end) == (at(23, day=24), at(1))
    assert views[0].start.utcoffset() == timedelta(0)
    only_li = calendar.appointments_between(admin_ctx, start, end, doctor_ids=[clinic["dr.li"]])
    assert [v.id for v in only_li] == [inside]


def test_week_lists_several_procedures_in_their_order_once_per_booking(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    by_name = {p.name: p for p in list_procedures(admin_ctx)}
    implant, cleaning = by_name["种植牙"], by_name["超声洁牙"]
    two = appts.book(admin_ctx, BookingRequest(
        clinic["张三"], clinic["dr.wang"], at(9), at(10), clinic["chair1"],
        (cleaning.id, implant.id)))
    reverse = appts.book(admin_ctx, BookingRequest(
        clinic["李四"], clinic["dr.li"], at(9), at(10), clinic["chair2"],
        (implant.id, cleaning.id)))
    none = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(11)))
    views = calendar.appointments_between(admin_ctx, at(0), at(0, day=26))
    assert [(v.id, v.procedures, v.procedure_ids, v.colour) for v in views] == [
        (two, ("超声洁牙", "种植牙"), (cleaning.id, implant.id), cleaning.colour),
        (reverse, ("种植牙", "超声洁牙"), (implant.id, cleaning.id), implant.colour),
        (none, (), (), calendar.DEFAULT_COLOUR),
    ]
    assert (views[0].patient_name, views[1].patient_name) == ("张三", "李四")
    assert not views[0].has_allergy


def test_two_chairless_bookings_at_once_do_not_clash(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(10), chair=None))
    assert appts.check_booking(admin_ctx, req(clinic, "李四", "dr.li", at(10), chair=None)) == []
    found = appts.check_booking(admin_ctx, req(clinic, "张三", "dr.li", at(10), chair=None))
    assert [c.kind for c in found] == ["patient"]


def test_a_long_booking_that_started_hours_earlier_still_clashes(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    long = appts.book(admin_ctx, req(clinic, "张三", "dr.wang", at(9), 8 * 60),
                      override_reason="全口种植")
    found = appts.check_booking(admin_ctx, req(clinic, "李四", "dr.wang", at(16, 30),
                                               chair="chair2"))
    assert [(c.kind, c.other_booking_id) for c in found] == [("doctor", long)]


def test_the_compact_week_counts_bookings_per_doctor_per_local_day(
    admin_ctx: Context, clinic: dict[str, int]  # noqa: F811
) -> None:
    from datetime import date

    by_name = {p.name: p for p in list_procedures(admin_ctx)}
    implant, cleaning = by_name["种植牙"], by_name["超声洁牙"]
    wang, li = clinic["dr.wang"], clinic["dr.li"]
    for hour, procedure in ((9, implant), (10, implant), (11, cleaning)):
        appts.book(admin_ctx, BookingRequest(clinic["张三"], wang, at(hour), at(hour) +
                                             timedelta(minutes=30), None, (procedure.id,)))
    # 23:30 on the 26th local is 15:30 UTC: it belongs to the 26th, not the 27th UTC day.
    appts.book(admin_ctx, req(clinic, "李四", "dr.li", at(23, 30, day=26), 20),
               override_reason=AFTER_HOURS)
    gone = appts.book(admin_ctx, req(clinic, "李四", "dr.li", at(9, day=26)))
    appts.change_status(admin_ctx, gone, version=1, status="cancelled", reason="改天")
    week = calendar.week_summary(admin_ctx, date(2026, 11, 23))
    assert [(d.doctor_id, d.day, d.count, d.colours) for d in week] == [
        (wang, date(2026, 11, 25), 3, ((implant.colour, 2), (cleaning.colour, 1))),
        (li, date(2026, 11, 26), 1, ((calendar.DEFAULT_COLOUR, 1),)),
    ]
    assert calendar.week_summary(admin_ctx, date(2026, 11, 23), doctor_ids=[li])[0].count == 1
    assert calendar.week_summary(admin_ctx, date(2026, 11, 27)) == []


def test_the_compact_week_takes_the_first_procedure_colour_and_the_weeks_own_edges(
    admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock  # noqa: F811
) -> None:
    """What the server's form of the count (one range over the week, each booking's day by
    ``CASE``, its colour by a subquery) must agree with SQLite's on: the first and last local
    midnights, the last day, a second procedure, two procedures of one colour, no-shows."""
    from datetime import date
    from decimal import Decimal

    from clinic_desktop.services.catalogue import save_procedure

    by_name = {p.name: p for p in list_procedures(admin_ctx)}
    implant, cleaning = by_name["种植牙"], by_name["超声洁牙"]
    twin = save_procedure(admin_ctx, None, name="种植二期", category=implant.category,
                          high_value=True, default_minutes=60, price=Decimal("100"),
                          colour=implant.colour)
    wang, li = clinic["dr.wang"], clinic["dr.li"]
    zhang, patient_li = clinic["张三"], clinic["李四"]

    def book(patient: int, doctor: int, day: int, hour: int, minute: int = 0,
             procedures: tuple[int, ...] = ()) -> int:
        start = at(hour, minute, day=day)
        return appts.book(admin_ctx, BookingRequest(
            patient, doctor, start, start + timedelta(minutes=20), None, procedures),
            override_reason=AFTER_HOURS)

    book(zhang, wang, 23, 0, procedures=(cleaning.id, implant.id))  # Monday's first minute
    book(patient_li, wang, 23, 9, procedures=(twin.id,))  # another type, the same colour
    book(zhang, wang, 23, 10, procedures=(implant.id,))
    book(zhang, li, 29, 23, 40)  # Sunday's last minutes: the week's last day
    book(patient_li, li, 30, 0)  # next Monday's first minute: outside the week
    absent = book(patient_li, li, 29, 10)
    fixed_clock.set(at(11, day=29))  # a no-show is recorded once the booking has begun
    appts.change_status(admin_ctx, absent, version=1, status="no_show", reason="未到")
    week = calendar.week_summary(admin_ctx, date(2026, 11, 23))
    assert [(d.doctor_id, d.day, d.count, d.colours) for d in week] == [
        (wang, date(2026, 11, 23), 3, ((implant.colour, 2), (cleaning.colour, 1))),
        (li, date(2026, 11, 29), 1, ((calendar.DEFAULT_COLOUR, 1),)),
    ]
    assert [d.day for d in calendar.week_summary(admin_ctx, date(2026, 11, 24))] == [
        date(2026, 11, 29), date(2026, 11, 30)]
    assert [(d.day, d.count) for d in calendar.week_summary(
        admin_ctx, date(2026, 11, 29), days=1)] == [(date(2026, 11, 29), 1)]
