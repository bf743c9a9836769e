"""The import expands its care plans its own way (a task is only made for what is kept): the
tasks, their order and the count dropped are those of ``expand_plan`` then
``filter_imported``, for every plan shape and every kind of day (month ends, leap days,
midnight and noon)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clinic_desktop.package_data import resource
from clinic_desktop.rules.care_plans import (
    CarePlan,
    expand_plan,
    filter_imported,
    plan_from_dict,
    plans_from_json,
)
from clinic_desktop.services.care import (
    ImportedTreatment,
    ImportPlans,
    _kept_tasks,
    expand_imported,
)

SH = ZoneInfo("Asia/Shanghai")
IMPORTED = date(2026, 11, 24)


def _plans() -> list[CarePlan]:
    plans = plans_from_json(resource("templates/care_plans.json").read_text(encoding="utf-8"))
    # Steps falling on the same instant (stable order), every unit, a repeat past the steps.
    odd = plan_from_dict({
        "key": "odd", "name": "odd", "categories": ["x"], "repeat_until_years": 1,
        "repeat": {"amount": 2, "unit": "weeks"}, "steps": [
            {"key": k, "offset": {"amount": a, "unit": u}, "kind": "recall", "title": k}
            for k, a, u in (("a", 30, "days"), ("b", 1, "months"), ("c", 720, "hours"),
                            ("d", 0, "days"), ("e", 1, "years"), ("f", 4, "weeks"))]})
    return [*plans, odd]


def _days() -> list[date]:
    days = [date(2020, 1, 1) + timedelta(days=n) for n in range(0, 8 * 366, 5)]
    for year in range(2020, 2028):
        days += [date(year, m + 1, 1) - timedelta(days=1) for m in range(1, 12)]
        days.append(date(year, 12, 31))
    return [*days, date(2024, 2, 29), IMPORTED - timedelta(days=30), IMPORTED]


def test_kept_tasks_are_what_expanding_then_filtering_gives() -> None:
    cutoff = IMPORTED - timedelta(days=30)
    checked = kept = 0
    for plan in _plans():
        for day in _days():
            for hour in (0, 12):
                at = datetime.combine(day, time(hour), SH)
                wanted = filter_imported(expand_plan(plan, treated_at=at, treatment_key=""),
                                         import_date=IMPORTED)
                assert _kept_tasks(plan, at, cutoff) == wanted, (plan.key, at)
                checked, kept = checked + 1, kept + len(wanted[0])
    assert checked > 10_000 and kept > 1_000  # both kept and dropped tasks were compared


def test_treatments_of_one_day_share_an_expansion_and_keep_their_places() -> None:
    plans = ImportPlans(_plans(), IMPORTED)
    noon = datetime.combine(IMPORTED - timedelta(days=200), time(12), SH)
    treatments = [ImportedTreatment(0, 1, "种植牙", "种植", None, noon),
                  ImportedTreatment(0, 2, "复查", "检查", None, noon),
                  ImportedTreatment(0, 3, "种植牙", "种植", 7, noon)]
    care = expand_imported(plans, treatments)
    assert [index for index, _tasks in care.work] == [0, 2]
    assert care.work[0][1] is care.work[1][1]  # one expansion for the day
    implant = next(p for p in plans.plans if p.key == "implant")
    wanted, dropped = filter_imported(expand_plan(implant, treated_at=noon, treatment_key=""),
                                      import_date=IMPORTED)
    assert care.work[0][1] == wanted and (care.created, care.skipped) == (2 * len(wanted),
                                                                          2 * dropped)
    assert care.by_plan == {implant.name: 2 * len(wanted)}
