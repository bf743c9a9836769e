"""Coupons (优惠券): types set by the manager; each coupon has a code and a status
(issued → redeemed / expired / void). Redeeming happens in a payment (``payments``)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.loyalty.common import CENTS, ZERO, clinic_day, patient_row
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.loyalty import Coupon, CouponType

KINDS = ("amount", "percent", "procedure")
SOURCES = ("manual", "birthday", "referral", "winback", "bulk")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def status_label(status: str) -> str:
    return {"issued": _("可用"), "redeemed": _("已使用"), "expired": _("已过期"),
            "void": _("已作废")}.get(status, status)


@dataclass(frozen=True)
class CouponTypeInput:
    name: str
    kind: str
    amount: Decimal = ZERO  # ¥ off; for percent, the most taken off (0: no cap)
    percent: int = 0
    procedure_type_id: int | None = None
    min_spend: Decimal = ZERO
    valid_days: int = 90
    categories: tuple[str, ...] = ()  # empty: any category
    stackable: bool = False
    active: bool = True


@dataclass(frozen=True)
class CouponTypeInfo(CouponTypeInput):
    id: int = 0


@dataclass(frozen=True)
class CouponInfo:
    id: int
    code: str
    patient_id: int
    type: CouponTypeInfo
    issued_at: datetime
    expires_on: date
    status: str
    source: str
    redeemed_at: datetime | None
    closed_reason: str


@dataclass(frozen=True)
class ChargeLine:
    """A line of the charge a coupon or a tier discount applies to."""

    procedure_type_id: int | None
    category: str | None
    amount: Decimal


def type_info(t: CouponType) -> CouponTypeInfo:
    return CouponTypeInfo(
        name=t.name, kind=t.kind, amount=t.amount, percent=t.percent,
        procedure_type_id=t.procedure_type_id, min_spend=t.min_spend, valid_days=t.valid_days,
        categories=tuple(c for c in t.categories.split(",") if c), stackable=t.stackable,
        active=t.active, id=t.id)


def list_coupon_types(ctx: Context, *, include_inactive: bool = False) -> list[CouponTypeInfo]:
    with ctx.transaction() as session:
        query = select(CouponType).order_by(CouponType.name)
        if not include_inactive:
            query = query.where(CouponType.active.is_(True))
        return [type_info(t) for t in session.execute(query).scalars()]


def save_coupon_type(ctx: Context, data: CouponTypeInput, *, type_id: int | None = None
                     ) -> CouponTypeInfo:
    ctx.require(Permission.LOYALTY_MANAGE)
    name = data.name.strip()
    if not name or len(name) > 64:
        raise UserError(_("请填写优惠券名称。"), field="name")
    if data.kind not in KINDS:
        raise UserError(_("优惠券类型无效。"), field="kind")
    if data.kind == "amount" and data.amount <= 0:
        raise UserError(_("减免金额必须大于 0。"), field="amount")
    if data.kind == "percent" and not 1 <= data.percent <= 99:
        raise UserError(_("折扣应在 1% 到 99% 之间。"), field="percent")
    if data.amount < 0 or data.min_spend < 0:
        raise UserError(_("金额不能为负数。"), field="amount" if data.amount < 0 else "min_spend")
    if not 1 <= data.valid_days <= 3650:
        raise UserError(_("有效期应在 1 到 3650 天之间。"), field="valid_days")
    with ctx.transaction(write=True) as session:
        if data.kind == "procedure" and (data.procedure_type_id is None or session.get(
                ProcedureType, data.procedure_type_id) is None):
            raise UserError(_("请选择免费的项目。"), field="procedure")
        clash = session.execute(select(CouponType.id).where(
            CouponType.name == name, CouponType.id != (type_id or 0))).first()
        if clash:
            raise UserError(_("已有名为“{name}”的优惠券。", name=name), field="name")
        row = CouponType() if type_id is None else session.get(CouponType, type_id)
        if row is None:
            raise NotFound(_("该优惠券类型已不存在。"))
        row.name, row.kind, row.amount = name, data.kind, Decimal(data.amount).quantize(CENTS)
        row.percent, row.min_spend = data.percent, Decimal(data.min_spend).quantize(CENTS)
        row.procedure_type_id = data.procedure_type_id if data.kind == "procedure" else None
        row.valid_days = data.valid_days
        row.categories = ",".join(c.strip() for c in data.categories if c.strip())[:255]
        row.stackable, row.active = data.stackable, data.active
        session.add(row)
        session.flush()
        ctx.audit(session, "loyalty.coupon_type", "coupon_type", row.id, f"{name} {data.kind}")
        return type_info(row)


def new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if session.execute(select(Coupon.id).where(Coupon.code == code)).first() is None:
            return code


def issue_in(ctx: Context, session: Session, patient_id: int, coupon_type: CouponType, *,
             source: str, source_id: int | None = None) -> Coupon:
    today = clinic_day(session, ctx.now())
    coupon = Coupon(code=new_code(session), coupon_type_id=coupon_type.id, patient_id=patient_id,
                    issued_at=ctx.now(), expires_on=today + timedelta(days=coupon_type.valid_days),
                    status="issued", source=source, source_id=source_id,
                    created_by=ctx.actor.staff_id)
    session.add(coupon)
    session.flush()
    return coupon


def rule_coupon_in(ctx: Context, session: Session, patient_id: int, *, source: str,
                   coupon_type_id: int | None) -> Coupon | None:
    """The coupon a rule gives (birthday, win-back) inside the caller's transaction; None
    when the rule gives none or its type has been switched off since."""
    kind = session.get(CouponType, coupon_type_id) if coupon_type_id is not None else None
    if kind is None or not kind.active:
        return None
    coupon = issue_in(ctx, session, patient_id, kind, source=source, source_id=patient_id)
    ctx.audit(session, "loyalty.coupon_issue", "patient", patient_id,
              f"{source} {kind.name} {coupon.code}")
    return coupon


def coupon_info(c: Coupon, t: CouponType) -> CouponInfo:
    return CouponInfo(c.id, c.code, c.patient_id, type_info(t), c.issued_at, c.expires_on,
                      c.status, c.source, c.redeemed_at, c.closed_reason)


def issue_coupon(ctx: Context, patient_id: int, *, coupon_type_id: int,
                 source: str = "manual") -> CouponInfo:
    """Issued by hand (or a campaign: ``source`` winback, bulk, birthday)."""
    ctx.require(Permission.LOYALTY_MANAGE)
    if source not in SOURCES:
        raise UserError(_("优惠券来源无效。"), field="source")
    with ctx.transaction(write=True) as session:
        patient = patient_row(session, patient_id)
        kind = session.get(CouponType, coupon_type_id)
        if kind is None or not kind.active:
            raise UserError(_("请选择一个启用中的优惠券类型。"), field="coupon_type")
        coupon = issue_in(ctx, session, patient_id, kind, source=source)
        ctx.audit(session, "loyalty.coupon_issue", "patient", patient_id,
                  f"{patient.code} {kind.name} {coupon.code}")
        return coupon_info(coupon, kind)


def void_coupon(ctx: Context, coupon_id: int, *, reason: str) -> CouponInfo:
    ctx.require(Permission.LOYALTY_MANAGE)
    if not reason.strip():
        raise UserError(_("请填写作废原因。"), field="reason")
    with ctx.transaction(write=True) as session:
        coupon = session.get(Coupon, coupon_id)
        if coupon is None:
            raise NotFound(_("该优惠券已不存在。"))
        if coupon.status != "issued":
            raise UserError(_("该优惠券已{status}，不能作废。",
                              status=status_label(coupon.status)), field="coupon")
        coupon.status, coupon.closed_at = "void", ctx.now()
        coupon.closed_reason = reason.strip()[:128]
        session.flush()
        ctx.audit(session, "loyalty.coupon_void", "patient", coupon.patient_id,
                  f"{coupon.code} {reason.strip()}")
        kind = session.get(CouponType, coupon.coupon_type_id)
        assert kind is not None
        return coupon_info(coupon, kind)


def coupons_of(ctx: Context, patient_id: int, *, include_closed: bool = False
               ) -> list[CouponInfo]:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        patient_row(session, patient_id)
        today = clinic_day(session, ctx.now())
        query = (select(Coupon, CouponType).join(CouponType, CouponType.id == Coupon.coupon_type_id)
                 .where(Coupon.patient_id == patient_id).order_by(Coupon.expires_on, Coupon.id))
        found = [coupon_info(c, t) for c, t in session.execute(query)]
        if include_closed:
            return found
        return [c for c in found if c.status == "issued" and c.expires_on >= today]


def coupon_value(kind: CouponTypeInfo, lines: Sequence[ChargeLine], base: Decimal) -> Decimal:
    """What a coupon takes off ``base`` (the charge after the tier's discount), given the
    charge's lines; refused (field ``coupon``) when its conditions are not met."""
    if base < kind.min_spend:
        raise UserError(_("“{name}”需满 ¥{min} 可用，本次 ¥{base}。", name=kind.name,
                          min=kind.min_spend, base=base), field="coupon")
    eligible = base
    if kind.categories:
        total = sum((line.amount for line in lines), ZERO)
        covered = sum((line.amount for line in lines if line.category in kind.categories), ZERO)
        if covered <= 0:
            raise UserError(_("“{name}”只适用于：{categories}。", name=kind.name,
                              categories="、".join(kind.categories)), field="coupon")
        eligible = (base * covered / total).quantize(CENTS) if total else ZERO
    if kind.kind == "amount":
        value = min(kind.amount, eligible)
    elif kind.kind == "percent":
        value = (eligible * kind.percent / 100).quantize(CENTS, rounding=ROUND_HALF_UP)
        if kind.amount > 0:
            value = min(value, kind.amount)
    else:
        prices = [line.amount for line in lines if line.procedure_type_id == kind.procedure_type_id]
        if not prices:
            raise UserError(_("“{name}”适用的项目不在本次收费中。", name=kind.name),
                            field="coupon")
        value = min(max(prices), base)
    return max(value, ZERO)
