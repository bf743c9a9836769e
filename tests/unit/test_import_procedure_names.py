"""The procedure names real clinics' sheets hold reach the catalogue entry whose care plan they
start: tooth positions (36种植, 种植牙-46), combinations (洗牙、涂氟), eye clinics' names
(全飞秒SMILE, 左眼白内障手术); a review (种植复查, 全飞秒术后复查) never starts a surgery's plan,
and a bare 复查 is no dental exam."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.importing.values import CatalogueEntry, Matcher, ValueChoice, site_in
from clinic_desktop.services.catalogue import CATEGORIES, DEFAULT_PROCEDURES
from clinic_desktop.services.import_values import matcher_in
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import Treatment, Visit
from clinic_desktop.storage.models.patient import Patient
from tests.unit.importing import files

CATALOGUE = [CatalogueEntry(name, category) for name, category, *_rest in DEFAULT_PROCEDURES]

# legacy name -> the catalogue entry it matches
MATCHED = {
    # tooth positions around the name
    "36种植": "种植牙", "种植牙-46": "种植牙", "#36 种植": "种植牙", "种植(36)": "种植牙",
    "种植一期": "种植牙", "左上6种植": "种植牙", "根管治疗46": "根管治疗", "46 根管": "根管治疗",
    "右下7根管治疗": "根管治疗", "48智齿拔除": "智齿拔除",
    # several procedures in one cell: the one that starts a care plan, else the longest
    "洁牙+抛光": "超声洁牙", "洗牙、涂氟": "超声洁牙", "洗牙，补牙": "超声洁牙",
    "补牙，洗牙": "超声洁牙", "洗牙、口腔检查": "超声洁牙", "散瞳验光、眼底检查": "眼底检查",
    "全飞秒;ICL晶体植入": "ICL晶体植入术", "超乳+IOL": "白内障手术",
    "白内障超声乳化+IOL植入术": "白内障手术",
    # eye clinics
    "全飞秒SMILE": "全飞秒近视手术", "飞秒激光": "全飞秒近视手术",
    "角膜塑形镜(OK镜)验配": "角膜塑形镜", "角膜塑形镜验配": "角膜塑形镜",
    "角膜塑形镜定配": "角膜塑形镜", "V4c ICL": "ICL晶体植入术", "全激光TPRK": "准分子激光手术",
    "左眼白内障手术": "白内障手术", "右眼 白内障超声乳化术": "白内障手术",
    # reviews stay reviews
    "种植复查": "种植复查", "36种植复查": "种植复查", "种植牙维护": "种植复查",
    "全飞秒术后复查": "屈光术后复查", "隐形矫正复诊": "正畸复诊",
}
# legacy name -> the new entry's category (a review of a surgery, or nothing known)
NEW = {
    "种植二期手术": "种植", "全飞秒术后1月复查": "屈光手术", "白内障术前检查": "白内障",
    "种植体取出": "种植", "复查": "其他", "检查": "检查",
    "种植导板": "种植", "种植基台": "种植", "36种植修复": "种植",
    "种植咨询": "种植", "预约种植": "种植", "全飞秒定金": "屈光手术",
    # a procedure without a plan is not matched inside another name: 散瞳验光 is no 验光配镜,
    # but it is new in the same category
    "散瞳验光": "视光", "儿童涂氟": "儿牙",
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(CATALOGUE, [], categories=CATEGORIES)


@pytest.mark.parametrize(("legacy", "expected"), MATCHED.items())
def test_a_name_holding_a_catalogue_procedure_matches_it(matcher: Matcher, legacy: str,
                                                         expected: str) -> None:
    choice, why = matcher.procedure(legacy)
    assert choice == ValueChoice("match", expected), why


@pytest.mark.parametrize(("legacy", "category"), NEW.items())
def test_a_review_or_an_unknown_name_is_a_new_entry(matcher: Matcher, legacy: str,
                                                    category: str) -> None:
    choice, why = matcher.procedure(legacy)
    assert choice == ValueChoice("new", legacy, category), why


def test_the_reasons_say_what_the_name_holds_and_what_a_new_entry_does_not_start(
        matcher: Matcher) -> None:
    assert matcher.procedure("种植牙-46")[1] == "名称中含有“种植牙”"
    assert matcher.procedure("36种植")[1] == "名称中含有“种植”（即“种植牙”）"
    assert matcher.procedure("洗牙、涂氟")[1] == (
        "单元格中有 2 个项目（洗牙、涂氟），按“洗牙”：名称中含有“洗牙”（即“超声洁牙”）")
    why = matcher.procedure("全飞秒术后1月复查")[1]
    assert "不按“全飞秒近视手术”" in why and "不开始随访计划“近视手术复查”" in why
    assert matcher.procedure("屈光手术咨询")[1] == (
        "名称中含有类别“屈光手术”，新增到该类别（新项目，不开始随访计划“近视手术复查”）")
    # A category without a plan: nothing to say.
    assert matcher.procedure("牙齿美白")[1] == "项目目录中没有相近的项目，新增到“其他”"


def test_a_new_clinics_catalogue_gives_the_same_matches(admin_ctx: Context) -> None:
    with admin_ctx.db.session() as session:
        real = matcher_in(session)
    for legacy, expected in MATCHED.items():
        assert real.procedure(legacy)[0] == ValueChoice("match", expected), legacy
    for legacy, category in NEW.items():
        assert real.procedure(legacy)[0] == ValueChoice("new", legacy, category), legacy


def test_an_implant_at_a_tooth_and_a_cleaning_with_fluoride_start_their_recalls(
        admin_ctx: Context, tmp_path: Path) -> None:
    """The clock is 2026-11-24: the implant a year before has its 1-, 2- and 3-year recalls,
    the cleaning six months before its half-yearly ones."""
    path = files.xlsx(tmp_path / "牙位.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "金额"],
        ["林一", "13600000001", date(2025, 11, 20), "36种植", 12000],
        ["林二", "13600000002", date(2026, 5, 20), "洗牙、涂氟", 350],
    ])
    dry = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    done = run_import(admin_ctx, ImportRequest(path))
    matched = {m.value: m.choice for m in done.values_matched if m.column == "procedure"}
    assert matched == {"36种植": ValueChoice("match", "种植牙"),
                       "洗牙、涂氟": ValueChoice("match", "超声洁牙")}
    assert done.procedures_created == 0
    assert dict(dry.tasks_by_plan) == dict(done.tasks_by_plan)
    assert set(dict(done.tasks_by_plan)) == {"种植牙随访", "洁牙半年复查"}
    with admin_ctx.db.session() as session:
        tasks = {tuple(row) for row in session.execute(
            select(Patient.name, CareTask.plan_key, CareTask.step_key)
            .join(Patient, Patient.id == CareTask.patient_id)).all()}
    assert {("林一", "implant", "y1"), ("林一", "implant", "y2"),
            ("林一", "implant", "y3")} <= tasks
    assert ("林二", "cleaning", "m6") in tasks
    assert {plan for _name, plan, _step in tasks} == {"implant", "cleaning"}


@pytest.mark.parametrize(("legacy", "site"), [
    ("36种植", "36"), ("种植牙-46", "46"), ("#36 种植", "36"), ("根管治疗46、47", "46、47"),
    ("左上6 拔除", "左上6"), ("左眼白内障手术", "左眼"), ("种植(36)", "36"),
    ("全飞秒术后12个月复查", ""), ("3.5mm种植体", ""), ("洗牙", "")])
def test_the_tooth_or_eye_a_name_holds(legacy: str, site: str) -> None:
    assert site_in(legacy) == site


def test_the_tooth_a_name_holds_is_the_treatments_site(admin_ctx: Context,
                                                       tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "牙位.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "牙位", "金额"],
        ["林一", "13600000001", date(2025, 11, 20), "36种植", "", 12000],
        ["林二", "13600000002", date(2025, 11, 20), "36种植", "37", 12000],
    ])
    run_import(admin_ctx, ImportRequest(path))
    with admin_ctx.db.session() as session:
        sites = dict(session.execute(
            select(Patient.name, Treatment.site).join(Visit, Visit.id == Treatment.visit_id)
            .join(Patient, Patient.id == Visit.patient_id)).all())
    assert sites == {"林一": "36", "林二": "37"}  # the sheet's own 牙位 first
