"""The care side of the dashboard: callbacks due, done and reached, bookings they made,
recall compliance, satisfaction and complaints in a period (definitions in the README)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.care import REACHED
from clinic_desktop.services.insight.common import bounds_of, checked, rate
from clinic_desktop.services.message_stats import MessageEffect, effect_in
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.engagement import Feedback

# Tasks worked by calling the patient (reminders and messages are sent, not called).
CALL_KINDS = ("followup_call", "recall", "birthday", "reactivation", "problem")
# A call closed the task: done (reached or not) or given up after the last attempt.
CLOSED_BY_CALL = ("done", "unreachable")
OPEN_COMPLAINT = ("open", "handling")


@dataclass(frozen=True)
class CareStats:
    period: Period
    callbacks_due: int  # call tasks due in the period, not cancelled
    callbacks_done: int  # call tasks a call closed in the period
    callbacks_reached: int  # ... where the patient was reached
    bookings_from_callbacks: int  # ... whose outcome was a booking
    recalls_due: int  # recalls due in the period, not cancelled
    recalls_booked: int  # ... satisfied by a booking within their window
    satisfaction: float | None  # mean score (1–5) of feedback in the period
    satisfaction_count: int
    complaints_new: int  # complaints recorded in the period
    complaints_new_open: int  # ... still open or being handled
    complaints_open_now: int  # every complaint open or being handled, whenever made
    messages: MessageEffect | None = None  # what automatic reminders and notices did

    @property
    def reach_rate(self) -> float:
        return rate(self.callbacks_reached, self.callbacks_done)

    @property
    def recall_compliance(self) -> float:
        return rate(self.recalls_booked, self.recalls_due)


def care_stats(ctx: Context, period: Period) -> CareStats:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return care_in(session, period)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


def care_in(session: Session, period: Period) -> CareStats:
    b = bounds_of(session, checked(period))
    t = CareTask
    calls = t.kind.in_(CALL_KINDS)
    due = and_(calls, b.has(t.due_at), t.status != "cancelled")
    done = and_(calls, t.status.in_(CLOSED_BY_CALL), b.has(t.closed_at))
    recalls = and_(t.kind == "recall", b.has(t.due_at), t.status != "cancelled")
    tasks = session.execute(select(
        _count(due), _count(done), _count(and_(done, t.last_outcome.in_(REACHED))),
        _count(and_(done, t.last_outcome == "booked")), _count(recalls),
        _count(and_(recalls, t.status == "satisfied")),
    ).where(t.kind.in_(CALL_KINDS))).one()
    f = Feedback
    complaint = f.complaint != ""
    feedback = session.execute(select(
        func.avg(case((and_(b.has(f.at), f.satisfaction.is_not(None)), f.satisfaction))),
        _count(and_(b.has(f.at), f.satisfaction.is_not(None))),
        _count(and_(b.has(f.at), complaint)),
        _count(and_(b.has(f.at), complaint, f.status.in_(OPEN_COMPLAINT))),
        _count(and_(complaint, f.status.in_(OPEN_COMPLAINT))))).one()
    score, scored, new, new_open, open_now = feedback
    due_n, done_n, reached_n, booked_n, recalls_n, satisfied_n = (int(v) for v in tasks)
    return CareStats(period, due_n, done_n, reached_n, booked_n, recalls_n, satisfied_n,
                     round(float(score), 2) if score is not None else None, int(scored),
                     int(new), int(new_open), int(open_now), effect_in(session, period))
