"""Family links, shown from both sides, and the family view."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, contacts_for_all
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.patient import FamilyLink, Patient
from clinic_desktop.storage.models.schedule import Appointment

RELATIONS = ("parent", "child", "spouse", "sibling", "other")
INVERSE = {"parent": "child", "child": "parent", "spouse": "spouse", "sibling": "sibling",
           "other": "other"}


def relation_label(relation: str) -> str:
    return {"parent": _("父母"), "child": _("子女"), "spouse": _("配偶"),
            "sibling": _("兄弟姐妹"), "other": _("其他")}.get(relation, relation)


@dataclass(frozen=True)
class FamilyMember:
    patient_id: int
    code: str
    name: str
    relation: str  # what this member is to the patient being viewed
    mobile: str | None
    next_appointment: datetime | None
    open_recalls: int


def link_family(ctx: Context, patient_id: int, relative_id: int, *, relation: str) -> None:
    """``relation`` is what the relative is to the patient (e.g. "parent")."""
    ctx.require(Permission.PATIENT_EDIT)
    if relation not in RELATIONS:
        raise UserError(_("关系“{r}”无效。", r=relation), field="relation")
    if patient_id == relative_id:
        raise UserError(_("不能把患者关联为自己的家属。"), field="relative")
    with ctx.transaction(write=True) as session:
        a, b = get_patient(session, patient_id), get_patient(session, relative_id)
        session.execute(delete(FamilyLink).where(
            ((FamilyLink.patient_id == a.id) & (FamilyLink.relative_id == b.id))
            | ((FamilyLink.patient_id == b.id) & (FamilyLink.relative_id == a.id))))
        session.add(FamilyLink(patient_id=a.id, relative_id=b.id, relation=relation))
        session.add(FamilyLink(patient_id=b.id, relative_id=a.id, relation=INVERSE[relation]))
        ctx.audit(session, "family.link", "patient", a.id, f"{a.code} {relation} {b.code}")


def unlink_family(ctx: Context, patient_id: int, relative_id: int) -> None:
    ctx.require(Permission.PATIENT_EDIT)
    with ctx.transaction(write=True) as session:
        session.execute(delete(FamilyLink).where(
            ((FamilyLink.patient_id == patient_id) & (FamilyLink.relative_id == relative_id))
            | ((FamilyLink.patient_id == relative_id) & (FamilyLink.relative_id == patient_id))))
        ctx.audit(session, "family.unlink", "patient", patient_id, f"relative {relative_id}")


# The care area registers a counter of open recalls per patient; none until it lands.
OpenRecallCounter = Callable[[Session, list[int], datetime], dict[int, int]]
open_recall_counters: list[OpenRecallCounter] = []


def households_in(session: Session, patient_ids: Collection[int]) -> dict[int, int]:
    """Households among these patients: patient id -> the smallest id of its family (links
    through patients outside the list do not join two households)."""
    wanted = set(patient_ids)
    parent = {pid: pid for pid in wanted}

    def root(pid: int) -> int:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    query = select(FamilyLink.patient_id, FamilyLink.relative_id)
    if len(wanted) <= 500:
        query = query.where(FamilyLink.patient_id.in_(wanted),
                            FamilyLink.relative_id.in_(wanted))
    # else: for a long list (a busy day's ten thousand calls) one pass over every link costs
    # far less than binding each id twice.
    for a, b in session.execute(query).all():
        if a in wanted and b in wanted:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {pid: root(pid) for pid in wanted}


def family_in(session: Session, patient_id: int, now: datetime) -> list[FamilyMember]:
    import clinic_desktop.wiring  # noqa: F401 - the care area registers its recall counter

    links = session.execute(
        select(FamilyLink.relative_id, FamilyLink.relation, Patient.code, Patient.name,
               Patient.mobile)
        .join(Patient, Patient.id == FamilyLink.relative_id)
        .where(FamilyLink.patient_id == patient_id).order_by(Patient.name)).all()
    ids = [row[0] for row in links]
    upcoming = dict(session.execute(
        select(Appointment.patient_id, func.min(Appointment.start))
        .where(and_(Appointment.patient_id.in_(ids), Appointment.start >= now,
                    Appointment.status.in_(("booked", "confirmed"))))
        .group_by(Appointment.patient_id)).all())
    recalls: dict[int, int] = {}
    for counter in open_recall_counters:
        recalls.update(counter(session, ids, now))
    return [FamilyMember(rid, code, name, relation, mobile, upcoming.get(rid),
                         recalls.get(rid, 0))
            for rid, relation, code, name, mobile in links]


def family_of(ctx: Context, patient_id: int) -> list[FamilyMember]:
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        return contacts_for_all(ctx, family_in(session, patient_id, ctx.now()))
