"""Sequence numbers from the ``counter`` table, taken inside the caller's write transaction."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.settings import Counter

PATIENT_CODE = "patient_code"


def _start_value(session: Session, name: str) -> int:
    """Where a counter starts when it is first used: past every number already handed out."""
    if name == PATIENT_CODE:
        return int(session.execute(select(func.max(Patient.id))).scalar_one() or 0)
    return 0


def allocate(session: Session, name: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive numbers and return the first.

    The caller's transaction must be a write transaction (it holds the write lock, so the
    read-increment cannot interleave with another writer's)."""
    if count < 1:
        raise ValueError("allocate needs a positive count")
    row = session.get(Counter, name, with_for_update=True)
    if row is None:
        row = Counter(name=name, value=_start_value(session, name))
        session.add(row)
        session.flush()
    session.execute(update(Counter).where(Counter.name == name)
                    .values(value=Counter.value + count))
    session.refresh(row)
    return row.value - count + 1


def patient_code(number: int) -> str:
    return f"P{number:06d}"
