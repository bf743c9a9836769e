"""Package cards (次卡): sold as a charge, a use consumed by each completed visit of a covered
procedure in the visit's own transaction, expired by the nightly job, warned 30 days before.

Uses left = the sum of the card's ``package_use`` rows. A visit line a card covers gets a
discount of its amount (source ``package``), so the visit is not charged twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.loyalty.common import CENTS, clinic_day, patient_row
from clinic_desktop.services.loyalty.stored_value import money, new_checkout
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment
from clinic_desktop.storage.models.loyalty import (
    PackageCard,
    PackageType,
    PackageTypeProcedure,
    PackageUse,
)


@dataclass(frozen=True)
class PackageTypeInfo:
    id: int
    name: str
    price: Decimal
    uses: int
    valid_days: int
    procedure_ids: tuple[int, ...]
    active: bool


@dataclass(frozen=True)
class PackageCardInfo:
    id: int
    patient_id: int
    name: str
    uses: int  # sold
    left: int
    expires_on: date
    procedure_ids: tuple[int, ...]
    price: Decimal
    status: str  # active, used_up, expired

    @property
    def usable(self) -> bool:
        return self.status == "active"


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x)


def list_package_types(ctx: Context, *, include_inactive: bool = False
                       ) -> list[PackageTypeInfo]:
    with ctx.transaction() as session:
        query = select(PackageType).order_by(PackageType.sort_order, PackageType.name)
        if not include_inactive:
            query = query.where(PackageType.active.is_(True))
        types = session.execute(query).scalars().all()
        links: dict[int, list[int]] = {}
        for tid, pid in session.execute(select(PackageTypeProcedure.package_type_id,
                                               PackageTypeProcedure.procedure_type_id)):
            links.setdefault(tid, []).append(pid)
        return [PackageTypeInfo(t.id, t.name, t.price, t.uses, t.valid_days,
                                tuple(sorted(links.get(t.id, []))), t.active) for t in types]


def save_package_type(ctx: Context, *, type_id: int | None, name: str, price: Decimal,
                      uses: int, valid_days: int, procedure_ids: list[int],
                      active: bool = True) -> PackageTypeInfo:
    ctx.require(Permission.LOYALTY_MANAGE)
    name = name.strip()
    if not name or len(name) > 64:
        raise UserError(_("请填写套餐名称。"), field="name")
    price = money(price, "price")
    if not 1 <= uses <= 1000:
        raise UserError(_("次数应在 1 到 1000 之间。"), field="uses")
    if not 1 <= valid_days <= 3650:
        raise UserError(_("有效期应在 1 到 3650 天之间。"), field="valid_days")
    if not procedure_ids:
        raise UserError(_("请至少选择一个适用项目。"), field="procedures")
    with ctx.transaction(write=True) as session:
        known = set(session.execute(select(ProcedureType.id).where(
            ProcedureType.id.in_(procedure_ids))).scalars())
        if known != set(procedure_ids):
            raise UserError(_("适用项目不存在。"), field="procedures")
        clash = session.execute(select(PackageType.id).where(
            PackageType.name == name, PackageType.id != (type_id or 0))).first()
        if clash:
            raise UserError(_("已有名为“{name}”的套餐。", name=name), field="name")
        row = PackageType(sort_order=0) if type_id is None else session.get(PackageType, type_id)
        if row is None:
            raise NotFound(_("该套餐已不存在。"))
        row.name, row.price, row.uses, row.valid_days, row.active = (
            name, price, uses, valid_days, active)
        session.add(row)
        session.flush()
        session.execute(delete(PackageTypeProcedure).where(
            PackageTypeProcedure.package_type_id == row.id))
        for pid in sorted(known):
            session.add(PackageTypeProcedure(package_type_id=row.id, procedure_type_id=pid))
        session.flush()
        ctx.audit(session, "loyalty.package_type", "package_type", row.id,
                  f"{name} {uses}x {price} {valid_days}d")
        return PackageTypeInfo(row.id, name, price, uses, valid_days, tuple(sorted(known)),
                               active)


def left_in(session: Session, card_ids: list[int]) -> dict[int, int]:
    if not card_ids:
        return {}
    return {cid: int(left) for cid, left in session.execute(
        select(PackageUse.card_id, func.sum(PackageUse.uses))
        .where(PackageUse.card_id.in_(card_ids)).group_by(PackageUse.card_id))}


def _status(card: PackageCard, left: int, today: date, refunded: bool = False) -> str:
    if refunded:
        return "refunded"
    return "expired" if card.expires_on < today else ("used_up" if left <= 0 else "active")


def cards_in(session: Session, patient_id: int, today: date) -> list[PackageCardInfo]:
    cards = session.execute(select(PackageCard).where(PackageCard.patient_id == patient_id)
                            .order_by(PackageCard.expires_on, PackageCard.id)).scalars().all()
    left = left_in(session, [c.id for c in cards])
    sold = dict(session.execute(
        select(PackageUse.card_id, func.sum(PackageUse.uses))
        .where(PackageUse.card_id.in_([c.id for c in cards]),
               PackageUse.kind.in_(("sold", "opening")))
        .group_by(PackageUse.card_id)).all()) if cards else {}
    refunded = set(session.execute(select(PackageUse.card_id).where(
        PackageUse.card_id.in_([c.id for c in cards]), PackageUse.kind == "refund")).scalars()) \
        if cards else set()
    return [PackageCardInfo(card.id, card.patient_id, card.name, int(sold.get(card.id) or 0),
                            left.get(card.id, 0), card.expires_on, _ids(card.procedure_ids),
                            card.price, _status(card, left.get(card.id, 0), today,
                                                card.id in refunded))
            for card in cards]


def cards_of(ctx: Context, patient_id: int, *, include_closed: bool = False
             ) -> list[PackageCardInfo]:
    """The patient's package cards, soonest expiry first."""
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        patient_row(session, patient_id)
        cards = cards_in(session, patient_id, clinic_day(session, ctx.now()))
        return [c for c in cards if include_closed or c.usable]


