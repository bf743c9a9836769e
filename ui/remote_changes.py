"""The other workstations' changes, heard on a server database and shown here.

``storage.notify.ChangeListener`` hears them on a thread of its own; here its callbacks only
emit signals, which Qt queues to the GUI thread. There a change set goes through the same
``Operations.announce`` as this workstation's own writes (so the day's calendar, the open
patient and the lists refresh as for a local change), the callback badge is recounted when
care tasks changed, and the status bar says when the server cannot be reached (the listener
reconnects by itself and then refreshes everything)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.services.care import count_due
from clinic_desktop.storage.notify import ChangeListener
from ui.app_services import AppServices


class RemoteChanges(QObject):
    heard = Signal(object)  # a ChangeSet, emitted on the listener's thread
    status = Signal(bool)  # connected, emitted on the listener's thread

    def __init__(self, services: AppServices, *, first_retry: float = 1.0) -> None:
        super().__init__(services)
        self.services = services
        self.label = QLabel()
        self.label.setObjectName("serverStatus")
        self.label.hide()
        self.heard.connect(self._on_heard, Qt.ConnectionType.QueuedConnection)
        self.status.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        self.listener = ChangeListener.for_database(
            services.ctx.db, on_changes=self.heard.emit, on_status=self.status.emit,
            first_retry=first_retry)

    def start(self) -> None:
        self.label.setText(self.tr("正在连接服务器……"))
        self.label.show()
        self.listener.start()

    def stop(self) -> None:
        self.listener.stop()

    def _on_heard(self, changes: ChangeSet) -> None:
        self.services.ops.announce(changes, self)  # someone else's change, not this page's
        if changes.touches(Area.CARE_TASKS):
            ctx = self.services.ctx
            self.services.tasks.run(lambda: count_due(ctx),
                                    on_done=self.services.due_count_changed.emit)

    def _on_status(self, connected: bool) -> None:
        if connected:
            self.label.hide()
            self.label.setToolTip("")
            return
        self.label.setText(self.tr("⚠ 与服务器的连接中断，正在重新连接……"))
        self.label.setToolTip(self.tr("其他工作站的更改暂时不会显示；恢复连接后会自动刷新。"
                                      "这期间的保存会在连接恢复后才能完成。"))
        self.label.show()
