"""What the calendar shows: appointments in a range, their history, free slots.

The week query is shaped for painting: one flat row per appointment with the patient's
name, allergy flag, procedure names and colour, so a view never goes back to the database
per block. Bounded by ``start >= from - MAX_DURATION`` so the start index is used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, or_, select, type_coerce

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


def _utc(stored: str | datetime) -> datetime:
    """Instants are read as their stored text: ``fromisoformat`` (C) is several times
    cheaper than the generic DateTime result processor on a busy week (~2,000 rows)."""
    if isinstance(stored, str):
        return datetime.fromisoformat(stored + "+00:00")  # stored as naive UTC
    return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


def appointments_between(
    ctx: Context, start: datetime, end: datetime, *, doctor_ids: list[int] | None = None,
    include_cancelled: bool = False,
) -> list[AppointmentView]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    has_allergy = or_(MedicalProfile.allergies_json != "[]", MedicalProfile.allergy_notes != "")
    a = Appointment
    in_range = (a.start < end, a.start > start - MAX_DURATION, a.end > start)
    query = (
        select(a.id, a.version, a.patient_id, Patient.name, Patient.mobile, has_allergy,
               a.doctor_id, a.chair_id, type_coerce(a.start, String),
               type_coerce(a.end, String), a.status, a.channel, a.notes, a.override_reason)
        .join(Patient, Patient.id == Appointment.patient_id)
        .outerjoin(MedicalProfile, MedicalProfile.patient_id == Appointment.patient_id)
        .where(*in_range)
        .order_by(Appointment.start)
    )
    if doctor_ids is not None:
        query = query.where(Appointment.doctor_id.in_(doctor_ids))
    if not include_cancelled:
        query = query.where(Appointment.status != "cancelled")
    with ctx.transaction() as session:
        # Core execution on the session's connection: the ORM's row loading layer costs
        # about as much as SQLite itself for a busy week.
        connection = session.connection()
        rows = connection.execute(query).all()
        ids = [row[0] for row in rows]
        procedures: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        if ids:
            # The same range again rather than IN (two thousand ids): one index range scan.
            wanted = set(ids)
            for appointment_id, pid, name, colour in connection.execute(
                select(AppointmentProcedure.appointment_id, ProcedureType.id,
                       ProcedureType.name, ProcedureType.colour)
                .join(Appointment, Appointment.id == AppointmentProcedure.appointment_id)
                .join(ProcedureType, ProcedureType.id == AppointmentProcedure.procedure_type_id)
                .where(*in_range)
                .order_by(AppointmentProcedure.position)):
                if appointment_id in wanted:
                    procedures[appointment_id].append((pid, name, colour))
        views = []
        for (aid, version, patient_id, name, mobile, allergy, doctor_id, chair_id, begin,
             finish, status, channel, notes, override) in rows:
            procs = procedures.get(aid)
            names, procedure_ids = ((tuple(p[1] for p in procs), tuple(p[0] for p in procs))
                                    if procs else ((), ()))
            views.append(AppointmentView(
                id=aid, version=version, patient_id=patient_id, patient_name=name,
                patient_mobile=mobile, has_allergy=bool(allergy), doctor_id=doctor_id,
                chair_id=chair_id, start=_utc(begin), end=_utc(finish), status=status,
                channel=channel,
                notes=notes, procedures=names, procedure_ids=procedure_ids,
                colour=procs[0][2] if procs else DEFAULT_COLOUR, override_reason=override,
            ))
        return views


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
