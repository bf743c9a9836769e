"""What every page gets: the signed-in Context, the operation runner, the clinic, one signal.

Pages never talk to each other. Every write goes through ``ops`` (``ui.operations``), which
emits ``changed(ChangeSet, initiator)`` once per operation; the scheduler's scans announce
theirs the same way. A page refreshes when the set touches what it shows. No page polls.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import ClinicInfo
from ui.operations import Operations
from ui.tasks import TaskManager

T = TypeVar("T")


class AppServices(QObject):
    changed = Signal(object, object)  # ChangeSet, the initiator (or None)
    clinic_changed = Signal(object)  # the new ClinicInfo
    # Requests between pages go through the window, which owns the pages: a page asks, the
    # window opens the page that does it. No page holds another.
    open_patient_requested = Signal(int)  # patient id: show the patient's 360° panel
    booking_requested = Signal(int)  # patient id: open the booking dialog for the patient
    # Callbacks due now (``care.count_due``), after a scan or a change to care tasks: the
    # window's badge follows it.
    due_count_changed = Signal(int)

    def __init__(self, ctx: Context, tasks: TaskManager, clinic: ClinicInfo,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = tasks
        self.clinic = clinic
        self.ops = Operations(lambda: self.ctx, tasks, self)
        self.ops.changed.connect(self.changed)

    def request_patient(self, patient_id: int) -> None:
        self.open_patient_requested.emit(patient_id)

    def request_booking(self, patient_id: int) -> None:
        self.booking_requested.emit(patient_id)

    def can(self, permission: Permission) -> bool:
        return self.ctx.can(permission)

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
        """A short read on the GUI thread (a few ms: a list, one record). Writes go through
        ``ops``, which says what changed."""
        return fn(self.ctx, *args, **kwargs)
