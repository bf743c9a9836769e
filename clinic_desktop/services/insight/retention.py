"""Do patients come back? The source funnel, the cohort table and active / dormant / lost
counts month by month (definitions in the README)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Integer,
    and_,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight import buckets
from clinic_desktop.services.insight.activity_settings import activity_thresholds
from clinic_desktop.services.insight.breakdowns import NONE_KEY, SOURCE, grouped_in, none_label
from clinic_desktop.services.insight.common import bounds_of, checked, firsts_in, rate
from clinic_desktop.storage.models.clinical import ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.patient import Patient

SECOND_VISIT_MONTHS = 6  # "came back": a second visit within this many months of the first
COHORT_MONTHS = 12  # the cohort table's columns: months after the first visit


@dataclass(frozen=True)
class FunnelRow:
    key: str  # the source as stored ("" none)
    name: str
    new_patients: int  # first seen in the period, or registered in it and not seen yet
    first_visit: int  # of those, first seen in the period
    second_visit: int  # ... and back within six months of the first day
    high_value: int  # ... and had a high-value treatment (any day since)
    revenue: Decimal  # the period's revenue from every patient of this source

    @property
    def conversion(self) -> float:
        return rate(self.first_visit, self.new_patients)

    @property
    def return_rate(self) -> float:
        return rate(self.second_visit, self.first_visit)


@dataclass(frozen=True)
class CohortRow:
    month: str  # YYYY-MM of the first visit
    size: int
    returned: tuple[int, ...]  # patients with a visit k months after, k = 1..COHORT_MONTHS

    def share(self, k: int) -> float:
        return rate(self.returned[k - 1], self.size)


@dataclass(frozen=True)
class MonthActivity:
    month: str  # YYYY-MM; the counts hold at its end
    active: int
    dormant: int
    lost: int


def source_funnel(ctx: Context, period: Period) -> list[FunnelRow]:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return funnel_in(session, period)


def funnel_in(session: Session, period: Period) -> list[FunnelRow]:
    """The period's new patients (``firsts_in``, and those registered in it never seen),
    each checked by index seeks for a second visit and a high-value treatment: only the
    period's new patients are read, not every patient's first day."""
    b = bounds_of(session, checked(period))
    dialect = buckets.dialect_of(session)
    firsts = firsts_in(b)
    never = (select(Patient.id.label("pid"), null().label("first"))
             .where(Patient.merged_into_id.is_(None), Patient.first_visit_date.is_(None),
                    b.has(Patient.created_at),
                    ~exists().where(Visit.patient_id == Patient.id)))
    cohort = union_all(select(firsts.c.pid, firsts.c.first), never).subquery("cohort")
    seen = cohort.c.first.is_not(None)
    again = exists().where(
        Visit.patient_id == cohort.c.pid, Visit.visit_date > cohort.c.first,
        Visit.visit_date <= buckets.add_months(dialect, cohort.c.first, SECOND_VISIT_MONTHS))
    valuable = (select(Visit.id).join(Treatment, Treatment.visit_id == Visit.id)
                .join(ProcedureType, ProcedureType.id == Treatment.procedure_type_id)
                .where(Visit.patient_id == cohort.c.pid, ProcedureType.high_value.is_(True))
                .exists())

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)

    source = func.coalesce(Patient.source, literal(NONE_KEY))
    rows = session.execute(
        select(source, func.count(), count(seen), count(and_(seen, again)),
               count(and_(seen, valuable)))
        .join(Patient, Patient.id == cohort.c.pid).group_by(source)).all()
    revenue = {r.key: r.revenue for r in grouped_in(session, period, SOURCE)}
    found = {str(k): FunnelRow(str(k), str(k) if k else none_label(SOURCE), int(n), int(s or 0),
                               int(a), int(h), revenue.get(str(k), Decimal("0.00")))
             for k, n, s, a, h in rows}
    for key, money in revenue.items():  # channels with revenue and no new patient
        found.setdefault(key, FunnelRow(key, key or none_label(SOURCE), 0, 0, 0, 0, money))
    return sorted(found.values(), key=lambda r: (-r.new_patients, -r.revenue, r.name))


def cohorts(ctx: Context, period: Period) -> list[CohortRow]:
    """One row per month whose first visits fall in the period."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return cohorts_in(session, period)


