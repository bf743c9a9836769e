"""What a write changed: the change set every operation produces, as Anki's ops return
``OpChanges``.

Nothing has to remember to report: the session's flush and statement events (see
``collect``) see every row a service adds, changes or deletes, and map its table to the
areas a screen shows — patients, appointments, care tasks, the ledger, settings, staff… A
statement that touches rows it does not name one by one (a bulk ``UPDATE``, an import's
``executemany``) marks its whole area as changed (``wide``). A transaction's changes count
once it has committed; the ``Context`` gathers them (``Context.changes``), so a write from
the GUI, the CLI, an import or the scheduler yields the same kind of set. Screens refresh from
it; on PostgreSQL it also travels to the other workstations as compact JSON (``to_json``,
``from_json``; see ``storage.notify``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import Result, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


class Area(StrEnum):
    PATIENTS = "patients"
    APPOINTMENTS = "appointments"
    CARE_TASKS = "care_tasks"
    LEDGER = "ledger"  # by patient: charges, payments, stored value
    VISITS = "visits"  # by patient: visits and their treatments
    SETTINGS = "settings"  # by key
    STAFF = "staff"
    SCHEDULE = "schedule"  # working hours, time off, chairs
    CATALOGUE = "catalogue"  # procedures, tags, custom fields
    CARE_PLANS = "care_plans"
    MESSAGES = "messages"  # outbox and templates
    WAITLIST = "waitlist"
    IMPORTS = "imports"
    AUDIT = "audit"
    LOYALTY = "loyalty"  # tiers, top-up plans, package and coupon types, loyalty settings


# table -> (area of the row's own id, or None; areas keyed by the row's patient_id)
_TABLES: dict[str, tuple[Area | None, tuple[Area, ...]]] = {
    "patient": (Area.PATIENTS, ()),
    "medical_profile": (None, (Area.PATIENTS,)),
    "patient_tag": (None, (Area.PATIENTS,)),
    "family_link": (None, (Area.PATIENTS,)),
    "custom_field_value": (None, (Area.PATIENTS,)),
    "attachment": (None, (Area.PATIENTS,)),
    "contact_log": (None, (Area.PATIENTS,)),
    "feedback": (None, (Area.PATIENTS,)),
    "appointment": (Area.APPOINTMENTS, (Area.PATIENTS,)),
    "visit": (None, (Area.VISITS, Area.PATIENTS)),
    "ledger_entry": (None, (Area.LEDGER, Area.PATIENTS)),
    "care_task": (Area.CARE_TASKS, (Area.PATIENTS,)),
    "waitlist_entry": (Area.WAITLIST, (Area.PATIENTS,)),
    "outbox_message": (Area.MESSAGES, (Area.PATIENTS,)),
    "staff": (Area.STAFF, ()),
    # Loyalty journals are the patient's money and balances: the ledger area, by patient.
    "points_entry": (None, (Area.LEDGER, Area.PATIENTS)),
    "loyalty_tier_change": (None, (Area.LEDGER, Area.PATIENTS)),
    "package_card": (None, (Area.LEDGER, Area.PATIENTS)),
    "package_use": (None, (Area.LEDGER, Area.PATIENTS)),
    "coupon": (None, (Area.LEDGER, Area.PATIENTS)),
    "checkout": (None, (Area.LEDGER, Area.PATIENTS)),
    "stored_value_share": (None, (Area.LEDGER, Area.PATIENTS)),
}
# Tables whose rows change an area as a whole (few rows, no per-id refresh worth having).
_WHOLE: dict[str, Area] = {
    "appointment_procedure": Area.APPOINTMENTS, "appointment_event": Area.APPOINTMENTS,
    "treatment": Area.VISITS, "patient_merge": Area.PATIENTS,
    "working_hours": Area.SCHEDULE, "time_off": Area.SCHEDULE, "chair": Area.SCHEDULE,
    "procedure_type": Area.CATALOGUE, "tag": Area.CATALOGUE, "custom_field": Area.CATALOGUE,
    "care_plan": Area.CARE_PLANS, "message_template": Area.MESSAGES,
    "import_batch": Area.IMPORTS, "import_row_error": Area.IMPORTS,
    "audit_entry": Area.AUDIT, "audit_head": Area.AUDIT,
    "loyalty_tier": Area.LOYALTY, "topup_plan": Area.LOYALTY, "package_type": Area.LOYALTY,
    "package_type_procedure": Area.LOYALTY, "coupon_type": Area.LOYALTY,
    "referral_reward": Area.LOYALTY,
}
_IGNORED = {"counter", "alembic_version", "patient_fts", "insight_day"}
# The areas a change set names ids of: each is also the name of its field (and its JSON key).
_ID_AREAS = (Area.PATIENTS, Area.APPOINTMENTS, Area.CARE_TASKS, Area.LEDGER, Area.VISITS,
             Area.SETTINGS, Area.STAFF, Area.MESSAGES, Area.WAITLIST)


@dataclass(frozen=True)
class ChangeSet:
    """Ids changed per area; ``wide`` areas changed in ways not tracked row by row."""

    patients: frozenset[int] = frozenset()
    appointments: frozenset[int] = frozenset()
    care_tasks: frozenset[int] = frozenset()
    ledger: frozenset[int] = frozenset()  # patient ids
    visits: frozenset[int] = frozenset()  # patient ids
    settings: frozenset[str] = frozenset()  # setting keys
    staff: frozenset[int] = frozenset()
    messages: frozenset[int] = frozenset()
    waitlist: frozenset[int] = frozenset()
    wide: frozenset[Area] = frozenset()
    touched: frozenset[Area] = field(default=frozenset(), compare=False)

    @classmethod
    def everything(cls) -> ChangeSet:
        """For a change nobody tracked (a restore, another program): refresh it all."""
        return cls(wide=frozenset(Area), touched=frozenset(Area))

    @property
    def empty(self) -> bool:
        return not self.touched

    def touches(self, *areas: Area) -> bool:
        return any(area in self.touched for area in areas)

    def touches_patient(self, patient_id: int) -> bool:
        return patient_id in self.patients or Area.PATIENTS in self.wide

    def touches_any_of(self, area: Area, ids: Iterable[int | str]) -> bool:
        if area in self.wide:
            return True
        return not self.ids_of(area).isdisjoint(ids)

    def ids_of(self, area: Area) -> frozenset[Any]:
        """The ids named for ``area`` (setting keys for ``SETTINGS``); empty for an area
        tracked only as a whole."""
        found: frozenset[Any] = getattr(self, area.value, frozenset())
        return found

    def widened(self, *areas: Area) -> ChangeSet:
        """The same change with ``areas`` changed as a whole (their ids dropped)."""
        cleared: dict[str, Any] = {area.value: frozenset() for area in areas
                                   if area in _ID_AREAS}
        return replace(self, **cleared, wide=self.wide | frozenset(areas),
                       touched=self.touched | frozenset(areas))

    def to_data(self) -> dict[str, list[Any]]:
        """Plain JSON-ready data: the areas' ids, ``wide``, and ``touched`` only for areas
        neither of those implies; empty parts left out."""
        data: dict[str, list[Any]] = {
            area.value: sorted(self.ids_of(area)) for area in _ID_AREAS if self.ids_of(area)}
        if self.wide:
            data["wide"] = sorted(self.wide)
        implied = self.wide | {Area(name) for name in data if name != "wide"}
        if self.touched - implied:
            data["touched"] = sorted(self.touched - implied)
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ChangeSet:
        """Read ``to_data``'s output; ValueError for anything else (an area this version does
        not know, an id of the wrong kind), so the caller can fall back to ``everything``."""
        ids: dict[str, frozenset[Any]] = {}
        touched: set[Area] = set()
        for name, values in data.items():
            if not isinstance(values, list):
                raise ValueError(f"{name}: a list expected, not {values!r}")
            if name in ("wide", "touched"):
                touched.update(Area(value) for value in values)
                continue
            area = Area(name)
            if area not in _ID_AREAS:
                raise ValueError(f"{name} is not an area with ids")
            kind = str if area is Area.SETTINGS else int
            if not all(type(value) is kind for value in values):
                raise ValueError(f"{name}: {kind.__name__} ids expected, not {values!r}")
            if values:
                ids[name] = frozenset(values)
                touched.add(area)
        wide = frozenset(Area(value) for value in data.get("wide", []))
        return cls(**ids, wide=wide, touched=frozenset(touched))

    def to_json(self, *, max_bytes: int | None = None) -> str:
        """Compact JSON (``from_json`` reads it). Past ``max_bytes`` (UTF-8) the area with the
        most ids becomes wide, then the next, until it fits: a big import arrives as "patients
        changed" instead of not at all."""
        changes = self
        while True:
            text = json.dumps(changes.to_data(), ensure_ascii=False, separators=(",", ":"))
            if max_bytes is None or len(text.encode()) <= max_bytes:
                return text
            biggest = max(_ID_AREAS, key=lambda area: _json_size(changes.ids_of(area)))
            if not changes.ids_of(biggest):
                raise ValueError(f"a change set needs more than {max_bytes} bytes")
            changes = changes.widened(biggest)

    @classmethod
    def from_json(cls, text: str | bytes) -> ChangeSet:
        """Read ``to_json``'s output; ValueError for anything else."""
        data = json.loads(text)  # its JSONDecodeError is a ValueError
        if not isinstance(data, dict):
            raise ValueError(f"a JSON object expected, not {text!r}")
        return cls.from_data(data)

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            patients=self.patients | other.patients,
            appointments=self.appointments | other.appointments,
            care_tasks=self.care_tasks | other.care_tasks, ledger=self.ledger | other.ledger,
            visits=self.visits | other.visits, settings=self.settings | other.settings,
            staff=self.staff | other.staff, messages=self.messages | other.messages,
            waitlist=self.waitlist | other.waitlist, wide=self.wide | other.wide,
            touched=self.touched | other.touched)