def sell_package(ctx: Context, patient_id: int, *, package_type_id: int, note: str = ""
                 ) -> PackageCardInfo:
    """The card, its uses, and a charge of its price (paid like any charge)."""
    ctx.require(Permission.BILLING_EDIT)
    with ctx.transaction(write=True) as session:
        patient = patient_row(session, patient_id)
        kind = session.get(PackageType, package_type_id)
        if kind is None or not kind.active:
            raise UserError(_("请选择一个在售的套餐。"), field="package")
        procedures = session.execute(select(PackageTypeProcedure.procedure_type_id).where(
            PackageTypeProcedure.package_type_id == kind.id)).scalars().all()
        today = clinic_day(session, ctx.now())
        checkout = new_checkout(ctx, session, patient_id, note=kind.name)
        charge = LedgerEntry(patient_id=patient_id, at=ctx.now(), kind="charge",
                             amount=kind.price, note=_("购买套餐：{name}", name=kind.name),
                             created_by=ctx.actor.staff_id, checkout_id=checkout.id,
                             source="package_sale")
        session.add(charge)
        session.flush()
        card = PackageCard(patient_id=patient_id, package_type_id=kind.id, name=kind.name,
                           procedure_ids=",".join(str(p) for p in sorted(procedures)),
                           price=kind.price, sold_at=ctx.now(),
                           expires_on=today + timedelta(days=kind.valid_days),
                           ledger_entry_id=charge.id, created_by=ctx.actor.staff_id)
        session.add(card)
        session.flush()
        charge.source_id = card.id
        session.add(PackageUse(card_id=card.id, patient_id=patient_id, at=ctx.now(),
                               kind="sold", uses=kind.uses, note=note[:255],
                               created_by=ctx.actor.staff_id))
        session.flush()
        ctx.audit(session, "loyalty.package_sell", "patient", patient_id,
                  f"{patient.code} {kind.name} {kind.price}")
        return cards_in_one(session, card.id, today)


@dataclass(frozen=True)
class PackageRefund:
    card: PackageCardInfo
    uses: int  # the uses given up
    amount: Decimal  # taken off the package's charge
    method: str | None  # how money was paid back; None: all of it left on the account
    paid_back: Decimal  # the money paid back: the part of ``amount`` that had been paid


