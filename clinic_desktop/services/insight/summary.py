"""The dashboard's headline numbers for a period, with the previous period and the same
period a year before (definitions in the README, "经营看板").

* revenue = charges − discounts whose entry falls on a local day of the period (reversals
  are negated copies, so they net out by themselves);
* payments = money received: payment entries not taken from a stored-value card (no pot),
  less refunds paid out (no pot), by method;
* stored value sold = top-ups into the principal pot (the bonus pot's top-ups apart), spent
  = card payments per pot, paid back = withdrawals;
* visits, patients seen, new / returning, average ticket, repeat rate; appointments that
  started in the period with their no-show and cancellation rates.

Each figure is an aggregate in SQL; the three periods are read in one scan of each table
when they do not overlap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Integer, and_, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.common import (
    Bounds,
    bounds_of,
    checked,
    disjoint,
    fen,
    first_days,
    label_case,
    method_code,
    per,
    rate,
    yuan,
)
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.schedule import Appointment


@dataclass(frozen=True)
class MethodAmount:
    method: str  # cash, wechat, alipay, card, insurance, other (a legacy value as stored)
    amount: Decimal


@dataclass(frozen=True)
class Figures:
    period: Period
    revenue: Decimal  # charges − discounts
    charges: Decimal
    discounts: Decimal
    payments: Decimal  # money received, refunds paid out netted
    payments_by_method: tuple[MethodAmount, ...]
    refunds: Decimal  # paid out (not back onto a card)
    stored_value_sold: Decimal  # principal topped up
    stored_value_bonus: Decimal  # bonus given with top-ups
    stored_value_spent: Decimal  # principal paid from cards
    stored_value_bonus_spent: Decimal
    stored_value_withdrawn: Decimal  # principal paid back
    visits: int
    patients_seen: int
    new_patients: int
    returning_patients: int
    appointments: int  # started in the period, any status
    cancelled: int
    no_shows: int

    @property
    def average_ticket(self) -> Decimal:
        return per(self.revenue, self.visits)

    @property
    def repeat_rate(self) -> float:
        return rate(self.returning_patients, self.patients_seen)

    @property
    def no_show_rate(self) -> float:
        return rate(self.no_shows, self.appointments - self.cancelled)

    @property
    def cancellation_rate(self) -> float:
        return rate(self.cancelled, self.appointments)


@dataclass(frozen=True)
class Summary:
    current: Figures
    previous: Figures
    year_before: Figures


def summary(ctx: Context, period: Period) -> Summary:
    """The period's figures with the previous period and the same days a year before."""
    ctx.require(Permission.REPORTS_VIEW)
    checked(period)
    with ctx.transaction() as session:
        current, previous, last_year = figures_in(
            session, [period, period.previous(), period.year_before()])
        return Summary(current, previous, last_year)


def figures(ctx: Context, period: Period) -> Figures:
    ctx.require(Permission.REPORTS_VIEW)
    checked(period)
    with ctx.transaction() as session:
        return figures_in(session, [period])[0]


def figures_in(session: Session, periods: Sequence[Period]) -> list[Figures]:
    bounds = [bounds_of(session, p) for p in periods]
    groups = [bounds] if disjoint(periods) else [[b] for b in bounds]
    ledger: dict[int, dict[tuple[str, str, str | None], int]] = {}
    visits: dict[int, tuple[int, int, int]] = {}
    appointments: dict[int, dict[str, int]] = {}
    offset = 0
    for group in groups:
        for i, found in _ledger(session, group).items():
            ledger[offset + i] = found
        for i, row in _visits(session, group).items():
            visits[offset + i] = row
        for i, counts in _appointments(session, group).items():
            appointments[offset + i] = counts
        offset += len(group)
    new = _new_patients(session, bounds)
    return [_figures(b.period, ledger.get(i, {}), visits.get(i, (0, 0, 0)), new[i],
                     appointments.get(i, {})) for i, b in enumerate(bounds)]


