"""The import service on a real SQLite file: counts, duplicates, merge policies, re-import,
care tasks, undo that restores exactly, and cancel or crash leaving nothing behind."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from clinic_desktop.context import Context
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.errors import UserError
from clinic_desktop.importing.reader import UnusableFile
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.billing import get_balance
from clinic_desktop.services.import_batches import list_batches, undo_import
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.imports import ImportBatch
from clinic_desktop.storage.models.patient import MedicalProfile, Patient
from tests.unit.importing import files

SH = ZoneInfo("Asia/Shanghai")
HEADER = ["姓名", "性别", "手机", "地址", "过敏史", "就诊日期", "治疗项目", "金额", "实收金额",
          "支付方式", "医生"]
# Tables that describe the clinic's data (not its logs): compared before and after an undo.
DATA_TABLES = ("patient", "visit", "treatment", "ledger_entry", "care_task", "medical_profile")
CHANGING = {"updated_at", "updated_by", "version"}


def snapshot(ctx: Context) -> dict[str, list[tuple[Any, ...]]]:
    with ctx.db.engine.connect() as connection:
        found = {}
        for table in DATA_TABLES:
            result = connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
            keep = [i for i, c in enumerate(result.keys()) if c not in CHANGING]
            found[table] = [tuple(row[i] for i in keep) for row in result]
        return found


def count(ctx: Context, model: Any) -> int:
    with ctx.db.session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def doctor(admin_ctx: Context) -> int:
    staff = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                      password="pass1234", is_doctor=True)
    schedule.set_working_hours(admin_ctx, staff.id, schedule.default_hours())
    return staff.id


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_legacy_workbook(tmp_path / "legacy.xlsx", 60)


def test_the_sample_workbook_imports_with_every_count_right(
    admin_ctx: Context, doctor: int, sample: Path
) -> None:
    dry = run_import(admin_ctx, ImportRequest(sample), dry_run=True)
    assert count(admin_ctx, Patient) == 0 and count(admin_ctx, ImportBatch) == 0
    done = run_import(admin_ctx, ImportRequest(sample))
    for key in ("rows_read", "rows_rejected", "patients_created", "visits_created",
                "payments_created", "tasks_created", "tasks_skipped"):
        assert getattr(dry, key) == getattr(done, key), key
    assert (done.rows_skipped_blank, done.rows_skipped_summary, done.rows_rejected) == (1, 1, 3)
    assert [(e.row, e.column) for e in done.errors] == [
        (8, "就诊日期"), (12, "联系电话"), (20, "姓名")]
    # A birth date that is no date does not cost the row its visit: warned, kept in the notes.
    [birth] = [w for w in done.warnings if w.column == "出生日期"]
    assert birth.row == 16 and "原文已记在备注里" in birth.reason
    assert done.rows_read == 62 and done.visits_created == 57
    # 20% of rows repeat an earlier patient: fewer patients than visits.
    assert count(admin_ctx, Patient) == done.patients_created < done.visits_created
    assert count(admin_ctx, Visit) == 57
    # A charge and a payment per visit, and the 储值余额 column's opening top-ups.
    assert done.opening.stored_value_patients > 0
    assert count(admin_ctx, LedgerEntry) == 57 + done.payments_created \
        + done.opening.stored_value_patients
    with admin_ctx.db.session() as session:
        first_due = session.execute(select(func.min(CareTask.due_at))).scalar_one()
        phones = session.execute(select(Patient.mobile)).scalars().all()
    assert first_due.astimezone(SH).date() >= date(2026, 11, 24) - timedelta(days=30)
    assert done.tasks_skipped > 0 and count(admin_ctx, CareTask) == done.tasks_created
    assert all(p is None or (len(p) == 11 and p.isdigit()) for p in phones)
    # Known doctors are linked; "赵医生" is not on the staff list: an inactive doctor.
    assert any("新建停用医生“赵医生”" in w.reason for w in done.warnings)
    assert any("新增到项目目录：“牙齿美白”" in w.reason for w in done.warnings)
    assert (done.doctors_created, done.procedures_created) == (3, 1)


def test_reimport_adds_only_what_is_new(admin_ctx: Context, doctor: int, sample: Path,
                                        tmp_path: Path) -> None:
    first = run_import(admin_ctx, ImportRequest(sample))
    again = run_import(admin_ctx, ImportRequest(sample))
    assert (again.patients_created, again.visits_created, again.payments_created) == (0, 0, 0)
    assert again.rows_already_imported == first.visits_created
    assert again.patients_merged == first.patients_created
    # The manager fixes the rejected month-13 row and imports the same file again.
    from openpyxl import load_workbook

    book = load_workbook(sample)
    sheet = book.active
    assert sheet is not None
    sheet["H8"] = "2023-12-05"
    book.save(sample)
    fixed = run_import(admin_ctx, ImportRequest(sample))
    assert (fixed.visits_created, fixed.rows_rejected) == (1, 2)
    assert count(admin_ctx, Visit) == first.visits_created + 1


def _sheet(tmp_path: Path, rows: list[list[object]]) -> Path:
    return files.xlsx(tmp_path / "clinic.xlsx", [HEADER, *rows])


def test_merge_fills_empty_fields_and_reports_conflicts(admin_ctx: Context, doctor: int,
                                                        tmp_path: Path) -> None:
    kept = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000",
                                                  address="朝阳区")).patient
    bare = create_patient(admin_ctx, PatientInput(name="李四", mobile="13900139000")).patient
    path = _sheet(tmp_path, [
        ["张三", "男", "138-0013-8000", "海淀区", "", "2024-03-05", "超声洁牙", 300, 300, "微信",
         "王建国"],
        ["李四", "女", 13900139000.0, "徐汇区", "青霉素", "2024-03-06", "树脂补牙", "400元", 300,
         "现金", ""],
    ])
    summary = run_import(admin_ctx, ImportRequest(path))
    assert (summary.patients_created, summary.patients_merged) == (0, 2)
    assert load_patient(admin_ctx, kept.id).address == "朝阳区"
    assert load_patient(admin_ctx, kept.id).sex == "M"
    assert load_patient(admin_ctx, bare.id).address == "徐汇区"
    [conflict] = [w for w in summary.warnings if w.column == "地址"]
    assert (conflict.row, conflict.value) == (2, "海淀区") and "朝阳区" in conflict.reason
    with admin_ctx.db.session() as session:
        assert session.get(MedicalProfile, bare.id).allergy_notes == "青霉素"  # type: ignore
    # 400 charged, 300 paid: the balance says 100 is owed.
    assert get_balance(admin_ctx, bare.id).owed == Decimal("100.00")
    overwrite = run_import(admin_ctx, ImportRequest(path, overwrite=True))
    assert overwrite.rows_already_imported == 2
    assert load_patient(admin_ctx, kept.id).address == "海淀区"


def test_skip_and_create_policies(admin_ctx: Context, doctor: int, tmp_path: Path) -> None:
    existing = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000")).patient
    path = _sheet(tmp_path, [["张三", "男", 13800138000, "海淀区", "", "2024-03-05", "洗牙", 300,
                              "", "", ""]])
    skipped = run_import(admin_ctx, ImportRequest(path, on_duplicate="skip"))
    assert (skipped.patients_skipped, skipped.rows_skipped_duplicate, skipped.visits_created) == (
        1, 1, 0)
    assert load_patient(admin_ctx, existing.id).address is None
    created = run_import(admin_ctx, ImportRequest(path, on_duplicate="create"))
    assert created.patients_created == 1 and count(admin_ctx, Patient) == 2
    with pytest.raises(UserError, match="处理方式“replace”无效"):
        run_import(admin_ctx, ImportRequest(path, on_duplicate="replace"))


def test_rows_of_one_person_and_a_shared_family_phone(admin_ctx: Context, doctor: int,
                                                      tmp_path: Path) -> None:
    path = _sheet(tmp_path, [
        ["王芳", "女", 13800138000, "", "", "2023-01-05", "超声洁牙", 300, "", "", ""],
        ["王芳", "女", "+86 13800138000", "", "", "2023-07-05", "超声洁牙", 300, "", "", ""],
        ["王小宝", "男", 13800138000, "", "", "2023-07-05", "窝沟封闭", 150, "", "", ""],
    ])
    summary = run_import(admin_ctx, ImportRequest(path))
    assert (summary.patients_created, summary.visits_created) == (2, 3)
    [note] = [w for w in summary.warnings if "可能是家属" in w.reason]
    assert note.row == 4 and "第 2 行（王芳）" in note.reason


def test_undo_removes_the_batch_and_restores_merged_fields_exactly(
    admin_ctx: Context, doctor: int, sample: Path, tmp_path: Path
) -> None:
    create_patient(admin_ctx, PatientInput(name="李四", mobile="13900139000"))
    before = snapshot(admin_ctx)
    merged = _sheet(tmp_path, [["李四", "女", 13900139000, "徐汇区", "青霉素", "2024-03-06",
                                "种植牙", 12000, 12000, "银行卡", "王建国"]])
    first = run_import(admin_ctx, ImportRequest(sample))
    second = run_import(admin_ctx, ImportRequest(merged))
    assert second.patients_merged == 1
    undo_import(admin_ctx, second.batch_id)  # type: ignore[arg-type]
    undone = undo_import(admin_ctx, first.batch_id)  # type: ignore[arg-type]
    assert undone.patients_removed == first.patients_created
    assert snapshot(admin_ctx) == before
    assert [b.undone_at is not None for b in list_batches(admin_ctx)] == [True, True]
    with pytest.raises(UserError, match="已于 .* 撤销过"):
        undo_import(admin_ctx, first.batch_id)  # type: ignore[arg-type]


def test_undo_keeps_a_field_edited_since_and_refuses_to_delete_new_work(
    admin_ctx: Context, doctor: int, tmp_path: Path, fixed_clock: Any
) -> None:
    from clinic_desktop.services.patients import update_patient

    bare = create_patient(admin_ctx, PatientInput(name="李四", mobile="13900139000")).patient
    path = _sheet(tmp_path, [
        ["李四", "女", 13900139000, "徐汇区", "", "2024-03-06", "洗牙", 300, "", "", ""],
        ["赵六", "男", 13700137000, "", "", "2024-03-06", "洗牙", 300, "", "", ""],
    ])
    batch = run_import(admin_ctx, ImportRequest(path)).batch_id
    assert batch is not None
    record = load_patient(admin_ctx, bare.id)
    update_patient(admin_ctx, bare.id, record.as_input().__class__(
        **{**record.as_input().__dict__, "address": "静安区"}), version=record.version)
    with admin_ctx.db.session() as session:
        new_id = session.execute(select(Patient.id).where(Patient.name == "赵六")).scalar_one()
    start = datetime(2026, 11, 26, 10, tzinfo=SH)
    appts.book(admin_ctx, BookingRequest(new_id, doctor, start,
                                         start + timedelta(minutes=30)))
    with pytest.raises(UserError, match="患者 赵六（P\\d+）在导入后新增了预约"):
        undo_import(admin_ctx, batch)
    from clinic_desktop.services.profile import create_tag, set_tag

    tag = create_tag(admin_ctx, name="怕疼")
    set_tag(admin_ctx, new_id, tag.id, on=True)
    with admin_ctx.db.session() as session:
        session.execute(text("DELETE FROM appointment_event"))
        session.execute(text("DELETE FROM appointment"))
    with pytest.raises(UserError, match="新增了标签"):
        undo_import(admin_ctx, batch)
    set_tag(admin_ctx, new_id, tag.id, on=False)
    result = undo_import(admin_ctx, batch)
    assert (result.patients_removed, result.fields_kept) == (1, 1)
    assert load_patient(admin_ctx, bare.id).address == "静安区"


class CancelAfter:
    """A progress sink whose user presses Cancel at the ``n``-th check."""

    def __init__(self, n: int) -> None:
        self.checks, self.n = 0, n

    def report(self, done: int, total: int, text: str = "") -> None:
        pass

    def check(self) -> None:
        self.checks += 1
        if self.checks >= self.n:
            raise KeyboardInterrupt("cancelled")


@pytest.mark.parametrize("at", [1, 2, 3, 4, 5])
def test_cancel_at_any_point_leaves_nothing(admin_ctx: Context, doctor: int, tmp_path: Path,
                                            at: int) -> None:
    path = write_legacy_workbook(tmp_path / "big.xlsx", 4500)
    before = snapshot(admin_ctx)
    progress = CancelAfter(at)
    with pytest.raises(KeyboardInterrupt):
        run_import(admin_ctx, ImportRequest(path), progress=progress)
    assert progress.checks == at
    assert snapshot(admin_ctx) == before and count(admin_ctx, ImportBatch) == 0


def test_a_crash_while_writing_leaves_nothing(admin_ctx: Context, doctor: int, sample: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.services import imports

    def broken(*args: object, **kwargs: object) -> tuple[int, int]:
        raise RuntimeError("disk full")

    before = snapshot(admin_ctx)
    monkeypatch.setattr(imports, "plan_imported_treatments", broken)
    with pytest.raises(RuntimeError):
        run_import(admin_ctx, ImportRequest(sample))
    assert snapshot(admin_ctx) == before and count(admin_ctx, ImportBatch) == 0


def test_unusable_input_changes_nothing(admin_ctx: Context, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("这不是表格\n只是几行字\n", encoding="utf-8")
    with pytest.raises(UnusableFile, match="没有可识别的表头"):
        run_import(admin_ctx, ImportRequest(tmp_path / "notes.txt"))
    path = files.xlsx(tmp_path / "nameless.xlsx", [["手机", "就诊日期"], [13800138000, "2024-1-1"]])
    with pytest.raises(UserError, match="请把一列对应到“姓名”"):
        run_import(admin_ctx, ImportRequest(path))
    assert count(admin_ctx, ImportBatch) == 0 and count(admin_ctx, Patient) == 0


def test_import_needs_the_permission(admin_ctx: Context, sample: Path) -> None:
    from clinic_desktop.context import Actor
    from clinic_desktop.errors import PermissionDenied

    nurse = Context(db=admin_ctx.db, actor=Actor(staff_id=None, username="n",
                                                 display_name="护士", role=Role.NURSE),
                    clock=admin_ctx.clock)
    with pytest.raises(PermissionDenied):
        run_import(nurse, ImportRequest(sample))


def test_mapping_profiles_are_saved_by_name_and_checked(admin_ctx: Context,
                                                        tmp_path: Path) -> None:
    from clinic_desktop.services.import_batches import list_profiles, save_profile

    save_profile(admin_ctx, " 老系统导出 ", {"客户": "name", "联系方式": "mobile"})
    assert list_profiles(admin_ctx)["老系统导出"].columns == {"客户": "name", "联系方式": "mobile"}
    with pytest.raises(UserError, match="起个名字"):
        save_profile(admin_ctx, "  ", {"客户": "name"})
    with pytest.raises(UserError, match="字段有效"):
        save_profile(admin_ctx, "坏的", {"客户": "nom"})
    path = files.xlsx(tmp_path / "odd.xlsx", [["客户", "联系方式"], ["钱七", 13600136000]])
    summary = run_import(admin_ctx, ImportRequest(path, profile=list_profiles(admin_ctx)[
        "老系统导出"].columns))
    assert summary.patients_created == 1


def test_imported_patients_are_searchable_and_the_search_trigger_survives(
    admin_ctx: Context, doctor: int, tmp_path: Path
) -> None:
    from clinic_desktop.services.patient_search import search_patients

    path = _sheet(tmp_path, [["欧阳娜娜", "女", 13912345678, "", "", "2024-03-05", "洗牙", 300,
                              "", "", ""]])
    run_import(admin_ctx, ImportRequest(path))
    assert [h.name for h in search_patients(admin_ctx, "2345")] == ["欧阳娜娜"]
    assert [h.name for h in search_patients(admin_ctx, "欧阳娜")] == ["欧阳娜娜"]
    create_patient(admin_ctx, PatientInput(name="司马光明", mobile="13700001111"))
    assert [h.name for h in search_patients(admin_ctx, "司马光")] == ["司马光明"]
