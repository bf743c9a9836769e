"""What the overlap check reads, in one statement: the bookings near a candidate, its
doctor's weekly hours and time off, and the clinic's time zone.

The check runs on every change in the booking dialog and before every booking and move.
SQLAlchemy spends several times longer on each statement (parameters, result set-up) than
SQLite spends answering it, so the four reads go out as the branches of one ``UNION ALL``
built once. Each row carries a tag naming its branch; the columns line up by type (ids,
instants, text), the hours' wall times travel as text (a TIME column does not unite with
timestamps on PostgreSQL), and instants are read as stored, like the calendar's week,
through :func:`~clinic_desktop.storage.rows.utc_instant`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    String,
    bindparam,
    cast,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute

from clinic_desktop.rules.schedule_rules import Booking, TimeOff, WorkingSpan
from clinic_desktop.services.clinic import DEFAULT_TIMEZONE
from clinic_desktop.services.schedule import TimeOffInfo, as_rule
from clinic_desktop.storage.models.schedule import Appointment, WorkingHours
from clinic_desktop.storage.models.schedule import TimeOff as TimeOffRow
from clinic_desktop.storage.models.settings import Setting
from clinic_desktop.storage.rows import utc_instant

_BOOKING, _TIME_OFF, _HOURS, _ZONE = 0, 1, 2, 3


def _tag(branch: int) -> ColumnElement[int]:
    # A constant in the SQL rather than a bound parameter: nothing to bind per call.
    return literal_column(str(branch), Integer)


def _stored(column: InstrumentedAttribute[datetime]) -> ColumnElement[str]:
    return type_coerce(column, String)


# A candidate without a chair binds NULL, which matches no row.
_READ: CompoundSelect[*tuple[Any, ...]] = union_all(
    select(_tag(_BOOKING), Appointment.id, Appointment.doctor_id, Appointment.chair_id,
           Appointment.patient_id, _stored(Appointment.start), _stored(Appointment.end),
           Appointment.status, null())
    .where(Appointment.start < bindparam("before"), Appointment.start > bindparam("earliest"),
           Appointment.end > bindparam("after"),
           Appointment.status != "cancelled", Appointment.status != "no_show",
           or_(Appointment.doctor_id == bindparam("doctor_id"),
               Appointment.patient_id == bindparam("patient_id"),
               Appointment.chair_id == bindparam("chair_id"))),
    select(_tag(_TIME_OFF), TimeOffRow.id, TimeOffRow.staff_id, null(), null(),
           _stored(TimeOffRow.start), _stored(TimeOffRow.end), TimeOffRow.kind,
           TimeOffRow.reason)
    .where(TimeOffRow.staff_id == bindparam("doctor_id"),
           TimeOffRow.start < bindparam("before"), TimeOffRow.end > bindparam("after")),
    select(_tag(_HOURS), WorkingHours.id, WorkingHours.weekday, null(), null(), null(), null(),
           cast(WorkingHours.start_time, String), cast(WorkingHours.end_time, String))
    .where(WorkingHours.staff_id == bindparam("doctor_id")),
    select(_tag(_ZONE), null(), null(), null(), null(), null(), null(), Setting.value_json,
           null())
    .where(Setting.key == "clinic.timezone"),
)


@dataclass(frozen=True)
class OverlapFacts:
    """Everything :func:`~clinic_desktop.rules.schedule_rules.find_conflicts` needs."""

    bookings: list[Booking]  # blocking bookings of the doctor, patient or chair nearby
    working_spans: list[WorkingSpan]  # the doctor's, by weekday and start
    time_off: list[TimeOff]  # the doctor's, overlapping the candidate, by start
    zone: ZoneInfo


@lru_cache(maxsize=512)  # a clinic's doctors share a few distinct spans
def _span(weekday: int, start: str | time, end: str | time) -> WorkingSpan:
    """A span from its wall times as text (``HH:MM:SS[.ffffff]``, as SQLite stores a TIME
    and PostgreSQL prints one). Spans are immutable, so one instance serves every read."""
    return WorkingSpan(weekday, _wall(start), _wall(end))


def _wall(value: str | time) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def read_overlap_facts(connection: Connection, candidate: Booking, *,
                       earliest: datetime) -> OverlapFacts:
    """One read on ``connection`` (flush the session first if it holds changes). Bookings
    starting after ``earliest`` are looked at: no longer booking can still be running when
    the candidate starts, and the bound lets the start indexes do the work."""
    rows = connection.execute(_READ, {
        "before": candidate.end, "earliest": earliest,
        "after": candidate.start, "doctor_id": candidate.doctor_id,
        "patient_id": candidate.patient_id, "chair_id": candidate.chair_id}).all()
    bookings: list[Booking] = []
    spans: list[tuple[int, time, int, WorkingSpan]] = []
    offs: list[tuple[datetime, int, TimeOff]] = []
    zone = None
    for tag, key, owner, chair_id, patient_id, start, end, text, more in rows:
        if tag == _BOOKING:
            bookings.append(Booking(key, owner, chair_id, patient_id, utc_instant(start),
                                    utc_instant(end), text))
        elif tag == _TIME_OFF:
            begins = utc_instant(start)
            offs.append((begins, key, as_rule(TimeOffInfo(key, owner, begins, utc_instant(end),
                                                          text, more))))
        elif tag == _HOURS:
            span = _span(owner, text, more)
            spans.append((span.weekday, span.start, key, span))
        else:
            zone = text
    spans.sort(key=lambda item: item[:3])
    offs.sort(key=lambda item: item[:2])
    return OverlapFacts(bookings, [item[3] for item in spans], [item[2] for item in offs],
                        ZoneInfo(DEFAULT_TIMEZONE if zone is None else json.loads(zone)))
