"""The lock after N minutes without input: the window is covered and asks the same person's
password, or another person signs in (which signs the first out).

Work in open dialogs is kept: a dialog open when the lock comes is hidden (its contents stay
as typed) and shown again after the unlock. While locked, nothing but the lock screen takes
keys: the window's shortcuts and menus are out of reach behind it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.errors import UserError
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.platform.idle_lock import (
    idle_lock_minutes,
    lock_session,
    unlock_session,
)
from ui.app_services import AppServices
from ui.errors import FieldErrors
from ui.widgets.rich_text import plain_label

CHECK_EVERY_MS = 10_000
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
          QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress}
_KEYS = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
         QEvent.Type.Shortcut}


class IdleWatcher(QObject):
    """Notes input anywhere in the application; ``idle`` once no input came for ``minutes``
    (0: never). ``now`` is the clock in seconds (a fake one in tests)."""

    idle = Signal()

    def __init__(self, minutes: int, *, now: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self.now = now
        self._last = now()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INPUT:
            self._last = self.now()
        return False

    def touch(self) -> None:
        self._last = self.now()

    def check(self) -> None:
        if self.minutes > 0 and self.now() - self._last >= self.minutes * 60:
            self._last = self.now()  # once per idle spell, not every check after it
            self.idle.emit()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QWidget):
    """Covers the main window while it is locked."""

    unlocked = Signal()
    switched = Signal(object)  # the Actor who signed in instead

    def __init__(self, window: QWidget, services: AppServices) -> None:
        super().__init__(window)
        self.setObjectName("lockScreen")
        # Opaque: no patient's name or number stays readable behind the lock.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockScreen { background: #1E293B; }"
                           " #lockCard { background: #FFFFFF; border-radius: 10px; }")
        self.services = services
        self._hidden_dialogs: list[QDialog] = []
        self._locked = False
        card = QFrame(self)
        card.setObjectName("lockCard")
        card.setFixedWidth(420)
        box = QVBoxLayout(card)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(10)
        heading = QLabel(self.tr("已锁定"))
        heading.setObjectName("dialogHeading")
        box.addWidget(heading)
        actor = services.ctx.actor
        self.who = plain_label(self.tr("{0}（{1}）离开后屏幕已自动锁定。输入密码继续；打开的"
                                       "窗口和填写的内容都还在。").format(
            actor.display_name, actor.username))
        self.who.setWordWrap(True)
        box.addWidget(self.who)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.unlock)
        form.addRow(self.tr("密码"), self.password)
        box.addLayout(form)
        self.other = QFrame()
        other_form = QFormLayout(self.other)
        other_form.setContentsMargins(0, 0, 0, 0)
        self.other_username = QLineEdit()
        self.other_password = QLineEdit()
        self.other_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.other_password.returnPressed.connect(self.sign_in_other)
        other_form.addRow(self.tr("用户名"), self.other_username)
        other_form.addRow(self.tr("密码"), self.other_password)
        self.other.hide()
        box.addWidget(self.other)
        self.error_label = plain_label()
        self.error_label.setObjectName("fieldError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        box.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"password": self.password,
                                                     "username": self.other_username})
        buttons = QHBoxLayout()
        self.switch_button = QPushButton(self.tr("换人登录"))
        self.switch_button.clicked.connect(self.show_other)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.setDefault(True)
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.clicked.connect(self.unlock)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        box.addLayout(buttons)
        self._card = card
        self.hide()

    # -- showing -----------------------------------------------------------------------------
    def lock(self) -> None:
        if self._locked:
            return
        self._locked = True
        parent = self.parentWidget()
        assert parent is not None
        self._hidden_dialogs = [w for w in QApplication.topLevelWidgets()
                                if isinstance(w, QDialog) and w.isVisible()]
        for dialog in self._hidden_dialogs:
            dialog.hide()  # kept as it is, shown again after the unlock
        self.setGeometry(parent.rect())
        self.password.clear()
        self.other.hide()
        self.errors.clear()
        self.show()
        self.raise_()
        self.password.setFocus()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.services.call(lock_session)

    @property
    def locked(self) -> bool:
        return self._locked

    def _release(self) -> None:
        self._locked = False
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.hide()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self._card.adjustSize()
        self._card.move((self.width() - self._card.width()) // 2,
                        max(24, (self.height() - self._card.height()) // 3))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Keys reach the lock screen only: the window's shortcuts wait behind it."""
        return (self._locked and event.type() in _KEYS and isinstance(watched, QWidget)
                and watched is not self and not self.isAncestorOf(watched))

    # -- the two ways out ----------------------------------------------------------------------
    def unlock(self) -> None:
        try:
            unlock_session(self.services.ctx, self.password.text())
        except UserError as error:
            self.password.clear()
            self.errors.show(UserError(error.message, field="password"))
            return
        self._release()
        for dialog in self._hidden_dialogs:
            dialog.show()
        self._hidden_dialogs = []
        self.unlocked.emit()

    def show_other(self) -> None:
        self.other.show()
        self.switch_button.hide()
        self.unlock_button.setText(self.tr("登录"))
        self.unlock_button.clicked.disconnect()
        self.unlock_button.clicked.connect(self.sign_in_other)
        self._card.adjustSize()
        self.resizeEvent(None)
        self.other_username.setFocus()

    def sign_in_other(self) -> None:
        try:
            actor = sign_in(self.services.ctx.db, username=self.other_username.text(),
                            password=self.other_password.text(), clock=self.services.ctx.clock)
        except UserError as error:
            self.other_password.clear()
            self.errors.show(error)
            return
        # The first person's open dialogs were theirs: they close with their session.
        for dialog in self._hidden_dialogs:
            dialog.reject()
        self._hidden_dialogs = []
        self._release()
        self.switched.emit(actor)


class IdleLock(QObject):
    """Ties the watcher to the lock screen of one signed-in window."""

    switched = Signal(object)  # Actor

    def __init__(self, window: QWidget, services: AppServices) -> None:
        super().__init__(window)
        self._window = window
        self.screen = LockScreen(window, services)
        self.watcher = IdleWatcher(services.call(idle_lock_minutes), parent=self)
        self.watcher.idle.connect(self.lock)
        self.screen.switched.connect(self.switched)
        self.screen.unlocked.connect(self.watcher.touch)
        window.installEventFilter(self)

    def lock(self) -> None:
        self.screen.lock()

    def set_minutes(self, minutes: int) -> None:
        self.watcher.minutes = minutes

    def stop(self) -> None:
        self.watcher.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and self.screen.locked:
            self.screen.setGeometry(self._window.rect())
        return False

