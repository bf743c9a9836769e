"""Importing a legacy spreadsheet: preview, dry run, the batch write, and its undo.

The whole batch is one transaction: a cancel, a crash or a refused file leaves the database
as it was. Rows are written with bulk Core inserts (a 100,000-row sheet would take minutes
one ORM object at a time). Every row written carries the batch id, so undo removes exactly
what the batch created and restores the fields a merge filled in.
"""

from __future__ import annotations

import gc
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Delete, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.header import detect_header, header_labels
from clinic_desktop.importing.mapping import (
    auto_map,
    check_mapping,
    field_label,
    mapping_from_profile,
)
from clinic_desktop.importing.reader import (
    SheetData,
    UnusableFile,
    file_digest,
    read_sheet,
    sheet_names,
)
from clinic_desktop.importing.rows import (
    CleanRow,
    Person,
    PersonFields,
    Problem,
    clean_sheet,
    group_persons,
)
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.legacy_values import cell_text
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.services.care import ImportedTreatment, plan_imported_treatments
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.patients import _today, sources
from clinic_desktop.storage.bulk import bulk_insert
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.imports import ImportBatch, ImportRowError
from clinic_desktop.storage.models.patient import MedicalProfile, Patient
from clinic_desktop.storage.models.staff import Staff

POLICIES = ("merge", "skip", "create")
PREVIEW_ROWS = 30
CHUNK = 900  # SQLite's bound-parameter limit is far above; keeps IN lists modest
PROCEDURE_ALIASES = {"洗牙": "超声洁牙", "洁牙": "超声洁牙", "洁治": "超声洁牙", "拔牙": "普通拔牙",
                     "种牙": "种植牙", "种植": "种植牙", "补牙": "树脂补牙", "根管": "根管治疗",
                     "近视手术": "全飞秒近视手术", "全飞秒": "全飞秒近视手术",
                     "ok镜": "角膜塑形镜", "配镜": "验光配镜", "白内障": "白内障手术"}


class Progress(Protocol):
    """What a long import reports to (the GUI's worker job, or nothing from the CLI)."""

    def report(self, done: int, total: int, text: str = "") -> None: ...

    def check(self) -> None: ...


@dataclass(frozen=True)
class ImportRequest:
    path: Path
    sheet: str | None = None
    header_row: int | None = None  # the spreadsheet's row number; None = detect
    mapping: dict[int, str] | None = None  # column index → field; None = profile or automatic
    profile: dict[str, str] | None = None  # header label → field
    on_duplicate: str = "merge"
    overwrite: bool = False  # merge may replace a non-empty field with the file's value
    data: SheetData | None = None  # already read (the wizard reads once)


@dataclass(frozen=True)
class FilePreview:
    path: Path
    sheets: tuple[str, ...]
    data: SheetData
    header_row: int | None  # detected, 1-based; None when no header was recognised
    labels: tuple[str, ...]
    mapping: dict[int, str]
    rows: tuple[tuple[str, ...], ...]  # the first rows as text, for the preview table


@dataclass(frozen=True)
class PlannedPatient:
    row: int
    name: str
    mobile: str | None
    action: str  # create, merge, skip
    visits: int


@dataclass(frozen=True)
class ImportSummary:
    dry_run: bool
    batch_id: int | None
    file_name: str
    sheet: str
    rows_read: int
    rows_skipped_blank: int
    rows_skipped_summary: int
    rows_rejected: int
    rows_already_imported: int
    rows_skipped_duplicate: int
    patients_created: int
    patients_merged: int
    patients_skipped: int
    visits_created: int
    payments_created: int
    tasks_created: int
    tasks_skipped: int
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    sample: tuple[PlannedPatient, ...]
    header: tuple[str, ...]
    originals: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        keys = ("rows_read", "rows_skipped_blank", "rows_skipped_summary", "rows_rejected",
                "rows_already_imported", "rows_skipped_duplicate", "patients_created",
                "patients_merged", "patients_skipped", "visits_created", "payments_created",
                "tasks_created", "tasks_skipped")
        data: dict[str, Any] = {"dry_run": self.dry_run, "batch_id": self.batch_id,
                                "file": self.file_name, "sheet": self.sheet}
        data.update({k: getattr(self, k) for k in keys})
        data["errors"] = [asdict(p) for p in self.errors]
        data["warnings"] = [asdict(p) for p in self.warnings]
        return data


@dataclass(frozen=True)
class BatchInfo:
    id: int
    file_name: str
    sheet: str
    started_at: datetime
    staff: str
    patients_created: int
    patients_merged: int
    visits_created: int
    rows_rejected: int
    undone_at: datetime | None


