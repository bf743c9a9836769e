"""Writing one import batch: bulk inserts of patients, visits, treatments and the ledger,
merges into existing patients (with what undo needs), inside the caller's transaction."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.importing.rows import CleanRow, Person, VisitFields
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.services.care import ImportedTreatment
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.import_plan import ImportPlan, current_fields
from clinic_desktop.services.import_values import ResolvedValues, Target
from clinic_desktop.storage.bulk import bulk_insert, table_of
from clinic_desktop.storage.counters import PATIENT_CODE, allocate, patient_code
from clinic_desktop.storage.models.clinical import LedgerEntry, Treatment, Visit
from clinic_desktop.storage.models.patient import MedicalProfile, Patient

LEDGER_COLUMNS = ("patient_id", "at", "kind", "method", "amount", "visit_id", "note",
                  "created_by", "import_batch_id")


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

    def _insert(self, model: type[Any], names: Sequence[str],
                rows: Iterator[tuple[Any, ...]]) -> list[int]:
        table = table_of(model)
        mark_table(self.session, table.name)  # written past the session's events
        return bulk_insert(self.session.connection(), table, names, rows)

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
        shown = caches if caches is not None else [(0, None)] * len(persons)
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        first_code = allocate(self.session, PATIENT_CODE, len(persons))

        names = ("code", "name", "name_pinyin", "name_initials", "sex", "birth_date",
                 "birth_date_approximate", "mobile", "phone2", "wechat", "id_number",
                 "occupation", "address", "source", "first_visit_date", "notes", "created_at",
                 "created_by", "updated_at", "updated_by", "import_batch_id",
                 "emergency_contact", "emergency_phone", "member_points", "member_tier")

        def rows() -> Iterator[tuple[Any, ...]]:
            for number, person, (points, tier) in zip(
                    range(first_code, first_code + len(persons)), persons, shown, strict=True):
                p = person.fields
                keys = search_keys(p.name)
                yield (patient_code(number), p.name, keys.full, keys.initials, p.sex,
                       p.birth_date, p.birth_approximate, p.mobile, p.phone2, p.wechat,
                       p.id_number, p.occupation, p.address, p.source, p.first_visit_date,
                       p.notes, now, staff, now, staff, self.batch_id, p.emergency_contact,
                       p.emergency_phone, points, tier)

        with self._search_index_in_bulk():
            ids = self._insert(Patient, names, rows())
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
        owners = [pid if pid is not None else new_ids[slot] for pid, slot, _row in visits]
        targets = [self.targets(row.visit) for _pid, _slot, row in visits
                   if row.visit is not None]

        def visit_rows() -> Iterator[tuple[Any, ...]]:
            for (_pid, _slot, row), patient_id, (_procedure, doctor) in zip(
                    visits, owners, targets, strict=True):
                v = row.visit
                assert v is not None
                notes = v.notes
                if v.doctor and doctor is None:
                    notes = "\n".join(filter(None, [_("医生：{name}", name=v.doctor), notes]))
                yield (patient_id, v.visit_date, doctor.id if doctor else None, notes, now,
                       staff, self.batch_id)

        visit_ids = self._insert(Visit, ("patient_id", "visit_date", "doctor_id", "notes",
                                          "created_at", "created_by", "import_batch_id"),
                                 visit_rows())
        charges = [charge_of(row) for _pid, _slot, row in visits]

        def treatment_rows() -> Iterator[tuple[Any, ...]]:
            for (_pid, _slot, row), visit_id, charge, (procedure, _doctor) in zip(
                    visits, visit_ids, charges, targets, strict=True):
                v = row.visit
                assert v is not None
                note = _("原项目：{name}", name=v.source_procedure) \
                    if v.source_procedure and v.source_procedure != v.procedure else ""
                yield (visit_id, procedure.id if procedure else None, v.procedure, v.site,
                       note, charge)

        treatment_ids = self._insert(Treatment, ("visit_id", "procedure_type_id",
                                                 "procedure_name", "site", "notes", "amount"),
                                     treatment_rows())
        payments = 0
        treatments: list[ImportedTreatment] = []

        def ledger_rows() -> Iterator[tuple[Any, ...]]:
            nonlocal payments
            for (_pid, _slot, row), visit_id, treatment_id, patient_id, charge, (
                    procedure, doctor) in zip(visits, visit_ids, treatment_ids, owners, charges,
                                              targets, strict=True):
                v = row.visit
                assert v is not None
                at = self.at_noon(v.visit_date)
                if charge > 0:
                    yield self._entry(patient_id, at, "charge", None, charge, visit_id,
                                      v.procedure, staff)
                paid = payment_of(row)
                if paid > 0:
                    note = "" if v.method or not v.method_text else _(
                        "原支付方式：{method}", method=v.method_text)
                    yield self._entry(patient_id, at, "payment", v.method, paid, visit_id,
                                      note, staff)
                    payments += 1
                treatments.append(ImportedTreatment(
                    treatment_id, patient_id, v.procedure,
                    procedure.category if procedure else None, doctor.id if doctor else None,
                    at))

        self._insert(LedgerEntry, LEDGER_COLUMNS, ledger_rows())
        return treatments, payments

    def _entry(self, patient_id: int, at: datetime, kind: str, method: str | None,
               amount: Decimal, visit_id: int, note: str, staff: int | None,
               ) -> tuple[Any, ...]:
        return (patient_id, at, kind, method, amount, visit_id, note[:255], staff,
                self.batch_id)


def charge_of(row: CleanRow) -> Decimal:
    visit = row.visit
    if visit is None:
        return Decimal(0)
    return visit.amount if visit.amount is not None else (visit.paid or Decimal(0))


def payment_of(row: CleanRow) -> Decimal:
    visit = row.visit
    if visit is None:
        return Decimal(0)
    paid = visit.paid if visit.paid is not None else visit.amount
    return paid or Decimal(0)


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
