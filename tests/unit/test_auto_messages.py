"""Automatic messages on a fixed clock: confirmations and reminders that follow the booking,
quiet hours, consent, guardians, birthdays, festivals, care steps, recall notices, surveys,
stale messages dropped, failed reminders turned back into calls, the daily cap."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import keyring
import pytest
from sqlalchemy import select

from clinic_desktop import credentials
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules.festivals import festival_date, festivals_on
from clinic_desktop.rules.send_window import in_quiet_hours, next_open
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import auto_messages, billing, care, messages, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.auto_settings import (
    AutoMessageSettings,
    read_auto_settings,
    save_auto_settings,
)
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.clinic import update_clinic
from clinic_desktop.services.consent import record_consent
from clinic_desktop.services.family import link_family
from clinic_desktop.services.messages import ChannelSettings, OutboxInfo
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.messaging import OutboxMessage
from clinic_desktop.storage.models.schedule import Appointment
from tests.unit.test_messages import MemoryKeyring

SH = ZoneInfo("Asia/Shanghai")
ALL_ON = frozenset({"confirmation", "reminder", "care", "recall_notice", "birthday",
                    "festival", "survey"})


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


# -- the calendar rules ---------------------------------------------------------------------------
def test_lunar_festivals_fall_on_their_days_2026_to_2030() -> None:
    expected = {  # from the published calendars of those years
        2026: ("02-17", "03-03", "06-19", "09-25"), 2027: ("02-06", "02-20", "06-09", "09-15"),
        2028: ("01-26", "02-09", "05-28", "10-03"), 2029: ("02-13", "02-27", "06-16", "09-22"),
        2030: ("02-03", "02-17", "06-05", "09-12"),
    }
    for year, days in expected.items():
        found = tuple(f"{festival_date(key, year):%m-%d}"
                      for key in ("spring", "lantern", "dragon_boat", "mid_autumn"))
        assert found == days, year
    assert festival_date("mothers_day", 2026) == date(2026, 5, 10)
    assert festival_date("mothers_day", 2027) == date(2027, 5, 9)
    assert [f.name for f in festivals_on(date(2030, 10, 1))] == ["国庆节"]
    assert [f.name for f in festivals_on(date(2031, 10, 1))] == ["中秋节", "国庆节"]
    assert [f.name for f in festivals_on(date(2020, 10, 1))] == ["中秋节", "国庆节"]
    assert festivals_on(date(2026, 9, 25), ("spring",)) == []


def test_quiet_hours_move_a_time_to_the_window_opening() -> None:
    quiet = (time(21), time(8))
    assert next_open(local(2026, 12, 1, 20, 59), SH, *quiet) == local(2026, 12, 1, 20, 59)
    assert next_open(local(2026, 12, 1, 21), SH, *quiet) == local(2026, 12, 2, 8)
    assert next_open(local(2026, 12, 2, 6, 30), SH, *quiet) == local(2026, 12, 2, 8)
    assert not in_quiet_hours(local(2026, 12, 2, 8), SH, *quiet)
    assert in_quiet_hours(local(2026, 12, 2, 13), SH, time(12), time(14))  # a lunch break


# -- a clinic -----------------------------------------------------------------------------
@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    update_clinic(admin_ctx, name="康宁口腔", timezone="Asia/Shanghai", phone="0571-88886666",
                  address="杭州市西湖区文三路 100 号")
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    patient = create_patient(admin_ctx, PatientInput(name="张三", sex="M",
                                                     mobile="13800138000")).patient.id
    procedures = {p.name: p.id for p in list_procedures(admin_ctx)}
    return {"doctor": doctor, "patient": patient, **procedures}


def turn_on(ctx: Context, **changes: object) -> None:
    save_auto_settings(ctx, AutoMessageSettings(enabled=ALL_ON, **changes))  # type: ignore[arg-type]


def outbox(ctx: Context) -> list[OutboxMessage]:
    with ctx.db.session() as session:
        rows = list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
        session.expunge_all()
    return rows


def tasks(ctx: Context, patient: int, kind: str) -> list[CareTask]:
    with ctx.db.session() as session:
        return list(session.execute(select(CareTask).where(
            CareTask.patient_id == patient, CareTask.kind == kind,
            CareTask.status.in_(("pending", "due")))).scalars())


def book(ctx: Context, clinic: dict[str, int], start: datetime, patient: int | None = None,
         ) -> int:
    return appts.book(ctx, BookingRequest(patient or clinic["patient"], clinic["doctor"], start,
                                          start + timedelta(minutes=30),
                                          procedure_type_ids=(clinic["超声洁牙"],)))


def test_everything_is_off_until_the_clinic_turns_it_on(admin_ctx: Context,
                                                        clinic: dict[str, int]) -> None:
    assert read_auto_settings(admin_ctx).enabled == frozenset()
    book(admin_ctx, clinic, local(2026, 12, 2, 10))
    assert outbox(admin_ctx) == []
    assert len(tasks(admin_ctx, clinic["patient"], "reminder")) == 2  # the calls, as before


def test_a_booking_is_confirmed_and_reminded_with_its_real_details(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    turn_on(admin_ctx)
    book(admin_ctx, clinic, local(2026, 12, 2, 10))
    confirmation, eve, h2 = outbox(admin_ctx)
    assert confirmation.kind == "confirmation"
    assert confirmation.not_before == local(2026, 11, 24, 10)
    assert confirmation.body == (
        "张先生您好，您已预约12月02日 10:00在康宁口腔就诊（王建国医生，超声洁牙）。"
        "地址：杭州市西湖区文三路 100 号。如需改约或取消，请致电0571-88886666。")
    assert (eve.kind, eve.not_before, eve.expires_at) == ("reminder", local(2026, 12, 1, 18),
                                                          local(2026, 12, 2, 10))
    assert h2.not_before == local(2026, 12, 2, 8) and "12月02日 10:00" in h2.body
    assert all(m.recipient == "13800138000" and m.channel == "sms" for m in (eve, h2))
    # The messages remind: no reminder calls for the desk.
    assert tasks(admin_ctx, clinic["patient"], "reminder") == []


def test_a_move_replaces_and_a_cancel_withdraws_what_was_not_sent(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    turn_on(admin_ctx)
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    appts.reschedule(admin_ctx, appt, version=1, start=local(2026, 12, 3, 15),
                     end=local(2026, 12, 3, 15, 30))
    rows = outbox(admin_ctx)
    dropped = [m for m in rows if m.status == "dropped"]
    queued = [m for m in rows if m.status == "queued"]
    assert len(dropped) == 3
    assert {m.last_error for m in dropped} == {"预约已改为 12-03 15:00，未发送"}
    assert sorted(m.not_before for m in queued if m.kind == "reminder") == [
        local(2026, 12, 2, 18), local(2026, 12, 3, 13)]
    assert all("12月03日 15:00" in m.body for m in queued)
    appts.change_status(admin_ctx, appt, version=2, status="cancelled", reason="出差")
    assert [m.status for m in outbox(admin_ctx)].count("queued") == 0
    assert outbox(admin_ctx)[-1].last_error == "预约已取消，未发送"
    assert tasks(admin_ctx, clinic["patient"], "reminder") == []


def test_patients_the_app_cannot_reach_keep_their_reminder_calls(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    turn_on(admin_ctx)
    landline = create_patient(admin_ctx, PatientInput(name="李四", phone2="057188880000"))
    refused = create_patient(admin_ctx, PatientInput(name="王五", mobile="13900139000"))
    record_consent(admin_ctx, refused.patient.id, "sms", granted=False, how="desk")
    for hour, who in ((10, landline.patient.id), (11, refused.patient.id)):
        book(admin_ctx, clinic, local(2026, 12, 2, hour), patient=who)
        assert len(tasks(admin_ctx, who, "reminder")) == 2
    assert outbox(admin_ctx) == []


def test_quiet_hours_and_a_reminder_that_would_come_too_late(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    turn_on(admin_ctx, quiet_until="09:00")
    fixed_clock.set(local(2026, 11, 24, 22))  # booked late in the evening
    book(admin_ctx, clinic, local(2026, 11, 26, 9))
    by_kind = {(m.kind, m.not_before) for m in outbox(admin_ctx)}
    # the confirmation waits for 09:00; the 07:00 reminder would reach the patient at 09:00,
    # the appointment's own time: it is not queued, the evening one is
    assert by_kind == {("confirmation", local(2026, 11, 25, 9)),
                       ("reminder", local(2026, 11, 25, 18))}


def test_a_child_is_reminded_through_the_parent(admin_ctx: Context,
                                                clinic: dict[str, int]) -> None:
    turn_on(admin_ctx)
    child = create_patient(admin_ctx, PatientInput(name="李小明", sex="M",
                                                   birth_date=date(2018, 6, 1))).patient.id
    mother = create_patient(admin_ctx, PatientInput(name="王芳", sex="F",
                                                    mobile="13600136000")).patient.id
    link_family(admin_ctx, child, mother, relation="parent")
    book(admin_ctx, clinic, local(2026, 12, 2, 10), patient=child)
    confirmation = outbox(admin_ctx)[0]
    assert confirmation.recipient == "13600136000" and confirmation.patient_id == child
    assert confirmation.body.startswith("李小明家长您好")
    # the parent's refusal counts, not the child's silence
    record_consent(admin_ctx, mother, "sms", granted=False, how="phone")
    book(admin_ctx, clinic, local(2026, 12, 4, 10), patient=child)
    assert len(tasks(admin_ctx, child, "reminder")) == 2


def test_an_empty_placeholder_is_reported_not_sent(admin_ctx: Context,
                                                   clinic: dict[str, int]) -> None:
    update_clinic(admin_ctx, name="康宁口腔", timezone="Asia/Shanghai", phone="0571-88886666",
                  address="")
    messages.save_template(admin_ctx, "reminder", name="预约提醒",
                           body="{称呼}您好，提醒您{时间}在{诊所}就诊。地址：{地址}。")
    turn_on(admin_ctx)
    book(admin_ctx, clinic, local(2026, 12, 2, 10))
    rows = outbox(admin_ctx)
    assert {m.status for m in rows} == {"failed"} and len(rows) == 3
    assert rows[0].last_error == "模板“预约确认”的“{地址}”没有内容，消息未发送。"
    assert len(tasks(admin_ctx, clinic["patient"], "reminder")) == 2  # the calls remain


class Recorder:
    channel = "sms"

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[OutboxInfo] = []
        self.fail = fail

    def send(self, message: OutboxInfo) -> None:
        if self.fail:
            raise messages.Undeliverable("签名未通过审核")
        self.sent.append(message)


def test_sending_waits_for_its_time_and_the_window_and_drops_stale_ones(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    turn_on(admin_ctx)
    book(admin_ctx, clinic, local(2026, 11, 28, 10))  # Saturday
    book(admin_ctx, clinic, local(2026, 12, 2, 10))
    recorder = Recorder()
    assert messages.send_pending(admin_ctx, recorder, automatic_only=True) == (2, 0)
    assert {m.kind for m in recorder.sent} == {"confirmation"}
    fixed_clock.set(local(2026, 11, 27, 22))  # Friday's evening reminder is due, but it is 22:00
    assert messages.send_pending(admin_ctx, recorder, automatic_only=True) == (0, 0)
    # closed over the weekend: on Monday nothing about Saturday goes out
    fixed_clock.set(local(2026, 11, 30, 9))
    auto_messages.scan(admin_ctx)
    assert messages.send_pending(admin_ctx, recorder, automatic_only=True) == (0, 0)
    stale = [m for m in outbox(admin_ctx) if m.status == "dropped"]
    assert len(stale) == 2 and all(m.expires_at == local(2026, 11, 28, 10) for m in stale)
    fixed_clock.set(local(2026, 12, 1, 18, 1))
    assert messages.send_pending(admin_ctx, recorder, automatic_only=True) == (1, 0)
    fixed_clock.set(local(2026, 12, 2, 8))
    assert messages.send_pending(admin_ctx, recorder, automatic_only=True) == (1, 0)
    assert messages.send_pending(admin_ctx, recorder, automatic_only=True) == (0, 0)  # once


def test_a_reminder_that_finally_fails_becomes_a_call(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    turn_on(admin_ctx)
    book(admin_ctx, clinic, local(2026, 12, 2, 10))
    fixed_clock.set(local(2026, 12, 1, 18, 5))
    assert messages.send_pending(admin_ctx, Recorder(fail=True), automatic_only=True) == (0, 2)
    auto_messages.scan(admin_ctx)
    [call] = tasks(admin_ctx, clinic["patient"], "reminder")
    assert call.title == "预约提醒（短信未发出：签名未通过审核）" and call.priority == 1
    auto_messages.scan(admin_ctx)
    assert len(tasks(admin_ctx, clinic["patient"], "reminder")) == 1  # once


def test_birthdays_become_messages_for_those_who_agreed(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    from clinic_desktop.services.care_sources import daily_scan

    turn_on(admin_ctx)
    fixed_clock.set(local(2026, 12, 5, 7))
    agreed = create_patient(admin_ctx, PatientInput(name="赵敏", sex="F", mobile="13500135000",
                                                    birth_date=date(1990, 12, 5))).patient.id
    silent = create_patient(admin_ctx, PatientInput(name="钱七", mobile="13500135001",
                                                    birth_date=date(1991, 12, 5))).patient.id
    record_consent(admin_ctx, agreed, "sms", granted=True, how="form")
    daily_scan(admin_ctx)
    auto_messages.scan(admin_ctx)
    [greeting] = [m for m in outbox(admin_ctx) if m.kind == "birthday"]
    assert greeting.patient_id == agreed and greeting.not_before == local(2026, 12, 5, 9)
    assert greeting.body == "赵女士，康宁口腔全体医护祝您生日快乐，身体健康！"
    assert tasks(admin_ctx, agreed, "birthday") == []
    assert len(tasks(admin_ctx, silent, "birthday")) == 1  # marketing needs consent: a call


def test_a_festival_greets_each_consenting_patient_once(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    turn_on(admin_ctx, festivals=("spring",))
    fixed_clock.set(local(2027, 2, 6, 7))  # 春节 2027
    fans = [create_patient(admin_ctx, PatientInput(name=f"患者{i}", mobile=f"1370013700{i}"))
            .patient.id for i in range(3)]
    for pid in fans[:2]:
        record_consent(admin_ctx, pid, "sms", granted=True, how="form")
    assert auto_messages.scan(admin_ctx) == 2
    assert auto_messages.scan(admin_ctx) == 0
    greetings = [m for m in outbox(admin_ctx) if m.kind == "festival"]
    assert sorted(m.patient_id for m in greetings) == fans[:2]
    assert "祝您春节快乐" in greetings[0].body
    assert greetings[0].not_before == local(2027, 2, 6, 9)
    fixed_clock.set(local(2027, 2, 7, 7))
    assert auto_messages.scan(admin_ctx) == 0


def test_one_marketing_message_a_day(admin_ctx: Context, clinic: dict[str, int],
                                     fixed_clock: FixedClock) -> None:
    from clinic_desktop.services.care_sources import daily_scan

    turn_on(admin_ctx, festivals=("national_day",))
    fixed_clock.set(local(2027, 10, 1, 7))
    pid = create_patient(admin_ctx, PatientInput(name="国庆生", mobile="13300133000",
                                                 birth_date=date(1980, 10, 1))).patient.id
    record_consent(admin_ctx, pid, "sms", granted=True, how="form")
    daily_scan(admin_ctx)
    auto_messages.scan(admin_ctx)
    assert [m.kind for m in outbox(admin_ctx)] == ["birthday"]


def test_care_steps_recall_notices_and_surveys(admin_ctx: Context, clinic: dict[str, int],
                                               fixed_clock: FixedClock) -> None:
    from clinic_desktop.rules.care_plans import plan_from_dict, plan_to_dict

    turn_on(admin_ctx, recall_notice_days=10, survey_hours_after=2)
    plan = {p.key: p for p in care.list_plans(admin_ctx)}["extraction"]
    data = plan_to_dict(plan)
    data["steps"].insert(0, {"key": "postop", "offset": {"amount": 0, "unit": "hours"},
                             "kind": "message", "title": "术后注意事项", "role": "nurse",
                             "priority": 2, "window_days": 1, "template": "postop"})
    care.save_plan(admin_ctx, plan_from_dict(data))
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 24, 10),
                         lines=[TreatmentLine(clinic["普通拔牙"], Decimal("300")),
                                TreatmentLine(clinic["超声洁牙"], Decimal("200"))])
    auto_messages.scan(admin_ctx)
    kinds = {m.kind: m for m in outbox(admin_ctx)}
    assert kinds["care"].body.startswith("张先生您好，您今天做了普通拔牙。")
    assert kinds["survey"].not_before == local(2026, 11, 24, 12)
    assert tasks(admin_ctx, clinic["patient"], "message") == []
    assert "recall_notice" not in kinds
    # the cleaning recall falls due on 05-24: its notice goes ten days before
    fixed_clock.set(local(2027, 5, 14, 10, 1))
    auto_messages.scan(admin_ctx)
    [notice] = [m for m in outbox(admin_ctx) if m.kind == "recall_notice"]
    assert "复查时间到了" in notice.body and "回复或致电0571-88886666即可预约" in notice.body
    assert local(2027, 5, 24, 10) in {t.due_at for t in tasks(admin_ctx, clinic["patient"],
                                                              "recall")}  # the recall stays
    auto_messages.scan(admin_ctx)
    assert [m.kind for m in outbox(admin_ctx)].count("recall_notice") == 1


def test_a_simulated_month_creates_each_message_once(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    turn_on(admin_ctx)
    start = local(2026, 11, 24, 9)
    days = [d for d in range(0, 28, 2) if (start + timedelta(days=d + 2)).weekday() < 5][:10]
    for day in days:
        fixed_clock.set(start + timedelta(days=day))
        book(admin_ctx, clinic, start + timedelta(days=day + 2, hours=1))
    recorder = Recorder()
    moment = start
    while moment < start + timedelta(days=31):
        fixed_clock.set(moment)
        auto_messages.scan(admin_ctx)
        messages.send_pending(admin_ctx, recorder, automatic_only=True, limit=500)
        moment += timedelta(hours=1)
    assert len(recorder.sent) == 10 * 3
    assert len({m.id for m in recorder.sent}) == len(recorder.sent)
    for message in recorder.sent:
        local_time = message.not_before.astimezone(SH).time() if message.not_before else None
        assert local_time is not None and time(8) <= local_time < time(21)


def test_the_daily_cap_and_the_rate_hold_sending_back(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock,
        sms_gateway: list[dict[str, str]]) -> None:
    turn_on(admin_ctx, daily_cap=3, rate_per_minute=2)
    for i in range(4):
        pid = create_patient(admin_ctx, PatientInput(name=f"客{i}", mobile=f"1350013500{i}"))
        book(admin_ctx, clinic, local(2026, 12, 2, (9, 10, 11, 14)[i]), patient=pid.patient.id)
    assert auto_messages.scan(admin_ctx) == 2  # the rate: two a minute
    assert auto_messages.scan(admin_ctx) == 1  # the cap: three a day
    assert auto_messages.scan(admin_ctx) == 0
    assert len(sms_gateway) == 3
    fixed_clock.set(local(2026, 11, 25, 8, 30))
    assert auto_messages.scan(admin_ctx) == 1  # a new day: the last confirmation


def test_settings_are_checked_naming_the_field(admin_ctx: Context) -> None:
    with pytest.raises(UserError) as bad:
        save_auto_settings(admin_ctx, AutoMessageSettings(quiet_from="9pm"))
    assert bad.value.field == "quiet_from"
    with pytest.raises(UserError) as bad:
        save_auto_settings(admin_ctx, AutoMessageSettings(templates={"reminder": "nope"}))
    assert bad.value.field == "template_reminder" and "nope" in str(bad.value)


@pytest.fixture
def sms_gateway(admin_ctx: Context) -> Iterator[list[dict[str, str]]]:
    """A local SMS gateway the clinic's channel settings point at (token in the keyring)."""
    seen: list[dict[str, str]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        credentials.set_secret("sms_token", "t0ken")
        messages.save_channels(admin_ctx, ChannelSettings(
            sms_url=f"http://127.0.0.1:{server.server_port}/send"))
        yield seen
    finally:
        keyring.set_keyring(previous)
        server.shutdown()
        server.server_close()


def test_what_the_messages_did(admin_ctx: Context, clinic: dict[str, int],
                               fixed_clock: FixedClock) -> None:
    from clinic_desktop.rules.periods import Period
    from clinic_desktop.services.message_stats import day_by_kind, message_effect

    turn_on(admin_ctx)
    other = create_patient(admin_ctx, PatientInput(name="无手机")).patient.id
    came = book(admin_ctx, clinic, local(2026, 11, 26, 10))
    missed = book(admin_ctx, clinic, local(2026, 11, 26, 11))
    unreminded = book(admin_ctx, clinic, local(2026, 11, 26, 14), patient=other)
    today = {k.kind: k for k in day_by_kind(admin_ctx, date(2026, 11, 24))}
    assert (today["confirmation"].waiting, today["reminder"].waiting) == (2, 4)
    recorder = Recorder()
    messages.send_pending(admin_ctx, recorder, automatic_only=True)
    fixed_clock.set(local(2026, 11, 26, 9, 30))
    messages.send_pending(admin_ctx, recorder, automatic_only=True, limit=100)
    fixed_clock.set(local(2026, 11, 26, 18))
    for appt, steps in ((came, ("arrived", "in_treatment", "completed")),
                        (missed, ("no_show",)), (unreminded, ("no_show",))):
        for status in steps:
            with admin_ctx.db.session() as session:
                version = session.get_one(Appointment, appt).version
            appts.change_status(admin_ctx, appt, version=version, status=status)
    effect = message_effect(admin_ctx, Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert (effect.reminded, effect.reminded_no_shows) == (2, 1)
    assert (effect.not_reminded, effect.not_reminded_no_shows) == (1, 1)
    assert effect.reminded_no_show_rate == 0.5 and effect.not_reminded_no_show_rate == 1.0
    sent = {k.kind: k.sent for k in day_by_kind(admin_ctx, date(2026, 11, 26))}
    assert sent == {"reminder": 4}


def test_a_plan_step_sets_its_own_notice_lead_time(admin_ctx: Context, clinic: dict[str, int],
                                                   fixed_clock: FixedClock) -> None:
    from dataclasses import replace

    turn_on(admin_ctx, recall_notice_days=10)
    plan = {p.key: p for p in care.list_plans(admin_ctx)}["implant"]
    steps = tuple(replace(s, notice_days={"d7": 0, "y1": 3}.get(s.key, s.notice_days))
                  for s in plan.steps)
    care.save_plan(admin_ctx, replace(plan, steps=steps))
    billing.record_visit(admin_ctx, clinic["patient"], visit_date=date(2026, 11, 24),
                         doctor_id=clinic["doctor"], treated_at=local(2026, 11, 24, 10),
                         lines=[TreatmentLine(clinic["种植牙"], Decimal("12000"))])
    auto_messages.scan(admin_ctx)  # the 7-day check-up: 0, no notice
    assert [m for m in outbox(admin_ctx) if m.kind == "recall_notice"] == []
    fixed_clock.set(local(2027, 11, 17, 10))  # 7 days before the first year: not yet
    auto_messages.scan(admin_ctx)
    assert [m for m in outbox(admin_ctx) if m.kind == "recall_notice"] == []
    fixed_clock.set(local(2027, 11, 21, 10))  # 3 days before
    auto_messages.scan(admin_ctx)
    [notice] = [m for m in outbox(admin_ctx) if m.kind == "recall_notice"]
    assert "种植牙" in notice.body
    fixed_clock.set(local(2028, 11, 14, 10, 1))  # the 2-year step keeps the clinic's 10 days
    auto_messages.scan(admin_ctx)
    assert [m.kind for m in outbox(admin_ctx)].count("recall_notice") == 2


def test_the_dashboard_care_figures_carry_the_reminders_effect(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    from clinic_desktop.rules.periods import Period
    from clinic_desktop.services.insight.care_stats import care_stats

    turn_on(admin_ctx)
    appt = book(admin_ctx, clinic, local(2026, 11, 26, 10))
    fixed_clock.set(local(2026, 11, 25, 18, 1))
    messages.send_pending(admin_ctx, Recorder(), automatic_only=True, limit=100)
    fixed_clock.set(local(2026, 11, 26, 18))
    appts.change_status(admin_ctx, appt, version=1, status="no_show")
    effect = care_stats(admin_ctx, Period(date(2026, 11, 1), date(2026, 11, 30))).messages
    assert effect is not None and (effect.reminded, effect.reminded_no_shows) == (1, 1)


def test_the_patients_timeline_shows_each_message_with_its_state(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    from clinic_desktop.services.panel import open_panel

    turn_on(admin_ctx)
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    appts.change_status(admin_ctx, appt, version=1, status="cancelled", reason="出差")
    entries = [e for e in open_panel(admin_ctx, clinic["patient"]).timeline
               if e.kind == "message"]
    assert sorted(e.title for e in entries) == ["预约提醒 · 已撤回", "预约提醒 · 已撤回",
                                                "预约确认 · 已撤回"]
    assert all("预约已取消，未发送" in e.detail for e in entries)


def test_a_booking_moved_away_and_back_is_reminded_again(admin_ctx: Context,
                                                         clinic: dict[str, int]) -> None:
    turn_on(admin_ctx)
    appt = book(admin_ctx, clinic, local(2026, 12, 2, 10))
    appts.reschedule(admin_ctx, appt, version=1, start=local(2026, 12, 3, 15),
                     end=local(2026, 12, 3, 15, 30))
    appts.reschedule(admin_ctx, appt, version=2, start=local(2026, 12, 2, 10),
                     end=local(2026, 12, 2, 10, 30))
    queued = sorted((m.kind, m.not_before) for m in outbox(admin_ctx) if m.status == "queued")
    assert queued == [("confirmation", local(2026, 11, 24, 10)),
                      ("reminder", local(2026, 12, 1, 18)), ("reminder", local(2026, 12, 2, 8))]
    assert tasks(admin_ctx, clinic["patient"], "reminder") == []


def test_imported_history_never_makes_message_steps() -> None:
    from clinic_desktop.rules.care_plans import (
        CarePlan,
        Offset,
        PlanStep,
        expand_plan,
        filter_imported,
    )
    from clinic_desktop.services.care import ImportedTreatment, ImportPlans, expand_imported

    plan = CarePlan("x", "拔牙", ("拔牙",), (
        PlanStep("postop", Offset(0, "hours"), "message", "术后注意事项", template_key="postop"),
        PlanStep("d7", Offset(7, "days"), "recall", "7 天复查")))
    treated = local(2026, 11, 20, 10)  # four days before the import: within its 30 days
    kept, _skipped = filter_imported(expand_plan(plan, treated_at=treated, treatment_key="t1"),
                                     import_date=date(2026, 11, 24))
    assert [t.kind for t in kept] == ["recall"]
    care_of = expand_imported(ImportPlans([plan], date(2026, 11, 24)), [
        ImportedTreatment(1, 1, "拔牙", "拔牙", None, treated)])
    assert [p.kind for _i, planned in care_of.work for p in planned] == ["recall"]
