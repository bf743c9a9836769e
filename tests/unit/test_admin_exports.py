"""The appointment export names each appointment's procedures; exports report progress and a
cancelled one leaves no file; undoing an import can be cancelled whole."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from clinic_desktop.context import Context
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import exports, import_batches, imports, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff

SH = ZoneInfo("Asia/Shanghai")


class Stop(Exception):
    pass


class Progress:
    """What the GUI's worker job offers: reports, and a cancel after ``stop_after`` checks."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.reports: list[tuple[int, int]] = []
        self.checks = 0
        self.stop_after = stop_after

    def report(self, done: int, total: int, text: str = "") -> None:
        self.reports.append((done, total))

    def check(self) -> None:
        self.checks += 1
        if self.stop_after is not None and self.checks > self.stop_after:
            raise Stop()


@pytest.fixture
def booked(admin_ctx: Context) -> list[int]:
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    patient = create_patient(admin_ctx, PatientInput(name="张三")).patient.id
    procedures = {p.name: p.id for p in list_procedures(admin_ctx)}
    ids = []
    for hour, names in ((9, ("种植复查", "种植牙")), (10, ()), (11, ("超声洁牙",))):
        start = datetime(2026, 11, 26, hour, tzinfo=SH)
        ids.append(appts.book(admin_ctx, BookingRequest(
            patient, doctor, start, start + timedelta(minutes=30),
            procedure_type_ids=tuple(procedures[n] for n in names))))
    return ids


def test_the_appointment_export_names_the_procedures(admin_ctx: Context, booked: list[int],
                                                     tmp_path: Path) -> None:
    path = tmp_path / "预约.xlsx"
    progress = Progress()
    assert exports.export_appointments(admin_ctx, path, progress=progress) == 3
    header, *rows = load_workbook(path).worksheets[0].iter_rows(values_only=True)
    column = header.index("项目")
    assert header[column - 1] == "状态"
    # In the order they were booked, one row per appointment however many procedures.
    assert [r[column] for r in rows] == ["种植复查、种植牙", None, "超声洁牙"]
    assert progress.reports[-1] == (3, 3)


def test_a_cancelled_export_leaves_no_file(admin_ctx: Context, tmp_path: Path) -> None:
    for name in ("甲", "乙", "丙"):
        create_patient(admin_ctx, PatientInput(name=f"测试{name}"))
    out = tmp_path / "out"
    out.mkdir()
    path = out / "患者.xlsx"
    with pytest.raises(Stop):
        exports.export_patients(admin_ctx, path, progress=Progress(stop_after=0))
    assert list(out.iterdir()) == []  # neither the file nor a partial one
    assert exports.export_patients(admin_ctx, path, progress=Progress()) == 3


def test_undoing_an_import_can_be_cancelled_whole(admin_ctx: Context, tmp_path: Path) -> None:
    sample = write_legacy_workbook(tmp_path / "旧档案.xlsx", 30, today=date(2026, 11, 24))
    summary = imports.run_import(admin_ctx, imports.ImportRequest(sample))
    assert summary.batch_id is not None and summary.patients_created > 0
    with pytest.raises(Stop):
        import_batches.undo_import(admin_ctx, summary.batch_id, progress=Progress(stop_after=1))
    [batch] = import_batches.list_batches(admin_ctx)
    assert batch.undone_at is None  # rolled back: nothing half undone
    undone = import_batches.undo_import(admin_ctx, summary.batch_id, progress=Progress())
    assert undone.patients_removed == summary.patients_created
