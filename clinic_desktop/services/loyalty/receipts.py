"""A receipt (收据) for one checkout, read back from its entries.

Everything on it comes from the journals, so a receipt printed a month later says what the
first one said: the balances shown are as they stood right after the checkout (entries up to
its last one), not today's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.billing import BONUS, STORED_VALUE, kind_label, method_label, pot_delta
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.loyalty.common import ZERO, fen, fen_sum, holder_of, yuan
from clinic_desktop.storage.models.clinical import LedgerEntry, Treatment
from clinic_desktop.storage.models.loyalty import Checkout, PointsEntry
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.staff import Staff


@dataclass(frozen=True)
class ReceiptLine:
    label: str
    amount: Decimal
    detail: str = ""  # a tooth or site, a coupon's code


@dataclass(frozen=True)
class Receipt:
    checkout_id: int
    number: str  # printed: SK + clinic day + id, e.g. SK20261124-000123
    at: datetime
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    patient_name: str
    patient_code: str
    operator: str
    reversal_of: str | None  # a reversal's receipt names the receipt it undoes
    items: tuple[ReceiptLine, ...]  # what was charged (the visit's treatments, a package)
    discounts: tuple[ReceiptLine, ...]  # tier, coupons, points (positive amounts)
    payments: tuple[ReceiptLine, ...]  # by method, stored value and bonus included
    topups: tuple[ReceiptLine, ...]  # money put on the card
    paid: Decimal  # the payments' total
    owed_after: Decimal  # balances right after the checkout
    stored_value_after: Decimal
    points_earned: int
    points_redeemed: int
    points_after: int
    note: str


def _number(at: datetime, checkout_id: int) -> str:
    return f"SK{at:%Y%m%d}-{checkout_id:06d}"


def _original_number(session: Session, checkout_id: int | None) -> str | None:
    original = session.get(Checkout, checkout_id) if checkout_id is not None else None
    return _number(original.at, original.id) if original is not None else None


def receipt_of(ctx: Context, checkout_id: int) -> Receipt:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        return receipt_in(session, checkout_id)


def receipt_in(session: Session, checkout_id: int) -> Receipt:
    checkout = session.get(Checkout, checkout_id)
    if checkout is None:
        raise NotFound(_("该收款记录已不存在。"))
    patient = session.get(Patient, checkout.patient_id)
    assert patient is not None  # the checkout cascades with its patient
    operator = session.get(Staff, checkout.created_by) if checkout.created_by else None
    entries = session.execute(select(LedgerEntry).where(LedgerEntry.checkout_id == checkout_id)
                              .order_by(LedgerEntry.id)).scalars().all()
    items: list[ReceiptLine] = []
    discounts: list[ReceiptLine] = []
    payments: list[ReceiptLine] = []
    topups: list[ReceiptLine] = []
    for e in entries:
        if e.kind == "discount":
            discounts.append(ReceiptLine(e.note or kind_label(e.kind), e.amount))
        elif e.kind == "payment":
            label = method_label(e.method) if e.method not in (STORED_VALUE, BONUS) else (
                _("储值") if e.method == STORED_VALUE else _("赠送金"))
            payments.append(ReceiptLine(label, e.amount))
        elif e.kind == "topup":
            topups.append(ReceiptLine(e.note or kind_label(e.kind), e.amount))
        elif e.kind == "charge":
            items.append(ReceiptLine(e.note or kind_label(e.kind), e.amount))
        else:  # refunds, withdrawals, forfeits on a reversal or a card paid back
            payments.append(ReceiptLine(f"{kind_label(e.kind)} {method_label(e.method)}".strip(),
                                        e.amount))
    if checkout.visit_id is not None and not items:
        items = [ReceiptLine(t.procedure_name, t.amount, t.site) for t in session.execute(
            select(Treatment).where(Treatment.visit_id == checkout.visit_id)
            .order_by(Treatment.id)).scalars()]
    last_entry = max((e.id for e in entries), default=0)
    owed_after, stored_after = _money_after(session, checkout.patient_id, entries, last_entry)
    points = session.execute(select(PointsEntry).where(PointsEntry.checkout_id == checkout_id)
                             ).scalars().all()
    last_points = max((p.id for p in points), default=None)
    points_after = session.execute(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
        PointsEntry.patient_id == checkout.patient_id,
        PointsEntry.id <= last_points if last_points is not None
        else PointsEntry.at <= checkout.at)).scalar_one()
    paid = sum((e.amount for e in entries if e.kind == "payment"), ZERO)
    return Receipt(
        checkout_id=checkout.id, number=_number(checkout.at, checkout.id), at=checkout.at,
        clinic_name=read_setting(session, "clinic.name", ""),
        clinic_address=read_setting(session, "clinic.address", ""),
        clinic_phone=read_setting(session, "clinic.phone", ""),
        patient_name=patient.name, patient_code=patient.code,
        operator=operator.display_name if operator else "",
        reversal_of=_original_number(session, checkout.reverses_id), items=tuple(items),
        discounts=tuple(discounts),
        payments=tuple(payments), topups=tuple(topups), paid=paid,
        owed_after=owed_after, stored_value_after=stored_after,
        points_earned=sum(p.points for p in points if p.points > 0 and p.kind == "earn"),
        points_redeemed=-sum(p.points for p in points if p.kind == "redeem"),
        points_after=int(points_after), note=checkout.note)


def _money_after(session: Session, patient_id: int, entries: Sequence[LedgerEntry],
                 last_entry: int) -> tuple[Decimal, Decimal]:
    """What the patient owed and had on the card right after the checkout's last entry."""
    upto = LedgerEntry.id <= last_entry
    amount = fen(LedgerEntry.amount)
    net = session.execute(select(
        fen_sum(LedgerEntry.kind == "charge", amount) - fen_sum(LedgerEntry.kind == "discount",
                                                                amount)
        - fen_sum(LedgerEntry.kind == "payment", amount)
        + fen_sum(LedgerEntry.kind == "refund", amount))
        .where(LedgerEntry.patient_id == patient_id, upto)).scalar_one()
    holders = {e.holder_id for e in entries if e.holder_id is not None} \
        or {holder_of(session, patient_id)}
    card = session.execute(select(func.coalesce(func.sum(pot_delta()), 0)).where(
        LedgerEntry.holder_id.in_(holders), LedgerEntry.pot.is_not(None), upto)).scalar_one()
    return max(yuan(net), ZERO), yuan(card)
