"""Visits with their treatment lines, and the ledger (money as Decimal, stored in fen).

Every figure is a sum of ledger entries; nothing is edited in place.

* net = charges − discounts − payments + refunds (stored-value top-ups are money put aside,
  not payment for treatment). owed (欠费) = net when positive; credit (预存) = −net when
  negative: money paid beyond the charges, which the next charges use up by themselves.
* stored value (储值) = the entries with a ``pot`` of the card's holder (the patient, or the
  household's holder when the family shares one account): top-ups − payments from the card +
  refunds to the card − money paid back (withdraw) − bonus voided (forfeit), principal and
  bonus (赠送金) apart. A payment from the card is split between the pots in the order the
  loyalty rules say (bonus last by default).

A payment beyond what is owed is refused (``Overpayment``) unless the caller says what the
excess is: ``excess="credit"`` keeps the whole payment (the excess becomes 预存), and
``excess="stored_value"`` pays what is owed and tops the card up with the rest (two entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Integer, case, delete, func, select, type_coerce
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.events import (
    MoneyRecorded,
    TreatmentCompleted,
    TreatmentUndone,
    publish,
)
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.patients import get_patient, refuse_hidden_characters
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.loyalty import Checkout

KINDS = ("charge", "payment", "refund", "discount", "topup")
# Written by the loyalty services only: stored value paid back, bonus value voided.
POT_ONLY_KINDS = ("withdraw", "forfeit")
# Payment methods are stored as codes and shown in the user's language (``method_label``).
METHODS = ("cash", "wechat", "alipay", "card", "insurance", "stored_value", "bonus")
STORED_VALUE = "stored_value"
BONUS = "bonus"  # 赠送金: the bonus pot of the stored-value card
MONEY_METHODS = ("cash", "wechat", "alipay", "card", "insurance")
# The Chinese names the first wave stored (and a caller may still pass): the same methods.
LEGACY_METHODS = {"现金": "cash", "微信支付": "wechat", "支付宝": "alipay", "银行卡": "card",
                  "医保": "insurance", "储值卡": "stored_value"}
MAX_AMOUNT = Decimal("10000000")
# What a payment beyond the amount owed keeps its excess as.
EXCESS_CREDIT = "credit"  # 预存: spent against the next charges
EXCESS_STORED_VALUE = "stored_value"  # 储值: a top-up of the stored-value card
EXCESS_CHOICES = (EXCESS_CREDIT, EXCESS_STORED_VALUE)
ZERO = Decimal("0.00")
# The discounts a checkout gives (``LedgerEntry.source``); reversing the checkout undoes them.
CHECKOUT_DISCOUNTS = ("tier", "coupon", "points")


def method_label(method: str | None) -> str:
    if method is None:
        return ""
    return {"cash": _("现金"), "wechat": _("微信支付"), "alipay": _("支付宝"), "card": _("银行卡"),
            "insurance": _("医保"), "stored_value": _("储值卡"),
            "bonus": _("赠送金")}.get(method, method)


def kind_label(kind: str) -> str:
    return {"charge": _("收费"), "payment": _("付款"), "refund": _("退款"),
            "discount": _("优惠"), "topup": _("储值充值"), "withdraw": _("储值退款"),
            "forfeit": _("赠送金作废")}.get(kind, kind)


@dataclass(frozen=True)
class Balance:
    owed: Decimal  # 欠费, never negative
    stored_value: Decimal  # 储值
    total_charged: Decimal
    total_paid: Decimal
    credit: Decimal = ZERO  # 预存: paid beyond the charges, never negative
    stored_value_bonus: Decimal = ZERO  # 赠送金, part of ``stored_value``
    stored_value_holder_id: int | None = None  # whose card: set when a household shares one

    @property
    def stored_value_principal(self) -> Decimal:
        return self.stored_value - self.stored_value_bonus

    @property
    def net(self) -> Decimal:
        """Owed when positive, credit when negative."""
        return self.owed - self.credit


class Overpayment(UserError):
    """A payment beyond what is owed, and the caller did not say what the excess is."""

    def __init__(self, *, amount: Decimal, owed: Decimal) -> None:
        self.amount, self.owed, self.excess = amount, owed, amount - owed
        super().__init__(
            _("本次收款 ¥{amount} 比欠费 ¥{owed} 多 ¥{excess}：请选择多出的部分作为预存"
              "（抵扣以后的费用）还是存入储值卡。", amount=amount, owed=owed,
              excess=self.excess), field="amount")


@dataclass(frozen=True)
class TreatmentLine:
    procedure_type_id: int | None
    amount: Decimal
    site: str = ""
    notes: str = ""
    procedure_name: str = ""  # used when there is no catalogue entry (imports)


@dataclass(frozen=True)
class VisitRecord:
    id: int
    patient_id: int
    visit_date: date
    doctor_id: int | None
    notes: str
    treatment_ids: tuple[int, ...]
    total: Decimal


@dataclass(frozen=True)
class LedgerRecord:
    id: int
    at: datetime
    kind: str
    method: str | None
    amount: Decimal
    visit_id: int | None
    note: str
    checkout_id: int | None = None  # a payment taken at the desk: its receipt, its reversal
    pot: str | None = None  # principal or bonus: an entry of a stored-value card
    reversed: bool = False  # its checkout has been reversed


def balance_in(session: Session, patient_id: int) -> Balance:
    def total(condition: ColumnElement[bool]) -> ColumnElement[int]:
        # Summed in fen: type_coerce keeps the Money type from converting the raw integer.
        fen = type_coerce(LedgerEntry.amount, Integer)
        return type_coerce(func.coalesce(func.sum(case((condition, fen), else_=0)), 0), Integer)

    row = session.execute(select(
        total(LedgerEntry.kind == "charge"), total(LedgerEntry.kind == "discount"),
        total(LedgerEntry.kind == "payment"), total(LedgerEntry.kind == "refund"),
    ).where(LedgerEntry.patient_id == patient_id)).one()
    charge, discount, payment, refund = (Decimal(v) / 100 for v in row)
    holder = holder_in(session, patient_id)
    principal, bonus = pots_in(session, holder)
    cents = Decimal("0.01")
    net = (charge - discount - payment + refund).quantize(cents)
    return Balance(
        owed=max(net, ZERO),
        stored_value=principal + bonus,
        total_charged=(charge - discount).quantize(cents),
        total_paid=(payment - refund).quantize(cents),
        credit=max(-net, ZERO),
        stored_value_bonus=bonus,
        stored_value_holder_id=holder if holder != patient_id else None,
    )


def holder_in(session: Session, patient_id: int) -> int:
    """Whose stored-value card the patient spends (a household may share one)."""
    from clinic_desktop.storage.models.loyalty import StoredValueShare

    holder = session.execute(select(StoredValueShare.holder_id).where(
        StoredValueShare.patient_id == patient_id)).scalar_one_or_none()
    return holder if holder is not None else patient_id


# How each kind moves a pot: in (+1) or out (−1).
POT_SIGNS = {"topup": 1, "refund": 1, "payment": -1, "withdraw": -1, "forfeit": -1}


def pot_delta() -> ColumnElement[int]:
    """An entry's signed effect on its pot, in fen."""
    fen = type_coerce(LedgerEntry.amount, Integer)
    return case(*((LedgerEntry.kind == kind, fen * sign) for kind, sign in POT_SIGNS.items()),
                else_=0)


