"""Setup on first start, sign-in with lockout, demo sign-in, refusals before the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.demo import seed_demo
from clinic_desktop.lockfile import InstanceLock
from clinic_desktop.paths import DataDir
from clinic_desktop.services.auth import needs_setup
from clinic_desktop.storage.database import Database, open_database
from tests.ui.conftest import PASSWORD
from ui.app import EXIT_OK, EXIT_UNUSABLE, Startup
from ui.dialogs.login_dialog import LoginDialog
from ui.dialogs.setup_dialog import SetupDialog


def _fill_setup(dialog: SetupDialog, **values: str) -> None:
    fields = {"clinic_name": "仁爱口腔", "username": "boss", "display_name": "王院长",
              "password": "long-enough", "password_confirm": "long-enough"} | values
    for name, text in fields.items():
        getattr(dialog, name).setText(text)


def test_setup_dialog_names_the_empty_field_and_writes_nothing(
    qtbot: QtBot, database: Database, fixed_clock: FixedClock
) -> None:
    dialog = SetupDialog(database, clock=fixed_clock)
    qtbot.addWidget(dialog)
    _fill_setup(dialog, clinic_name="")
    dialog.submit()
    assert dialog.errors.text == "请填写诊所名称。"
    assert dialog.errors.marked is dialog.clinic_name
    assert dialog.username.text() == "boss"  # what was typed is kept
    assert needs_setup(database)


def test_setup_dialog_catches_mismatched_confirmation(
    qtbot: QtBot, database: Database, fixed_clock: FixedClock
) -> None:
    dialog = SetupDialog(database, clock=fixed_clock)
    qtbot.addWidget(dialog)
    _fill_setup(dialog, password_confirm="different")
    dialog.submit()
    assert dialog.errors.marked is dialog.password_confirm
    assert needs_setup(database)


def test_setup_dialog_creates_the_clinic(
    qtbot: QtBot, database: Database, fixed_clock: FixedClock
) -> None:
    dialog = SetupDialog(database, clock=fixed_clock)
    qtbot.addWidget(dialog)
    assert dialog.timezone.currentText() == "Asia/Shanghai"
    _fill_setup(dialog)
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "boss"
    assert not needs_setup(database)


def test_login_keeps_username_clears_password_and_locks_after_five(
    qtbot: QtBot, clinic_db: tuple[Database, object],
    fixed_clock: FixedClock,
) -> None:
    db, _actor = clinic_db
    dialog = LoginDialog(db, "仁爱口腔", clock=fixed_clock)
    qtbot.addWidget(dialog)
    dialog.username.setText("admin")
    for _ in range(4):
        dialog.password.setText("wrong")
        dialog.submit()
        assert dialog.username.text() == "admin" and dialog.password.text() == ""
    assert "再错 1 次" in dialog.errors.text
    dialog.password.setText("wrong")
    dialog.submit()
    assert "已锁定 5 分钟" in dialog.errors.text
    dialog.password.setText(PASSWORD)
    dialog.submit()
    assert "分钟后再试" in dialog.errors.text
    assert dialog.actor is None


def test_login_success_opens_main_window_with_user_and_role(
    qtbot: QtBot, clinic_dir: DataDir, clinic_db: tuple[Database, object], messages: list,
    fixed_clock: FixedClock,
) -> None:
    clinic_db[0].close()
    startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
    assert startup.open() is None
    try:
        dialog = LoginDialog(startup.db, "仁爱口腔", clock=fixed_clock)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        dialog.username.setText("ADMIN")
        dialog.password.setText(PASSWORD)
        dialog.submit()
        assert dialog.result() == QDialog.DialogCode.Accepted and dialog.actor is not None
        window = startup.show_main_window(dialog.actor)
        qtbot.addWidget(window)
        assert window.user_label.text() == "用户：王院长"
        assert window.role_label.text() == "角色：管理员"
        assert window.windowTitle() == "Clinic Desktop — 仁爱口腔"
        assert not window.demo_badge.isVisibleTo(window)
    finally:
        startup.close()


def test_demo_flag_signs_in_and_marks_the_title(
    qtbot: QtBot, tmp_path: Path, messages: list,
    fixed_clock: FixedClock,
) -> None:
    folder = DataDir(tmp_path / "demo")
    db = open_database(folder)
    seed_demo(db, patients=0, clock=fixed_clock)
    db.close()
    startup = Startup(folder, clock=fixed_clock, synchronous_tasks=True)
    assert startup.open() is None
    try:
        actor = startup.authenticate(demo=True)
        assert actor is not None and actor.username == "admin"
        window = startup.show_main_window(actor)
        qtbot.addWidget(window)
        assert "[演示 / DEMO]" in window.windowTitle()
        assert window.demo_badge.isVisibleTo(window)
    finally:
        startup.close()


def test_second_instance_gets_the_already_open_message(
    clinic_dir: DataDir, messages: list[tuple[str, str]],
    fixed_clock: FixedClock,
) -> None:
    clinic_dir.ensure()
    with InstanceLock(clinic_dir.lock_file):
        assert Startup(clinic_dir, clock=fixed_clock).open() == EXIT_OK
    [(kind, text)] = messages
    assert kind == "warning" and "Clinic Desktop 已在这台电脑上打开（同一数据文件夹）。" in text


@pytest.mark.parametrize(
    "content", [b"not a database at all", b"SQLite format 3\x00" + b"\1" * 300]
)
def test_not_a_database_is_explained_and_left_unchanged(
    clinic_dir: DataDir, messages: list[tuple[str, str]], content: bytes,
    fixed_clock: FixedClock,
) -> None:
    clinic_dir.ensure()
    clinic_dir.database.write_bytes(content)
    startup = Startup(clinic_dir, clock=fixed_clock)
    assert startup.open() == EXIT_UNUSABLE
    assert clinic_dir.database.read_bytes() == content
    assert messages[0][0] == "warning" and "文件未被改动" in messages[0][1]
    # The lock is released, so the user can fix the folder and start again.
    InstanceLock(clinic_dir.lock_file).acquire().release()


def test_a_damaged_file_opens_for_reading_says_so_and_refuses_writes(
    qtbot: QtBot, clinic_dir: DataDir, clinic_db: tuple[Database, object],
    messages: list[tuple[str, str]], fixed_clock: FixedClock,
) -> None:
    import sqlite3

    from clinic_desktop.context import Context
    from clinic_desktop.errors import DatabaseUnusable
    from clinic_desktop.services.chairs import add_chair
    from clinic_desktop.services.patients import PatientInput, create_patient

    db, actor = clinic_db
    ctx = Context(db=db, actor=actor, clock=fixed_clock)  # type: ignore[arg-type]
    for n in range(150):
        create_patient(ctx, PatientInput(name=f"患者{n}", mobile=f"1380000{n:04d}"))
    db.close()
    conn = sqlite3.connect(clinic_dir.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = clinic_dir.database.stat().st_size
    with open(clinic_dir.database, "r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(b"\xff" * 4096)

    startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
    assert startup.open() is None  # the window still opens: reading may help the clinic
    try:
        window = startup.show_main_window(actor)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        assert messages and messages[-1][0] == "critical" and "已损坏" in messages[-1][1]
        assert startup.db is not None
        with pytest.raises(DatabaseUnusable):
            add_chair(startup.services.ctx, name="3号椅位")  # type: ignore[union-attr]
    finally:
        startup.close()
