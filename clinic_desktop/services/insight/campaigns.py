"""Campaigns: act on a segment's patients, and read later what it brought back.

Starting a campaign evaluates its rules (a saved segment's, or the builder's), copies them
in, records every patient it chose and holds out a share of them (``rules.holdout``, seeded
by the campaign's id), then acts on the others: a callback task each (or one per household),
a queued message each (under the automatic messages' rules: see ``auto_messages``), a coupon
each, or an Excel list. All of it is one write transaction with one audit entry: a campaign
that fails leaves nothing behind. A task's dedupe key is the campaign and the patient, so
running the campaign again (``rerun_campaign``: patients who match the rules now and were not
chosen before) never doubles anyone's call.
Permissions: ``CAMPAIGN_RUN`` to start (and the action's own: messages, coupons, exports).
Reading them back is ``campaign_results``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, phone_for
from clinic_desktop.rules.holdout import MAX_PERCENT, choose_holdout
from clinic_desktop.services.consent import consents_in
from clinic_desktop.services.family import households_in
from clinic_desktop.services.insight.segment_query import Today, today_in
from clinic_desktop.services.insight.segment_rules import (
    SegmentRules,
    check_rules,
    rules_from_json,
    rules_to_json,
)
from clinic_desktop.services.insight.segments import segment_patient_ids
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.insight import Campaign, CampaignMember, SavedSegment
from clinic_desktop.storage.models.loyalty import CouponType
from clinic_desktop.storage.models.patient import Patient

ACTIONS = ("task", "message", "coupon", "export")
ROLES = ("nurse", "receptionist", "doctor")
MESSAGE_CHANNELS = ("manual", "sms", "email")
TASK_HOUR = time(9)
MAX_RESULT_DAYS = 365


def action_label(action: str) -> str:
    return {"task": _("回访任务"), "message": _("发送消息"), "coupon": _("发优惠券"),
            "export": _("导出名单")}.get(action, action)


# -- what a campaign does ------------------------------------------------------------------
@dataclass(frozen=True)
class TaskAction:
    reason: str  # the task's title in the callback list
    due: date
    role: str = "nurse"
    priority: int = 2  # 1 high, 2 normal, 3 low
    by_family: bool = False  # one task per household among the members


@dataclass(frozen=True)
class MessageAction:
    template_key: str
    channel: str = "manual"


@dataclass(frozen=True)
class CouponAction:
    coupon_type_id: int


@dataclass(frozen=True)
class ExportAction:
    path: str


Action = TaskAction | MessageAction | CouponAction | ExportAction
_KIND = {TaskAction: "task", MessageAction: "message", CouponAction: "coupon",
         ExportAction: "export"}


@dataclass(frozen=True)
class CampaignInput:
    name: str
    action: Action
    rules: SegmentRules | None = None  # or:
    segment_id: int | None = None  # a saved segment (its rules as they are now)
    holdout_percent: int = 0
    result_days: int = 30


@dataclass(frozen=True)
class Skipped:
    patient_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class CampaignOutcome:
    campaign_id: int
    members: int  # patients chosen by this run
    held_out: int
    acted: int  # tasks, messages or coupons made, or rows exported
    skipped: tuple[Skipped, ...]  # acted-on members the action could not reach, and why


def _details(action: Action) -> dict[str, Any]:
    data = asdict(action)
    if isinstance(action, TaskAction):
        data["due"] = action.due.isoformat()
    return data


def action_of(kind: str, details: dict[str, Any]) -> Action:
    if kind == "task":
        return TaskAction(details["reason"], date.fromisoformat(details["due"]),
                          details.get("role", "nurse"), int(details.get("priority", 2)),
                          bool(details.get("by_family", False)))
    if kind == "message":
        return MessageAction(details["template_key"], details.get("channel", "manual"))
    if kind == "coupon":
        return CouponAction(int(details["coupon_type_id"]))
    return ExportAction(str(details.get("path", "")))


def _check(ctx: Context, data: CampaignInput, today: date) -> None:
    """Refuse what cannot run, naming the field, before anything is written."""
    name = data.name.strip()
    if not name:
        raise UserError(_("请填写活动名称。"), field="name")
    if len(name) > 64:
        raise UserError(_("活动名称最多 64 个字。"), field="name")
    if not 0 <= data.holdout_percent <= MAX_PERCENT:
        raise UserError(_("对照组比例应在 0% 到 {n}% 之间。", n=MAX_PERCENT),
                        field="holdout_percent")
    if not 1 <= data.result_days <= MAX_RESULT_DAYS:
        raise UserError(_("效果观察天数应在 1 到 {n} 之间。", n=MAX_RESULT_DAYS),
                        field="result_days")
    if (data.rules is None) == (data.segment_id is None):
        raise UserError(_("请选择一个分群。"), field="segment")
    action = data.action
    if isinstance(action, TaskAction):
        if not action.reason.strip():
            raise UserError(_("请填写回访事由。"), field="reason")
        if len(action.reason.strip()) > 100:
            raise UserError(_("回访事由最多 100 个字。"), field="reason")
        if action.due < today:
            raise UserError(_("到期日不能早于今天。"), field="due")
        if action.role not in ROLES:
            raise UserError(_("角色无效。"), field="role")
        if action.priority not in (1, 2, 3):
            raise UserError(_("优先级无效。"), field="priority")
    elif isinstance(action, MessageAction):
        ctx.require(Permission.MESSAGES_SEND)
        if action.channel not in MESSAGE_CHANNELS:
            raise UserError(_("发送渠道无效。"), field="channel")
    elif isinstance(action, CouponAction):
        ctx.require(Permission.LOYALTY_MANAGE)
    else:
        ctx.require(Permission.EXPORT_RUN)
        if not action.path.strip():
            raise UserError(_("请选择导出文件。"), field="path")


# -- acting --------------------------------------------------------------------------------

def _names(session: Session, ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        found.update(session.execute(select(Patient.id, Patient.name).where(
            Patient.id.in_(ids[start:start + 500]))).all())
    return found


def _tasks(ctx: Context, session: Session, campaign: Campaign, action: TaskAction,
           members: dict[int, CampaignMember], today: Today) -> int:
    ids = sorted(members)
    home = households_in(session, ids) if action.by_family else {pid: pid for pid in ids}
    households: dict[int, list[int]] = {}
    for pid in ids:
        households.setdefault(home[pid], []).append(pid)
    names = _names(session, ids)
    known = set(session.execute(select(CareTask.dedupe_key).where(
        CareTask.source == "campaign", CareTask.source_id == campaign.id)).scalars())
    due_at = datetime.combine(max(action.due, today.day), TASK_HOUR, today.zone)
    made = 0
    for first, family in households.items():
        key = f"campaign:{campaign.id}:{first}"
        if key in known:
            continue
        title = action.reason.strip()
        if len(family) > 1:
            title = _("{reason}（全家 {n} 人：{names}）", reason=title, n=len(family),
                      names="、".join(names.get(p, "") for p in family))
        task = CareTask(patient_id=first, kind="reactivation", title=title[:128], due_at=due_at,
                        source="campaign", source_id=campaign.id, dedupe_key=key,
                        assigned_role=action.role, priority=action.priority, window_days=14,
                        created_at=ctx.now())
        session.add(task)
        session.flush()
        for pid in family:
            members[pid].task_id = task.id
        made += 1
    return made


def _messages(ctx: Context, session: Session, campaign: Campaign, action: MessageAction,
              members: dict[int, CampaignMember]) -> tuple[int, list[Skipped]]:
    from clinic_desktop.services.auto_messages import CAMPAIGN, Route, queue_auto
    from clinic_desktop.services.auto_settings import auto_settings_in
    from clinic_desktop.services.messages import _template, _values, ensure_default_templates

    ensure_default_templates(session)
    _template(session, action.template_key)  # a template gone refuses the whole campaign
    settings = auto_settings_in(session)
    ids = sorted(members)
    consents = consents_in(session, ids)
    made, skipped = 0, []
    for pid in ids:
        patient = session.get(Patient, pid)
        assert patient is not None  # chosen in this transaction
        # a campaign is marketing: only to patients who agreed to the channel
        refusal = consents[pid].refusal(action.channel, marketing=True)
        if refusal is not None:
            skipped.append(Skipped(pid, patient.name, refusal))
            continue
        to = (patient.email if action.channel == "email" else patient.mobile) or ""
        if action.channel == "manual" and not to:
            to = patient.wechat or ""
        if not to:
            skipped.append(Skipped(pid, patient.name, {
                "sms": _("没有手机号"), "email": _("没有邮箱地址")}.get(
                    action.channel, _("没有手机号或微信"))))
            continue
        values = _values(session, patient, None, None)
        # The automatic messages' rules, kept in one place: held past the quiet hours, one
        # marketing message a patient a day, and an empty placeholder fails it, named.
        done = queue_auto(
            ctx, session, patient=patient, kind=CAMPAIGN, template_key=action.template_key,
            values=values, route=Route(action.channel, to, values["称呼"], via_guardian=False),
            key=f"{action.template_key}:campaign{campaign.id}-p{pid}:{action.channel}",
            not_before=ctx.now(), expires_at=None, settings=settings,
            created_by=ctx.actor.staff_id)
        if done.message is not None:  # a failed one too: the member's row shows why
            members[pid].outbox_id = done.message.id
        if not done.queued:
            skipped.append(Skipped(pid, patient.name, done.reason or ""))
            continue
        made += 1
    return made, skipped


def _coupons(ctx: Context, session: Session, campaign: Campaign, action: CouponAction,
             members: dict[int, CampaignMember]) -> int:
    from clinic_desktop.services.loyalty.coupons import issue_in

    kind = session.get(CouponType, action.coupon_type_id)
    if kind is None or not kind.active:
        raise UserError(_("请选择一个启用中的优惠券类型。"), field="coupon_type")
    for pid in sorted(members):
        if members[pid].coupon_id is None:
            members[pid].coupon_id = issue_in(ctx, session, pid, kind, source="bulk",
                                              source_id=campaign.id).id
    return len(members)


def _export(ctx: Context, session: Session, campaign: Campaign, action: ExportAction,
            today: Today) -> int:
    from clinic_desktop.services.insight.segments import _rows_query
    from clinic_desktop.xlsx_writer import XlsxColumn, XlsxSheet, write_xlsx

    session.flush()
    acted = select(CampaignMember.patient_id).where(
        CampaignMember.campaign_id == campaign.id, CampaignMember.held_out.is_(False))
    query = _rows_query(SegmentRules(), today).where(Patient.id.in_(acted))\
        .order_by(Patient.code)
    phone = phone_for(ctx)  # masked without CONTACT_FULL
    rows = ([r[1], r[2], phone(r[3]) or "", r[4] or "", r[5], int(r[6] or 0),
             Decimal(int(r[7] or 0)) / 100, Decimal(int(r[8] or 0)) / 100]
            for r in session.execute(query))
    columns = [XlsxColumn(_("病历号"), 10), XlsxColumn(_("姓名"), 10), XlsxColumn(_("手机"), 14),
               XlsxColumn(_("会员等级"), 10), XlsxColumn(_("末次就诊"), 12, "date"),
               XlsxColumn(_("就诊次数"), 10, "int"), XlsxColumn(_("消费金额"), 12, "money"),
               XlsxColumn(_("欠费"), 12, "money")]
    return write_xlsx(Path(action.path), [XlsxSheet(campaign.name[:31], columns, rows)])


def _enrol(ctx: Context, session: Session, campaign: Campaign, ids: list[int],
           today: Today, *, run: int) -> CampaignOutcome:
    """Make ``ids`` members (holding some out), then act on the others."""
    held = choose_holdout(ids, campaign.holdout_percent, f"campaign:{campaign.id}:{run}")
    members: dict[int, CampaignMember] = {}
    for pid in ids:
        member = CampaignMember(campaign_id=campaign.id, patient_id=pid, held_out=pid in held)
        session.add(member)
        if pid not in held:
            members[pid] = member
    session.flush()
    action = action_of(campaign.action, json.loads(campaign.details_json))
    skipped: list[Skipped] = []
    if isinstance(action, TaskAction):
        acted = _tasks(ctx, session, campaign, action, members, today)
    elif isinstance(action, MessageAction):
        acted, skipped = _messages(ctx, session, campaign, action, members)
    elif isinstance(action, CouponAction):
        acted = _coupons(ctx, session, campaign, action, members)
    else:
        acted = _export(ctx, session, campaign, action, today)
    session.flush()
    return CampaignOutcome(campaign.id, len(ids), len(held), acted, tuple(skipped))


def _rules_of(session: Session, data: CampaignInput) -> SegmentRules:
    if data.segment_id is not None:
        row = session.get(SavedSegment, data.segment_id)
        if row is None:
            raise NotFound(_("该分群已不存在。"))
        return rules_from_json(row.rules_json)
    assert data.rules is not None
    return check_rules(data.rules)


def start_campaign(ctx: Context, data: CampaignInput) -> CampaignOutcome:
    ctx.require(Permission.CAMPAIGN_RUN)
    with ctx.transaction(write=True) as session:
        today = today_in(session, ctx.now())
        _check(ctx, data, today.day)
        rules = _rules_of(session, data)
        ids = segment_patient_ids(session, rules, today)
        if not ids:
            raise UserError(_("该分群目前没有患者。"), field="segment")
        campaign = Campaign(
            name=data.name.strip(), segment_id=data.segment_id, rules_json=rules_to_json(rules),
            action=_KIND[type(data.action)], details_json=json.dumps(
                _details(data.action), ensure_ascii=False, sort_keys=True),
            holdout_percent=data.holdout_percent, result_days=data.result_days,
            started_at=ctx.now(), created_by=ctx.actor.staff_id)
        session.add(campaign)
        session.flush()
        outcome = _enrol(ctx, session, campaign, ids, today, run=0)
        ctx.audit(session, "campaign.start", "campaign", campaign.id,
                  f"{campaign.name} {campaign.action}: {outcome.members} chosen, "
                  f"{outcome.held_out} held out, {outcome.acted} acted, "
                  f"{len(outcome.skipped)} skipped")
        return outcome


def rerun_campaign(ctx: Context, campaign_id: int) -> CampaignOutcome:
    """Add the patients who match the campaign's rules now and were not chosen yet; members
    already in it are left as they are (no second task, message or coupon)."""
    ctx.require(Permission.CAMPAIGN_RUN)
    with ctx.transaction(write=True) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(_("该活动已不存在。"))
        if campaign.action == "export":
            raise UserError(_("导出名单的活动不能再次执行，请新建活动。"), field="action")
        _check(ctx, CampaignInput(campaign.name, action_of(
            campaign.action, json.loads(campaign.details_json)), rules=SegmentRules(),
            holdout_percent=campaign.holdout_percent, result_days=campaign.result_days),
            date.min)
        today = today_in(session, ctx.now())
        have = set(session.execute(select(CampaignMember.patient_id).where(
            CampaignMember.campaign_id == campaign_id)).scalars())
        new = [pid for pid in segment_patient_ids(
            session, rules_from_json(campaign.rules_json), today) if pid not in have]
        runs = session.execute(select(func.count()).select_from(CampaignMember).where(
            CampaignMember.campaign_id == campaign_id)).scalar_one()
        outcome = _enrol(ctx, session, campaign, new, today, run=int(runs))
        ctx.audit(session, "campaign.rerun", "campaign", campaign.id,
                  f"{campaign.name}: {outcome.members} added, {outcome.acted} acted")
        return outcome
