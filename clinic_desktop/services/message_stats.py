"""Whether the messages work: the day's sent / waiting / failed by kind, the no-show rate of
reminded against not-reminded bookings, and how many patients booked after a recall notice.

"Reminded" means an automatic reminder of that booking was sent; a booking counts when its
appointment fell in the period and ended (came, or did not come). A recall notice "brought a
booking" when the patient booked anything within ``BOOKED_WITHIN`` days of its sending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period, utc_bounds
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.storage.models.messaging import OutboxMessage
from clinic_desktop.storage.models.schedule import Appointment

BOOKED_WITHIN = 30
ENDED = ("completed", "no_show")


@dataclass(frozen=True)
class KindCounts:
    kind: str | None  # None: queued by hand
    sent: int
    waiting: int  # queued now, whenever it goes
    failed: int
    dropped: int


@dataclass(frozen=True)
class MessageEffect:
    reminded: int  # ended bookings whose reminder was sent
    reminded_no_shows: int
    not_reminded: int
    not_reminded_no_shows: int
    notices: int  # recall notices sent
    notices_booked: int  # of which the patient booked within BOOKED_WITHIN days

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def reminded_no_show_rate(self) -> float | None:
        return self._rate(self.reminded_no_shows, self.reminded)

    @property
    def not_reminded_no_show_rate(self) -> float | None:
        return self._rate(self.not_reminded_no_shows, self.not_reminded)

    @property
    def notice_booking_rate(self) -> float | None:
        return self._rate(self.notices_booked, self.notices)


def day_by_kind(ctx: Context, day: date) -> list[KindCounts]:
    """The day's messages by kind: sent that day, waiting now, failed or dropped among those
    created that day."""
    ctx.require(Permission.MESSAGES_SEND)
    with ctx.transaction() as session:
        start, end = utc_bounds(Period(day, day), clinic_zone(session))
        m = OutboxMessage
        sent = func.sum(case((and_(m.status == "sent", m.sent_at >= start, m.sent_at < end),
                              1), else_=0))
        waiting = func.sum(case((m.status.in_(("queued", "sending")), 1), else_=0))
        made_today = and_(m.created_at >= start, m.created_at < end)
        failed = func.sum(case((and_(m.status == "failed", made_today), 1), else_=0))
        dropped = func.sum(case((and_(m.status == "dropped", made_today), 1), else_=0))
        rows = session.execute(
            select(m.kind, sent, waiting, failed, dropped)
            .where((m.status.in_(("queued", "sending"))) | (m.sent_at >= start) | made_today)
            .group_by(m.kind)).all()
    found = [KindCounts(kind, int(s or 0), int(w or 0), int(f or 0), int(d or 0))
             for kind, s, w, f, d in rows]
    return sorted(found, key=lambda k: (k.kind is None, k.kind or ""))


def message_effect(ctx: Context, period: Period) -> MessageEffect:
    ctx.require(Permission.MESSAGES_SEND)
    with ctx.transaction() as session:
        return effect_in(session, period)


def effect_in(session: Session, period: Period) -> MessageEffect:
    """What reminders and recall notices did in ``period`` (the dashboard's care tab too)."""
    start, end = utc_bounds(period, clinic_zone(session))
    reminded = exists().where(
        OutboxMessage.appointment_id == Appointment.id, OutboxMessage.kind == "reminder",
        OutboxMessage.status == "sent")
    no_show = func.sum(case((Appointment.status == "no_show", 1), else_=0))
    by_reminder = dict(
        (bool(flag), (int(count), int(missed or 0))) for flag, count, missed in
        session.execute(
            select(reminded.label("reminded"), func.count(), no_show)
            .where(Appointment.start >= start, Appointment.start < end,
                   Appointment.status.in_(ENDED))
            .group_by(reminded)).all())
    notices = session.execute(
        select(OutboxMessage.patient_id, OutboxMessage.sent_at)
        .where(OutboxMessage.kind == "recall_notice", OutboxMessage.status == "sent",
               OutboxMessage.sent_at >= start, OutboxMessage.sent_at < end)).all()
    bookings: dict[int, list[datetime]] = {}
    patients = sorted({pid for pid, _sent in notices})
    for first in range(0, len(patients), 900):  # SQLite's bound-parameter limit
        for pid, made in session.execute(
                select(Appointment.patient_id, Appointment.created_at).where(
                    Appointment.patient_id.in_(patients[first:first + 900]),
                    Appointment.created_at >= start,
                    Appointment.status != "cancelled")).all():
            bookings.setdefault(pid, []).append(made)
    window = timedelta(days=BOOKED_WITHIN)
    notices_booked = sum(
        1 for pid, sent in notices if sent is not None and any(
            sent <= made < sent + window for made in bookings.get(pid, ())))
    yes, no = by_reminder.get(True, (0, 0)), by_reminder.get(False, (0, 0))
    return MessageEffect(yes[0], yes[1], no[0], no[1], len(notices), notices_booked)
