"""The clinic-wide complaints queue (a complaint is feedback with complaint text). Working
one — handling, resolved with what was done — goes through ``engagement.update_feedback``,
which checks its permission and writes the audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, phone_for
from clinic_desktop.services.insight.common import PATIENT_LIST_CAP
from clinic_desktop.storage.models.engagement import Feedback
from clinic_desktop.storage.models.patient import Patient

OPEN = "open"  # open or being handled
STATES = (OPEN, "resolved", "all")


@dataclass(frozen=True)
class ComplaintRow:
    feedback_id: int
    patient_id: int
    code: str
    name: str
    phone: str | None
    at: datetime
    satisfaction: int | None
    complaint: str
    status: str  # open, handling, resolved
    resolution: str


@dataclass(frozen=True)
class ComplaintQueue:
    total: int
    rows: tuple[ComplaintRow, ...]  # oldest open first; resolved newest first


def complaints(ctx: Context, *, state: str = OPEN,
               limit: int = PATIENT_LIST_CAP) -> ComplaintQueue:
    ctx.require(Permission.REPORTS_VIEW)
    ctx.require(Permission.PATIENT_VIEW)
    if state not in STATES:
        raise UserError(_("投诉状态“{state}”无效。", state=state), field="state")
    f = Feedback
    where = [f.complaint != ""]
    if state == OPEN:
        where.append(f.status.in_(("open", "handling")))
    elif state == "resolved":
        where.append(f.status == "resolved")
    order = (f.at, f.id) if state == OPEN else (f.at.desc(), f.id.desc())
    with ctx.transaction() as session:
        total = int(session.execute(select(func.count(f.id)).where(*where)).scalar_one())
        rows = session.execute(
            select(f.id, f.patient_id, Patient.code, Patient.name, Patient.mobile, f.at,
                   f.satisfaction, f.complaint, f.status, f.resolution)
            .join(Patient, Patient.id == f.patient_id).where(*where)
            .order_by(*order).limit(max(1, min(limit, PATIENT_LIST_CAP)))).all()
        shown = phone_for(ctx)
        return ComplaintQueue(total, tuple(
            ComplaintRow(fid, pid, code, name, shown(phone), at, score, text, status,
                         resolution)
            for fid, pid, code, name, phone, at, score, text, status, resolution in rows))
