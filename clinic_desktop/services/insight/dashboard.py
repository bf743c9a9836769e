"""The dashboard's first screen in one read: the summary with its comparisons, and revenue
by procedure, category, source and doctor (the other tabs load when opened).

The days are read from the per-day cache (``day_cache``, kept on SQLite and PostgreSQL),
built first for the days it lacks; when another writer keeps changing the days being read,
straight from the visits and the ledger. Both give the same figures (a test compares them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight import day_cache
from clinic_desktop.services.insight.breakdowns import (
    CATEGORY,
    DOCTOR,
    PROCEDURE,
    SOURCE,
    BreakdownRow,
    DoctorRow,
    Grouped,
    doctor_rows,
    doctors_in,
    rows_of,
    totals_in,
)
from clinic_desktop.services.insight.common import bounds_of, checked, new_unseen
from clinic_desktop.services.insight.summary import (
    Figures,
    Summary,
    appointments_in,
    figures_in,
    figures_of,
)

# A day rebuilt by this read can be invalidated again by a writer before the read starts;
# after this many tries the read goes to the visits and the ledger directly.
TRIES = 3


@dataclass(frozen=True)
class Dashboard:
    summary: Summary
    by_procedure: tuple[BreakdownRow, ...]
    by_category: tuple[BreakdownRow, ...]
    by_source: tuple[BreakdownRow, ...]
    doctors: tuple[DoctorRow, ...]


def dashboard(ctx: Context, period: Period,
              progress: Callable[[int, int], None] | None = None) -> Dashboard:
    """``progress(days, of)`` while days missing from the cache are built (see
    ``day_cache.ensure``)."""
    ctx.require(Permission.REPORTS_VIEW)
    checked(period)
    periods = [period, period.previous(), period.year_before()]
    for _try in range(TRIES):
        day_cache.ensure(ctx, periods, progress)
        with ctx.transaction() as session:
            day_cache.snapshot(session)
            if not day_cache.usable(session):
                break
            if day_cache.complete(session, periods):
                return cached_dashboard(session, period)
    with ctx.transaction() as session:
        day_cache.snapshot(session)
        return direct_dashboard(session, period)


def direct_dashboard(session: Session, period: Period) -> Dashboard:
    """The dashboard from the visits and the ledger."""
    current, previous, last_year = figures_in(
        session, [period, period.previous(), period.year_before()])
    # the period's treatment lines read once for the four breakdowns
    grouped = totals_in(session, bounds_of(session, period))
    return Dashboard(Summary(current, previous, last_year),
                     tuple(rows_of(grouped, PROCEDURE)), tuple(rows_of(grouped, CATEGORY)),
                     tuple(rows_of(grouped, SOURCE)),
                     tuple(doctors_in(session, period, grouped)))


def cached_dashboard(session: Session, period: Period) -> Dashboard:
    """The dashboard from the per-day cache (every day of the three periods built)."""
    periods = [period, period.previous(), period.year_before()]
    unique = list(dict.fromkeys(periods))
    bounds = [bounds_of(session, p) for p in unique]
    appointments = appointments_in(session, bounds)
    read: dict[Period, Figures] = {}
    current = day_cache.totals(session, period, breakdowns=True)
    for b, counts in zip(bounds, appointments, strict=True):
        found = current if b.period == period else day_cache.totals(session, b.period,
                                                                    breakdowns=False)
        new, returning = found.split(found.seen, b.period.first)
        unseen = int(session.execute(select(new_unseen(b))).scalar_one())
        read[b.period] = figures_of(b.period, found.money,
                                    (found.visits, found.patients_seen(), returning),
                                    new + unseen, counts)
    grouped: Grouped = {what: {key: (round(amount), visits, len(pids))
                               for key, (amount, visits, pids) in current.groups[what].items()}
                        for what in (PROCEDURE, CATEGORY, SOURCE)}
    doctors = []
    money: dict[int | None, int] = {}
    for key, (amount, visits, pids) in current.groups[DOCTOR].items():
        did = int(key) if key else None
        money[did] = round(amount)
        doctors.append((did, visits, len(pids), *current.split(pids, period.first)))
    return Dashboard(Summary(*(read[p] for p in periods)),
                     tuple(rows_of(grouped, PROCEDURE)), tuple(rows_of(grouped, CATEGORY)),
                     tuple(rows_of(grouped, SOURCE)),
                     tuple(doctor_rows(session, bounds_of(session, period), doctors, money)))
