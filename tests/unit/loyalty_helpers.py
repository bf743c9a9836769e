"""A small clinic for the loyalty tests: tiers, a plan, a package, a coupon type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clinic_desktop.context import Context
from clinic_desktop.services import catalogue
from clinic_desktop.services.loyalty import coupons, packages, rules, stored_value, tiers
from clinic_desktop.services.patients import PatientInput, create_patient


@dataclass
class Loyal:
    ctx: Context
    patient: int
    friend: int
    procs: dict[str, int]
    tiers: dict[str, int]
    plan: int
    package: int
    coupon_type: int


def setup_loyalty(ctx: Context, *, tier_rules: rules.LoyaltyRules | None = None) -> Loyal:
    procs = {p.name: p.id for p in catalogue.list_procedures(ctx)}
    made = {}
    for rank, (name, threshold, discount, mult) in enumerate((
            ("银卡", "3000", "5", 100), ("金卡", "10000", "10", 150),
            ("钻石", "30000", "15", 200)), start=1):
        made[name] = tiers.save_tier(ctx, tiers.TierInput(
            name=name, rank=rank, threshold_kind="spend", threshold=Decimal(threshold),
            discounts={"*": Decimal(discount), "种植": Decimal(0)}, multiplier_percent=mult)).id
    rules.save_rules(ctx, tier_rules or rules.LoyaltyRules(
        points_per_yuan={"*": Decimal(1), "正畸": Decimal("0.5")}, birthday_points=200))
    plan = stored_value.save_topup_plan(ctx, plan_id=None, name="充5000送500",
                                        amount=Decimal(5000), bonus=Decimal(500)).id
    package = packages.save_package_type(
        ctx, type_id=None, name="洁牙 10 次卡", price=Decimal(2400), uses=10, valid_days=365,
        procedure_ids=[procs["超声洁牙"]]).id
    coupon_type = coupons.save_coupon_type(ctx, coupons.CouponTypeInput(
        name="满300减50", kind="amount", amount=Decimal(50), min_spend=Decimal(300),
        valid_days=30)).id
    patient = create_patient(ctx, PatientInput(name="张三", mobile="13800138000",
                                               birth_date=date(1980, 11, 24))).patient.id
    friend = create_patient(ctx, PatientInput(name="李四", mobile="13900139000")).patient.id
    return Loyal(ctx, patient, friend, procs, made, plan, package, coupon_type)
