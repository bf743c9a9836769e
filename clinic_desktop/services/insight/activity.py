"""Active, dormant and lost patients by whole months since their last visit, and the
built-in segments (high-value treatment, one visit only) as ready-made rules.

The thresholds are the clinic's settings (``activity_settings``): active while the last
visit is less than ``dormant_months`` ago, dormant until ``lost_months``, lost after; a
patient with no visit at all is counted apart (``never``). One SQL statement counts them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.insight.segment_query import last_visit_of, months_back, today_in
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.storage.models.patient import Patient

# A one-visit patient counts as "never returned" once this long has passed since the visit.
ONE_VISIT_MONTHS = 3


@dataclass(frozen=True)
class ActivityCounts:
    active: int
    dormant: int
    lost: int
    never: int  # no visit recorded
    dormant_months: int
    lost_months: int


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def activity_counts(ctx: Context) -> ActivityCounts:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        today = today_in(session, ctx.now())
        dormant_from = months_back(today.day, today.dormant_months)
        lost_from = months_back(today.day, today.lost_months)
        last = last_visit_of(Patient.id).label("last")
        per_patient = (select(last).where(Patient.archived.is_(False),
                                          Patient.merged_into_id.is_(None)).subquery())
        c = per_patient.c.last
        row = session.execute(select(
            _count(c > dormant_from), _count(and_(c <= dormant_from, c > lost_from)),
            _count(c <= lost_from), _count(c.is_(None)))).one()
        active, dormant, lost, never = (int(v) for v in row)
        return ActivityCounts(active, dormant, lost, never, today.dormant_months,
                              today.lost_months)


@dataclass(frozen=True)
class BuiltIn:
    key: str
    label: str
    rules: SegmentRules


def built_in_segments() -> list[BuiltIn]:
    """The segments offered one click each (the RFM groups are listed by ``rfm``)."""
    return [
        BuiltIn("active", _("活跃患者"), SegmentRules(activity="active")),
        BuiltIn("dormant", _("沉睡患者"), SegmentRules(activity="dormant")),
        BuiltIn("lost", _("流失患者"), SegmentRules(activity="lost")),
        BuiltIn("high_value", _("高价值治疗患者"), SegmentRules(high_value=True)),
        BuiltIn("one_visit", _("仅来过一次的新患者"),
                SegmentRules(visits_min=1, visits_max=1,
                             months_since_visit_min=ONE_VISIT_MONTHS)),
    ]
