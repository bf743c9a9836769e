"""Merging a duplicate patient into the one kept, and undoing it exactly.

Rows that belong to one person (visits, payments, calls, feedback, attachments,
appointments, waitlist entries, care tasks, messages and consents, and the loyalty journals:
points, coupons, package cards and their uses, tier history, checkouts) move to the kept
patient, with the stored value the duplicate held, the household cards it lent, its referral
rewards and its campaign places; the later of two open tasks for the same call is closed.
The kept patient's empty fields are filled from the duplicate, never overwritten; tags,
custom values, family links and the medical profile are copied where the kept patient has
none. The duplicate is archived and points at the kept one. Everything done is written
down, so undo puts it all back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.events import PatientsMerged, publish
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.billing import pots_in
from clinic_desktop.services.care import OPEN
from clinic_desktop.services.loyalty.common import points_of, refresh_caches
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.engagement import Attachment, ContactLog, Feedback
from clinic_desktop.storage.models.insight import CampaignMember
from clinic_desktop.storage.models.loyalty import (
    Checkout,
    Coupon,
    PackageCard,
    PackageUse,
    PointsEntry,
    ReferralReward,
    StoredValueShare,
    TierChange,
)
from clinic_desktop.storage.models.messaging import ContactConsent, OutboxMessage
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
         "waitlist_entry": WaitlistEntry, "care_task": CareTask, "outbox_message": OutboxMessage,
         "contact_consent": ContactConsent, "points_entry": PointsEntry, "coupon": Coupon,
         "package_card": PackageCard, "package_use": PackageUse,
         "loyalty_tier_change": TierChange, "checkout": Checkout}
# The tier is not filled in: it is the cache of the tier history, which moves.
FILLABLE = ("sex", "birth_date", "mobile", "phone2", "wechat", "email", "id_number", "occupation",
            "address", "source", "referred_by_id", "first_visit_date")
# Tasks whose source is the person (a birthday, a lapse) are one call whichever record
# raised them; so are a plan's steps, whichever treatment started the plan.
PER_PERSON_SOURCES = ("birthday", "dormant")
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
        undo["closed_tasks"] = _close_duplicate_tasks(session, ctx, keep_id,
                                                      undo["moved"]["care_task"])
        undo["held"] = _move_held(session, keep_id, absorb_id)
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
        refresh_caches(session, [keep_id, absorb_id])
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


def _same_call(task: CareTask) -> tuple[object, ...]:
    if task.source == "plan":
        return task.kind, task.source, task.plan_key, task.step_key
    if task.source in PER_PERSON_SOURCES:
        return task.kind, task.source
    return task.kind, task.source, task.source_id


def _duplicates(earlier: CareTask, later: CareTask) -> bool:
    if earlier.source in PER_PERSON_SOURCES:
        return True
    # A repeating plan's later occurrences share its step: only a call due within the
    # earlier one's window is the same call twice.
    return later.due_at - earlier.due_at <= timedelta(days=max(earlier.window_days, 1))


def _close_duplicate_tasks(session: Session, ctx: Context, keep_id: int,
                           moved: list[int]) -> dict[str, str]:
    """When both records had the same open call (the same recall, a birthday), the earlier
    due stays open and the other is cancelled as a duplicate. Returns {task id: status}."""
    groups: dict[tuple[object, ...], list[CareTask]] = {}
    for task in session.execute(select(CareTask).where(
            CareTask.patient_id == keep_id, CareTask.status.in_(OPEN))
            .order_by(CareTask.due_at, CareTask.id)).scalars():
        groups.setdefault(_same_call(task), []).append(task)
    moved_ids, closed = set(moved), {}
    for tasks in groups.values():
        staying: list[CareTask] = []
        for task in tasks:
            # Only pairs the merge made: the kept record's own tasks are left as they were.
            if any((s.id in moved_ids) != (task.id in moved_ids) and _duplicates(s, task)
                   for s in staying):
                closed[str(task.id)] = task.status
                task.status, task.closed_at = "cancelled", ctx.now()
                task.closed_reason = _("合并档案后重复")
            else:
                staying.append(task)
    return closed


def _move_held(session: Session, keep_id: int, absorb_id: int) -> dict[str, Any]:
    """What the duplicate held rather than owned: its stored value (also what relatives spent
    of it), the cards it lent the household, its referral rewards, its campaign places."""
    held: dict[str, Any] = {}
    held["pots"] = list(session.execute(select(LedgerEntry.id).where(
        LedgerEntry.holder_id == absorb_id)).scalars())
    if held["pots"]:
        session.execute(update(LedgerEntry).where(LedgerEntry.id.in_(held["pots"]))
                        .values(holder_id=keep_id),
                        execution_options={"synchronize_session": False})
    # The kept patient spending the duplicate's card now spends their own.
    own = session.get(StoredValueShare, keep_id)
    held["own_share"] = None
    if own is not None and own.holder_id == absorb_id:
        held["own_share"] = {"at": own.created_at.isoformat(), "by": own.created_by}
        session.delete(own)
        session.flush()
    held["shares"] = list(session.execute(select(StoredValueShare.patient_id).where(
        StoredValueShare.holder_id == absorb_id)).scalars())
    if held["shares"]:
        session.execute(update(StoredValueShare).where(
            StoredValueShare.patient_id.in_(held["shares"])).values(holder_id=keep_id),
            execution_options={"synchronize_session": False})
    held["referrer"] = list(session.execute(select(ReferralReward.id).where(
        ReferralReward.referrer_id == absorb_id, ReferralReward.referred_id != keep_id)).scalars())
    if held["referrer"]:
        session.execute(update(ReferralReward).where(ReferralReward.id.in_(held["referrer"]))
                        .values(referrer_id=keep_id))
    # Once per referred person: a second reward for the same person stays where it is.
    rewarded = session.execute(select(ReferralReward.id).where(
        ReferralReward.referred_id == keep_id)).first()
    held["referred"] = [] if rewarded else list(session.execute(select(ReferralReward.id).where(
        ReferralReward.referred_id == absorb_id, ReferralReward.referrer_id != keep_id)).scalars())
    if held["referred"]:
        session.execute(update(ReferralReward).where(ReferralReward.id.in_(held["referred"]))
                        .values(referred_id=keep_id))
    in_campaigns = select(CampaignMember.campaign_id).where(CampaignMember.patient_id == keep_id)
    held["campaigns"] = list(session.execute(select(CampaignMember.campaign_id).where(
        CampaignMember.patient_id == absorb_id,
        CampaignMember.campaign_id.not_in(in_campaigns))).scalars())
    if held["campaigns"]:
        session.execute(update(CampaignMember).where(
            CampaignMember.patient_id == absorb_id,
            CampaignMember.campaign_id.in_(held["campaigns"])).values(patient_id=keep_id),
            execution_options={"synchronize_session": False})
    return held


def _restore_held(session: Session, held: dict[str, Any], keep_id: int, absorb_id: int) -> None:
    if held["pots"]:
        session.execute(update(LedgerEntry).where(LedgerEntry.id.in_(held["pots"]))
                        .values(holder_id=absorb_id),
                        execution_options={"synchronize_session": False})
    if held["shares"]:
        session.execute(update(StoredValueShare).where(
            StoredValueShare.patient_id.in_(held["shares"]),
            StoredValueShare.holder_id == keep_id).values(holder_id=absorb_id),
            execution_options={"synchronize_session": False})
    own = held["own_share"]
    if own is not None:
        # A card shared since the merge is the kept patient's choice now.
        session.execute(delete(StoredValueShare).where(StoredValueShare.patient_id == keep_id,
                                                       StoredValueShare.holder_id == absorb_id))
        if session.get(StoredValueShare, keep_id) is None:
            session.add(StoredValueShare(patient_id=keep_id, holder_id=absorb_id,
                                         created_at=datetime.fromisoformat(own["at"]),
                                         created_by=own["by"]))
    for column, ids in ((ReferralReward.referrer_id, held["referrer"]),
                        (ReferralReward.referred_id, held["referred"])):
        if ids:
            session.execute(update(ReferralReward).where(ReferralReward.id.in_(ids))
                            .values({column: absorb_id}))
    if held["campaigns"]:
        session.execute(update(CampaignMember).where(
            CampaignMember.patient_id == keep_id,
            CampaignMember.campaign_id.in_(held["campaigns"])).values(patient_id=absorb_id),
            execution_options={"synchronize_session": False})


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
        for task_id, status in undo.get("closed_tasks", {}).items():
            task = session.get(CareTask, int(task_id))
            # A duplicate reopened or worked since is left as the nurse left it.
            if task is not None and task.status == "cancelled":
                task.status, task.closed_at, task.closed_reason = status, None, None
        if undo.get("held") is not None:
            _restore_held(session, undo["held"], keep.id, absorb.id)
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
        session.flush()
        # What moved was spent since (the card's money, points): put back, the duplicate would
        # hold it again while the kept record's spending of it stayed, the value given twice.
        for patient in (keep, absorb):
            if min(pots_in(session, patient.id)) < 0 or points_of(session, patient.id) < 0:
                raise UserError(_("合并后已经用了从“{name}”移过来的储值或积分，不能撤销合并。",
                                  name=absorb.name), field="merge")
        refresh_caches(session, [keep.id, absorb.id])
        ctx.audit(session, "patient.merge_undo", "patient", keep.id,
                  f"{absorb.code} restored from {keep.code}")


