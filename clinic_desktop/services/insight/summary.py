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

Each figure is an aggregate in SQL. A period equal to another (a year's previous period is
the same year before) is read once; each period's entries and visits are read through
range-bounded queries on their indexes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.common import (
    Bounds,
    bounds_of,
    checked,
    disjoint,
    fen,
    label_case,
    method_code_of,
    new_unseen,
    per,
    rate,
    seen_in,
    yuan,
)
from clinic_desktop.storage.models.clinical import LedgerEntry
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
    """Each distinct period read once (a year's previous period is the year before): the
    ledger and visits period by period, appointments of disjoint periods in one scan."""
    unique = list(dict.fromkeys(periods))
    bounds = [bounds_of(session, p) for p in unique]
    found = {b.period: figures_of(b.period, _ledger(session, b), *_visits(session, b), counts)
             for b, counts in zip(bounds, appointments_in(session, bounds), strict=True)}
    return [found[p] for p in periods]


def appointments_in(session: Session, bounds: Sequence[Bounds]) -> list[dict[str, int]]:
    """Status → appointments started in each period (disjoint periods in one scan)."""
    groups = [bounds] if disjoint([b.period for b in bounds]) else [[b] for b in bounds]
    found: dict[int, dict[str, int]] = {}
    offset = 0
    for group in groups:
        for i, counts in _appointments(session, group).items():
            found[offset + i] = counts
        offset += len(group)
    return [found.get(i, {}) for i in range(len(bounds))]


def figures_of(period: Period, money: dict[tuple[str, str, str | None], int],
               seen: tuple[int, int, int], new: int, appointments: dict[str, int]) -> Figures:
    """A period's figures from its money by (kind, method code, pot), its (visits, patients
    seen, returning), new patients and appointments by status."""
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


# Charges and discounts need no method or pot: their sums come from the (kind, at, …,
# amount) index alone; the other kinds are a few groups of (method, pot).
SIMPLE_KINDS = ("charge", "discount")
OTHER_KINDS = ("payment", "refund", "topup", "withdraw")


def _ledger(session: Session, b: Bounds) -> dict[tuple[str, str, str | None], int]:
    """(kind, method, pot) → fen of one period: two range-bounded reads (a year's two periods
    read apart were faster than one scan labelling each row, and a month's far faster).
    Grouped by the method as stored, its code mapped here rather than per row."""
    e = LedgerEntry
    found: dict[tuple[str, str, str | None], int] = {}
    rows = [*((kind, None, None, value) for kind, value in session.execute(
        select(e.kind, func.sum(fen(e.amount)))
        .where(e.kind.in_(SIMPLE_KINDS), b.has(e.at)).group_by(e.kind))),
        *session.execute(select(e.kind, e.method, e.pot, func.sum(fen(e.amount)))
                         .where(e.kind.in_(OTHER_KINDS), b.has(e.at))
                         .group_by(e.kind, e.method, e.pot))]
    for kind, method, pot, value in rows:
        key = (kind, method_code_of(method), pot)
        found[key] = found.get(key, 0) + int(value or 0)
    return found


def _visits(session: Session, b: Bounds) -> tuple[tuple[int, int, int], int]:
    """((visits, patients seen, returning patients seen), new patients) of one period."""
    seen = seen_in(b)
    visits, patients, returning, new = session.execute(select(
        func.coalesce(func.sum(seen.c.n), 0), func.count(),
        func.coalesce(func.sum(seen.c.earlier), 0),
        func.coalesce(func.sum(seen.c.new), 0) + new_unseen(b))).one()
    return (int(visits), int(patients), int(returning)), int(new)


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