def _json_size(ids: frozenset[Any]) -> int:
    return len(json.dumps(sorted(ids), ensure_ascii=False).encode()) if ids else 0


NO_CHANGES = ChangeSet()


class ChangeCollector:
    """Gathers one transaction's changes from the session's events."""

    def __init__(self) -> None:
        self._ids: dict[Area, set[Any]] = {}
        self._wide: set[Area] = set()

    def add_row(self, table: str, row_id: Any, patient_id: Any,
                setting_key: str | None = None) -> None:
        if table in _IGNORED:
            return
        if table == "setting":
            self._ids.setdefault(Area.SETTINGS, set()).add(setting_key)
            return
        if table in _WHOLE:
            self._wide.add(_WHOLE[table])
            return
        own, by_patient = _TABLES.get(table, (None, ()))
        if own is None and not by_patient:
            self._wide.add(Area.SETTINGS)  # an unmapped table: say something changed
            return
        if own is not None and row_id is not None:
            self._ids.setdefault(own, set()).add(row_id)
        for area in by_patient:
            if patient_id is not None:
                self._ids.setdefault(area, set()).add(patient_id)

    def add_wide(self, *areas: Area) -> None:
        self._wide.update(areas)

    def add_table_wide(self, table: str) -> None:
        """Rows of ``table`` changed, not named one by one: its own area as a whole (a bulk
        update of care tasks is a care-task change, not a change of every patient)."""
        if table in _IGNORED:
            return
        if table in _WHOLE:
            self._wide.add(_WHOLE[table])
            return
        if table == "setting":
            self._wide.add(Area.SETTINGS)
            return
        own, by_patient = _TABLES.get(table, (None, ()))
        self._wide.update([own] if own is not None else by_patient or [Area.SETTINGS])

    def freeze(self) -> ChangeSet:
        ids = self._ids

        def of(area: Area) -> frozenset[Any]:
            return frozenset(ids.get(area, ()))

        touched = frozenset(self._wide) | frozenset(a for a, v in ids.items() if v)
        return ChangeSet(
            patients=of(Area.PATIENTS), appointments=of(Area.APPOINTMENTS),
            care_tasks=of(Area.CARE_TASKS), ledger=of(Area.LEDGER), visits=of(Area.VISITS),
            settings=of(Area.SETTINGS), staff=of(Area.STAFF), messages=of(Area.MESSAGES),
            waitlist=of(Area.WAITLIST), wide=frozenset(self._wide), touched=touched)