@dataclass(frozen=True)
class UndoSummary:
    patients_removed: int
    patients_restored: int
    visits_removed: int
    ledger_removed: int
    tasks_removed: int
    fields_kept: int  # merged fields edited since the import: left as they are now


# -- reading -------------------------------------------------------------------------------
def preview_file(ctx: Context, path: Path, sheet: str | None = None) -> FilePreview:
    """Read one sheet and guess its header row and mapping (no database work)."""
    ctx.require(Permission.IMPORT_RUN)
    names = tuple(sheet_names(path))
    data = read_sheet(path, sheet or names[0])
    guess = detect_header(data.rows)
    labels = guess.labels if guess else ()
    rows = tuple(tuple(cell_text(v) for v in r) for r in data.rows[:PREVIEW_ROWS])
    return FilePreview(path, names, data, guess.row_index + 1 if guess else None, labels,
                       auto_map(labels), rows)


def _header(data: SheetData, header_row: int | None,
            profile: dict[str, str] | None) -> tuple[int, tuple[str, ...]]:
    if header_row is not None:
        if not 1 <= header_row <= len(data.rows):
            raise UserError(_("表头行 {row} 超出了工作表的范围（共 {n} 行）。", row=header_row,
                              n=len(data.rows)), field="header_row")
        return header_row - 1, header_labels(data.rows, header_row - 1)
    guess = detect_header(data.rows, known=list(profile or ()))
    if guess is None:
        raise UnusableFile(_("工作表“{sheet}”的前 30 行中没有可识别的表头（应有“姓名”“手机”"
                             "“就诊日期”等列名）。", sheet=data.name))
    return guess.row_index, guess.labels


# -- matching against the database ---------------------------------------------------------
@dataclass
class _Existing:
    by_id_number: dict[str, int] = field(default_factory=dict)
    by_mobile_name: dict[tuple[str, str], int] = field(default_factory=dict)
    by_name_birth: dict[tuple[str, date], int] = field(default_factory=dict)
    name_of_mobile: dict[str, tuple[str, str]] = field(default_factory=dict)  # mobile → name, code


def _existing_patients(session: Session) -> _Existing:
    found = _Existing()
    rows = session.execute(select(Patient.id, Patient.code, Patient.name, Patient.mobile,
                                  Patient.id_number, Patient.birth_date,
                                  Patient.birth_date_approximate)
                           .where(Patient.merged_into_id.is_(None)).order_by(Patient.id))
    for pid, code, name, mobile, id_number, birth, approximate in rows:
        if id_number:
            found.by_id_number.setdefault(id_number, pid)
        if mobile:
            found.by_mobile_name.setdefault((mobile, name), pid)
            found.name_of_mobile.setdefault(mobile, (name, code))
        if birth is not None and not approximate:
            found.by_name_birth.setdefault((name, birth), pid)
    return found


def _match(existing: _Existing, p: PersonFields) -> int | None:
    if p.id_number and p.id_number in existing.by_id_number:
        return existing.by_id_number[p.id_number]
    if p.mobile and (p.mobile, p.name) in existing.by_mobile_name:
        return existing.by_mobile_name[(p.mobile, p.name)]
    if p.birth_date is not None and not p.birth_approximate:
        return existing.by_name_birth.get((p.name, p.birth_date))
    return None


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _visit_keys(session: Session, patient_ids: Sequence[int]) -> set[tuple[int, date, str]]:
    """(patient, visit date, procedure) of the visits already recorded for these patients."""
    keys: set[tuple[int, date, str]] = set()
    for chunk in _chunks(sorted(patient_ids)):
        for pid, day, procedure in session.execute(
                select(Visit.patient_id, Visit.visit_date, Treatment.procedure_name)
                .join(Treatment, Treatment.visit_id == Visit.id)
                .where(Visit.patient_id.in_(chunk))):
            keys.add((pid, day, procedure))
    return keys


# -- the plan ------------------------------------------------------------------------------
@dataclass
class _Plan:
    new: list[Person] = field(default_factory=list)
    merged: list[tuple[Person, int, dict[str, Any]]] = field(default_factory=list)  # fills
    visits: list[tuple[int | None, int, CleanRow]] = field(default_factory=list)
    # (existing patient id or None, index into ``new`` or -1, row)
    already: int = 0
    skipped_rows: int = 0
    skipped_patients: int = 0
    warnings: list[Problem] = field(default_factory=list)
    sample: list[PlannedPatient] = field(default_factory=list)


