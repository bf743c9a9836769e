"""After an import: the history of batches, their stored problems, undo, and the saved
column-mapping profiles."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Delete, delete, func, select, update
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.rows import Problem
from clinic_desktop.importing.values import ValueChoices, choices_from_json, choices_to_json
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.import_balances import remove_openings, settle_after_undo
from clinic_desktop.services.import_plan import chunks
from clinic_desktop.services.import_writer import jsonable
from clinic_desktop.services.insight.patient_money import batch_writes
from clinic_desktop.storage.bulk import table_of
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.imports import ImportBatch, ImportRowError
from clinic_desktop.storage.models.loyalty import LoyaltyTier
from clinic_desktop.storage.models.patient import MedicalProfile, Patient, PatientTag, Tag
from clinic_desktop.storage.models.staff import Staff

if TYPE_CHECKING:
    from clinic_desktop.services.imports import Progress


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
    tags_removed: int = 0  # tags the import created (and their links)
    procedures_removed: int = 0  # catalogue entries it added
    doctors_removed: int = 0  # inactive doctors it added
    openings_removed: int = 0  # opening balances (stored value, owed, points, tiers)
    tiers_removed: int = 0  # membership tiers it created


def _count(session: Session, statement: Delete) -> int:
    return cast(CursorResult[Any], session.execute(statement)).rowcount


_UNDO_REMOVES = {"patient", "visit", "ledger_entry", "care_task", "medical_profile"}


def _what(table: str) -> str:
    return {"appointment": _("预约"), "contact_log": _("联系记录"),
            "feedback": _("满意度或投诉记录"), "visit": _("就诊记录"), "ledger_entry": _("账目"),
            "attachment": _("附件"), "family_link": _("家庭关系"), "patient_tag": _("标签"),
            "custom_field_value": _("自定义字段"), "outbox_message": _("消息"),
            "waitlist_entry": _("候补登记"), "patient_merge": _("合并记录"),
            "care_task": _("回访记录"), "campaign_member": _("营销活动记录")}.get(table, table)


def _blockers(session: Session, created: Sequence[int], batch_id: int,
              linked_by_batch: Sequence[int] = ()) -> str | None:
    """Anything added to the batch's patients since the import (an appointment, a tag, a
    relative, a worked callback, a visit recorded by hand …): undo would delete it with them.
    Every table that points at a patient is checked, so a new one cannot be forgotten; rows
    the batch wrote itself (its visits, ledger, tag links, referrers) are not in the way."""
    references = [(fk.parent.table, fk.parent) for table in Patient.metadata.sorted_tables
                  for fk in table.foreign_keys
                  if fk.column.table.name == "patient" and fk.column.name == "id"
                  and table.name not in _UNDO_REMOVES - {"visit", "ledger_entry"}
                  and (table.name, fk.parent.name) != ("patient", "referred_by_id")]
    for chunk in chunks(sorted(created)):
        for table, column in references:
            query = select(column).where(column.in_(chunk))
            if "import_batch_id" in table.c:
                query = query.where(func.coalesce(table.c.import_batch_id, 0) != batch_id)
            hit = session.execute(query.limit(1)).scalar()
            if hit is not None:
                return _name(session, hit, _what(table.name))
        referrer = session.execute(select(Patient.referred_by_id).where(
            Patient.referred_by_id.in_(chunk), Patient.id.not_in(chunk),
            Patient.id.not_in(linked_by_batch)).limit(1)).scalar()
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


def _batch(session: Session, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(_("找不到该导入批次（编号 {id}）。", id=batch_id))
    return batch


def undo_import(ctx: Context, batch_id: int, *,
                progress: Progress | None = None) -> UndoSummary:
    """Remove what the batch created and restore the fields its merges filled in. One
    transaction: a cancel (``progress.check``) between chunks rolls all of it back."""
    ctx.require(Permission.IMPORT_RUN)

    def check() -> None:
        if progress is not None:
            progress.check()

    with ctx.transaction(write=True) as session:
        batch = _batch(session, batch_id)
        if batch.undone_at is not None:
            raise UserError(_("该导入已于 {when} 撤销过。",
                              when=f"{batch.undone_at:%Y-%m-%d %H:%M}"), field="batch")
        created = list(session.execute(select(Patient.id).where(
            Patient.import_batch_id == batch_id)).scalars())
        merges = json.loads(batch.undo_json or "{}")
        blocker = _blockers(session, created, batch_id, _linked_by_batch(session, merges))
        if blocker:
            raise UserError(_("无法撤销本次导入：{reason}。撤销会把它一起删除，请先处理该患者。",
                              reason=blocker), field="batch")
        visit_ids = list(session.execute(select(Visit.id).where(
            Visit.import_batch_id == batch_id)).scalars())
        tasks = 0
        for chunk in chunks(visit_ids):
            check()
            treatment_ids = select(Treatment.id).where(Treatment.visit_id.in_(chunk))
            tasks += _count(session, delete(CareTask).where(
                CareTask.source == "plan", CareTask.source_id.in_(treatment_ids),
                CareTask.attempts == 0))
            session.execute(update(CareTask).where(
                CareTask.source == "plan", CareTask.source_id.in_(treatment_ids),
                CareTask.status.in_(("pending", "due"))).values(
                status="cancelled", closed_at=ctx.now(), closed_reason=_("导入已撤销"),
                version=CareTask.version + 1))
        openings = remove_openings(session, batch_id, created)
        with batch_writes(session, batch_id):  # the money triggers: one grouped statement
            ledger = _count(session, delete(LedgerEntry).where(
                LedgerEntry.import_batch_id == batch_id))
        settle_after_undo(session, openings)  # refuses when an opening balance was spent
        for chunk in chunks(visit_ids):
            check()
            session.execute(delete(Visit).where(Visit.id.in_(chunk)))
        # The merged patients first: a referrer the batch gave them may be one it created.
        restored, kept = _restore_merges(ctx, session, merges)
        session.flush()
        session.execute(delete(PatientTag).where(PatientTag.import_batch_id == batch_id))
        session.execute(update(Patient).where(Patient.import_batch_id == batch_id,
                                              Patient.referred_by_id.is_not(None))
                        .values(referred_by_id=None))
        for chunk in chunks(created):
            check()
            tasks += _count(session, delete(CareTask).where(CareTask.patient_id.in_(chunk)))
            session.execute(delete(Patient).where(Patient.id.in_(chunk)))
        tags = _remove_unused(session, Tag, batch_id)
        procedures = _remove_unused(session, ProcedureType, batch_id)
        doctors = _remove_unused(session, Staff, batch_id)
        tiers = _remove_unused(session, LoyaltyTier, batch_id)
        check()
        batch.undone_at, batch.undone_by = ctx.now(), ctx.actor.staff_id
        ctx.audit(session, "import.undo", "import_batch", batch_id,
                  f"{batch.file_name}: -{len(created)} patients, -{len(visit_ids)} visits, "
                  f"{restored} restored, -{tags} tags, -{procedures} procedures, "
                  f"-{doctors} inactive doctors, -{openings.removed} opening balances, "
                  f"-{tiers} tiers")
        return UndoSummary(len(created), restored, len(visit_ids), ledger, tasks, kept,
                           tags, procedures, doctors, openings.removed, tiers)


def _linked_by_batch(session: Session, merges: dict[str, Any]) -> list[int]:
    """Merged patients whose referrer the batch set and nobody has changed since."""
    found = []
    for key, change in merges.items():
        link = change.get("fields", {}).get("referred_by_id")
        if link is not None and session.execute(select(Patient.referred_by_id).where(
                Patient.id == int(key))).scalar() == link[1]:
            found.append(int(key))
    return found


def _remove_unused(session: Session, model: type[Tag | ProcedureType | Staff | LoyaltyTier],
                   batch_id: int) -> int:
    """Delete the rows of ``model`` the batch created that nothing points at any more (a tag
    given to a patient since, a procedure booked, a doctor now on the calendar stay)."""
    table = table_of(model)
    ids = list(session.execute(select(table.c.id).where(
        table.c.import_batch_id == batch_id)).scalars())
    if not ids:
        return 0
    references = [fk.parent for other in Patient.metadata.sorted_tables
                  for fk in other.foreign_keys
                  if fk.column.table.name == table.name and fk.column.name == "id"]
    used: set[int] = set()
    for column in references:
        for chunk in chunks(ids):
            used.update(session.execute(select(column).where(column.in_(chunk))
                                        .distinct()).scalars())
    unused = [i for i in ids if i not in used]
    for chunk in chunks(unused):
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    mark_table(session, table.name)
    return len(unused)


def _restore_merges(ctx: Context, session: Session, undo: dict[str, Any]) -> tuple[int, int]:
    restored = kept = 0
    for key, change in undo.items():
        patient = session.get(Patient, int(key))
        if patient is None:
            continue
        touched = False
        for name, (before, imported) in change.get("fields", {}).items():
            now_value = jsonable(getattr(patient, name))
            if now_value != imported:
                kept += 1  # edited by someone since: theirs stays
                continue
            if name == "referred_by_id" and before is not None and session.get(
                    Patient, before) is None:
                before = None  # the earlier referrer was removed since: nobody to point at
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
        batch = _batch(session, batch_id)
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


PROFILES_KEY = "import.mapping_profiles"


@dataclass(frozen=True)
class MappingProfile:
    """A saved mapping: header label → field, and what the sheet's names become."""

    columns: dict[str, str]
    values: ValueChoices


