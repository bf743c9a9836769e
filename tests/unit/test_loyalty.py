"""Loyalty rules, one table per rule, on a fixed clock (tests/conftest.py FIXED_NOW)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import billing
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.care import tasks_of_patient
from clinic_desktop.services.family import link_family
from clinic_desktop.services.loyalty import (
    balances,
    coupons,
    jobs,
    packages,
    payments,
    points,
    referrals,
    rules,
    stored_value,
    tiers,
)
from clinic_desktop.services.loyalty.payments import PaymentPart, PaymentRequest
from clinic_desktop.services.patients import PatientInput, create_patient
from tests.unit.loyalty_helpers import Loyal, setup_loyalty

D = Decimal


@pytest.fixture
def c(admin_ctx: Context) -> Loyal:
    return setup_loyalty(admin_ctx)


def _visit(c: Loyal, *lines: tuple[str, str]) -> int:
    return billing.record_visit(c.ctx, c.patient, visit_date=date(2026, 11, 24), doctor_id=None,
                                lines=[TreatmentLine(c.procs[n], D(a)) for n, a in lines]).id


def _pay(c: Loyal, visit: int | None, *parts: tuple[str, str], **kw: object
         ) -> payments.PaymentOutcome:
    return payments.take_payment(c.ctx, PaymentRequest(
        c.patient, parts=tuple(PaymentPart(m, D(a)) for m, a in parts), visit_id=visit,
        **kw))  # type: ignore[arg-type]


def _clock(c: Loyal) -> FixedClock:
    assert isinstance(c.ctx.clock, FixedClock)
    return c.ctx.clock


# -- earning --------------------------------------------------------------------------------
@pytest.mark.parametrize(("lines", "tier", "expected"), [
    ((("树脂补牙", "400"),), None, 400),  # ¥1 = 1 point
    ((("正畸复诊", "200"),), None, 100),  # 正畸 earns 0.5 a yuan
    ((("树脂补牙", "400"), ("正畸复诊", "200")), None, 500),
    ((("树脂补牙", "400"),), "金卡", 600),  # ×1.5 (and 10 % off: 360 paid -> 540)
])
def test_points_earned_by_category_and_multiplier(c: Loyal, lines: tuple[tuple[str, str], ...],
                                                  tier: str | None, expected: int) -> None:
    if tier:
        tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers[tier], reason="测试")
    visit = _visit(c, *lines)
    owed = billing.get_balance(c.ctx, c.patient).owed
    quote = payments.quote_payment(c.ctx, PaymentRequest(c.patient, visit_id=visit))
    out = _pay(c, visit, ("cash", str(owed - quote.tier_discount)))
    if tier:
        assert out.tier_discount == D("40.00")
        expected = 540
    assert out.points_earned == expected
    assert points.points_summary(c.ctx, c.patient).balance == expected + 200  # birthday visit


def test_bonus_value_and_points_and_coupons_earn_nothing(c: Loyal) -> None:
    stored_value.top_up(c.ctx, c.patient, amount=D(5000), method="cash", plan_id=c.plan)
    coupon = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)
    visit = _visit(c, ("树脂补牙", "400"))
    out = _pay(c, visit, ("bonus", "100"), ("cash", "50"), points=0,
               coupon_codes=(coupon.code,))
    assert out.coupon_discount == D(50)
    assert out.points_earned == 50  # the cash only
    assert out.owed_after == D(200)


def test_birthday_points_once_a_year(c: Loyal) -> None:
    _visit(c, ("口腔检查", "50"))
    _visit(c, ("口腔检查", "50"))
    summary = points.points_summary(c.ctx, c.patient)
    assert [e.kind for e in summary.entries].count("birthday") == 1


# -- expiry ---------------------------------------------------------------------------------
def test_points_lapse_after_the_months_in_force_when_earned(c: Loyal) -> None:
    _pay(c, _visit(c, ("树脂补牙", "400")), ("cash", "400"))  # 400 + 200 birthday
    points.adjust_points(c.ctx, c.patient, points=-100, reason="兑换礼品")
    rules.save_rules(c.ctx, rules.LoyaltyRules(points_expiry_months=1),
                     effective_from=date(2026, 11, 25))  # later change: not retroactive
    clock = _clock(c)
    clock.set(clock.now() + timedelta(days=2 * 365 + 1))
    result = jobs.run_nightly(c.ctx)
    assert result.points_expired == 1
    summary = points.points_summary(c.ctx, c.patient)
    assert summary.balance == 0
    assert summary.entries[0].kind == "expire" and summary.entries[0].points == -500
    assert jobs.run_nightly(c.ctx).points_expired == 0  # nothing twice
    assert balances.check_balances(c.ctx) == []


def test_redeemable_points_leave_out_lapsed_ones_before_the_job_runs(c: Loyal) -> None:
    points.adjust_points(c.ctx, c.patient, points=1000, reason="期初")
    clock = _clock(c)
    clock.set(clock.now() + timedelta(days=800))
    visit = _visit(c, ("树脂补牙", "400"))
    with pytest.raises(UserError) as refused:
        _pay(c, visit, points=1000)
    assert refused.value.field == "points"


def test_points_buy_a_gift_from_the_list_and_no_more_than_there_are(c: Loyal) -> None:
    rules.save_rules(c.ctx, rules.LoyaltyRules(gifts=(rules.Gift("电动牙刷", 800),
                                                      rules.Gift("漱口水", 200))))
    points.adjust_points(c.ctx, c.patient, points=1000, reason="期初")
    entry = points.redeem_gift(c.ctx, c.patient, gift="电动牙刷")
    assert (entry.kind, entry.points, entry.note) == ("gift", -800, "电动牙刷")
    with pytest.raises(UserError) as short:
        points.redeem_gift(c.ctx, c.patient, gift="电动牙刷")
    assert short.value.field == "gift"
    with pytest.raises(UserError) as unknown:
        points.redeem_gift(c.ctx, c.patient, gift="金条")
    assert unknown.value.field == "gift"
    assert points.points_summary(c.ctx, c.patient).balance == 200
    assert balances.check_balances(c.ctx) == []


@pytest.mark.parametrize("gifts", [
    (rules.Gift("", 10),), (rules.Gift("杯子", 0),), (rules.Gift("杯子", 5), rules.Gift("杯子", 9)),
])
def test_a_bad_gift_list_is_refused(c: Loyal, gifts: tuple[rules.Gift, ...]) -> None:
    with pytest.raises(UserError) as refused:
        rules.save_rules(c.ctx, rules.LoyaltyRules(gifts=gifts))
    assert refused.value.field == "gifts"
    assert rules.read_rules(c.ctx).rules.gifts == ()


def test_opening_balances_are_not_recent_top_ups_nor_points_given_this_month(c: Loyal) -> None:
    from clinic_desktop.services.loyalty.common import PRINCIPAL
    from clinic_desktop.services.loyalty.points import add_lot_in
    from clinic_desktop.services.loyalty.stored_value import pot_entry

    tiers.save_tier(c.ctx, tiers.TierInput("储值会员", 4, "topup", Decimal(3000), {}))
    with c.ctx.transaction(write=True) as session:
        pot_entry(c.ctx, session, c.patient, kind="topup", amount=Decimal(5000), pot=PRINCIPAL,
                  holder_id=c.patient, checkout_id=None, note="期初储值", source="opening")
        add_lot_in(c.ctx, session, c.patient, kind="opening", points=900)
    assert tiers.tier_of(c.ctx, c.patient).topups == 0
    assert jobs.run_nightly(c.ctx).downgraded == 0
    assert tiers.tier_of(c.ctx, c.patient).tier is None
    assert all(m.earned == 0 for m in balances.points_by_month(c.ctx, since=date(2026, 1, 1)))
    stored_value.top_up(c.ctx, c.patient, amount=Decimal(3000), method="cash")  # a real one
    assert tiers.tier_of(c.ctx, c.patient).tier.name == "储值会员"  # type: ignore[union-attr]


def test_coupons_and_packages_expire_with_entries_and_warn_30_days_before(c: Loyal) -> None:
    coupon = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)
    card = packages.sell_package(c.ctx, c.patient, package_type_id=c.package)
    clock = _clock(c)
    clock.set(clock.now() + timedelta(days=340))
    result = jobs.run_nightly(c.ctx)
    assert result.coupons_expired == 1 and result.expiry_warnings == 1
    warning = [t for t in tasks_of_patient(c.ctx, c.patient) if t.kind == "package"]
    assert warning and "洁牙 10 次卡" in warning[0].title
    assert jobs.run_nightly(c.ctx).expiry_warnings == 0
    clock.set(clock.now() + timedelta(days=30))
    assert jobs.run_nightly(c.ctx).packages_expired == 1
    assert packages.cards_of(c.ctx, c.patient) == []
    assert [x.status for x in coupons.coupons_of(c.ctx, c.patient, include_closed=True)] \
        == ["expired"]
    assert coupon.code
    assert card.left == 10


# -- stored value ---------------------------------------------------------------------------
@pytest.mark.parametrize(("bonus_first", "principal_after", "bonus_after"), [
    (False, D(4400), D(500)),  # bonus spent last
    (True, D(4900), D(0)),  # bonus spent first
])
def test_bonus_order(admin_ctx: Context, bonus_first: bool, principal_after: Decimal,
                     bonus_after: Decimal) -> None:
    c = setup_loyalty(admin_ctx, tier_rules=rules.LoyaltyRules(bonus_first=bonus_first))
    stored_value.top_up(c.ctx, c.patient, amount=D(5000), method="wechat", plan_id=c.plan)
    _pay(c, _visit(c, ("根管治疗", "1500")), ("stored_value", "600"), ("cash", "900"))
    sv = stored_value.stored_value_of(c.ctx, c.patient)
    assert (sv.principal, sv.bonus) == (principal_after, bonus_after)


def test_refunds_return_principal_only(c: Loyal) -> None:
    stored_value.top_up(c.ctx, c.patient, amount=D(5000), method="wechat", plan_id=c.plan)
    _pay(c, _visit(c, ("根管治疗", "1000")), ("stored_value", "1000"))
    with pytest.raises(UserError) as refused:
        stored_value.refund_stored_value(c.ctx, c.patient, amount=D(4500), method="cash",
                                         reason="退卡")
    assert refused.value.field == "amount"
    half = stored_value.refund_stored_value(c.ctx, c.patient, amount=D(2000), method="cash",
                                            reason="部分退款")
    assert half.bonus_forfeited == D(250)  # half the principal: half the bonus
    rest = stored_value.refund_stored_value(c.ctx, c.patient, amount=D(2000), method="cash",
                                            reason="退卡")
    assert rest.after.total == 0 and rest.bonus_forfeited == D(250)
    with pytest.raises(UserError) as bonus_refund:
        billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(10), method="bonus")
    assert bonus_refund.value.field == "method"


def test_family_shares_one_card(c: Loyal) -> None:
    link_family(c.ctx, c.patient, c.friend, relation="spouse")
    stored_value.top_up(c.ctx, c.patient, amount=D(1000), method="cash")
    shared = stored_value.share_stored_value(c.ctx, c.friend, holder_id=c.patient)
    assert shared.total == D(1000) and shared.holder_id == c.patient
    visit = billing.record_visit(c.ctx, c.friend, visit_date=date(2026, 11, 24), doctor_id=None,
                                 lines=[TreatmentLine(c.procs["树脂补牙"], D(400))]).id
    payments.take_payment(c.ctx, PaymentRequest(
        c.friend, parts=(PaymentPart("stored_value", D(400)),), visit_id=visit))
    assert stored_value.stored_value_of(c.ctx, c.patient).total == D(600)
    assert billing.get_balance(c.ctx, c.friend).stored_value == D(600)


# -- bad input: refused naming the field, nothing written ------------------------------------
@pytest.mark.parametrize(("make", "field"), [
    (lambda c, v: _pay(c, v, points=999999), "points"),
    (lambda c, v: _pay(c, v, ("stored_value", "100")), "amount"),
    (lambda c, v: _pay(c, v, ("bonus", "100")), "amount"),
    (lambda c, v: _pay(c, v, ("cash", "-5")), "amount"),
    (lambda c, v: _pay(c, v, ("bitcoin", "5")), "method"),
    (lambda c, v: _pay(c, v, coupon_codes=("NOSUCH",)), "coupon"),
    (lambda c, v: stored_value.top_up(c.ctx, c.patient, amount=D(-100), method="cash"),
     "amount"),
    (lambda c, v: packages.use_package(c.ctx, packages.sell_package(
        c.ctx, c.friend, package_type_id=c.package).id, procedure_type_id=c.procs["种植牙"]),
     "procedure"),
    (lambda c, v: tiers.save_tier(c.ctx, tiers.TierInput(
        "白金", 5, "spend", D(5000), {})), "threshold"),  # between 银卡 and 金卡, ranked above
    (lambda c, v: tiers.save_tier(c.ctx, tiers.TierInput("铜卡", 0, "spend", D(3000), {})),
     "threshold"),  # the same threshold as 银卡
])
def test_bad_input_is_refused_and_writes_nothing(c: Loyal, make: object, field: str) -> None:
    visit = _visit(c, ("树脂补牙", "400"))
    before = balances.balances_of(c.ctx, c.patient), billing.ledger_of(c.ctx, c.patient)
    with pytest.raises(UserError) as refused:
        make(c, visit)  # type: ignore[operator]
    assert refused.value.field == field
    assert (balances.balances_of(c.ctx, c.patient), billing.ledger_of(c.ctx, c.patient)) == before


def test_an_expired_coupon_is_refused(c: Loyal) -> None:
    coupon = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)
    visit = _visit(c, ("树脂补牙", "400"))
    clock = _clock(c)
    clock.set(clock.now() + timedelta(days=31))
    with pytest.raises(UserError, match="过期") as refused:
        _pay(c, visit, ("cash", "350"), coupon_codes=(coupon.code,))
    assert refused.value.field == "coupon"


# -- packages -------------------------------------------------------------------------------
def test_package_use_is_consumed_with_the_visit_and_undone_with_it(c: Loyal) -> None:
    card = packages.sell_package(c.ctx, c.patient, package_type_id=c.package)
    _pay(c, None, ("wechat", "2400"))
    visit = _visit(c, ("超声洁牙", "300"), ("树脂补牙", "400"))
    assert packages.cards_of(c.ctx, c.patient)[0].left == 9
    assert billing.get_balance(c.ctx, c.patient).owed == D(400)  # the cleaning is covered
    billing.undo_visit(c.ctx, visit)
    assert packages.cards_of(c.ctx, c.patient)[0].left == 10
    assert billing.get_balance(c.ctx, c.patient).owed == 0
    assert card.id == packages.cards_of(c.ctx, c.patient)[0].id
    assert balances.check_balances(c.ctx) == []


def test_an_unused_package_sale_reverses_a_used_one_does_not(c: Loyal) -> None:
    packages.sell_package(c.ctx, c.patient, package_type_id=c.package)
    sale = payments.take_payment(c.ctx, PaymentRequest(
        c.patient, parts=(PaymentPart("cash", D(2400)),)))
    _visit(c, ("超声洁牙", "300"))
    from sqlalchemy import select

    from clinic_desktop.storage.models.loyalty import Checkout
    with c.ctx.transaction() as session:
        sold = session.execute(select(Checkout.id).order_by(Checkout.id)).scalars().first()
    assert sold is not None
    with pytest.raises(UserError) as refused:
        payments.reverse_checkout(c.ctx, sold, reason="误操作")
    assert refused.value.field == "checkout"
    assert sale.points_earned == 2400


# -- coupons --------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "lines", "value"), [
    (coupons.CouponTypeInput("满300减50b", "amount", D(50), min_spend=D(300)),
     (("树脂补牙", "400"),), D(50)),
    (coupons.CouponTypeInput("八折", "percent", percent=20), (("树脂补牙", "400"),), D(80)),
    (coupons.CouponTypeInput("八折封顶30", "percent", D(30), percent=20),
     (("树脂补牙", "400"),), D(30)),
    (coupons.CouponTypeInput("洁牙券", "percent", percent=50, categories=("洁牙",)),
     (("超声洁牙", "300"), ("树脂补牙", "400")), D(150)),
])
def test_coupon_values(c: Loyal, kind: coupons.CouponTypeInput, lines: tuple[tuple[str, str]],
                       value: Decimal) -> None:
    made = coupons.save_coupon_type(c.ctx, kind)
    coupon = coupons.issue_coupon(c.ctx, c.friend, coupon_type_id=made.id)
    visit = billing.record_visit(c.ctx, c.friend, visit_date=date(2026, 11, 24), doctor_id=None,
                                 lines=[TreatmentLine(c.procs[n], D(a)) for n, a in lines]).id
    quote = payments.quote_payment(c.ctx, PaymentRequest(
        c.friend, coupon_codes=(coupon.code,), visit_id=visit))
    assert quote.coupon_discount == value


@pytest.mark.parametrize(("kind", "lines"), [
    (coupons.CouponTypeInput("满1000减100", "amount", D(100), min_spend=D(1000)),
     (("树脂补牙", "400"),)),
    (coupons.CouponTypeInput("视光券", "amount", D(20), categories=("视光",)),
     (("树脂补牙", "400"),)),
    (coupons.CouponTypeInput("免费检查", "procedure", procedure_type_id=1),
     (("树脂补牙", "400"),)),
])
def test_coupon_conditions_refuse(c: Loyal, kind: coupons.CouponTypeInput,
                                  lines: tuple[tuple[str, str]]) -> None:
    made = coupons.save_coupon_type(c.ctx, kind)
    coupon = coupons.issue_coupon(c.ctx, c.friend, coupon_type_id=made.id)
    visit = billing.record_visit(c.ctx, c.friend, visit_date=date(2026, 11, 24), doctor_id=None,
                                 lines=[TreatmentLine(c.procs[n], D(a)) for n, a in lines]).id
    with pytest.raises(UserError) as refused:
        payments.quote_payment(c.ctx, PaymentRequest(c.friend, coupon_codes=(coupon.code,),
                                                     visit_id=visit))
    assert refused.value.field == "coupon"


def test_one_coupon_per_charge_unless_stackable_and_reversal_gives_it_back(c: Loyal) -> None:
    one = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)
    two = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)
    visit = _visit(c, ("根管治疗", "1500"))
    with pytest.raises(UserError, match="只能使用一张"):
        _pay(c, visit, ("cash", "1400"), coupon_codes=(one.code, two.code))
    out = _pay(c, visit, ("cash", "1450"), coupon_codes=(one.code,))
    assert out.owed_after == 0
    assert out.checkout_id is not None
    payments.reverse_checkout(c.ctx, out.checkout_id, reason="收错了")
    statuses = {x.code: x.status for x in coupons.coupons_of(c.ctx, c.patient)}
    assert statuses[one.code] == "issued"
    assert billing.get_balance(c.ctx, c.patient).owed == D(1500)
    assert balances.check_balances(c.ctx) == []


# -- referrals ------------------------------------------------------------------------------
def test_referral_reward_once_with_a_thank_you_task(c: Loyal) -> None:
    new = create_patient(c.ctx, PatientInput(name="王五", mobile="13700137000",
                                             referred_by_id=c.friend)).patient.id
    billing.record_visit(c.ctx, new, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[TreatmentLine(c.procs["口腔检查"], D(50))])
    billing.record_visit(c.ctx, new, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[TreatmentLine(c.procs["树脂补牙"], D(400))])
    assert points.points_summary(c.ctx, c.friend).balance == 500
    tasks = [t for t in tasks_of_patient(c.ctx, c.friend) if t.source == "referral"]
    assert len(tasks) == 1 and "王五" in tasks[0].title
    mine = referrals.referrals_of(c.ctx, c.friend)
    assert [r.name for r in mine.referred] == ["王五"] and mine.referred[0].reward == "points"
    assert referrals.referral_ranking(c.ctx)[0].name == "李四"


def test_a_free_first_visit_is_not_the_paid_one(c: Loyal) -> None:
    new = create_patient(c.ctx, PatientInput(name="王五", referred_by_id=c.friend)).patient.id
    billing.record_visit(c.ctx, new, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[TreatmentLine(c.procs["种植复查"], D(0))])
    assert points.points_summary(c.ctx, c.friend).balance == 0


# -- tiers across a year --------------------------------------------------------------------
def test_tier_up_on_payment_and_down_after_window_and_grace(c: Loyal) -> None:
    clock = _clock(c)
    # Another member whose latest tier differs: the cached names must stay each patient's own.
    tiers.override_tier(c.ctx, c.friend, tier_id=c.tiers["钻石"], reason="股东")
    _pay(c, _visit(c, ("根管治疗", "1500")), ("cash", "1500"))
    assert tiers.tier_of(c.ctx, c.patient).tier is None
    out = _pay(c, _visit(c, ("根管治疗", "1500"), ("树脂补牙", "400")), ("cash", "1900"))
    assert out.new_tier == "银卡"
    assert balances.balances_of(c.ctx, c.patient).tier is not None
    for days, expected in ((200, "银卡"), (365, "银卡"), (365 + 29, "银卡"),
                           (365 + 32, None)):
        clock.set(clock.now().replace(year=2026, month=11, day=24) + timedelta(days=days))
        jobs.run_nightly(c.ctx)
        tier = tiers.tier_of(c.ctx, c.patient).tier
        assert (tier.name if tier else None) == expected, days
    history = tiers.tier_history(c.ctx, c.patient)
    assert [h.cause for h in history] == ["downgrade", "upgrade"]
    assert balances.check_balances(c.ctx) == []


def test_a_manual_tier_is_kept_until_its_day(c: Loyal) -> None:
    clock = _clock(c)
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["金卡"], reason="院长亲友",
                        held_until=date(2027, 3, 1))
    clock.set(clock.now() + timedelta(days=60))
    assert jobs.run_nightly(c.ctx).downgraded == 0
    clock.set(clock.now() + timedelta(days=60))
    assert jobs.run_nightly(c.ctx).downgraded == 1
    with pytest.raises(UserError) as refused:
        tiers.override_tier(c.ctx, c.patient, tier_id=None, reason=" ")
    assert refused.value.field == "reason"


def test_nightly_runs_once_a_day(c: Loyal) -> None:
    coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type)
    clock = _clock(c)
    clock.set(clock.now() + timedelta(days=40))
    assert jobs.nightly(c.ctx) == 1
    assert jobs.nightly(c.ctx) == 0


def test_rules_take_effect_from_their_day_and_never_the_past(c: Loyal) -> None:
    with pytest.raises(UserError) as refused:
        rules.save_rules(c.ctx, rules.LoyaltyRules(), effective_from=date(2026, 1, 1))
    assert refused.value.field == "effective_from"
    rules.save_rules(c.ctx, rules.LoyaltyRules(points_per_yuan={"*": D(2)}),
                     effective_from=date(2026, 12, 1))
    assert rules.read_rules(c.ctx).rules.rate_for(None) == D(1)
    _clock(c).set(_clock(c).now() + timedelta(days=10))
    assert rules.read_rules(c.ctx).rules.rate_for(None) == D(2)