def pots_in(session: Session, holder_id: int) -> tuple[Decimal, Decimal]:
    """(principal, bonus) of the card held by ``holder_id``."""
    rows = dict(session.execute(
        select(LedgerEntry.pot, func.sum(pot_delta()))
        .where(LedgerEntry.holder_id == holder_id, LedgerEntry.pot.is_not(None))
        .group_by(LedgerEntry.pot)).all())
    cents = Decimal("0.01")
    return ((Decimal(rows.get("principal") or 0) / 100).quantize(cents),
            (Decimal(rows.get("bonus") or 0) / 100).quantize(cents))


def split_card_payment(amount: Decimal, *, principal: Decimal, bonus: Decimal,
                       bonus_first: bool) -> list[tuple[str, Decimal]]:
    """How a payment of ``amount`` from the card is taken from its pots; raises when the card
    holds less."""
    if amount > principal + bonus:
        raise UserError(_("储值余额不足：可用 ¥{available}，本次 ¥{amount}。",
                          available=principal + bonus, amount=amount), field="amount")
    order = [("bonus", bonus), ("principal", principal)]
    if not bonus_first:
        order.reverse()
    parts, left = [], amount
    for pot, available in order:
        take = min(left, available)
        if take > 0:
            parts.append((pot, take))
            left -= take
    return parts


def get_balance(ctx: Context, patient_id: int) -> Balance:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        return balance_in(session, patient_id)