def refund_value(card: PackageCardInfo) -> Decimal:
    """The unused uses' share of the price: what a refund gives back at most."""
    if card.uses <= 0:
        return Decimal("0.00")
    return (card.price * card.left / card.uses).quantize(CENTS, ROUND_HALF_UP)


def refund_package(ctx: Context, card_id: int, *, amount: Decimal | None = None,
                   method: str | None, reason: str) -> PackageRefund:
    """退套餐: the card's unused uses given up, their share of the price (or less: a fee the
    clinic keeps) taken off the package's charge as a discount. By ``method`` the money goes
    back: what the discount turns into credit, no more (a package still partly owed pays
    back only what was paid, the rest comes off what is owed), under the ledger's refund
    rule; ``None`` leaves all of it on the account."""
    from clinic_desktop.services.billing import balance_in, refund_in

    ctx.require(Permission.BILLING_EDIT)
    reason = reason.strip()
    if not reason:
        raise UserError(_("请填写退套餐的原因。"), field="reason")
    with ctx.transaction(write=True) as session:
        today = clinic_day(session, ctx.now())
        card = cards_in_one(session, card_id, today)
        if card.status == "refunded":
            raise UserError(_("套餐“{card}”已退过。", card=card.name), field="card")
        if card.left <= 0:
            raise UserError(_("套餐“{card}”没有剩余次数可退。", card=card.name), field="card")
        most = refund_value(card)
        value = most if amount is None else money(amount)
        if value > most:
            raise UserError(_("退款 ¥{amount} 超过剩余 {left} 次的价值 ¥{most}。", amount=value,
                              left=card.left, most=most), field="amount")
        session.add(PackageUse(card_id=card.id, patient_id=card.patient_id, at=ctx.now(),
                               kind="refund", uses=-card.left, note=reason[:255],
                               created_by=ctx.actor.staff_id))
        note = _("退套餐：{card}，{left} 次", card=card.name, left=card.left)
        paid_back = Decimal("0.00")
        if value > 0:
            credit_before = balance_in(session, card.patient_id).credit
            session.add(LedgerEntry(
                patient_id=card.patient_id, at=ctx.now(), kind="discount", amount=value,
                note=note[:255], created_by=ctx.actor.staff_id, source="package_refund",
                source_id=card.id))
            session.flush()
            if method is not None:
                # Only the credit the discount makes was paid: the rest of the package's price
                # was still owed, and paying it out would give it twice.
                paid_back = min(value, balance_in(session, card.patient_id).credit - credit_before)
                if paid_back > 0:
                    refund_in(ctx, session, card.patient_id, paid_back, method, note=note)
        session.flush()
        ctx.audit(session, "loyalty.package_refund", "patient", card.patient_id,
                  f"card {card.id} uses {card.left} amount {value} paid back {paid_back} "
                  f"{method or 'account'}")
        return PackageRefund(cards_in_one(session, card_id, today), card.left, value, method,
                             paid_back)


def cards_in_one(session: Session, card_id: int, today: date) -> PackageCardInfo:
    card = session.get(PackageCard, card_id)
    if card is None:
        raise NotFound(_("该套餐卡已不存在。"))
    return next(c for c in cards_in(session, card.patient_id, today) if c.id == card_id)


def consume_in(ctx: Context, session: Session, card: PackageCard, *, treatment: Treatment | None,
               procedure_type_id: int, visit_id: int | None, note: str = "") -> PackageUse:
    """One use of ``card`` for a procedure it covers; refused (naming the field) otherwise."""
    today = clinic_day(session, ctx.now())
    if procedure_type_id not in _ids(card.procedure_ids):
        raise UserError(_("套餐“{card}”不包含该项目。", card=card.name), field="procedure")
    if card.expires_on < today:
        raise UserError(_("套餐“{card}”已于 {day} 过期。", card=card.name, day=card.expires_on),
                        field="card")
    if left_in(session, [card.id]).get(card.id, 0) <= 0:
        raise UserError(_("套餐“{card}”次数已用完。", card=card.name), field="card")
    use = PackageUse(card_id=card.id, patient_id=card.patient_id, at=ctx.now(), kind="use",
                     uses=-1, visit_id=visit_id,
                     treatment_id=treatment.id if treatment else None,
                     procedure_type_id=procedure_type_id, note=note[:255],
                     created_by=ctx.actor.staff_id)
    session.add(use)
    session.flush()
    if treatment is not None and treatment.amount > 0:
        session.add(LedgerEntry(
            patient_id=card.patient_id, at=ctx.now(), kind="discount",
            amount=treatment.amount.quantize(CENTS), visit_id=visit_id,
            note=_("套餐抵扣：{card}", card=card.name), created_by=ctx.actor.staff_id,
            source="package", source_id=use.id))
        session.flush()
    return use


