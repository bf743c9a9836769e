"""Referrals (老带新): who brought whom, the reward when a referred patient's first paid visit
completes (once, as the rules say), with a thank-you task for the nurse; the 转介绍 list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, phone_for
from clinic_desktop.services.loyalty.common import (
    PRINCIPAL,
    clinic_day,
    fen,
    fen_sum,
    holder_of,
    patient_row,
    refresh_caches,
    yuan,
)
from clinic_desktop.services.loyalty.coupons import issue_in
from clinic_desktop.services.loyalty.points import add_lot_in
from clinic_desktop.services.loyalty.rules import rules_in
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import CouponType, ReferralReward
from clinic_desktop.storage.models.patient import Patient


@dataclass(frozen=True)
class ReferredPatient:
    patient_id: int
    code: str
    name: str
    rewarded_at: datetime | None
    reward: str | None


@dataclass(frozen=True)
class Referrals:
    referred_by: ReferredPatient | None
    referred: tuple[ReferredPatient, ...]


@dataclass(frozen=True)
class ReferrerRow:
    patient_id: int
    code: str
    name: str
    phone: str | None
    referred: int
    revenue: Decimal  # paid by the patients they referred


def reward_in(ctx: Context, session: Session, referred_id: int,
              visit_id: int) -> ReferralReward | None:
    """The referrer's reward for ``referred_id``'s first paid visit: once (the unique row)."""
    patient = session.get(Patient, referred_id)
    if patient is None or patient.referred_by_id is None or patient.referred_by_id == referred_id:
        return None
    if session.execute(select(ReferralReward.id).where(
            ReferralReward.referred_id == referred_id)).first():
        return None
    referrer = session.get(Patient, patient.referred_by_id)
    if referrer is None or referrer.archived:
        return None
    rules = rules_in(session, clinic_day(session, ctx.now()))
    if rules.referral_reward == "none":
        return None
    reward = ReferralReward(referrer_id=referrer.id, referred_id=referred_id, visit_id=visit_id,
                            at=ctx.now(), reward=rules.referral_reward)
    note = _("介绍 {name} 的奖励", name=patient.name)
    if rules.referral_reward == "points" and rules.referral_points > 0:
        reward.points_entry_id = add_lot_in(
            ctx, session, referrer.id, kind="referral", points=rules.referral_points,
            rule=f"referral:{referred_id}", note=note, visit_id=visit_id).id
    elif rules.referral_reward == "coupon" and rules.referral_coupon_type_id is not None:
        kind = session.get(CouponType, rules.referral_coupon_type_id)
        if kind is None:
            return None
        reward.coupon_id = issue_in(ctx, session, referrer.id, kind, source="referral",
                                    source_id=referred_id).id
    elif rules.referral_reward == "stored_value" and rules.referral_value > 0:
        entry = LedgerEntry(patient_id=referrer.id, at=ctx.now(), kind="topup",
                            amount=rules.referral_value, note=note[:255],
                            created_by=ctx.actor.staff_id, pot="bonus",
                            holder_id=holder_of(session, referrer.id), source="referral",
                            source_id=referred_id)
        session.add(entry)
        session.flush()
        reward.ledger_entry_id = entry.id
    task = CareTask(patient_id=referrer.id, kind="message",
                    title=_("感谢介绍新患者 {name}", name=patient.name)[:128], due_at=ctx.now(),
                    source="referral", source_id=referred_id,
                    dedupe_key=f"referral:{referred_id}", assigned_role="nurse", priority=2,
                    window_days=7, created_at=ctx.now())
    session.add(task)
    session.flush()
    reward.task_id = task.id
    session.add(reward)
    session.flush()
    refresh_caches(session, [referrer.id])
    ctx.audit(session, "loyalty.referral_reward", "patient", referrer.id,
              f"{rules.referral_reward} for {patient.code}")
    return reward


def is_first_paid_visit(session: Session, patient_id: int, visit_id: int) -> bool:
    """The visit charges something and no earlier visit of the patient did."""
    charged = session.execute(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.patient_id == patient_id, LedgerEntry.kind == "charge",
        LedgerEntry.visit_id.is_not(None), LedgerEntry.visit_id != visit_id)).scalar_one()
    here = session.execute(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.visit_id == visit_id, LedgerEntry.kind == "charge")).scalar_one()
    return bool(here) and not charged


def referrals_of(ctx: Context, patient_id: int) -> Referrals:
    """Who referred the patient and whom the patient referred (with the reward given)."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        patient = patient_row(session, patient_id)
        by = None
        if patient.referred_by_id is not None:
            other = session.get(Patient, patient.referred_by_id)
            if other is not None:
                by = ReferredPatient(other.id, other.code, other.name, None, None)
        rows = session.execute(
            select(Patient.id, Patient.code, Patient.name, ReferralReward.at,
                   ReferralReward.reward)
            .outerjoin(ReferralReward, ReferralReward.referred_id == Patient.id)
            .where(Patient.referred_by_id == patient_id, Patient.merged_into_id.is_(None))
            .order_by(Patient.id)).all()
        return Referrals(by, tuple(ReferredPatient(*row) for row in rows))


def referral_ranking(ctx: Context, *, limit: int = 100) -> list[ReferrerRow]:
    """Referrers ranked by the patients they referred, then by those patients' payments."""
    ctx.require(Permission.REPORTS_VIEW)
    referred = aliased(Patient)
    with ctx.transaction() as session:
        amount = fen(LedgerEntry.amount)
        paid = (select(LedgerEntry.patient_id.label("pid"),
                       (fen_sum(LedgerEntry.kind == "payment", amount)
                        - fen_sum(LedgerEntry.kind == "refund", amount)).label("paid"))
                .where(LedgerEntry.pot.is_(None) | (LedgerEntry.pot == PRINCIPAL))
                .group_by(LedgerEntry.patient_id).subquery())
        rows = session.execute(
            select(Patient.id, Patient.code, Patient.name, Patient.mobile,
                   func.count(referred.id), func.coalesce(func.sum(paid.c.paid), 0))
            .join(referred, referred.referred_by_id == Patient.id)
            .outerjoin(paid, paid.c.pid == referred.id)
            .where(referred.merged_into_id.is_(None))
            .group_by(Patient.id, Patient.code, Patient.name, Patient.mobile)
            .order_by(func.count(referred.id).desc(), func.sum(paid.c.paid).desc(), Patient.id)
            .limit(limit)).all()
        phone = phone_for(ctx)
        return [ReferrerRow(pid, code, name, phone(mobile), int(count), yuan(int(revenue or 0)))
                for pid, code, name, mobile, count, revenue in rows]
