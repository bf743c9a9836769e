"""The password screens fit a 1280×650 screen in Chinese and in English: the sign-in's
change-password step with a refusal showing, and the administrator's reset dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.permissions import Role
from clinic_desktop.services import staff as staff_service
from tests.ui.fit import assert_shown_and_fitting
from tests.ui.test_every_screen_fits import _primary_buttons
from ui.app_services import AppServices
from ui.dialogs.login_dialog import LoginDialog
from ui.dialogs.settings_dialogs import ResetPasswordDialog

LONG_NAME = "欧阳娜娜·阿卜杜热合曼"


def test_the_password_dialogs_fit(language: str, qtbot: QtBot, services: AppServices,
                                  fixed_clock: FixedClock) -> None:
    nurse = staff_service.add_staff(
        services.ctx, username="nurse.ouyang.nana", display_name=LONG_NAME, role=Role.NURSE,
        password="pass1234")
    staff_service.require_password_change(services.ctx, nurse.id)
    login = LoginDialog(services.ctx.db, "仁爱口腔门诊部（朝阳区建国路分院）", clock=fixed_clock,
                        username=nurse.username)
    login.password.setText("pass1234")
    login.submit()
    assert login.changing_password
    login.new_password.setText("12345678")
    login.confirm.setText("12345678")
    login.submit()  # the refusal shows under the fields; the dialog must still fit
    assert login.error_label.isVisibleTo(login)
    reset = ResetPasswordDialog(services, nurse)
    reset.new.setText("password")
    reset.confirm.setText("password")
    reset.submit()
    assert reset.error_label.isVisibleTo(reset)
    dialogs: list[QWidget] = [login, reset]
    for dialog in dialogs:
        assert_shown_and_fitting(qtbot, dialog, language)
        assert len(_primary_buttons(dialog)) == 1, (type(dialog).__name__,
                                                    _primary_buttons(dialog))
