"""Demo loyalty: tiers, rules, top-up plans, packages and coupons set up through the services;
members in each tier, points, stored value with bonus, package cards in use, coupons and
referral chains written in bulk from the demo's own ledger (the rows the services would
write), then the patients' cached display refreshed from the journals."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update

from clinic_desktop.context import Context
from clinic_desktop.services.loyalty import coupons, packages, rules, stored_value, tiers
from clinic_desktop.services.loyalty.common import clinic_day
from clinic_desktop.services.loyalty.tiers import add_months, qualified_tier
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Visit
from clinic_desktop.storage.models.loyalty import (
    Coupon,
    LoyaltyTier,
    PackageCard,
    PackageUse,
    PointsEntry,
    ReferralReward,
    TierChange,
)
from clinic_desktop.storage.models.patient import Patient

D = Decimal
TIERS = (("普通会员", "1", "0", 100, "#90A4AE"), ("银卡", "3000", "3", 120, "#B0BEC5"),
         ("金卡", "10000", "5", 150, "#FFB300"), ("钻石卡", "30000", "8", 200, "#7E57C2"))


def seed_loyalty(ctx: Context, rng: random.Random) -> None:
    made = [tiers.save_tier(ctx, tiers.TierInput(
        name, rank, "spend", D(threshold), {"*": D(discount), "种植": D(0)},
        multiplier_percent=mult, colour=colour)) for rank, (name, threshold, discount, mult,
                                                            colour) in enumerate(TIERS, 1)]
    rules.save_rules(ctx, rules.LoyaltyRules(
        points_per_yuan={"*": D(1), "正畸": D("0.5")}, birthday_points=200,
        referral_reward="points", referral_points=500,
        gifts=(rules.Gift("定制牙刷礼盒", 800), rules.Gift("漱口水（500 ml）", 1500),
               rules.Gift("电动牙刷", 6000))))
    plans = [stored_value.save_topup_plan(ctx, plan_id=None, name=name, amount=D(a),
                                          bonus=D(b))
             for name, a, b in (("充2000送100", 2000, 100), ("充5000送500", 5000, 500),
                                ("充10000送1200", 10000, 1200))]
    procs = {p.name: p.id for p in _procedures(ctx)}
    kinds = [packages.save_package_type(ctx, type_id=None, name=name, price=D(price),
                                        uses=uses, valid_days=days, procedure_ids=[procs[p]])
             for name, price, uses, days, p in (
                 ("洁牙 10 次卡", 2400, 10, 730, "超声洁牙"),
                 ("塑形镜年度复查卡", 600, 4, 365, "验光配镜"),
                 ("正畸复诊 12 次卡", 2000, 12, 730, "正畸复诊"))]
    coupon_types = [coupons.save_coupon_type(ctx, c) for c in (
        coupons.CouponTypeInput("满300减50", "amount", D(50), min_spend=D(300), valid_days=60),
        coupons.CouponTypeInput("洁牙八折", "percent", percent=20, categories=("洁牙",),
                                valid_days=90),
        coupons.CouponTypeInput("免费口腔检查", "procedure", procedure_type_id=procs["口腔检查"],
                                valid_days=30))]
    with ctx.transaction(write=True) as session:
        now = ctx.now()
        today = clinic_day(session, now)
        staff = ctx.actor.staff_id
        patients = [pid for pid, in session.execute(select(Patient.id).order_by(Patient.id))]
        if not patients:
            return
        # Tiers from the last year's payments (as the payments would have raised them).
        since = now - timedelta(days=365)
        spend = dict(session.execute(
            select(LedgerEntry.patient_id, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.kind == "payment", LedgerEntry.at >= since)
            .group_by(LedgerEntry.patient_id)).all())
        infos = tiers.tiers_in(session)
        changes: list[dict[str, Any]] = []
        tier_of: dict[int, tiers.TierInfo] = {}
        for pid, amount in spend.items():
            reached = qualified_tier(infos, D(amount), D(0))
            if reached is not None:
                tier_of[pid] = reached
                changes.append({"patient_id": pid, "tier_id": reached.id,
                                "at": now - timedelta(days=rng.randrange(1, 300)),
                                "cause": "upgrade", "manual": False, "reason": "演示数据",
                                "created_by": staff})
        # A few of each tier at least, given by hand (with a reason), so every chip shows.
        for tier in made:
            for pid in rng.sample(patients, k=min(3, len(patients))):
                changes.append({"patient_id": pid, "tier_id": tier.id, "at": now,
                                "cause": "manual", "manual": True, "reason": "演示：老客户",
                                "created_by": staff})
                tier_of[pid] = tier
        session.execute(insert(TierChange).execution_options(render_nulls=True), changes)
        # Points: one lot per payment in the last two years, some redeemed.
        payments = session.execute(
            select(LedgerEntry.id, LedgerEntry.patient_id, LedgerEntry.at, LedgerEntry.amount,
                   LedgerEntry.visit_id)
            .where(LedgerEntry.kind == "payment", LedgerEntry.at >= now - timedelta(days=700))
        ).all()
        lots: list[dict[str, Any]] = []
        for entry_id, pid, at, amount, visit_id in payments:
            held = tier_of.get(pid)
            points = int(amount * (held.multiplier_percent if held else 100) / 100)
            if points > 0:
                lots.append({"patient_id": pid, "at": at, "kind": "earn", "points": points,
                             "lot": True, "expires_on": add_months(at.date(), 24),
                             "ledger_entry_id": entry_id, "visit_id": visit_id,
                             "rule": "演示", "note": "", "created_by": staff})
        for lot in lots[::7]:
            lots.append({"patient_id": lot["patient_id"], "at": now - timedelta(days=3),
                         "kind": "redeem", "points": -(lot["points"] // 2), "lot": False,
                         "expires_on": None, "ledger_entry_id": None, "visit_id": None,
                         "rule": "", "note": "演示：积分抵扣", "created_by": staff})
        # Stored value: plan bonus on about a third of the demo's top-ups.
        topups = session.execute(select(LedgerEntry.patient_id, LedgerEntry.amount).where(
            LedgerEntry.kind == "topup")).all()
        ledger: list[dict[str, Any]] = []
        for pid, amount in topups[::3]:
            plan = max((p for p in plans if p.amount <= amount), key=lambda p: p.amount,
                       default=None)
            if plan is not None:
                ledger.append({"patient_id": pid, "at": now - timedelta(days=30),
                               "kind": "topup", "method": None, "amount": plan.bonus,
                               "visit_id": None, "note": f"{plan.name} 赠送", "pot": "bonus",
                               "holder_id": pid, "source": "plan", "source_id": plan.id,
                               "created_by": staff})
        # Package cards in use: sold (charged and paid) some months ago, a few uses consumed.
        cards: list[dict[str, Any]] = []
        uses: list[dict[str, Any]] = []
        next_card = (session.execute(select(func.max(PackageCard.id))).scalar_one() or 0) + 1
        for pid in rng.sample(patients, k=max(1, len(patients) // 25)):
            kind = rng.choice(kinds)
            sold = now - timedelta(days=rng.randrange(20, 300))
            sold_day = sold.date()
            expires = sold_day + timedelta(days=kind.valid_days)
            if rng.random() < 0.1:
                expires = today + timedelta(days=rng.randrange(3, 28))  # expiring soon
            cards.append({"id": next_card, "patient_id": pid, "package_type_id": kind.id,
                          "name": kind.name, "procedure_ids": ",".join(
                              str(x) for x in kind.procedure_ids), "price": kind.price,
                          "sold_at": sold, "expires_on": expires, "created_by": staff})
            for entry_kind in ("charge", "payment"):
                ledger.append({"patient_id": pid, "at": sold, "kind": entry_kind,
                               "method": "wechat" if entry_kind == "payment" else None,
                               "amount": kind.price, "visit_id": None,
                               "note": f"购买套餐：{kind.name}", "pot": None, "holder_id": None,
                               "source": "package_sale" if entry_kind == "charge" else None,
                               "source_id": next_card, "created_by": staff})
            uses.append({"card_id": next_card, "patient_id": pid, "at": sold, "kind": "sold",
                         "uses": kind.uses, "note": "", "created_by": staff})
            for n in range(rng.randrange(0, kind.uses)):
                uses.append({"card_id": next_card, "patient_id": pid,
                             "at": sold + timedelta(days=30 * (n + 1)), "kind": "use",
                             "uses": -1, "note": "演示", "created_by": staff})
            next_card += 1
        # Coupons: issued (some about to expire) and a few already expired.
        issued: list[dict[str, Any]] = []
        for n, pid in enumerate(rng.sample(patients, k=max(1, len(patients) // 20))):
            kind_info = rng.choice(coupon_types)
            expired = n % 6 == 0
            issued.append({"code": f"DEMO{n:05d}", "coupon_type_id": kind_info.id,
                           "patient_id": pid, "issued_at": now - timedelta(days=20),
                           "expires_on": today - timedelta(days=2) if expired
                           else today + timedelta(days=rng.randrange(5, 60)),
                           "status": "expired" if expired else "issued",
                           "source": rng.choice(("manual", "birthday", "winback")),
                           "closed_reason": "过期" if expired else "", "created_by": staff})
        # Referral chains: patients who came by 转介绍 were brought by an earlier patient,
        # who got 500 points when their first visit was paid.
        referred = session.execute(select(Patient.id).where(Patient.source == "转介绍")
                                   .order_by(Patient.id)).scalars().all()
        visited = dict(session.execute(select(Visit.patient_id, func.min(Visit.id))
                                       .group_by(Visit.patient_id)).all())
        chain_of: dict[int, int] = {}
        rewards: list[dict[str, Any]] = []
        for pid in referred:
            earlier = [p for p in patients if p < pid]
            if not earlier:
                continue
            # Prefer someone who was referred too: chains of two or three.
            chained = [p for p in chain_of if p < pid]
            referrer = rng.choice(chained) if chained and rng.random() < 0.4 \
                else rng.choice(earlier)
            chain_of[pid] = referrer
            if pid in visited:
                lots.append({"patient_id": referrer, "at": now - timedelta(days=10),
                             "kind": "referral", "points": 500, "lot": True,
                             "expires_on": add_months(today, 24), "ledger_entry_id": None,
                             "visit_id": visited[pid], "rule": f"referral:{pid}",
                             "note": "演示：介绍新患者", "created_by": staff})
                rewards.append({"referrer_id": referrer, "referred_id": pid,
                                "visit_id": visited[pid], "at": now - timedelta(days=10),
                                "reward": "points"})
        for pid, referrer in chain_of.items():
            session.execute(update(Patient).where(Patient.id == pid)
                            .values(referred_by_id=referrer),
                            execution_options={"synchronize_session": False})
        for model, rows in ((PointsEntry, lots), (LedgerEntry, ledger),
                            (PackageCard, cards), (PackageUse, uses), (Coupon, issued),
                            (ReferralReward, rewards)):
            if rows:
                session.execute(insert(model).execution_options(render_nulls=True), rows)
        _refresh_all(session)
        ctx.audit(session, "demo.loyalty", "patient", None,
                  f"{len(changes)} tiers, {len(lots)} points, {len(cards)} cards")


def _procedures(ctx: Context) -> list[ProcedureType]:
    with ctx.transaction() as session:
        rows = list(session.execute(select(ProcedureType)).scalars())
        session.expunge_all()
        return rows


def _refresh_all(session: Any) -> None:
    """Every patient's cached tier name and points from the journals, set-based."""
    p = PointsEntry
    latest = (select(TierChange.tier_id).where(TierChange.patient_id == Patient.id)
              .order_by(TierChange.id.desc()).limit(1).correlate(Patient).scalar_subquery())
    session.execute(update(Patient).values(
        member_points=select(func.coalesce(func.sum(p.points), 0))
        .where(p.patient_id == Patient.id).scalar_subquery(),
        member_tier=select(LoyaltyTier.name).where(LoyaltyTier.id == latest).scalar_subquery()),
        execution_options={"synchronize_session": False})

