"""Domain events raised inside a service's transaction.

A subscriber runs in the same transaction as the change that raised the event, so for
example the care tasks of a completed treatment are written together with the visit or not
at all. Subscribers register at import time of their module (see ``clinic_desktop.wiring``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from clinic_desktop.context import Context


@dataclass(frozen=True)
class TreatmentCompleted:
    """A visit's treatment lines were saved (from the calendar, the patient panel or import)."""

    patient_id: int
    visit_id: int
    treatment_ids: tuple[int, ...]
    procedure_type_ids: tuple[int, ...]
    treated_at: datetime
    imported: bool = False


@dataclass(frozen=True)
class MoneyRecorded:
    """Ledger entries written at the desk (``billing.add_entry``): payments earn points and
    may lift the tier, refunds take points back."""

    patient_id: int
    entry_ids: tuple[int, ...]


@dataclass(frozen=True)
class TreatmentUndone:
    visit_id: int
    treatment_ids: tuple[int, ...]


@dataclass(frozen=True)
class AppointmentChanged:
    """Booked, moved, resized, status changed or cancelled."""

    appointment_id: int
    patient_id: int
    start: datetime
    status: str


@dataclass(frozen=True)
class PatientsMerged:
    kept_id: int
    absorbed_id: int


E = TypeVar("E")
Handler = Callable[["Context", Session, Any], None]
_subscribers: defaultdict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[Context, Session, E], None]) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def publish(ctx: Context, session: Session, event: object) -> None:
    """Run every subscriber of ``type(event)`` inside the caller's transaction."""
    import clinic_desktop.wiring  # noqa: F401 - registers the subscribers once

    for handler in list(_subscribers[type(event)]):
        handler(ctx, session, event)


def unsubscribe(event_type: type[E], handler: Callable[[Context, Session, E], None]) -> None:
    if handler in _subscribers[event_type]:
        _subscribers[event_type].remove(handler)
