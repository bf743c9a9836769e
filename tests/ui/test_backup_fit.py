"""设置 → 数据备份 and 恢复…: fit 1280×650 in both languages, back up now, choose a backup,
restore from the app (it closes), the status bar after a failed backup, the exit backup."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.paths import DataDir
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.platform.backup_settings import BackupSettings, save_backup_settings
from clinic_desktop.services.platform.backups import backup_now, list_backups
from clinic_desktop.storage import backup_copy
from tests.ui.fit import fits
from ui.app import Startup
from ui.app_services import AppServices
from ui.dialogs.backup_dialog import BackupDialog, RestoreDialog
from ui.exit_backup import backup_at_exit
from ui.main_window import MainWindow

SHOTS = os.environ.get("BACKUP_SHOTS")  # a folder: save what the fit test renders


def _history(services: AppServices, clock: FixedClock, usb: Path) -> None:
    """A week of backups, one of them bad, and a second folder that is unplugged."""
    ctx = services.ctx
    for n in range(3):
        create_patient(ctx, PatientInput(name=f"患者{n}", mobile=f"1380013800{n}"))
    start = clock.now()
    for day in range(5):
        clock.set(start - timedelta(days=5 - day))
        backup_now(ctx, reason="nightly")
    clock.set(start)
    save_backup_settings(ctx, BackupSettings(second_folder=str(usb)))
    real = backup_copy.verify_copy
    backup_copy.verify_copy = lambda path, expected: "integrity_check: page 7 is never used"
    try:  # the newest backup is bad and the USB folder is missing: the state shows both
        backup_now(ctx, reason="exit")
    finally:
        backup_copy.verify_copy = real


def test_the_backup_dialogs_fit(language: str, qtbot: QtBot, services: AppServices,
                                fixed_clock: FixedClock, tmp_path: Path) -> None:
    _history(services, fixed_clock, tmp_path / "USB-备份盘" / "诊所数据备份")
    dialog = BackupDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert dialog.state.property("problem") is True
    for size in (dialog.sizeHint(), dialog.minimumSizeHint(), dialog.size()):
        assert fits(size), (language, size)
    restore = RestoreDialog(services, services.call(list_backups))
    qtbot.addWidget(restore)
    restore.show()
    QApplication.processEvents()
    for size in (restore.sizeHint(), restore.minimumSizeHint(), restore.size()):
        assert fits(size), (language, size)
    assert [b.verified for b in restore.model.records].count(False) == 1
    assert restore.model.rowCount() == 6
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/backups-dialog-{language}.png")
        restore.grab().save(f"{SHOTS}/backups-restore-{language}.png")


def test_back_up_now_from_the_dialog(qtbot: QtBot, services: AppServices) -> None:
    dialog = BackupDialog(services)
    qtbot.addWidget(dialog)
    assert dialog.state.text() == "还没有备份。"
    dialog.keep["keep_daily"].setValue(3)
    dialog.backup()
    [found] = services.call(list_backups)
    assert found.verified is True and found.reason == "manual"
    assert "已校验无误" in dialog.state.text()
    assert services.ctx.db.data_dir is not None
    assert str(services.ctx.db.data_dir.backups) in [str(found.file.parent)]


def test_a_bad_setting_is_shown_beside_its_field(qtbot: QtBot, services: AppServices) -> None:
    dialog = BackupDialog(services)
    qtbot.addWidget(dialog)
    dialog.second.setText("relative/folder")
    dialog.submit()
    assert dialog.errors.marked is dialog.second
    assert dialog.result() == 0


def test_restore_dialog_shows_contents_and_asks_first(
        qtbot: QtBot, services: AppServices, messages: list[tuple[str, str]]) -> None:
    create_patient(services.ctx, PatientInput(name="欧阳娜娜", mobile="13800138000"))
    backup_now(services.ctx)
    dialog = RestoreDialog(services, services.call(list_backups))
    qtbot.addWidget(dialog)
    assert "1 位患者" in dialog.detail.text()
    with qtbot.wait_signal(dialog.restore_chosen) as chosen:
        dialog.submit()
    assert messages and messages[0][0] == "question" and "替换当前数据库" in messages[0][1]
    assert isinstance(chosen.args[0], Path) and chosen.args[0].is_file()


def test_the_status_bar_shows_a_failed_backup(qtbot: QtBot, services: AppServices,
                                              tmp_path: Path) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    from ui.widgets.backup_status import BackupStatusLabel

    [label] = window.statusBar().findChildren(BackupStatusLabel)
    assert not label.isVisibleTo(window)
    services.ops.run(lambda ctx: backup_now(ctx, to=tmp_path / "missing"))
    assert label.isVisibleTo(window) and "上次备份失败" in label.text()
    services.ops.run(lambda ctx: backup_now(ctx))
    assert not label.isVisibleTo(window)


def test_the_exit_backup_and_a_restore_from_the_app(
        qtbot: QtBot, clinic_db: object, clinic_dir: DataDir, fixed_clock: FixedClock,
        messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    clinic_db[0].close()  # type: ignore[index]
    startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
    assert startup.open() is None
    try:
        from clinic_desktop.services.auth import sign_in
        from tests.ui.conftest import PASSWORD

        assert startup.db is not None
        actor = sign_in(startup.db, username="admin", password=PASSWORD, clock=fixed_clock)
        window = startup.show_main_window(actor)
        qtbot.addWidget(window)
        result = backup_at_exit(startup.services.ctx)  # type: ignore[union-attr]
        assert result is not None and result.ok and result.reason == "exit"
        [taken] = [d.file for d in result.destinations]
        assert taken is not None
        create_patient(startup.services.ctx,  # type: ignore[union-attr]
                       PatientInput(name="备份之后", mobile="13900139000"))
        quits: list[bool] = []
        monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))
        window.restore_requested.emit(taken)
        assert quits == [True] and startup.db is None
        assert any("已恢复：0 位患者" in text for _kind, text in messages), messages
        assert list(clinic_dir.root.glob("clinic.sqlite3.before-restore-*"))
        startup.backup_at_exit()  # after a restore: nothing (the database is closed)
    finally:
        startup.close()
