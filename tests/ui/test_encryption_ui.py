"""The GUI's side of encryption: a first start creates an encrypted clinic and shows its
recovery key once; a lost key is typed back from paper; a passphrase gets three tries."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from clinic_desktop import database_keys
from clinic_desktop.clock import FixedClock
from clinic_desktop.database_keys import recovery_text
from clinic_desktop.paths import DataDir
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.platform.encryption import create_key
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.sqlite_files import forget_keys, is_encrypted
from tests.ui.conftest import PASSWORD
from tests.unit.platform.test_encryption import _RefusingKeyring
from ui.app import EXIT_OK, Startup
from ui.dialogs.recovery_key_dialog import RecoveryKeyDialog
from ui.dialogs.setup_dialog import SetupDialog
from ui.dialogs.unlock_dialog import UnlockDialog


def _encrypted_clinic(folder: DataDir, clock: FixedClock, *, passphrase: str | None = None
                      ) -> bytes:
    made = create_key(folder, passphrase=passphrase)
    db = open_database(folder, key=made.key)
    setup_clinic(db, clinic_name="仁爱口腔", timezone="Asia/Shanghai", admin_username="admin",
                 admin_display_name="王院长", password=PASSWORD, clock=clock)
    db.close()
    forget_keys()
    return made.key


def test_the_first_start_encrypts_the_new_clinic_and_shows_its_recovery_key_once(
        qtbot: QtBot, clinic_dir: DataDir, fixed_clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    def setup_exec(dialog: SetupDialog) -> int:
        for name, text in {"clinic_name": "仁爱口腔", "username": "boss",
                           "display_name": "王院长", "password": "long-enough-9",
                           "password_confirm": "long-enough-9"}.items():
            getattr(dialog, name).setText(text)
        dialog.submit()
        return int(dialog.result())

    def recovery_exec(dialog: RecoveryKeyDialog) -> int:
        shown.append(dialog.recovery)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(SetupDialog, "exec", setup_exec)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", recovery_exec)
    startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
    assert startup.open() is None
    try:
        assert startup.db is not None and startup.db.encrypted
        actor = startup.authenticate(demo=False)
        assert actor is not None and actor.username == "boss"
        assert startup.new_key is not None and shown == [startup.new_key.recovery]
    finally:
        startup.close()
    assert is_encrypted(clinic_dir.database)


def test_a_lost_key_is_typed_back_from_the_printed_recovery_key(
        qtbot: QtBot, clinic_dir: DataDir, fixed_clock: FixedClock) -> None:
    key = _encrypted_clinic(clinic_dir, fixed_clock)
    for key_file in database_keys.key_dir().glob("*.key"):
        key_file.unlink()
    dialog = UnlockDialog(clinic_dir, passphrase=False)
    qtbot.addWidget(dialog)
    dialog.secret.setText("AAAAA-BBBBB")
    dialog.submit()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "恢复密钥不正确" in dialog.error_label.text()
    dialog.secret.setText(recovery_text(key).lower())
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.key == key
    forget_keys()
    open_database(clinic_dir).close()  # stored again: the next start needs nothing


def test_three_wrong_passphrases_end_the_start_with_one_sentence(
        qtbot: QtBot, clinic_dir: DataDir, fixed_clock: FixedClock,
        messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(_RefusingKeyring())
    try:
        _encrypted_clinic(clinic_dir, fixed_clock, passphrase="前台口令-2026")

        def wrong_three_times(dialog: UnlockDialog) -> int:
            for _attempt in range(3):
                dialog.secret.setText("猜一个")
                dialog.submit()
            return int(dialog.result())

        monkeypatch.setattr(UnlockDialog, "exec", wrong_three_times)
        startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
        assert startup.open() == EXIT_OK
        assert messages[-1][0] == "warning" and "连续 3 次不对" in messages[-1][1]

        def right(dialog: UnlockDialog) -> int:
            dialog.secret.setText("前台口令-2026")
            dialog.submit()
            return int(dialog.result())

        monkeypatch.setattr(UnlockDialog, "exec", right)
        forget_keys()
        startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
        assert startup.open() is None
        assert startup.db is not None and startup.db.encrypted
        startup.close()
    finally:
        keyring.set_keyring(previous)


def test_the_recovery_sheet_is_saved_as_a_private_pdf_and_continue_waits_for_the_tick(
        qtbot: QtBot, tmp_path: Path, fixed_clock: FixedClock) -> None:
    recovery = recovery_text(b"\x01" * 32)
    dialog = RecoveryKeyDialog(recovery, "仁爱口腔", day=fixed_clock.now().date())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    dialog.reject()  # Escape before the tick does not dismiss the key unseen
    assert dialog.isVisible()
    dialog.confirmed.setChecked(True)
    assert dialog.ok_button.isEnabled()
    pdf = tmp_path / "key.pdf"
    assert dialog.save_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_mode & 0o077 == 0
    assert recovery in dialog.document().toPlainText()
