"""Booking, moving, status changes: every path (GUI, import, CLI) comes through here.

Conflicts are found by the pure rules in ``rules.schedule_rules``; this module loads the
few rows they need (a doctor's day, a chair's day, a patient's day), and refuses with a
message naming exactly what clashes, unless a user allowed to override (加号) gives a reason.
Concurrent edits are caught by the version column: the second save gets who changed it and
when, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, NotFound, PermissionDenied, UserError
from clinic_desktop.events import AppointmentChanged, publish
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.schedule_rules import (
    Booking,
    Conflict,
    Names,
    check_transition,
    find_conflicts,
)
from clinic_desktop.services.billing import TreatmentLine, record_visit_in
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.overlap_read import read_overlap_facts
from clinic_desktop.services.patients import (
    PatientInput,
    PatientRecord,
    create_patient_in,
    set_referrer_in,
)
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import (
    Appointment,
    AppointmentEvent,
    AppointmentProcedure,
)
from clinic_desktop.storage.models.staff import Chair, Staff
from clinic_desktop.storage.transactions import read_connection

# How the booking came in, stored as codes so an English screen reads English and a renamed
# label never splits the figures; the first wave stored the Chinese labels (still accepted).
CHANNELS = ("phone", "wechat", "walk_in", "mini_program", "meituan", "referral", "other")
LEGACY_CHANNELS = {"电话": "phone", "微信": "wechat", "现场": "walk_in", "小程序": "mini_program",
                   "美团/大众点评": "meituan", "转介绍": "referral", "其他": "other"}
# Bookings never run longer than this; it bounds the overlap query (start > t - MAX).
MAX_DURATION = timedelta(hours=12)
# A no-show recorded by mistake (the patient was in the waiting room, the wrong block was
# clicked) is put right by going back to one of these; the slot it freed is checked again.
NO_SHOW_UNDONE_TO = frozenset({"booked", "confirmed", "arrived"})


class BookingConflict(UserError):
    """The booking clashes; ``conflicts`` says with what. Overridable with a reason."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        lines = "\n".join(f"• {c.message}" for c in conflicts)
        super().__init__(_("无法预约：\n{lines}", lines=lines), field="start")
        self.conflicts = conflicts


@dataclass(frozen=True)
class BookingRequest:
    patient_id: int
    doctor_id: int
    start: datetime
    end: datetime
    chair_id: int | None = None
    procedure_type_ids: tuple[int, ...] = ()
    channel: str = "phone"
    notes: str = ""


def channel_label(channel: str | None) -> str:
    """The booking channel in the user's language (a code the app does not know as written)."""
    if not channel:
        return ""
    code = LEGACY_CHANNELS.get(channel, channel)
    return {"phone": _("电话"), "wechat": _("微信"), "walk_in": _("现场"),
            "mini_program": _("小程序"), "meituan": _("美团/大众点评"), "referral": _("转介绍"),
            "other": _("其他")}.get(code, channel)


def clinic_zone(session: Session) -> ZoneInfo:
    return ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))


def _names(session: Session, bookings: list[Booking]) -> Names:
    doctors = {b.doctor_id for b in bookings}
    chairs = {b.chair_id for b in bookings if b.chair_id is not None}
    patients = {b.patient_id for b in bookings}
    return Names(
        doctors=dict(session.execute(
            select(Staff.id, Staff.display_name).where(Staff.id.in_(doctors))).all()),
        chairs=dict(session.execute(
            select(Chair.id, Chair.name).where(Chair.id.in_(chairs))).all()),
        patients=dict(session.execute(
            select(Patient.id, Patient.name).where(Patient.id.in_(patients))).all()),
    )


def conflicts_for(session: Session, candidate: Booking) -> list[Conflict]:
    """Everything that clashes with ``candidate``, read from the database."""
    if not candidate.blocks:
        return []
    session.flush()  # read below on the connection: what this session holds counts too
    facts = read_overlap_facts(read_connection(session), candidate,
                               earliest=candidate.start - MAX_DURATION)
    found = find_conflicts(candidate, facts.bookings, working_spans=facts.working_spans,
                           time_off=facts.time_off, tz=facts.zone)
    if not found:
        return found  # the common case: no need to look names up for messages
    return find_conflicts(candidate, facts.bookings, working_spans=facts.working_spans,
                          time_off=facts.time_off, tz=facts.zone,
                          names=_names(session, [candidate, *facts.bookings]))