def _plan(session: Session, persons: list[Person], *, policy: str, overwrite: bool,
          labels: dict[str, str]) -> _Plan:
    plan = _Plan()
    existing = _existing_patients(session)
    matches = {i: _match(existing, p.fields) for i, p in enumerate(persons)}
    if policy == "create":
        matches = dict.fromkeys(matches)
    current = _current_fields(session, [pid for pid in matches.values() if pid is not None])
    known_visits = _visit_keys(session, [pid for pid in matches.values() if pid is not None])
    for index, person in enumerate(persons):
        pid = matches[index]
        first_row = person.rows[0].row
        mobile = person.fields.mobile
        if pid is None and mobile and mobile in existing.name_of_mobile:
            other, code = existing.name_of_mobile[mobile]
            if other != person.fields.name:
                plan.warnings.append(Problem(first_row, labels.get("mobile", ""), mobile, _(
                    "手机号与已有患者 {name}（{code}）相同但姓名不同，按新患者导入（可能是家属）。",
                    name=other, code=code)))
        visits = [r for r in person.rows if r.visit is not None]
        if pid is not None and policy == "skip":
            plan.skipped_patients += 1
            plan.skipped_rows += len(person.rows)
            plan.warnings.append(Problem(first_row, labels.get("name", ""), person.fields.name,
                                         _("已有该患者（{code}），按“跳过”未导入。",
                                           code=current[pid]["code"])))
            _sample(plan, first_row, person, "skip", 0)
            continue
        if pid is None:
            plan.new.append(person)
            slot = len(plan.new) - 1
            for row in visits:
                plan.visits.append((None, slot, row))
            _sample(plan, first_row, person, "create", len(visits))
            continue
        fills = _fills(current[pid], person, overwrite=overwrite, labels=labels,
                       warnings=plan.warnings)
        plan.merged.append((person, pid, fills))
        added = 0
        for row in visits:
            assert row.visit is not None
            if (pid, row.visit.visit_date, row.visit.procedure) in known_visits:
                plan.already += 1
            else:
                plan.visits.append((pid, -1, row))
                added += 1
        _sample(plan, first_row, person, "merge", added)
    return plan


def _sample(plan: _Plan, row: int, person: Person, action: str, visits: int) -> None:
    if len(plan.sample) < 200:
        plan.sample.append(PlannedPatient(row, person.fields.name, person.fields.mobile, action,
                                          visits))


MERGE_COLUMNS = ("sex", "birth_date", "mobile", "phone2", "id_number", "wechat", "occupation",
                 "address", "source", "first_visit_date")


