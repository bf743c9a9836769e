"""What every insight module shares: the clinic's zone and a period's UTC bounds, sums in
fen turned into yuan, rates, the first day each patient was seen, and the payment method
as a code whatever the row's age."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.rules.periods import Period, utc_bounds
from clinic_desktop.services.billing import LEGACY_METHODS
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.patient import Patient

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")
# The longest period a report reads (a longer one is refused, not left to run for minutes).
MAX_DAYS = 3700
# Lists behind a bar, and the long tables, stop here (the rest is summed as "others").
PATIENT_LIST_CAP = 500


def yuan(value_fen: int | None) -> Decimal:
    return (Decimal(int(value_fen or 0)) / 100).quantize(CENTS)


def rate(part: int, whole: int) -> float:
    """``part / whole`` from 0 to 1; 0 when there is no whole."""
    return round(part / whole, 4) if whole else 0.0


def per(amount: Decimal, count: int) -> Decimal:
    return (amount / count).quantize(CENTS) if count else ZERO


def fen(column: ColumnElement[Decimal] | object) -> ColumnElement[int]:
    """A Money column as its stored integer (fen), for sums."""
    return type_coerce(column, Integer)


def checked(period: Period) -> Period:
    if period.days > MAX_DAYS:
        raise UserError(_("时间范围过长：最多 {n} 天。", n=MAX_DAYS), field="to")
    return period


@dataclass(frozen=True)
class Bounds:
    """A period and its ``[start, end)`` UTC instants."""

    period: Period
    start: datetime
    end: datetime

    def has(self, instant: Any) -> ColumnElement[bool]:
        return and_(instant >= self.start, instant < self.end)

    def has_day(self, day: Any) -> ColumnElement[bool]:
        return and_(day >= self.period.first, day <= self.period.last)


def bounds_of(session: Session, period: Period) -> Bounds:
    start, end = utc_bounds(period, clinic_zone(session))
    return Bounds(period, start, end)


def zone_of(session: Session) -> ZoneInfo:
    return clinic_zone(session)


def disjoint(periods: Sequence[Period]) -> bool:
    ordered = sorted(periods, key=lambda p: p.first)
    return all(a.last < b.first for a, b in zip(ordered, ordered[1:], strict=False))


def label_case(conditions: Sequence[ColumnElement[bool]]) -> ColumnElement[int]:
    """0, 1, … for the first condition a row meets, −1 for none (the periods of one scan)."""
    return case(*((c, literal(i)) for i, c in enumerate(conditions)), else_=literal(-1))


def method_code() -> ColumnElement[str]:
    """The entry's method as a code (the first wave stored Chinese names); none: 'other'."""
    return case(*((LedgerEntry.method == name, literal(code))
                  for name, code in LEGACY_METHODS.items()),
                (LedgerEntry.method.is_(None), literal("other")),
                else_=LedgerEntry.method)


def method_code_of(method: str | None) -> str:
    """``method_code`` in Python, for entries grouped by the method as stored."""
    return "other" if method is None else LEGACY_METHODS.get(method, method)


def seen_before(pid: Any, day: Any) -> ColumnElement[bool]:
    """The patient (``Patient`` joined on ``pid``) was first seen before ``day``: a visit
    before it or a legacy first-visit date before it. Merged patients never are (their
    visits moved with them). One seek on ``ix_visit_patient_date`` per patient."""
    earlier = aliased(Visit)
    return and_(Patient.merged_into_id.is_(None),
                or_(Patient.first_visit_date < day,
                    exists().where(earlier.patient_id == pid, earlier.visit_date < day)))


def seen_in(b: Bounds, *, by_doctor: bool = False) -> Subquery:
    """One row per patient seen in the period (per doctor and patient with ``by_doctor``):
    ``pid`` (``did``), ``n`` visits, ``earlier`` 1 when first seen before the period, ``new``
    1 when first seen in it (neither for a merged patient). The visits are read through
    ``ix_visit_patient_date``; only the period's patients are looked up, not every patient
    (see ``first_days``, which is the definition)."""
    keys = [Visit.doctor_id.label("did")] if by_doctor else []
    per = (select(*keys, Visit.patient_id.label("pid"), func.count().label("n"))
           .where(b.has_day(Visit.visit_date))
           .group_by(*(Visit.doctor_id for _k in keys), Visit.patient_id).subquery("per"))
    earlier = seen_before(per.c.pid, b.period.first)
    columns = [per.c.did] if by_doctor else []
    return (select(*columns, per.c.pid, per.c.n,
                   case((earlier, 1), else_=0).label("earlier"),
                   # not "NOT earlier": a missing legacy date makes that NULL, not true
                   case((Patient.merged_into_id.is_not(None), 0), (earlier, 0), else_=1)
                   .label("new"))
            .join(Patient, Patient.id == per.c.pid).subquery("seen"))


