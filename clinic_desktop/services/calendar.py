"""What the calendar shows: appointments in a range, their history, free slots.

The week query is shaped for painting: one flat row per appointment with the patient's
name, allergy flag, procedure names and colour, so a view never goes back to the database
per block. Bounded by ``start >= from - MAX_DURATION`` so the start index is used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, String, and_, bindparam, case, func, or_, select, type_coerce
from sqlalchemy.orm import aliased

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.free_slots import FreeSlot, next_free_slots
from clinic_desktop.rules.schedule_rules import Booking, TimeOff
from clinic_desktop.services.appointments import MAX_DURATION, clinic_zone
from clinic_desktop.services.schedule import as_rule, time_off_between, working_spans
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.patient import MedicalProfile, Patient
from clinic_desktop.storage.models.schedule import (
    Appointment,
    AppointmentEvent,
    AppointmentProcedure,
)
from clinic_desktop.storage.models.staff import Staff
from clinic_desktop.storage.rows import frozen, utc_instant

DEFAULT_COLOUR = "#5B7083"


@dataclass(frozen=True)
class AppointmentView:
    id: int
    version: int
    patient_id: int
    patient_name: str
    patient_mobile: str | None
    has_allergy: bool
    doctor_id: int
    chair_id: int | None
    start: datetime
    end: datetime
    status: str
    channel: str
    notes: str
    procedures: tuple[str, ...]
    procedure_ids: tuple[int, ...]
    colour: str
    override_reason: str | None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    staff_name: str
    action: str
    from_status: str | None
    to_status: str | None
    detail: str


@cache
def _week_statement(by_doctor: bool, include_cancelled: bool) -> Select[*tuple[Any, ...]]:
    """The range query, built once per shape: building it costs as much as a tenth of a
    busy week's reading. One statement: the procedures come by outer join (a row per
    procedure, usually one), not by a second pass over the range; the id breaks ties in the
    start index's own order, so an appointment's rows are adjacent."""
    has_allergy = or_(MedicalProfile.allergies_json != "[]", MedicalProfile.allergy_notes != "")
    a, ap = Appointment, AppointmentProcedure
    query = (
        select(a.id, a.version, a.patient_id, Patient.name, Patient.mobile, has_allergy,
               a.doctor_id, a.chair_id, type_coerce(a.start, String),
               type_coerce(a.end, String), a.status, a.channel, a.notes, a.override_reason,
               ap.position, ProcedureType.id, ProcedureType.name, ProcedureType.colour)
        .join(Patient, Patient.id == a.patient_id)
        .outerjoin(MedicalProfile, MedicalProfile.patient_id == a.patient_id)
        .outerjoin(ap, ap.appointment_id == a.id)
        .outerjoin(ProcedureType, ProcedureType.id == ap.procedure_type_id)
        .where(a.start < bindparam("before"), a.start > bindparam("earliest"),
               a.end > bindparam("after"))
        .order_by(a.start, a.id)
    )
    if by_doctor:
        query = query.where(a.doctor_id.in_(bindparam("doctor_ids", expanding=True)))
    if not include_cancelled:
        query = query.where(a.status != "cancelled")
    return query


def appointments_between(
    ctx: Context, start: datetime, end: datetime, *, doctor_ids: list[int] | None = None,
    include_cancelled: bool = False,
) -> list[AppointmentView]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    query = _week_statement(doctor_ids is not None, include_cancelled)
    window: dict[str, object] = {"before": end, "earliest": start - MAX_DURATION,
                                 "after": start}
    if doctor_ids is not None:
        window["doctor_ids"] = doctor_ids
    with ctx.transaction() as session:
        # Core rows on the session's connection: the ORM's row loading layer costs about as
        # much as SQLite itself for a busy week.
        rows = session.connection().execute(query, window).all()
    views: list[AppointmentView] = []
    procedures: list[tuple[int, int, str, str]] = []  # (position, id, name, colour)
    last = len(rows) - 1
    for index, (aid, version, patient_id, name, mobile, allergy, doctor_id, chair_id, begin,
                finish, status, channel, notes, override, position, procedure_id,
                procedure_name, colour) in enumerate(rows):
        if procedure_id is not None:
            procedures.append((position, procedure_id, procedure_name, colour))
        if index < last and rows[index + 1][0] == aid:
            continue  # the same appointment's next procedure (ordered by start, id)
        _, procedure_ids, names, colours = (zip(*sorted(procedures), strict=True)
                                            if procedures else ((), (), (), ()))
        views.append(frozen(AppointmentView, {
            "id": aid, "version": version, "patient_id": patient_id, "patient_name": name,
            "patient_mobile": mobile, "has_allergy": bool(allergy), "doctor_id": doctor_id,
            "chair_id": chair_id, "start": utc_instant(begin), "end": utc_instant(finish),
            "status": status, "channel": channel, "notes": notes,
            "procedures": names, "procedure_ids": procedure_ids,
            "colour": colours[0] if colours else DEFAULT_COLOUR,
            "override_reason": override,
        }))
        if procedures:
            procedures = []
    return views


@dataclass(frozen=True)
class DoctorDay:
    """One doctor's day in the compact all-doctors week: how many bookings, and how many of
    each colour (the first procedure's, as on the day view)."""

    doctor_id: int
    day: date
    count: int
    colours: tuple[tuple[str, int], ...]  # most frequent first


def week_summary(ctx: Context, first_day: date, *, days: int = 7,
                 doctor_ids: list[int] | None = None) -> list[DoctorDay]:
    """Bookings per doctor per clinic-local day (cancelled and no-shows left out), counted
    in the database: the all-doctors week shows bars, not 1,700 blocks, so it reads a few
    hundred rows instead of every appointment with its patient."""
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        zone = clinic_zone(session)
        bounds = [datetime.combine(first_day + timedelta(days=n), time(0), zone)
                  for n in range(days + 1)]
        # Which local day a booking starts on, exact in any time zone (DST included).
        day_index = case(*((Appointment.start < bounds[n + 1], n) for n in range(days)),
                         else_=days)
        first = aliased(AppointmentProcedure)
        colour = func.coalesce(ProcedureType.colour, DEFAULT_COLOUR)
        query = (select(Appointment.doctor_id, day_index, colour, func.count())
                 .outerjoin(first, and_(first.appointment_id == Appointment.id,
                                        first.position == 0))
                 .outerjoin(ProcedureType, ProcedureType.id == first.procedure_type_id)
                 .where(Appointment.start >= bounds[0], Appointment.start < bounds[-1],
                        Appointment.status.not_in(("cancelled", "no_show")))
                 .group_by(Appointment.doctor_id, day_index, colour))
        if doctor_ids is not None:
            query = query.where(Appointment.doctor_id.in_(doctor_ids))
        rows = session.execute(query).all()
    cells: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for doctor_id, index, hue, count in rows:
        cells[(doctor_id, index)][hue] = count
    return [DoctorDay(doctor_id, first_day + timedelta(days=index), sum(found.values()),
                      tuple(sorted(found.items(), key=lambda item: (-item[1], item[0]))))
            for (doctor_id, index), found in sorted(cells.items())]


def appointment_history(ctx: Context, appointment_id: int) -> list[HistoryEntry]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        return [HistoryEntry(e.at, e.staff_name, e.action, e.from_status, e.to_status, e.detail)
                for e in session.execute(
                    select(AppointmentEvent).where(
                        AppointmentEvent.appointment_id == appointment_id)
                    .order_by(AppointmentEvent.at, AppointmentEvent.id)).scalars()]


def find_free_slots(
    ctx: Context, *, duration: timedelta, after: datetime, doctor_id: int | None = None,
    days: int = 14, limit: int = 10, need_chair: bool = False, step_minutes: int = 5,
) -> list[FreeSlot]:
    """The earliest free slots for one doctor, or for any doctor when ``doctor_id`` is None."""
    ctx.require(Permission.APPOINTMENT_VIEW)
    horizon = after + timedelta(days=days)
    with ctx.transaction() as session:
        doctors = [doctor_id] if doctor_id is not None else list(session.execute(
            select(Staff.id).where(Staff.is_doctor.is_(True), Staff.active.is_(True))
            .order_by(Staff.id)).scalars())
        spans = working_spans(session, doctors)
        offs: dict[int, list[TimeOff]] = defaultdict(list)
        for off in time_off_between(session, after, horizon, doctors):
            offs[off.doctor_id].append(as_rule(off))
        booked = session.execute(select(Appointment).where(
            Appointment.start < horizon, Appointment.end > after,
            Appointment.status.not_in(("cancelled", "no_show")))).scalars().all()
        by_doctor: dict[int, list[Booking]] = defaultdict(list)
        by_chair: dict[int, list[Booking]] = defaultdict(list)
        for a in booked:
            booking = Booking(a.id, a.doctor_id, a.chair_id, a.patient_id, a.start, a.end,
                              a.status)
            by_doctor[a.doctor_id].append(booking)
            if a.chair_id is not None:
                by_chair[a.chair_id].append(booking)
        chair_ids = None
        if need_chair:
            from clinic_desktop.storage.models.staff import Chair

            chair_ids = list(session.execute(select(Chair.id).where(Chair.active.is_(True))
                                             .order_by(Chair.sort_order)).scalars())
        return next_free_slots(
            duration=duration, after=after, days=days, doctors=doctors, working_spans=spans,
            time_off=offs, bookings=by_doctor, tz=clinic_zone(session),
            step_minutes=step_minutes, limit=limit, chair_ids=chair_ids,
            chair_bookings=by_chair)