def _current_fields(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    columns = [getattr(Patient, c) for c in MERGE_COLUMNS]
    for chunk in _chunks(sorted(set(ids))):
        for row in session.execute(select(Patient.id, Patient.code, Patient.birth_date_approximate,
                                          *columns).where(Patient.id.in_(chunk))):
            pid, code, approximate, *values = row
            found[pid] = {"code": code, "birth_date_approximate": approximate,
                          **dict(zip(MERGE_COLUMNS, values, strict=True))}
    return found


def _fills(current: dict[str, Any], person: Person, *, overwrite: bool,
           labels: dict[str, str], warnings: list[Problem]) -> dict[str, Any]:
    """Fields of an existing patient the file fills in (or, with overwrite, replaces)."""
    fills: dict[str, Any] = {}
    row = person.rows[0].row
    for name in MERGE_COLUMNS:
        new = getattr(person.fields, name)
        if new is None:
            continue
        old = current[name]
        if old is None or (name == "birth_date" and current["birth_date_approximate"]
                           and not person.fields.birth_approximate):
            fills[name] = new
        elif old != new:
            if overwrite:
                fills[name] = new
                reason = _("已有患者 {code} 的原值“{old}”已被文件中的值替换。",
                           code=current["code"], old=old)
            else:
                reason = _("已有患者 {code} 的该项为“{old}”，与文件不同，未覆盖。",
                           code=current["code"], old=old)
            warnings.append(Problem(row, labels.get(name, field_label(name)),
                                    cell_text(new), reason))
    if "birth_date" in fills:
        fills["birth_date_approximate"] = person.fields.birth_approximate
    return fills


# -- the run -------------------------------------------------------------------------------
@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """An import makes a million small objects that live until it ends; the cyclic garbage
    collector would rescan them all again and again (half the cleaning time at 100,000 rows).
    Reference counting still frees everything; the collector is back on when the import ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(ctx: Context, request: ImportRequest, *, dry_run: bool = False,
               progress: Progress | None = None) -> ImportSummary:
    """Clean, match and (unless ``dry_run``) write one sheet as one batch."""
    with _without_cycle_collection():
        return _run_import(ctx, request, dry_run=dry_run, progress=progress)


def _run_import(ctx: Context, request: ImportRequest, *, dry_run: bool,
                progress: Progress | None) -> ImportSummary:
    ctx.require(Permission.IMPORT_RUN)
    if request.on_duplicate not in POLICIES:
        raise UserError(_("重复患者的处理方式“{policy}”无效（可用 merge、skip、create）。",
                          policy=request.on_duplicate), field="on_duplicate")
    report = progress.report if progress else (lambda done, total, text="": None)
    check = progress.check if progress else None
    report(0, 100, _("正在读取文件…"))
    data: SheetData | None = request.data or read_sheet(request.path, request.sheet)
    assert data is not None
    sheet_name = data.name
    digest = file_digest(request.path) if request.path.exists() else ""
    header_index, header = _header(data, request.header_row, request.profile)
    if request.mapping is not None:
        mapping = dict(request.mapping)
    elif request.profile is not None:
        mapping = mapping_from_profile(header, request.profile)
    else:
        mapping = auto_map(header)
    problems = check_mapping(mapping)
    if problems:
        raise UserError(problems[0], field="mapping")
    labels = {key: header[i] if i < len(header) and header[i] else field_label(key)
              for i, key in mapping.items()}
    started = ctx.now()
    with ctx.transaction() as session:
        today = _today(ctx, session)

        def cleaning_progress(done: int, total: int) -> None:
            report(10 + 30 * done // max(total, 1), 100, _("正在检查第 {n} 行…", n=done))

        cleaned = clean_sheet(data.rows, header_index=header_index, mapping=mapping,
                              labels=header, today=today, sources=sources(session),
                              check=check, progress=cleaning_progress)
        data = None  # the raw cells (a third of the memory) are not needed any more
        persons, family_notes = group_persons(cleaned.rows)
        report(45, 100, _("正在与已有患者比对…"))
        plan = _plan(session, persons, policy=request.on_duplicate,
                     overwrite=request.overwrite, labels=labels)
        if check:
            check()
        writer = _Writer(ctx, session, today=today)
        resolved = writer.resolve_visits(plan)
        warnings = cleaned.warnings + family_notes + plan.warnings + writer.warnings
        summary_args: dict[str, Any] = {
            "file_name": request.path.name, "sheet": sheet_name,
            "rows_read": cleaned.rows_read, "rows_skipped_blank": cleaned.blank,
            "rows_skipped_summary": cleaned.summary, "rows_rejected": cleaned.rejected,
            "rows_already_imported": plan.already, "rows_skipped_duplicate": plan.skipped_rows,
            "patients_created": len(plan.new), "patients_merged": len(plan.merged),
            "patients_skipped": plan.skipped_patients, "visits_created": len(plan.visits),
            "errors": tuple(cleaned.errors), "sample": tuple(plan.sample), "header": header,
            "originals": {r: tuple(v) for r, v in cleaned.originals.items()},
        }
        if dry_run:
            payments = sum(1 for _p, _s, row in plan.visits if _payment_of(row) > 0)
            created, skipped = plan_imported_treatments(
                ctx, session, writer.treatments_for_dry_run(plan, resolved), write=False)
            session.rollback()
            return ImportSummary(dry_run=True, batch_id=None, payments_created=payments,
                                 tasks_created=created, tasks_skipped=skipped,
                                 warnings=tuple(warnings),
                                 **summary_args)
        batch = ImportBatch(file_name=request.path.name[:255], file_sha256=digest,
                            sheet=sheet_name[:128], policy=request.on_duplicate,
                            mapping_json=json.dumps({header[i] if i < len(header) else str(i): k
                                                     for i, k in mapping.items()},
                                                    ensure_ascii=False),
                            summary_json="{}", started_at=started, finished_at=started,
                            staff_id=ctx.actor.staff_id)
        session.add(batch)
        session.flush()
        writer.batch_id = batch.id
        report(55, 100, _("正在写入患者…"))
        new_ids = writer.insert_patients(plan.new)
        undo = writer.apply_merges(plan.merged)
        if check:
            check()
        report(70, 100, _("正在写入就诊和账目…"))
        treatments, payments = writer.insert_visits(plan.visits, new_ids, resolved)
        if check:
            check()
        report(85, 100, _("正在生成回访任务…"))
        created, skipped = plan_imported_treatments(ctx, session, treatments, write=True)
        summary = ImportSummary(dry_run=False, batch_id=batch.id, payments_created=payments,
                                tasks_created=created, tasks_skipped=skipped,
                                warnings=tuple(warnings), **summary_args)
        batch.undo_json = json.dumps(undo, ensure_ascii=False, default=str)
        batch.summary_json = json.dumps(
            {**{k: v for k, v in summary.as_json().items() if k not in ("errors", "warnings")},
             "header": list(header)}, ensure_ascii=False)
        batch.finished_at = ctx.now()
        _store_problems(session, batch.id, summary)
        ctx.audit(session, "import.run", "import_batch", batch.id,
                  f"{request.path.name} [{sheet_name}] +{len(plan.new)} patients, "
                  f"{len(plan.merged)} merged, +{len(plan.visits)} visits, "
                  f"{cleaned.rejected} rejected")
        if check:
            check()  # a cancel up to here leaves nothing: the transaction rolls back
        report(100, 100, _("导入完成"))
        return summary


def _charge_of(row: CleanRow) -> Decimal:
    visit = row.visit
    if visit is None:
        return Decimal(0)
    return visit.amount if visit.amount is not None else (visit.paid or Decimal(0))


def _payment_of(row: CleanRow) -> Decimal:
    visit = row.visit
    if visit is None:
        return Decimal(0)
    paid = visit.paid if visit.paid is not None else visit.amount
    return paid or Decimal(0)


def _store_problems(session: Session, batch_id: int, summary: ImportSummary) -> None:
    rows = [{"batch_id": batch_id, "severity": severity, "row": p.row, "column": p.column[:128],
             "value": p.value, "reason": p.reason,
             "original_json": json.dumps(summary.originals.get(p.row or 0, ()),
                                         ensure_ascii=False)}
            for severity, problems in (("error", summary.errors), ("warning", summary.warnings))
            for p in problems]
    if rows:
        session.execute(insert(ImportRowError), rows)


LEDGER_COLUMNS = ("patient_id", "at", "kind", "method", "amount", "visit_id", "note",
                  "created_by", "import_batch_id")


class _Writer:
    """Bulk inserts for one batch, inside the caller's transaction."""

    def __init__(self, ctx: Context, session: Session, *, today: date) -> None:
        self.ctx, self.session, self.today = ctx, session, today
        self.batch_id: int | None = None
        self.warnings: list[Problem] = []
        zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
        self.zone = zone
        self.noon: dict[date, datetime] = {}
        procedures = session.execute(select(ProcedureType.id, ProcedureType.name,
                                            ProcedureType.category)).all()
        self.procedures = {name: (pid, category) for pid, name, category in procedures}
        doctors = session.execute(select(Staff.id, Staff.display_name)).all()
        self.doctors = {name: sid for sid, name in doctors}

    def at_noon(self, day: date) -> datetime:
        if day not in self.noon:
            self.noon[day] = datetime.combine(day, time(12), self.zone)
        return self.noon[day]

    def resolve_visits(self, plan: _Plan) -> dict[int, tuple[int | None, str | None, int | None]]:
        """Row → (procedure type, category, doctor), with one warning per unknown name."""
        resolved: dict[int, tuple[int | None, str | None, int | None]] = {}
        unknown_procedures: Counter[str] = Counter()
        unknown_doctors: Counter[str] = Counter()
        first_row: dict[str, int] = {}
        for _pid, _slot, row in plan.visits:
            visit = row.visit
            assert visit is not None
            name = visit.procedure
            known = self.procedures.get(name) or self.procedures.get(
                PROCEDURE_ALIASES.get(name.lower(), ""))
            if known is None:
                unknown_procedures[name] += 1
                first_row.setdefault("p" + name, row.row)
            doctor = self.doctors.get(visit.doctor) if visit.doctor else None
            if visit.doctor and doctor is None:
                unknown_doctors[visit.doctor] += 1
                first_row.setdefault("d" + visit.doctor, row.row)
            resolved[row.row] = (known[0] if known else None, known[1] if known else None,
                                 doctor)
        for name, n in unknown_procedures.items():
            self.warnings.append(Problem(first_row["p" + name], field_label("procedure"), name,
                                         _("项目“{name}”不在项目目录中（{n} 行），已按原名导入。",
                                           name=name, n=n)))
        for name, n in unknown_doctors.items():
            self.warnings.append(Problem(first_row["d" + name], field_label("doctor"), name,
                                         _("医生“{name}”不在员工名单中（{n} 行），已写入就诊备注。",
                                           name=name, n=n)))
        return resolved

    def treatments_for_dry_run(self, plan: _Plan, resolved: dict[int, tuple[
            int | None, str | None, int | None]]) -> list[ImportedTreatment]:
        found = []
        for index, (pid, slot, row) in enumerate(plan.visits):
            assert row.visit is not None
            _ptype, category, doctor = resolved[row.row]
            found.append(ImportedTreatment(-(index + 1), pid or -(slot + 1), row.visit.procedure,
                                           category, doctor, self.at_noon(row.visit.visit_date)))
        return found

    def _insert(self, model: type[Any], names: Sequence[str],
                rows: Iterator[tuple[Any, ...]]) -> list[int]:
        return bulk_insert(self.session.connection(), _table(model), names, rows)

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

    def insert_patients(self, persons: list[Person]) -> list[int]:
        if not persons:
            return []
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        highest = self.session.execute(select(func.max(Patient.id))).scalar_one() or 0

        names = ("code", "name", "name_pinyin", "name_initials", "sex", "birth_date",
                 "birth_date_approximate", "mobile", "phone2", "wechat", "id_number",
                 "occupation", "address", "source", "first_visit_date", "notes", "created_at",
                 "created_by", "updated_at", "updated_by", "import_batch_id")

        def rows() -> Iterator[tuple[Any, ...]]:
            for offset, person in enumerate(persons, start=1):
                p = person.fields
                keys = search_keys(p.name)
                yield (f"P{highest + offset:06d}", p.name, keys.full, keys.initials, p.sex,
                       p.birth_date, p.birth_approximate, p.mobile, p.phone2, p.wechat,
                       p.id_number, p.occupation, p.address, p.source, p.first_visit_date,
                       p.notes, now, staff, now, staff, self.batch_id)

        with self._search_index_in_bulk():
            ids = self._insert(Patient, names, rows())
        profiles = [(pid, person.fields.allergies, now)
                    for pid, person in zip(ids, persons, strict=True) if person.fields.allergies]
        if profiles:
            bulk_insert(self.session.connection(), _table(MedicalProfile),
                        ("patient_id", "allergy_notes", "updated_at"), profiles,
                        want_ids=False)
        return ids

    def apply_merges(self, merged: list[tuple[Person, int, dict[str, Any]]]) -> dict[str, Any]:
        """Fill the chosen fields; returns what undo needs: previous and imported values."""
        undo: dict[str, Any] = {}
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        wanted = [pid for _p, pid, fills in merged if fills]
        before = _current_fields(self.session, wanted)
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
                k: [_jsonable(previous[k]), _jsonable(v)] for k, v in fills.items()}
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
                      resolved: dict[int, tuple[int | None, str | None, int | None]],
                      ) -> tuple[list[ImportedTreatment], int]:
        """One visit per row, its treatment line, its charge and its payment."""
        if not visits:
            return [], 0
        now, staff = self.ctx.now(), self.ctx.actor.staff_id
        owners = [pid if pid is not None else new_ids[slot] for pid, slot, _row in visits]

        def visit_rows() -> Iterator[tuple[Any, ...]]:
            for (_pid, _slot, row), patient_id in zip(visits, owners, strict=True):
                v = row.visit
                assert v is not None
                notes = v.notes
                if v.doctor and resolved[row.row][2] is None:
                    notes = "\n".join(filter(None, [_("医生：{name}", name=v.doctor), notes]))
                yield (patient_id, v.visit_date, resolved[row.row][2], notes, now, staff,
                       self.batch_id)

        visit_ids = self._insert(Visit, ("patient_id", "visit_date", "doctor_id", "notes",
                                          "created_at", "created_by", "import_batch_id"),
                                 visit_rows())
        charges = [_charge_of(row) for _pid, _slot, row in visits]

        def treatment_rows() -> Iterator[tuple[Any, ...]]:
            for (_pid, _slot, row), visit_id, charge in zip(visits, visit_ids, charges,
                                                            strict=True):
                assert row.visit is not None
                yield (visit_id, resolved[row.row][0], row.visit.procedure, row.visit.site,
                       "", charge)

        treatment_ids = self._insert(Treatment, ("visit_id", "procedure_type_id",
                                                 "procedure_name", "site", "notes", "amount"),
                                     treatment_rows())
        payments = 0
        treatments: list[ImportedTreatment] = []

        def ledger_rows() -> Iterator[tuple[Any, ...]]:
            nonlocal payments
            for (_pid, _slot, row), visit_id, treatment_id, patient_id, charge in zip(
                    visits, visit_ids, treatment_ids, owners, charges, strict=True):
                v = row.visit
                assert v is not None
                at = self.at_noon(v.visit_date)
                if charge > 0:
                    yield self._entry(patient_id, at, "charge", None, charge, visit_id,
                                      v.procedure, staff)
                paid = _payment_of(row)
                if paid > 0:
                    note = "" if v.method or not v.method_text else _(
                        "原支付方式：{method}", method=v.method_text)
                    yield self._entry(patient_id, at, "payment", v.method, paid, visit_id,
                                      note, staff)
                    payments += 1
                _ptype, category, doctor = resolved[row.row]
                treatments.append(ImportedTreatment(treatment_id, patient_id, v.procedure,
                                                    category, doctor, at))

        self._insert(LedgerEntry, LEDGER_COLUMNS, ledger_rows())
        return treatments, payments

    def _entry(self, patient_id: int, at: datetime, kind: str, method: str | None,
               amount: Decimal, visit_id: int, note: str, staff: int | None,
               ) -> tuple[Any, ...]:
        return (patient_id, at, kind, method, amount, visit_id, note[:255], staff,
                self.batch_id)


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _count(session: Session, statement: Delete) -> int:
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# -- undo ----------------------------------------------------------------------------------
# Rows a batch writes itself, or that the app derives and undo may remove with the patient.
_UNDO_REMOVES = {"patient", "visit", "ledger_entry", "care_task", "medical_profile"}


