"""Membership tiers: defined by the clinic, reached when a payment or top-up crosses a
threshold, lowered by the nightly job, set by hand by a manager with a reason.

A patient's tier is the latest row of their tier history. Thresholds are on the spend
(payments less refunds, bonus value not counted) or the top-ups (principal less money paid
back) over the last ``tier_window_months``. An upgrade looks at that window; a downgrade (see
``jobs``) looks at the window plus the grace days, so a patient has the grace period to
spend again before the tier lapses. A tier given by hand is kept until its ``held_until`` day
(or until changed by hand when there is none); a tier of threshold kind ``manual`` is only
ever given by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.colour import COLOUR_RE
from clinic_desktop.services.loyalty.common import (
    CENTS,
    PRINCIPAL,
    ZERO,
    clinic_day,
    clinic_zone,
    current_tier_row,
    fen,
    fen_sum,
    patient_row,
    refresh_caches,
    yuan,
)
from clinic_desktop.services.loyalty.rules import ANY, rules_in
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import LoyaltyTier, TierChange

THRESHOLD_KINDS = ("spend", "topup", "manual")
MAX_THRESHOLD = Decimal("100000000")


def threshold_kind_label(kind: str) -> str:
    return {"spend": _("近期消费"), "topup": _("近期充值"),
            "manual": _("仅手动授予")}.get(kind, kind)


def cause_label(cause: str) -> str:
    return {"upgrade": _("升级"), "downgrade": _("降级"), "manual": _("手动调整"),
            "opening": _("期初")}.get(cause, cause)


@dataclass(frozen=True)
class TierInput:
    name: str
    rank: int
    threshold_kind: str
    threshold: Decimal
    discounts: dict[str, Decimal]  # category -> percent off; "*" for any other category
    multiplier_percent: int = 100
    colour: str = "#90A4AE"
    active: bool = True


@dataclass(frozen=True)
class TierInfo:
    id: int
    name: str
    rank: int
    threshold_kind: str
    threshold: Decimal
    discounts: dict[str, Decimal]
    multiplier_percent: int
    colour: str
    active: bool

    def discount_for(self, category: str | None) -> Decimal:
        """Percent off for a procedure category."""
        return self.discounts.get(category or ANY, self.discounts.get(ANY, ZERO))


@dataclass(frozen=True)
class TierChangeInfo:
    id: int
    at: datetime
    tier: str | None
    cause: str
    manual: bool
    held_until: date | None
    qualifying: Decimal | None
    reason: str
    by: int | None


@dataclass(frozen=True)
class PatientTier:
    tier: TierInfo | None
    since: datetime | None
    manual: bool
    held_until: date | None
    spend: Decimal  # over the window, now
    topups: Decimal
    next_tier: TierInfo | None  # the next one up, and what is still missing
    missing: Decimal | None


def tier_info(t: LoyaltyTier) -> TierInfo:
    discounts = {k: Decimal(v) for k, v in json.loads(t.discounts_json or "{}").items()}
    return TierInfo(t.id, t.name, t.rank, t.threshold_kind, t.threshold, discounts,
                    t.multiplier_percent, t.colour, t.active)


def tiers_in(session: Session, *, include_inactive: bool = False) -> list[TierInfo]:
    query = select(LoyaltyTier).order_by(LoyaltyTier.rank, LoyaltyTier.id)
    if not include_inactive:
        query = query.where(LoyaltyTier.active.is_(True))
    return [tier_info(t) for t in session.execute(query).scalars()]


def list_tiers(ctx: Context, *, include_inactive: bool = False) -> list[TierInfo]:
    """Lowest first."""
    with ctx.transaction() as session:
        return tiers_in(session, include_inactive=include_inactive)


def _validate(data: TierInput, others: list[TierInfo]) -> TierInput:
    name = data.name.strip()
    if not name or len(name) > 32:
        raise UserError(_("请填写等级名称（最多 32 个字）。"), field="name")
    if data.threshold_kind not in THRESHOLD_KINDS:
        raise UserError(_("升级条件无效。"), field="threshold_kind")
    threshold = Decimal(data.threshold).quantize(CENTS)
    if data.threshold_kind != "manual" and not ZERO < threshold <= MAX_THRESHOLD:
        raise UserError(_("升级门槛必须大于 0。"), field="threshold")
    if not 10 <= data.multiplier_percent <= 1000:
        raise UserError(_("积分倍数应在 0.1 到 10 倍之间。"), field="multiplier_percent")
    try:
        discounts = {(k.strip() or ANY): Decimal(v).quantize(CENTS)
                     for k, v in data.discounts.items()}
    except (InvalidOperation, TypeError) as exc:
        raise UserError(_("折扣必须是数字。"), field="discounts") from exc
    if any(not ZERO <= v < 100 for v in discounts.values()):
        raise UserError(_("折扣应在 0% 到 100% 之间。"), field="discounts")
    if not COLOUR_RE.match(data.colour.strip()):
        raise UserError(_("颜色格式无效，例如 #3A7BD5。"), field="colour")
    for other in others:
        if other.name == name:
            raise UserError(_("已有名为“{name}”的等级。", name=name), field="name")
        if not (data.active and other.active):
            continue
        if other.rank == data.rank:
            raise UserError(_("等级“{other}”已使用排序 {rank}。", other=other.name,
                              rank=data.rank), field="rank")
        if data.threshold_kind == "manual" or other.threshold_kind != data.threshold_kind:
            continue
        # Within one kind a higher tier needs a higher threshold: otherwise two tiers would
        # claim the same patients.
        if (other.rank < data.rank) != (other.threshold < threshold) \
                or other.threshold == threshold:
            raise UserError(_("门槛 ¥{threshold} 与等级“{other}”（¥{theirs}）重叠：等级越高，"
                              "门槛必须越高。", threshold=threshold, other=other.name,
                              theirs=other.threshold), field="threshold")
    return TierInput(name, data.rank, data.threshold_kind,
                     threshold if data.threshold_kind != "manual" else ZERO, discounts,
                     data.multiplier_percent, data.colour, data.active)


def save_tier(ctx: Context, data: TierInput, *, tier_id: int | None = None) -> TierInfo:
    """Add a tier (``tier_id`` None) or change one; a rename updates the patients' display."""
    ctx.require(Permission.LOYALTY_MANAGE)
    with ctx.transaction(write=True) as session:
        others = [t for t in tiers_in(session, include_inactive=True) if t.id != tier_id]
        clean = _validate(data, others)
        now = ctx.now()
        if tier_id is None:
            row = LoyaltyTier(created_at=now, threshold=clean.threshold)
            session.add(row)
        else:
            found = session.get(LoyaltyTier, tier_id)
            if found is None:
                raise NotFound(_("该会员等级已不存在。"))
            row = found
        renamed = tier_id is not None and row.name != clean.name
        row.name, row.rank, row.threshold_kind = clean.name, clean.rank, clean.threshold_kind
        row.threshold, row.multiplier_percent = clean.threshold, clean.multiplier_percent
        row.discounts_json = json.dumps({k: str(v) for k, v in clean.discounts.items()},
                                        ensure_ascii=False)
        row.colour, row.active, row.updated_at = clean.colour, clean.active, now
        session.flush()
        if renamed:
            holders = session.execute(select(TierChange.patient_id).where(
                TierChange.tier_id == row.id).distinct()).scalars().all()
            refresh_caches(session, holders)
        ctx.audit(session, "loyalty.tier", "loyalty_tier", row.id,
                  f"{row.name} {row.threshold_kind} {row.threshold} x{row.multiplier_percent}%")
        return tier_info(row)


