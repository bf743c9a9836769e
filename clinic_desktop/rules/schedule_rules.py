"""Booking conflicts and the appointment status flow, over plain data.

Every path that books (GUI, import, CLI) goes through the appointments service, and the
service asks :func:`find_conflicts` — so the rules live once, here, without a database.
Instants are timezone-aware and compared in UTC; working hours are clinic-local wall times
and are turned into instants per day with the clinic's ``tz``, so DST days come out right.
Intervals are half-open: 10:00–10:30 and 10:30–11:00 do not clash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _

STATUSES = ("booked", "confirmed", "arrived", "in_treatment", "completed", "no_show",
            "cancelled")
# A cancelled or missed appointment frees its doctor, chair and patient for someone else.
NON_BLOCKING = frozenset({"cancelled", "no_show"})

ConflictKind = Literal["doctor", "chair", "patient", "outside_hours", "time_off"]


@dataclass(frozen=True, slots=True)
class Booking:
    """An appointment as the rules see it; ``id`` is None for one not saved yet."""

    id: int | None
    doctor_id: int
    chair_id: int | None
    patient_id: int
    start: datetime
    end: datetime
    status: str = "booked"

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def blocks(self) -> bool:
        return self.status not in NON_BLOCKING


@dataclass(frozen=True, slots=True)
class WorkingSpan:
    """One stretch of a doctor's weekly hours: ``weekday`` 0 = Monday, local wall times."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6 or not self.start < self.end:
            raise ValueError("a working span needs a weekday 0-6 and start < end")

    def on(self, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
        """This span on local ``day`` as UTC instants."""
        return (datetime.combine(day, self.start, tz).astimezone(UTC),
                datetime.combine(day, self.end, tz).astimezone(UTC))


@dataclass(frozen=True, slots=True)
class TimeOff:
    doctor_id: int
    start: datetime
    end: datetime
    reason: str = ""

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    other_booking_id: int | None
    start: datetime
    end: datetime
    message: str


@dataclass(frozen=True, slots=True)
class Names:
    """Display names for messages; an unknown id falls back to its number."""

    doctors: Mapping[int, str] = field(default_factory=dict)
    chairs: Mapping[int, str] = field(default_factory=dict)
    patients: Mapping[int, str] = field(default_factory=dict)

    def doctor(self, doctor_id: int) -> str:
        return _("{name}医生", name=self.doctors.get(doctor_id) or f"#{doctor_id}")

    def chair(self, chair_id: int) -> str:
        return self.chairs.get(chair_id) or _("{n}号椅位", n=chair_id)

    def patient(self, patient_id: int) -> str:
        return _("患者 {name}", name=self.patients.get(patient_id) or f"#{patient_id}")


def _check_span(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("booking times must be timezone-aware")
    if not start < end:
        raise ValueError("end must be after start")


def _when(start: datetime, end: datetime, tz: tzinfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    return _("{month}月{day}日 {start}–{end}", month=a.month, day=a.day,
             start=f"{a:%H:%M}", end=f"{b:%H:%M}")


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> bool:
    return a0 < b1 and b0 < a1


def _booking_conflicts(c: Booking, other: Booking, names: Names, tz: tzinfo) -> list[Conflict]:
    found: list[Conflict] = []
    when = _when(other.start, other.end, tz)
    chair = names.chair(other.chair_id) if other.chair_id is not None else None
    if other.doctor_id == c.doctor_id:
        detail = names.patient(other.patient_id) + (_("，{chair}", chair=chair) if chair else "")
        found.append(Conflict("doctor", other.id, other.start, other.end, _(
            "{doctor} {when} 已有预约（{detail}）",
            doctor=names.doctor(other.doctor_id), when=when, detail=detail)))
    if chair is not None and other.chair_id == c.chair_id:
        found.append(Conflict("chair", other.id, other.start, other.end, _(
            "{chair} {when} 已被占用（{doctor}，{patient}）", chair=chair, when=when,
            doctor=names.doctor(other.doctor_id), patient=names.patient(other.patient_id))))
    if other.patient_id == c.patient_id:
        detail = names.doctor(other.doctor_id) + (_("，{chair}", chair=chair) if chair else "")
        found.append(Conflict("patient", other.id, other.start, other.end, _(
            "{patient} {when} 已有预约（{detail}）",
            patient=names.patient(other.patient_id), when=when, detail=detail)))
    return found


def _uncovered(start: datetime, end: datetime, covered: list[tuple[datetime, datetime]]
               ) -> list[tuple[datetime, datetime]]:
    """Parts of ``[start, end)`` outside the union of ``covered``."""
    gaps, cursor = [], start
    for s, e in sorted(covered):
        if s > cursor:
            gaps.append((cursor, min(s, end)))
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return [(s, e) for s, e in gaps if s < e]


def _hours_conflicts(c: Booking, spans: Sequence[WorkingSpan], names: Names,
                     tz: tzinfo) -> list[Conflict]:
    first, last = c.start.astimezone(tz).date(), c.end.astimezone(tz).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    covered = [sp.on(d, tz) for d in days for sp in spans if sp.weekday == d.weekday()]
    found = []
    for s, e in _uncovered(c.start.astimezone(UTC), c.end.astimezone(UTC), covered):
        day = s.astimezone(tz).date()
        hours = "、".join(f"{sp.start:%H:%M}–{sp.end:%H:%M}" for sp in sorted(
            (sp for sp in spans if sp.weekday == day.weekday()), key=lambda sp: sp.start))
        found.append(Conflict("outside_hours", None, s, e, _(
            "{doctor} {when} 不在出诊时间内（当天出诊：{hours}）", doctor=names.doctor(c.doctor_id),
            when=_when(s, e, tz), hours=hours or _("不出诊"))))
    return found


def find_conflicts(candidate: Booking, existing: Iterable[Booking], *,
                   working_spans: Sequence[WorkingSpan], time_off: Sequence[TimeOff],
                   tz: tzinfo, names: Names | None = None) -> list[Conflict]:
    """Everything that stops ``candidate`` from being booked, earliest first.

    ``working_spans`` are the candidate doctor's (empty means the doctor never works);
    ``time_off`` may hold other doctors' entries, which are ignored. ``existing`` may
    include the candidate's own saved row (same id), which is skipped. A cancelled or
    no-show candidate occupies no time, so it has no conflicts.
    """
    if not candidate.blocks:
        return []
    names = names or Names()
    found = _hours_conflicts(candidate, working_spans, names, tz)
    for off in time_off:
        if off.doctor_id == candidate.doctor_id and _overlap(
                candidate.start, candidate.end, off.start, off.end):
            reason = _("（{reason}）", reason=off.reason) if off.reason.strip() else ""
            found.append(Conflict("time_off", None, off.start, off.end, _(
                "{doctor} {when} 休假{reason}，不能预约", doctor=names.doctor(off.doctor_id),
                when=_when(off.start, off.end, tz), reason=reason)))
    for other in existing:
        if (other.blocks and (candidate.id is None or other.id != candidate.id)
                and _overlap(candidate.start, candidate.end, other.start, other.end)):
            found.extend(_booking_conflicts(candidate, other, names, tz))
    order = {kind: i for i, kind in enumerate(
        ("outside_hours", "time_off", "doctor", "chair", "patient"))}
    return sorted(found, key=lambda c: (c.start.astimezone(UTC), order[c.kind],
                                        c.other_booking_id or 0))


# The desk records what happened, in order; going back (confirmed -> booked) is refused.
# A patient who was never reached to confirm may still turn up, so booked -> arrived is
# allowed. completed, no_show and cancelled are final.
ALLOWED_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "booked": frozenset({"confirmed", "arrived", "no_show", "cancelled"}),
    "confirmed": frozenset({"arrived", "no_show", "cancelled"}),
    "arrived": frozenset({"in_treatment", "cancelled"}),
    "in_treatment": frozenset({"completed", "cancelled"}),
    "completed": frozenset(),
    "no_show": frozenset(),
    "cancelled": frozenset(),
}


class TransitionError(UserError, ValueError):
    """A status change the flow does not allow; the message is ready for the user."""


def status_label(status: str) -> str:
    labels = {"booked": _("已预约"), "confirmed": _("已确认"), "arrived": _("已到诊"),
              "in_treatment": _("就诊中"), "completed": _("已完成"), "no_show": _("爽约"),
              "cancelled": _("已取消")}
    return labels.get(status, status)


def check_transition(old: str, new: str, *, reason: str | None = None) -> None:
    """Refuse a status change the flow does not allow; cancelling needs a reason."""
    for status in (old, new):
        if status not in ALLOWED_TRANSITIONS:
            raise TransitionError(_("未知的预约状态“{status}”。", status=status), field="status")
    if new not in ALLOWED_TRANSITIONS[old]:
        raise TransitionError(_("预约状态不能从“{old}”改为“{new}”。", old=status_label(old),
                                new=status_label(new)), field="status")
    if new == "cancelled" and not (reason or "").strip():
        raise TransitionError(_("取消预约请填写原因。"), field="reason")
