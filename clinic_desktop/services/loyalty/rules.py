"""The clinic's loyalty rules: clinic settings edited by a manager, audited, and effective from
the day they change. Each change is kept as a version with its first day; an operation reads
the version in force on its own day, so a change never rewrites what was earned before."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.loyalty.common import clinic_day

SETTING = "loyalty.rules"
REWARDS = ("none", "points", "coupon", "stored_value")
ANY = "*"  # the category every other category falls back to
MAX_GIFTS = 50


@dataclass(frozen=True)
class Gift:
    """A gift points can be exchanged for (积分兑换礼品): an electric toothbrush for 3,000."""

    name: str
    points: int


@dataclass(frozen=True)
class LoyaltyRules:
    # points per yuan paid, by procedure category ("*": every other category)
    points_per_yuan: dict[str, Decimal] = field(default_factory=lambda: {ANY: Decimal(1)})
    redeem_points_per_yuan: int = 100  # 100 points take ¥1 off
    points_expiry_months: int = 24  # 0: points never expire
    bonus_first: bool = False  # bonus value spent before the principal (else after it)
    tier_window_months: int = 12
    downgrade_grace_days: int = 30
    birthday_points: int = 0  # on a visit on the patient's birthday (once a year)
    referral_reward: str = "points"  # none, points, coupon, stored_value
    referral_points: int = 500
    referral_coupon_type_id: int | None = None
    referral_value: Decimal = Decimal("100.00")
    package_warn_days: int = 30
    gifts: tuple[Gift, ...] = ()
    # Coupons issued by rule with the day's care tasks: on the birthday greeting, and with
    # the win-back call to a dormant patient (None: no coupon).
    birthday_coupon_type_id: int | None = None
    winback_coupon_type_id: int | None = None

    def gift(self, name: str) -> Gift | None:
        return next((g for g in self.gifts if g.name == name), None)

    def rate_for(self, category: str | None) -> Decimal:
        return self.points_per_yuan.get(category or ANY, self.points_per_yuan.get(ANY,
                                                                                   Decimal(0)))


@dataclass(frozen=True)
class RulesVersion:
    effective_from: date
    rules: LoyaltyRules


def _to_json(rules: LoyaltyRules) -> dict[str, Any]:
    data = dataclasses.asdict(rules)
    data["points_per_yuan"] = {k: str(v) for k, v in rules.points_per_yuan.items()}
    data["referral_value"] = str(rules.referral_value)
    data["gifts"] = [{"name": g.name, "points": g.points} for g in rules.gifts]
    return data


def _from_json(data: dict[str, Any]) -> LoyaltyRules:
    known = {f.name for f in dataclasses.fields(LoyaltyRules)}
    values = {k: v for k, v in data.items() if k in known}
    if "points_per_yuan" in values:
        values["points_per_yuan"] = {k: Decimal(v) for k, v in values["points_per_yuan"].items()}
    if "referral_value" in values:
        values["referral_value"] = Decimal(values["referral_value"])
    if "gifts" in values:
        values["gifts"] = tuple(Gift(str(g["name"]), int(g["points"])) for g in values["gifts"])
    return LoyaltyRules(**values)


def versions_in(session: Session) -> list[RulesVersion]:
    stored = read_setting(session, SETTING, [])
    return [RulesVersion(date.fromisoformat(v["from"]), _from_json(v["rules"])) for v in stored]


def rules_in(session: Session, day: date) -> LoyaltyRules:
    """The rules in force on ``day`` (the defaults before any change)."""
    found = LoyaltyRules()
    for version in versions_in(session):
        if version.effective_from <= day:
            found = version.rules
    return found


def validate_rules(rules: LoyaltyRules) -> LoyaltyRules:
    try:
        rates = {(k.strip() or ANY): Decimal(v) for k, v in rules.points_per_yuan.items()}
    except (InvalidOperation, TypeError) as exc:
        raise UserError(_("积分比例必须是数字。"), field="points_per_yuan") from exc
    if any(v < 0 or v > 100 for v in rates.values()):
        raise UserError(_("每元积分应在 0 到 100 之间。"), field="points_per_yuan")
    rates.setdefault(ANY, Decimal(0))
    checks = (
        (rules.redeem_points_per_yuan < 1, "redeem_points_per_yuan",
         _("抵扣比例至少为 1 积分 = 1 元。")),
        (not 0 <= rules.points_expiry_months <= 120, "points_expiry_months",
         _("积分有效期应在 0 到 120 个月之间（0 表示永不过期）。")),
        (not 1 <= rules.tier_window_months <= 60, "tier_window_months",
         _("等级统计周期应在 1 到 60 个月之间。")),
        (not 0 <= rules.downgrade_grace_days <= 365, "downgrade_grace_days",
         _("降级宽限期应在 0 到 365 天之间。")),
        (rules.birthday_points < 0, "birthday_points", _("生日积分不能为负数。")),
        (rules.referral_reward not in REWARDS, "referral_reward", _("转介绍奖励方式无效。")),
        (rules.referral_points < 0, "referral_points", _("转介绍积分不能为负数。")),
        (rules.referral_value < 0, "referral_value", _("转介绍储值奖励不能为负数。")),
        (rules.referral_reward == "coupon" and rules.referral_coupon_type_id is None,
         "referral_coupon_type_id", _("请选择转介绍奖励的优惠券类型。")),
        (not 0 <= rules.package_warn_days <= 365, "package_warn_days",
         _("套餐到期提醒天数应在 0 到 365 之间。")),
    )
    for failed, name, message in checks:
        if failed:
            raise UserError(message, field=name)
    gifts = _valid_gifts(rules.gifts)
    return dataclasses.replace(rules, points_per_yuan=rates, gifts=gifts,
                               referral_value=rules.referral_value.quantize(Decimal("0.01")))


def _valid_gifts(gifts: tuple[Gift, ...]) -> tuple[Gift, ...]:
    if len(gifts) > MAX_GIFTS:
        raise UserError(_("礼品最多 {count} 种。", count=MAX_GIFTS), field="gifts")
    seen: set[str] = set()
    kept: list[Gift] = []
    for row, gift in enumerate(gifts, start=1):
        name = gift.name.strip()
        if not name or len(name) > 64:
            raise UserError(_("第 {row} 个礼品：请填写名称（最多 64 个字）。", row=row),
                            field="gifts")
        if name in seen:
            raise UserError(_("礼品“{name}”重复。", name=name), field="gifts")
        if not 0 < gift.points <= 10_000_000:
            raise UserError(_("礼品“{name}”：所需积分应大于 0。", name=name), field="gifts")
        seen.add(name)
        kept.append(Gift(name, gift.points))
    return tuple(kept)


def read_rules(ctx: Context) -> RulesVersion:
    """The rules in force today, with the day they took effect (every role: the payment
    dialog shows the rates)."""
    with ctx.transaction() as session:
        today = clinic_day(session, ctx.now())
        current = RulesVersion(date.min, LoyaltyRules())
        for version in versions_in(session):
            if version.effective_from <= today:
                current = version
        return current


def rules_history(ctx: Context) -> list[RulesVersion]:
    ctx.require(Permission.LOYALTY_MANAGE)
    with ctx.transaction() as session:
        return versions_in(session)


def save_rules(ctx: Context, rules: LoyaltyRules, *, effective_from: date | None = None
               ) -> RulesVersion:
    """A new version from ``effective_from`` (default today; never a past day). A second
    change on the same day replaces that day's version."""
    ctx.require(Permission.LOYALTY_MANAGE)
    rules = validate_rules(rules)
    with ctx.transaction(write=True) as session:
        today = clinic_day(session, ctx.now())
        start = effective_from or today
        if start < today:
            raise UserError(_("规则只能从今天或以后生效，不能改写过去。"), field="effective_from")
        kept = [v for v in versions_in(session) if v.effective_from < start]
        kept.append(RulesVersion(start, rules))
        write_setting(session, SETTING, [{"from": v.effective_from.isoformat(),
                                          "rules": _to_json(v.rules)} for v in kept])
        ctx.audit(session, "loyalty.rules", "setting", SETTING,
                  f"from {start}: {_to_json(rules)}")
        return RulesVersion(start, rules)
