"""Writing one import batch: bulk inserts of patients, visits, treatments and the ledger,
merges into existing patients (with what undo needs), inside the caller's transaction.

The inserts are built a column at a time (``storage.bulk.insert_columns``): each column is
one comprehension over the batch, the values every row shares (the instant, the user, the
batch id) are given once, and what repeats is worked out once per distinct value (a name's
pinyin, a day's noon, a visit's catalogue entry and doctor).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from operator import attrgetter
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.importing.rows import CleanRow, Person, VisitFields
from clinic_desktop.rules.pinyin import PinyinKeys, search_keys
from clinic_desktop.services.care import ImportedTreatment
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.import_plan import ImportPlan, current_fields
from clinic_desktop.services.import_values import ResolvedValues, Target
from clinic_desktop.storage.bulk import bulk_insert, insert_columns, table_of
from clinic_desktop.storage.counters import PATIENT_CODE, allocate, patient_code
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

    def _insert(self, model: type[Any], columns: dict[str, Sequence[Any]],
                same: dict[str, Any]) -> list[int]:
        table = table_of(model)
        mark_table(self.session, table.name)  # written past the session's events
        return insert_columns(self.session.connection(), table, columns, same)

    @contextmanager
    def _search_index_in_bulk(self) -> Iterator[None]:
        """Index the batch's patients for search in one statement, not one trigger per row.

        The trigram index costs ~80 µs a row through its insert trigger and ~6 µs in bulk, so
        on SQLite the trigger is dropped for the batch and recreated after, inside the same
        transaction (SQLite's DDL is transactional: a rollback restores it). The indexed text
        comes from the trigger itself, so the migration stays its one definition.
        """
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
        connection.execute(text(
            f"INSERT INTO patient_fts(rowid, search) SELECT id, {expression} FROM patient "
            "WHERE import_batch_id = :batch"), {"batch": self.batch_id})
        connection.exec_driver_sql(trigger)

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
        plain = ("sex", "birth_date", "mobile", "phone2", "wechat", "id_number", "occupation",
                 "address", "source", "first_visit_date", "notes", "emergency_contact",
                 "emergency_phone")
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
        elif not profile.allergy_notes.strip():
            undo.setdefault(str(pid), {})["allergy"] = [profile.allergy_notes, allergy]
            profile.allergy_notes = allergy

    def insert_visits(self, visits: list[tuple[int | None, int, CleanRow]], new_ids: list[int],
                      ) -> tuple[list[ImportedTreatment], int]:
        """One visit per row, its treatment line, its charge and its payment."""
        if not visits:
            return [], 0
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        same = {"created_by": staff, "import_batch_id": self.batch_id}
        found = [row.visit for _pid, _slot, row in visits]
        if None in found:
            raise ValueError("a planned visit without its visit fields")
        shown = cast(list[VisitFields], found)
        owners = [pid if pid is not None else new_ids[slot] for pid, slot, _row in visits]
        targets = list(map(self.targets, shown))
        doctors = [doctor for _procedure, doctor in targets]
        procedures = [procedure for procedure, _doctor in targets]
        visit_ids = self._insert(Visit, {
            "patient_id": owners,
            "visit_date": [v.visit_date for v in shown],
            "doctor_id": [d.id if d else None for d in doctors],
            "notes": [_visit_notes(v) if v.doctor and d is None else v.notes
                      for v, d in zip(shown, doctors, strict=True)],
        }, {"created_at": now, **same})
        charges = list(map(visit_charge, shown))
        treatment_ids = self._insert(Treatment, {
            "visit_id": visit_ids,
            "procedure_type_id": [p.id if p else None for p in procedures],
            "procedure_name": [v.procedure for v in shown],
            "site": [v.site for v in shown],
            "notes": [_("原项目：{name}", name=v.source_procedure)
                      if v.source_procedure and v.source_procedure != v.procedure else ""
                      for v in shown],
            "amount": charges,
        }, {})
        paid = list(map(visit_payment, shown))
        at = [self.at_noon(v.visit_date) for v in shown]
        # A charge then a payment per visit, in the visits' order (the ledger's ids follow it).
        entries = [(i, kind) for i, (charge, payment) in enumerate(zip(charges, paid,
                                                                        strict=True))
                   for kind, amount in (("charge", charge), ("payment", payment)) if amount > 0]
        self._insert(LedgerEntry, {
            "patient_id": [owners[i] for i, _kind in entries],
            "at": [at[i] for i, _kind in entries],
            "kind": [kind for _i, kind in entries],
            "method": [shown[i].method if kind == "payment" else None for i, kind in entries],
            "amount": [paid[i] if kind == "payment" else charges[i] for i, kind in entries],
            "visit_id": [visit_ids[i] for i, _kind in entries],
            "note": [(_payment_note(shown[i]) if kind == "payment" else shown[i].procedure)[:255]
                     for i, kind in entries],
        }, same)
        treatments = [ImportedTreatment(
            treatment_id, patient_id, v.procedure, procedure.category if procedure else None,
            doctor.id if doctor else None, when)
            for treatment_id, patient_id, v, procedure, doctor, when in zip(
                treatment_ids, owners, shown, procedures, doctors, at, strict=True)]
        return treatments, sum(1 for _i, kind in entries if kind == "payment")


_ZERO = Decimal(0)


def _visit_notes(visit: VisitFields) -> str:
    """A doctor the clinic's staff does not hold is kept in the visit's notes."""
    return "\n".join(filter(None, [_("医生：{name}", name=visit.doctor), visit.notes]))


def _payment_note(visit: VisitFields) -> str:
    return "" if visit.method or not visit.method_text else _(
        "原支付方式：{method}", method=visit.method_text)


def pinyin_of(names: Sequence[str]) -> list[PinyinKeys]:
    """Each name's search keys, worked out once per distinct name (a sheet repeats names)."""
    known = {name: search_keys(name) for name in dict.fromkeys(names)}
    return list(map(known.__getitem__, names))


def visit_charge(visit: VisitFields) -> Decimal:
    """What a visit charged: its amount, or what was paid when no amount was written."""
    return visit.amount if visit.amount is not None else (visit.paid or _ZERO)


def visit_payment(visit: VisitFields) -> Decimal:
    """What a visit paid: the paid column, or the amount when no payment was written."""
    paid = visit.paid if visit.paid is not None else visit.amount
    return paid or _ZERO


def charge_of(row: CleanRow) -> Decimal:
    return _ZERO if row.visit is None else visit_charge(row.visit)


def payment_of(row: CleanRow) -> Decimal:
    return _ZERO if row.visit is None else visit_payment(row.visit)


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
