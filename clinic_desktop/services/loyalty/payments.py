"""The mixed payment (收款): any mix of cash, WeChat, Alipay, bank card, insurance, stored
value (principal and bonus), points and coupons, in one transaction, with the tier's discount.

``quote_payment`` computes what ``take_payment`` would write, without writing (the payment
dialog shows it as the receptionist types). ``take_payment`` starts its write transaction
before reading any balance, so two workstations spending the same card cannot both succeed:
the second waits for the first, then finds the balance spent and is told so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import Integer, case, func, select, type_coerce
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.billing import (
    BONUS,
    EXCESS_CHOICES,
    EXCESS_STORED_VALUE,
    MONEY_METHODS,
    STORED_VALUE,
    Overpayment,
    balance_in,
    card_paid_in,
    method_label,
    money_received_in,
    pots_in,
    split_card_payment,
)
from clinic_desktop.services.loyalty.common import (
    CENTS,
    PRINCIPAL,
    ZERO,
    clinic_day,
    holder_of,
    patient_row,
    points_of,
    refresh_caches,
)
from clinic_desktop.services.loyalty.coupons import ChargeLine, coupon_value, type_info
from clinic_desktop.services.loyalty.packages import left_in
from clinic_desktop.services.loyalty.points import (
    add_lot_in,
    available_in,
    points_for,
    reverse_entries_in,
    take_in,
)
from clinic_desktop.services.loyalty.rules import LoyaltyRules, rules_in
from clinic_desktop.services.loyalty.stored_value import money, new_checkout
from clinic_desktop.services.loyalty.tiers import TierInfo, tier_in, upgrade_in
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.loyalty import (
    Checkout,
    Coupon,
    CouponType,
    PackageCard,
    PackageUse,
    PointsEntry,
)

PAYMENT_METHODS = (*MONEY_METHODS, STORED_VALUE, BONUS)


def choice_label(choice: str) -> str:
    """The payment dialog's choices, methods and the rest."""
    return {"points": _("积分抵扣"), "coupon": _("优惠券"), "tier": _("会员折扣"),
            "stored_value": _("储值"), "bonus": _("赠送金")}.get(choice) or method_label(choice)


@dataclass(frozen=True)
class PaymentPart:
    method: str  # cash, wechat, alipay, card, insurance, stored_value (split by the rules), bonus
    amount: Decimal


@dataclass(frozen=True)
class PaymentRequest:
    patient_id: int
    parts: tuple[PaymentPart, ...] = ()
    points: int = 0  # points to redeem
    coupon_codes: tuple[str, ...] = ()
    visit_id: int | None = None  # the visit being paid: the tier discount and coupons see its lines
    tier_discount: bool = True
    excess: str | None = None  # money beyond what is owed: credit or stored_value (else refused)
    note: str = ""


@dataclass(frozen=True)
class Applied:
    """One thing the payment applied: a discount, points, a coupon or money from a method."""

    what: str  # tier, coupon, points, cash, wechat, …, stored_value, bonus, topup
    label: str
    amount: Decimal
    pot: str | None = None
    coupon_id: int | None = None
    points: int = 0
    method: str | None = None  # a top-up's: the money it came in as


@dataclass(frozen=True)
class PaymentOutcome:
    checkout_id: int | None  # None for a quote
    owed_before: Decimal
    tier: str | None
    tier_discount: Decimal
    coupon_discount: Decimal
    points_redeemed: int
    points_value: Decimal
    paid: Decimal  # money and stored value
    applied: tuple[Applied, ...]
    owed_after: Decimal
    credit_after: Decimal
    points_earned: int
    points_before: int
    points_after: int
    stored_value_before: Decimal  # principal + bonus
    stored_value_after: Decimal
    bonus_before: Decimal
    bonus_after: Decimal
    new_tier: str | None = None
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Plan:
    outcome: PaymentOutcome
    tier: TierInfo | None
    holder_id: int
    earn_rule: str


@dataclass(frozen=True)
class PayableVisit:
    """A visit the payment dialog offers to pay (its lines get the tier discount and coupons)."""

    id: int
    visit_date: date
    procedures: str  # 洁牙、树脂补牙
    total: Decimal
    discounted: bool  # the tier's discount was given on it already


RECENT_VISITS = 8