def new_unseen(b: Bounds) -> ColumnElement[int]:
    """Patients new in the period without a visit in it: first seen by the legacy date on
    their record, in the period, and no visit up to its last day."""
    visit = aliased(Visit)
    return (select(func.count()).select_from(Patient)
            .where(Patient.merged_into_id.is_(None), b.has_day(Patient.first_visit_date),
                   ~exists().where(visit.patient_id == Patient.id,
                                   visit.visit_date <= b.period.last))
            .scalar_subquery())


# A period longer than this (a quarter) reaches its visits in one pass in patient or
# treatment order rather than through ``ix_visit_date`` (see ``visit_day``).
BY_DATE_MAX_DAYS = 92


def visit_day(b: Bounds) -> ColumnElement[Any]:
    """``Visit.visit_date`` as a period's reads should compare it. Up to a quarter (and the
    day cache, which builds a month at most at a time), SQLite finds the period's visits by
    ``ix_visit_date``: a small share of them, each looked up. A longer period holds a large
    share (at the big benchmark clinic a year is 58 %), where one pass over the treatments or
    the visits in patient order costs about half (the year's revenue by source: 1.4 s →
    0.75 s; its new patients 0.90 → 0.78 s). Left to itself, SQLite takes the date index
    whatever the range (it keeps no statistics), so a long period compares
    ``coalesce(d, d)``: the same value without the index (as ``segment_query.plain``; on
    PostgreSQL the same value too, and its planner chooses by statistics anyway)."""
    if b.period.days > BY_DATE_MAX_DAYS:
        return func.coalesce(Visit.visit_date, Visit.visit_date)
    return Visit.visit_date  # type: ignore[return-value]


def firsts_in(b: Bounds) -> Subquery:
    """``(pid, first)`` of the patients first seen in the period (``first_days`` restricted
    to it): seen in it and never before, or first seen on a legacy date in it with no visit
    up to its end. Only the period's patients are looked up (one index seek each)."""
    visit = aliased(Visit)
    per = (select(Visit.patient_id.label("pid"), func.min(Visit.visit_date).label("fv"))
           .where(b.has_day(visit_day(b))).group_by(Visit.patient_id).subquery("per"))
    recorded = Patient.first_visit_date
    seen = (select(per.c.pid, case((and_(recorded.is_not(None), recorded < per.c.fv),
                                    recorded), else_=per.c.fv).label("first"))
            .join(Patient, Patient.id == per.c.pid)
            .where(Patient.merged_into_id.is_(None),
                   or_(recorded.is_(None), recorded >= b.period.first),
                   ~exists().where(visit.patient_id == per.c.pid,
                                   visit.visit_date < b.period.first)))
    unseen = (select(Patient.id.label("pid"), recorded.label("first"))
              .where(Patient.merged_into_id.is_(None), b.has_day(recorded),
                     ~exists().where(visit.patient_id == Patient.id,
                                     visit.visit_date <= b.period.last)))
    return union_all(seen, unseen).subquery("firsts")


def first_days() -> Subquery:
    """``(pid, first)``: the first day each patient was seen — the earlier of
    ``Patient.first_visit_date`` (kept from legacy records) and their first visit. Patients
    merged into another are left out (their visits moved with them)."""
    seen = (select(Visit.patient_id.label("pid"), func.min(Visit.visit_date).label("first"))
            .group_by(Visit.patient_id).subquery("seen"))
    recorded = Patient.first_visit_date
    first = case((recorded.is_(None), seen.c.first), (seen.c.first.is_(None), recorded),
                 (recorded < seen.c.first, recorded), else_=seen.c.first)
    return (select(Patient.id.label("pid"), first.label("first"))
            .outerjoin(seen, seen.c.pid == Patient.id)
            .where(Patient.merged_into_id.is_(None)).subquery("firsts"))
