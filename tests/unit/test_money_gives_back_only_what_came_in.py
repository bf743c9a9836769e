"""Money that comes in is counted once and goes back no more than it came: an overpayment
stored on the card, refunds (money and onto the card), a refund's points, discounts for a
patient in credit, a visit undone under a checkout's discounts, coupons worth nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import billing
from clinic_desktop.services.family import link_family
from clinic_desktop.services.loyalty import coupons, packages, payments, points, stored_value, tiers
from clinic_desktop.services.loyalty.payments import PaymentRequest
from tests.unit.loyalty_helpers import Loyal, setup_loyalty
from tests.unit.test_loyalty import _pay, _visit

D = Decimal


@pytest.fixture
def c(admin_ctx: Context) -> Loyal:
    return setup_loyalty(admin_ctx)


def _ledger(c: Loyal) -> list[tuple[str, str | None, Decimal, str | None]]:
    return sorted((e.kind, e.method, e.amount, e.pot)
                  for e in billing.ledger_of(c.ctx, c.patient))


# -- an overpayment kept on the card ----------------------------------------------------------
def test_the_excess_stored_on_the_card_is_not_also_paid(c: Loyal) -> None:
    visit = _visit(c, ("树脂补牙", "400"))
    out = _pay(c, visit, ("cash", "1000"), excess="stored_value")
    assert (out.paid, out.stored_value_after, out.points_earned) == (D(400), D(600), 400)
    assert _ledger(c) == [("charge", None, D(400), None), ("payment", "cash", D(400), None),
                          ("topup", "cash", D(600), "principal")]
    balance = billing.get_balance(c.ctx, c.patient)
    assert (balance.owed, balance.credit, balance.stored_value) == (D(0), D(0), D(600))
    assert tiers.tier_of(c.ctx, c.patient).spend == D(400)


def test_the_excess_comes_from_the_last_money_handed_over(c: Loyal) -> None:
    visit = _visit(c, ("树脂补牙", "400"))
    _pay(c, visit, ("cash", "500"), ("wechat", "500"), excess="stored_value")
    assert _ledger(c) == [("charge", None, D(400), None), ("payment", "cash", D(400), None),
                          ("topup", "cash", D(100), "principal"),
                          ("topup", "wechat", D(500), "principal")]


# -- refunds ------------------------------------------------------------------------------------
def test_a_money_refund_is_capped_at_the_money_received(c: Loyal) -> None:
    with pytest.raises(UserError) as refused:
        billing.add_entry(c.ctx, c.friend, kind="refund", amount=D(3000), method="cash")
    assert refused.value.field == "amount" and "¥0.00" in str(refused.value)
    visit = _visit(c, ("树脂补牙", "400"))
    _pay(c, visit, ("wechat", "400"))
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(300), method="wechat")
    with pytest.raises(UserError, match="¥100.00"):
        billing.add_entry(c.ctx, c.patient, kind="refund", amount=D("100.01"), method="cash")
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(100), method="cash")


def test_card_money_goes_back_to_the_card_not_out_as_cash(c: Loyal) -> None:
    with pytest.raises(UserError):  # paid nothing from the card yet
        billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(1), method="stored_value")
    visit = _visit(c, ("树脂补牙", "400"))
    stored_value.top_up(c.ctx, c.patient, amount=D(5000), method="cash", plan_id=c.plan)
    _pay(c, visit, ("stored_value", "400"))  # principal first (bonus last by default)
    with pytest.raises(UserError, match="储值卡"):
        billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(400), method="cash")


def test_a_refund_of_bonus_money_goes_back_as_bonus(c: Loyal) -> None:
    stored_value.top_up(c.ctx, c.patient, amount=D(5000), method="cash", plan_id=c.plan)
    visit = _visit(c, ("树脂补牙", "400"))
    _pay(c, visit, ("bonus", "400"))
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(400), method="stored_value",
                      visit_id=visit, note="治疗取消，退回卡上")
    card = stored_value.stored_value_of(c.ctx, c.patient)
    assert (card.principal, card.bonus) == (D(5000), D(500))
    paid_back = stored_value.refund_stored_value(c.ctx, c.patient, amount=card.principal,
                                                 method="cash", reason="退卡")
    assert paid_back.paid_back == D(5000)  # what was paid in, never the bonus
    with pytest.raises(UserError, match="¥0.00"):
        billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(1), method="stored_value")


def test_a_refund_onto_the_card_fills_principal_then_bonus(c: Loyal) -> None:
    stored_value.top_up(c.ctx, c.patient, amount=D(5000), method="cash", plan_id=c.plan)
    visit = _visit(c, ("树脂补牙", "5200"))
    _pay(c, visit, ("stored_value", "5200"))  # 5,000 principal, 200 bonus
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(5100), method="stored_value")
    card = stored_value.stored_value_of(c.ctx, c.patient)
    assert (card.principal, card.bonus) == (D(5000), D(400))


def test_a_refund_takes_back_the_points_its_money_earned(c: Loyal) -> None:
    first = _visit(c, ("树脂补牙", "400"))
    _pay(c, first, ("cash", "400"))  # 400 points
    ortho = _visit(c, ("正畸复诊", "200"))
    assert _pay(c, ortho, ("cash", "200")).points_earned == 100  # 0.5 a yuan
    before = points.points_summary(c.ctx, c.patient).balance
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(100), method="cash",
                      visit_id=ortho)
    assert points.points_summary(c.ctx, c.patient).balance == before - 50
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(100), method="cash",
                      visit_id=ortho)
    assert points.points_summary(c.ctx, c.patient).balance == before - 100  # 补牙's stay


def test_a_refund_of_bonus_money_takes_back_no_points(c: Loyal) -> None:
    earlier = _visit(c, ("树脂补牙", "400"))
    _pay(c, earlier, ("cash", "400"))  # points the refund must leave alone
    stored_value.top_up(c.ctx, c.patient, amount=D(5000), method="cash", plan_id=c.plan)
    visit = _visit(c, ("树脂补牙", "400"))
    _pay(c, visit, ("bonus", "400"))
    before = points.points_summary(c.ctx, c.patient).balance
    assert before >= 400
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(400), method="stored_value",
                      visit_id=visit)
    assert points.points_summary(c.ctx, c.patient).balance == before


# -- discounts ----------------------------------------------------------------------------------
def test_a_member_in_credit_keeps_the_discount_and_the_coupon(c: Loyal) -> None:
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["金卡"], reason="老会员")
    billing.add_entry(c.ctx, c.patient, kind="payment", amount=D(1000), method="cash",
                      excess="credit")
    visit = _visit(c, ("树脂补牙", "400"))
    code = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type).code
    out = payments.take_payment(c.ctx, PaymentRequest(c.patient, visit_id=visit,
                                                      coupon_codes=(code,)))
    assert (out.tier_discount, out.coupon_discount, out.credit_after) == (D(40), D(50), D(690))
    assert billing.get_balance(c.ctx, c.patient).credit == D(690)


def test_a_settled_visit_gives_no_discount_and_keeps_the_coupon(c: Loyal) -> None:
    visit = _visit(c, ("树脂补牙", "400"))
    _pay(c, visit, ("cash", "400"))
    code = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type).code
    with pytest.raises(UserError, match="¥0") as refused:
        payments.take_payment(c.ctx, PaymentRequest(c.patient, visit_id=visit,
                                                    coupon_codes=(code,)))
    assert refused.value.field == "coupon"
    assert [x.status for x in coupons.coupons_of(c.ctx, c.patient)] == ["issued"]
    assert billing.get_balance(c.ctx, c.patient).credit == D(0)


def test_discounts_round_half_up_to_the_fen(c: Loyal) -> None:
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["银卡"], reason="老会员")  # 5 %
    visit = _visit(c, ("树脂补牙", "10.50"))
    quote = payments.quote_payment(c.ctx, PaymentRequest(c.patient, visit_id=visit))
    assert quote.tier_discount == D("0.53")


def test_undoing_a_visit_under_a_checkouts_discounts_asks_for_the_reversal_first(
        c: Loyal) -> None:
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["金卡"], reason="老会员")
    visit = _visit(c, ("树脂补牙", "400"))
    code = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type).code
    out = _pay(c, visit, ("cash", "310"), coupon_codes=(code,))
    with pytest.raises(UserError, match="冲正") as refused:
        billing.undo_visit(c.ctx, visit)
    assert refused.value.field == "visit"
    assert out.checkout_id is not None
    payments.reverse_checkout(c.ctx, out.checkout_id, reason="录错患者")
    billing.undo_visit(c.ctx, visit)
    balance = billing.get_balance(c.ctx, c.patient)
    assert (balance.owed, balance.credit) == (D(0), D(0))
    assert [x.status for x in coupons.coupons_of(c.ctx, c.patient)] == ["issued"]


def test_a_ledger_note_with_a_hidden_character_is_refused(c: Loyal) -> None:
    with pytest.raises(UserError) as refused:
        billing.add_entry(c.ctx, c.patient, kind="charge", amount=D(10),
                          note="\u0007=HYPERLINK(\"http://x\")")
    assert refused.value.field == "note" and "备注" in str(refused.value)
    with pytest.raises(UserError) as refused:
        points.adjust_points(c.ctx, c.patient, points=10, reason="补\u200b偿")
    assert refused.value.field == "reason"


# -- a package card refunded ----------------------------------------------------------------------
def _package_used(c: Loyal, uses: int, *, paid: str | None = "2400") -> packages.PackageCardInfo:
    card = packages.sell_package(c.ctx, c.patient, package_type_id=c.package)
    if paid:
        _pay(c, None, ("cash", paid))
    for _ in range(uses):
        _visit(c, ("超声洁牙", "300"))
    return next(p for p in packages.cards_of(c.ctx, c.patient) if p.id == card.id)


def test_a_used_package_gives_back_its_unused_share_and_closes(c: Loyal) -> None:
    card = _package_used(c, 3)
    assert (card.left, packages.refund_value(card)) == (7, D("1680.00"))
    before = points.points_summary(c.ctx, c.patient).balance
    done = packages.refund_package(c.ctx, card.id, method="cash", reason="患者搬家")
    assert (done.uses, done.amount, done.card.status, done.card.left) == (
        7, D("1680.00"), "refunded", 0)
    balance = billing.get_balance(c.ctx, c.patient)
    assert (balance.owed, balance.credit, balance.total_charged, balance.total_paid) == (
        D(0), D(0), D(720), D(720))
    assert points.points_summary(c.ctx, c.patient).balance == before - 1680  # 1 a yuan
    with pytest.raises(UserError, match="已退过"):
        packages.refund_package(c.ctx, card.id, method="cash", reason="再退")
    with pytest.raises(UserError):  # the card has no uses left to spend
        packages.use_package(c.ctx, card.id, procedure_type_id=c.procs["超声洁牙"])


def test_a_package_refund_may_keep_a_fee_but_never_give_more(c: Loyal) -> None:
    card = _package_used(c, 3)
    with pytest.raises(UserError, match="1680") as refused:
        packages.refund_package(c.ctx, card.id, amount=D("1680.01"), method="cash",
                                reason="患者搬家")
    assert refused.value.field == "amount"
    with pytest.raises(UserError) as refused:
        packages.refund_package(c.ctx, card.id, method="cash", reason="  ")
    assert refused.value.field == "reason"
    packages.refund_package(c.ctx, card.id, amount=D(1500), method="wechat", reason="患者搬家")
    assert billing.get_balance(c.ctx, c.patient).total_charged == D(900)


def test_an_unpaid_package_is_closed_against_what_is_owed(c: Loyal) -> None:
    card = _package_used(c, 0, paid=None)
    done = packages.refund_package(c.ctx, card.id, method="cash", reason="没付款，不要了")
    assert (done.amount, done.paid_back) == (D(2400), D(0))  # no money came in to give back
    balance = billing.get_balance(c.ctx, c.patient)
    assert (balance.owed, balance.credit, balance.total_paid) == (D(0), D(0), D(0))


def test_a_line_a_package_covers_leaves_the_others_their_discount(c: Loyal) -> None:
    tiers.override_tier(c.ctx, c.patient, tier_id=c.tiers["金卡"], reason="老会员")
    packages.sell_package(c.ctx, c.patient, package_type_id=c.package)
    _pay(c, None, ("cash", "2400"))
    visit = _visit(c, ("超声洁牙", "300"), ("树脂补牙", "60"))  # the cleaning on the card
    code = coupons.issue_coupon(c.ctx, c.patient, coupon_type_id=c.coupon_type).code
    with pytest.raises(UserError, match="满 ¥300"):  # the coupon sees the 60 left only
        payments.quote_payment(c.ctx, PaymentRequest(c.patient, visit_id=visit,
                                                     coupon_codes=(code,)))
    quote = payments.quote_payment(c.ctx, PaymentRequest(c.patient, visit_id=visit))
    assert quote.tier_discount == D(6)


def test_a_package_still_owed_gives_back_only_what_was_paid(c: Loyal) -> None:
    visit = _visit(c, ("树脂补牙", "3000"))
    _pay(c, visit, ("cash", "3000"))  # money received, for something else
    card = _package_used(c, 0, paid="400")  # 2,400 sold, 400 of it paid
    done = packages.refund_package(c.ctx, card.id, method="cash", reason="不要了")
    assert (done.amount, done.paid_back) == (D(2400), D(400))
    balance = billing.get_balance(c.ctx, c.patient)
    assert (balance.owed, balance.credit, balance.total_paid) == (D(0), D(0), D(3000))


def test_a_checkout_refunded_by_hand_is_not_reversed_as_well(c: Loyal) -> None:
    visit = _visit(c, ("树脂补牙", "400"))
    out = _pay(c, visit, ("cash", "400"))
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(400), method="cash",
                      visit_id=visit)
    assert out.checkout_id is not None
    with pytest.raises(UserError, match="退过款") as refused:
        payments.reverse_checkout(c.ctx, out.checkout_id, reason="录错")
    assert refused.value.field == "checkout"
    assert billing.get_balance(c.ctx, c.patient).total_paid == D(0)


def test_a_checkout_from_the_card_refunded_onto_it_is_not_reversed_as_well(c: Loyal) -> None:
    stored_value.top_up(c.ctx, c.patient, amount=D(1000), method="cash")
    visit = _visit(c, ("树脂补牙", "400"))
    out = _pay(c, visit, ("stored_value", "400"))
    billing.add_entry(c.ctx, c.patient, kind="refund", amount=D(400), method="stored_value")
    assert out.checkout_id is not None
    with pytest.raises(UserError, match="退过款"):
        payments.reverse_checkout(c.ctx, out.checkout_id, reason="录错")
    assert stored_value.stored_value_of(c.ctx, c.patient).principal == D(1000)


def test_a_refund_onto_the_card_goes_only_to_the_card_that_paid(c: Loyal) -> None:
    link_family(c.ctx, c.patient, c.friend, relation="spouse")
    stored_value.top_up(c.ctx, c.patient, amount=D(1000), method="cash")
    stored_value.share_stored_value(c.ctx, c.friend, holder_id=c.patient)
    visit = billing.record_visit(c.ctx, c.friend, visit_date=date(2026, 11, 24), doctor_id=None,
                                 lines=[billing.TreatmentLine(c.procs["树脂补牙"], D(400))]).id
    payments.take_payment(c.ctx, PaymentRequest(c.friend, parts=(
        payments.PaymentPart("stored_value", D(400)),), visit_id=visit))
    stored_value.share_stored_value(c.ctx, c.friend, holder_id=None)  # stops sharing
    with pytest.raises(UserError, match="¥0.00"):
        billing.add_entry(c.ctx, c.friend, kind="refund", amount=D(400), method="stored_value")
    assert stored_value.stored_value_of(c.ctx, c.friend).principal == D(0)
