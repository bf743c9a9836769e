"""The dashboard's first screen in one read: the summary with its comparisons, and revenue
by procedure, category, source and doctor (the other tabs load when opened)."""

from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.breakdowns import (
    CATEGORY,
    PROCEDURE,
    SOURCE,
    BreakdownRow,
    DoctorRow,
    doctors_in,
    rows_of,
    totals_in,
)
from clinic_desktop.services.insight.common import bounds_of, checked
from clinic_desktop.services.insight.summary import Summary, figures_in


@dataclass(frozen=True)
class Dashboard:
    summary: Summary
    by_procedure: tuple[BreakdownRow, ...]
    by_category: tuple[BreakdownRow, ...]
    by_source: tuple[BreakdownRow, ...]
    doctors: tuple[DoctorRow, ...]


def dashboard(ctx: Context, period: Period) -> Dashboard:
    ctx.require(Permission.REPORTS_VIEW)
    checked(period)
    with ctx.transaction() as session:
        current, previous, last_year = figures_in(
            session, [period, period.previous(), period.year_before()])
        # the period's treatment lines read once for the four breakdowns
        grouped = totals_in(session, bounds_of(session, period))
        return Dashboard(Summary(current, previous, last_year),
                         tuple(rows_of(grouped, PROCEDURE)), tuple(rows_of(grouped, CATEGORY)),
                         tuple(rows_of(grouped, SOURCE)),
                         tuple(doctors_in(session, period, grouped)))
