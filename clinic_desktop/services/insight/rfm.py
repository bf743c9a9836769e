"""RFM over a window of months: each patient seen in the window gets recency, frequency and
monetary scores 1–5 and one of the eight groups (``rules.rfm``).

The window is the last ``months`` months of clinic days, today included. Recency is the last
visit; frequency the visits in the window; monetary the spend in the window (charges less
discounts, reversals netted, in fen). The per-patient figures are one SQL read (``_figures``):
one grouped pass over the visits in patient order, each seen patient's spend summed from two
ranges of the ledger's (patient_id, kind, at, amount) index, and the patient's row.

The list and the groups' counts rank them in Python (``rules.rfm.quintiles``: counting, a
few ms per figure for 64k patients), with the cycle collector held off while the rows are
read and built. The segment criterion needs the groups inside a query: a score is high (3 or
more) exactly when the value is above the ⌈2n/5⌉-th smallest of the ``n`` values, so SQL
finds those three values (a sort each) and compares (``with_high_flags``), instead of ranking
every patient three times with window functions. Both give what ``quintiles`` gives, ties
included; tests hold them to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import CTE, ColumnElement, Select, case, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.gc_pause import no_cycle_collection
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, phone_for
from clinic_desktop.rules.periods import Period, utc_bounds
from clinic_desktop.rules.rfm import (
    HIGH_FROM,
    RfmGroup,
    group_label,
    group_of,
    quintiles,
)
from clinic_desktop.services.insight.segment_query import (
    months_back,
    plain,
    spend_of,
    today_in,
)
from clinic_desktop.storage.models.clinical import Visit
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


def _seen(period: Period) -> Select[int, date, int]:
    """patient_id, last, visits of every patient seen in ``period``: one pass over the visits'
    (patient, date) index in patient order, so the grouping needs no sort (``plain``: with
    the dates compared as they are, SQLite would read the period from the (date, …) index and
    sort its 170,000 visits by patient instead)."""
    return (select(Visit.patient_id.label("patient_id"),
                   func.max(Visit.visit_date).label("last"), func.count().label("visits"))
            .where(plain(Visit.visit_date).between(period.first, period.last))
            .group_by(Visit.patient_id))


def _figures(period: Period, zone: ZoneInfo,
             *extra: InstrumentedAttribute[Any]) -> Select[tuple[Any, ...]]:
    """patient_id, last, visits, spend (fen) and ``extra`` patient columns of every current
    patient seen in ``period``. The spend is two seeks per patient in the ledger's
    (patient_id, kind, at, amount) index (``spend_of``): fewer instructions than grouping
    the window's 180,000 entries by patient (a sort) and joining that, or grouping every
    patient's entries (a million)."""
    seen = _seen(period).subquery("seen")
    low, high = utc_bounds(period, zone)
    return (select(seen.c.patient_id, seen.c.last, seen.c.visits,
                   spend_of(seen.c.patient_id, low, high).label("spend"), *extra)
            .join(Patient, Patient.id == seen.c.patient_id)
            .where(Patient.archived.is_(False), Patient.merged_into_id.is_(None)))


def figures_cte(today: date, zone: ZoneInfo, months: int) -> CTE:
    """``_figures`` of the window as a CTE (patient_id, last, visits, spend), read once by the
    statements that rank it in SQL."""
    return _figures(window(today, months), zone).cte("rfm_figures")


def with_high_flags(figures: CTE) -> Select[int, int, int, int, int]:
    """patient_id, spend and R, F, M high (1 for a score of 3 or more, else 0) of each row
    of ``figures``.

    A value's score is ``1 + 5 × smaller // n`` (``rules.rfm.quintile``), so it is 3
    (``HIGH_FROM``) or more exactly when ``smaller ≥ ⌈2n/5⌉ = k``: when the value is above
    the k-th smallest value. That value is one sorted read per figure (``ORDER BY … LIMIT 1
    OFFSET k − 1``), read once into a one-row CTE; ties need nothing more (a value equal to
    the k-th smallest has fewer than k values below it)."""
    c = figures.c
    n = select(func.count()).select_from(figures).scalar_subquery()
    k = ((HIGH_FROM - 1) * n + 4) // 5  # ⌈(HIGH_FROM − 1)·n / 5⌉, in integers on both engines
    # never negative (PostgreSQL refuses it); with no rows nothing is compared anyway
    offset = case((n > 0, k - 1), else_=0)

    def kth(column: ColumnElement[Any]) -> ColumnElement[Any]:
        return select(column).order_by(column).limit(1).offset(offset).scalar_subquery()

    cut = select(kth(c.last).label("last"), kth(c.visits).label("visits"),
                 kth(c.spend).label("spend")).cte("rfm_cutoffs")

    def high(name: str, label: str) -> ColumnElement[int]:
        return case((c[name] > cut.c[name], 1), else_=0).label(label)

    return (select(c.patient_id, c.spend, high("last", "r_high"), high("visits", "f_high"),
                   high("spend", "m_high"))
            .select_from(figures).join(cut, true()))


def _check_months(months: int) -> None:
    if not 1 <= months <= 120:
        raise UserError(_("RFM 统计月数应在 1 到 120 之间。"), field="months")


def _yuan_of(fen: Iterable[int]) -> list[Decimal]:
    """Fen as yuan with two places; each distinct amount converted once."""
    fen = list(fen)
    yuan = {value: Decimal(value).scaleb(-2) for value in set(fen)}
    return list(map(yuan.__getitem__, fen))