COLLECTOR = "changes"


def collector_of(session: Session) -> ChangeCollector:
    found = session.info.get(COLLECTOR)
    if found is None:
        found = session.info[COLLECTOR] = ChangeCollector()
    assert isinstance(found, ChangeCollector)
    return found


def mark(session: Session, *areas: Area) -> None:
    """For writes the events cannot see (the import's bulk ``executemany``)."""
    collector_of(session).add_wide(*areas)


def mark_table(session: Session, table: str) -> None:
    """Rows of ``table`` were written past the session (``storage.bulk``)."""
    collector_of(session).add_table_wide(table)


def _after_flush(session: Session, _context: Any) -> None:
    collector = collector_of(session)
    for obj in (*session.new, *session.deleted,
                *(o for o in session.dirty if session.is_modified(o))):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table is None:
            continue
        state = inspect(obj)
        identity = state.identity
        row_id = identity[0] if identity else getattr(obj, "id", None)
        collector.add_row(table, row_id, getattr(obj, "patient_id", None),
                          getattr(obj, "key", None) if table == "setting" else None)


def _on_execute(state: ORMExecuteState) -> Result[Any] | None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table is None:
        return None
    # Run it here to see whether it changed anything: the scheduler's "raise what is due"
    # runs every minute and usually changes no row, which must not refresh every screen.
    result = state.invoke_statement()
    if getattr(result, "rowcount", -1) != 0:
        collector_of(state.session).add_table_wide(table)
    return result


def collect(sessions: sessionmaker[Session]) -> None:
    """Attach change collection to every session the factory makes."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _on_execute)


class ChangeLog:
    """What a ``Context`` committed since it was made (thread-safe: the GUI's worker and
    the scheduler may share one)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changes = NO_CHANGES

    def record(self, changes: ChangeSet) -> None:
        if changes.empty:
            return
        with self._lock:
            self._changes = self._changes | changes

    @property
    def changes(self) -> ChangeSet:
        with self._lock:
            return self._changes
