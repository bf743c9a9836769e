"""自动消息 fits a 1280×650 screen in Chinese and English."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.fit import assert_shown_and_fitting
from ui.app_services import AppServices
from ui.dialogs.auto_messages_dialog import AutoMessagesDialog


def test_the_automatic_messages_dialog_fits(language: str, qtbot: QtBot,
                                            services: AppServices) -> None:
    assert_shown_and_fitting(qtbot, AutoMessagesDialog(services), language)
