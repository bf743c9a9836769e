"""Campaigns on segment_clinic: hold-out, tasks in the callback list, messages and opt-outs,
coupons, a second run, and the result against the hold-out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules.holdout import choose_holdout
from clinic_desktop.services.care import callback_list
from clinic_desktop.services.consent import record_consent
from clinic_desktop.services.insight.campaign_results import (
    campaign_members,
    campaign_result,
    list_campaigns,
)
from clinic_desktop.services.insight.campaigns import (
    CampaignInput,
    CouponAction,
    ExportAction,
    MessageAction,
    TaskAction,
    rerun_campaign,
    start_campaign,
)
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import save_segment
from clinic_desktop.services.loyalty.coupons import CouponTypeInput, save_coupon_type
from clinic_desktop.services.patients import (
    PatientInput,
    create_patient,
    load_patient,
    update_patient,
)
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.insight import CampaignMember
from clinic_desktop.storage.models.loyalty import Coupon
from clinic_desktop.storage.models.messaging import OutboxMessage
from clinic_desktop.storage.models.patient import PatientTag, Tag
from clinic_desktop.storage.models.schedule import Appointment
from tests.unit.insight.segment_clinic import Clinic, add_entry, add_visit, at, build

HIGH_VALUE = SegmentRules(high_value=True)  # A, C, G
CALL = TaskAction(reason="种植老客户回访", due=date(2026, 11, 25), role="nurse", priority=1)


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    return build(admin_ctx)


def _tasks(ctx: Context) -> list[CareTask]:
    with ctx.transaction() as s:
        return list(s.execute(select(CareTask).where(CareTask.source == "campaign")
                              .order_by(CareTask.patient_id)).scalars())


def test_tasks_for_each_member_appear_in_the_callback_list(clinic: Clinic) -> None:
    segment = save_segment(clinic.ctx, name="高价值", rules=HIGH_VALUE)
    outcome = start_campaign(clinic.ctx, CampaignInput("回访高价值", CALL, segment_id=segment.id))
    assert (outcome.members, outcome.held_out, outcome.acted) == (3, 0, 3)
    tasks = _tasks(clinic.ctx)
    assert clinic.letters(t.patient_id for t in tasks) == {"A", "C", "G"}
    assert {(t.title, t.assigned_role, t.priority, t.source_id) for t in tasks} == \
        {("种植老客户回访", "nurse", 1, outcome.campaign_id)}
    due = callback_list(clinic.ctx, as_of=date(2026, 11, 25), whole_day=True)
    assert {i.patient_id for i in due if i.reason == "种植老客户回访"} == \
        {t.patient_id for t in tasks}
    assert not [i for i in callback_list(clinic.ctx, as_of=date(2026, 11, 24))
                if i.reason == "种植老客户回访"]  # due tomorrow, 09:00
    info = list_campaigns(clinic.ctx)[0]
    assert (info.name, info.action, info.segment, info.members, info.held_out) == \
        ("回访高价值", "task", "高价值", 3, 0)
    assert info.rules == HIGH_VALUE


def test_a_second_run_does_not_duplicate_tasks(clinic: Clinic) -> None:
    outcome = start_campaign(clinic.ctx, CampaignInput("回访", CALL, rules=HIGH_VALUE))
    again = rerun_campaign(clinic.ctx, outcome.campaign_id)
    assert (again.members, again.acted) == (0, 0)
    assert len(_tasks(clinic.ctx)) == 3
    newcomer = create_patient(clinic.ctx, PatientInput(name="吴八", mobile="13800000008"))
    add_visit(clinic.ctx, newcomer.patient.id, date(2026, 11, 2), "种植牙", "12000")
    again = rerun_campaign(clinic.ctx, outcome.campaign_id)
    assert (again.members, again.acted) == (1, 1)
    tasks = _tasks(clinic.ctx)
    assert len(tasks) == 4 and len({t.patient_id for t in tasks}) == 4


def test_holdout_is_reproducible(clinic: Clinic) -> None:
    outcome = start_campaign(clinic.ctx, CampaignInput("对照", CALL, rules=HIGH_VALUE,
                                                       holdout_percent=34))
    members = campaign_members(clinic.ctx, outcome.campaign_id)
    held = {pid for pid, out in members if out}
    ids = [pid for pid, _out in members]
    assert held == choose_holdout(ids, 34, f"campaign:{outcome.campaign_id}:0")
    assert len(held) == outcome.held_out == 1
    assert {t.patient_id for t in _tasks(clinic.ctx)} == set(ids) - held  # held out: no call


def test_one_task_per_household_when_asked(clinic: Clinic) -> None:
    # owed > 0: A and B, one household
    family = TaskAction(reason="欠费提醒", due=date(2026, 11, 24), by_family=True)
    start_campaign(clinic.ctx, CampaignInput("欠费", family, rules=SegmentRules(owed_min=1)))
    tasks = _tasks(clinic.ctx)
    assert len(tasks) == 1 and tasks[0].patient_id == clinic.ids["A"]
    assert tasks[0].title == "欠费提醒（全家 2 人：张一、李二）"
    with clinic.ctx.transaction() as s:
        linked = set(s.execute(select(CampaignMember.task_id)).scalars())
    assert linked == {tasks[0].id}


def test_messages_go_only_with_consent_and_a_contact(clinic: Clinic) -> None:
    """A campaign is marketing: only patients who agreed to the channel (the manual channel
    follows WeChat's consent), never one who refused everything (or carries the old
    "no messages" tag), and only with somewhere to send it."""
    with clinic.ctx.transaction(write=True) as s:
        tag = Tag(name="拒收消息")
        s.add(tag)
        s.flush()
        s.add(PatientTag(patient_id=clinic.ids["G"], tag_id=tag.id))
    for letter in "ACG":
        record_consent(clinic.ctx, clinic.ids[letter], "wechat", granted=True, how="form")
    outcome = start_campaign(clinic.ctx, CampaignInput(
        "关怀", MessageAction("birthday", "manual"), rules=HIGH_VALUE))
    assert outcome.acted == 1  # A; C has no phone, G opted out
    assert {(clinic.letters([s.patient_id]).pop(), s.reason) for s in outcome.skipped} == \
        {("C", "没有手机号或微信"), ("G", "患者已拒收全部消息")}
    with clinic.ctx.transaction() as s:
        sent = s.execute(select(OutboxMessage.patient_id, OutboxMessage.status)).all()
    assert sent == [(clinic.ids["A"], "queued")]
    rerun_campaign(clinic.ctx, outcome.campaign_id)
    with clinic.ctx.transaction() as s:
        assert s.execute(select(func.count(OutboxMessage.id))).scalar_one() == 1
    # A withdraws WeChat consent; SMS was never agreed to
    record_consent(clinic.ctx, clinic.ids["A"], "wechat", granted=False, how="phone")
    again = start_campaign(clinic.ctx, CampaignInput(
        "关怀二", MessageAction("birthday", "sms"), rules=HIGH_VALUE))
    reasons = {clinic.letters([s.patient_id]).pop(): s.reason for s in again.skipped}
    assert again.acted == 0 and reasons["A"] == "患者未同意接收短信营销消息"
    manual = start_campaign(clinic.ctx, CampaignInput(
        "关怀三", MessageAction("birthday", "manual"), rules=HIGH_VALUE))
    reasons = {clinic.letters([s.patient_id]).pop(): s.reason for s in manual.skipped}
    assert reasons["A"] == "患者已拒收微信"


def test_coupons_and_export(clinic: Clinic, tmp_path: Path) -> None:
    kind = save_coupon_type(clinic.ctx, CouponTypeInput(
        name="回归券", kind="amount", amount=Decimal(100), valid_days=30)).id
    outcome = start_campaign(clinic.ctx, CampaignInput("发券", CouponAction(kind),
                                                       rules=HIGH_VALUE))
    with clinic.ctx.transaction() as s:
        coupons = s.execute(select(Coupon.patient_id, Coupon.source, Coupon.source_id)).all()
    assert sorted(coupons) == sorted((clinic.ids[x], "bulk", outcome.campaign_id)
                                     for x in "ACG")
    path = tmp_path / "list.xlsx"
    outcome = start_campaign(clinic.ctx, CampaignInput("名单", ExportAction(str(path)),
                                                       rules=HIGH_VALUE))
    assert outcome.acted == 3 and path.stat().st_size > 0


def test_bad_input_names_the_field_and_writes_nothing(clinic: Clinic) -> None:
    cases = [
        (CampaignInput("", CALL, rules=HIGH_VALUE), "name"),
        (CampaignInput("x", CALL, rules=HIGH_VALUE, holdout_percent=80), "holdout_percent"),
        (CampaignInput("x", CALL, rules=HIGH_VALUE, result_days=0), "result_days"),
        (CampaignInput("x", CALL), "segment"),
        (CampaignInput("x", TaskAction("", date(2026, 11, 25)), rules=HIGH_VALUE), "reason"),
        (CampaignInput("x", TaskAction("r", date(2026, 11, 1)), rules=HIGH_VALUE), "due"),
        (CampaignInput("x", CALL, rules=SegmentRules(area="没有这个地方")), "segment"),
        (CampaignInput("x", CouponAction(999), rules=HIGH_VALUE), "coupon_type"),
    ]
    for data, field in cases:
        with pytest.raises(UserError) as refused:
            start_campaign(clinic.ctx, data)
        assert refused.value.field == field, data
    assert list_campaigns(clinic.ctx) == [] and _tasks(clinic.ctx) == []


def test_permissions(clinic: Clinic) -> None:
    nurse = Context(db=clinic.ctx.db, clock=clinic.ctx.clock,
                    actor=Actor(None, "n", "护士", Role.NURSE))
    with pytest.raises(PermissionDenied):
        start_campaign(nurse, CampaignInput("x", CALL, rules=HIGH_VALUE))
    with pytest.raises(PermissionDenied):
        save_segment(nurse, name="x", rules=HIGH_VALUE)
    with pytest.raises(PermissionDenied):
        list_campaigns(nurse)


def test_result_compares_acted_with_held_out(clinic: Clinic) -> None:
    """Started 40 days ago on A, C, G with one held out; since then an acted-on member booked
    and came (¥300), and the held-out one neither."""
    started = clinic.ctx.now() - timedelta(days=40)
    past = Context(db=clinic.ctx.db, actor=clinic.ctx.actor, clock=FixedClock(started))
    outcome = start_campaign(past, CampaignInput("回访", TaskAction("回访", started.date()),
                                                 rules=HIGH_VALUE, holdout_percent=34))
    members = campaign_members(clinic.ctx, outcome.campaign_id)
    acted = [pid for pid, out in members if not out]
    booker = next(pid for pid in acted if pid != clinic.ids["A"])
    a_acted = clinic.ids["A"] in acted  # A's check-up on 11-01 (¥50) falls in the window
    day = (started + timedelta(days=5)).date()
    with clinic.ctx.transaction(write=True) as s:
        for created, status in ((started + timedelta(days=3), "completed"),
                                (started + timedelta(days=4), "cancelled"),  # not counted
                                (started + timedelta(days=35), "booked")):  # after the window
            s.add(Appointment(patient_id=booker, doctor_id=clinic.doctors["王"],
                              start=at(day), end=at(day) + timedelta(minutes=30),
                              status=status, created_at=created, updated_at=created))
    add_visit(clinic.ctx, booker, day, "超声洁牙", "300")
    add_entry(clinic.ctx, booker, day, "discount", "50")
    result = campaign_result(clinic.ctx, outcome.campaign_id)
    assert result.complete and result.first_day == started.astimezone(
        at(day).tzinfo).date()  # type: ignore[arg-type]
    extra = 1 if a_acted else 0
    assert (result.acted.members, result.acted.booked, result.acted.visited,
            result.acted.visits, result.acted.revenue) == \
        (2, 1, 1 + extra, 1 + extra, Decimal(250 + 50 * extra))
    assert (result.held_out.members, result.held_out.booked, result.held_out.visits,
            result.held_out.revenue) == (1, 0, 1 - extra, Decimal(50 - 50 * extra))
    assert result.acted.booked_rate == 0.5 and result.lift == 0.5
    assert result.acted.revenue_per_member == Decimal(125 + 25 * extra)
    assert (result.tasks_open, result.tasks_done) == (2, 0)


def test_result_so_far_before_the_window_ends(clinic: Clinic) -> None:
    outcome = start_campaign(clinic.ctx, CampaignInput("刚开始", CALL, rules=HIGH_VALUE))
    result = campaign_result(clinic.ctx, outcome.campaign_id)
    assert not result.complete and result.acted.members == 3 and result.lift == 0.0
    assert result.last_day - result.first_day == timedelta(days=29)




def test_an_e_mail_campaign_goes_to_the_address_on_file(clinic: Clinic) -> None:
    a = load_patient(clinic.ctx, clinic.ids["A"])
    update_patient(clinic.ctx, a.id, replace(a.as_input(), email="zhang1@example.com"),
                   version=a.version)
    for letter in "ACG":
        record_consent(clinic.ctx, clinic.ids[letter], "email", granted=True, how="form")
    outcome = start_campaign(clinic.ctx, CampaignInput(
        "邮件关怀", MessageAction("birthday", "email"), rules=HIGH_VALUE))
    assert outcome.acted == 1
    assert {clinic.letters([s.patient_id]).pop(): s.reason for s in outcome.skipped} == {
        "C": "没有邮箱地址", "G": "没有邮箱地址"}
    with clinic.ctx.transaction() as s:
        sent = s.execute(select(OutboxMessage.patient_id, OutboxMessage.recipient)).all()
    assert sent == [(clinic.ids["A"], "zhang1@example.com")]  # never a phone number