def payable_visits(ctx: Context, patient_id: int) -> list[PayableVisit]:
    """The patient's latest visits with a charge, newest first."""
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        patient_row(session, patient_id)
        visits = session.execute(
            select(Visit.id, Visit.visit_date).where(Visit.patient_id == patient_id)
            .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(RECENT_VISITS)).all()
        ids = [v.id for v in visits]
        names: dict[int, list[str]] = {}
        totals: dict[int, Decimal] = {}
        for visit_id, name, amount in session.execute(
                select(Treatment.visit_id, Treatment.procedure_name, Treatment.amount)
                .where(Treatment.visit_id.in_(ids)).order_by(Treatment.id)):
            names.setdefault(visit_id, []).append(name)
            totals[visit_id] = totals.get(visit_id, ZERO) + amount
        return [PayableVisit(v.id, v.visit_date, "、".join(names.get(v.id, [])),
                             totals.get(v.id, ZERO), _tier_discount_given(session, v.id))
                for v in visits if totals.get(v.id, ZERO) > 0]


def _lines(session: Session, patient_id: int, visit_id: int | None) -> list[ChargeLine]:
    """The visit's lines not already covered by a package card."""
    if visit_id is None:
        return []
    visit = session.get(Visit, visit_id)
    if visit is None or visit.patient_id != patient_id:
        raise UserError(_("该就诊记录不属于这位患者。"), field="visit")
    covered = set(session.execute(select(PackageUse.treatment_id).where(
        PackageUse.visit_id == visit_id, PackageUse.kind == "use",
        PackageUse.treatment_id.is_not(None))).scalars())
    rows = session.execute(
        select(Treatment.id, Treatment.procedure_type_id, ProcedureType.category,
               Treatment.amount)
        .outerjoin(ProcedureType, ProcedureType.id == Treatment.procedure_type_id)
        .where(Treatment.visit_id == visit_id).order_by(Treatment.id)).all()
    return [ChargeLine(pid, category, amount) for tid, pid, category, amount in rows
            if tid not in covered and amount > 0]


def _tier_discount_given(session: Session, visit_id: int) -> bool:
    total = session.execute(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.visit_id == visit_id, LedgerEntry.source == "tier")).scalar_one()
    return bool(total % 2)  # a discount and its reversal cancel out


def _open_on_visit(session: Session, visit_id: int, lines: list[ChargeLine]) -> Decimal:
    """The visit's lines less what was paid or discounted on it already (a package card's
    discount is not: the lines it covers are left out of ``lines`` already)."""
    fen = type_coerce(LedgerEntry.amount, Integer)  # summed in fen, as the balance is
    settled = session.execute(select(func.coalesce(func.sum(case(
        (LedgerEntry.kind.in_(("payment", "discount")), fen),
        (LedgerEntry.kind == "refund", -fen), else_=0)), 0)).where(
        LedgerEntry.visit_id == visit_id,
        func.coalesce(LedgerEntry.source, "") != "package")).scalar_one()
    return max(sum((line.amount for line in lines), ZERO) - Decimal(settled) / 100, ZERO)


def _earned_by_category(lines: list[ChargeLine], paid: Decimal) -> dict[str | None, Decimal]:
    total = sum((line.amount for line in lines), ZERO)
    if not lines or total <= 0:
        return {None: paid}
    share: dict[str | None, Decimal] = {}
    for line in lines:
        share[line.category] = share.get(line.category, ZERO) + paid * line.amount / total
    return share


def _check_request(request: PaymentRequest) -> PaymentRequest:
    for part in request.parts:
        if part.method not in PAYMENT_METHODS:
            raise UserError(_("支付方式“{method}”无效。", method=part.method), field="method")
        money(part.amount)
    if request.points < 0:
        raise UserError(_("积分数不能为负数。"), field="points")
    if request.excess is not None and request.excess not in EXCESS_CHOICES:
        raise UserError(_("多付部分的去向“{excess}”无效。", excess=request.excess),
                        field="excess")
    if not request.parts and not request.points and not request.coupon_codes \
            and request.visit_id is None:
        raise UserError(_("请填写收款金额。"), field="amount")
    return replace(request, parts=tuple(PaymentPart(p.method, money(p.amount))
                                        for p in request.parts))