def _what(table: str) -> str:
    return {"appointment": _("预约"), "contact_log": _("联系记录"),
            "feedback": _("满意度或投诉记录"), "visit": _("就诊记录"), "ledger_entry": _("账目"),
            "attachment": _("附件"), "family_link": _("家庭关系"), "patient_tag": _("标签"),
            "custom_field_value": _("自定义字段"), "outbox_message": _("消息"),
            "waitlist_entry": _("候补登记"), "patient_merge": _("合并记录"),
            "care_task": _("回访记录")}.get(table, table)


def _blockers(session: Session, created: Sequence[int], batch_id: int) -> str | None:
    """Anything added to the batch's patients since the import (an appointment, a tag, a
    relative, a worked callback, a visit recorded by hand …): undo would delete it with them.
    Every table that points at a patient is checked, so a new one cannot be forgotten."""
    references = [(fk.parent.table, fk.parent) for table in Patient.metadata.sorted_tables
                  for fk in table.foreign_keys
                  if fk.column.table.name == "patient" and fk.column.name == "id"
                  and table.name not in _UNDO_REMOVES - {"visit", "ledger_entry"}]
    for chunk in _chunks(sorted(created)):
        for table, column in references:
            query = select(column).where(column.in_(chunk))
            if table.name in ("visit", "ledger_entry"):
                query = query.where(func.coalesce(table.c.import_batch_id, 0) != batch_id)
            hit = session.execute(query.limit(1)).scalar()
            if hit is not None:
                return _name(session, hit, _what(table.name))
        referrer = session.execute(select(Patient.referred_by_id).where(
            Patient.referred_by_id.in_(chunk), Patient.id.not_in(chunk)).limit(1)).scalar()
        if referrer is not None:
            return _name(session, referrer, _("介绍的患者"))
        worked = session.execute(select(CareTask.patient_id).where(
            CareTask.patient_id.in_(chunk), CareTask.attempts > 0).limit(1)).scalar()
        if worked is not None:
            return _name(session, worked, _what("care_task"))
    return None


