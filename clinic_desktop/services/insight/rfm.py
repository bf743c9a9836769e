"""RFM over a window of months: each patient seen in the window gets recency, frequency and
monetary scores 1–5 and one of the eight groups (``rules.rfm``).

The window is the last ``months`` months of clinic days, today included. Recency is the last
visit; frequency the visits in the window; monetary the spend in the window (charges less
discounts, reversals netted, in fen). Ranks and scores are computed in SQL (``rank()`` and
``count()`` window functions, integer arithmetic: the same on SQLite and PostgreSQL); Python
only names each row's group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, Subquery, func, select, type_coerce
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period, utc_bounds
from clinic_desktop.rules.rfm import RfmGroup, group_label, group_of
from clinic_desktop.services.insight.segment_query import months_back, spend_expr, today_in
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.patient import Patient

DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class RfmRow:
    patient_id: int
    code: str
    name: str
    phone: str | None
    r: int
    f: int
    m: int
    group: RfmGroup
    last_visit: date
    visits: int  # in the window
    spend: Decimal  # yuan, in the window


@dataclass(frozen=True)
class RfmGroupCount:
    group: RfmGroup
    label: str
    patients: int
    spend: Decimal  # yuan, the group's spend in the window


def window(today: date, months: int) -> Period:
    """The last ``months`` months of days, today included."""
    return Period(months_back(today, months) + timedelta(days=1), today)


def _score(rank: ColumnElement[int], count: ColumnElement[int]) -> ColumnElement[int]:
    # 1 + 5 × (rank − 1) // n: ``//`` is integer division on both engines (rules.rfm.quintile)
    return type_coerce(1 + (5 * (rank - 1)) // count, Integer)


def scores_subquery(today: date, zone: ZoneInfo, months: int) -> Subquery:
    """patient_id, last, visits, spend (fen), r, f, m of every current patient seen in the
    window."""
    period = window(today, months)
    low, high = utc_bounds(period, zone)
    seen = (select(Visit.patient_id.label("patient_id"),
                   func.max(Visit.visit_date).label("last"),
                   func.count(Visit.id).label("visits"))
            .where(Visit.visit_date >= period.first, Visit.visit_date <= period.last)
            .group_by(Visit.patient_id).subquery("seen"))
    money = (select(LedgerEntry.patient_id.label("patient_id"),
                    func.sum(spend_expr()).label("spend"))
             .where(LedgerEntry.kind.in_(("charge", "discount")), LedgerEntry.at >= low,
                    LedgerEntry.at < high)
             .group_by(LedgerEntry.patient_id).subquery("money"))
    spend = type_coerce(func.coalesce(money.c.spend, 0), Integer)
    base = (select(seen.c.patient_id, seen.c.last, seen.c.visits, spend.label("spend"))
            .join(Patient, Patient.id == seen.c.patient_id)
            .outerjoin(money, money.c.patient_id == seen.c.patient_id)
            .where(Patient.archived.is_(False), Patient.merged_into_id.is_(None))
            .subquery("base"))
    n = func.count().over()
    return select(
        base.c.patient_id, base.c.last, base.c.visits, base.c.spend,
        _score(func.rank().over(order_by=base.c.last), n).label("r"),
        _score(func.rank().over(order_by=base.c.visits), n).label("f"),
        _score(func.rank().over(order_by=base.c.spend), n).label("m"),
    ).subquery("scored")


def _check_months(months: int) -> None:
    if not 1 <= months <= 120:
        raise UserError(_("RFM 统计月数应在 1 到 120 之间。"), field="months")


def rfm_in(session: Session, today: date, zone: ZoneInfo, months: int) -> list[RfmRow]:
    scored = scores_subquery(today, zone, months)
    rows = session.execute(
        select(scored.c.patient_id, Patient.code, Patient.name, Patient.mobile, scored.c.r,
               scored.c.f, scored.c.m, scored.c.last, scored.c.visits, scored.c.spend)
        .join(Patient, Patient.id == scored.c.patient_id)
        .order_by((scored.c.r + scored.c.f + scored.c.m).desc(), scored.c.spend.desc(),
                  Patient.code)).all()
    cents = Decimal("0.01")
    return [RfmRow(pid, code, name, phone, int(r), int(f), int(m),
                   group_of(int(r), int(f), int(m)), last, int(visits),
                   (Decimal(int(spend)) / 100).quantize(cents))
            for pid, code, name, phone, r, f, m, last, visits, spend in rows]


def rfm_scores(ctx: Context, *, months: int = DEFAULT_MONTHS) -> list[RfmRow]:
    """Every patient seen in the last ``months`` months, best scores first."""
    ctx.require(Permission.REPORTS_VIEW)
    _check_months(months)
    with ctx.transaction() as session:
        today = today_in(session, ctx.now())
        return rfm_in(session, today.day, today.zone, months)


def group_counts(rows: list[RfmRow]) -> list[RfmGroupCount]:
    """The eight groups in their fixed order, with how many patients and their spend."""
    counts = {g: 0 for g in RfmGroup}
    spend = {g: Decimal("0.00") for g in RfmGroup}
    for row in rows:
        counts[row.group] += 1
        spend[row.group] += row.spend
    return [RfmGroupCount(g, group_label(g), counts[g], spend[g]) for g in RfmGroup]
