"""A past campaign in the demo clinic: the saved segment "种植 patients not seen for a year",
callback tasks started 40 days ago (a tenth held out), most calls made since, and some of the
patients booked and came back — so its result view has something to show.

The campaign is started through the service on a clock set 40 days back; what followed (the
calls' outcomes, the bookings and visits) is written as rows, as the other demo areas do."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services.insight.campaigns import CampaignInput, TaskAction, start_campaign
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import save_segment
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.engagement import ContactLog
from clinic_desktop.storage.models.insight import CampaignMember
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.models.staff import Staff

SEGMENT_NAME = "种植患者一年未复诊"
CAMPAIGN_NAME = "种植老患者回访（复查邀约）"
DAYS_AGO = 40


def seed_campaigns(ctx: Context, rng: random.Random) -> int:
    """Returns the members of the demo campaign (0 when no patient fits)."""
    rules = SegmentRules(categories=("种植",), months_since_visit_min=12)
    segment = save_segment(ctx, name=SEGMENT_NAME, rules=rules)
    started = ctx.now() - timedelta(days=DAYS_AGO)
    past = Context(db=ctx.db, actor=ctx.actor, clock=FixedClock(started))
    try:
        outcome = start_campaign(past, CampaignInput(
            CAMPAIGN_NAME, TaskAction(reason="种植术后复查邀约（一年未到诊）",
                                      due=started.date() + timedelta(days=1), role="nurse",
                                      priority=2),
            segment_id=segment.id, holdout_percent=10, result_days=30))
    except UserError:  # an empty segment in a tiny demo: the saved segment alone is shown
        return 0
    with ctx.transaction(write=True) as session:
        zone = clinic_zone(session)
        _follow_up(ctx, session, rng, outcome.campaign_id, started, zone)
        ctx.audit(session, "demo.campaigns", "campaign", outcome.campaign_id, CAMPAIGN_NAME)
    return outcome.members


def _slot(session: Session, doctor: int, day: datetime, zone: ZoneInfo) -> datetime | None:
    """The first free half hour of ``doctor`` on ``day`` (9:00–17:00), or None."""
    start_of_day = datetime.combine(day.date(), time(9), zone)
    busy = session.execute(select(Appointment.start, Appointment.end).where(
        Appointment.doctor_id == doctor, Appointment.start >= start_of_day,
        Appointment.start < start_of_day + timedelta(hours=10))).all()
    for step in range(16):
        begin = start_of_day + timedelta(minutes=30 * step)
        end = begin + timedelta(minutes=30)
        if all(end <= b or begin >= e for b, e in busy):
            return begin
    return None


def _follow_up(ctx: Context, session: Session, rng: random.Random, campaign_id: int,
               started: datetime, zone: ZoneInfo) -> None:
    doctors = list(session.execute(select(Staff.id).where(
        Staff.is_doctor.is_(True), Staff.active.is_(True))).scalars())
    checkup = session.execute(select(ProcedureType).where(
        ProcedureType.name == "口腔检查")).scalar_one_or_none()
    cleaning = session.execute(select(ProcedureType).where(
        ProcedureType.name == "超声洁牙")).scalar_one_or_none()
    members = session.execute(select(CampaignMember).where(
        CampaignMember.campaign_id == campaign_id).order_by(CampaignMember.patient_id)).scalars()
    for member in members:
        booked = False
        task = session.get(CareTask, member.task_id) if member.task_id else None
        if task is not None and rng.random() < 0.75:  # the nurse has made most of the calls
            called = started + timedelta(days=rng.randrange(1, 12), hours=rng.randrange(1, 6))
            booked = rng.random() < 0.35
            outcome = "booked" if booked else rng.choice(
                ("reached_fine", "declined", "not_reached"))
            task.status = "unreachable" if outcome == "not_reached" else "done"
            task.attempts, task.last_outcome = 1 if outcome != "not_reached" else 3, outcome
            task.closed_at, task.raised_at = called, started
            task.closed_reason = {"booked": "已预约", "reached_fine": "已接通-良好",
                                  "declined": "拒绝", "not_reached": "3 次未接通"}[outcome]
            session.add(ContactLog(patient_id=member.patient_id, at=called,
                                   staff_id=ctx.actor.staff_id, channel="phone",
                                   direction="out", summary=task.title,
                                   outcome=task.closed_reason))
        elif member.held_out and rng.random() < 0.12:  # some come back on their own
            booked = True
        if not booked or not doctors:
            continue
        made = started + timedelta(days=rng.randrange(2, 14), hours=rng.randrange(0, 8))
        day = made + timedelta(days=rng.randrange(2, 20))
        doctor = rng.choice(doctors)
        begin = _slot(session, doctor, day.astimezone(zone), zone)
        if begin is None:
            continue
        came = begin < ctx.now() - timedelta(hours=2)
        appointment = Appointment(
            patient_id=member.patient_id, doctor_id=doctor, start=begin,
            end=begin + timedelta(minutes=30), status="completed" if came else "booked",
            channel="电话", notes="种植复查邀约", created_by=ctx.actor.staff_id,
            created_at=made, updated_at=made)
        session.add(appointment)
        if not came:
            continue
        visit = Visit(patient_id=member.patient_id, visit_date=begin.astimezone(zone).date(),
                      doctor_id=doctor, created_at=begin, created_by=ctx.actor.staff_id)
        session.add(visit)
        session.flush()
        appointment.visit_id = visit.id
        for proc in (checkup, cleaning if rng.random() < 0.6 else None):
            if proc is None:
                continue
            session.add(Treatment(visit_id=visit.id, procedure_type_id=proc.id,
                                  procedure_name=proc.name, amount=proc.price))
            if proc.price > 0:
                at = begin + timedelta(minutes=40)
                session.add(LedgerEntry(patient_id=member.patient_id, at=at, kind="charge",
                                        amount=proc.price, visit_id=visit.id, note=proc.name,
                                        created_by=ctx.actor.staff_id))
                session.add(LedgerEntry(patient_id=member.patient_id, at=at, kind="payment",
                                        method=rng.choice(("wechat", "alipay", "cash")),
                                        amount=Decimal(proc.price), visit_id=visit.id,
                                        created_by=ctx.actor.staff_id))
