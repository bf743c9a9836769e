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

from sqlalchemy import Integer, Subquery, and_, case, func, literal, select, type_coerce
from sqlalchemy.orm import Session
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