def _plan(ctx: Context, session: Session, request: PaymentRequest) -> _Plan:
    request = _check_request(request)
    pid = request.patient_id
    patient_row(session, pid)
    today = clinic_day(session, ctx.now())
    rules = rules_in(session, today)
    balance = balance_in(session, pid)
    holder = holder_of(session, pid)
    principal, bonus = pots_in(session, holder)
    tier = tier_in(session, pid)
    lines = _lines(session, pid, request.visit_id)
    applied: list[Applied] = []
    due = balance.owed
    # What discounts may take off: the visit's part still open, up to what is owed or the
    # credit that covered the charge (which the discount gives back as credit), else the
    # amount owed. Never a charge settled already: a discount is not a way to get money back.
    discountable = min(_open_on_visit(session, request.visit_id, lines),
                       balance.owed + balance.credit) if request.visit_id is not None else due
    # 1. the tier's discount on the visit's lines, once per visit
    tier_discount = ZERO
    if tier is not None and request.tier_discount and request.visit_id is not None \
            and not _tier_discount_given(session, request.visit_id):
        tier_discount = sum(((line.amount * tier.discount_for(line.category) / 100)
                             .quantize(CENTS, rounding=ROUND_HALF_UP) for line in lines), ZERO)
        tier_discount = min(tier_discount, discountable)
        if tier_discount > 0:
            applied.append(Applied("tier", _("{tier}折扣", tier=tier.name), tier_discount))
            due -= tier_discount
            discountable -= tier_discount
    # 2. coupons
    base = (sum((line.amount for line in lines), ZERO) - tier_discount) if lines else due
    codes = [c.strip().upper() for c in request.coupon_codes if c.strip()]
    if len(set(codes)) != len(codes):
        raise UserError(_("同一张优惠券只能使用一次。"), field="coupon")
    coupon_total = ZERO
    kinds = []
    for code in codes:
        coupon = session.execute(select(Coupon).where(Coupon.code == code)).scalar_one_or_none()
        if coupon is None or coupon.patient_id != pid:
            raise UserError(_("优惠券 {code} 不存在或不属于这位患者。", code=code), field="coupon")
        if coupon.status != "issued":
            raise UserError(_("优惠券 {code} 已不可用。", code=code), field="coupon")
        if coupon.expires_on < today:
            raise UserError(_("优惠券 {code} 已于 {day} 过期。", code=code,
                              day=coupon.expires_on), field="coupon")
        kind_row = session.get(CouponType, coupon.coupon_type_id)
        assert kind_row is not None
        kinds.append(type_info(kind_row))
        value = min(coupon_value(kinds[-1], lines, base - coupon_total), discountable)
        if value <= 0:  # used up for nothing: the desk unticks it instead
            raise UserError(_("优惠券 {code} 在本次收费中抵扣 ¥0（这笔费用已结清或已有优惠）："
                              "请取消勾选。", code=code), field="coupon")
        applied.append(Applied("coupon", kind_row.name, value, coupon_id=coupon.id))
        coupon_total += value
        due -= value
        discountable -= value
    if len(kinds) > 1 and not all(k.stackable for k in kinds):
        raise UserError(_("每次收费只能使用一张优惠券（除非优惠券允许叠加）。"), field="coupon")
    due = max(due, ZERO)  # the discounts beyond it became credit
    # 3. points
    points_value = ZERO
    if request.points:
        available = available_in(session, pid, today)
        if request.points > available:
            raise UserError(_("积分不足：可用 {available}，本次 {points}。",
                              available=available, points=request.points), field="points")
        points_value = (Decimal(request.points) / rules.redeem_points_per_yuan).quantize(
            CENTS, rounding=ROUND_DOWN)
        if points_value <= 0:
            raise UserError(_("至少需要 {n} 积分才能抵扣 ¥0.01。",
                              n=-(-rules.redeem_points_per_yuan // 100)), field="points")
        if points_value > due:
            raise UserError(_("积分抵扣 ¥{value} 超过应付 ¥{due}。", value=points_value, due=due),
                            field="points")
        applied.append(Applied("points", _("{n} 积分", n=request.points), points_value,
                               points=request.points))
        due -= points_value
    # 4. money and the card
    paid = ZERO
    earning = ZERO  # money and principal: what earns points
    card_total = sum((p.amount for p in request.parts if p.method == STORED_VALUE), ZERO)
    bonus_only = sum((p.amount for p in request.parts if p.method == BONUS), ZERO)
    if bonus_only > bonus:
        raise UserError(_("赠送金不足：可用 ¥{available}，本次 ¥{amount}。", available=bonus,
                          amount=bonus_only), field="amount")
    card_parts = split_card_payment(card_total, principal=principal, bonus=bonus - bonus_only,
                                    bonus_first=rules.bonus_first) if card_total else []
    total = sum((p.amount for p in request.parts), ZERO)
    topup = ZERO
    if total > due:
        if card_total + bonus_only > due:
            raise UserError(_("用储值卡付款不能超过应付 ¥{due}。", due=due), field="amount")
        if request.excess is None:
            raise Overpayment(amount=total, owed=due)
        if request.excess == EXCESS_STORED_VALUE:
            topup = total - due
    # The excess goes onto the card from the last money handed over: the payment entries keep
    # only what pays the charges, so the money is counted once (paid or stored, never both).
    into_card: dict[int, Decimal] = {}
    left = topup
    for index in reversed(range(len(request.parts))):
        part = request.parts[index]
        if left > 0 and part.method in MONEY_METHODS:
            into_card[index] = min(part.amount, left)
            left -= into_card[index]
    for index, part in enumerate(request.parts):
        paying = part.amount - into_card.get(index, ZERO)
        if part.method in MONEY_METHODS and paying > 0:
            applied.append(Applied(part.method, method_label(part.method), paying))
            earning += paying
    for pot, amount in card_parts:
        applied.append(Applied(STORED_VALUE if pot == PRINCIPAL else BONUS,
                               choice_label(STORED_VALUE if pot == PRINCIPAL else BONUS),
                               amount, pot=pot))
        if pot == PRINCIPAL:
            earning += amount
    if bonus_only:
        applied.append(Applied(BONUS, choice_label(BONUS), bonus_only, pot="bonus"))
    paid = total - topup
    for index, stored in into_card.items():
        method = request.parts[index].method
        applied.append(Applied("topup", _("多付部分存入储值"), stored, pot=PRINCIPAL,
                               method=method))
    earned, rule = points_for(_earned_by_category(lines, earning), rules, tier) \
        if earning > 0 else (0, "")
    owed_after_net = balance.owed - balance.credit - tier_discount - coupon_total \
        - points_value - paid
    points_before = points_of(session, pid)
    principal_after = principal - sum((a for p, a in card_parts if p == PRINCIPAL), ZERO) + topup
    bonus_after = bonus - sum((a for p, a in card_parts if p == "bonus"), ZERO) - bonus_only
    outcome = PaymentOutcome(
        checkout_id=None, owed_before=balance.owed, tier=tier.name if tier else None,
        tier_discount=tier_discount, coupon_discount=coupon_total,
        points_redeemed=request.points, points_value=points_value, paid=paid,
        applied=tuple(applied), owed_after=max(owed_after_net, ZERO),
        credit_after=max(-owed_after_net, ZERO), points_earned=earned,
        points_before=points_before, points_after=points_before - request.points + earned,
        stored_value_before=principal + bonus, stored_value_after=principal_after + bonus_after,
        bonus_before=bonus, bonus_after=bonus_after)
    return _Plan(outcome, tier, holder, rule)


def quote_payment(ctx: Context, request: PaymentRequest) -> PaymentOutcome:
    """What ``take_payment`` would do, written nowhere (refusals are the same)."""
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        return _plan(ctx, session, request).outcome


def take_payment(ctx: Context, request: PaymentRequest) -> PaymentOutcome:
    """Apply the payment: every entry, the points, the coupons and a tier upgrade together."""
    ctx.require(Permission.BILLING_EDIT)
    with ctx.transaction(write=True) as session:
        plan = _plan(ctx, session, request)
        pid = request.patient_id
        outcome = plan.outcome
        checkout = new_checkout(ctx, session, pid, note=request.note, visit_id=request.visit_id)
        first_money: int | None = None
        for item in outcome.applied:
            kind = {"tier": "discount", "coupon": "discount", "points": "discount",
                    "topup": "topup"}.get(item.what, "payment")
            source_id = plan.tier.id if item.what == "tier" and plan.tier else item.coupon_id
            method: str | None = None
            if item.what in MONEY_METHODS:
                method = item.what
            elif item.what == "topup":
                method = item.method
            elif item.pot is not None:
                method = STORED_VALUE if item.pot == PRINCIPAL else BONUS
            entry = LedgerEntry(
                patient_id=pid, at=ctx.now(), kind=kind, method=method, amount=item.amount,
                visit_id=request.visit_id, note=item.label[:255], created_by=ctx.actor.staff_id,
                checkout_id=checkout.id, pot=item.pot,
                holder_id=plan.holder_id if item.pot else None,
                # A top-up of the excess says so: told apart from one the earlier code wrote
                # beside a payment of the whole sum (migration 30 corrected those).
                source={"discount": item.what, "topup": "excess"}.get(kind),
                source_id=source_id)
            session.add(entry)
            session.flush()
            if item.what == "points":
                take_in(ctx, session, pid, kind="redeem", points=item.points,
                        checkout_id=checkout.id, ledger_entry_id=entry.id,
                        note=_("抵扣 ¥{value}", value=item.amount))
            if item.what == "coupon":
                coupon = session.get(Coupon, item.coupon_id)
                assert coupon is not None
                coupon.status, coupon.redeemed_at = "redeemed", ctx.now()
                coupon.checkout_id, coupon.ledger_entry_id = checkout.id, entry.id
            if kind == "payment" and first_money is None:
                first_money = entry.id
        if outcome.points_earned:
            add_lot_in(ctx, session, pid, kind="earn", points=outcome.points_earned,
                       rule=plan.earn_rule, ledger_entry_id=first_money,
                       checkout_id=checkout.id, visit_id=request.visit_id)
        new_tier = upgrade_in(ctx, session, pid, ledger_entry_id=first_money)
        refresh_caches(session, [pid])
        ctx.audit(session, "loyalty.payment", "patient", pid,
                  f"checkout {checkout.id}: " + ", ".join(
                      f"{a.what} {a.amount}" for a in outcome.applied)
                  + f"; points +{outcome.points_earned} -{outcome.points_redeemed}")
        return replace(outcome, checkout_id=checkout.id,
                       new_tier=new_tier.name if new_tier else None)


@dataclass(frozen=True)
class ReversalOutcome:
    checkout_id: int
    reversed_checkout_id: int
    entries: int
    points: int  # net points moved back


def reverse_checkout(ctx: Context, checkout_id: int, *, reason: str) -> ReversalOutcome:
    """Undo a payment, top-up, withdrawal or package sale by new entries: every ledger and
    points entry negated, coupons given back, an unused package card's uses withdrawn.
    Refused when the stored value it brought has been spent or the package has been used."""
    ctx.require(Permission.BILLING_EDIT)
    if not reason.strip():
        raise UserError(_("请填写冲正原因。"), field="reason")
    with ctx.transaction(write=True) as session:
        original = session.get(Checkout, checkout_id)
        if original is None:
            raise NotFound(_("该收款记录已不存在。"))
        if original.reverses_id is not None or session.execute(select(Checkout.id).where(
                Checkout.reverses_id == checkout_id)).first():
            raise UserError(_("该收款已冲正过。"), field="checkout")
        today = clinic_day(session, ctx.now())
        pid = original.patient_id
        before = (money_received_in(session, pid), *card_paid_in(session, pid))
        checkout = new_checkout(ctx, session, original.patient_id, note=reason.strip(),
                                visit_id=original.visit_id, reverses_id=original.id)
        entries = session.execute(select(LedgerEntry).where(
            LedgerEntry.checkout_id == checkout_id).order_by(LedgerEntry.id)).scalars().all()
        holders = set()
        for e in entries:
            session.add(LedgerEntry(
                patient_id=e.patient_id, at=ctx.now(), kind=e.kind, method=e.method,
                amount=-e.amount, visit_id=e.visit_id,
                note=_("冲正：{note}", note=e.note)[:255], created_by=ctx.actor.staff_id,
                pot=e.pot, holder_id=e.holder_id, checkout_id=checkout.id, source=e.source,
                source_id=e.source_id, reverses_id=e.id))
            if e.holder_id is not None:
                holders.add(e.holder_id)
        session.flush()
        for holder in holders:
            if any(pot < 0 for pot in pots_in(session, holder)):
                raise UserError(_("这笔储值已被使用，不能冲正：请改为退款。"), field="checkout")
        # Its money refunded by hand already: the reversal would give it back a second time
        # (what the patient paid would go below nothing, and lower than it was).
        after = (money_received_in(session, pid), *card_paid_in(session, pid))
        if any(now < 0 and now < was for now, was in zip(after, before, strict=True)):
            raise UserError(_("这笔收款已经退过款，不能再冲正。"), field="checkout")
        cards = session.execute(select(PackageCard).where(PackageCard.ledger_entry_id.in_(
            [e.id for e in entries]))).scalars().all()
        for card in cards:
            left = left_in(session, [card.id]).get(card.id, 0)
            sold = session.execute(select(func.sum(PackageUse.uses)).where(
                PackageUse.card_id == card.id, PackageUse.kind == "sold")).scalar_one() or 0
            if left < sold:
                raise UserError(_("套餐“{card}”已使用，不能冲正。", card=card.name),
                                field="checkout")
            session.add(PackageUse(card_id=card.id, patient_id=card.patient_id, at=ctx.now(),
                                   kind="reversal", uses=-left, note=reason.strip()[:255],
                                   created_by=ctx.actor.staff_id))
        points = reverse_entries_in(ctx, session, list(session.execute(
            select(PointsEntry).where(PointsEntry.checkout_id == checkout_id,
                                      PointsEntry.reverses_id.is_(None))).scalars()),
            note=_("冲正：{reason}", reason=reason.strip()))
        for coupon in session.execute(select(Coupon).where(
                Coupon.checkout_id == checkout_id)).scalars():
            expired = coupon.expires_on < today
            coupon.status = "expired" if expired else "issued"
            coupon.redeemed_at, coupon.checkout_id, coupon.ledger_entry_id = None, None, None
            if expired:
                coupon.closed_at, coupon.closed_reason = ctx.now(), _("冲正时已过期")
        session.flush()
        refresh_caches(session, [original.patient_id])
        ctx.audit(session, "loyalty.reverse", "patient", original.patient_id,
                  f"checkout {checkout_id} {reason.strip()}")
        return ReversalOutcome(checkout.id, checkout_id, len(entries), points)


def _earned_by_refunded(session: Session, refund: LedgerEntry) -> int:
    """The points the refunded money earned: the visit's (else the patient's) points earned
    by payments, in the share the refund is of the money that earned them, less what earlier
    refunds took back — never more, whatever the rates or the tier are today."""
    pid = refund.patient_id
    points = PointsEntry
    earned_lot = points.lot.is_(True) & ((points.kind == "earn") | (
        (points.kind == "reversal") & points.checkout_id.is_not(None)))
    earned_where = [points.patient_id == pid, earned_lot]
    paid_where = [LedgerEntry.patient_id == pid, LedgerEntry.kind == "payment",
                  LedgerEntry.method.in_(MONEY_METHODS) | (LedgerEntry.pot == PRINCIPAL)]
    taken_where = [points.patient_id == pid, points.kind == "refund"]
    if refund.visit_id is not None:
        earned_where.append(points.visit_id == refund.visit_id)
        paid_where.append(LedgerEntry.visit_id == refund.visit_id)
        taken_where.append(LedgerEntry.visit_id == refund.visit_id)
    earned = session.execute(select(func.coalesce(func.sum(points.points), 0))
                             .where(*earned_where)).scalar_one()
    fen = type_coerce(LedgerEntry.amount, Integer)
    paid = session.execute(select(func.coalesce(func.sum(fen), 0)).where(*paid_where)).scalar_one()
    taken = -session.execute(
        select(func.coalesce(func.sum(points.points), 0))
        .join(LedgerEntry, LedgerEntry.id == points.ledger_entry_id)
        .where(*taken_where)).scalar_one()
    if earned <= 0 or paid <= 0:
        return 0
    share = (Decimal(earned) * refund.amount * 100 / paid).quantize(Decimal(1), ROUND_HALF_UP)
    return max(min(int(share), earned - taken), 0)


def earn_for_entries_in(ctx: Context, session: Session, patient_id: int,
                        entries: Sequence[LedgerEntry]) -> int:
    """Points and the tier for entries written by ``billing.add_entry`` (the event hook):
    money paid earns, money refunded takes back, a payment or top-up may lift the tier."""
    today = clinic_day(session, ctx.now())
    rules: LoyaltyRules = rules_in(session, today)
    tier = tier_in(session, patient_id)
    moved = 0
    for entry in entries:
        earning = entry.kind == "payment" and (entry.method in MONEY_METHODS
                                               or entry.pot == PRINCIPAL)
        if earning:
            lines = _lines(session, patient_id, entry.visit_id) if entry.visit_id else []
            points, rule = points_for(_earned_by_category(lines, entry.amount), rules, tier)
            if points:
                add_lot_in(ctx, session, patient_id, kind="earn", points=points, rule=rule,
                           ledger_entry_id=entry.id, visit_id=entry.visit_id)
                moved += points
        elif entry.kind == "refund" and entry.pot in (None, PRINCIPAL):
            from clinic_desktop.services.loyalty.points import take_back_in

            moved -= take_back_in(ctx, session, patient_id, _earned_by_refunded(session, entry),
                                  note=_("退款 ¥{amount}", amount=entry.amount),
                                  ledger_entry_id=entry.id)
    if any(e.kind in ("payment", "topup") for e in entries):
        upgrade_in(ctx, session, patient_id, ledger_entry_id=entries[0].id)
    refresh_caches(session, [patient_id])
    return moved
