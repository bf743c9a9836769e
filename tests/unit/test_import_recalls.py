"""An import's later visits keep its recalls, as a booking does in the app: a recall whose
window holds a later visit of the same patient in the same file is written satisfied, not put
on the callback list; the calls after a treatment stay. And the refractive surgeries a
clinic's old sheets name (半飞秒, ICL, LASEK) and their reviews reach the catalogue and the
refractive plan."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.importing.values import shipped_synonyms
from clinic_desktop.package_data import resource
from clinic_desktop.rules.care_plans import plans_from_json
from clinic_desktop.services import billing
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.care import (
    ImportedTreatment,
    ImportPlans,
    callback_list,
    expand_imported,
    tasks_of_patient,
)
from clinic_desktop.services.catalogue import DEFAULT_PROCEDURES, list_procedures
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.patient import Patient
from tests.conftest import FIXED_NOW
from tests.unit.importing import files

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 24)  # FIXED_NOW in the clinic's time zone
HEADER = ["姓名", "手机", "就诊日期", "治疗项目", "金额"]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), SH)


def _plans() -> ImportPlans:
    text = resource("templates/care_plans.json").read_text(encoding="utf-8")
    return ImportPlans(plans_from_json(text), TODAY)


def test_a_later_visit_in_the_window_keeps_the_recall_and_nothing_else() -> None:
    implant = date(2026, 11, 14)
    treatments = [
        ImportedTreatment(0, 1, "种植牙", "种植", None, _noon(implant)),  # patient 1's implant
        ImportedTreatment(0, 2, "种植牙", "种植", None, _noon(implant)),  # patient 2's implant
        ImportedTreatment(0, 1, "种植复查", "种植", None, _noon(implant + timedelta(days=7))),
        ImportedTreatment(0, 2, "超声洁牙", "洁牙", None, _noon(implant + timedelta(days=11))),
        # another patient's visit on patient 2's day 7: not theirs
        ImportedTreatment(0, 3, "口腔检查", "检查", None, _noon(implant + timedelta(days=7))),
    ]
    care = expand_imported(_plans(), treatments)
    tasks = [(index, p) for index, planned in care.work for p in planned]
    kept = {(treatments[tasks[place][0]].patient_id, tasks[place][1].step_key): at
            for place, at in care.visited.items()}
    # Patient 1's day-7 recall (due 11-21, window 3 days) is kept by the review on 11-21;
    # their 24-hour call and the yearly recalls are not. Patient 2's visit on day 11 is 4 days
    # past the window; patient 3's visit is someone else's.
    assert kept == {(1, "d7"): _noon(implant + timedelta(days=7))}
    assert care.satisfied == 1
    assert tasks[next(iter(care.visited))][1].kind == "recall"
    # Still created, and counted per plan: they are written, closed.
    assert care.created == len(tasks) and sum(care.by_plan.values()) == care.created


def test_the_window_bounds_and_the_visit_being_later() -> None:
    plans = _plans()
    treated = _noon(date(2026, 11, 1))

    def kept(*days: int) -> set[str]:
        treatments = [ImportedTreatment(0, 9, "种植牙", "种植", None, treated)] + [
            ImportedTreatment(0, 9, "口腔检查", "检查", None, treated + timedelta(days=d))
            for d in days]
        care = expand_imported(plans, treatments)
        tasks = [p for _index, planned in care.work for p in planned]
        return {tasks[place].step_key for place in care.visited}

    assert kept(4) == kept(10) == {"d7"}  # 7 ± 3 days, both ends inside
    assert kept(3) == kept(11) == kept(0) == set()  # outside; the same day is not later
    assert kept(1) == kept(2) == set()  # in the 24-hour call's window: a call stays open
    # A second implant on the same day is not a later visit either; its own tasks stay.
    same_day = expand_imported(plans, [
        ImportedTreatment(0, 9, "种植牙", "种植", None, treated),
        ImportedTreatment(0, 9, "种植牙", "种植", None, treated)])
    assert same_day.visited == {} and same_day.created > 0
    # The first visit in the window is the one named.
    treatments = [ImportedTreatment(0, 9, "种植牙", "种植", None, treated)] + [
        ImportedTreatment(0, 9, "口腔检查", "检查", None, treated + timedelta(days=d))
        for d in (9, 5, 8)]
    assert list(expand_imported(plans, treatments).visited.values()) == [
        treated + timedelta(days=5)]


def _tasks(ctx: Context) -> dict[tuple[str, str], tuple[str, Any, str | None]]:
    """(patient, step) -> (status, closed_at, closed_reason) of every task."""
    with ctx.db.session() as session:
        rows = session.execute(
            select(Patient.name, CareTask.step_key, CareTask.status, CareTask.closed_at,
                   CareTask.closed_reason)
            .join(Patient, Patient.id == CareTask.patient_id)).all()
    return {(name, step): (status, closed, reason)
            for name, step, status, closed, reason in rows}


def test_an_imported_review_visit_closes_the_implant_recall(admin_ctx: Context,
                                                              tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "legacy.xlsx", [
        HEADER,
        ["钟南", "13700001234", "2026-11-14", "种植", 12000],
        ["钟南", "13700001234", "2026-11-21", "种植复查", 0],
        # 种植 on 11-10: the day-7 recall is due 11-17, the review on 11-24 is past its window
        ["韩梅", "13700005678", "2026-11-10", "种植", 12000],
        ["韩梅", "13700005678", "2026-11-24", "种植复查", 0],
        # back the next day, in the 24-hour call's window: the call is still made
        ["李雷", "13700009999", "2026-11-14", "种植", 12000],
        ["李雷", "13700009999", "2026-11-15", "口腔检查", 50],
    ])
    dry = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    done = run_import(admin_ctx, ImportRequest(path))
    tasks = _tasks(admin_ctx)
    assert (dry.tasks_created, dry.tasks_skipped, dry.tasks_by_plan) \
        == (done.tasks_created, done.tasks_skipped, done.tasks_by_plan)
    assert done.tasks_created == len(tasks) == 15  # 24 h, 7 d, 1, 2 and 3 years, each
    assert tasks[("钟南", "d7")] == ("satisfied", FIXED_NOW, "已就诊 2026-11-21")
    for step in ("h24", "y1", "y2", "y3"):
        assert tasks[("钟南", step)] == ("pending", None, None), step
    for name in ("韩梅", "李雷"):
        for step in ("h24", "d7", "y1", "y2", "y3"):
            assert tasks[(name, step)] == ("pending", None, None), (name, step)
    listed = {(item.patient, item.reason) for item in callback_list(admin_ctx, as_of=TODAY)}
    assert ("韩梅", "种植术后 7 天复查（拆线）") in listed
    assert ("钟南", "种植术后 7 天复查（拆线）") not in listed
    assert {("钟南", "种植术后 24 小时回访"), ("李雷", "种植术后 24 小时回访")} <= listed


def test_refractive_surgeries_start_the_refractive_plan_and_reviews_match(
        admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "eye.xlsx", [
        HEADER,
        ["陈静", "15000000002", "2026-11-10", "半飞秒", 15800],
        ["杨帆", "15000000003", "2026-11-10", "ICL", 32000],
        ["黄磊", "15000000004", "2026-11-10", "LASEK", 9000],
        ["周瑜", "15000000007", "2026-11-10", "FS-LASIK", 15800],
        ["刘洋", "15000000001", "2026-11-20", "全飞秒术后复查", 0],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    matched = {m.value: (m.choice.action, m.choice.target) for m in done.values_matched
               if m.column == "procedure"}
    assert matched == {"半飞秒": ("match", "半飞秒激光手术"), "ICL": ("match", "ICL晶体植入术"),
                       "LASEK": ("match", "准分子激光手术"),
                       "FS-LASIK": ("match", "半飞秒激光手术"),
                       "全飞秒术后复查": ("match", "屈光术后复查")}
    assert done.procedures_created == 0
    tasks = _tasks(admin_ctx)
    # From 11-10: day 1 and day 7 were due before the import (kept: within 30 days), then
    # 1, 3, 6 and 12 months; the review starts nothing.
    for name in ("陈静", "杨帆", "黄磊", "周瑜"):
        assert sorted(step for who, step in tasks if who == name) \
            == sorted(["d1", "d7", "m1", "m3", "m6", "m12"]), name
    assert not any(who == "刘洋" for who, _step in tasks)
    assert dict(done.tasks_by_plan) == {"近视手术复查": 24}


def test_the_templates_agree() -> None:
    """Every procedure a plan names is in the catalogue a new clinic gets, in one of the
    plan's categories; every synonym group's first name for a catalogue category is there too;
    and no bare 术后复查 can pull another department's review into the refractive one."""
    catalogue = {name: category for name, category, *_rest in DEFAULT_PROCEDURES}
    text = resource("templates/care_plans.json").read_text(encoding="utf-8")
    for plan in plans_from_json(text):
        for name in plan.procedures:
            assert catalogue.get(name) in plan.categories, (plan.key, name)
    refractive = {name for name, category in catalogue.items() if category == "屈光手术"}
    assert {"半飞秒激光手术", "准分子激光手术", "ICL晶体植入术"} < refractive
    groups = shipped_synonyms()
    for group in groups:
        if group.names[0] in catalogue:
            assert catalogue[group.names[0]] == group.category, group.names[0]
    assert not any("术后复查" in group.names for group in groups)


