"""The 360° panel: everything about one patient in one read, cut to what the role may see.

Which sections a role sees is decided here, from the role's permissions, so the GUI cannot
show a receptionist clinical notes by accident.

Opening a panel is audited (``patient.open``), once per opening: ``open_panel`` is for a
person who opens the record (a click, Enter, another page's request); ``refresh_panel`` reads
the same panel again for the one already showing it (after a change) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import (
    Permission,
    contacts_for,
    contacts_for_all,
    without_clinical,
)
from clinic_desktop.rules.age import age_on
from clinic_desktop.rules.schedule_rules import status_label
from clinic_desktop.services.attachments import (
    AttachmentInfo,
    blob_path,
    kind_label,
    store_root_in,
)
from clinic_desktop.services.auto_settings import kind_label as auto_kind_label
from clinic_desktop.services.auto_settings import outbox_status_label
from clinic_desktop.services.billing import (
    Balance,
    LedgerRecord,
    balance_in,
    ledger_in,
    method_label,
)
from clinic_desktop.services.billing import kind_label as ledger_label
from clinic_desktop.services.care import OPEN, CareTaskInfo, task_info
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.consent import Consent, consent_in
from clinic_desktop.services.engagement import channel_label, feedback_status_label
from clinic_desktop.services.family import FamilyMember, family_in
from clinic_desktop.services.patients import PatientRecord, get_patient, record_of
from clinic_desktop.services.profile import (
    MedicalInfo,
    TagInfo,
    custom_values_in,
    medical_in,
    tags_in,
)
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, Treatment, Visit
from clinic_desktop.storage.models.engagement import Attachment, ContactLog, Feedback
from clinic_desktop.storage.models.loyalty import LoyaltyTier
from clinic_desktop.storage.models.messaging import OutboxMessage
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.models.staff import Staff

SECTION_PERMISSIONS: dict[str, Permission] = {
    "identity": Permission.PATIENT_VIEW,
    "contacts": Permission.PATIENT_VIEW,
    "family": Permission.PATIENT_VIEW,
    "appointments": Permission.APPOINTMENT_VIEW,
    "billing": Permission.BILLING_VIEW,
    "care": Permission.CARE_VIEW,
    "medical": Permission.CLINICAL_VIEW,
    "treatments": Permission.CLINICAL_VIEW,
    "attachments": Permission.CLINICAL_VIEW,
    "notes": Permission.CLINICAL_VIEW,
}
TIMELINE_KINDS = ("visit", "payment", "appointment", "contact", "feedback", "attachment")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class TreatmentRow:
    visit_id: int
    visit_date: date
    doctor: str
    procedure: str
    site: str
    notes: str
    amount: Decimal


@dataclass(frozen=True)
class PanelHeader:
    patient: PatientRecord
    age: int | None
    tags: tuple[TagInfo, ...]
    allergy_text: str
    balance: Balance | None
    next_appointment: datetime | None
    tier_colour: str | None = None  # the chip's colour, when the patient has a tier
    referrer: str | None = None  # the patient (name · code) who referred this one
    referred: int = 0  # patients this one referred
    consent: Consent | None = None  # what the patient said about messages


@dataclass(frozen=True)
class PatientPanel:
    header: PanelHeader
    sections: frozenset[str]
    timeline: tuple[TimelineEntry, ...]
    medical: MedicalInfo | None
    treatments: tuple[TreatmentRow, ...]
    family: tuple[FamilyMember, ...]
    attachments: tuple[AttachmentInfo, ...]
    custom_values: tuple[tuple[str, str], ...]
    care: tuple[CareTaskInfo, ...]  # open callbacks, recalls and reminders
    ledger: tuple[LedgerRecord, ...] = ()  # newest first; empty without the billing section


def visible_sections(ctx: Context) -> frozenset[str]:
    return frozenset(name for name, permission in SECTION_PERMISSIONS.items()
                     if ctx.can(permission))


def _noon(day: date, zone: ZoneInfo) -> datetime:
    # Visits carry a date only; noon keeps them inside their day in any time zone.
    return datetime.combine(day, time(12), zone).astimezone(UTC)


def _timeline(session: Session, patient_id: int, sections: frozenset[str],
              zone: ZoneInfo) -> Iterator[TimelineEntry]:
    doctors = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    clinical = "treatments" in sections
    visits = session.execute(select(Visit).where(Visit.patient_id == patient_id)).scalars()
    lines: dict[int, list[str]] = {}
    for visit_id, name in session.execute(
            select(Treatment.visit_id, Treatment.procedure_name).join(Visit)
            .where(Visit.patient_id == patient_id)):
        lines.setdefault(visit_id, []).append(name)
    for v in visits:
        detail = doctors.get(v.doctor_id or 0, "")
        if clinical and v.notes:
            detail = f"{detail} · {v.notes}" if detail else v.notes
        yield TimelineEntry(_noon(v.visit_date, zone), "visit",
                            "、".join(lines.get(v.id, [])) or _("就诊"), detail)
    if "billing" in sections:
        for e in session.execute(select(LedgerEntry).where(
                LedgerEntry.patient_id == patient_id)).scalars():
            yield TimelineEntry(e.at, "payment", ledger_label(e.kind),
                                " · ".join(x for x in (method_label(e.method), e.note) if x),
                                e.amount)
    if "appointments" in sections:
        for appt in session.execute(select(Appointment).where(
                Appointment.patient_id == patient_id)).scalars():
            yield TimelineEntry(appt.start, "appointment", doctors.get(appt.doctor_id, ""),
                                status_label(appt.status), None)
    for c in session.execute(select(ContactLog).where(
            ContactLog.patient_id == patient_id)).scalars():
        yield TimelineEntry(c.at, "contact", channel_label(c.channel),
                            " · ".join(x for x in (c.summary, c.outcome) if x))
    for f in session.execute(select(Feedback).where(Feedback.patient_id == patient_id)).scalars():
        score = f"{'★' * f.satisfaction}" if f.satisfaction else ""
        yield TimelineEntry(f.at, "feedback", score or feedback_status_label(f.status),
                            f.complaint)
    for m in session.execute(select(OutboxMessage).where(
            OutboxMessage.patient_id == patient_id)).scalars():
        yield TimelineEntry(m.sent_at or m.not_before or m.created_at, "message",
                            f"{auto_kind_label(m.kind)} · {outbox_status_label(m.status)}",
                            " · ".join(x for x in (m.body, m.last_error or "") if x))
    if "attachments" in sections:
        for a in session.execute(select(Attachment).where(
                Attachment.patient_id == patient_id)).scalars():
            yield TimelineEntry(a.added_at, "attachment", kind_label(a.kind), a.original_name)


OPEN_ACTION = "patient.open"  # the audit action of a person opening a record


def open_panel(ctx: Context, patient_id: int) -> PatientPanel:
    """A person opens the record: the panel, and one ``patient.open`` audit entry."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction(write=True) as session:
        panel = _panel_in(ctx, session, patient_id)
        ctx.audit(session, OPEN_ACTION, "patient", patient_id, panel.header.patient.code)
        return panel


