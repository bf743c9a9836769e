"""Everything the panel's 会员 tab shows about one patient, read in one call.

It needs the billing view (every front-desk role has it): the panel shows the tab with the
billing section.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.services.billing import LedgerRecord
from clinic_desktop.services.loyalty.common import clinic_day, holder_of
from clinic_desktop.services.loyalty.coupons import CouponInfo, coupons_of
from clinic_desktop.services.loyalty.packages import PackageCardInfo, cards_of
from clinic_desktop.services.loyalty.points import PointsSummary, points_summary
from clinic_desktop.services.loyalty.referrals import Referrals, referrals_of
from clinic_desktop.services.loyalty.rules import LoyaltyRules, rules_in
from clinic_desktop.services.loyalty.stored_value import StoredValue, stored_value_of
from clinic_desktop.services.loyalty.tiers import (
    PatientTier,
    TierChangeInfo,
    tier_history,
    tier_of,
)
from clinic_desktop.storage.models.clinical import LedgerEntry


@dataclass(frozen=True)
class MemberCard:
    patient_id: int
    tier: PatientTier
    tier_history: tuple[TierChangeInfo, ...]
    referrals: Referrals
    rules: LoyaltyRules  # in force today: the gifts, the redeem rate
    points: PointsSummary
    stored_value: StoredValue
    card_entries: tuple[LedgerRecord, ...]  # the card's journal, relatives' use too
    packages: tuple[PackageCardInfo, ...]  # used up and expired ones included
    coupons: tuple[CouponInfo, ...]  # redeemed, expired and void included


def member_card(ctx: Context, patient_id: int) -> MemberCard:
    ctx.require(Permission.BILLING_VIEW)
    tier = tier_of(ctx, patient_id)
    history = tuple(tier_history(ctx, patient_id))
    referrals = referrals_of(ctx, patient_id)
    with ctx.transaction() as session:
        rules = rules_in(session, clinic_day(session, ctx.now()))
    card = stored_value_of(ctx, patient_id)
    with ctx.transaction() as session:
        holder = holder_of(session, patient_id)
        rows = session.execute(select(LedgerEntry).where(
            LedgerEntry.holder_id == holder, LedgerEntry.pot.is_not(None))
            .order_by(LedgerEntry.at.desc(), LedgerEntry.id.desc())).scalars()
        entries = tuple(LedgerRecord(e.id, e.at, e.kind, e.method, e.amount, e.visit_id,
                                     e.note, e.checkout_id, e.pot) for e in rows)
    return MemberCard(patient_id, tier, history, referrals, rules,
                      points_summary(ctx, patient_id), card, entries,
                      tuple(cards_of(ctx, patient_id, include_closed=True)),
                      tuple(coupons_of(ctx, patient_id, include_closed=True)))