def _check_or_override(
    ctx: Context, conflicts: list[Conflict], override_reason: str | None
) -> str | None:
    if not conflicts:
        return None
    reason = (override_reason or "").strip()
    if not reason:
        raise BookingConflict(conflicts)
    if not ctx.can(Permission.APPOINTMENT_OVERRIDE):
        raise PermissionDenied(_("{user} 没有加号（强制预约）权限。", user=ctx.actor.display_name))
    return reason


def _validate(request: BookingRequest) -> None:
    if request.end <= request.start:
        raise UserError(_("结束时间必须晚于开始时间。"), field="end")
    if request.end - request.start > MAX_DURATION:
        raise UserError(_("一次预约最长 12 小时。"), field="end")
    if LEGACY_CHANNELS.get(request.channel, request.channel) not in CHANNELS:
        raise UserError(_("预约渠道“{channel}”无效。", channel=request.channel), field="channel")


def _event(ctx: Context, session: Session, appointment_id: int, action: str, *,
           from_status: str | None = None, to_status: str | None = None,
           detail: str = "") -> None:
    session.add(AppointmentEvent(
        appointment_id=appointment_id, at=ctx.now(), staff_id=ctx.actor.staff_id,
        staff_name=ctx.actor.display_name, action=action, from_status=from_status,
        to_status=to_status, detail=detail,
    ))


def check_booking(ctx: Context, request: BookingRequest, *,
                  appointment_id: int | None = None) -> list[Conflict]:
    """Live conflict check for the booking dialog; changes nothing."""
    ctx.require(Permission.APPOINTMENT_VIEW)
    if request.end <= request.start:
        return []
    with ctx.transaction() as session:
        return conflicts_for(session, Booking(
            appointment_id, request.doctor_id, request.chair_id, request.patient_id,
            request.start, request.end))


def book(ctx: Context, request: BookingRequest, *, override_reason: str | None = None,
         referred_by_id: int | None = None) -> int:
    """Create an appointment; returns its id. Refuses clashes unless overridden.

    ``referred_by_id`` (a booking that came by 转介绍): the patient's referrer, set in the same
    transaction when the patient has none yet (a referrer already recorded is kept)."""
    ctx.require(Permission.APPOINTMENT_EDIT)
    if referred_by_id is not None:
        ctx.require(Permission.PATIENT_EDIT)
    _validate(request)
    with ctx.transaction(write=True) as session:
        if referred_by_id is not None:
            set_referrer_in(ctx, session, request.patient_id, referred_by_id)
        return _book_in(ctx, session, request, override_reason)


@dataclass(frozen=True)
class NewPatientBooking:
    appointment_id: int
    patient: PatientRecord


def book_new_patient(ctx: Context, patient: PatientInput, request: BookingRequest, *,
                     override_reason: str | None = None) -> NewPatientBooking:
    """Register a patient (name and mobile typed at the desk) and book them, in one
    transaction: a duplicate, a clash or any other refusal leaves neither behind.
    ``request.patient_id`` is ignored."""
    ctx.require(Permission.APPOINTMENT_EDIT)
    ctx.require(Permission.PATIENT_EDIT)
    _validate(request)
    with ctx.transaction(write=True) as session:
        saved = create_patient_in(ctx, session, patient)
        appointment_id = _book_in(ctx, session, replace(request, patient_id=saved.patient.id),
                                  override_reason)
        return NewPatientBooking(appointment_id, saved.patient)


def _require_active_doctor(session: Session, doctor_id: int) -> None:
    """A doctor who has left (deactivated, or brought in inactive by an import) takes no
    bookings, not even with an override."""
    row = session.execute(select(Staff.display_name, Staff.active).where(
        Staff.id == doctor_id)).first()
    if row is not None and not row.active:
        raise UserError(_("{name} 已停用，不能预约。", name=row.display_name), field="doctor")


def _require_bookable_patient(session: Session, patient_id: int) -> None:
    """A record merged into another or archived takes no bookings: a list or a dialog opened
    before the merge still offers it, and a booking on it would be lost to the kept record's
    calendar, reminders and history."""
    row = session.execute(select(Patient.name, Patient.code, Patient.archived,
                                 Patient.merged_into_id).where(Patient.id == patient_id)).first()
    if row is None:
        raise UserError(_("所选患者已不存在，请重新选择。"), field="patient")
    if row.merged_into_id is not None:
        kept = session.execute(select(Patient.name, Patient.code).where(
            Patient.id == row.merged_into_id)).one()
        raise UserError(_("患者“{name}”（{code}）的档案已合并到“{kept}”（{kept_code}），"
                          "请为“{kept}”预约。", name=row.name, code=row.code, kept=kept.name,
                          kept_code=kept.code), field="patient")
    if row.archived:
        raise UserError(_("患者“{name}”（{code}）的档案已归档，不能预约；请先在患者档案中"
                          "取消归档。", name=row.name, code=row.code), field="patient")


