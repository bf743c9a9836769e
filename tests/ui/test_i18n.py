"""English is a real second language: every UI string translated, the shipped .qm current."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_desktop.i18n import current_language
from tools.i18n import QM, TS, release, untranslated, update
from ui.app_services import AppServices
from ui.i18n import install_language
from ui.main_window import MainWindow


def test_every_ui_string_has_english(tmp_path: Path) -> None:
    # Extracted afresh from the code, so a string added since the last `make i18n` counts.
    current = tmp_path / "ui_en.ts"
    shutil.copy(TS, current)
    update(current)
    assert untranslated(current) == [], (
        "run `make i18n`, translate, then `python tools/i18n.py release`")


def test_shipped_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    fresh = tmp_path / "ui_en.qm"
    release(fresh)
    assert fresh.read_bytes() == QM.read_bytes(), "run `python tools/i18n.py release`"


def test_switching_to_english(qtbot: QtBot, qapp: QApplication, services: AppServices) -> None:
    install_language(qapp, "en")
    try:
        window = MainWindow(services)
        qtbot.addWidget(window)
        menus = [action.text() for action in window.menuBar().actions()]
        assert menus == ["File", "Account", "Settings", "Help"]
        assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
            "Appointments", "Patients", "Callbacks", "Messages", "Clinic lists", "Loyalty",
            "Care plans", "Import & export", "Staff & chairs", "Audit log"]
        assert window.role_label.text() == "Role: Administrator"
        assert current_language() == "en"
    finally:
        install_language(qapp, "zh_CN")