def _name(session: Session, patient_id: int, what: str) -> str:
    code, name = session.execute(select(Patient.code, Patient.name)
                                 .where(Patient.id == patient_id)).one()
    return _("患者 {name}（{code}）在导入后新增了{what}", name=name, code=code, what=what)


def undo_import(ctx: Context, batch_id: int) -> UndoSummary:
    """Remove what the batch created and restore the fields its merges filled in."""
    ctx.require(Permission.IMPORT_RUN)
    with ctx.transaction() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(_("找不到该导入批次（编号 {id}）。", id=batch_id))
        if batch.undone_at is not None:
            raise UserError(_("该导入已于 {when} 撤销过。",
                              when=f"{batch.undone_at:%Y-%m-%d %H:%M}"), field="batch")
        created = list(session.execute(select(Patient.id).where(
            Patient.import_batch_id == batch_id)).scalars())
        blocker = _blockers(session, created, batch_id)
        if blocker:
            raise UserError(_("无法撤销本次导入：{reason}。撤销会把它一起删除，请先处理该患者。",
                              reason=blocker), field="batch")
        visit_ids = list(session.execute(select(Visit.id).where(
            Visit.import_batch_id == batch_id)).scalars())
        tasks = 0
        for chunk in _chunks(visit_ids):
            treatment_ids = select(Treatment.id).where(Treatment.visit_id.in_(chunk))
            tasks += _count(session, delete(CareTask).where(
                CareTask.source == "plan", CareTask.source_id.in_(treatment_ids),
                CareTask.attempts == 0))
            session.execute(update(CareTask).where(
                CareTask.source == "plan", CareTask.source_id.in_(treatment_ids),
                CareTask.status.in_(("pending", "due"))).values(
                status="cancelled", closed_at=ctx.now(), closed_reason=_("导入已撤销"),
                version=CareTask.version + 1))
        ledger = _count(session, delete(LedgerEntry).where(
            LedgerEntry.import_batch_id == batch_id))
        for chunk in _chunks(visit_ids):
            session.execute(delete(Visit).where(Visit.id.in_(chunk)))
        for chunk in _chunks(created):
            tasks += _count(session, delete(CareTask).where(CareTask.patient_id.in_(chunk)))
            session.execute(delete(Patient).where(Patient.id.in_(chunk)))
        restored, kept = _restore_merges(ctx, session, json.loads(batch.undo_json or "{}"))
        batch.undone_at, batch.undone_by = ctx.now(), ctx.actor.staff_id
        ctx.audit(session, "import.undo", "import_batch", batch_id,
                  f"{batch.file_name}: -{len(created)} patients, -{len(visit_ids)} visits, "
                  f"{restored} restored")
        return UndoSummary(len(created), restored, len(visit_ids), ledger, tasks, kept)


