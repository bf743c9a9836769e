"""Every write of the admin screens goes through the operation runner: a refusal stays beside
its field, and one change set that names what changed (not "everything") reaches the pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from tests.ui.conftest import PASSWORD
from ui.app_services import AppServices
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.settings_dialogs import ChangePasswordDialog, ClinicDialog
from ui.dialogs.staff_dialog import StaffDialog
from ui.main_window import MainWindow
from ui.pages.admin_page import AdminPage, ChairDialog
from ui.pages.import_page import ImportPage
from ui.pages.lists_page import ListsPage, ProcedureDialog


@pytest.fixture
def seen(services: AppServices) -> list[ChangeSet]:
    changes: list[ChangeSet] = []
    services.changed.connect(lambda c, _by: changes.append(c))
    return changes


def test_staff_and_chairs_are_saved_through_the_runner(
        qtbot: QtBot, window: MainWindow, services: AppServices, seen: list[ChangeSet]) -> None:
    page = window.open_page("admin")
    assert isinstance(page, AdminPage)
    dialog = StaffDialog(services, parent=page)
    qtbot.addWidget(dialog)
    dialog.username.setText("nurse.zhou")
    dialog.display_name.setText("周婷")
    dialog.password.setText("pass1234")
    dialog.submit()
    assert dialog.saved is not None and dialog.result() == dialog.DialogCode.Accepted
    [change] = seen
    assert change.staff == {dialog.saved.id} and not change.touches(Area.PATIENTS)
    assert "nurse.zhou" in [s.username for s in page.staff_model.records]

    chair = ChairDialog(services, None, page)
    qtbot.addWidget(chair)
    chair.note.setText("靠窗")
    chair.submit()  # no name: refused beside the field, what was typed stays
    assert chair.errors.marked is chair.name and chair.note.text() == "靠窗"
    chair.name.setText("3号椅位")
    chair.submit()
    assert seen[-1].touches(Area.SCHEDULE) and not seen[-1].touches(Area.PATIENTS)
    assert "3号椅位" in [c.name for c in page.chair_model.records]


def test_settings_dialogs_save_through_the_runner(
        qtbot: QtBot, window: MainWindow, services: AppServices, seen: list[ChangeSet]) -> None:
    password = ChangePasswordDialog(services, window)
    qtbot.addWidget(password)
    password.old.setText("wrong-one")
    password.new.setText("new-pass-1")
    password.confirm.setText("new-pass-1")
    password.submit()
    assert password.errors.marked is password.old and password.new.text() == "new-pass-1"
    password.old.setText(PASSWORD)
    password.submit()
    assert password.result() == password.DialogCode.Accepted
    assert seen[-1].staff == {services.ctx.actor.staff_id}

    clinic = ClinicDialog(services, window)
    qtbot.addWidget(clinic)
    clinic.name.setText("仁爱口腔二部")
    clinic.submit()
    assert window.windowTitle() == "Clinic Desktop — 仁爱口腔二部"
    assert seen[-1].touches(Area.SETTINGS) and not seen[-1].touches(Area.STAFF)


def test_the_lists_save_through_the_runner_and_keep_what_is_typed(
        qtbot: QtBot, window: MainWindow, services: AppServices, seen: list[ChangeSet]) -> None:
    page = window.open_page("lists")
    assert isinstance(page, ListsPage)
    page.sources.setPlainText("电话\n小红书")  # being edited, not saved yet
    dialog = ProcedureDialog(services, None, page)
    qtbot.addWidget(dialog)
    dialog.name.setText("儿童涂氟")
    dialog.category.setCurrentText("儿牙")
    dialog.submit()
    assert seen[-1].touches(Area.CATALOGUE) and not seen[-1].touches(Area.PATIENTS)
    assert page.sources.toPlainText() == "电话\n小红书"  # the saved procedure kept it
    page._save_sources()
    assert seen[-1].settings == {"patient.sources"}


def test_imports_exports_and_undo_go_through_the_runner(
        qtbot: QtBot, services: AppServices, seen: list[ChangeSet], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]]) -> None:
    sample = write_legacy_workbook(tmp_path / "旧档案.xlsx", 20, today=date(2026, 11, 24))
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    wizard.open_file(sample)
    for _step in range(5):  # header, columns, values, dry run, import
        wizard.forward()
    assert wizard.summary is not None
    imported = seen[-1]
    assert imported.touches(Area.PATIENTS, Area.IMPORTS)
    # The sheet's departed doctors became inactive doctors, its new procedure a catalogue entry.
    assert Area.STAFF in imported.touched and Area.CATALOGUE in imported.touched
    page = ImportPage(services)
    qtbot.addWidget(page)
    page.view.selectRow(0)
    target = tmp_path / "患者.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    count = len(seen)
    page.export("patients")
    assert target.exists() and len(seen) == count + 1
    assert seen[-1].touched == {Area.AUDIT}  # an export changes nothing but the log
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.undo()
    assert seen[-1].touches(Area.PATIENTS) and page.model.records[0].undone_at is not None
