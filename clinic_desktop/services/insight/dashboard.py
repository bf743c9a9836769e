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
    grouped_in,
)
from clinic_desktop.services.insight.common import checked
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
        return Dashboard(Summary(current, previous, last_year),
                         tuple(grouped_in(session, period, PROCEDURE)),
                         tuple(grouped_in(session, period, CATEGORY)),
                         tuple(grouped_in(session, period, SOURCE)),
                         tuple(doctors_in(session, period)))
