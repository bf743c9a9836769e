"""The idle lock, on a fake clock: locks after the set minutes, keeps open dialogs as typed,
takes the same person's password, or lets another person sign in (signing the first out)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor
from clinic_desktop.paths import DataDir
from clinic_desktop.permissions import Role
from clinic_desktop.services.audit_log import list_entries
from clinic_desktop.services.platform.idle_lock import idle_lock_minutes, save_idle_lock_minutes
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.database import Database
from tests.ui.conftest import PASSWORD
from ui.app import Startup
from ui.app_services import AppServices
from ui.dialogs.patient_form import PatientFormDialog
from ui.main_window import MainWindow


class FakeSeconds:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def seconds(window: MainWindow) -> FakeSeconds:
    fake = FakeSeconds()
    window.idle_lock.watcher.now = fake
    window.idle_lock.watcher.touch()
    return fake


def _actions(services: AppServices) -> list[str]:
    return [e.action for e in list_entries(services.ctx)]


def test_it_locks_after_the_set_minutes_and_not_before(
        window: MainWindow, seconds: FakeSeconds, services: AppServices) -> None:
    assert idle_lock_minutes(services.ctx) == 10
    seconds.value += 9 * 60 + 59
    window.idle_lock.watcher.check()
    assert not window.idle_lock.screen.locked
    seconds.value += 1
    window.idle_lock.watcher.check()
    assert window.idle_lock.screen.locked
    assert "session.locked" in _actions(services)


def test_input_restarts_the_wait_and_zero_minutes_never_locks(
        window: MainWindow, seconds: FakeSeconds, services: AppServices) -> None:
    seconds.value += 8 * 60
    QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                             Qt.KeyboardModifier.NoModifier, "a"))
    seconds.value += 8 * 60
    window.idle_lock.watcher.check()
    assert not window.idle_lock.screen.locked
    save_idle_lock_minutes(services.ctx, 0)
    window.idle_lock.set_minutes(idle_lock_minutes(services.ctx))
    seconds.value += 24 * 3600
    window.idle_lock.watcher.check()
    assert not window.idle_lock.screen.locked


def test_a_dialog_open_at_the_lock_comes_back_as_typed_after_the_right_password(
        qtbot: QtBot, window: MainWindow, seconds: FakeSeconds, services: AppServices) -> None:
    window.show()
    form = PatientFormDialog(services, parent=window)
    qtbot.addWidget(form)
    form.show()
    form.name.setText("填到一半的张三")
    window.idle_lock.lock()
    screen = window.idle_lock.screen
    assert screen.locked and not form.isVisible()
    # Keys for the window behind the lock (its shortcuts) stop at the lock screen.
    assert screen.eventFilter(window.nav, QKeyEvent(
        QEvent.Type.ShortcutOverride, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier))
    screen.password.setText("not-my-password")
    screen.unlock()
    assert screen.locked and "用户名或密码不正确" in screen.error_label.text()
    screen.password.setText(PASSWORD)
    screen.unlock()
    assert not screen.locked and form.isVisible()
    assert form.name.text() == "填到一半的张三"
    assert "session.unlocked" in _actions(services)


def test_another_person_signing_in_at_the_lock_signs_the_first_out(
        qtbot: QtBot, clinic_dir: DataDir, clinic_db: tuple[Database, Actor],
        fixed_clock: FixedClock, services: AppServices, messages: list) -> None:
    add_staff(services.ctx, username="nurse", display_name="李护士", role=Role.NURSE,
              password="Qingshui-77-lily")
    startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
    startup.db = clinic_db[0]
    first = startup.show_main_window(clinic_db[1])
    qtbot.addWidget(first)
    first.idle_lock.lock()
    screen = first.idle_lock.screen
    screen.show_other()
    screen.other_username.setText("nurse")
    screen.other_password.setText("Qingshui-77-lily")
    screen.sign_in_other()
    assert startup.window is not None and startup.window is not first
    qtbot.addWidget(startup.window)
    assert startup.services is not None and startup.services.ctx.actor.username == "nurse"
    actions = _actions(services)
    assert "logout" in actions
    startup.window.idle_lock.stop()
    startup.services.tasks.shutdown()


def test_the_lock_screen_covers_the_whole_window(
        qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1280, 650)
    window.show()
    qtbot.waitExposed(window)
    window.idle_lock.lock()
    assert window.idle_lock.screen.geometry() == window.rect()
    # Opaque: nothing of the calendar or a patient's name shows through at any corner.
    image = window.grab().toImage()
    for x, y in ((2, 2), (window.width() - 3, window.height() - 3)):
        assert image.pixelColor(x, y).name() == "#1e293b"
    window.resize(1000, 600)
    QApplication.processEvents()
    assert window.idle_lock.screen.geometry() == window.rect()
    assert isinstance(QApplication.focusWidget(), QLineEdit | None)


def test_the_security_dialog_sets_the_minutes_and_says_the_data_is_plain(
        qtbot: QtBot, window: MainWindow, services: AppServices) -> None:
    from ui.dialogs.security_dialog import SecurityDialog

    dialog = SecurityDialog(services, window)
    qtbot.addWidget(dialog)
    assert "未加密" in dialog.encryption.text() and "clinic-desktop encrypt" in \
        dialog.encryption.text()
    dialog.minutes.setValue(3)
    dialog.submit()
    assert dialog.result() == SecurityDialog.DialogCode.Accepted
    assert idle_lock_minutes(services.ctx) == 3
    assert "settings.idle_lock" in _actions(services)
