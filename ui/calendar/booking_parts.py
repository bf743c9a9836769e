"""What the booking and the reschedule dialogs share: the live conflict line (with the 加号
reason for a user who may override) and 查找空档 (the next free slots; a click takes one)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.permissions import Permission
from clinic_desktop.rules.free_slots import FreeSlot
from clinic_desktop.rules.schedule_rules import Conflict
from clinic_desktop.services.calendar import find_free_slots
from ui.app_services import AppServices
from ui.icons import icon
from ui.widgets.qt_dates import qdatetime
from ui.widgets.rich_text import plain_label

SLOTS_SHOWN = 8


def local_edit(edit: QDateTimeEdit, services: AppServices) -> datetime:
    """The clinic-local moment a date-time field shows."""
    shown: datetime = edit.dateTime().toPython()  # type: ignore[assignment]
    return shown.replace(tzinfo=services.clinic.zone)


def set_local_edit(edit: QDateTimeEdit, moment: datetime, services: AppServices) -> None:
    edit.setDateTime(qdatetime(services.local(moment).replace(tzinfo=None)))


def _refresh_hints(dialog: QDialog) -> None:
    """Size hints from what the dialog holds now: a scroll area's content may have gained
    rows (conflicts, free slots) that its cached hint does not know about."""
    for area in dialog.findChildren(QScrollArea):
        inner = area.widget()
        layout = inner.layout() if inner is not None else None
        if layout is not None:
            layout.invalidate()
            layout.activate()
        area.updateGeometry()
    outer = dialog.layout()
    if outer is not None:
        outer.invalidate()
        outer.activate()


def open_at_hint(dialog: QDialog) -> None:
    """Open as large as the dialog asks (its scroll area keeps that within 1280×650): left to
    itself, Qt opens a window at most two thirds of the screen high, which on a 650-pixel
    screen hides the conflicts and free slots under a scroll bar."""
    _refresh_hints(dialog)
    wanted = dialog.sizeHint().expandedTo(dialog.minimumSize())
    screen = dialog.screen().availableGeometry().size()
    dialog.resize(wanted.boundedTo(screen))


def grow_to_fit(dialog: QDialog) -> None:
    """Conflicts or free slots appeared in a dialog already shown: taller, up to what it asks
    (its scroll area caps that within a 1280×650 screen); never shorter than the user made it."""
    _refresh_hints(dialog)
    if dialog.isVisible() and dialog.sizeHint().height() > dialog.height():
        dialog.resize(dialog.width(), dialog.sizeHint().height())


class ConflictLine(QWidget):
    """What the candidate clashes with, one line each; the 加号 reason field when there is a
    clash and the user may override."""

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.label = plain_label()  # the messages name patients, doctors and chairs
        self.label.setObjectName("fieldError")
        self.label.setWordWrap(True)
        self.override = QLineEdit()
        self.override.setPlaceholderText(self.tr("加号原因（有冲突仍要预约时填写）"))
        layout.addWidget(self.label)
        layout.addWidget(self.override)
        self.show_conflicts([])

    def show_conflicts(self, conflicts: list[Conflict]) -> None:
        self.label.setText("\n".join(f"• {c.message}" for c in conflicts))
        self.label.setVisible(bool(conflicts))
        self.override.setVisible(bool(conflicts) and self.services.can(
            Permission.APPOINTMENT_OVERRIDE))
        self.setVisible(bool(conflicts))

    def text(self) -> str:
        return self.label.text() if self.label.isVisibleTo(self) else ""

    def override_reason(self) -> str | None:
        return (self.override.text().strip() or None) if self.override.isVisibleTo(self) \
            else None


class SlotFinder(QWidget):
    """查找空档 for a doctor, or any doctor: the earliest openings as buttons in a grid (eight
    take two short rows, not a tall list); a click takes one."""

    chosen = Signal(object)  # FreeSlot

    def __init__(self, services: AppServices, doctor_names: Mapping[int, str], *,
                 columns: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.names = dict(doctor_names)
        self.columns = columns
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        self.button = QPushButton(icon("search"), self.tr("查找空档"))
        self.any_doctor = QCheckBox(self.tr("任意医生"))
        self.empty = plain_label(self.tr("14 天内没有合适的空档。"))
        self.empty.hide()
        row.addWidget(self.button)
        row.addWidget(self.any_doctor)
        row.addWidget(self.empty)
        row.addStretch(1)
        layout.addLayout(row)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        layout.addLayout(self.grid)
        self.buttons: list[QPushButton] = []

    def search(self, *, doctor_id: int | None, duration: timedelta, after: datetime,
               step_minutes: int = 15) -> list[FreeSlot]:
        doctor = None if self.any_doctor.isChecked() else doctor_id
        found = find_free_slots(self.services.ctx, duration=duration,
                                after=max(after, self.services.ctx.now()), doctor_id=doctor,
                                limit=SLOTS_SHOWN, step_minutes=step_minutes)
        for button in self.buttons:
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for index, slot in enumerate(found):
            local = self.services.local(slot.start)
            button = QPushButton(f"{local:%m-%d %H:%M}  {self.names.get(slot.doctor_id, '')}")
            button.setObjectName("freeSlot")
            button.clicked.connect(partial(self.chosen.emit, slot))
            self.grid.addWidget(button, index // self.columns, index % self.columns)
            button.show()  # now, not from the event loop: the dialog measures itself next
            self.buttons.append(button)
        self.empty.setVisible(not found)
        return found
