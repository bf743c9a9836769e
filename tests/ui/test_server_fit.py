"""连接服务器 fits a 1280×650 screen in Chinese and English, with an error showing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from clinic_desktop.paths import DataDir
from tests.ui.fit import assert_shown_and_fitting
from ui.dialogs.server_dialog import ServerDialog
from ui.tasks import TaskManager


def test_the_server_dialog_fits(language: str, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ServerDialog(DataDir(tmp_path), TaskManager(synchronous=True))
    dialog.submit()  # nothing typed: the error line shows
    assert_shown_and_fitting(qtbot, dialog, language)