# -- the window ------------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


def window_start(session: Session, now: datetime, *, months: int, extra_days: int = 0
                 ) -> datetime:
    """The first instant of the window: local midnight ``months`` (and ``extra_days``) ago."""
    zone = clinic_zone(session)
    first = add_months(now.astimezone(zone).date(), -months) - timedelta(days=extra_days)
    return datetime.combine(first, time(0), zone)


# The ledger kinds each sum of ``spend_expression`` reads (every other kind adds 0 to it): a
# scan for one sum can leave the rest of the ledger out.
SPEND_KINDS = ("payment", "refund")
TOPUP_KINDS = ("topup", "withdraw")


def spend_expression() -> tuple[ColumnElement[int], ColumnElement[int]]:
    amount = fen(LedgerEntry.amount)
    spend = (fen_sum((LedgerEntry.kind == "payment")
                     & ((LedgerEntry.method.is_(None)) | (LedgerEntry.method != "bonus")), amount)
             - fen_sum(LedgerEntry.kind == "refund", amount))
    # An opening balance from an import is money topped up long ago, not a recent top-up.
    recent = (LedgerEntry.source.is_(None)) | (LedgerEntry.source != "opening")
    topups = (fen_sum((LedgerEntry.kind == "topup") & (LedgerEntry.pot == PRINCIPAL) & recent,
                      amount)
              - fen_sum((LedgerEntry.kind == "withdraw") & (LedgerEntry.pot == PRINCIPAL),
                        amount))
    return spend, topups


def qualifying_in(session: Session, patient_id: int, since: datetime) -> tuple[Decimal, Decimal]:
    """(spend, top-ups) of the patient since ``since``."""
    spend, topups = spend_expression()
    row = session.execute(select(spend, topups).where(
        LedgerEntry.patient_id == patient_id, LedgerEntry.at >= since)).one()
    return yuan(row[0]), yuan(row[1])


def qualified_tier(tiers: list[TierInfo], spend: Decimal, topups: Decimal) -> TierInfo | None:
    """The highest active threshold tier the amounts reach."""
    best: TierInfo | None = None
    for tier in tiers:
        if not tier.active or tier.threshold_kind == "manual":
            continue
        amount = spend if tier.threshold_kind == "spend" else topups
        if amount >= tier.threshold and (best is None or tier.rank > best.rank):
            best = tier
    return best


