"""The clinic's care plans as a set: create one, copy one, retire one and bring it back.

Editing a plan's steps and triggers is ``care.save_plan``; which plans a treatment starts is
``care.active_plans``. A retired plan starts nothing new, but the tasks it already made stay
on the callback list and in the patients' histories, and the plan itself is kept (so its
name still explains those tasks, and it can be restored).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.care_plans import CarePlan, Offset, PlanStep, plan_from_dict, plan_to_dict
from clinic_desktop.services.care import OPEN, ensure_default_plans, list_plans
from clinic_desktop.storage.models.care import CarePlanRecord, CareTask

NAME_LENGTH = 64  # care_plan.name


@dataclass(frozen=True)
class PlanState:
    """A plan with what the plans page shows beside it."""

    plan: CarePlan
    active: bool
    open_tasks: int  # tasks it made that are still pending or due


def plan_overview(ctx: Context, *, count_tasks: bool = True) -> list[PlanState]:
    """Every plan, the active ones first (in the order they were made), then the retired.
    ``count_tasks=False`` skips counting open tasks (a pass over every open task: the
    callback page's plan filter needs only the names)."""
    list_plans(ctx)  # the shipped plans, on first look
    with ctx.transaction() as session:
        counts: dict[str | None, int] = {}
        if count_tasks:
            counts = {key: count for key, count in session.execute(
                select(CareTask.plan_key, func.count(CareTask.id))
                .where(CareTask.status.in_(OPEN), CareTask.plan_key.is_not(None))
                .group_by(CareTask.plan_key))}
        rows = session.execute(select(CarePlanRecord).order_by(
            CarePlanRecord.active.desc(), CarePlanRecord.id)).scalars().all()
        return [PlanState(plan_from_dict(json.loads(r.definition_json)), r.active,
                          counts.get(r.key, 0)) for r in rows]


def _checked_name(session: Session, name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError(_("请填写计划名称。"), field="name")
    if len(name) > NAME_LENGTH:
        raise UserError(_("计划名称最多 {n} 个字。", n=NAME_LENGTH), field="name")
    if session.execute(select(CarePlanRecord.id).where(
            CarePlanRecord.name == name, CarePlanRecord.active.is_(True))).first():
        raise UserError(_("已有名为“{name}”的随访计划。", name=name), field="name")
    return name


def _new_key(session: Session) -> str:
    taken = set(session.execute(select(CarePlanRecord.key)).scalars())
    number = len(taken) + 1
    while f"plan{number}" in taken:
        number += 1
    return f"plan{number}"


def _add(ctx: Context, session: Session, plan: CarePlan) -> None:
    session.add(CarePlanRecord(key=plan.key, name=plan.name, updated_at=ctx.now(),
                               definition_json=json.dumps(plan_to_dict(plan),
                                                          ensure_ascii=False)))
    session.flush()


def create_plan(ctx: Context, *, name: str) -> CarePlan:
    """A new plan with one step (a call the day after) and no trigger yet: it starts nothing
    until procedures are chosen for it."""
    ctx.require(Permission.CARE_PLANS_MANAGE)
    with ctx.transaction(write=True) as session:
        ensure_default_plans(session, ctx.now())
        plan = CarePlan(key=_new_key(session), name=_checked_name(session, name),
                        categories=(), procedures=(),
                        steps=(PlanStep("s1", Offset(1, "days"), "followup_call",
                                        _("术后回访"), "nurse", 2, 2),))
        _add(ctx, session, plan)
        ctx.audit(session, "care.plan_create", "care_plan", plan.key, plan.name)
        return plan


def _row(session: Session, key: str) -> CarePlanRecord:
    row = session.execute(select(CarePlanRecord).where(
        CarePlanRecord.key == key)).scalar_one_or_none()
    if row is None:
        raise NotFound(_("找不到该随访计划。"))
    return row


def duplicate_plan(ctx: Context, key: str, *, name: str | None = None) -> CarePlan:
    """A copy of a plan's steps under a new name, without its trigger procedures: a treatment
    never starts both the plan and its copy."""
    ctx.require(Permission.CARE_PLANS_MANAGE)
    with ctx.transaction(write=True) as session:
        source = plan_from_dict(json.loads(_row(session, key).definition_json))
        if name is None:
            name, number = _("{name}（副本）", name=source.name), 2
            while session.execute(select(CarePlanRecord.id).where(
                    CarePlanRecord.name == name, CarePlanRecord.active.is_(True))).first():
                name = _("{name}（副本 {n}）", name=source.name, n=number)
                number += 1
        plan = replace(source, key=_new_key(session), name=_checked_name(session, name),
                       procedures=(), categories=())
        _add(ctx, session, plan)
        ctx.audit(session, "care.plan_duplicate", "care_plan", plan.key,
                  f"{plan.name} <- {source.key}")
        return plan


def retire_plan(ctx: Context, key: str) -> int:
    """The plan starts nothing new; returns how many of its open tasks stay on the list."""
    ctx.require(Permission.CARE_PLANS_MANAGE)
    with ctx.transaction(write=True) as session:
        row = _row(session, key)
        if not row.active:
            raise UserError(_("该随访计划已停用。"))
        row.active, row.updated_at = False, ctx.now()
        kept = session.execute(select(func.count(CareTask.id)).where(
            CareTask.plan_key == key, CareTask.status.in_(OPEN))).scalar_one()
        ctx.audit(session, "care.plan_retire", "care_plan", key,
                  f"{row.name}: {kept} open tasks kept")
        return int(kept)


def restore_plan(ctx: Context, key: str) -> None:
    """A retired plan starts tasks again (for treatments completed from now on)."""
    ctx.require(Permission.CARE_PLANS_MANAGE)
    with ctx.transaction(write=True) as session:
        row = _row(session, key)
        if row.active:
            raise UserError(_("该随访计划正在使用中。"))
        if session.execute(select(CarePlanRecord.id).where(
                CarePlanRecord.name == row.name, CarePlanRecord.active.is_(True))).first():
            raise UserError(_("已有名为“{name}”的随访计划。", name=row.name), field="name")
        row.active, row.updated_at = True, ctx.now()
        ctx.audit(session, "care.plan_restore", "care_plan", key, row.name)
