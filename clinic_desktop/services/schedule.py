"""Doctors' weekly working hours and time off."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.schedule_rules import TimeOff as TimeOffRule
from clinic_desktop.rules.schedule_rules import WorkingSpan
from clinic_desktop.services.clinic import DEFAULT_TIMEZONE, read_setting
from clinic_desktop.storage.models.schedule import Appointment, TimeOff, WorkingHours
from clinic_desktop.storage.models.settings import Setting
from clinic_desktop.storage.models.staff import Staff

TIME_OFF_KINDS = ("leave", "meeting", "training", "other")
BLOCKING_STATUSES = ("booked", "confirmed", "arrived", "in_treatment")


def weekday_label(weekday: int) -> str:
    return (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))[weekday]


def time_off_kind_label(kind: str) -> str:
    return {"leave": _("休假"), "meeting": _("会议"), "training": _("培训"),
            "other": _("其他")}.get(kind, kind)


@dataclass(frozen=True)
class TimeOffInfo:
    id: int
    doctor_id: int
    start: datetime
    end: datetime
    kind: str
    reason: str


@dataclass(frozen=True)
class TimeOffResult:
    time_off: TimeOffInfo
    affected_appointment_ids: tuple[int, ...]


def _doctor(session: Session, doctor_id: int) -> Staff:
    staff = session.get(Staff, doctor_id)
    if staff is None or not staff.is_doctor:
        raise NotFound(_("找不到该医生（编号 {id}）。", id=doctor_id))
    return staff


def working_spans(session: Session, doctor_ids: list[int] | None = None
                  ) -> dict[int, list[WorkingSpan]]:
    query = select(WorkingHours).order_by(WorkingHours.weekday, WorkingHours.start_time)
    if doctor_ids is not None:
        query = query.where(WorkingHours.staff_id.in_(doctor_ids))
    spans: dict[int, list[WorkingSpan]] = defaultdict(list)
    for row in session.execute(query).scalars():
        spans[row.staff_id].append(WorkingSpan(row.weekday, row.start_time, row.end_time))
    return dict(spans)


def time_off_between(session: Session, start: datetime, end: datetime,
                     doctor_ids: list[int] | None = None) -> list[TimeOffInfo]:
    query = select(TimeOff).where(TimeOff.start < end, TimeOff.end > start).order_by(TimeOff.start)
    if doctor_ids is not None:
        query = query.where(TimeOff.staff_id.in_(doctor_ids))
    return [TimeOffInfo(t.id, t.staff_id, t.start, t.end, t.kind, t.reason)
            for t in session.execute(query).scalars()]


def as_rule(info: TimeOffInfo) -> TimeOffRule:
    return TimeOffRule(info.doctor_id, info.start, info.end,
                       info.reason or time_off_kind_label(info.kind))


# The clinic's time zone, read with a statement built once.
_ZONE = select(Setting.value_json).where(Setting.key == "clinic.timezone")


def clinic_zone_on(connection: Connection) -> ZoneInfo:
    """The clinic's time zone, read on ``connection`` with a statement built once: the
    ORM's ``session.get`` of the setting costs several times the read itself."""
    value = connection.execute(_ZONE).scalar()
    return ZoneInfo(DEFAULT_TIMEZONE if value is None else json.loads(value))


def get_working_hours(ctx: Context, doctor_id: int) -> list[WorkingSpan]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        return working_spans(session, [doctor_id]).get(doctor_id, [])


def all_working_hours(ctx: Context) -> dict[int, list[WorkingSpan]]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        return working_spans(session)


def set_working_hours(ctx: Context, doctor_id: int, spans: list[WorkingSpan]) -> None:
    """Replace a doctor's weekly hours; overlapping spans on one weekday are refused."""
    ctx.require(Permission.SCHEDULE_MANAGE)
    by_day: dict[int, list[WorkingSpan]] = defaultdict(list)
    for span in spans:
        by_day[span.weekday].append(span)
    for day, items in by_day.items():
        items.sort(key=lambda s: s.start)
        for before, after in zip(items, items[1:], strict=False):
            if after.start < before.end:
                raise UserError(
                    _("{day} 的出诊时间 {a} 与 {b} 重叠。", day=weekday_label(day),
                      a=f"{before.start:%H:%M}–{before.end:%H:%M}",
                      b=f"{after.start:%H:%M}–{after.end:%H:%M}"),
                    field="working_hours",
                )
    with ctx.transaction(write=True) as session:
        doctor = _doctor(session, doctor_id)
        session.execute(delete(WorkingHours).where(WorkingHours.staff_id == doctor_id))
        for span in spans:
            session.add(WorkingHours(staff_id=doctor_id, weekday=span.weekday,
                                     start_time=span.start, end_time=span.end))
        ctx.audit(session, "schedule.hours", "staff", doctor_id,
                  f"{doctor.display_name}: {len(spans)} spans")


def add_time_off(
    ctx: Context, doctor_id: int, *, start: datetime, end: datetime, kind: str = "leave",
    reason: str = "",
) -> TimeOffResult:
    """Record leave; bookings it covers are returned for rescheduling, never dropped."""
    ctx.require(Permission.SCHEDULE_MANAGE)
    if kind not in TIME_OFF_KINDS:
        raise UserError(_("请假类型“{kind}”无效。", kind=kind), field="kind")
    if not end > start:
        raise UserError(_("结束时间必须晚于开始时间。"), field="end")
    with ctx.transaction(write=True) as session:
        doctor = _doctor(session, doctor_id)
        row = TimeOff(staff_id=doctor_id, start=start, end=end, kind=kind,
                      reason=reason.strip(), created_by=ctx.actor.staff_id,
                      created_at=ctx.now())
        session.add(row)
        session.flush()
        affected = tuple(session.execute(
            select(Appointment.id).where(
                Appointment.doctor_id == doctor_id, Appointment.start < end,
                Appointment.end > start, Appointment.status.in_(BLOCKING_STATUSES),
            ).order_by(Appointment.start)
        ).scalars())
        zone = _zone(session)  # the summary reads in the clinic's time, not UTC
        ctx.audit(session, "schedule.time_off", "staff", doctor_id,
                  f"{doctor.display_name} {kind} {start.astimezone(zone):%Y-%m-%d %H:%M}–"
                  f"{end.astimezone(zone):%Y-%m-%d %H:%M}"
                  f" affects {len(affected)}")
        info = TimeOffInfo(row.id, doctor_id, start, end, kind, row.reason)
        return TimeOffResult(info, affected)


def list_time_off(ctx: Context, *, start: datetime, end: datetime,
                  doctor_ids: list[int] | None = None) -> list[TimeOffInfo]:
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        return time_off_between(session, start, end, doctor_ids)


def _zone(session: Session) -> ZoneInfo:
    return ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))


def default_hours() -> list[WorkingSpan]:
    """Monday to Saturday 09:00–12:00 and 13:30–18:00: a common clinic week."""
    return [WorkingSpan(d, a, b) for d in range(6)
            for a, b in ((time(9), time(12)), (time(13, 30), time(18)))]