def cohorts_in(session: Session, period: Period) -> list[CohortRow]:
    b = bounds_of(session, checked(period))
    dialect = buckets.dialect_of(session)
    firsts = firsts_in(b)
    members = select(firsts.c.pid, firsts.c.first,
                     buckets.month_index(dialect, firsts.c.first).label("fm")).subquery("members")
    joined = (select(members.c.pid, members.c.fm,
                     buckets.month_index(dialect, Visit.visit_date).label("vm"))
              .join(Visit, and_(Visit.patient_id == members.c.pid,
                                Visit.visit_date >= members.c.first))
              .subquery("joined"))
    diff = (joined.c.vm - joined.c.fm).label("k")
    inner = select(joined.c.pid, joined.c.fm, diff).where(
        diff >= 1, diff <= COHORT_MONTHS).subquery("after")
    returned: dict[int, dict[int, int]] = {}
    for fm, k, n in session.execute(
            select(inner.c.fm, inner.c.k, func.count(func.distinct(inner.c.pid)))
            .group_by(inner.c.fm, inner.c.k)):
        returned.setdefault(int(fm), {})[int(k)] = int(n)
    sizes: dict[int, int] = {int(fm): int(n) for fm, n in session.execute(
        select(members.c.fm, func.count()).group_by(members.c.fm))}
    first, last = buckets.index_of(period.first), buckets.index_of(period.last)
    return [CohortRow(buckets.month_of_index(m), int(sizes.get(m, 0)),
                      tuple(returned.get(m, {}).get(k, 0) for k in range(1, COHORT_MONTHS + 1)))
            for m in range(first, last + 1)]


def activity_over_time(ctx: Context, *, last_day: date, months: int = 12
                       ) -> list[MonthActivity]:
    """Active / dormant / lost at the end of each of ``months`` months up to ``last_day``'s."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return activity_in(session, last_day=last_day, months=months)


def activity_in(session: Session, *, last_day: date, months: int = 12) -> list[MonthActivity]:
    """Month by month, a patient's state follows from their last visit month ``v`` up to the
    month ``M``: active while M − v < dormant months, dormant while < lost months, else lost.

    Each (patient, visit month) row with the patient's next visit month ``n`` (a window
    function) is an active interval [v, min(n, v+D)), a dormant one [v+D, min(n, v+L)) and a
    lost one [v+L, n); SQL counts where intervals open and close, and the counts at each month
    are running sums of those few hundred numbers."""
    dialect = buckets.dialect_of(session)
    limits = activity_thresholds(session)
    dormant, lost = limits.dormant_months, limits.lost_months
    pm = union(
        select(Visit.patient_id.label("pid"),
               buckets.month_index(dialect, Visit.visit_date).label("m")),
        select(Patient.id.label("pid"), buckets.month_index(dialect, Patient.first_visit_date)
               .label("m")).where(Patient.first_visit_date.is_not(None),
                                  Patient.merged_into_id.is_(None)),
    ).subquery("pm")
    # read six times below: a materialised CTE computes the window once (as six subqueries
    # it was computed six times)
    seq = select(pm.c.pid, pm.c.m, func.lead(pm.c.m).over(partition_by=pm.c.pid,
                                                          order_by=pm.c.m).label("n")
                 ).cte("seq").prefix_with("MATERIALIZED")
    m, n = seq.c.m, seq.c.n

    def until(limit: int) -> ColumnElement[int]:
        return case((and_(n.is_not(None), n < m + limit), n), else_=m + limit)

    def event(kind: str, at: ColumnElement[int], delta: int,
              *where: ColumnElement[bool]) -> Select[str, int, int]:
        return select(literal(kind).label("kind"), at.label("at"),
                      literal(delta).label("d")).where(*where)

    past_dormant = or_(n.is_(None), n > m + dormant)
    past_lost = or_(n.is_(None), n > m + lost)
    events = union_all(
        event("active", m, 1), event("active", until(dormant), -1),
        event("dormant", m + dormant, 1, past_dormant),
        event("dormant", until(lost), -1, past_dormant),
        event("lost", m + lost, 1, past_lost),
        event("lost", n, -1, n.is_not(None), n > m + lost),
    ).subquery("events")
    totals: dict[str, list[tuple[int, int]]] = {}
    for kind, at, delta in session.execute(
            select(events.c.kind, events.c.at, func.sum(events.c.d))
            .group_by(events.c.kind, events.c.at).order_by(events.c.at)):
        totals.setdefault(str(kind), []).append((int(at), int(delta)))
    end = buckets.index_of(last_day)
    found = []
    for month in range(end - months + 1, end + 1):
        counts = {kind: sum(d for at, d in totals.get(kind, []) if at <= month)
                  for kind in ("active", "dormant", "lost")}
        found.append(MonthActivity(buckets.month_of_index(month), counts["active"],
                                   counts["dormant"], counts["lost"]))
    return found
