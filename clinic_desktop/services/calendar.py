"""What the calendar shows: appointments in a range, their history, free slots.

The week query is shaped for painting: one flat row per appointment with the patient's
name, allergy flag, procedure names and colour, so a view never goes back to the database
per block. Bounded by ``start >= from - MAX_DURATION`` so the start index is used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission, contacts_for, phone_for
from clinic_desktop.rules.age import age_on
from clinic_desktop.rules.free_slots import FreeSlot, next_free_slots
from clinic_desktop.rules.schedule_rules import Booking, TimeOff, WorkingSpan
from clinic_desktop.services.appointments import MAX_DURATION, clinic_zone
from clinic_desktop.services.patient_search import PatientHit, search_in
from clinic_desktop.services.schedule import (
    BLOCKING_STATUSES,
    as_rule,
    clinic_zone_on,
    time_off_between,
    working_spans,
)
from clinic_desktop.storage.models.clinical import ProcedureType, Visit
from clinic_desktop.storage.models.patient import MedicalProfile, Patient
from clinic_desktop.storage.models.schedule import (
    Appointment,
    AppointmentEvent,
    AppointmentProcedure,
)
from clinic_desktop.storage.models.staff import Chair, Staff
from clinic_desktop.storage.rows import frozen, utc_instant
from clinic_desktop.storage.transactions import read_connection

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
    patient_tier: str | None = None  # the tier name cached on the patient row


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    staff_name: str
    action: str
    from_status: str | None
    to_status: str | None
    detail: str


def _constant(value: str | int) -> ColumnElement[Any]:
    """A constant written into the SQL rather than bound: a prepared statement's generic plan
    on PostgreSQL then knows it (a bound ``status != $1`` is estimated as matching nearly
    every row when one status dominates, and the plan chosen for that runs for a second)."""
    text = "'" + value.replace("'", "''") + "'" if isinstance(value, str) else str(value)
    return literal_column(text)


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
               ap.position, ProcedureType.id, ProcedureType.name, ProcedureType.colour,
               Patient.member_tier)
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
        rows = read_connection(session).execute(query, window).all()
    views: list[AppointmentView] = []
    phone = phone_for(ctx)  # masked without CONTACT_FULL
    procedures: list[tuple[int, int, str, str]] = []  # (position, id, name, colour)
    last = len(rows) - 1
    for index, (aid, version, patient_id, name, mobile, allergy, doctor_id, chair_id, begin,
                finish, status, channel, notes, override, position, procedure_id,
                procedure_name, colour, tier) in enumerate(rows):
        if procedure_id is not None:
            procedures.append((position, procedure_id, procedure_name, colour))
        if index < last and rows[index + 1][0] == aid:
            continue  # the same appointment's next procedure (ordered by start, id)
        _, procedure_ids, names, colours = (zip(*sorted(procedures), strict=True)
                                            if procedures else ((), (), (), ()))
        views.append(frozen(AppointmentView, {
            "id": aid, "version": version, "patient_id": patient_id, "patient_name": name,
            "patient_mobile": phone(mobile), "has_allergy": bool(allergy), "doctor_id": doctor_id,
            "chair_id": chair_id, "start": utc_instant(begin), "end": utc_instant(finish),
            "status": status, "channel": channel, "notes": notes,
            "procedures": names, "procedure_ids": procedure_ids,
            "colour": colours[0] if colours else DEFAULT_COLOUR,
            "override_reason": override, "patient_tier": tier,
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


@cache
def _summary_statement(days: int, by_doctor: bool,
                       on_server: bool = False) -> Select[*tuple[Any, ...]]:
    """The compact week's count, built once per shape (building it cost more than running it).

    The clinic-local days' UTC bounds come in as ``day0`` … ``day{days}`` (computed in the
    clinic's zone by the caller, so a DST day of 23 or 25 hours is exact). Only the first
    procedure (position 0) gives a booking its colour. Cancelled and no-shows are left out."""
    stamp = Appointment.start.type  # bound like a start: aware in, the stored form out
    edges = [bindparam(f"day{n}", type_=stamp) for n in range(days + 1)]
    colour = func.coalesce(ProcedureType.colour, _constant(DEFAULT_COLOUR))
    counted = and_(Appointment.status != _constant("cancelled"),
                   Appointment.status != _constant("no_show"))
    query = (_server_summary(edges, colour) if on_server
             else _file_summary(edges, colour)).where(counted)
    if by_doctor:
        query = query.where(Appointment.doctor_id.in_(bindparam("doctor_ids", expanding=True)))
    return query


def _file_summary(edges: list[BindParameter[datetime]],
                  colour: ColumnElement[str]) -> Select[*tuple[Any, ...]]:
    """SQLite: the days as a list of ``(n, since, until)`` joined to the start index, so each
    day is its own range seek and no per-row ``CASE`` over every bound is evaluated (that
    cost as much as reading the rows); the first procedure by outer join."""
    local_day = union_all(*(  # one SELECT per day: SQLAlchemy does not cache a VALUES clause
        select(_constant(n).label("n"), edges[n].label("since"),
               edges[n + 1].label("until")) for n in range(len(edges) - 1))).cte("local_day")
    first = aliased(AppointmentProcedure)
    return (select(Appointment.doctor_id, local_day.c.n, colour, func.count())
            .select_from(local_day)
            .join(Appointment, and_(Appointment.start >= local_day.c.since,
                                    Appointment.start < local_day.c.until))
            .outerjoin(first, and_(first.appointment_id == Appointment.id,
                                   first.position == _constant(0)))
            .outerjoin(ProcedureType, ProcedureType.id == first.procedure_type_id)
            .group_by(Appointment.doctor_id, local_day.c.n, colour)
            # A cell's rows arrive together: grouped below without a dictionary or a sort.
            .order_by(Appointment.doctor_id, local_day.c.n))


def _server_summary(edges: list[BindParameter[datetime]],
                    colour: ColumnElement[str]) -> Select[*tuple[Any, ...]]:
    """PostgreSQL: one range over the week, each row's day by ``CASE`` (cheap there), and the
    first procedure's type by a subquery per booking (an index probe each). The planner then
    sees the week's real size: joined to a list of days it could not, expected a tenth of
    the table, and chose parallel workers (10-20 ms to start them) or hashed every booking's
    procedures (100 ms when most bookings have one)."""
    days = len(edges) - 1
    # No ELSE: the range below makes the last WHEN always true (and a bare constant would be
    # taken for a column position in GROUP BY and ORDER BY).
    day = case(*((Appointment.start < edges[n + 1], _constant(n)) for n in range(days)))
    first = (select(func.min(AppointmentProcedure.procedure_type_id))
             .where(AppointmentProcedure.appointment_id == Appointment.id,
                    AppointmentProcedure.position == _constant(0))
             .scalar_subquery())
    return (select(Appointment.doctor_id, day, colour, func.count())
            .outerjoin(ProcedureType, ProcedureType.id == first)
            .where(Appointment.start >= edges[0], Appointment.start < edges[days])
            .group_by(Appointment.doctor_id, day, colour)
            .order_by(Appointment.doctor_id, day))


def week_summary(ctx: Context, first_day: date, *, days: int = 7,
                 doctor_ids: list[int] | None = None) -> list[DoctorDay]:
    """Bookings per doctor per clinic-local day (cancelled and no-shows left out), counted
    in the database: the all-doctors week shows bars, not 1,700 blocks, so it reads a few
    hundred rows instead of every appointment with its patient."""
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        # Core rows on the session's connection, as appointments_between reads them.
        connection = read_connection(session)
        zone = clinic_zone_on(connection)
        window: dict[str, object] = {
            f"day{n}": datetime.combine(first_day + timedelta(days=n), time(0), zone)
            for n in range(days + 1)}
        if doctor_ids is not None:
            window["doctor_ids"] = doctor_ids
        statement = _summary_statement(days, doctor_ids is not None,
                                       connection.dialect.name == "postgresql")
        rows = connection.execute(statement, window).all()
    cells: list[tuple[int, int, list[tuple[str, int]]]] = []
    for doctor_id, index, hue, count in rows:
        if not cells or cells[-1][0] != doctor_id or cells[-1][1] != index:
            cells.append((doctor_id, index, []))
        cells[-1][2].append((hue, count))
    dates = [first_day + timedelta(days=n) for n in range(days)]
    return [DoctorDay(doctor_id, dates[index], sum(count for _, count in found),
                      tuple(found if len(found) == 1 else
                            sorted(found, key=lambda item: (-item[1], item[0]))))
            for doctor_id, index, found in cells]


def appointment_history(ctx: Context, appointment_id: int) -> list[HistoryEntry]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        return [HistoryEntry(e.at, e.staff_name, e.action, e.from_status, e.to_status, e.detail)
                for e in session.execute(
                    select(AppointmentEvent).where(
                        AppointmentEvent.appointment_id == appointment_id)
                    .order_by(AppointmentEvent.at, AppointmentEvent.id)).scalars()]


@dataclass
class _SlotData:
    """What the free-slot finder needs for some doctors over ``[after, horizon)``."""

    spans: dict[int, list[WorkingSpan]]
    time_off: dict[int, list[TimeOff]]
    by_doctor: dict[int, list[Booking]]
    by_chair: dict[int, list[Booking]]
    by_patient: dict[int, list[Booking]]
    chair_ids: list[int]  # active chairs, in their order
    zone: ZoneInfo


def _slot_data(session: Session, doctors: list[int], after: datetime, horizon: datetime, *,
               ignore: Collection[int] = ()) -> _SlotData:
    """Hours, time off and blocking bookings (``ignore``: bookings being moved) in one read."""
    offs: dict[int, list[TimeOff]] = defaultdict(list)
    for off in time_off_between(session, after, horizon, doctors):
        offs[off.doctor_id].append(as_rule(off))
    booked = session.execute(select(
        Appointment.id, Appointment.doctor_id, Appointment.chair_id, Appointment.patient_id,
        Appointment.start, Appointment.end, Appointment.status).where(
        Appointment.start < horizon, Appointment.start > after - MAX_DURATION,
        Appointment.end > after,
        Appointment.status.not_in(("cancelled", "no_show")))).all()
    by_doctor: dict[int, list[Booking]] = defaultdict(list)
    by_chair: dict[int, list[Booking]] = defaultdict(list)
    by_patient: dict[int, list[Booking]] = defaultdict(list)
    for row in booked:
        if row[0] in ignore:
            continue
        booking = Booking(*row)
        by_doctor[booking.doctor_id].append(booking)
        by_patient[booking.patient_id].append(booking)
        if booking.chair_id is not None:
            by_chair[booking.chair_id].append(booking)
    chair_ids = list(session.execute(select(Chair.id).where(Chair.active.is_(True))
                                     .order_by(Chair.sort_order, Chair.id)).scalars())
    return _SlotData(working_spans(session, doctors), offs, by_doctor, by_chair, by_patient,
                     chair_ids, clinic_zone(session))


def _active_doctors(session: Session) -> list[int]:
    return list(session.execute(
        select(Staff.id).where(Staff.is_doctor.is_(True), Staff.active.is_(True))
        .order_by(Staff.id)).scalars())


def find_free_slots(
    ctx: Context, *, duration: timedelta, after: datetime, doctor_id: int | None = None,
    days: int = 14, limit: int = 10, need_chair: bool = False, step_minutes: int = 5,
    doctor_ids: Sequence[int] | None = None,
) -> list[FreeSlot]:
    """The earliest free slots for one doctor, for ``doctor_ids`` (ties in their order: the
    calendar's column order), or for any doctor when neither is given."""
    ctx.require(Permission.APPOINTMENT_VIEW)
    horizon = after + timedelta(days=days)
    with ctx.transaction() as session:
        doctors = ([doctor_id] if doctor_id is not None else list(doctor_ids)
                   if doctor_ids is not None else _active_doctors(session))
        data = _slot_data(session, doctors, after, horizon)
    return next_free_slots(
        duration=duration, after=after, days=days, doctors=doctors, working_spans=data.spans,
        time_off=data.time_off, bookings=data.by_doctor, tz=data.zone,
        step_minutes=step_minutes, limit=limit,
        chair_ids=data.chair_ids if need_chair else None, chair_bookings=data.by_chair)


@dataclass(frozen=True)
class MoveProposal:
    """Where a booking its doctor can no longer keep could go: the first free slot of
    ``doctor_id`` at or after its old start (or now, if that has passed); ``start`` is None
    when there is none within the search's days."""

    appointment_id: int
    version: int
    patient_id: int
    patient_name: str
    patient_mobile: str | None
    old_doctor_id: int
    old_start: datetime
    old_end: datetime
    doctor_id: int
    chair_id: int | None
    start: datetime | None
    end: datetime | None


def propose_moves(ctx: Context, appointment_ids: Sequence[int], *,
                  doctors: Mapping[int, int] | None = None, step_minutes: int = 15,
                  days: int = 14) -> list[MoveProposal]:
    """A free slot for each booking (earliest first), each with its own doctor or the one
    ``doctors`` names for it. The slots do not clash with each other, the doctor's other
    bookings and time off, a chair (its own first) when it had one, or the patient's other
    bookings. Bookings already finished or cancelled are left out. Changes nothing."""
    ctx.require(Permission.APPOINTMENT_VIEW)
    wanted = doctors or {}
    now = ctx.now()
    with ctx.transaction() as session:
        rows = session.execute(
            select(Appointment.id, Appointment.version, Appointment.patient_id, Patient.name,
                   Patient.mobile, Appointment.doctor_id, Appointment.chair_id,
                   Appointment.start, Appointment.end)
            .join(Patient, Patient.id == Appointment.patient_id)
            .where(Appointment.id.in_(list(appointment_ids)),
                   Appointment.status.in_(BLOCKING_STATUSES))
            .order_by(Appointment.start, Appointment.id)).all()
        if not rows:
            return []
        targets = {row.id: wanted.get(row.id, row.doctor_id) for row in rows}
        firsts = [max(row.start, now) for row in rows]
        data = _slot_data(session, sorted(set(targets.values())), min(firsts),
                          max(firsts) + timedelta(days=days), ignore=set(targets))
    proposals = []
    phone = phone_for(ctx)
    for row, after in zip(rows, firsts, strict=True):
        doctor = targets[row.id]
        chairs = None if row.chair_id is None else [
            row.chair_id, *(c for c in data.chair_ids if c != row.chair_id)]
        # The patient's other bookings count as busy: a move must not clash with them either.
        busy = data.by_doctor[doctor] + [b for b in data.by_patient[row.patient_id]
                                         if b.doctor_id != doctor]
        found = next_free_slots(
            duration=row.end - row.start, after=after, days=days, doctors=[doctor],
            working_spans=data.spans, time_off=data.time_off, bookings={doctor: busy},
            tz=data.zone, step_minutes=step_minutes, limit=1, chair_ids=chairs,
            chair_bookings=data.by_chair)
        slot = found[0] if found else None
        if slot is not None:  # taken: the next proposal must not offer it again
            taken = Booking(row.id, doctor, slot.chair_id, row.patient_id, slot.start, slot.end)
            data.by_doctor[doctor].append(taken)
            data.by_patient[row.patient_id].append(taken)
            if slot.chair_id is not None:
                data.by_chair[slot.chair_id].append(taken)
        proposals.append(MoveProposal(
            row.id, row.version, row.patient_id, row.name, phone(row.mobile), row.doctor_id,
            utc_instant(row.start), utc_instant(row.end), doctor,
            slot.chair_id if slot else row.chair_id, slot.start if slot else None,
            slot.end if slot else None))
    return proposals


@dataclass(frozen=True)
class BookingCandidate:
    """A search hit in the booking dialog, with what tells two 张桂 apart."""

    patient: PatientHit
    age: int | None
    last_visit: date | None


def booking_candidates(ctx: Context, query: str, *, limit: int = 20) -> list[BookingCandidate]:
    """Patients matching ``query`` (as the patient search finds them) with age and last visit."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        hits = search_in(session, query, limit=limit)
        if not hits:
            return []
        today = ctx.now().astimezone(clinic_zone(session)).date()
        last: dict[int, date] = {pid: day for pid, day in session.execute(
            select(Visit.patient_id, func.max(Visit.visit_date))
            .where(Visit.patient_id.in_([h.id for h in hits]))
            .group_by(Visit.patient_id))}
    return [BookingCandidate(contacts_for(ctx, hit),
                             age_on(hit.birth_date, today) if hit.birth_date else None,
                             last.get(hit.id)) for hit in hits]