def refresh_panel(ctx: Context, patient_id: int) -> PatientPanel:
    """The panel again for whoever has it open (after a change): a read, not audited."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        return _panel_in(ctx, session, patient_id)


def _referrer(session: Session, referrer_id: int | None) -> str | None:
    if referrer_id is None:
        return None
    row = session.execute(select(Patient.name, Patient.code).where(
        Patient.id == referrer_id)).first()
    return f"{row.name} · {row.code}" if row else None


def _panel_in(ctx: Context, session: Session, patient_id: int) -> PatientPanel:
    sections = visible_sections(ctx)
    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    today = ctx.now().astimezone(zone).date()
    patient = get_patient(session, patient_id)
    record = contacts_for(ctx, record_of(patient))  # numbers masked without CONTACT_FULL
    if not ctx.can(Permission.CLINICAL_VIEW):
        record = without_clinical(record)  # the patient's note is clinical
    medical = medical_in(session, patient_id)
    next_appointment = session.execute(
        select(Appointment.start).where(
            Appointment.patient_id == patient_id, Appointment.start >= ctx.now(),
            Appointment.status.in_(("booked", "confirmed")))
        .order_by(Appointment.start).limit(1)).scalar_one_or_none()
    header = PanelHeader(
        patient=record,
        age=age_on(record.birth_date, today) if record.birth_date else None,
        tags=tuple(tags_in(session, patient_id)),
        allergy_text=medical.allergy_text,  # the allergy banner is shown to every role
        balance=balance_in(session, patient_id) if "billing" in sections else None,
        next_appointment=next_appointment,
        tier_colour=session.execute(select(LoyaltyTier.colour).where(
            LoyaltyTier.name == record.member_tier)).scalar_one_or_none()
        if record.member_tier else None,
        referrer=_referrer(session, patient.referred_by_id),
        referred=session.execute(select(func.count(Patient.id)).where(
            Patient.referred_by_id == patient_id, Patient.merged_into_id.is_(None))
        ).scalar_one(),
        consent=consent_in(session, patient_id),
    )
    timeline = sorted(_timeline(session, patient_id, sections, zone),
                      key=lambda e: e.at, reverse=True)
    treatments: tuple[TreatmentRow, ...] = ()
    if "treatments" in sections:
        doctors = dict(session.execute(select(Staff.id, Staff.display_name)).all())
        treatments = tuple(
            TreatmentRow(v.id, v.visit_date, doctors.get(v.doctor_id or 0, ""),
                         t.procedure_name, t.site, t.notes, t.amount)
            for t, v in session.execute(
                select(Treatment, Visit).join(Visit).where(Visit.patient_id == patient_id)
                .order_by(Visit.visit_date.desc(), Treatment.id)))
    attachments: tuple[AttachmentInfo, ...] = ()
    root = store_root_in(session, ctx.db) if "attachments" in sections else None
    if root is not None:
        attachments = tuple(
            AttachmentInfo(a.id, a.patient_id, a.original_name, a.size, a.mime, a.kind,
                           a.caption, a.added_at, blob_path(root, a.sha256))
            for a in session.execute(select(Attachment).where(
                Attachment.patient_id == patient_id)
                .order_by(Attachment.added_at.desc())).scalars())
    return PatientPanel(
        header=header, sections=sections, timeline=tuple(timeline),
        # Without the medical section only the allergies (a safety field) are left.
        medical=medical if "medical" in sections else without_clinical(medical),
        treatments=treatments,
        family=tuple(contacts_for_all(ctx, family_in(session, patient_id, ctx.now()))),
        attachments=attachments,
        custom_values=tuple(custom_values_in(session, patient_id)),
        care=tuple(task_info(t) for t in session.execute(
            select(CareTask).where(CareTask.patient_id == patient_id,
                                   CareTask.status.in_(OPEN))
            .order_by(CareTask.due_at)).scalars()) if "care" in sections else (),
        ledger=tuple(ledger_in(session, patient_id)) if "billing" in sections else (),
    )
