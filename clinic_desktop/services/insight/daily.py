"""日结: the daily closing of one clinic-local day — money received by method and by the
person who took it, refunds, stored value sold and spent, discounts and coupons redeemed,
and what patients owe at the day's end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.common import bounds_of, fen, method_code, yuan
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.loyalty import Checkout, Coupon
from clinic_desktop.storage.models.staff import Staff


@dataclass(frozen=True)
class Amount:
    key: str  # method code, staff id, discount source
    name: str
    amount: Decimal
    count: int = 0  # entries (net of reversals: a reversed one still counts twice)


@dataclass(frozen=True)
class DailyClosing:
    day: date
    payments: Decimal  # money received less money refunded (no stored value)
    by_method: tuple[Amount, ...]
    by_staff: tuple[Amount, ...]
    refunds: Decimal  # paid out in money
    refunds_to_card: Decimal  # put back on a stored-value card
    charges: Decimal
    discounts: tuple[Amount, ...]  # by source: tier, coupon, points, other
    stored_value_sold: Decimal
    stored_value_bonus: Decimal
    stored_value_spent: Decimal
    stored_value_bonus_spent: Decimal
    stored_value_withdrawn: Decimal
    coupons_redeemed: int
    coupon_value: Decimal
    checkouts: int
    visits: int
    owed_end_of_day: Decimal  # every patient's balance owed at midnight, summed
    owing_patients: int

    @property
    def revenue(self) -> Decimal:
        return self.charges - sum((d.amount for d in self.discounts), Decimal("0.00"))


def discount_label(source: str) -> str:
    return {"tier": _("会员折扣"), "coupon": _("优惠券"), "points": _("积分抵扣"),
            "other": _("其他优惠")}.get(source, source)


def daily_closing(ctx: Context, day: date) -> DailyClosing:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return daily_in(session, day)


def daily_in(session: Session, day: date) -> DailyClosing:
    from clinic_desktop.services.billing import method_label

    b = bounds_of(session, Period(day, day))
    e = LedgerEntry
    in_day = b.has(e.at)
    money = and_(e.pot.is_(None), e.kind.in_(("payment", "refund")))
    signed = case((e.kind == "refund", -fen(e.amount)), else_=fen(e.amount))
    # one expression selected and grouped by: its bound names are then the same in both
    # places, and PostgreSQL sees one expression (two copies are two sets of parameters)
    method = method_code().label("m")
    methods = session.execute(
        select(method, func.sum(signed), func.count())
        .where(in_day, money).group_by(method)).all()
    staff = session.execute(
        select(e.created_by, func.sum(signed), func.count()).where(in_day, money)
        .group_by(e.created_by)).all()
    names = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    totals: dict[tuple[str, str | None], int] = {
        (kind, pot): int(v or 0) for kind, pot, v in session.execute(
            select(e.kind, e.pot, func.sum(fen(e.amount))).where(in_day)
            .group_by(e.kind, e.pot))}
    source = func.coalesce(e.source, "other")
    discounts = session.execute(
        select(source, func.sum(fen(e.amount)), func.count())
        .where(in_day, e.kind == "discount").group_by(source)).all()
    redeemed = session.execute(select(func.count(Coupon.id)).where(
        Coupon.status == "redeemed", b.has(Coupon.redeemed_at))).scalar_one()
    checkouts = session.execute(select(func.count(Checkout.id)).where(
        b.has(Checkout.at), Checkout.reverses_id.is_(None))).scalar_one()
    visits = session.execute(select(func.count(Visit.id)).where(
        Visit.visit_date == day)).scalar_one()
    balance = case((e.kind.in_(("charge", "refund")), fen(e.amount)),
                   (e.kind.in_(("discount", "payment")), -fen(e.amount)), else_=0)
    # owed as billing defines it: charges − discounts − payments + refunds, whatever paid
    nets = (select(e.patient_id, func.sum(balance).label("net"))
            .where(e.at < b.end, e.kind.in_(("charge", "refund", "discount", "payment")))
            .group_by(e.patient_id).subquery("nets"))
    owed, owing = session.execute(select(
        func.coalesce(func.sum(case((nets.c.net > 0, nets.c.net), else_=0)), 0),
        func.coalesce(func.sum(case((nets.c.net > 0, 1), else_=0)), 0))).one()
    by_method = tuple(Amount(str(m), method_label(str(m)) if m != "other" else _("其他"),
                             yuan(v), int(n)) for m, v, n in methods)
    by_staff = tuple(Amount("" if s is None else str(s),
                            names.get(s, _("系统")) if s is not None else _("系统"),
                            yuan(v), int(n)) for s, v, n in staff)
    return DailyClosing(
        day=day, payments=yuan(sum(int(v or 0) for _m, v, _n in methods)),
        by_method=tuple(sorted(by_method, key=lambda a: -a.amount)),
        by_staff=tuple(sorted(by_staff, key=lambda a: -a.amount)),
        refunds=yuan(totals.get(("refund", None), 0)),
        refunds_to_card=yuan(totals.get(("refund", "principal"), 0)),
        charges=yuan(totals.get(("charge", None), 0)),
        discounts=tuple(Amount(str(s), discount_label(str(s)), yuan(v), int(n))
                        for s, v, n in discounts),
        stored_value_sold=yuan(totals.get(("topup", "principal"), 0)),
        stored_value_bonus=yuan(totals.get(("topup", "bonus"), 0)),
        stored_value_spent=yuan(totals.get(("payment", "principal"), 0)),
        stored_value_bonus_spent=yuan(totals.get(("payment", "bonus"), 0)),
        stored_value_withdrawn=yuan(totals.get(("withdraw", "principal"), 0)),
        coupons_redeemed=int(redeemed), coupon_value=yuan(sum(
            int(v or 0) for s, v, _n in discounts if s == "coupon")),
        checkouts=int(checkouts), visits=int(visits), owed_end_of_day=yuan(owed),
        owing_patients=int(owing))
