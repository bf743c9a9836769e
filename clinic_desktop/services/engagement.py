"""Contact log (calls, messages, visit notes) and feedback with complaint handling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.engagement import ContactLog, Feedback

CHANNELS = ("phone", "wechat", "sms", "email", "visit", "other")
DIRECTIONS = ("out", "in")
FEEDBACK_STATUSES = ("none", "open", "handling", "resolved")


def channel_label(channel: str) -> str:
    return {"phone": _("电话"), "wechat": _("微信"), "sms": _("短信"), "email": _("邮件"),
            "visit": _("到店"), "other": _("其他")}.get(channel, channel)


def feedback_status_label(status: str) -> str:
    return {"none": _("无投诉"), "open": _("待处理"), "handling": _("处理中"),
            "resolved": _("已解决")}.get(status, status)


@dataclass(frozen=True)
class ContactRecord:
    id: int
    patient_id: int
    at: datetime
    staff_id: int | None
    channel: str
    direction: str
    summary: str
    outcome: str


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    patient_id: int
    at: datetime
    satisfaction: int | None
    complaint: str
    status: str
    resolution: str


def _contact(r: ContactLog) -> ContactRecord:
    return ContactRecord(r.id, r.patient_id, r.at, r.staff_id, r.channel, r.direction,
                         r.summary, r.outcome)


def _feedback(r: Feedback) -> FeedbackRecord:
    return FeedbackRecord(r.id, r.patient_id, r.at, r.satisfaction, r.complaint, r.status,
                          r.resolution)


def log_contact(ctx: Context, patient_id: int, *, channel: str, direction: str = "out",
                summary: str = "", outcome: str = "") -> ContactRecord:
    ctx.require(Permission.PATIENT_EDIT)
    if channel not in CHANNELS:
        raise UserError(_("联系方式“{c}”无效。", c=channel), field="channel")
    if direction not in DIRECTIONS:
        raise UserError(_("方向无效。"), field="direction")
    if not summary.strip() and not outcome.strip():
        raise UserError(_("请填写联系内容或结果。"), field="summary")
    with ctx.transaction(write=True) as session:
        patient = get_patient(session, patient_id)
        row = ContactLog(patient_id=patient_id, at=ctx.now(), staff_id=ctx.actor.staff_id,
                         channel=channel, direction=direction, summary=summary.strip(),
                         outcome=outcome.strip())
        session.add(row)
        session.flush()
        ctx.audit(session, "contact.log", "patient", patient_id, f"{patient.code} {channel}")
        return _contact(row)


def add_feedback(ctx: Context, patient_id: int, *, satisfaction: int | None,
                 complaint: str = "") -> FeedbackRecord:
    ctx.require(Permission.PATIENT_EDIT)
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise UserError(_("满意度应为 1 到 5 分。"), field="satisfaction")
    if satisfaction is None and not complaint.strip():
        raise UserError(_("请填写满意度或投诉内容。"), field="satisfaction")
    with ctx.transaction(write=True) as session:
        get_patient(session, patient_id)
        row = Feedback(patient_id=patient_id, at=ctx.now(), satisfaction=satisfaction,
                       complaint=complaint.strip(),
                       status="open" if complaint.strip() else "none",
                       staff_id=ctx.actor.staff_id)
        session.add(row)
        session.flush()
        ctx.audit(session, "feedback.add", "patient", patient_id,
                  f"satisfaction={satisfaction} complaint={bool(row.complaint)}")
        return _feedback(row)


def update_feedback(ctx: Context, feedback_id: int, *, status: str,
                    resolution: str = "") -> FeedbackRecord:
    ctx.require(Permission.PATIENT_EDIT)
    if status not in FEEDBACK_STATUSES:
        raise UserError(_("处理状态无效。"), field="status")
    if status == "resolved" and not resolution.strip():
        raise UserError(_("标记为已解决时请填写处理结果。"), field="resolution")
    with ctx.transaction(write=True) as session:
        row = session.get(Feedback, feedback_id)
        if row is None:
            raise NotFound(_("该反馈已不存在。"))
        row.status, row.resolution = status, resolution.strip()
        ctx.audit(session, "feedback.update", "patient", row.patient_id, status)
        return _feedback(row)


def contacts_of(ctx: Context, patient_id: int) -> list[ContactRecord]:
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        rows = session.execute(select(ContactLog).where(ContactLog.patient_id == patient_id)
                               .order_by(ContactLog.at.desc())).scalars()
        return [_contact(r) for r in rows]


def feedback_of(ctx: Context, patient_id: int) -> list[FeedbackRecord]:
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        rows = session.execute(select(Feedback).where(Feedback.patient_id == patient_id)
                               .order_by(Feedback.at.desc())).scalars()
        return [_feedback(r) for r in rows]