def rank_of(session: Session, tier_id: int | None) -> int | None:
    if tier_id is None:
        return None
    tier = session.get(LoyaltyTier, tier_id)
    return None if tier is None else tier.rank


def upgrade_in(ctx: Context, session: Session, patient_id: int, *,
               ledger_entry_id: int | None = None) -> TierInfo | None:
    """After a payment or top-up: the new tier when the window now reaches a higher one."""
    session.flush()
    now = ctx.now()
    rules = rules_in(session, clinic_day(session, now))
    spend, topups = qualifying_in(session, patient_id,
                                  window_start(session, now, months=rules.tier_window_months))
    best = qualified_tier(tiers_in(session), spend, topups)
    if best is None:
        return None
    current = current_tier_row(session, patient_id)
    current_rank = rank_of(session, current.tier_id if current else None)
    if current_rank is not None and best.rank <= current_rank:
        return None
    session.add(TierChange(
        patient_id=patient_id, tier_id=best.id, at=now, cause="upgrade", manual=False,
        qualifying=spend if best.threshold_kind == "spend" else topups,
        reason=_("{kind} ¥{amount} 达到 ¥{threshold}", kind=threshold_kind_label(
            best.threshold_kind), amount=spend if best.threshold_kind == "spend" else topups,
            threshold=best.threshold),
        ledger_entry_id=ledger_entry_id, created_by=ctx.actor.staff_id))
    refresh_caches(session, [patient_id])
    ctx.audit(session, "loyalty.tier_up", "patient", patient_id, best.name)
    return best


def tier_in(session: Session, patient_id: int) -> TierInfo | None:
    row = current_tier_row(session, patient_id)
    if row is None or row.tier_id is None:
        return None
    tier = session.get(LoyaltyTier, row.tier_id)
    return None if tier is None else tier_info(tier)


def tier_of(ctx: Context, patient_id: int) -> PatientTier:
    """The patient's tier for the panel's chip, with what the next tier still needs."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        patient_row(session, patient_id)
        now = ctx.now()
        rules = rules_in(session, clinic_day(session, now))
        spend, topups = qualifying_in(session, patient_id,
                                      window_start(session, now, months=rules.tier_window_months))
        row = current_tier_row(session, patient_id)
        tier = tier_in(session, patient_id)
        above = [t for t in tiers_in(session) if t.threshold_kind != "manual"
                 and (tier is None or t.rank > tier.rank)]
        following = above[0] if above else None
        missing = None
        if following is not None:
            have = spend if following.threshold_kind == "spend" else topups
            missing = max(following.threshold - have, ZERO)
        return PatientTier(tier, row.at if row else None, bool(row and row.manual),
                           row.held_until if row else None, spend, topups, following, missing)


def tier_history(ctx: Context, patient_id: int) -> list[TierChangeInfo]:
    """Newest first."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        rows = session.execute(
            select(TierChange, LoyaltyTier.name)
            .outerjoin(LoyaltyTier, LoyaltyTier.id == TierChange.tier_id)
            .where(TierChange.patient_id == patient_id)
            .order_by(TierChange.id.desc())).all()
        return [TierChangeInfo(c.id, c.at, name, c.cause, c.manual, c.held_until, c.qualifying,
                               c.reason, c.created_by) for c, name in rows]


def override_tier(ctx: Context, patient_id: int, *, tier_id: int | None, reason: str,
                  held_until: date | None = None) -> TierChangeInfo:
    """A manager sets the tier by hand (``tier_id`` None: no tier), with a reason."""
    ctx.require(Permission.LOYALTY_MANAGE)
    reason = reason.strip()
    if not reason:
        raise UserError(_("请填写调整原因。"), field="reason")
    with ctx.transaction(write=True) as session:
        patient_row(session, patient_id)
        name = None
        if tier_id is not None:
            tier = session.get(LoyaltyTier, tier_id)
            if tier is None or not tier.active:
                raise UserError(_("请选择一个启用中的会员等级。"), field="tier")
            name = tier.name
        if held_until is not None and held_until < clinic_day(session, ctx.now()):
            raise UserError(_("保留期限不能早于今天。"), field="held_until")
        change = TierChange(patient_id=patient_id, tier_id=tier_id, at=ctx.now(),
                            cause="manual", manual=True, held_until=held_until,
                            reason=reason[:255], created_by=ctx.actor.staff_id)
        session.add(change)
        refresh_caches(session, [patient_id])
        ctx.audit(session, "loyalty.tier_override", "patient", patient_id,
                  f"{name or '-'} {held_until or ''} {reason}")
        return TierChangeInfo(change.id, change.at, name, "manual", True, held_until, None,
                              change.reason, change.created_by)
