"""The admin screens fit a 1280×650 screen in Chinese and in English: the pages inside the main
window, every dialog, and the import wizard at every step."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.services import catalogue, chairs
from clinic_desktop.services import staff as staff_service
from tests.ui.fit import SCREEN, fits
from ui.app_services import AppServices
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.settings_dialogs import ChangePasswordDialog, ClinicDialog
from ui.dialogs.staff_dialog import StaffDialog
from ui.main_window import MainWindow
from ui.pages.admin_page import ChairDialog
from ui.pages.import_page import DateRangeDialog
from ui.pages.lists_page import CustomFieldDialog, ProcedureDialog, TagDialog


def test_the_pages_fit(language: str, qtbot: QtBot, services: AppServices) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    for key in ("audit", "admin", "lists", "import"):
        window.open_page(key)
        assert fits(window.minimumSizeHint()), (language, key, window.minimumSizeHint())


def test_the_dialogs_fit(language: str, qtbot: QtBot, services: AppServices) -> None:
    chair = chairs.add_chair(services.ctx, name="1号椅位")
    staff = staff_service.list_staff(services.ctx)[0]
    procedure = catalogue.list_procedures(services.ctx)[0]
    dialogs: list[QWidget] = [
        StaffDialog(services), StaffDialog(services, staff), ChairDialog(services, chair),
        ProcedureDialog(services, procedure), TagDialog(services, None),
        CustomFieldDialog(services), ChangePasswordDialog(services), ClinicDialog(services),
        DateRangeDialog("导出预约", date(2026, 11, 24))]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        for size in (dialog.sizeHint(), dialog.minimumSizeHint()):
            assert fits(size), (language, type(dialog).__name__, size)


def test_the_wizard_opens_and_stays_within_the_screen(
        language: str, qtbot: QtBot, services: AppServices, tmp_path: Path) -> None:
    sample = write_legacy_workbook(tmp_path / "旧档案.xlsx", 30, today=date(2026, 11, 24))
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    wizard.show()
    assert fits(wizard.size()), wizard.size()  # it opened at 1040×700
    wizard.open_file(sample)
    for step in range(5):  # file, header, columns, values, dry run
        assert fits(wizard.minimumSizeHint()), (language, step, wizard.minimumSizeHint())
        wizard.forward()
    assert wizard.stack.currentIndex() == 6 and fits(wizard.minimumSizeHint())
