"""A campaign's messages keep the automatic messages' rules: started at 22:30 (quiet hours
21:00–08:00) they wait until 08:00, and wait out every later quiet span too; a patient gets one
marketing message a day, whether a birthday greeting or a campaign sent it; a template left
with an empty placeholder is not sent and the placeholder is named. Consent still decides who
gets one, and the scan leaves them to the desk's 发送, outside its daily cap."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.services import auto_messages, messages
from clinic_desktop.services.auto_settings import AutoMessageSettings, save_auto_settings
from clinic_desktop.services.care_sources import daily_scan
from clinic_desktop.services.clinic import update_clinic
from clinic_desktop.services.consent import record_consent
from clinic_desktop.services.insight.campaigns import (
    CampaignInput,
    CampaignOutcome,
    MessageAction,
    start_campaign,
)
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.messages import OutboxInfo
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.messaging import OutboxMessage

SH = ZoneInfo("Asia/Shanghai")
PHONE = "0571-88886666"


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


class Recorder:
    channel = "sms"

    def __init__(self) -> None:
        self.sent: list[OutboxInfo] = []

    def send(self, message: OutboxInfo) -> None:
        self.sent.append(message)


@pytest.fixture
def patients(admin_ctx: Context) -> dict[str, int]:
    """赵六 agreed to marketing SMS (born on the 24th, for the birthday greeting); 钱七 did not."""
    zhao = create_patient(admin_ctx, PatientInput(
        name="赵六", mobile="13600136000", birth_date=date(1990, 11, 24))).patient.id
    qian = create_patient(admin_ctx, PatientInput(name="钱七", mobile="13600136001")).patient.id
    record_consent(admin_ctx, zhao, "sms", granted=True, how="form")
    return {"zhao": zhao, "qian": qian}


def with_phone(ctx: Context) -> None:
    update_clinic(ctx, name="康宁口腔", timezone="Asia/Shanghai", phone=PHONE)


def campaign(ctx: Context, name: str = "冬季洁牙优惠") -> CampaignOutcome:
    return start_campaign(ctx, CampaignInput(name, MessageAction("reactivation", "sms"),
                                             rules=SegmentRules()))


def campaign_messages(ctx: Context) -> list[OutboxInfo]:
    return [m for m in messages.outbox(ctx) if m.kind == "campaign"]


def test_started_in_quiet_hours_it_waits_until_they_end(
        admin_ctx: Context, fixed_clock: FixedClock, patients: dict[str, int]) -> None:
    with_phone(admin_ctx)
    fixed_clock.set(local(24, 22, 30))
    outcome = campaign(admin_ctx)
    assert outcome.acted == 1
    assert [(s.patient_id, s.reason) for s in outcome.skipped] == [
        (patients["qian"], "患者未同意接收短信营销消息")]  # consent decides, as before
    [queued] = campaign_messages(admin_ctx)
    assert (queued.patient_id, queued.status, queued.not_before) == (
        patients["zhao"], "queued", local(25, 8))
    with admin_ctx.transaction() as session:  # queued by the manager, not by the app
        assert session.execute(select(OutboxMessage.created_by)).scalar_one() == \
            admin_ctx.actor.staff_id
    recorder = Recorder()
    for moment in (local(24, 22, 30), local(25, 0, 5), local(25, 7, 59)):
        fixed_clock.set(moment)
        assert messages.send_pending(admin_ctx, recorder) == (0, 0)
    fixed_clock.set(local(25, 8))
    assert messages.send_pending(admin_ctx, recorder) == (1, 0)
    assert [m.body for m in recorder.sent] == [
        f"赵六您好，距离您上次来康宁口腔已有一段时间，欢迎回来做个检查。预约请致电{PHONE}。"]


def test_a_message_still_waiting_at_night_waits_for_the_morning(
        admin_ctx: Context, fixed_clock: FixedClock, patients: dict[str, int]) -> None:
    with_phone(admin_ctx)
    campaign(admin_ctx)  # 10:00: may go at once
    [queued] = campaign_messages(admin_ctx)
    assert queued.not_before == local(24, 10)
    recorder = Recorder()
    fixed_clock.set(local(24, 21, 30))  # nobody pressed 发送 in the day
    assert messages.send_pending(admin_ctx, recorder) == (0, 0)
    fixed_clock.set(local(25, 8, 1))
    assert messages.send_pending(admin_ctx, recorder) == (1, 0)


def test_the_scan_leaves_campaign_messages_to_the_desk_and_out_of_the_cap(
        admin_ctx: Context, fixed_clock: FixedClock, patients: dict[str, int]) -> None:
    with_phone(admin_ctx)
    campaign(admin_ctx)
    recorder = Recorder()
    assert messages.send_pending(admin_ctx, recorder, automatic_only=True) == (0, 0)
    assert messages.send_pending(admin_ctx, recorder) == (1, 0)
    with admin_ctx.transaction() as session:
        assert auto_messages.sent_today(session, admin_ctx.now()) == 0


def test_one_marketing_message_a_day_with_the_automatic_ones(
        admin_ctx: Context, fixed_clock: FixedClock, patients: dict[str, int]) -> None:
    with_phone(admin_ctx)
    save_auto_settings(admin_ctx, AutoMessageSettings(enabled=frozenset({"birthday"})))
    fixed_clock.set(local(24, 7))
    daily_scan(admin_ctx)
    auto_messages.scan(admin_ctx)  # 赵六's birthday greeting, for 09:00
    assert [m.kind for m in messages.outbox(admin_ctx)] == ["birthday"]
    fixed_clock.set(local(24, 10))
    first = campaign(admin_ctx)
    assert first.acted == 0
    assert {s.patient_id: s.reason for s in first.skipped}[patients["zhao"]] == \
        "今天已发过一条营销消息"
    fixed_clock.set(local(25, 10))  # a new day: the campaign's message is queued …
    assert campaign(admin_ctx, "再次邀约").acted == 1
    again = campaign(admin_ctx, "第三次邀约")  # … and it is the day's one
    assert again.acted == 0
    assert {s.patient_id: s.reason for s in again.skipped}[patients["zhao"]] == \
        "今天已发过一条营销消息"
    assert len(campaign_messages(admin_ctx)) == 1


def test_an_empty_placeholder_is_named_and_nothing_is_sent(
        admin_ctx: Context, fixed_clock: FixedClock, patients: dict[str, int]) -> None:
    outcome = campaign(admin_ctx)  # no phone in 诊所信息: {电话} would be blank
    assert outcome.acted == 0
    reasons = {s.patient_id: s.reason for s in outcome.skipped}
    assert reasons == {patients["zhao"]: "模板“老客户关怀”的“{电话}”没有内容，消息未发送。",
                       patients["qian"]: "患者未同意接收短信营销消息"}
    [failed] = campaign_messages(admin_ctx)
    assert (failed.patient_id, failed.status) == (patients["zhao"], "failed")
    assert failed.last_error is not None and "{电话}" in failed.last_error
    recorder = Recorder()
    assert messages.send_pending(admin_ctx, recorder) == (0, 0)
    assert recorder.sent == []
