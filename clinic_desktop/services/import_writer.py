"""Writing one import batch: bulk inserts of patients, visits, treatments and the ledger,
merges into existing patients (with what undo needs), inside the caller's transaction.

The patients' search index, and on a first import the tables' indexes (``storage.bulk``), are
built after their rows, on a second thread while the visits' rows and their care tasks are
worked out in Python (``prepare_visits``, ``write_visits``; ``storage.bulk_overlap``). The
visits, treatments, ledger entries and care tasks are inserted on that thread too: everything
their inserts read is read before (``visits_in_bulk``), so the main thread hands over their
chunks and goes on.

The inserts are built a column at a time (``storage.bulk.insert_columns``): each column is
one comprehension over the batch, the values every row shares (the instant, the user, the
batch id) are given once, and what repeats is worked out once per distinct value (a name's
pinyin, a day's noon, a visit's catalogue entry and doctor).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.importing.rows import CleanRow, Person, VisitFields, with_allergy
from clinic_desktop.importing.values import several_doctors, site_in
from clinic_desktop.rules.pinyin import PinyinKeys, search_keys
from clinic_desktop.services.care import ImportedTreatment
from clinic_desktop.services.care_import import TASK_COLUMNS, shared_values
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.import_plan import ImportPlan, current_fields
from clinic_desktop.services.import_values import ResolvedValues, Target
from clinic_desktop.storage.bulk import (
    ColumnInsert,
    bulk_insert,
    insert_columns,
    quiet_triggers,
    rebuilt_indexes,
    table_of,
)
from clinic_desktop.storage.bulk_overlap import Overlap
from clinic_desktop.storage.counters import PATIENT_CODE, allocate, patient_code
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, Treatment, Visit
from clinic_desktop.storage.models.patient import MedicalProfile, Patient


class BatchWriter:
    """Bulk inserts for one batch, inside the caller's transaction."""

    def __init__(self, ctx: Context, session: Session, values: ResolvedValues) -> None:
        self.ctx, self.session = ctx, session
        self.values = values
        self.batch_id: int | None = None
        zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
        self.zone = zone
        self.noon: dict[date, datetime] = {}
        # Where long statements go (``bulk_overlap``); None: they run at once.
        self.later: Overlap | None = None
        self.held: set[str] = set()  # tables whose indexes ``indexes_held`` keeps dropped
        self.search_held = False  # ``patients_in_bulk`` fills the search index after its block
        self.opened: _OpenedVisits | None = None  # see ``visits_in_bulk``
        self.tasks_insert: ColumnInsert | None = None  # the care tasks' (``visits_in_bulk``)

    def at_noon(self, day: date) -> datetime:
        if day not in self.noon:
            self.noon[day] = datetime.combine(day, time(12), self.zone)
        return self.noon[day]

    def targets(self, visit: VisitFields) -> tuple[Target | None, Target | None]:
        """The catalogue entry and the doctor a visit's names were matched to."""
        procedure = self.values.procedure(visit.source_procedure or visit.procedure) \
            if visit.procedure_given else None
        return procedure, self.values.doctor(visit.doctor)

    def treatments_for_dry_run(self, plan: ImportPlan) -> list[ImportedTreatment]:
        found = []
        for index, (pid, slot, row) in enumerate(plan.visits):
            assert row.visit is not None
            procedure, doctor = self.targets(row.visit)
            found.append(ImportedTreatment(
                -(index + 1), pid or -(slot + 1), row.visit.procedure,
                procedure.category if procedure else None, doctor.id if doctor else None,
                self.at_noon(row.visit.visit_date)))
        return found

    def _later(self, sql: str, parameters: Sequence[Any] = ()) -> None:
        """Run a statement that returns nothing: beside the Python work that follows when the
        writer has an ``Overlap``, else at once."""
        if self.later is not None:
            self.later.run(sql, parameters)
        else:
            self.session.connection().exec_driver_sql(sql, tuple(parameters))

    def _insert(self, model: type[Any], columns: Mapping[str, Sequence[Any]],
                same: dict[str, Any]) -> list[int]:
        table = table_of(model)
        mark_table(self.session, table.name)  # written past the session's events
        return insert_columns(self.session.connection(), table, columns, same,
                              rebuild_indexes=table.name not in self.held, create=self._later)

    @contextmanager
    def indexes_held(self, model: type[Any], adding: int) -> Iterator[None]:
        """Keep a table's secondary indexes dropped across several bulk writes (the visits'
        ledger and the opening balances), and build them once after the last."""
        table = table_of(model)
        connection = self.session.connection()
        with rebuilt_indexes(connection, table, adding, create=self._later), \
                quiet_triggers(connection, table, adding, create=self._later):
            self.held.add(table.name)
            try:
                yield
            finally:
                self.held.discard(table.name)

    @contextmanager
    def patients_in_bulk(self, adding: int) -> Iterator[None]:
        """For writing ``adding`` new patients and what points at them (referrers, tags): the
        patient table's indexes and its search index are built once, after the block.

        Updating a patient's referrer rewrites every index entry of the row (SQLite does so for
        a table other tables point at), so the referrers are best written before the indexes
        are built. Reads by name need the index: ``look_up_referrers`` goes before."""
        if not adding:
            yield
            return
        with self._search_index_in_bulk(), self.indexes_held(Patient, adding):
            self.search_held = True
            try:
                yield
            finally:
                self.search_held = False

    @contextmanager
    def _search_index_in_bulk(self) -> Iterator[None]:
        """Index the batch's patients for search in one statement, not one trigger per row.

        The trigram index costs ~80 µs a row through its insert trigger and ~6 µs in bulk, so
        on SQLite the trigger is dropped for the batch and recreated after, inside the same
        transaction (SQLite's DDL is transactional: a rollback restores it). The indexed text
        comes from the trigger itself, so the migration stays its one definition.
        """
        if self.search_held:  # the caller's ``patients_in_bulk`` does it
            yield
            return
        connection = self.session.connection()
        trigger = None
        if connection.dialect.name == "sqlite":
            trigger = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'patient_fts_insert'").scalar()
        if not trigger:
            yield
            return
        match = re.search(r"VALUES\s*\(new\.id,\s*(.*)\);\s*END\s*$", trigger, re.DOTALL)
        assert match, trigger
        expression = match.group(1).replace("new.", "")
        connection.exec_driver_sql("DROP TRIGGER patient_fts_insert")
        yield
        # After the batch's indexes, beside the Python work that follows (``bulk_overlap``).
        self._later(f"INSERT INTO patient_fts(rowid, search) SELECT id, {expression} "
                    "FROM patient WHERE import_batch_id = ?", (self.batch_id,))
        self._later(trigger)

    def insert_patients(self, persons: list[Person],
                        caches: Sequence[tuple[int, str | None]] | None = None) -> list[int]:
        """The new patients; ``caches`` is each one's opening (points, tier name), written into
        the patient's cached display with the row instead of updated after it."""
        if not persons:
            return []
        count = len(persons)
        shown = caches if caches is not None else [(0, None)] * count
        if len(shown) != count:
            raise ValueError("one opening cache per new patient")
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        first_code = allocate(self.session, PATIENT_CODE, count)
        fields = [person.fields for person in persons]
        names = [p.name for p in fields]
        keys = pinyin_of(names)
        # One C-level pass per group of attributes: (name, sex, …) tuples, turned into columns.
        plain = ("sex", "birth_date", "mobile", "phone2", "wechat", "email", "id_number",
                 "occupation", "address", "source", "first_visit_date", "notes",
                 "emergency_contact", "emergency_phone")
        values = dict(zip(plain, zip(*map(attrgetter(*plain), fields), strict=True),
                          strict=True))
        columns: dict[str, Sequence[Any]] = {
            "code": [patient_code(n) for n in range(first_code, first_code + count)],
            "name": names,
            "name_pinyin": [k.full for k in keys],
            "name_initials": [k.initials for k in keys],
            "birth_date_approximate": [p.birth_approximate for p in fields],
            **values,
            "member_points": [points for points, _tier in shown],
            "member_tier": [tier for _points, tier in shown],
        }
        same = {"created_at": now, "created_by": staff, "updated_at": now, "updated_by": staff,
                "import_batch_id": self.batch_id}
        with self._search_index_in_bulk():
            ids = self._insert(Patient, columns, same)
        profiles = [(pid, person.fields.allergies, now)
                    for pid, person in zip(ids, persons, strict=True) if person.fields.allergies]
        if profiles:
            bulk_insert(self.session.connection(), table_of(MedicalProfile),
                        ("patient_id", "allergy_notes", "updated_at"), profiles,
                        want_ids=False)
        return ids

    def apply_merges(self, merged: list[tuple[Person, int, dict[str, Any]]]) -> dict[str, Any]:
        """Fill the chosen fields; returns what undo needs: previous and imported values."""
        undo: dict[str, Any] = {}
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        wanted = [pid for _p, pid, fills in merged if fills]
        before = current_fields(self.session, wanted)
        for person, pid, fills in merged:
            allergy = person.fields.allergies
            if allergy:
                self._merge_allergy(pid, allergy, undo)
            if not fills:
                continue
            previous = {k: before[pid].get(k) for k in fills}
            self.session.execute(update(Patient).where(Patient.id == pid).values(
                **fills, updated_at=now, updated_by=staff, version=Patient.version + 1))
            undo.setdefault(str(pid), {})["fields"] = {
                k: [jsonable(previous[k]), jsonable(v)] for k, v in fills.items()}
        return undo

    def _merge_allergy(self, pid: int, allergy: str, undo: dict[str, Any]) -> None:
        profile = self.session.get(MedicalProfile, pid)
        if profile is None:
            self.session.add(MedicalProfile(patient_id=pid, allergy_notes=allergy,
                                            updated_at=self.ctx.now()))
            undo.setdefault(str(pid), {})["allergy"] = ["<none>", allergy]
        else:
            # The file's goes after the one on file (``import_plan`` reports it).
            combined = with_allergy(profile.allergy_notes, allergy)
            if combined != profile.allergy_notes.rstrip():
                undo.setdefault(str(pid), {})["allergy"] = [profile.allergy_notes, combined]
                profile.allergy_notes = combined

    def prepare_visits(self, visits: list[tuple[int | None, int, CleanRow]],
                       new_ids: list[int]) -> PreparedVisits:
        """The visits' rows worked out before anything is written (no database: the import
        does this while SQLite builds the patients' indexes)."""
        found = [row.visit for _pid, _slot, row in visits]
        if None in found:
            raise ValueError("a planned visit without its visit fields")
        shown = cast(list[VisitFields], found)
        owners = [pid if pid is not None else new_ids[slot] for pid, slot, _row in visits]
        # What repeats (a procedure's and a doctor's match, a day's noon, a note) is worked out
        # once per distinct value, as ``targets``, ``at_noon`` and the notes would give it.
        named = [(v.source_procedure or v.procedure) if v.procedure_given else None
                 for v in shown]
        matched = {name: None if name is None else self.values.procedure(name)
                   for name in dict.fromkeys(named)}
        procedures = list(map(matched.__getitem__, named))
        doctor_names = [v.doctor for v in shown]
        staff = {name: self.values.doctor(name) for name in dict.fromkeys(doctor_names)}
        doctors = list(map(staff.__getitem__, doctor_names))
        several = {name for name in staff if several_doctors(name)}
        doctor_ids = [d.id if d else None for d in doctors]
        days = [v.visit_date for v in shown]
        visit: dict[str, list[Any]] = {
            "patient_id": owners,
            "visit_date": days,
            "doctor_id": doctor_ids,
            "notes": [_visit_notes(v) if v.doctor and (d is None or v.doctor in several)
                      else v.notes for v, d in zip(shown, doctors, strict=True)],
        }
        charges = list(map(visit_charge, shown))
        names = [v.procedure for v in shown]
        # 36种植 without a 牙位 column: the tooth is the treatment's site (the name still
        # matches 种植牙, and is kept in the notes below).
        places = {name: site_in(name) for name in matched if name}
        origins = {name: _("原项目：{name}", name=name)
                   for name in {v.source_procedure for v in shown if v.source_procedure}}
        treatment: dict[str, list[Any]] = {
            "procedure_type_id": [p.id if p else None for p in procedures],
            "procedure_name": names,
            "site": [v.site or places[name] if name else v.site
                     for v, name in zip(shown, named, strict=True)],
            "notes": [origins[v.source_procedure]
                      if v.source_procedure and v.source_procedure != v.procedure else ""
                      for v in shown],
            "amount": charges,
        }
        paid = list(map(visit_payment, shown))
        noon = {day: self.at_noon(day) for day in dict.fromkeys(days)}
        at = list(map(noon.__getitem__, days))
        # A charge, its discount and a payment per visit, in the visits' order (the ledger's
        # ids follow it).
        discounts = list(map(visit_discount, shown))
        entries = [(i, kind) for i, (charge, off, payment) in enumerate(zip(
                       charges, discounts, paid, strict=True)) for kind, amount in (
                       ("charge", charge), ("discount", off), ("payment", payment))
                   if amount > 0]
        payment_notes = {text: _method_note(text)
                         for text in {v.method_text for v in shown if not v.method}}
        ledger: dict[str, list[Any]] = {
            "patient_id": [owners[i] for i, _kind in entries],
            "at": [at[i] for i, _kind in entries],
            "kind": [kind for _i, kind in entries],
            "method": [shown[i].method if kind == "payment" else None for i, kind in entries],
            "amount": [paid[i] if kind == "payment" else discounts[i] if kind == "discount"
                       else charges[i] for i, kind in entries],
            "note": [("" if shown[i].method else payment_notes[shown[i].method_text])[:255]
                     if kind == "payment" else shown[i].procedure[:255] for i, kind in entries],
        }
        categories = [p.category if p else None for p in procedures]
        treatments = list(map(ImportedTreatment._make, zip(
            repeat(0), owners, names, categories, doctor_ids, at)))
        return PreparedVisits(visit, treatment, ledger, [i for i, _kind in entries], treatments,
                              sum(1 for _i, kind in entries if kind == "payment"))

    @contextmanager
    def visits_in_bulk(self, count: int) -> Iterator[None]:
        """For writing ``count`` visits with their treatments, ledger entries and care tasks
        (``write_visits``, then ``care_import.plan_imported_treatments`` with
        ``tasks_insert``): everything those writes read from the database (each table's
        triggers and next id, its indexes set aside: ``storage.bulk``) is read as the block
        opens, so the Python work between the visits' preparation and their care tasks needs
        no statement of this thread.

        The import opens it before the patients' indexes and search index are queued: that
        Python work then runs while SQLite builds them on the second thread. A statement
        from this thread would wait for them first (``bulk_overlap``), and Python work beside
        the visits' own inserts holds those up (each row's values are bound under the GIL).

        The ledger's and the care tasks' indexes are set aside by the number of visits (how
        many tasks the visits raise is known only once they are prepared) and built after the
        block; the visits' and the treatments' right after their rows."""
        if not count:
            yield
            return
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        same = {"created_by": staff, "import_batch_id": self.batch_id}
        with self.indexes_held(LedgerEntry, count), self.indexes_held(CareTask, count), \
                ExitStack() as visits_aside, ExitStack() as treatments_aside:
            self.opened = _OpenedVisits(
                self._column_insert(Visit, list(VISIT_COLUMNS), {"created_at": now, **same},
                                    count, visits_aside),
                self._column_insert(Treatment, ["visit_id", *TREATMENT_COLUMNS], {}, count,
                                    treatments_aside),
                self._column_insert(LedgerEntry, [*LEDGER_COLUMNS, "visit_id"], same, count,
                                    ExitStack()),
                visits_aside, treatments_aside)
            self.tasks_insert = self._column_insert(CareTask, list(TASK_COLUMNS),
                                                    shared_values(now), count, ExitStack())
            try:
                yield
            finally:
                self.opened = None
                self.tasks_insert = None

    def write_visits(self, prepared: PreparedVisits) -> list[ImportedTreatment]:
        """One visit per row, its treatment line, its charge and its payment, inside
        ``visits_in_bulk``; returns the treatments with their ids. Reads nothing: the rows go
        to the second thread when the writer has one (``later``), table after table, the
        visits' and the treatments' indexes queued after their rows."""
        if not prepared.treatments:
            return []
        opened = self.opened
        if opened is None:
            raise ValueError("write_visits needs visits_in_bulk(…) around it")
        ledger = prepared.ledger
        visit_ids = opened.visits.write(prepared.visit)
        opened.visits_aside.close()  # their indexes are built next, on the second thread
        treatment_ids = opened.treatments.write({"visit_id": visit_ids, **prepared.treatment})
        opened.treatments_aside.close()
        opened.entries.write({**{name: ledger[name] for name in LEDGER_COLUMNS},
                              "visit_id": [visit_ids[i] for i in prepared.ledger_visits]},
                             want_ids=False)
        _placeholders, *fields = zip(*prepared.treatments, strict=True)
        return list(map(ImportedTreatment._make, zip(treatment_ids, *fields, strict=True)))

    def _column_insert(self, model: type[Any], names: list[str], same: dict[str, Any],
                       adding: int, aside: ExitStack) -> ColumnInsert:
        """A prepared bulk insert into ``model``'s table (see ``visits_in_bulk``); the
        table's indexes and quiet triggers are set aside on ``aside`` unless ``indexes_held``
        holds them (for the care tasks it must: their rows come after ``write_visits``)."""
        if model is CareTask and CareTask.__tablename__ not in self.held:
            raise ValueError("the care tasks' insert needs indexes_held(CareTask, …)")
        table = table_of(model)
        mark_table(self.session, table.name)  # written past the session's events
        connection = self.session.connection()
        if table.name not in self.held:
            aside.enter_context(rebuilt_indexes(connection, table, adding,
                                                create=self._later))
            aside.enter_context(quiet_triggers(connection, table, adding, create=self._later))
        return ColumnInsert(connection, table, names, same, send=self._send)

    def _send(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """One chunk of a bulk insert: to the second thread when there is one, else now."""
        if self.later is not None:
            self.later.run_many(sql, rows)
        else:
            self.session.connection().exec_driver_sql(sql, rows)


# The columns ``prepare_visits`` gives, in order (``visits_in_bulk`` prepares their inserts).
VISIT_COLUMNS = ("patient_id", "visit_date", "doctor_id", "notes")
TREATMENT_COLUMNS = ("procedure_type_id", "procedure_name", "site", "notes", "amount")
LEDGER_COLUMNS = ("patient_id", "at", "kind", "method", "amount", "note")


@dataclass(frozen=True)
class _OpenedVisits:
    """The inserts ``visits_in_bulk`` prepared, and where the visits' and the treatments'
    set-aside indexes wait to be built."""

    visits: ColumnInsert
    treatments: ColumnInsert
    entries: ColumnInsert
    visits_aside: ExitStack
    treatments_aside: ExitStack


@dataclass(frozen=True)
class PreparedVisits:
    """A batch's visit, treatment and ledger columns before they are written (the visit ids
    they refer to are not known yet)."""

    visit: dict[str, list[Any]]
    treatment: dict[str, list[Any]]  # without visit_id
    ledger: dict[str, list[Any]]  # without visit_id
    ledger_visits: list[int]  # each ledger entry's visit, as its index in ``visit``
    treatments: list[ImportedTreatment]  # treatment_id 0: not written yet
    payments: int


_ZERO = Decimal(0)


def _visit_notes(visit: VisitFields) -> str:
    """A doctor the clinic's staff does not hold, or a cell naming several (the visit takes
    the first), is kept in the visit's notes."""
    return "\n".join(filter(None, [_("医生：{name}", name=visit.doctor), visit.notes]))


def _method_note(method_text: str) -> str:
    """A payment's note when the sheet's payment method matched none of the clinic's."""
    return _("原支付方式：{method}", method=method_text) if method_text else ""


def pinyin_of(names: Sequence[str]) -> list[PinyinKeys]:
    """Each name's search keys, worked out once per distinct name (a sheet repeats names)."""
    known = {name: search_keys(name) for name in dict.fromkeys(names)}
    return list(map(known.__getitem__, names))


def visit_charge(visit: VisitFields) -> Decimal:
    """What a visit charged: its amount, or what was paid when no amount was written."""
    return visit.amount if visit.amount is not None else (visit.paid or _ZERO)


def visit_payment(visit: VisitFields) -> Decimal:
    """What a visit paid: the paid column, or the amount less its discount when no payment
    was written."""
    if visit.paid is not None:
        return visit.paid
    if visit.amount is None:
        return _ZERO
    return max(visit.amount - (visit.discount or _ZERO), _ZERO)


def visit_discount(visit: VisitFields) -> Decimal:
    """What was taken off the visit's charge (优惠金额), never more than the charge."""
    return min(visit.discount or _ZERO, visit_charge(visit))


def charge_of(row: CleanRow) -> Decimal:
    return _ZERO if row.visit is None else visit_charge(row.visit)


def payment_of(row: CleanRow) -> Decimal:
    return _ZERO if row.visit is None else visit_payment(row.visit)


def discount_of(row: CleanRow) -> Decimal:
    return _ZERO if row.visit is None else visit_discount(row.visit)


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