def _profile_of(stored: Any) -> MappingProfile | None:
    if not isinstance(stored, dict):
        return None
    if isinstance(stored.get("columns"), dict):  # since the values step
        try:
            values = choices_from_json(stored.get("values"), where="profile")
        except UserError:
            values = {}
        return MappingProfile({str(k): str(v) for k, v in stored["columns"].items()}, values)
    return MappingProfile({str(k): str(v) for k, v in stored.items()}, {})  # columns only


def list_profiles(ctx: Context) -> dict[str, MappingProfile]:
    """Saved mappings by name."""
    ctx.require(Permission.IMPORT_RUN)
    with ctx.transaction() as session:
        stored = read_setting(session, PROFILES_KEY, {})
        if not isinstance(stored, dict):
            return {}
        found = {str(k): _profile_of(v) for k, v in stored.items()}
        return {k: v for k, v in found.items() if v is not None}


def save_profile(ctx: Context, name: str, profile: dict[str, str], *,
                 values: ValueChoices | None = None) -> None:
    """Save the columns (and, when given, the value choices; otherwise the ones the profile
    already holds stay)."""
    from clinic_desktop.importing.mapping import BY_KEY
    from clinic_desktop.rules.text import normalize_text
    from clinic_desktop.services.clinic import write_setting

    ctx.require(Permission.IMPORT_RUN)
    name = normalize_text(name)
    if not name:
        raise UserError(_("请给这个对应方案起个名字。"), field="name")
    if not profile or any(v not in BY_KEY for v in profile.values()):
        raise UserError(_("对应方案中至少要有一列，且字段有效。"), field="mapping")
    with ctx.transaction(write=True) as session:
        stored = dict(read_setting(session, PROFILES_KEY, {}) or {})
        before = _profile_of(stored.get(name))
        kept = values if values is not None else (before.values if before else {})
        stored[name] = {"columns": dict(profile), "values": choices_to_json(kept)}
        write_setting(session, PROFILES_KEY, stored)
        ctx.audit(session, "import.profile", "setting", PROFILES_KEY, name)
