"""Appointment statistics for a period: appointments that start in it, by status, doctor,
booking channel and weekday, with their no-show and cancellation rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.rules.schedule_rules import status_label
from clinic_desktop.services.appointments import channel_label
from clinic_desktop.services.insight import buckets
from clinic_desktop.services.insight.common import bounds_of, checked, rate, zone_of
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.models.staff import Staff

DONE = ("completed",)


@dataclass(frozen=True)
class AppointmentRow:
    key: str
    name: str
    total: int
    completed: int
    cancelled: int
    no_show: int

    @property
    def no_show_rate(self) -> float:
        """no-shows among the appointments not cancelled"""
        return rate(self.no_show, self.total - self.cancelled)

    @property
    def cancellation_rate(self) -> float:
        return rate(self.cancelled, self.total)


@dataclass(frozen=True)
class AppointmentStats:
    period: Period
    overall: AppointmentRow
    by_status: tuple[tuple[str, int], ...]  # every status, most first
    by_doctor: tuple[AppointmentRow, ...]
    by_channel: tuple[AppointmentRow, ...]
    by_weekday: tuple[AppointmentRow, ...]  # Monday first


def weekday_names() -> tuple[str, ...]:
    return (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


def appointment_stats(ctx: Context, period: Period) -> AppointmentStats:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return stats_in(session, period)


def _rows(counts: dict[str, dict[str, int]], names: dict[str, str]) -> list[AppointmentRow]:
    found = [AppointmentRow(key, names.get(key, key), sum(c.values()), c.get("completed", 0),
                            c.get("cancelled", 0), c.get("no_show", 0))
             for key, c in counts.items()]
    return sorted(found, key=lambda r: (-r.total, r.name))


def stats_in(session: Session, period: Period) -> AppointmentStats:
    b = bounds_of(session, checked(period))
    a = Appointment
    dialect = buckets.dialect_of(session)
    minutes = buckets.offset_minutes(zone_of(session), period.first)
    day = buckets.local_day(dialect, a.start, minutes).label("day")
    inner = select(day, a.doctor_id.label("did"), a.channel.label("channel"),
                   a.status.label("status")).where(b.has(a.start)).subquery("appts")
    doctors: dict[str, dict[str, int]] = {}
    channels: dict[str, dict[str, int]] = {}
    weekdays: dict[str, dict[str, int]] = {str(i): {} for i in range(7)}
    statuses: dict[str, int] = {}
    for key, did, channel, status, n in session.execute(
            select(inner.c.day, inner.c.did, inner.c.channel, inner.c.status, func.count())
            .group_by(inner.c.day, inner.c.did, inner.c.channel, inner.c.status)):
        count = int(n)
        statuses[status] = statuses.get(status, 0) + count
        for table, k in ((doctors, str(did)), (channels, channel or ""),
                         (weekdays, str(date.fromisoformat(key).weekday()))):
            bucket = table.setdefault(k, {})
            bucket[status] = bucket.get(status, 0) + count
    staff = {str(i): n for i, n in session.execute(select(Staff.id, Staff.display_name))}
    channel_names = {c: channel_label(c) if c else _("未填写") for c in channels}
    week = weekday_names()
    total = {"*": dict(statuses)}
    return AppointmentStats(
        period, _rows(total, {"*": _("全部")})[0] if statuses
        else AppointmentRow("*", _("全部"), 0, 0, 0, 0),
        tuple(sorted(((status_label(s), n) for s, n in statuses.items()),
                     key=lambda item: -item[1])),
        tuple(_rows(doctors, staff)), tuple(_rows(channels, channel_names)),
        tuple(AppointmentRow(str(i), week[i], sum(weekdays[str(i)].values()),
                             weekdays[str(i)].get("completed", 0),
                             weekdays[str(i)].get("cancelled", 0),
                             weekdays[str(i)].get("no_show", 0)) for i in range(7)))
