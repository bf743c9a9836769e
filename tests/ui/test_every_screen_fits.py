"""Every page and every dialog fits a 1280×650 screen (a 1280×720 laptop with its taskbar), in
Chinese and in English.

Each area has its own fit test that opens its dialogs with what makes them tallest (conflicts,
many custom fields, long names); this file opens every page of the main window, the dialogs
that come before it (first run, sign-in, crash report, shortcuts), and checks that no dialog
class in ``ui/`` was left out of the fit tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor
from clinic_desktop.storage.database import Database
from tests.ui.fit import SCREEN, assert_shown_and_fitting, fits
from ui.app_services import AppServices
from ui.dialogs.crash_dialog import CrashDialog
from ui.dialogs.login_dialog import LoginDialog
from ui.dialogs.setup_dialog import SetupDialog
from ui.dialogs.shortcuts_dialog import ShortcutsDialog
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]




def test_every_page_fits_and_none_widens_the_window(
        language: str, qtbot: QtBot, services: AppServices) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    keys = window.page_keys
    assert len(keys) >= 9, keys  # the test reaches every page the navigation lists
    for key in keys:
        window.open_page(key)
        QApplication.processEvents()
        assert fits(window.minimumSizeHint()), (language, key, window.minimumSizeHint())
        # In English, Patients and Callbacks once widened the window to 1412 px for good.
        assert fits(window.size()), (language, key, window.size())


def test_the_dialogs_before_the_main_window_fit(
        language: str, qtbot: QtBot, clinic_db: tuple[Database, Actor],
        fixed_clock: FixedClock, services: AppServices, tmp_path: Path) -> None:
    from clinic_desktop.paths import DataDir
    from clinic_desktop.storage.database import open_database

    db, _actor = clinic_db
    empty = open_database(DataDir(tmp_path / "empty"), now=fixed_clock.now())
    try:
        login = LoginDialog(db, "仁爱口腔门诊部（朝阳区建国路分院）", clock=fixed_clock,
                            username="admin")
        login.password.setText("wrong")
        login.submit()  # the error line shows, the dialog must still fit
        crash = CrashDialog("Traceback (most recent call last):\n" + "  File …\n" * 200)
        dialogs: list[QWidget] = [SetupDialog(empty, clock=fixed_clock), login, crash,
                                  ShortcutsDialog(None)]
        for dialog in dialogs:
            assert_shown_and_fitting(qtbot, dialog, language)
            dialog.close()
    finally:
        empty.close()


def _dialog_classes() -> set[str]:
    """Every class in ``ui/`` whose name ends in Dialog or Wizard (ActionDialog and the base
    ``Dialog`` are bases, never shown alone)."""
    found: set[str] = set()
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith(("Dialog", "Wizard")):
                found.add(node.name)
    return found - {"Dialog", "ActionDialog"}


def test_every_dialog_is_opened_by_a_fit_test() -> None:
    fit_tests = [*Path(__file__).parent.glob("test_*fit*.py"),
                 Path(__file__).parent / "test_patient_desk.py"]
    source = "\n".join(path.read_text(encoding="utf-8") for path in fit_tests)
    missing = sorted(name for name in _dialog_classes() if f"{name}(" not in source)
    assert not missing, f"dialogs no fit test opens: {missing}"


def _primary_buttons(dialog: QWidget) -> list[str]:
    from PySide6.QtWidgets import QPushButton

    return [button.text() for button in dialog.findChildren(QPushButton)
            if button.isVisibleTo(dialog)
            and (button.isDefault() or button.property("primary") is True)]


def test_each_dialog_has_one_primary_button(qtbot: QtBot, services: AppServices) -> None:
    """One blue button says what the dialog is for; two make the person stop and read."""
    from datetime import datetime

    from clinic_desktop.services import catalogue
    from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
    from ui.calendar.booking_dialog import BookingDialog
    from ui.dialogs.patient_actions import (
        ContactDialog,
        FamilyLinkDialog,
        FeedbackDialog,
        LedgerDialog,
        MergeDialog,
    )
    from ui.dialogs.patient_form import PatientFormDialog
    from ui.dialogs.queue_message_dialog import QueueMessageDialog
    from ui.dialogs.settings_dialogs import ChangePasswordDialog, ClinicDialog
    from ui.dialogs.staff_dialog import StaffDialog
    from ui.pages.care_plans_page import CareSettingsDialog
    from ui.pages.lists_page import ProcedureDialog
    from ui.pages.messages_page import ChannelsDialog, TemplatesDialog

    pid = create_patient(services.ctx, PatientInput(name="欧阳娜娜", sex="F",
                                                    mobile="13800138000")).patient.id
    start = datetime(2026, 11, 25, 9, tzinfo=services.clinic.zone)
    dialogs: list[QWidget] = [
        PatientFormDialog(services), PatientFormDialog(services, load_patient(services.ctx, pid)),
        LedgerDialog(services, pid), ContactDialog(services, pid), FeedbackDialog(services, pid),
        FamilyLinkDialog(services, pid), MergeDialog(services, load_patient(services.ctx, pid)),
        QueueMessageDialog(services, pid, kind="recall", patient_name="欧阳娜娜"),
        BookingDialog(services, start=start), StaffDialog(services),
        ProcedureDialog(services, catalogue.list_procedures(services.ctx)[0]),
        ChangePasswordDialog(services), ClinicDialog(services), CareSettingsDialog(services),
        ChannelsDialog(services), TemplatesDialog(services)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        assert len(_primary_buttons(dialog)) == 1, (type(dialog).__name__,
                                                    _primary_buttons(dialog))
        dialog.close()
