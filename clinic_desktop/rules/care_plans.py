"""Care plans: named series of steps after a treatment, expanded into dated tasks.

Offsets are calendar-correct (Jan 31 + 1 month = Feb 28/29) and every planned task gets a
deterministic dedupe key from (treatment, plan, step, occurrence), so expanding the same
treatment twice — a retry, a restart, an import run again — never yields a task twice.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError

UNITS = ("hours", "days", "weeks", "months", "years")
KINDS = ("followup_call", "recall", "message")
ROLES = ("nurse", "doctor", "receptionist")
PRIORITIES = (1, 2, 3)


def unit_label(unit: str) -> str:
    """An offset unit in words (小时, 天 …); an unknown code as it is."""
    return {"hours": _("小时"), "days": _("天"), "weeks": _("周"), "months": _("个月"),
            "years": _("年")}.get(unit, unit)


def priority_label(priority: int) -> str:
    return {1: _("紧急"), 2: _("普通"), 3: _("低")}.get(priority, str(priority))


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Offset:
    amount: int
    unit: str

    def apply(self, moment: datetime) -> datetime:
        if self.unit == "hours":
            return moment + timedelta(hours=self.amount)
        if self.unit == "days":
            return moment + timedelta(days=self.amount)
        if self.unit == "weeks":
            return moment + timedelta(weeks=self.amount)
        if self.unit == "months":
            return _add_months(moment, self.amount)
        return _add_months(moment, 12 * self.amount)

    def label(self) -> str:
        return f"{self.amount} {unit_label(self.unit)}"


@dataclass(frozen=True)
class PlanStep:
    key: str
    offset: Offset
    kind: str
    title: str
    assigned_role: str = "nurse"
    priority: int = 2
    window_days: int = 14
    template_key: str | None = None  # the message a "message" step sends (None: the default)
    # A recall's automatic notice goes this many days before it is due (None: the clinic's
    # setting): a 1-day check-up wants none, a yearly one a fortnight.
    notice_days: int | None = None


@dataclass(frozen=True)
class CarePlan:
    key: str
    name: str
    categories: tuple[str, ...]
    steps: tuple[PlanStep, ...]
    repeat: Offset | None = None  # after the last step, again every ``repeat``
    repeat_until_years: int = 3
    # The procedures that start the plan; when empty, any procedure of ``categories`` does.
    # Naming them keeps a check-up (种植复查) from starting the implant plan again.
    procedures: tuple[str, ...] = ()

    def starts_with(self, procedure: str | None, category: str | None) -> bool:
        if self.procedures:
            return procedure in self.procedures
        return category in self.categories


@dataclass(frozen=True)
class PlannedTask:
    dedupe_key: str
    plan_key: str
    step_key: str
    kind: str
    title: str
    due_at: datetime
    assigned_role: str
    priority: int
    window_days: int


def expand_plan(plan: CarePlan, *, treated_at: datetime, treatment_key: str) -> list[PlannedTask]:
    tasks = [
        PlannedTask(f"{treatment_key}:{plan.key}:{step.key}:0", plan.key, step.key, step.kind,
                    step.title, step.offset.apply(treated_at), step.assigned_role,
                    step.priority, step.window_days)
        for step in plan.steps
    ]
    if plan.repeat is not None and plan.steps:
        last = plan.steps[-1]
        horizon = _add_months(treated_at, 12 * plan.repeat_until_years)
        due, occurrence = last.offset.apply(treated_at), 1
        while True:
            due = plan.repeat.apply(due)
            if due > horizon:
                break
            tasks.append(PlannedTask(
                f"{treatment_key}:{plan.key}:{last.key}:{occurrence}", plan.key, last.key,
                last.kind, last.title, due, last.assigned_role, last.priority,
                last.window_days))
            occurrence += 1
    return sorted(tasks, key=lambda t: t.due_at)


def filter_imported(tasks: Iterable[PlannedTask], *, import_date: date,
                    lookback_days: int = 30) -> tuple[list[PlannedTask], int]:
    """Tasks due from ``lookback_days`` before the import onward, and how many were skipped
    (a message step never: it is about the day of the treatment, not its history)."""
    cutoff = import_date - timedelta(days=lookback_days)
    kept, skipped = [], 0
    for task in tasks:
        if task.due_at.date() >= cutoff and task.kind != "message":
            kept.append(task)
        else:
            skipped += 1
    return kept, skipped


def _step_from(data: dict[str, Any], index: int) -> PlanStep:
    where = _("第 {n} 步", n=index + 1)
    offset = data.get("offset") or {}
    if offset.get("unit") not in UNITS:
        raise RuleError("unit", _("{where}的偏移单位“{unit}”无效。", where=where,
                                  unit=offset.get("unit")))
    if not isinstance(offset.get("amount"), int) or offset["amount"] < 0:
        raise RuleError("amount", _("{where}的偏移数量必须是非负整数。", where=where))
    if data.get("kind") not in KINDS:
        raise RuleError("kind", _("{where}的类型“{kind}”无效。", where=where,
                                  kind=data.get("kind")))
    if data.get("role", "nurse") not in ROLES:
        raise RuleError("role", _("{where}的负责角色无效。", where=where))
    if not str(data.get("title", "")).strip():
        raise RuleError("title", _("{where}缺少标题。", where=where))
    if data.get("priority", 2) not in PRIORITIES:
        raise RuleError("priority", _("{where}的优先级无效。", where=where))
    if not isinstance(data.get("window_days", 14), int) or data.get("window_days", 14) < 0:
        raise RuleError("window_days", _("{where}的复查窗口必须是非负整数。", where=where))
    notice = data.get("notice_days")
    if notice is not None and (not isinstance(notice, int) or not 0 <= notice <= 60):
        raise RuleError("notice_days", _("{where}的提前通知天数应在 0 到 60 之间。",
                                         where=where))
    return PlanStep(
        key=str(data.get("key") or f"s{index + 1}"), offset=Offset(offset["amount"],
                                                                   offset["unit"]),
        kind=data["kind"], title=str(data["title"]).strip(),
        assigned_role=data.get("role", "nurse"), priority=int(data.get("priority", 2)),
        window_days=int(data.get("window_days", 14)), template_key=data.get("template"),
        notice_days=notice)


def plan_from_dict(data: dict[str, Any]) -> CarePlan:
    if not str(data.get("key", "")).strip() or not str(data.get("name", "")).strip():
        raise RuleError("name", _("随访计划缺少名称。"))
    steps = tuple(_step_from(step, i) for i, step in enumerate(data.get("steps", [])))
    if not steps:
        raise RuleError("steps", _("随访计划“{name}”没有步骤。", name=data["name"]))
    repeat = data.get("repeat")
    return CarePlan(
        key=data["key"], name=data["name"], categories=tuple(data.get("categories", [])),
        steps=steps,
        repeat=Offset(repeat["amount"], repeat["unit"]) if repeat else None,
        repeat_until_years=int(data.get("repeat_until_years", 3)),
        procedures=tuple(data.get("procedures", [])))


def plan_to_dict(plan: CarePlan) -> dict[str, Any]:
    return {
        "key": plan.key, "name": plan.name, "categories": list(plan.categories),
        "steps": [{"key": s.key, "offset": {"amount": s.offset.amount, "unit": s.offset.unit},
                   "kind": s.kind, "title": s.title, "role": s.assigned_role,
                   "priority": s.priority, "window_days": s.window_days,
                   "template": s.template_key, "notice_days": s.notice_days}
                  for s in plan.steps],
        "repeat": {"amount": plan.repeat.amount, "unit": plan.repeat.unit}
        if plan.repeat else None,
        "repeat_until_years": plan.repeat_until_years,
        "procedures": list(plan.procedures),
    }


def plans_from_json(text: str) -> list[CarePlan]:
    return [plan_from_dict(item) for item in json.loads(text)]
