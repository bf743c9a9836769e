"""Care plans as a set: created, copied, retired and restored — audited, with change sets,
and a retired plan's tasks kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.changes import Area
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import billing, care, care_plans
from clinic_desktop.services.audit_log import AuditFilter, list_entries
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import PatientInput, create_patient


def _keys(ctx: Context) -> list[str]:
    return [p.key for p in care.list_plans(ctx)]


def test_a_new_plan_starts_nothing_until_it_has_procedures(admin_ctx: Context) -> None:
    op = admin_ctx.fork()
    plan = care_plans.create_plan(op, name="  种植二期 回访 ")
    assert plan.name == "种植二期 回访" and plan.procedures == () and len(plan.steps) == 1
    assert op.changes.touches(Area.CARE_PLANS) and plan.key in _keys(admin_ctx)
    with pytest.raises(UserError, match="已有名为“种植二期 回访”") as refused:
        care_plans.create_plan(admin_ctx, name="种植二期 回访")
    assert refused.value.field == "name"
    with pytest.raises(UserError, match="请填写计划名称"):
        care_plans.create_plan(admin_ctx, name="  ")
    # A treatment of any procedure starts only the shipped plans.
    patient = create_patient(admin_ctx, PatientInput(name="张三")).patient.id
    implant = next(p.id for p in list_procedures(admin_ctx) if p.name == "种植牙")
    billing.record_visit(admin_ctx, patient, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[TreatmentLine(implant, Decimal("12000"))])
    plans_used = {t.title for t in care.tasks_of_patient(admin_ctx, patient)}
    assert "术后回访" not in plans_used and len(plans_used) == 5


def test_a_copy_has_the_steps_but_not_the_trigger(admin_ctx: Context) -> None:
    implant = next(p for p in care.list_plans(admin_ctx) if p.key == "implant")
    copy = care_plans.duplicate_plan(admin_ctx, "implant")
    again = care_plans.duplicate_plan(admin_ctx, "implant")
    assert (copy.name, again.name) == ("种植牙随访（副本）", "种植牙随访（副本 2）")
    assert copy.steps == implant.steps and copy.procedures == () and copy.key != "implant"
    named = care_plans.duplicate_plan(admin_ctx, "implant", name="种植牙随访-VIP")
    assert named.name == "种植牙随访-VIP"
    with pytest.raises(UserError, match="找不到"):
        care_plans.duplicate_plan(admin_ctx, "no-such-plan")


def test_retiring_keeps_the_tasks_and_history_and_can_be_undone(admin_ctx: Context) -> None:
    patient = create_patient(admin_ctx, PatientInput(name="张三")).patient.id
    extraction = next(p.id for p in list_procedures(admin_ctx) if p.name == "普通拔牙")

    def extract() -> None:
        billing.record_visit(admin_ctx, patient, visit_date=date(2026, 11, 24), doctor_id=None,
                             lines=[TreatmentLine(extraction, Decimal("300"))])

    extract()
    before = care.tasks_of_patient(admin_ctx, patient)
    assert [t.title for t in before] == ["拔牙后 24 小时回访"]
    op = admin_ctx.fork()
    assert care_plans.retire_plan(op, "extraction") == 1  # one open task stays
    assert op.changes.touches(Area.CARE_PLANS)
    assert care.tasks_of_patient(admin_ctx, patient) == before  # untouched
    assert "extraction" not in _keys(admin_ctx)
    states = {s.plan.key: s for s in care_plans.plan_overview(admin_ctx)}
    assert not states["extraction"].active and states["extraction"].open_tasks == 1
    assert list(states)[-1] == "extraction"  # the retired after the active ones
    extract()  # a second extraction: the retired plan starts nothing
    assert care.tasks_of_patient(admin_ctx, patient) == before
    with pytest.raises(UserError, match="已停用"):
        care_plans.retire_plan(admin_ctx, "extraction")
    care_plans.restore_plan(admin_ctx, "extraction")
    assert "extraction" in _keys(admin_ctx)
    actions = [e.action for e in list_entries(admin_ctx, AuditFilter())]
    assert {"care.plan_retire", "care.plan_restore"} <= set(actions)


def test_create_copy_and_retire_are_audited_in_words(admin_ctx: Context) -> None:
    plan = care_plans.create_plan(admin_ctx, name="洁牙 3 个月回访")
    care_plans.duplicate_plan(admin_ctx, plan.key)
    care_plans.retire_plan(admin_ctx, plan.key)
    entries = [e for e in list_entries(admin_ctx, AuditFilter())
               if e.action.startswith("care.plan_")]
    assert {e.action for e in entries} == {"care.plan_create", "care.plan_duplicate",
                                           "care.plan_retire"}
    assert all(e.action_label != e.action for e in entries)  # each has words


def test_renaming_a_plan_to_another_plans_name_is_refused(admin_ctx: Context) -> None:
    implant = next(p for p in care.list_plans(admin_ctx) if p.key == "implant")
    from dataclasses import replace

    with pytest.raises(UserError, match="已有名为“拔牙术后回访”") as refused:
        care.save_plan(admin_ctx, replace(implant, name="拔牙术后回访"))
    assert refused.value.field == "name"
