"""The import wizard's values step and the patient form's new identity fields, offscreen."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QComboBox, QInputDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.permissions import Role
from clinic_desktop.services import import_batches
from clinic_desktop.services.patients import load_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.clinical import ProcedureType
from ui.app_services import AppServices
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.import_wizard.values_step import CATEGORY, TARGET
from ui.dialogs.patient_form import PatientFormDialog


@pytest.fixture
def sample(tmp_path: Path, fixed_clock: FixedClock) -> Path:
    today = fixed_clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    return write_legacy_workbook(tmp_path / "旧档案.xlsx", 60, today=today)


def _at_values(wizard: ImportWizard, sample: Path) -> None:
    wizard.open_file(sample)
    wizard.forward()  # header
    wizard.forward()  # columns
    wizard.forward()  # values
    assert wizard.stack.currentIndex() == 3


def _row(wizard: ImportWizard, value: str) -> int:
    table = wizard.values_step.procedure_table
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == value)


def test_the_values_step_changes_choices_and_the_profile_remembers_them(
    qtbot: QtBot, services: AppServices, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_staff(services.ctx, username="dr.chen", display_name="陈志强", role=Role.DOCTOR,
              password="pass1234", is_doctor=True)
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    _at_values(wizard, sample)
    step = wizard.values_step
    assert step.tabs.tabText(0).startswith("治疗项目") and step.tabs.tabText(1) == "医生（4）"
    row = _row(wizard, "牙齿美白")
    table = step.procedure_table
    combo, category = table.cellWidget(row, TARGET), table.cellWidget(row, CATEGORY)
    assert isinstance(combo, QComboBox) and isinstance(category, QComboBox)
    assert combo.currentData() == ("new", "牙齿美白") and category.isEnabled()
    category.setCurrentIndex(category.findData("修复"))
    chen = step.combo_for("doctor", "陈医生")
    assert chen is not None and chen.currentData() == ("match", "陈志强")  # the one 陈
    li = step.combo_for("doctor", "李医生")
    assert li is not None and li.currentData() == ("inactive", "李医生")
    step.choose("doctor", "李医生", "none")
    implant = step.combo_for("procedure", "种植")
    assert implant is not None and not table.cellWidget(_row(wizard, "种植"), CATEGORY).isEnabled()
    choices = step.choices()
    assert choices["procedure"]["牙齿美白"].category == "修复"
    assert choices["doctor"]["李医生"].action == "none"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("诊所A", True))
    step.save_profile()
    wizard.forward()  # the dry run, with the choices
    assert wizard.dry is not None and wizard.dry.procedures_created == 1
    assert wizard.dry.doctors_created == 2  # 陈 matched, 李 not linked: 王建国 and 赵医生
    wizard.forward()
    assert wizard.summary is not None
    with services.ctx.db.session() as session:
        assert session.execute(select(ProcedureType.category).where(
            ProcedureType.name == "牙齿美白")).scalar() == "修复"

    # The next file of the same clinic: the profile brings the choices back.
    again = ImportWizard(services)
    qtbot.addWidget(again)
    again.open_file(sample)
    again.forward()
    again.forward()
    again.profile_combo.setCurrentIndex(again.profile_combo.findData("诊所A"))
    again.mapping_step._apply_profile(again.profile_combo.currentIndex())
    again.forward()
    li = again.values_step.combo_for("doctor", "李医生")
    assert li is not None and li.currentData() == ("none", "")
    assert import_batches.list_profiles(services.ctx)["诊所A"].values["procedure"][
        "牙齿美白"].category == "修复"


def test_the_patient_form_edits_the_emergency_contact_and_the_referrer_note(
    qtbot: QtBot, services: AppServices, messages: list[tuple[str, str]]
) -> None:
    form = PatientFormDialog(services)
    qtbot.addWidget(form)
    form.name.setText("卫一")
    form.mobile.setText("13200000001")
    form.emergency_contact.setText("卫妈妈")
    form.emergency_phone.setText("13200000002")
    form.referrer_note.setText("楼下药店")
    form.submit()
    assert form.saved is not None
    record = load_patient(services.ctx, form.saved.patient.id)
    assert (record.emergency_contact, record.emergency_phone, record.referrer_note) == (
        "卫妈妈", "13200000002", "楼下药店")
    edit = PatientFormDialog(services, record)
    qtbot.addWidget(edit)
    assert edit.emergency_contact.text() == "卫妈妈" and edit.referrer_note.text() == "楼下药店"
    edit.emergency_contact.setText("长" * 65)
    edit.submit()
    assert edit.saved is None and "紧急联系人太长" in edit.error_label.text()
