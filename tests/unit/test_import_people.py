"""Who a legacy row is: rows that carry the phone on one visit only, the same sheet imported
again when its patients have no phone, allergies and a second mobile over several rows, and
a hospital system's footer (held-out files from other clinics, real workbooks and databases)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from clinic_desktop.context import Context
from clinic_desktop.services.import_batches import undo_import
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.profile import MedicalInfo, update_medical
from clinic_desktop.storage.models.clinical import Visit
from clinic_desktop.storage.models.patient import MedicalProfile, Patient
from tests.unit.importing import files

HEADER = ["姓名", "手机", "身份证号", "就诊日期", "治疗项目", "过敏史"]
ID_WANG = "11010119900307002X"


def rows_of(ctx: Context, query: Any) -> list[Any]:
    with ctx.db.session() as session:
        return list(session.execute(query).all())


def visits_by_name(ctx: Context) -> dict[str, int]:
    return dict(rows_of(ctx, select(Patient.name, func.count(Visit.id))
                        .join(Visit, Visit.patient_id == Patient.id).group_by(Patient.id)))


def test_a_row_with_only_the_name_is_the_one_person_of_that_name(
        admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "general.xlsx", [
        HEADER,
        ["王建华", "13900000001", ID_WANG, "2026-11-01", "输液", ""],
        ["王建华", "", "", "2026-11-03", "换药", ""],  # the phone written once only
        ["老李", "", "", "2026-11-02", "洗牙", ""],  # nobody else of that name: one person
        ["老李", "", "", "2026-11-09", "补牙", ""],
        ["张伟", "13900000002", "", "2026-11-01", "洗牙", ""],  # two 张伟: cannot tell
        ["张伟", "13900000003", "", "2026-11-01", "洗牙", ""],
        ["张伟", "", "", "2026-11-05", "补牙", ""],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.patients_created == 5 and done.visits_created == 7
    counts = sorted(rows_of(admin_ctx, select(Patient.name, func.count(Visit.id))
                            .join(Visit, Visit.patient_id == Patient.id).group_by(Patient.id)))
    assert counts == sorted([("张伟", 1), ("张伟", 1), ("张伟", 1), ("老李", 2), ("王建华", 2)])
    told = [w for w in done.warnings if "2 位同名患者" in w.reason]
    assert [(w.row, w.column) for w in told] == [(8, "姓名")]


def test_the_same_sheet_again_adds_nobody_when_its_patients_have_no_phone(
        admin_ctx: Context, tmp_path: Path) -> None:
    path = files.csv_file(tmp_path / "nophone.csv", [["姓名", "就诊日期", "治疗项目", "金额"],
                                                     ["老李", "2026-11-02", "洗牙", "300"]])
    first = run_import(admin_ctx, ImportRequest(path))
    again = run_import(admin_ctx, ImportRequest(path))
    assert (first.patients_created, again.patients_created) == (1, 0)
    assert (again.patients_merged, again.rows_already_imported, again.visits_created) == (1, 1, 0)
    assert visits_by_name(admin_ctx) == {"老李": 1}
    # Two patients on file known by that name alone: the one who has the visit is the one.
    create_patient(admin_ctx, PatientInput(name="老李"))
    third = run_import(admin_ctx, ImportRequest(path))
    assert third.patients_created == 0 and third.rows_already_imported == 1
    other = files.csv_file(tmp_path / "other.csv", [["姓名", "就诊日期", "治疗项目", "金额"],
                                                    ["老李", "2026-11-20", "补牙", "80"]])
    fourth = run_import(admin_ctx, ImportRequest(other))
    assert fourth.patients_created == 1
    assert any("2 位同名患者" in w.reason for w in fourth.warnings)


def test_allergies_add_up_and_are_never_dropped(admin_ctx: Context, tmp_path: Path) -> None:
    on_file = create_patient(admin_ctx, PatientInput(name="许仙", mobile="13900000009")).patient
    update_medical(admin_ctx, on_file.id, MedicalInfo(
        allergies=(), allergy_notes="青霉素过敏", conditions="", past_history="",
        family_history="", chief_complaint=""))
    path = files.xlsx(tmp_path / "allergy.xlsx", [
        HEADER,
        ["许仙", "13900000009", "", "2026-11-01", "洗牙", "头孢过敏"],
        ["法海", "13900000008", "", "2026-11-01", "洗牙", "青霉素过敏"],
        ["法海", "13900000008", "", "2026-11-08", "补牙", "磺胺过敏"],
        ["法海", "13900000008", "", "2026-11-09", "补牙", "青霉素过敏"],
    ])
    dry = run_import(admin_ctx, ImportRequest(path), dry_run=True)
    done = run_import(admin_ctx, ImportRequest(path))
    for summary in (dry, done):
        told = [w for w in summary.warnings if "过敏史为“青霉素过敏”" in w.reason]
        assert [(w.row, w.column, w.value) for w in told] == [(2, "过敏史", "头孢过敏")]
    notes = dict(rows_of(admin_ctx, select(Patient.name, MedicalProfile.allergy_notes)
                         .join(MedicalProfile, MedicalProfile.patient_id == Patient.id)))
    assert notes == {"许仙": "青霉素过敏；头孢过敏", "法海": "青霉素过敏；磺胺过敏"}
    again = run_import(admin_ctx, ImportRequest(path))  # nothing new: nothing added twice
    assert not [w for w in again.warnings if "过敏史" in w.reason]
    undo_import(admin_ctx, again.batch_id or 0)
    undo_import(admin_ctx, done.batch_id or 0)
    assert rows_of(admin_ctx, select(MedicalProfile.allergy_notes).where(
        MedicalProfile.patient_id == on_file.id)) == [("青霉素过敏",)]


def test_a_second_mobile_of_the_same_person_is_kept_as_the_other_phone(
        admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "phones.xlsx", [
        HEADER,
        ["王建华", "13900000001", ID_WANG, "2026-10-01", "输液", ""],
        ["王建华", "13911119999", ID_WANG.lower(), "2026-11-01", "换药", ""],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.patients_created == 1
    assert rows_of(admin_ctx, select(Patient.mobile, Patient.phone2)) == [
        ("13900000001", "13911119999")]


def test_a_hospital_systems_footer_is_skipped_like_a_total(
        admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "his.xlsx", [
        HEADER,
        ["王建华", "13900000001", "", "2026-11-01", "输液", ""],
        ["合计", "", "", "", "", ""],
        ["制表人：张护士", "", "打印时间：2026-11-30 17:02", "", "", ""],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.rows_rejected, done.rows_skipped_summary, done.patients_created) == (0, 2, 1)


def test_a_cell_naming_two_doctors_gives_the_visit_the_first(
        admin_ctx: Context, tmp_path: Path) -> None:
    from clinic_desktop.storage.models.staff import Staff
    path = files.xlsx(tmp_path / "doctors.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "医生", "主诉"],
        ["王建华", "13900000001", "2026-11-01", "洗牙", "张医生/赵医生", "牙龈出血"],
        ["王建华", "13900000001", "2026-11-01", "洗牙", "张医生、赵医生", "牙龈出血"],
        ["王建华", "13900000001", "2026-11-01", "洗牙", "张医生、赵医生", "牙龈出血"],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.doctors_created == 1 and done.columns_ignored == ()
    inactive = rows_of(admin_ctx, select(Staff.display_name).where(Staff.active.is_(False)))
    assert inactive == [("张医生",)]
    notes = [n for (n,) in rows_of(admin_ctx, select(Visit.notes))]
    assert notes == ["医生：张医生/赵医生\n牙龈出血"] + ["医生：张医生、赵医生\n牙龈出血"] * 2
    why = {m.value: m.reason for m in done.values_matched if m.column == "doctor"}
    assert "2 位医生（张医生、赵医生），按第一位" in why["张医生/赵医生"]
    # The same person, day, item and amount twice: two visits, and a note naming the row.
    told = [w for w in done.warnings if "同一人同一天的同一项目" in w.reason]
    assert [(w.row, w.column) for w in told] == [(4, "就诊日期")]


def test_namesakes_of_another_sex_or_age_stay_apart(admin_ctx: Context, tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "namesakes.xlsx", [
        ["姓名", "性别", "年龄", "就诊日期", "治疗项目"],
        ["张伟", "男", 62, "2026-11-01", "洗牙"],
        ["张伟", "女", 8, "2026-11-02", "涂氟"],
        ["张伟", "男", 61, "2026-10-01", "补牙"],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert done.patients_created == 2
    assert sorted(rows_of(admin_ctx, select(Patient.sex, func.count(Visit.id))
                          .join(Visit, Visit.patient_id == Patient.id)
                          .group_by(Patient.id))) == [("F", 1), ("M", 2)]
    assert any("性别或年龄不同" in w.reason for w in done.warnings)
    # On file too: the girl's next visit is hers, not the 62-year-old's.
    girl = files.xlsx(tmp_path / "girl.xlsx", [["姓名", "性别", "年龄", "就诊日期", "治疗项目"],
                                               ["张伟", "女", 8, "2026-11-20", "窝沟封闭"]])
    again = run_import(admin_ctx, ImportRequest(girl))
    assert again.patients_created == 0 and again.patients_merged == 1
    assert sorted(rows_of(admin_ctx, select(Patient.sex, func.count(Visit.id))
                          .join(Visit, Visit.patient_id == Patient.id)
                          .group_by(Patient.id))) == [("F", 2), ("M", 2)]


def test_small_things_held_out_files_showed(admin_ctx: Context, tmp_path: Path) -> None:
    """Two fillings on two teeth are not a double entry; phones beyond the other phone's 32
    characters go to the notes whole; a 审核通过 column is data, not a footer; 否认药物过敏史
    is no allergy; "Smith, John" is one doctor."""
    path = files.xlsx(tmp_path / "small.xlsx", [
        ["审核", "姓名", "手机", "身份证号", "就诊日期", "治疗项目", "牙位", "金额", "过敏史",
         "医生"],
        ["审核通过", "李娜", "13900000011", ID_WANG, "2026-11-01", "补牙", "16", 200,
         "否认药物过敏史", "Smith, John"],
        ["审核通过", "李娜", "13900000012", ID_WANG, "2026-11-01", "补牙", "26", 200, "青霉素过敏",
         "Smith, John"],
        ["审核通过", "李娜", "13900000013", ID_WANG, "2026-11-02", "洗牙", "", 100, "", ""],
        ["审核通过", "李娜", "13900000014", ID_WANG, "2026-11-03", "洗牙", "", 100, "", ""],
    ])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.rows_skipped_summary, done.patients_created, done.visits_created) == (0, 1, 4)
    assert not [w for w in done.warnings if "同一人同一天" in w.reason]
    (phone2, notes), = rows_of(admin_ctx, select(Patient.phone2, Patient.notes))
    assert phone2 == "13900000012 / 13900000013"
    assert "电话：13900000014" in notes
    assert rows_of(admin_ctx, select(MedicalProfile.allergy_notes)) == [("青霉素过敏",)]
    assert done.doctors_created == 1


def test_a_name_stored_with_spaces_before_is_still_the_same_person(
        admin_ctx: Context, tmp_path: Path) -> None:
    made = create_patient(admin_ctx, PatientInput(name="张伟", mobile="13900000021")).patient
    with admin_ctx.db.session(write=True) as session:  # as an older version stored it
        stored = session.get(Patient, made.id)
        assert stored is not None
        stored.name = "张 伟"
    path = files.xlsx(tmp_path / "again.xlsx", [["姓名", "手机", "就诊日期", "治疗项目"],
                                                ["张伟", "13900000021", "2026-11-01", "洗牙"]])
    done = run_import(admin_ctx, ImportRequest(path))
    assert (done.patients_created, done.patients_merged) == (0, 1)
    assert not [w for w in done.warnings if "家属" in w.reason]
