"""The ASAP list: patients who want an earlier slot, offered when a booking is cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, contacts_for_all
from clinic_desktop.services.appointments import clinic_zone
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import Appointment, WaitlistEntry

DAY_PARTS = ("morning", "afternoon", "evening")


def day_part(moment: datetime) -> str:
    hour = moment.hour
    return "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"


@dataclass(frozen=True)
class WaitlistItem:
    id: int
    patient_id: int
    patient_name: str
    mobile: str | None
    doctor_id: int | None
    procedure_type_id: int | None
    earliest: date | None
    latest: date | None
    day_parts: tuple[str, ...]
    notes: str
    created_at: datetime


def add_to_waitlist(
    ctx: Context, patient_id: int, *, doctor_id: int | None = None,
    procedure_type_id: int | None = None, earliest: date | None = None,
    latest: date | None = None, day_parts: tuple[str, ...] = (), notes: str = "",
    current_appointment_id: int | None = None,
) -> int:
    ctx.require(Permission.APPOINTMENT_EDIT)
    if earliest and latest and latest < earliest:
        raise UserError(_("最晚日期不能早于最早日期。"), field="latest")
    if any(part not in DAY_PARTS for part in day_parts):
        raise UserError(_("时段无效。"), field="day_parts")
    with ctx.transaction(write=True) as session:
        get_patient(session, patient_id)
        row = WaitlistEntry(
            patient_id=patient_id, doctor_id=doctor_id, procedure_type_id=procedure_type_id,
            earliest=earliest, latest=latest, day_parts=",".join(day_parts), notes=notes.strip(),
            current_appointment_id=current_appointment_id, created_by=ctx.actor.staff_id,
            created_at=ctx.now())
        session.add(row)
        session.flush()
        ctx.audit(session, "waitlist.add", "patient", patient_id, f"entry {row.id}")
        return row.id


def _items(rows: list[tuple[WaitlistEntry, str, str | None]]) -> list[WaitlistItem]:
    return [WaitlistItem(w.id, w.patient_id, name, mobile, w.doctor_id, w.procedure_type_id,
                         w.earliest, w.latest, tuple(p for p in w.day_parts.split(",") if p),
                         w.notes, w.created_at) for w, name, mobile in rows]


def active_waitlist(ctx: Context) -> list[WaitlistItem]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        rows = session.execute(
            select(WaitlistEntry, Patient.name, Patient.mobile)
            .join(Patient, Patient.id == WaitlistEntry.patient_id)
            .where(WaitlistEntry.active.is_(True)).order_by(WaitlistEntry.created_at)).all()
        return contacts_for_all(ctx, _items([(r[0], r[1], r[2]) for r in rows]))


def matches_for_slot(ctx: Context, appointment_id: int) -> list[WaitlistItem]:
    """Waiting patients who could take the slot a cancelled appointment freed, oldest first."""
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        appt = session.get(Appointment, appointment_id)
        if appt is None:
            raise NotFound(_("该预约已不存在。"))
        local = appt.start.astimezone(clinic_zone(session))
        rows = session.execute(
            select(WaitlistEntry, Patient.name, Patient.mobile)
            .join(Patient, Patient.id == WaitlistEntry.patient_id)
            .where(WaitlistEntry.active.is_(True), WaitlistEntry.patient_id != appt.patient_id)
            .order_by(WaitlistEntry.created_at)).all()
        fitting = []
        for entry, name, mobile in rows:
            if entry.doctor_id is not None and entry.doctor_id != appt.doctor_id:
                continue
            if entry.earliest and local.date() < entry.earliest:
                continue
            if entry.latest and local.date() > entry.latest:
                continue
            parts = [p for p in entry.day_parts.split(",") if p]
            if parts and day_part(local) not in parts:
                continue
            fitting.append((entry, name, mobile))
        return contacts_for_all(ctx, _items(fitting))


def resolve_waitlist(ctx: Context, entry_id: int, *, note: str = "") -> None:
    ctx.require(Permission.APPOINTMENT_EDIT)
    with ctx.transaction(write=True) as session:
        entry = session.get(WaitlistEntry, entry_id)
        if entry is None:
            raise NotFound(_("该候补记录已不存在。"))
        entry.active, entry.resolved_note = False, note.strip() or None
        ctx.audit(session, "waitlist.resolve", "patient", entry.patient_id, f"entry {entry_id}")