def test_a_refractive_surgery_done_in_the_app_starts_the_plan(admin_ctx: Context) -> None:
    refractive = next(p for p in _plans().plans if p.key == "refractive")
    procedures = {p.name: p for p in list_procedures(admin_ctx)}
    for name in ("半飞秒激光手术", "准分子激光手术", "ICL晶体植入术"):
        assert procedures[name].category == "屈光手术" and procedures[name].high_value
        patient = create_patient(admin_ctx, PatientInput(name=f"患者{name[:2]}")).patient.id
        billing.record_visit(admin_ctx, patient, visit_date=TODAY, doctor_id=None,
                             treated_at=datetime.combine(TODAY, time(9), SH),
                             lines=[TreatmentLine(procedures[name].id, Decimal(1000))])
        assert [t.title for t in tasks_of_patient(admin_ctx, patient)] \
            == [step.title for step in refractive.steps], name


def test_a_repeating_plan_runs_from_the_patients_latest_cleaning_only(
        admin_ctx: Context, tmp_path: Path) -> None:
    """Two cleanings of one patient in the file: one 6-monthly chain, from the later one —
    not two chains interleaving recalls a few weeks apart."""
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["姓名", "手机", "就诊日期", "治疗项目"],
                ["周洁", "13700000001", "2025-01-31", "洗牙"],
                ["周洁", "13700000001", "2025-08-30", "洗牙"],
                ["吴静", "13700000002", "2025-08-30", "洗牙"]):
        sheet.append(row)
    path = tmp_path / "cleanings.xlsx"
    book.save(path)
    dry = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    done = run_import(admin_ctx, ImportRequest(path))
    assert dry.tasks_created == done.tasks_created == 8  # 4 each: 2027-02 … 2028-08
    with admin_ctx.db.session() as session:
        dues = session.execute(
            select(Patient.name, CareTask.due_at).join(Patient, Patient.id == CareTask.patient_id)
            .where(CareTask.plan_key == "cleaning").order_by(CareTask.due_at)).all()
    mine = [due.astimezone(SH).date() for name, due in dues if name == "周洁"]
    assert [(d.year, d.month) for d in mine] == [(2027, 2), (2027, 8), (2028, 2), (2028, 8)]