def _groups() -> list[list[list[RfmGroup]]]:
    """``[r][f][m]`` → group, for scores 1–5 (a list lookup per patient, not a function)."""
    return [[[group_of(r, f, m) for m in range(6)] for f in range(6)] for r in range(6)]


@dataclass(frozen=True)
class _Ranked:
    ids: tuple[int, ...]
    columns: tuple[tuple[Any, ...], ...]  # the ``extra`` columns asked for
    lasts: tuple[date, ...]
    visits: tuple[int, ...]
    spends: list[int]  # fen
    r: list[int]
    f: list[int]
    m: list[int]


def _ranked(session: Session, today: date, zone: ZoneInfo, months: int,
            *extra: InstrumentedAttribute[Any]) -> _Ranked | None:
    """Every current patient seen in the window, column by column, with their scores (None:
    nobody seen). Call it with the cycle collector held off (``gc_pause``): 64k rows."""
    rows = session.connection().execute(_figures(window(today, months), zone, *extra)).all()
    if not rows:
        return None
    ids, lasts, visits, spent, *columns = zip(*rows, strict=True)
    spends = [int(s) for s in spent]  # PostgreSQL sums integers as numeric
    return _Ranked(ids, tuple(columns), lasts, visits, spends, quintiles(lasts), quintiles(visits),
                   quintiles(spends))


def _frozen_rows(cls: type[RfmRow], *columns: Sequence[Any]) -> list[RfmRow]:
    """One ``cls`` per position of ``columns`` (its fields in order), made as unpickling
    makes a frozen dataclass: ``__new__``, then the instance's dict filled. The generated
    ``__init__`` sets each field through ``object.__setattr__``, which at 64k rows takes half
    as long again; the rows are the same (equal, hashed and frozen alike: a test holds it)."""
    names = [f.name for f in fields(cls)]
    made: list[RfmRow] = []
    new, append = object.__new__, made.append
    for values in zip(*columns, strict=True):
        row = new(cls)
        row.__dict__.update(zip(names, values, strict=True))
        append(row)
    return made


def rfm_in(session: Session, today: date, zone: ZoneInfo, months: int,
           phone: Callable[[str | None], str | None] | None = None) -> list[RfmRow]:
    """Every current patient seen in the window, best scores first (then the bigger spender,
    then by code); ``phone`` (``permissions.phone_for``) shows each number."""
    with no_cycle_collection():  # 64k rows, all kept: see ``gc_pause``
        ranked = _ranked(session, today, zone, months, Patient.code, Patient.name,
                         Patient.mobile)
        if ranked is None:
            return []
        (codes, names, phones), spends = ranked.columns, ranked.spends
        r, f, m = ranked.r, ranked.f, ranked.m
        group = _groups()
        rows = _frozen_rows(RfmRow, ranked.ids, codes, names,
                            phones if phone is None else list(map(phone, phones)), r, f, m,
                            [group[a][b][c] for a, b, c in zip(r, f, m, strict=True)],
                            ranked.lasts, ranked.visits, _yuan_of(spends))
        # best scores first, then the bigger spender, then by code: stable sorts, last key
        totals = list(map(int.__add__, map(int.__add__, r, f), m))
        order = sorted(range(len(rows)), key=codes.__getitem__)
        order.sort(key=spends.__getitem__, reverse=True)
        order.sort(key=totals.__getitem__, reverse=True)
        return [rows[i] for i in order]


def rfm_scores(ctx: Context, *, months: int = DEFAULT_MONTHS) -> list[RfmRow]:
    """Every patient seen in the last ``months`` months, best scores first."""
    ctx.require(Permission.REPORTS_VIEW)
    _check_months(months)
    with ctx.transaction() as session:
        today = today_in(session, ctx.now())
        return rfm_in(session, today.day, today.zone, months, phone_for(ctx))


def rfm_group_counts(ctx: Context, *, months: int = DEFAULT_MONTHS) -> list[RfmGroupCount]:
    """``group_counts(rfm_scores(...))`` without a row per patient: what the segments page
    shows. Ranked in Python as the list is: SQL would sort the 64k figures three times to find
    the cut-offs (``with_high_flags``), which costs more than reading them."""
    ctx.require(Permission.REPORTS_VIEW)
    _check_months(months)
    counts = {g: 0 for g in RfmGroup}
    spend = {g: 0 for g in RfmGroup}
    with ctx.transaction() as session, no_cycle_collection():
        today = today_in(session, ctx.now())
        ranked = _ranked(session, today.day, today.zone, months)
        if ranked is not None:
            group = _groups()
            for r, f, m, fen in zip(ranked.r, ranked.f, ranked.m, ranked.spends, strict=True):
                counts[group[r][f][m]] += 1
                spend[group[r][f][m]] += fen
    return [RfmGroupCount(g, group_label(g), counts[g], Decimal(spend[g]).scaleb(-2))
            for g in RfmGroup]


def group_counts(rows: Iterable[RfmRow]) -> list[RfmGroupCount]:
    """The eight groups in their fixed order, with how many patients and their spend."""
    counts = {g: 0 for g in RfmGroup}
    spend = {g: Decimal("0.00") for g in RfmGroup}
    for row in rows:
        counts[row.group] += 1
        spend[row.group] += row.spend
    return [RfmGroupCount(g, group_label(g), counts[g], spend[g]) for g in RfmGroup]
