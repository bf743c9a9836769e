"""The callback, care-plan and message screens fit a 1280×650 screen in Chinese and English:
the pages inside the main window and every dialog they open."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import PatientInput, create_patient
from tests.ui.fit import SCREEN, fits
from ui.app_services import AppServices
from ui.dialogs.queue_message_dialog import QueueMessageDialog
from ui.main_window import MainWindow
from ui.pages.care_plan_steps import TriggerDialog
from ui.pages.care_plans_page import CareSettingsDialog
from ui.pages.messages_page import ChannelsDialog, TemplatesDialog


def test_the_pages_fit(language: str, qtbot: QtBot, services: AppServices) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    for key in ("callbacks", "care_plans", "messages"):
        page = window.open_page(key)
        assert fits(window.minimumSizeHint()), (language, key, window.minimumSizeHint())
        assert page.minimumSizeHint().width() <= SCREEN.width() - window.nav.width()


def test_the_dialogs_fit(language: str, qtbot: QtBot, services: AppServices) -> None:
    patient = create_patient(services.ctx, PatientInput(
        name="欧阳娜娜", sex="F", mobile="13800138000")).patient.id
    procedures = list_procedures(services.ctx)
    dialogs: list[QWidget] = [
        QueueMessageDialog(services, patient, kind="followup_call", patient_name="欧阳娜娜"),
        CareSettingsDialog(services), ChannelsDialog(services), TemplatesDialog(services),
        TriggerDialog(procedures, [procedures[0].name])]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        for size in (dialog.sizeHint(), dialog.minimumSizeHint()):
            assert fits(size), (language, type(dialog).__name__, size)
