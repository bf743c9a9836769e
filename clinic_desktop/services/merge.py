"""Merging a duplicate patient into the one kept, and undoing it exactly.

Rows that belong to one person (visits, payments, calls, feedback, attachments,
appointments, waitlist entries) move to the kept patient. The kept patient's empty fields
are filled from the duplicate, never overwritten; tags, custom values, family links and the
medical profile are copied where the kept patient has none. The duplicate is archived and
points at the kept one. Everything done is written down, so undo puts it all back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.events import PatientsMerged, publish
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.engagement import Attachment, ContactLog, Feedback
from clinic_desktop.storage.models.patient import (
    CustomFieldValue,
    FamilyLink,
    MedicalProfile,
    Patient,
    PatientMerge,
    PatientTag,
)
from clinic_desktop.storage.models.schedule import Appointment, WaitlistEntry

MOVED = {"visit": Visit, "ledger_entry": LedgerEntry, "contact_log": ContactLog,
         "feedback": Feedback, "attachment": Attachment, "appointment": Appointment,
         "waitlist_entry": WaitlistEntry}
FILLABLE = ("sex", "birth_date", "mobile", "phone2", "wechat", "email", "id_number", "occupation",
            "address", "source", "referred_by_id", "first_visit_date", "member_tier")
MEDICAL_TEXT = ("allergy_notes", "conditions", "past_history", "family_history",
                "chief_complaint")


@dataclass(frozen=True)
class MergeResult:
    merge_id: int
    kept_id: int
    absorbed_id: int
    moved_rows: int
    filled_fields: tuple[str, ...]


def merge_patients(ctx: Context, *, keep_id: int, absorb_id: int) -> MergeResult:
    ctx.require(Permission.PATIENT_MERGE)
    if keep_id == absorb_id:
        raise UserError(_("不能把患者与自己合并。"), field="absorb")
    with ctx.transaction(write=True) as session:
        keep, absorb = get_patient(session, keep_id), get_patient(session, absorb_id)
        if absorb.merged_into_id is not None:
            raise UserError(_("{code} 已经合并过了。", code=absorb.code), field="absorb")
        undo: dict[str, Any] = {"moved": {}, "filled": {}, "tags": [], "custom": [],
                                "links": [], "medical": None,
                                "absorbed_archived": absorb.archived}
        for table, model in MOVED.items():
            ids = list(session.execute(select(model.id).where(  # type: ignore[attr-defined]
                model.patient_id == absorb_id)).scalars())  # type: ignore[attr-defined]
            if ids:
                session.execute(update(model).where(model.id.in_(ids))  # type: ignore[attr-defined]
                                .values(patient_id=keep_id))
            undo["moved"][table] = ids
        # Patients the duplicate referred were referred by the person kept; the kept record
        # is never its own referrer (when the duplicate referred it, or was referred by it).
        referred = list(session.execute(select(Patient.id).where(
            Patient.referred_by_id == absorb_id, Patient.id != keep_id)).scalars())
        if referred:
            session.execute(update(Patient).where(Patient.id.in_(referred))
                            .values(referred_by_id=keep_id),
                            execution_options={"synchronize_session": False})
        undo["referred"] = referred
        if keep.referred_by_id == absorb_id:
            keep.referred_by_id = None
            undo["kept_referrer"] = absorb_id
        for name in FILLABLE:
            if name == "referred_by_id" and absorb.referred_by_id == keep_id:
                continue
            if getattr(keep, name) in (None, "") and getattr(absorb, name) not in (None, ""):
                setattr(keep, name, getattr(absorb, name))
                undo["filled"][name] = True
        if not keep.notes and absorb.notes:
            keep.notes = absorb.notes
            undo["filled"]["notes"] = True
        kept_tags = set(session.execute(select(PatientTag.tag_id).where(
            PatientTag.patient_id == keep_id)).scalars())
        for tag_id in session.execute(select(PatientTag.tag_id).where(
                PatientTag.patient_id == absorb_id)).scalars().all():
            if tag_id not in kept_tags:
                session.add(PatientTag(patient_id=keep_id, tag_id=tag_id))
                undo["tags"].append(tag_id)
        kept_fields = set(session.execute(select(CustomFieldValue.field_id).where(
            CustomFieldValue.patient_id == keep_id)).scalars())
        for value in session.execute(select(CustomFieldValue).where(
                CustomFieldValue.patient_id == absorb_id)).scalars().all():
            if value.field_id not in kept_fields:
                session.add(CustomFieldValue(patient_id=keep_id, field_id=value.field_id,
                                             value=value.value))
                undo["custom"].append(value.field_id)
        relatives = set(session.execute(select(FamilyLink.relative_id).where(
            FamilyLink.patient_id == keep_id)).scalars())
        for link in session.execute(select(FamilyLink).where(
                FamilyLink.patient_id == absorb_id)).scalars().all():
            if link.relative_id not in relatives and link.relative_id != keep_id:
                inverse = session.execute(select(FamilyLink.relation).where(
                    FamilyLink.patient_id == link.relative_id,
                    FamilyLink.relative_id == absorb_id)).scalar_one_or_none() or "other"
                session.add(FamilyLink(patient_id=keep_id, relative_id=link.relative_id,
                                       relation=link.relation))
                session.add(FamilyLink(patient_id=link.relative_id, relative_id=keep_id,
                                       relation=inverse))
                undo["links"].append(link.relative_id)
        undo["medical"] = _merge_medical(session, ctx, keep_id, absorb_id)
        absorb.archived, absorb.merged_into_id = True, keep_id
        keep.updated_at = absorb.updated_at = ctx.now()
        keep.updated_by = absorb.updated_by = ctx.actor.staff_id
        record = PatientMerge(kept_id=keep_id, absorbed_id=absorb_id, at=ctx.now(),
                              staff_id=ctx.actor.staff_id, undo_json=json.dumps(undo))
        session.add(record)
        session.flush()
        moved = sum(len(ids) for ids in undo["moved"].values())
        publish(ctx, session, PatientsMerged(kept_id=keep_id, absorbed_id=absorb_id))
        ctx.audit(session, "patient.merge", "patient", keep_id,
                  f"{absorb.code} -> {keep.code}: {moved} rows, filled "
                  f"{','.join(undo['filled']) or '-'}")
        return MergeResult(record.id, keep_id, absorb_id, moved, tuple(undo["filled"]))


def _merge_medical(session: Any, ctx: Context, keep_id: int,
                   absorb_id: int) -> dict[str, Any] | None:
    theirs = session.get(MedicalProfile, absorb_id)
    if theirs is None:
        return None
    ours = session.get(MedicalProfile, keep_id)
    if ours is None:
        session.add(MedicalProfile(
            patient_id=keep_id, allergies_json=theirs.allergies_json,
            allergy_notes=theirs.allergy_notes, conditions=theirs.conditions,
            past_history=theirs.past_history, family_history=theirs.family_history,
            chief_complaint=theirs.chief_complaint, updated_at=ctx.now()))
        return {"created": True}
    before = {"allergies_json": ours.allergies_json}
    allergies = list(dict.fromkeys(json.loads(ours.allergies_json)
                                   + json.loads(theirs.allergies_json)))
    ours.allergies_json = json.dumps(allergies, ensure_ascii=False)
    for name in MEDICAL_TEXT:
        if not getattr(ours, name) and getattr(theirs, name):
            before[name] = getattr(ours, name)
            setattr(ours, name, getattr(theirs, name))
    return {"created": False, "before": before}


def undo_merge(ctx: Context, merge_id: int) -> None:
    ctx.require(Permission.PATIENT_MERGE)
    with ctx.transaction(write=True) as session:
        record = session.get(PatientMerge, merge_id)
        if record is None:
            raise NotFound(_("找不到这次合并记录。"))
        if record.undone_at is not None:
            raise UserError(_("这次合并已经撤销过了。"))
        undo = json.loads(record.undo_json)
        keep = get_patient(session, record.kept_id)
        absorb = get_patient(session, record.absorbed_id)
        for table, ids in undo["moved"].items():
            model = MOVED[table]
            if ids:
                session.execute(update(model).where(model.id.in_(ids))  # type: ignore[attr-defined]
                                .values(patient_id=absorb.id))
        for name in undo["filled"]:
            setattr(keep, name, "" if name == "notes" else None)
        if undo.get("referred"):
            session.execute(update(Patient).where(Patient.id.in_(undo["referred"]),
                                                  Patient.referred_by_id == keep.id)
                            .values(referred_by_id=absorb.id),
                            execution_options={"synchronize_session": False})
        if undo.get("kept_referrer") is not None and keep.referred_by_id is None:
            keep.referred_by_id = undo["kept_referrer"]
        for tag_id in undo["tags"]:
            row = session.get(PatientTag, (keep.id, tag_id))
            if row is not None:
                session.delete(row)
        for field_id in undo["custom"]:
            value = session.get(CustomFieldValue, (keep.id, field_id))
            if value is not None:
                session.delete(value)
        for relative_id in undo["links"]:
            for a, b in ((keep.id, relative_id), (relative_id, keep.id)):
                link = session.execute(select(FamilyLink).where(
                    FamilyLink.patient_id == a, FamilyLink.relative_id == b)).scalar_one_or_none()
                if link is not None:
                    session.delete(link)
        medical = undo["medical"]
        if medical is not None:
            ours = session.get(MedicalProfile, keep.id)
            if ours is not None and medical["created"]:
                session.delete(ours)
            elif ours is not None:
                for name, value in medical["before"].items():
                    setattr(ours, name, value)
        absorb.archived, absorb.merged_into_id = undo["absorbed_archived"], None
        keep.updated_at = absorb.updated_at = ctx.now()
        record.undone_at = ctx.now()
        ctx.audit(session, "patient.merge_undo", "patient", keep.id,
                  f"{absorb.code} restored from {keep.code}")


