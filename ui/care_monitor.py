"""Bridges the in-process scheduler to the GUI of one signed-in session.

APScheduler runs scans on its own thread; the listener there only emits a signal, which Qt
queues to the GUI thread, where the badge, the tray message and the pages' refresh (the
scans' change sets) are handled. A monitor belongs to one sign-in: ``stop`` ends it with the
session, and the next sign-in starts a new one for the new user.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QSystemTrayIcon, QWidget

from clinic_desktop.changes import ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.scheduler import ClinicScheduler
from clinic_desktop.services.care import count_due
from ui.icons import icon


class CareMonitor(QObject):
    scanned = Signal(str, int, object)  # emitted on the scheduler thread
    due_count_changed = Signal(int)  # on the GUI thread
    changes_found = Signal(object)  # a scan's ChangeSet, on the GUI thread
    # Whether this workstation runs the scheduled jobs: emitted on the scheduler's thread
    # (queued to the GUI), once known and at every change.
    leadership_changed = Signal(bool)

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
        self.scheduler.add_leadership_listener(self.leadership_changed.emit)
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


class SchedulerRoleLabel(QLabel):
    """The status bar's word on who runs the scheduled jobs, for a clinic on a server: staff
    who wonder why messages went out while their PC was off, or the IT person closing the PC
    that leads, see it here (``pg_stat_activity`` names it too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schedulerRole")
        self.hide()  # until the first election says which

    def show_role(self, leads: bool) -> None:
        if leads:
            self.setText(self.tr("⏱ 本机运行定时任务"))
            self.setToolTip(self.tr(
                "到期回访、自动消息、夜间会员结算和看板统计等定时任务由这台工作站运行。"
                "关闭它后，另一台开着的工作站会自动接手。"))
        else:
            self.setText(self.tr("⏱ 定时任务由另一台工作站运行"))
            self.setToolTip(self.tr(
                "到期回访、自动消息等定时任务由另一台工作站运行；它关闭或断开后，"
                "这台工作站会自动接手。"))
        self.show()