def _check_amount(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise UserError(_("金额必须大于 0。"), field="amount")
    if amount > MAX_AMOUNT:
        raise UserError(_("金额过大，请核对。"), field="amount")
    return amount.quantize(Decimal("0.01"))


def add_entry(
    ctx: Context, patient_id: int, *, kind: str, amount: Decimal, method: str | None = None,
    note: str = "", visit_id: int | None = None, at: datetime | None = None,
    excess: str | None = None,
) -> LedgerRecord:
    """One ledger entry. A payment beyond what is owed needs ``excess`` (see the module's
    note); kept as stored value it is two entries, and the first (the payment of what was
    owed, or the top-up when nothing was owed) is returned."""
    ctx.require(Permission.BILLING_EDIT)
    if kind not in KINDS:
        raise UserError(_("账目类型“{kind}”无效。", kind=kind), field="kind")
    if excess is not None and excess not in EXCESS_CHOICES:
        raise UserError(_("多付部分的去向“{excess}”无效。", excess=excess), field="excess")
    amount = _check_amount(amount)
    refuse_hidden_characters(note, field="note", label=_("备注"))
    if kind in ("payment", "refund", "topup"):
        method = LEGACY_METHODS.get(method or "", method)
        if method not in METHODS:
            raise UserError(_("请选择支付方式。"), field="method")
    else:
        method = None
    with ctx.transaction(write=True) as session:
        # The write transaction holds the lock from here: the balance read below cannot
        # change before the entries are written.
        patient = get_patient(session, patient_id)
        if kind == "topup" and method in (STORED_VALUE, BONUS):
            raise UserError(_("不能用储值卡为储值卡充值。"), field="method")
        if kind == "refund" and method == BONUS:
            raise UserError(_("退款只退本金，不退赠送金：请选择其他退款方式。"), field="method")
        holder = holder_in(session, patient_id)
        # (kind, amount, method, pot)
        entries: list[tuple[str, Decimal, str | None, str | None]] = [
            (kind, amount, method, "principal" if kind == "topup" else None)]
        if kind == "refund":
            entries = _refund_entries(session, patient_id, amount, method)
        if kind == "payment":
            balance = balance_in(session, patient_id)
            if method in (STORED_VALUE, BONUS):
                principal, bonus = pots_in(session, holder)
                if method == BONUS:
                    principal = ZERO
                parts = split_card_payment(amount, principal=principal, bonus=bonus,
                                           bonus_first=_bonus_first(session, ctx.now()))
                if amount > balance.owed:
                    raise UserError(_("用储值卡付款不能超过欠费 ¥{owed}。", owed=balance.owed),
                                    field="amount")
                entries = [(kind, part, BONUS if pot == "bonus" else STORED_VALUE, pot)
                           for pot, part in parts]
            elif amount > balance.owed:
                if excess is None:
                    raise Overpayment(amount=amount, owed=balance.owed)
                if excess == EXCESS_STORED_VALUE:
                    entries = ([("payment", balance.owed, method, None)]
                               if balance.owed > 0 else [])
                    entries.append(("topup", amount - balance.owed, method, "principal"))
        records = []
        for entry_kind, entry_amount, entry_method, pot in entries:
            entry = LedgerEntry(patient_id=patient_id, at=at or ctx.now(), kind=entry_kind,
                                method=entry_method, amount=entry_amount, visit_id=visit_id,
                                note=note.strip(), created_by=ctx.actor.staff_id, pot=pot,
                                holder_id=holder if pot else None)
            session.add(entry)
            session.flush()
            ctx.audit(session, f"ledger.{entry_kind}", "patient", patient_id,
                      f"{patient.code} {entry_kind} {entry_amount} {entry_method or ''}".strip())
            records.append(LedgerRecord(entry.id, entry.at, entry_kind, entry_method,
                                        entry_amount, visit_id, entry.note))
        publish(ctx, session, MoneyRecorded(patient_id=patient_id,
                                            entry_ids=tuple(r.id for r in records)))
        return records[0]


def refund_in(ctx: Context, session: Session, patient_id: int, amount: Decimal, method: str,
              *, note: str, visit_id: int | None = None) -> list[int]:
    """Money paid back, by the refund rule below, inside the caller's write transaction
    (the loyalty hooks see it as they see ``add_entry``'s). Returns the entries' ids."""
    method = LEGACY_METHODS.get(method, method)
    if method not in METHODS or method == BONUS:
        raise UserError(_("请选择退款方式。"), field="method")
    holder = holder_in(session, patient_id)
    ids = []
    for kind, part, part_method, pot in _refund_entries(session, patient_id, amount, method):
        entry = LedgerEntry(patient_id=patient_id, at=ctx.now(), kind=kind, method=part_method,
                            amount=part, visit_id=visit_id, note=note.strip()[:255],
                            created_by=ctx.actor.staff_id, pot=pot,
                            holder_id=holder if pot else None)
        session.add(entry)
        session.flush()
        ids.append(entry.id)
    publish(ctx, session, MoneyRecorded(patient_id=patient_id, entry_ids=tuple(ids)))
    return ids


def _paid_less_refunded() -> ColumnElement[int]:
    fen = type_coerce(LedgerEntry.amount, Integer)
    return case((LedgerEntry.kind == "payment", fen), (LedgerEntry.kind == "refund", -fen),
                else_=0)


def money_received_in(session: Session, patient_id: int) -> Decimal:
    """The money the patient paid (any method but the card), less the money given back."""
    return _yuan(session.execute(select(func.coalesce(func.sum(_paid_less_refunded()), 0))
                                 .where(LedgerEntry.patient_id == patient_id,
                                        LedgerEntry.pot.is_(None),
                                        LedgerEntry.method.in_(MONEY_METHODS)
                                        | LedgerEntry.method.is_(None))).scalar_one())


def card_paid_in(session: Session, patient_id: int, holder_id: int | None = None
                 ) -> tuple[Decimal, Decimal]:
    """(principal, bonus) the patient paid from stored-value cards (from ``holder_id``'s
    card only, when given), less what went back onto them."""
    where = [LedgerEntry.patient_id == patient_id, LedgerEntry.pot.is_not(None)]
    if holder_id is not None:
        where.append(LedgerEntry.holder_id == holder_id)
    paid: dict[str | None, int] = dict(session.execute(
        select(LedgerEntry.pot, func.sum(_paid_less_refunded())).where(*where)
        .group_by(LedgerEntry.pot)).all())
    return _yuan(paid.get("principal") or 0), _yuan(paid.get("bonus") or 0)


def _refund_entries(session: Session, patient_id: int, amount: Decimal, method: str | None
                    ) -> list[tuple[str, Decimal, str | None, str | None]]:
    """A refund gives back what the patient paid, and only that: money up to the money
    received (less what went back before); onto the card up to what was paid from it, each
    pot getting back its own part (principal first), so the card's bonus never comes back
    as principal that 退储值 would pay out in cash."""
    if method == STORED_VALUE:
        # Back onto the card the patient spends now, up to what was paid from that card: a
        # relative's card no longer shared keeps its own money.
        principal, bonus = card_paid_in(session, patient_id, holder_in(session, patient_id))
        if amount > principal + bonus:
            raise UserError(_("退回储值卡的 ¥{amount} 超过这位患者用储值卡付过的 ¥{paid}。",
                              amount=amount, paid=max(principal + bonus, ZERO)),
                            field="amount")
        back = min(amount, max(principal, ZERO))
        return [("refund", part, part_method, pot) for part, part_method, pot in (
            (back, STORED_VALUE, "principal"), (amount - back, BONUS, "bonus")) if part > 0]
    received = money_received_in(session, patient_id)
    if amount > received:
        raise UserError(_("退款 ¥{amount} 超过这位患者付过的 ¥{paid}：退款不能多于收到的钱"
                          "（储值卡里的余额请用“退储值”）。", amount=amount,
                          paid=max(received, ZERO)), field="amount")
    return [("refund", amount, method, None)]


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _bonus_first(session: Session, now: datetime) -> bool:
    from clinic_desktop.services.loyalty.common import clinic_day
    from clinic_desktop.services.loyalty.rules import rules_in

    return rules_in(session, clinic_day(session, now)).bonus_first


def record_visit_in(
    ctx: Context, session: Session, patient_id: int, *, visit_date: date,
    doctor_id: int | None, lines: Sequence[TreatmentLine], notes: str = "",
    treated_at: datetime | None = None, imported: bool = False,
) -> VisitRecord:
    """Write a visit, its lines and one charge; raise TreatmentCompleted (same transaction).

    Any role that bills may record what was done and charged; the visit's notes and the lines'
    notes are clinical (``CLINICAL_FIELDS``) and need CLINICAL_EDIT."""
    if notes.strip() or any(line.notes.strip() for line in lines):
        ctx.require(Permission.CLINICAL_EDIT)
    get_patient(session, patient_id)
    if not lines:
        raise UserError(_("请至少填写一个治疗项目。"), field="lines")
    visit = Visit(patient_id=patient_id, visit_date=visit_date, doctor_id=doctor_id,
                  notes=notes.strip(), created_at=ctx.now(), created_by=ctx.actor.staff_id)
    session.add(visit)
    session.flush()
    names = dict(session.execute(select(ProcedureType.id, ProcedureType.name).where(
        ProcedureType.id.in_([line.procedure_type_id for line in lines]))).all())
    treatments = []
    for line in lines:
        if line.amount < 0:
            raise UserError(_("金额不能为负数。"), field="amount")
        name = names.get(line.procedure_type_id or 0) or line.procedure_name
        if not name:
            raise UserError(_("治疗项目不存在。"), field="procedure")
        treatment = Treatment(visit_id=visit.id, procedure_type_id=line.procedure_type_id,
                              procedure_name=name, site=line.site.strip(),
                              notes=line.notes.strip(), amount=line.amount)
        session.add(treatment)
        treatments.append(treatment)
    session.flush()
    total = sum((t.amount for t in treatments), Decimal("0"))
    if total > 0:
        session.add(LedgerEntry(patient_id=patient_id, at=treated_at or ctx.now(), kind="charge",
                                amount=total, visit_id=visit.id,
                                note="、".join(t.procedure_name for t in treatments),
                                created_by=ctx.actor.staff_id))
    ids = tuple(t.id for t in treatments)
    publish(ctx, session, TreatmentCompleted(
        patient_id=patient_id, visit_id=visit.id, treatment_ids=ids,
        procedure_type_ids=tuple(t.procedure_type_id for t in treatments
                                 if t.procedure_type_id is not None),
        treated_at=treated_at or ctx.now(), imported=imported))
    ctx.audit(session, "visit.record", "patient", patient_id,
              f"visit {visit.id} {visit_date} {total}")
    return VisitRecord(visit.id, patient_id, visit_date, doctor_id, visit.notes, ids, total)


def record_visit(
    ctx: Context, patient_id: int, *, visit_date: date, doctor_id: int | None,
    lines: Sequence[TreatmentLine], notes: str = "", treated_at: datetime | None = None,
) -> VisitRecord:
    ctx.require(Permission.BILLING_EDIT)
    with ctx.transaction(write=True) as session:
        return record_visit_in(ctx, session, patient_id, visit_date=visit_date,
                               doctor_id=doctor_id, lines=lines, notes=notes,
                               treated_at=treated_at)


def undo_visit(ctx: Context, visit_id: int) -> None:
    """Remove a visit entered by mistake, with its charge; care tasks follow by event."""
    ctx.require(Permission.BILLING_EDIT)
    ctx.require(Permission.CLINICAL_EDIT)  # deletes the visit's treatment records
    with ctx.transaction(write=True) as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFound(_("该就诊记录已不存在。"))
        # A member's discount, a coupon or points given at a checkout belong to that checkout:
        # deleting the charge under them would leave them as credit nobody paid for. Its
        # reversal gives the coupon and the points back; then the visit can go.
        discounted = session.execute(
            select(func.coalesce(func.sum(type_coerce(LedgerEntry.amount, Integer)), 0))
            .where(LedgerEntry.visit_id == visit_id, LedgerEntry.kind == "discount",
                   LedgerEntry.source.in_(CHECKOUT_DISCOUNTS))).scalar_one()
        if discounted:
            raise UserError(_("这次就诊的收款用了会员折扣、优惠券或积分：请先在记账里冲正那笔收款，"
                              "再撤销就诊。"), field="visit")
        ids = tuple(session.execute(
            select(Treatment.id).where(Treatment.visit_id == visit_id)).scalars())
        publish(ctx, session, TreatmentUndone(visit_id=visit_id, treatment_ids=ids))
        # The charge, and a discount an import wrote beside it (a checkout's or a package's
        # discounts are undone by their own rules); payments stay: the money was received.
        session.execute(delete(LedgerEntry).where(
            LedgerEntry.visit_id == visit_id,
            (LedgerEntry.kind == "charge") | ((LedgerEntry.kind == "discount")
                                              & LedgerEntry.import_batch_id.is_not(None))))
        session.delete(visit)
        ctx.audit(session, "visit.undo", "patient", visit.patient_id, f"visit {visit_id}")


def ledger_in(session: Session, patient_id: int) -> list[LedgerRecord]:
    rows = session.execute(select(LedgerEntry).where(LedgerEntry.patient_id == patient_id)
                           .order_by(LedgerEntry.at.desc(), LedgerEntry.id.desc())).scalars()
    reversed_ = set(session.execute(select(Checkout.reverses_id).where(
        Checkout.patient_id == patient_id, Checkout.reverses_id.is_not(None))).scalars())
    return [LedgerRecord(e.id, e.at, e.kind, e.method, e.amount, e.visit_id, e.note,
                         e.checkout_id, e.pot, e.checkout_id in reversed_) for e in rows]


def ledger_of(ctx: Context, patient_id: int) -> list[LedgerRecord]:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        return ledger_in(session, patient_id)
