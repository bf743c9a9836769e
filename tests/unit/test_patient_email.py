"""A patient's e-mail address: typed and imported as people write it, refused naming the field
when it cannot be one, and used by the outbox: a message by hand, a campaign, and the
automatic messages on the e-mail channel or as the fallback when SMS cannot reach someone,
sent through a real local SMTP server."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.email import normalize_email
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import auto_messages, messages, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.auto_settings import AutoMessageSettings, save_auto_settings
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.clinic import update_clinic
from clinic_desktop.services.consent import record_consent
from clinic_desktop.services.exports import export_patients
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.messages import ChannelSettings
from clinic_desktop.services.patients import (
    PatientInput,
    create_patient,
    load_patient,
    update_patient,
)
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.messaging import OutboxMessage
from tests.unit.test_auto_messages import local
from tests.unit.test_message_transport import MailServer, mail_server  # noqa: F401 - fixture


# -- the rule -------------------------------------------------------------------------------
def test_addresses_are_read_as_people_type_them() -> None:
    assert normalize_email("  Zhang.San＠QQ。COM ") == "Zhang.San@qq.com"
    assert normalize_email("mailto:li4@163.com") == "li4@163.com"
    assert normalize_email("") == ""
    for bad, says in (("zhangsan", "缺少"), ("zhang san@qq.com", "空格"),
                      ("zhangsan@qq", "域名“qq”不完整"), ("zhang..san@qq.com", "无效字符"),
                      ("@qq.com", "缺少"), ("zs@qq.123", "不完整")):
        with pytest.raises(RuleError) as refused:
            normalize_email(bad)
        assert refused.value.field == "email" and says in refused.value.message, bad


def test_the_form_stores_the_address_and_refuses_a_bad_one_naming_the_field(
        admin_ctx: Context) -> None:
    saved = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000",
                                                   email="ZhangSan@QQ.com")).patient
    assert saved.email == "ZhangSan@qq.com"
    with pytest.raises(UserError) as refused:
        update_patient(admin_ctx, saved.id, PatientInput(name="张三", mobile="13800138000",
                                                         email="zhangsan@qq"),
                       version=saved.version)
    assert refused.value.field == "email" and "zhangsan@qq" in str(refused.value)
    assert load_patient(admin_ctx, saved.id).email == "ZhangSan@qq.com"  # nothing lost
    cleared = update_patient(admin_ctx, saved.id, PatientInput(name="张三", mobile="13800138000"),
                             version=saved.version).patient
    assert cleared.email is None


def test_the_import_reads_the_column_and_keeps_a_bad_address_in_the_notes(
        admin_ctx: Context, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "手机号", "电子邮箱"])
    sheet.append(["王五", "13900139000", "WangWu@163.COM"])
    sheet.append(["赵六", "13900139001", "zhaoliu at qq"])
    path = tmp_path / "legacy.xlsx"
    book.save(path)
    summary = run_import(admin_ctx, ImportRequest(path))
    assert summary.patients_created == 2  # the row with the bad address is kept
    [warning] = [w for w in summary.warnings if w.column == "电子邮箱"]
    assert warning.row == 3 and "zhaoliu at qq" in warning.value
    with admin_ctx.transaction() as session:
        from clinic_desktop.storage.models.patient import Patient

        rows = dict(session.execute(select(Patient.name, Patient.email)).all())
        notes = session.execute(select(Patient.notes).where(Patient.name == "赵六")).scalar()
    assert rows == {"王五": "WangWu@163.com", "赵六": None}
    assert "邮箱：zhaoliu at qq" in (notes or "")
    out = tmp_path / "out.xlsx"
    assert export_patients(admin_ctx, out) == 2
    header, *rows_out = load_workbook(out).worksheets[0].iter_rows(values_only=True)
    shown = {row[header.index("姓名")]: row[header.index("邮箱")] for row in rows_out}
    assert shown == {"王五": "WangWu@163.com", "赵六": None}


# -- sending --------------------------------------------------------------------------------
@pytest.fixture
def mail(admin_ctx: Context, mail_server) -> MailServer:  # noqa: ANN001, F811 - the fixture
    """A local SMTP server the clinic's e-mail channel points at (no login, this computer)."""
    server: MailServer = mail_server(auth_require_tls=False)
    messages.save_channels(admin_ctx, ChannelSettings(
        smtp_host="localhost", smtp_port=server.port, smtp_from="clinic@example.com",
        smtp_security="none"))
    return server


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    update_clinic(admin_ctx, name="康宁口腔", timezone="Asia/Shanghai", phone="0571-88886666",
                  address="杭州市西湖区文三路 100 号")
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    procedures = {p.name: p.id for p in list_procedures(admin_ctx)}
    return {"doctor": doctor, "cleaning": procedures["超声洁牙"]}


def _book(ctx: Context, clinic: dict[str, int], patient: int, hour: int) -> int:
    start = local(2026, 12, 2, hour)
    return appts.book(ctx, BookingRequest(patient, clinic["doctor"], start,
                                          start.replace(minute=30),
                                          procedure_type_ids=(clinic["cleaning"],)))


def _outbox(ctx: Context) -> list[OutboxMessage]:
    with ctx.db.session() as session:
        rows = list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
        session.expunge_all()
    return rows