def _restore_merges(ctx: Context, session: Session, undo: dict[str, Any]) -> tuple[int, int]:
    restored = kept = 0
    for key, change in undo.items():
        patient = session.get(Patient, int(key))
        if patient is None:
            continue
        touched = False
        for name, (before, imported) in change.get("fields", {}).items():
            now_value = _jsonable(getattr(patient, name))
            if now_value != imported:
                kept += 1  # edited by someone since: theirs stays
                continue
            if name in ("birth_date", "first_visit_date") and before is not None:
                before = date.fromisoformat(before)
            setattr(patient, name, before)
            touched = True
        if "allergy" in change:
            before, imported = change["allergy"]
            profile = session.get(MedicalProfile, patient.id)
            if profile is not None and profile.allergy_notes == imported:
                if before == "<none>":
                    session.delete(profile)
                else:
                    profile.allergy_notes = before
                touched = True
        if touched:
            patient.updated_at, patient.updated_by = ctx.now(), ctx.actor.staff_id
            restored += 1
    return restored, kept


# -- history -------------------------------------------------------------------------------
def list_batches(ctx: Context) -> list[BatchInfo]:
    ctx.require(Permission.IMPORT_RUN)
    with ctx.transaction() as session:
        rows = session.execute(select(ImportBatch, Staff.display_name)
                               .outerjoin(Staff, Staff.id == ImportBatch.staff_id)
                               .order_by(ImportBatch.id.desc())).all()
        result = []
        for batch, staff in rows:
            s = json.loads(batch.summary_json or "{}")
            result.append(BatchInfo(batch.id, batch.file_name, batch.sheet, batch.started_at,
                                    staff or "", s.get("patients_created", 0),
                                    s.get("patients_merged", 0), s.get("visits_created", 0),
                                    s.get("rows_rejected", 0), batch.undone_at))
        return result


