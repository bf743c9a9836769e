"""连接服务器, 附件文件夹 and 定时任务 fit a 1280×650 screen in Chinese and English, with an
error showing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clinic_desktop.errors import UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.services.platform.scheduler_lease import save_lease_seconds
from tests.ui.fit import assert_shown_and_fitting
from ui.app_services import AppServices
from ui.dialogs.attachments_folder_dialog import AttachmentsFolderDialog
from ui.dialogs.scheduler_dialog import SchedulerDialog
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


def test_the_scheduler_dialog_fits_and_saves(language: str, qtbot: QtBot,
                                            services: AppServices) -> None:
    dialog = SchedulerDialog(services)
    assert dialog.seconds.value() == 60  # the default lease
    with pytest.raises(UserError) as refused:  # the service's own sentence, as shown
        save_lease_seconds(services.ctx, 5)
    dialog.errors.show(refused.value)
    assert dialog.errors.marked is dialog.seconds
    assert_shown_and_fitting(qtbot, dialog, language)
    dialog.seconds.setValue(90)
    dialog.submit()
    assert dialog.saved == 90
    assert SchedulerDialog(services).seconds.value() == 90  # what the next opening shows