def use_package(ctx: Context, card_id: int, *, procedure_type_id: int,
                visit_id: int | None = None, note: str = "") -> PackageCardInfo:
    """A use recorded by hand (a visit recorded without the card, a missed use)."""
    ctx.require(Permission.BILLING_EDIT)
    with ctx.transaction(write=True) as session:
        card = session.get(PackageCard, card_id)
        if card is None:
            raise NotFound(_("该套餐卡已不存在。"))
        consume_in(ctx, session, card, treatment=None, procedure_type_id=procedure_type_id,
                   visit_id=visit_id, note=note)
        ctx.audit(session, "loyalty.package_use", "patient", card.patient_id,
                  f"card {card.id} procedure {procedure_type_id}")
        return cards_in_one(session, card.id, clinic_day(session, ctx.now()))


def consume_for_visit_in(ctx: Context, session: Session, patient_id: int, visit_id: int,
                         treatment_ids: tuple[int, ...]) -> list[PackageUse]:
    """The visit-completion hook: each line of a covered procedure uses the card that expires
    first and still has uses."""
    today = clinic_day(session, ctx.now())
    cards = session.execute(select(PackageCard).where(
        PackageCard.patient_id == patient_id, PackageCard.expires_on >= today)
        .order_by(PackageCard.expires_on, PackageCard.id)).scalars().all()
    if not cards:
        return []
    left = left_in(session, [c.id for c in cards])
    treatments = session.execute(select(Treatment).where(Treatment.id.in_(treatment_ids))
                                 .order_by(Treatment.id)).scalars().all()
    uses = []
    for treatment in treatments:
        if treatment.procedure_type_id is None:
            continue
        for card in cards:
            if left.get(card.id, 0) > 0 and \
                    treatment.procedure_type_id in _ids(card.procedure_ids):
                uses.append(consume_in(ctx, session, card, treatment=treatment,
                                       procedure_type_id=treatment.procedure_type_id,
                                       visit_id=visit_id))
                left[card.id] -= 1
                break
    return uses


def undo_visit_uses_in(ctx: Context, session: Session, visit_id: int) -> None:
    """A visit undone: its uses come back (new rows), its package discounts are reversed."""
    uses = session.execute(select(PackageUse).where(
        PackageUse.visit_id == visit_id, PackageUse.kind == "use")).scalars().all()
    reversed_ids = set(session.execute(select(PackageUse.reverses_id).where(
        PackageUse.reverses_id.in_([u.id for u in uses]))).scalars()) if uses else set()
    for use in uses:
        if use.id in reversed_ids:
            continue
        session.add(PackageUse(card_id=use.card_id, patient_id=use.patient_id, at=ctx.now(),
                               kind="reversal", uses=1, visit_id=visit_id,
                               procedure_type_id=use.procedure_type_id, reverses_id=use.id,
                               note=_("就诊记录已撤销"), created_by=ctx.actor.staff_id))
        for discount in session.execute(select(LedgerEntry).where(
                LedgerEntry.source == "package", LedgerEntry.source_id == use.id,
                LedgerEntry.reverses_id.is_(None))).scalars().all():
            session.add(LedgerEntry(
                patient_id=discount.patient_id, at=ctx.now(), kind="discount",
                amount=-discount.amount, note=_("冲正：{note}", note=discount.note)[:255],
                created_by=ctx.actor.staff_id, source="package", source_id=use.id,
                reverses_id=discount.id))
    session.flush()
