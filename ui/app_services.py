"""What every page gets: the signed-in Context, the task manager, the clinic, one signal.

Pages never talk to each other. After a change they call ``notify({"staff"})``; every open
page listening for those areas redraws. No page polls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import ClinicInfo
from ui.tasks import TaskManager

T = TypeVar("T")


class AppServices(QObject):
    changed = Signal(object)  # a frozenset[str] of area names
    clinic_changed = Signal(object)  # the new ClinicInfo

    def __init__(self, ctx: Context, tasks: TaskManager, clinic: ClinicInfo,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = tasks
        self.clinic = clinic

    def can(self, permission: Permission) -> bool:
        return self.ctx.can(permission)

    def notify(self, areas: Iterable[str]) -> None:
        self.changed.emit(frozenset(areas))

    def set_clinic(self, clinic: ClinicInfo) -> None:
        self.clinic = clinic
        self.clinic_changed.emit(clinic)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.clinic.zone)

    def format_datetime(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        return f"{self.local(moment):%Y-%m-%d %H:%M}"

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A short service call on the GUI thread (a few ms: list reads, single saves)."""
        return fn(self.ctx, *args, **kwargs)
