"""Bridges the in-process scheduler to the GUI.

APScheduler runs scans on its own thread; the listener there only emits a signal, which Qt
queues to the GUI thread, where the badge and the tray message are updated.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QStyle, QSystemTrayIcon, QWidget

from clinic_desktop.context import Context
from clinic_desktop.scheduler import ClinicScheduler
from clinic_desktop.services.care import count_due


class CareMonitor(QObject):
    scanned = Signal(str, int)  # emitted on the scheduler thread
    due_count_changed = Signal(int)  # on the GUI thread

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.scheduler: ClinicScheduler | None = None
        self.tray: QSystemTrayIcon | None = None
        self.scanned.connect(self._on_scanned, Qt.ConnectionType.QueuedConnection)

    def start(self, window: QWidget, *, interval_seconds: int = 60) -> None:
        import clinic_desktop.wiring  # noqa: F401 - registers the scans

        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.show()
        self.scheduler = ClinicScheduler(self.ctx, interval_seconds=interval_seconds)
        self.scheduler.add_listener(lambda name, n: self.scanned.emit(name, n))
        self.scheduler.start(catch_up=True)

    def _on_scanned(self, name: str, raised: int) -> None:
        if name != "care.raise_due":
            return
        self.due_count_changed.emit(count_due(self.ctx))
        if raised and self.tray is not None:
            self.tray.showMessage(self.tr("回访提醒"),
                                  self.tr("有 {0} 个新的回访任务到期。").format(raised))

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None
