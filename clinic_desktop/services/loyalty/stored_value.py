"""Stored value (储值): top-ups with a plan's bonus kept apart, refunds of principal only, and
a household sharing one card. Every amount is a ledger entry with a pot (see billing)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.billing import MAX_AMOUNT, MONEY_METHODS, pots_in
from clinic_desktop.services.loyalty.common import (
    BONUS,
    CENTS,
    PRINCIPAL,
    ZERO,
    holder_of,
    patient_row,
)
from clinic_desktop.services.loyalty.tiers import TierInfo, upgrade_in
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import Checkout, StoredValueShare, TopUpPlan
from clinic_desktop.storage.models.patient import FamilyLink, Patient


@dataclass(frozen=True)
class TopUpPlanInfo:
    id: int
    name: str
    amount: Decimal
    bonus: Decimal
    active: bool


@dataclass(frozen=True)
class StoredValue:
    principal: Decimal
    bonus: Decimal
    holder_id: int
    shared_with: tuple[int, ...]  # the other patients spending this card

    @property
    def total(self) -> Decimal:
        return self.principal + self.bonus


@dataclass(frozen=True)
class TopUpResult:
    checkout_id: int
    principal: Decimal
    bonus: Decimal
    before: StoredValue
    after: StoredValue
    new_tier: TierInfo | None


@dataclass(frozen=True)
class WithdrawResult:
    checkout_id: int
    paid_back: Decimal  # principal returned to the patient
    bonus_forfeited: Decimal
    before: StoredValue
    after: StoredValue


def money(amount: Decimal, field: str = "amount") -> Decimal:
    if amount <= 0:
        raise UserError(_("金额必须大于 0。"), field=field)
    if amount > MAX_AMOUNT:
        raise UserError(_("金额过大，请核对。"), field=field)
    return Decimal(amount).quantize(CENTS)


def stored_value_in(session: Session, patient_id: int) -> StoredValue:
    holder = holder_of(session, patient_id)
    principal, bonus = pots_in(session, holder)
    members = session.execute(select(StoredValueShare.patient_id).where(
        StoredValueShare.holder_id == holder)).scalars().all()
    shared = tuple(sorted({holder, *members} - {patient_id})) if members else ()
    return StoredValue(principal, bonus, holder, shared)


def stored_value_of(ctx: Context, patient_id: int) -> StoredValue:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        patient_row(session, patient_id)
        return stored_value_in(session, patient_id)


def new_checkout(ctx: Context, session: Session, patient_id: int, *, note: str = "",
                 visit_id: int | None = None, reverses_id: int | None = None) -> Checkout:
    checkout = Checkout(patient_id=patient_id, at=ctx.now(), visit_id=visit_id,
                        reverses_id=reverses_id, note=note[:255], created_by=ctx.actor.staff_id)
    session.add(checkout)
    session.flush()
    return checkout


def pot_entry(ctx: Context, session: Session, patient_id: int, *, kind: str, amount: Decimal,
              pot: str, holder_id: int, checkout_id: int | None, method: str | None = None,
              note: str = "", source: str | None = None, source_id: int | None = None,
              visit_id: int | None = None) -> LedgerEntry:
    entry = LedgerEntry(patient_id=patient_id, at=ctx.now(), kind=kind, method=method,
                        amount=amount, visit_id=visit_id, note=note[:255],
                        created_by=ctx.actor.staff_id, pot=pot, holder_id=holder_id,
                        checkout_id=checkout_id, source=source, source_id=source_id)
    session.add(entry)
    session.flush()
    return entry


def list_topup_plans(ctx: Context, *, include_inactive: bool = False) -> list[TopUpPlanInfo]:
    with ctx.transaction() as session:
        query = select(TopUpPlan).order_by(TopUpPlan.sort_order, TopUpPlan.amount)
        if not include_inactive:
            query = query.where(TopUpPlan.active.is_(True))
        return [TopUpPlanInfo(p.id, p.name, p.amount, p.bonus, p.active)
                for p in session.execute(query).scalars()]


def save_topup_plan(ctx: Context, *, plan_id: int | None, name: str, amount: Decimal,
                    bonus: Decimal, active: bool = True) -> TopUpPlanInfo:
    ctx.require(Permission.LOYALTY_MANAGE)
    name = name.strip()
    if not name or len(name) > 64:
        raise UserError(_("请填写充值方案名称。"), field="name")
    amount = money(amount)
    if bonus < 0 or bonus > amount:
        raise UserError(_("赠送金额应在 0 到充值金额之间。"), field="bonus")
    with ctx.transaction(write=True) as session:
        clash = session.execute(select(TopUpPlan.id).where(
            TopUpPlan.name == name, TopUpPlan.id != (plan_id or 0))).first()
        if clash:
            raise UserError(_("已有名为“{name}”的充值方案。", name=name), field="name")
        plan = TopUpPlan(sort_order=0) if plan_id is None else session.get(TopUpPlan, plan_id)
        if plan is None:
            raise NotFound(_("该充值方案已不存在。"))
        plan.name, plan.amount, plan.bonus = name, amount, Decimal(bonus).quantize(CENTS)
        plan.active = active
        session.add(plan)
        session.flush()
        ctx.audit(session, "loyalty.topup_plan", "topup_plan", plan.id,
                  f"{name} {amount} +{plan.bonus}")
        return TopUpPlanInfo(plan.id, plan.name, plan.amount, plan.bonus, plan.active)


def top_up(ctx: Context, patient_id: int, *, amount: Decimal, method: str,
           plan_id: int | None = None, note: str = "") -> TopUpResult:
    """Money onto the card; with a plan whose amount is reached, its bonus as well."""
    ctx.require(Permission.BILLING_EDIT)
    amount = money(amount)
    if method not in MONEY_METHODS:
        raise UserError(_("请选择支付方式。"), field="method")
    with ctx.transaction(write=True) as session:
        patient = patient_row(session, patient_id)
        bonus = ZERO
        plan_name = ""
        if plan_id is not None:
            plan = session.get(TopUpPlan, plan_id)
            if plan is None or not plan.active:
                raise UserError(_("请选择一个启用中的充值方案。"), field="plan")
            if amount < plan.amount:
                raise UserError(_("方案“{plan}”需充值至少 ¥{amount}。", plan=plan.name,
                                  amount=plan.amount), field="amount")
            bonus, plan_name = plan.bonus, plan.name
        before = stored_value_in(session, patient_id)
        checkout = new_checkout(ctx, session, patient_id, note=note or plan_name)
        entry = pot_entry(ctx, session, patient_id, kind="topup", amount=amount, pot=PRINCIPAL,
                          holder_id=before.holder_id, checkout_id=checkout.id, method=method,
                          note=note or plan_name, source="plan" if plan_id else None,
                          source_id=plan_id)
        if bonus > 0:
            pot_entry(ctx, session, patient_id, kind="topup", amount=bonus, pot=BONUS,
                      holder_id=before.holder_id, checkout_id=checkout.id,
                      note=_("{plan} 赠送", plan=plan_name), source="plan", source_id=plan_id)
        new_tier = upgrade_in(ctx, session, patient_id, ledger_entry_id=entry.id)
        ctx.audit(session, "loyalty.topup", "patient", patient_id,
                  f"{patient.code} {amount} +{bonus} {method}")
        return TopUpResult(checkout.id, amount, bonus, before,
                           stored_value_in(session, patient_id), new_tier)


def refund_stored_value(ctx: Context, patient_id: int, *, amount: Decimal, method: str,
                        reason: str) -> WithdrawResult:
    """Pay principal back (退储值). The bonus is never paid out: the share of it that came
    with the principal returned is voided (all of it when the card is emptied)."""
    ctx.require(Permission.BILLING_EDIT)
    amount = money(amount)
    if method not in MONEY_METHODS:
        raise UserError(_("请选择退款方式。"), field="method")
    if not reason.strip():
        raise UserError(_("请填写退款原因。"), field="reason")
    with ctx.transaction(write=True) as session:
        patient = patient_row(session, patient_id)
        before = stored_value_in(session, patient_id)
        if amount > before.principal:
            raise UserError(_("只能退还本金：可退 ¥{available}，本次 ¥{amount}。",
                              available=before.principal, amount=amount), field="amount")
        forfeit = (before.bonus * amount / before.principal).quantize(
            CENTS, rounding=ROUND_HALF_UP) if before.principal else ZERO
        if amount == before.principal:
            forfeit = before.bonus
        checkout = new_checkout(ctx, session, patient_id, note=reason)
        pot_entry(ctx, session, patient_id, kind="withdraw", amount=amount, pot=PRINCIPAL,
                  holder_id=before.holder_id, checkout_id=checkout.id, method=method,
                  note=reason)
        if forfeit > 0:
            pot_entry(ctx, session, patient_id, kind="forfeit", amount=forfeit, pot=BONUS,
                      holder_id=before.holder_id, checkout_id=checkout.id,
                      note=_("退储值，赠送金作废"))
        ctx.audit(session, "loyalty.withdraw", "patient", patient_id,
                  f"{patient.code} {amount} -{forfeit} {reason.strip()}")
        return WithdrawResult(checkout.id, amount, forfeit, before,
                              stored_value_in(session, patient_id))


def share_stored_value(ctx: Context, patient_id: int, *, holder_id: int | None) -> StoredValue:
    """The patient spends a relative's card (``holder_id``), or their own again (None). Only
    a patient whose own card is empty joins; the holder must be family and not share
    another's card."""
    ctx.require(Permission.BILLING_EDIT)
    with ctx.transaction(write=True) as session:
        patient_row(session, patient_id)
        session.execute(delete(StoredValueShare).where(
            StoredValueShare.patient_id == patient_id))
        if holder_id is not None:
            if holder_id == patient_id:
                raise UserError(_("不能与自己共享储值。"), field="holder")
            holder = session.get(Patient, holder_id)
            if holder is None:
                raise UserError(_("共享储值的持卡人不存在。"), field="holder")
            family = session.execute(select(FamilyLink.id).where(
                FamilyLink.patient_id == patient_id, FamilyLink.relative_id == holder_id)).first()
            if family is None:
                raise UserError(_("只能与家庭成员共享储值。"), field="holder")
            if holder_of(session, holder_id) != holder_id:
                raise UserError(_("该家庭成员自己也在使用他人的储值卡。"), field="holder")
            if session.execute(select(StoredValueShare.patient_id).where(
                    StoredValueShare.holder_id == patient_id)).first():
                raise UserError(_("该患者是其他家庭成员的持卡人。"), field="holder")
            own = pots_in(session, patient_id)
            if any(own):
                raise UserError(_("该患者自己的储值卡还有余额，请先用完或退还。"),
                                field="holder")
            session.add(StoredValueShare(patient_id=patient_id, holder_id=holder_id,
                                         created_at=ctx.now(), created_by=ctx.actor.staff_id))
        session.flush()
        ctx.audit(session, "loyalty.share", "patient", patient_id, f"holder {holder_id}")
        return stored_value_in(session, patient_id)
