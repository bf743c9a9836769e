"""连接服务器 and 附件文件夹 fit a 1280×650 screen in Chinese and English, with an error
showing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from clinic_desktop.paths import DataDir
from tests.ui.fit import assert_shown_and_fitting
from ui.app_services import AppServices
from ui.dialogs.attachments_folder_dialog import AttachmentsFolderDialog
from ui.dialogs.server_dialog import ServerDialog
from ui.tasks import TaskManager


def test_the_server_dialog_fits(language: str, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ServerDialog(DataDir(tmp_path), TaskManager(synchronous=True))
    dialog.submit()  # nothing typed: the error line shows
    assert_shown_and_fitting(qtbot, dialog, language)


def test_the_attachments_folder_dialog_fits(language: str, qtbot: QtBot,
                                             services: AppServices) -> None:
    dialog = AttachmentsFolderDialog(services)
    dialog.folder.setText("attachments")
    dialog.submit()  # a relative path: the error line shows
    assert dialog.errors.marked is dialog.folder
    assert_shown_and_fitting(qtbot, dialog, language)
