"""Reading campaigns back: the list, and what each brought back against its hold-out.

The result compares the acted-on members with the held-out ones over the ``result_days``
after the start: the share who booked (an appointment made in the window, not cancelled),
their visits, and revenue (charges less discounts, reversals netted); the lift is the
difference of the booked shares. Every read needs ``REPORTS_VIEW``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.insight.campaigns import (
    Action,
    CouponAction,
    MessageAction,
    TaskAction,
    action_label,
    action_of,
)
from clinic_desktop.services.insight.segment_query import spend_of, today_in
from clinic_desktop.services.insight.segment_rules import SegmentRules, rules_from_json
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import Visit
from clinic_desktop.storage.models.insight import Campaign, CampaignMember, SavedSegment
from clinic_desktop.storage.models.loyalty import CouponType
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.models.staff import Staff


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    name: str
    action: str
    action_label: str
    summary: str  # the action's settings in words
    segment: str | None  # the saved segment's name, if it came from one still saved
    rules: SegmentRules
    holdout_percent: int
    result_days: int
    started_at: datetime
    started_by: str
    members: int
    held_out: int


def _summary(action: Action) -> str:
    if isinstance(action, TaskAction):
        return _("“{reason}”，{due} 到期", reason=action.reason, due=action.due.isoformat())
    if isinstance(action, MessageAction):
        return _("模板 {key}", key=action.template_key)
    if isinstance(action, CouponAction):
        return _("优惠券类型 #{id}", id=action.coupon_type_id)
    return Path(action.path).name


def list_campaigns(ctx: Context) -> list[CampaignInfo]:
    """Newest first."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return _campaigns(session)


def _campaigns(session: Session, campaign_id: int | None = None) -> list[CampaignInfo]:
    m = CampaignMember
    counts = (select(m.campaign_id, func.count().label("n"),
                     func.coalesce(func.sum(case((m.held_out.is_(True), 1), else_=0)), 0)
                     .label("held")).group_by(m.campaign_id).subquery())
    query = (select(Campaign, SavedSegment.name, Staff.display_name, counts.c.n, counts.c.held)
             .outerjoin(SavedSegment, SavedSegment.id == Campaign.segment_id)
             .outerjoin(Staff, Staff.id == Campaign.created_by)
             .outerjoin(counts, counts.c.campaign_id == Campaign.id)
             .order_by(Campaign.started_at.desc(), Campaign.id.desc()))
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    found = []
    for c, segment, who, n, held in session.execute(query):
        coupon_names = {}
        action = action_of(c.action, json.loads(c.details_json))
        summary = _summary(action)
        if isinstance(action, CouponAction):
            coupon_names = dict(session.execute(select(CouponType.id, CouponType.name)).all())
            summary = coupon_names.get(action.coupon_type_id, summary)
        found.append(CampaignInfo(c.id, c.name, c.action, action_label(c.action), summary,
                                  segment, rules_from_json(c.rules_json), c.holdout_percent,
                                  c.result_days, c.started_at, who or _("系统"), int(n or 0),
                                  int(held or 0)))
    return found


@dataclass(frozen=True)
class GroupResult:
    members: int
    booked: int  # members who made an appointment in the window (not cancelled)
    visited: int  # members with a visit in the window
    visits: int
    revenue: Decimal  # yuan: charges less discounts in the window

    @property
    def booked_rate(self) -> float:
        return round(self.booked / self.members, 4) if self.members else 0.0

    @property
    def revenue_per_member(self) -> Decimal:
        return (self.revenue / self.members).quantize(Decimal("0.01")) if self.members \
            else Decimal("0.00")


@dataclass(frozen=True)
class CampaignResult:
    campaign: CampaignInfo
    first_day: date  # the window, clinic days
    last_day: date
    complete: bool  # the window has passed (else: so far)
    acted: GroupResult
    held_out: GroupResult
    tasks_open: int
    tasks_done: int  # closed with a call made (done, unreachable)
    skipped_or_closed: int  # tasks cancelled or satisfied otherwise

    @property
    def lift(self) -> float:
        """Booked share of the acted-on less the held-out's (0 without a hold-out)."""
        if not self.held_out.members:
            return 0.0
        return round(self.acted.booked_rate - self.held_out.booked_rate, 4)


def campaign_result(ctx: Context, campaign_id: int) -> CampaignResult:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        infos = _campaigns(session, campaign_id)
        if not infos:
            raise NotFound(_("该活动已不存在。"))
        info = infos[0]
        today = today_in(session, ctx.now())
        start = info.started_at
        end = start + timedelta(days=info.result_days)
        first_day = start.astimezone(today.zone).date()
        after_day = first_day + timedelta(days=info.result_days)
        m = CampaignMember
        booked = exists(select(Appointment.id).where(
            Appointment.patient_id == m.patient_id, Appointment.created_at >= start,
            Appointment.created_at < end, Appointment.status != "cancelled"))
        visits = select(func.count(Visit.id)).where(
            Visit.patient_id == m.patient_id, Visit.visit_date >= first_day,
            Visit.visit_date < after_day).scalar_subquery()
        revenue = spend_of(m.patient_id, start, end)
        groups = {held: GroupResult(int(n), int(b), int(v), int(vs or 0),
                                    (Decimal(int(r or 0)) / 100).quantize(Decimal("0.01")))
                  for held, n, b, v, vs, r in session.execute(
                      select(m.held_out, func.count(),
                             func.sum(case((booked, 1), else_=0)),
                             func.sum(case((visits > 0, 1), else_=0)),
                             func.sum(visits), func.sum(revenue))
                      .where(m.campaign_id == campaign_id).group_by(m.held_out))}
        empty = GroupResult(0, 0, 0, 0, Decimal("0.00"))
        statuses = dict(session.execute(
            select(CareTask.status, func.count()).where(
                CareTask.source == "campaign", CareTask.source_id == campaign_id)
            .group_by(CareTask.status)).all())
        return CampaignResult(
            info, first_day, after_day - timedelta(days=1), ctx.now() >= end,
            groups.get(False, empty), groups.get(True, empty),
            sum(n for s, n in statuses.items() if s in ("pending", "due")),
            sum(n for s, n in statuses.items() if s in ("done", "unreachable")),
            sum(n for s, n in statuses.items() if s in ("cancelled", "satisfied")))


def campaign_members(ctx: Context, campaign_id: int) -> list[tuple[int, bool]]:
    """(patient id, held out) of every member, by patient id."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return [(pid, bool(held)) for pid, held in session.execute(
            select(CampaignMember.patient_id, CampaignMember.held_out)
            .where(CampaignMember.campaign_id == campaign_id)
            .order_by(CampaignMember.patient_id))]
