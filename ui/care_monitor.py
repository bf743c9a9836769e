"""Bridges the in-process scheduler to the GUI of one signed-in session.

APScheduler runs scans on its own thread; the listener there only emits a signal, which Qt
queues to the GUI thread, where the badge, the tray message and the pages' refresh (the
scans' change sets) are handled. A monitor belongs to one sign-in: ``stop`` ends it with the
session, and the next sign-in starts a new one for the new user.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from clinic_desktop.changes import ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.scheduler import ClinicScheduler
from clinic_desktop.services.care import count_due
from ui.icons import icon


class CareMonitor(QObject):
    scanned = Signal(str, int, object)  # emitted on the scheduler thread
    due_count_changed = Signal(int)  # on the GUI thread
    changes_found = Signal(object)  # a scan's ChangeSet, on the GUI thread

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scheduler: ClinicScheduler | None = None
        self.tray: QSystemTrayIcon | None = None
        self.scanned.connect(self._on_scanned, Qt.ConnectionType.QueuedConnection)

    def start(self, window: QWidget, *, interval_seconds: int = 60,
              catch_up: bool = True) -> None:
        import clinic_desktop.wiring  # noqa: F401 - registers the scans

        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("reminder"), self)
            self.tray.show()
        self.scheduler = ClinicScheduler(self.ctx, interval_seconds=interval_seconds)
        self.scheduler.add_listener(self._relay)
        self.scheduler.start(catch_up=catch_up)

    def _relay(self, name: str, raised: int, changes: ChangeSet) -> None:
        self.scanned.emit(name, raised, changes)  # scheduler thread -> queued to the GUI

    def _on_scanned(self, name: str, raised: int, changes: ChangeSet) -> None:
        if not changes.empty:
            self.changes_found.emit(changes)
        if name != "care.raise_due":
            return
        self.due_count_changed.emit(count_due(self.ctx))
        if raised and self.tray is not None:
            self.tray.showMessage(self.tr("回访提醒"),
                                  self.tr("有 {0} 个新的回访任务到期。").format(raised))

    @property
    def listener_count(self) -> int:
        return len(self.scheduler._listeners) if self.scheduler is not None else 0  # noqa: SLF001

    def stop(self) -> None:
        """End with the session: no more scans for this user, no tray icon left behind."""
        if self.scheduler is not None:
            self.scheduler.remove_listener(self._relay)
            self.scheduler.shutdown()
            self.scheduler = None
        if self.tray is not None:
            self.tray.hide()
            self.tray = None
