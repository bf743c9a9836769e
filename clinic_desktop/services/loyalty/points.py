"""Points (积分): earned per yuan paid (by category, times the tier's multiplier), on a
birthday visit and for a referral; redeemed against a charge; expired by the nightly job.

Received points are lots (``lot``) with their expiry day; points are spent in order of
expiry, so the points that have lapsed by a day are max(0, lots expiring by then − everything
taken so far). What may be redeemed today is the balance less what has lapsed but not yet
been written off by the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.loyalty.common import (
    CENTS,
    clinic_day,
    patient_row,
    points_of,
    refresh_caches,
)
from clinic_desktop.services.loyalty.rules import LoyaltyRules, rules_in
from clinic_desktop.services.loyalty.tiers import TierInfo, add_months
from clinic_desktop.services.patients import refuse_hidden_characters
from clinic_desktop.storage.models.loyalty import PointsEntry

MAX_POINTS = 100_000_000


def kind_label(kind: str) -> str:
    return {"earn": _("消费积分"), "birthday": _("生日积分"), "referral": _("转介绍奖励"),
            "redeem": _("积分抵扣"), "expire": _("积分过期"), "adjust": _("手动调整"),
            "opening": _("期初积分"), "reversal": _("冲正"), "refund": _("退款扣回"),
            "gift": _("兑换礼品")
            }.get(kind, kind)


@dataclass(frozen=True)
class PointsEntryInfo:
    id: int
    at: datetime
    kind: str
    points: int
    expires_on: date | None
    rule: str
    note: str
    visit_id: int | None
    checkout_id: int | None
    reverses_id: int | None


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    available: int  # the balance less points lapsed and not yet written off
    expiring_soon: int  # lapse within the next 30 days
    next_expiry: date | None
    entries: tuple[PointsEntryInfo, ...]


def expiry_for(rules: LoyaltyRules, day: date) -> date | None:
    if rules.points_expiry_months <= 0:
        return None
    return add_months(day, rules.points_expiry_months)


def lapsed_in(session: Session, patient_id: int, day: date) -> int:
    """Points lapsed by ``day`` (expiring on or before it) and not yet written off."""
    p = PointsEntry
    due, taken = session.execute(select(
        func.coalesce(func.sum(case((and_(p.lot.is_(True), p.expires_on <= day), p.points),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((p.lot.is_(False), -p.points), else_=0)), 0),
    ).where(p.patient_id == patient_id)).one()
    return max(0, int(due) - int(taken))


def available_in(session: Session, patient_id: int, day: date) -> int:
    return points_of(session, patient_id) - lapsed_in(session, patient_id, day)


def _info(e: PointsEntry) -> PointsEntryInfo:
    return PointsEntryInfo(e.id, e.at, e.kind, e.points, e.expires_on, e.rule, e.note,
                           e.visit_id, e.checkout_id, e.reverses_id)


def points_summary(ctx: Context, patient_id: int) -> PointsSummary:
    """The balance and its journal (newest first) for the panel."""
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        patient_row(session, patient_id)
        today = clinic_day(session, ctx.now())
        balance = points_of(session, patient_id)
        lapsed = lapsed_in(session, patient_id, today)
        from datetime import timedelta

        soon = lapsed_in(session, patient_id, today + timedelta(days=30)) - lapsed
        next_expiry = session.execute(select(func.min(PointsEntry.expires_on)).where(
            PointsEntry.patient_id == patient_id, PointsEntry.lot.is_(True),
            PointsEntry.expires_on > today)).scalar_one_or_none() if soon or balance else None
        rows = session.execute(select(PointsEntry).where(PointsEntry.patient_id == patient_id)
                               .order_by(PointsEntry.id.desc())).scalars()
        return PointsSummary(balance, balance - lapsed, soon, next_expiry,
                             tuple(_info(e) for e in rows))


def points_for(amounts: dict[str | None, Decimal], rules: LoyaltyRules,
               tier: TierInfo | None) -> tuple[int, str]:
    """Points earned for money paid, by category; and the rule in words."""
    multiplier = Decimal(tier.multiplier_percent if tier else 100) / 100
    raw = sum((amount * rules.rate_for(category) for category, amount in amounts.items()),
              Decimal(0))
    points = int((raw * multiplier).to_integral_value(rounding=ROUND_DOWN))
    parts = [f"{category or '*'} ¥{amount.quantize(CENTS)}×{rules.rate_for(category)}"
             for category, amount in sorted(amounts.items(), key=lambda kv: kv[0] or "")]
    rule = " + ".join(parts) + (f" ×{multiplier}" if multiplier != 1 else "")
    return max(points, 0), rule[:64]


def add_lot_in(ctx: Context, session: Session, patient_id: int, *, kind: str, points: int,
               rule: str = "", note: str = "", ledger_entry_id: int | None = None,
               checkout_id: int | None = None, visit_id: int | None = None) -> PointsEntry:
    """Points received, expiring by the rules in force today."""
    today = clinic_day(session, ctx.now())
    entry = PointsEntry(patient_id=patient_id, at=ctx.now(), kind=kind, points=points, lot=True,
                        expires_on=expiry_for(rules_in(session, today), today),
                        ledger_entry_id=ledger_entry_id, checkout_id=checkout_id,
                        visit_id=visit_id, rule=rule[:64], note=note[:255],
                        created_by=ctx.actor.staff_id)
    session.add(entry)
    session.flush()
    return entry


def take_in(ctx: Context, session: Session, patient_id: int, *, kind: str, points: int,
            note: str = "", checkout_id: int | None = None, ledger_entry_id: int | None = None,
            field: str = "points") -> PointsEntry:
    """Points taken (redeemed, adjusted down); refused beyond what is available."""
    if points <= 0:
        raise UserError(_("积分数必须大于 0。"), field=field)
    available = available_in(session, patient_id, clinic_day(session, ctx.now()))
    if points > available:
        raise UserError(_("积分不足：可用 {available}，本次 {points}。", available=available,
                          points=points), field=field)
    entry = PointsEntry(patient_id=patient_id, at=ctx.now(), kind=kind, points=-points,
                        lot=False, checkout_id=checkout_id, ledger_entry_id=ledger_entry_id,
                        note=note[:255], created_by=ctx.actor.staff_id)
    session.add(entry)
    session.flush()
    return entry


def take_back_in(ctx: Context, session: Session, patient_id: int, points: int, *,
                 note: str, ledger_entry_id: int | None = None) -> int:
    """Points given for money that went back (a refund): as many as are still there."""
    today = clinic_day(session, ctx.now())
    points = min(points, max(available_in(session, patient_id, today), 0))
    if points <= 0:
        return 0
    take_in(ctx, session, patient_id, kind="refund", points=points, note=note,
            ledger_entry_id=ledger_entry_id)
    return points


def reverse_entries_in(ctx: Context, session: Session, entries: list[PointsEntry],
                       *, note: str) -> int:
    """Reverse points entries (a reversed payment): received lots come back as negative lots
    (capped at what is left, so the balance never goes below zero), taken points return."""
    total = 0
    for original in entries:
        points = -original.points
        if points < 0:  # taking back received points
            have = points_of(session, original.patient_id)
            points = -min(-points, max(have, 0))
            if points == 0:
                continue
        session.add(PointsEntry(
            patient_id=original.patient_id, at=ctx.now(), kind="reversal", points=points,
            lot=original.lot, expires_on=original.expires_on, checkout_id=original.checkout_id,
            visit_id=original.visit_id, reverses_id=original.id, note=note[:255],
            created_by=ctx.actor.staff_id))
        session.flush()
        total += points
    return total


def adjust_points(ctx: Context, patient_id: int, *, points: int, reason: str
                  ) -> PointsEntryInfo:
    """A manager's correction: points added (expiring as earned ones do) or taken away."""
    ctx.require(Permission.LOYALTY_MANAGE)
    reason = reason.strip()
    if not reason:
        raise UserError(_("请填写调整原因。"), field="reason")
    refuse_hidden_characters(reason, field="reason", label=_("调整原因"))
    if points == 0 or abs(points) > MAX_POINTS:
        raise UserError(_("请填写要调整的积分数（不能为 0）。"), field="points")
    with ctx.transaction(write=True) as session:
        patient_row(session, patient_id)
        if points > 0:
            entry = add_lot_in(ctx, session, patient_id, kind="adjust", points=points,
                               note=reason)
        else:
            entry = take_in(ctx, session, patient_id, kind="adjust", points=-points, note=reason)
        refresh_caches(session, [patient_id])
        ctx.audit(session, "loyalty.points_adjust", "patient", patient_id, f"{points} {reason}")
        return _info(entry)


def redeem_gift(ctx: Context, patient_id: int, *, gift: str) -> PointsEntryInfo:
    """Points exchanged for a gift on the clinic's list (the rules in force today)."""
    ctx.require(Permission.BILLING_EDIT)
    with ctx.transaction(write=True) as session:
        patient_row(session, patient_id)
        rules = rules_in(session, clinic_day(session, ctx.now()))
        chosen = rules.gift(gift)
        if chosen is None:
            raise UserError(_("礼品“{gift}”不在兑换清单中。", gift=gift), field="gift")
        entry = take_in(ctx, session, patient_id, kind="gift", points=chosen.points,
                        note=chosen.name, field="gift")
        entry.rule = chosen.name[:64]
        refresh_caches(session, [patient_id])
        ctx.audit(session, "loyalty.gift", "patient", patient_id,
                  f"{chosen.name} -{chosen.points}")
        return _info(entry)