def _book_in(ctx: Context, session: Session, request: BookingRequest,
             override_reason: str | None) -> int:
    _require_bookable_patient(session, request.patient_id)
    _require_active_doctor(session, request.doctor_id)
    candidate = Booking(None, request.doctor_id, request.chair_id, request.patient_id,
                        request.start, request.end)
    override = _check_or_override(ctx, conflicts_for(session, candidate), override_reason)
    now = ctx.now()
    row = Appointment(
        patient_id=request.patient_id, doctor_id=request.doctor_id,
        chair_id=request.chair_id, start=request.start, end=request.end, status="booked",
        channel=LEGACY_CHANNELS.get(request.channel, request.channel),
        notes=request.notes.strip(), override_reason=override,
        created_by=ctx.actor.staff_id, created_at=now, updated_by=ctx.actor.staff_id,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    for position, procedure_id in enumerate(dict.fromkeys(request.procedure_type_ids)):
        session.add(AppointmentProcedure(appointment_id=row.id,
                                         procedure_type_id=procedure_id, position=position))
    _event(ctx, session, row.id, "created", to_status="booked",
           detail=_("加号：{reason}", reason=override) if override else "")
    ctx.audit(session, "appointment.book", "appointment", row.id,
              f"patient={row.patient_id} doctor={row.doctor_id} "
              f"{row.start.astimezone(clinic_zone(session)):%Y-%m-%d %H:%M}"
              + (f" override: {override}" if override else ""))
    publish(ctx, session, AppointmentChanged(row.id, row.patient_id, row.start, row.status))
    return row.id


def _load_for_change(session: Session, appointment_id: int, version: int) -> Appointment:
    row = session.get(Appointment, appointment_id)
    if row is None:
        raise NotFound(_("该预约已不存在。"))
    if row.version != version:
        who = session.get(Staff, row.updated_by) if row.updated_by else None
        zone = clinic_zone(session)
        raise ConcurrentEdit(_(
            "该预约已被 {who} 于 {when} 修改，请重新加载后再操作。",
            who=who.display_name if who else _("系统"),
            when=f"{row.updated_at.astimezone(zone):%H:%M:%S}",
        ))
    return row


def reschedule(
    ctx: Context, appointment_id: int, *, version: int, start: datetime, end: datetime,
    doctor_id: int | None = None, chair_id: int | None = None, keep_chair: bool = True,
    override_reason: str | None = None,
) -> None:
    """Move or resize (drag in the calendar, or the reschedule dialog)."""
    ctx.require(Permission.APPOINTMENT_EDIT)
    with ctx.transaction(write=True) as session:
        row = _load_for_change(session, appointment_id, version)
        if row.status in ("completed", "cancelled", "no_show"):
            raise UserError(_("已结束的预约不能改期。"), field="start")
        new_doctor = doctor_id if doctor_id is not None else row.doctor_id
        if new_doctor != row.doctor_id:
            _require_active_doctor(session, new_doctor)
        new_chair = row.chair_id if keep_chair and chair_id is None else chair_id
        request = BookingRequest(row.patient_id, new_doctor, start, end, new_chair,
                                 channel=row.channel if row.channel in CHANNELS else "other")
        _validate(request)
        candidate = Booking(row.id, new_doctor, new_chair, row.patient_id, start, end, row.status)
        override = _check_or_override(ctx, conflicts_for(session, candidate), override_reason)
        zone = clinic_zone(session)  # summaries read in the clinic's time, not UTC
        before = (f"{row.start.astimezone(zone):%Y-%m-%d %H:%M}–"
                  f"{row.end.astimezone(zone):%H:%M} doctor={row.doctor_id}")
        row.start, row.end, row.doctor_id, row.chair_id = start, end, new_doctor, new_chair
        row.override_reason = override or row.override_reason
        row.updated_by, row.updated_at = ctx.actor.staff_id, ctx.now()
        session.flush()
        _event(ctx, session, row.id, "moved", detail=_(
            "{before} → {after}", before=before,
            after=f"{start.astimezone(zone):%Y-%m-%d %H:%M}–{end.astimezone(zone):%H:%M}"))
        ctx.audit(session, "appointment.move", "appointment", row.id,
                  f"{before} -> {start.astimezone(zone):%Y-%m-%d %H:%M} doctor={new_doctor}")
        publish(ctx, session, AppointmentChanged(row.id, row.patient_id, row.start, row.status))


def too_early(status: str, start: datetime, now: datetime, zone: ZoneInfo) -> bool:
    """Whether ``status`` cannot be recorded yet for a booking starting at ``start``. Nobody
    has missed a booking that has not begun. A patient may arrive hours early (a morning
    errand, an afternoon slot), so arrival counts from the start of the booking's day in the
    clinic; a day or more ahead, the wrong booking was clicked."""
    if status == "no_show":
        return now < start
    if status == "arrived":
        return now < datetime.combine(start.astimezone(zone).date(), time(0), zone)
    return False


def _check_timing(status: str, row: Appointment, now: datetime, zone: ZoneInfo) -> None:
    if not too_early(status, row.start, now, zone):
        return
    when = f"{row.start.astimezone(zone):%Y-%m-%d %H:%M}"
    if status == "no_show":
        raise UserError(_("预约时间 {when} 还没到，不能标记为爽约。", when=when), field="status")
    raise UserError(_("预约在 {when}，当天才能标记为已到诊。", when=when), field="status")


def change_status(
    ctx: Context, appointment_id: int, *, version: int, status: str, reason: str | None = None,
    override_reason: str | None = None,
) -> None:
    """Move a booking along its status flow; ``override_reason`` (加号) only when a no-show is
    undone onto a slot that has been taken since."""
    ctx.require(Permission.APPOINTMENT_EDIT)
    with ctx.transaction(write=True) as session:
        row = _load_for_change(session, appointment_id, version)
        undo_no_show = row.status == "no_show" and status in NO_SHOW_UNDONE_TO
        if not undo_no_show:
            check_transition(row.status, status, reason=reason)
        _check_timing(status, row, ctx.now(), clinic_zone(session))
        override = None
        if undo_no_show:
            # The no-show freed the slot: it blocks again only if it is still free.
            candidate = Booking(row.id, row.doctor_id, row.chair_id, row.patient_id, row.start,
                                row.end, status)
            override = _check_or_override(ctx, conflicts_for(session, candidate),
                                          override_reason)
        old = row.status
        row.status = status
        if status == "cancelled":
            row.cancel_reason = (reason or "").strip()
        row.override_reason = override or row.override_reason
        row.updated_by, row.updated_at = ctx.actor.staff_id, ctx.now()
        session.flush()
        detail = (reason or "").strip()
        if override:
            detail = _("加号：{reason}", reason=override)
        _event(ctx, session, row.id, "status", from_status=old, to_status=status, detail=detail)
        ctx.audit(session, "appointment.status", "appointment", row.id, f"{old} -> {status}"
                  + (f" override: {override}" if override else ""))
        # The listeners treat a no-show undone like any booking in this status: its
        # confirmation and reminders are queued again (if still ahead), as on booking.
        publish(ctx, session, AppointmentChanged(row.id, row.patient_id, row.start, row.status))


def complete_appointment(
    ctx: Context, appointment_id: int, *, version: int, lines: Sequence[TreatmentLine],
    notes: str = "",
) -> int:
    """Close a visit: status completed, the visit and its charge written, care notified.

    One transaction: the status, the visit, its ledger entry and whatever the care area
    subscribes to ``TreatmentCompleted`` all land together or not at all. Returns the visit id.
    """
    ctx.require(Permission.APPOINTMENT_EDIT)
    ctx.require(Permission.BILLING_EDIT)
    with ctx.transaction(write=True) as session:
        row = _load_for_change(session, appointment_id, version)
        check_transition(row.status, "completed")
        zone = clinic_zone(session)
        visit = record_visit_in(
            ctx, session, row.patient_id, visit_date=row.start.astimezone(zone).date(),
            doctor_id=row.doctor_id, lines=lines, notes=notes, treated_at=row.end)
        old, row.status, row.visit_id = row.status, "completed", visit.id
        row.updated_by, row.updated_at = ctx.actor.staff_id, ctx.now()
        session.flush()
        _event(ctx, session, row.id, "status", from_status=old, to_status="completed",
               detail=_("就诊记录 {visit}", visit=visit.id))
        ctx.audit(session, "appointment.complete", "appointment", row.id, f"visit {visit.id}")
        publish(ctx, session, AppointmentChanged(row.id, row.patient_id, row.start, row.status))
        return visit.id
