"""Visits with their treatment lines, and the ledger (money as Decimal, stored in fen).

Every figure is a sum of ledger entries; nothing is edited in place.

* net = charges − discounts − payments + refunds (stored-value top-ups are money put aside,
  not payment for treatment). owed (欠费) = net when positive; credit (预存) = −net when
  negative: money paid beyond the charges, which the next charges use up by themselves.
* stored value (储值) = top-ups − payments made from the card.

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
from clinic_desktop.events import TreatmentCompleted, TreatmentUndone, publish
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit

KINDS = ("charge", "payment", "refund", "discount", "topup")
# Payment methods are stored as codes and shown in the user's language (``method_label``).
METHODS = ("cash", "wechat", "alipay", "card", "insurance", "stored_value")
STORED_VALUE = "stored_value"
# The Chinese names the first wave stored (and a caller may still pass): the same methods.
LEGACY_METHODS = {"现金": "cash", "微信支付": "wechat", "支付宝": "alipay", "银行卡": "card",
                  "医保": "insurance", "储值卡": "stored_value"}
MAX_AMOUNT = Decimal("10000000")
# What a payment beyond the amount owed keeps its excess as.
EXCESS_CREDIT = "credit"  # 预存: spent against the next charges
EXCESS_STORED_VALUE = "stored_value"  # 储值: a top-up of the stored-value card
EXCESS_CHOICES = (EXCESS_CREDIT, EXCESS_STORED_VALUE)
ZERO = Decimal("0.00")


def method_label(method: str | None) -> str:
    if method is None:
        return ""
    return {"cash": _("现金"), "wechat": _("微信支付"), "alipay": _("支付宝"), "card": _("银行卡"),
            "insurance": _("医保"), "stored_value": _("储值卡")}.get(method, method)


def kind_label(kind: str) -> str:
    return {"charge": _("收费"), "payment": _("付款"), "refund": _("退款"),
            "discount": _("优惠"), "topup": _("储值充值")}.get(kind, kind)


@dataclass(frozen=True)
class Balance:
    owed: Decimal  # 欠费, never negative
    stored_value: Decimal  # 储值
    total_charged: Decimal
    total_paid: Decimal
    credit: Decimal = ZERO  # 预存: paid beyond the charges, never negative

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


def balance_in(session: Session, patient_id: int) -> Balance:
    def total(condition: ColumnElement[bool]) -> ColumnElement[int]:
        # Summed in fen: type_coerce keeps the Money type from converting the raw integer.
        fen = type_coerce(LedgerEntry.amount, Integer)
        return type_coerce(func.coalesce(func.sum(case((condition, fen), else_=0)), 0), Integer)

    row = session.execute(select(
        total(LedgerEntry.kind == "charge"), total(LedgerEntry.kind == "discount"),
        total(LedgerEntry.kind == "payment"), total(LedgerEntry.kind == "refund"),
        total(LedgerEntry.kind == "topup"),
        total((LedgerEntry.kind == "payment") & (LedgerEntry.method == STORED_VALUE)),
    ).where(LedgerEntry.patient_id == patient_id)).one()
    charge, discount, payment, refund, topup, from_card = (Decimal(v) / 100 for v in row)
    cents = Decimal("0.01")
    net = (charge - discount - payment + refund).quantize(cents)
    return Balance(
        owed=max(net, ZERO),
        stored_value=(topup - from_card).quantize(cents),
        total_charged=(charge - discount).quantize(cents),
        total_paid=(payment - refund).quantize(cents),
        credit=max(-net, ZERO),
    )


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
        if kind == "topup" and method == STORED_VALUE:
            raise UserError(_("不能用储值卡为储值卡充值。"), field="method")
        entries = [(kind, amount)]
        if kind == "payment":
            balance = balance_in(session, patient_id)
            if method == STORED_VALUE:
                if amount > balance.stored_value:
                    raise UserError(_("储值余额不足：可用 ¥{available}，本次 ¥{amount}。",
                                      available=balance.stored_value, amount=amount),
                                    field="amount")
                if amount > balance.owed:
                    raise UserError(_("用储值卡付款不能超过欠费 ¥{owed}。", owed=balance.owed),
                                    field="amount")
            elif amount > balance.owed:
                if excess is None:
                    raise Overpayment(amount=amount, owed=balance.owed)
                if excess == EXCESS_STORED_VALUE:
                    entries = [("payment", balance.owed)] if balance.owed > 0 else []
                    entries.append(("topup", amount - balance.owed))
        records = []
        for entry_kind, entry_amount in entries:
            entry = LedgerEntry(patient_id=patient_id, at=at or ctx.now(), kind=entry_kind,
                                method=method, amount=entry_amount, visit_id=visit_id,
                                note=note.strip(), created_by=ctx.actor.staff_id)
            session.add(entry)
            session.flush()
            ctx.audit(session, f"ledger.{entry_kind}", "patient", patient_id,
                      f"{patient.code} {entry_kind} {entry_amount} {method or ''}".strip())
            records.append(LedgerRecord(entry.id, entry.at, entry_kind, method, entry_amount,
                                        visit_id, entry.note))
        return records[0]


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
        ids = tuple(session.execute(
            select(Treatment.id).where(Treatment.visit_id == visit_id)).scalars())
        publish(ctx, session, TreatmentUndone(visit_id=visit_id, treatment_ids=ids))
        session.execute(delete(LedgerEntry).where(LedgerEntry.visit_id == visit_id,
                                                  LedgerEntry.kind == "charge"))
        session.delete(visit)
        ctx.audit(session, "visit.undo", "patient", visit.patient_id, f"visit {visit_id}")


def ledger_in(session: Session, patient_id: int) -> list[LedgerRecord]:
    rows = session.execute(select(LedgerEntry).where(LedgerEntry.patient_id == patient_id)
                           .order_by(LedgerEntry.at.desc(), LedgerEntry.id.desc())).scalars()
    return [LedgerRecord(e.id, e.at, e.kind, e.method, e.amount, e.visit_id, e.note)
            for e in rows]


def ledger_of(ctx: Context, patient_id: int) -> list[LedgerRecord]:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        return ledger_in(session, patient_id)