def _figures(period: Period, money: dict[tuple[str, str, str | None], int],
             seen: tuple[int, int, int], new: int, appointments: dict[str, int]) -> Figures:
    def total(kind: str, pot: str | None | bool = False) -> int:
        return sum(v for (k, _m, p), v in money.items()
                   if k == kind and (pot is False or p == pot))

    by_method: dict[str, int] = {}
    for (kind, method, pot), value in money.items():
        if pot is None and kind in ("payment", "refund"):
            by_method[method] = by_method.get(method, 0) + (value if kind == "payment"
                                                            else -value)
    charges, discounts = total("charge"), total("discount")
    visits, patients, returning = seen
    count = sum(appointments.values())
    return Figures(
        period=period, revenue=yuan(charges - discounts), charges=yuan(charges),
        discounts=yuan(discounts), payments=yuan(sum(by_method.values())),
        payments_by_method=tuple(MethodAmount(m, yuan(v)) for m, v in sorted(
            by_method.items(), key=lambda item: (-item[1], item[0])) if v),
        refunds=yuan(total("refund", None)),
        stored_value_sold=yuan(total("topup", "principal")),
        stored_value_bonus=yuan(total("topup", "bonus")),
        stored_value_spent=yuan(total("payment", "principal")),
        stored_value_bonus_spent=yuan(total("payment", "bonus")),
        stored_value_withdrawn=yuan(total("withdraw", "principal")),
        visits=visits, patients_seen=patients, new_patients=new,
        returning_patients=returning, appointments=count,
        cancelled=appointments.get("cancelled", 0), no_shows=appointments.get("no_show", 0))


def _span(group: Sequence[Bounds]) -> tuple[object, object]:
    return min(b.start for b in group), max(b.end for b in group)


def _ledger(session: Session, group: Sequence[Bounds]
            ) -> dict[int, dict[tuple[str, str, str | None], int]]:
    """(period, kind, method, pot) → fen, in one scan of the period's entries."""
    start, end = _span(group)
    e = LedgerEntry
    inner = (select(label_case([b.has(e.at) for b in group]).label("p"), e.kind.label("kind"),
                    method_code().label("method"), e.pot.label("pot"),
                    fen(e.amount).label("fen"))
             .where(e.at >= start, e.at < end).subquery())
    found: dict[int, dict[tuple[str, str, str | None], int]] = {}
    for p, kind, method, pot, value in session.execute(
            select(inner.c.p, inner.c.kind, inner.c.method, inner.c.pot, func.sum(inner.c.fen))
            .group_by(inner.c.p, inner.c.kind, inner.c.method, inner.c.pot)):
        if p >= 0:
            found.setdefault(int(p), {})[(kind, method, pot)] = int(value or 0)
    return found


def _visits(session: Session, group: Sequence[Bounds]) -> dict[int, tuple[int, int, int]]:
    """period → (visits, patients seen, returning patients seen)."""
    first_day, last_day = (min(b.period.first for b in group), max(b.period.last for b in group))
    firsts = first_days()
    label = label_case([b.has_day(Visit.visit_date) for b in group])
    # seen before the period began: the first day is before the period's first day
    earlier: ColumnElement[int] = case(
        *((and_(b.has_day(Visit.visit_date), firsts.c.first < b.period.first), literal(1))
          for b in group), else_=literal(0))
    inner = (select(label.label("p"), Visit.id.label("vid"), Visit.patient_id.label("pid"),
                    earlier.label("earlier"))
             .outerjoin(firsts, firsts.c.pid == Visit.patient_id)
             .where(Visit.visit_date >= first_day, Visit.visit_date <= last_day).subquery())
    rows = session.execute(
        select(inner.c.p, func.count(inner.c.vid), func.count(func.distinct(inner.c.pid)),
               func.count(func.distinct(case((inner.c.earlier == 1, inner.c.pid)))))
        .group_by(inner.c.p)).all()
    return {int(p): (int(v), int(n), int(r)) for p, v, n, r in rows if p >= 0}


def _new_patients(session: Session, bounds: Sequence[Bounds]) -> list[int]:
    firsts = first_days()
    row = session.execute(select(*(
        func.coalesce(func.sum(case((b.has_day(firsts.c.first), 1), else_=0)), 0)
        .cast(Integer) for b in bounds))).one()
    return [int(v) for v in row]


def _appointments(session: Session, group: Sequence[Bounds]) -> dict[int, dict[str, int]]:
    start, end = _span(group)
    a = Appointment
    inner = (select(label_case([b.has(a.start) for b in group]).label("p"),
                    a.status.label("status"))
             .where(a.start >= start, a.start < end).subquery())
    found: dict[int, dict[str, int]] = {}
    for p, status, count in session.execute(
            select(inner.c.p, inner.c.status, func.count()).group_by(inner.c.p,
                                                                     inner.c.status)):
        if p >= 0:
            found.setdefault(int(p), {})[status] = int(count)
    return found

