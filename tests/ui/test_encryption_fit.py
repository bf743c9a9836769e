"""The encryption dialogs fit 1280×650 in both languages, with their error line showing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.database_keys import recovery_text
from clinic_desktop.paths import DataDir
from tests.ui.fit import assert_shown_and_fitting
from ui.app_services import AppServices
from ui.dialogs.recovery_key_dialog import RecoveryKeyDialog
from ui.dialogs.security_dialog import SecurityDialog
from ui.dialogs.unlock_dialog import UnlockDialog


def test_the_unlock_and_recovery_key_dialogs_fit(
        language: str, qtbot: QtBot, tmp_path: Path, fixed_clock: FixedClock,
        services: AppServices) -> None:
    folder = DataDir(tmp_path / "clinic")
    folder.ensure()
    recovery = UnlockDialog(folder, passphrase=False)
    recovery.secret.setText("not a key")
    recovery.submit()  # the error line shows; the dialog must still fit
    passphrase = UnlockDialog(folder, passphrase=True)
    passphrase.secret.setText("wrong")
    passphrase.submit()
    sheet = RecoveryKeyDialog(recovery_text(b"\x07" * 32),
                              "仁爱口腔门诊部（朝阳区建国路分院）", day=fixed_clock.now().date())
    security = SecurityDialog(services)
    dialogs: list[QWidget] = [recovery, passphrase, sheet, security]
    for dialog in dialogs:
        assert_shown_and_fitting(qtbot, dialog, language)
    assert recovery.error_label.isVisibleTo(recovery)
    assert passphrase.error_label.isVisibleTo(passphrase)