@dataclass(frozen=True)
class StoredProblems:
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    header: tuple[str, ...]
    originals: dict[int, tuple[str, ...]]


def batch_problems(ctx: Context, batch_id: int) -> StoredProblems:
    """A stored batch's rejected rows (with their original values), warnings and header."""
    ctx.require(Permission.IMPORT_RUN)
    with ctx.transaction() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(_("找不到该导入批次（编号 {id}）。", id=batch_id))
        header = tuple(json.loads(batch.summary_json or "{}").get("header", ()))
        rows = session.execute(select(ImportRowError).where(ImportRowError.batch_id == batch_id)
                               .order_by(ImportRowError.id)).scalars()
        errors, warnings, originals = [], [], {}
        for r in rows:
            problem = Problem(r.row, r.column, r.value, r.reason)
            if r.severity == "error":
                errors.append(problem)
                if r.row is not None:
                    originals[r.row] = tuple(json.loads(r.original_json))
            else:
                warnings.append(problem)
        return StoredProblems(tuple(errors), tuple(warnings), header, originals)



# -- mapping profiles ----------------------------------------------------------------------
PROFILES_KEY = "import.mapping_profiles"


def list_profiles(ctx: Context) -> dict[str, dict[str, str]]:
    """Saved mappings by name: {name: {header label: field}}."""
    ctx.require(Permission.IMPORT_RUN)
    with ctx.transaction() as session:
        stored = read_setting(session, PROFILES_KEY, {})
        return {str(k): dict(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def save_profile(ctx: Context, name: str, profile: dict[str, str]) -> None:
    from clinic_desktop.importing.mapping import BY_KEY
    from clinic_desktop.rules.text import normalize_text
    from clinic_desktop.services.clinic import write_setting

    ctx.require(Permission.IMPORT_RUN)
    name = normalize_text(name)
    if not name:
        raise UserError(_("请给这个对应方案起个名字。"), field="name")
    if not profile or any(v not in BY_KEY for v in profile.values()):
        raise UserError(_("对应方案中至少要有一列，且字段有效。"), field="mapping")
    with ctx.transaction() as session:
        stored = dict(read_setting(session, PROFILES_KEY, {}) or {})
        stored[name] = dict(profile)
        write_setting(session, PROFILES_KEY, stored)
        ctx.audit(session, "import.profile", "setting", PROFILES_KEY, name)