def test_a_message_by_hand_goes_to_the_address_on_file(admin_ctx: Context,
                                                        mail: MailServer) -> None:
    pid = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000",
                                                 email="zhang3@example.com")).patient.id
    queued = messages.queue_message(admin_ctx, pid, template_key="recall", channel="email")
    assert queued.recipient == "zhang3@example.com"
    sent, failed = messages.send_pending(admin_ctx, messages.sender_for(admin_ctx, "email"))
    assert (sent, failed) == (1, 0)
    [raw] = mail.received
    mail_message = message_from_bytes(raw, policy=default_policy)
    assert mail_message["To"] == "zhang3@example.com"
    assert mail_message["Subject"] == "复查邀请"  # the template's name, not a generic line
    nobody = create_patient(admin_ctx, PatientInput(name="李四", mobile="13800138001")).patient
    with pytest.raises(UserError) as refused:
        messages.queue_message(admin_ctx, nobody.id, template_key="recall", channel="email")
    assert refused.value.field == "recipient"


def test_reminders_go_by_e_mail_on_the_e_mail_channel(
        admin_ctx: Context, clinic: dict[str, int], mail: MailServer,
        fixed_clock: FixedClock) -> None:
    save_auto_settings(admin_ctx, AutoMessageSettings(
        enabled=frozenset({"confirmation", "reminder"}), channel="email"))
    reachable = create_patient(admin_ctx, PatientInput(
        name="张三", sex="M", mobile="13800138000", email="zhang3@example.com")).patient.id
    unreachable = create_patient(admin_ctx, PatientInput(name="李四", sex="F",
                                                         mobile="13800138001")).patient.id
    _book(admin_ctx, clinic, reachable, 10)
    _book(admin_ctx, clinic, unreachable, 11)
    queued = _outbox(admin_ctx)
    assert {(m.patient_id, m.channel, m.recipient) for m in queued} == {
        (reachable, "email", "zhang3@example.com")}
    assert auto_messages.scan(admin_ctx) == 1  # the confirmation goes now; reminders wait
    [raw] = mail.received
    mail_message = message_from_bytes(raw, policy=default_policy)
    assert mail_message["To"] == "zhang3@example.com"
    assert "12月02日 10:00" in mail_message.get_content()
    assert mail_message["Subject"] == "预约确认"
    with admin_ctx.transaction() as session:
        from clinic_desktop.storage.models.care import CareTask

        kinds = {(t.patient_id, t.kind) for t in session.execute(select(CareTask).where(
            CareTask.kind == "reminder", CareTask.status.in_(("pending", "due")))).scalars()}
    assert (unreachable, "reminder") in kinds  # no address: the desk calls, as before
    assert (reachable, "reminder") not in kinds


def test_e_mail_is_the_fallback_when_sms_cannot_reach_the_patient(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    save_auto_settings(admin_ctx, AutoMessageSettings(
        enabled=frozenset({"confirmation", "birthday"}), channel="sms", email_fallback=True))
    no_mobile = create_patient(admin_ctx, PatientInput(
        name="王五", email="wang5@example.com")).patient.id
    declined_sms = create_patient(admin_ctx, PatientInput(
        name="赵六", mobile="13800138002", email="zhao6@example.com")).patient.id
    record_consent(admin_ctx, declined_sms, "sms", granted=False, how="phone")
    by_sms = create_patient(admin_ctx, PatientInput(
        name="钱七", mobile="13800138003", email="qian7@example.com")).patient.id
    for hour, pid in ((9, no_mobile), (10, declined_sms), (11, by_sms)):
        _book(admin_ctx, clinic, pid, hour)
    routes = {m.patient_id: (m.channel, m.recipient) for m in _outbox(admin_ctx)}
    assert routes == {no_mobile: ("email", "wang5@example.com"),
                      declined_sms: ("email", "zhao6@example.com"),
                      by_sms: ("sms", "13800138003")}
    # Marketing needs consent on the channel it takes: none given to e-mail, none sent.
    with admin_ctx.db.session() as session:
        patient = session.get_one(auto_messages.Patient, no_mobile)
        from clinic_desktop.services.auto_settings import auto_settings_in

        settings = auto_settings_in(session)
        reason = auto_messages.route_in(session, patient, settings, marketing=True,
                                        today=local(2026, 11, 24).date())
    assert reason == "患者未同意接收短信营销消息"
    record_consent(admin_ctx, no_mobile, "email", granted=True, how="form")
    with admin_ctx.db.session() as session:
        patient = session.get_one(auto_messages.Patient, no_mobile)
        route = auto_messages.route_in(session, patient, settings, marketing=True,
                                       today=local(2026, 11, 24).date())
    assert isinstance(route, auto_messages.Route) and route.channel == "email"


def test_without_the_fallback_sms_is_the_only_way(admin_ctx: Context,
                                                  clinic: dict[str, int]) -> None:
    save_auto_settings(admin_ctx, AutoMessageSettings(
        enabled=frozenset({"confirmation"}), channel="sms"))
    pid = create_patient(admin_ctx, PatientInput(name="王五", email="wang5@example.com"))
    _book(admin_ctx, clinic, pid.patient.id, 9)
    assert _outbox(admin_ctx) == []

