"""Templates, the outbox that never sends twice, e-mail through a real local SMTP server,
an SMS gateway over HTTP, and secrets in the keyring (or for this run only)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import keyring
import pytest
from aiosmtpd.controller import Controller
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring

from clinic_desktop import credentials
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.message_templates import greeting_name, placeholders, render
from clinic_desktop.services import messages
from clinic_desktop.services.clinic import update_clinic
from clinic_desktop.services.messages import OutboxInfo, SmsGatewaySender, SmtpSender
from clinic_desktop.services.patients import PatientInput, create_patient


def test_render_and_greetings() -> None:
    text = render("{称呼}您好，{{诊所}}提醒：{时间}", {"称呼": "张先生", "时间": "明天 9:00"})
    assert text == "张先生您好，{诊所}提醒：明天 9:00"
    assert placeholders("{姓名}{电话}") == {"姓名", "电话"}
    with pytest.raises(RuleError, match="“{名字}”不是可用的占位符"):
        render("{名字}您好", {})
    assert greeting_name("欧阳娜娜", "F") == "欧阳女士"
    assert greeting_name("张三", "M") == "张先生"
    assert greeting_name("李四", None) == "李四"


@pytest.fixture
def patient(admin_ctx: Context) -> int:
    update_clinic(admin_ctx, name="仁爱口腔", timezone="Asia/Shanghai", phone="010-88886666")
    return create_patient(admin_ctx, PatientInput(name="张三", sex="M",
                                                  mobile="13800138000")).patient.id


def test_queueing_renders_once_and_manual_sending(admin_ctx: Context, patient: int) -> None:
    first = messages.queue_message(admin_ctx, patient, template_key="birthday")
    again = messages.queue_message(admin_ctx, patient, template_key="birthday")
    assert first.id == again.id and first.body.startswith("张先生，仁爱口腔全体医护")
    messages.mark_sent(admin_ctx, first.id)
    with pytest.raises(UserError, match="已经发送过"):
        messages.mark_sent(admin_ctx, first.id)


class Recorder:
    channel = "sms"

    def __init__(self, fail_times: int = 0) -> None:
        self.sent: list[int] = []
        self.fail_times = fail_times
        self.lock = threading.Lock()

    def send(self, message: OutboxInfo) -> None:
        with self.lock:
            if self.fail_times:
                self.fail_times -= 1
                raise OSError("网关超时")
            self.sent.append(message.id)


def test_two_senders_at_once_never_send_a_message_twice(admin_ctx: Context,
                                                         patient: int) -> None:
    for key in ("reminder", "followup", "recall", "birthday", "reactivation"):
        messages.queue_message(admin_ctx, patient, template_key=key, channel="sms")
    recorder = Recorder()
    threads = [threading.Thread(target=messages.send_pending, args=(admin_ctx, recorder))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(recorder.sent) == sorted(set(recorder.sent)) and len(recorder.sent) == 5
    assert messages.send_pending(admin_ctx, recorder) == (0, 0)


def test_failures_retry_then_stop_with_the_reason(admin_ctx: Context, patient: int) -> None:
    message = messages.queue_message(admin_ctx, patient, template_key="recall", channel="sms")
    recorder = Recorder(fail_times=3)
    for _ in range(3):
        messages.send_pending(admin_ctx, recorder)
    [row] = messages.outbox(admin_ctx)
    assert (row.id, row.status, row.attempts, row.last_error) == (message.id, "failed", 3,
                                                                   "网关超时")
    assert messages.send_pending(admin_ctx, recorder) == (0, 0)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, list[bytes]]]:
    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
            received.append(envelope.content)
            return "250 OK"

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, received
    controller.stop()


def test_email_through_a_real_local_smtp_server(
    admin_ctx: Context, patient: int, smtp_server: tuple[Controller, list[bytes]]
) -> None:
    controller, received = smtp_server
    messages.queue_message(admin_ctx, patient, template_key="recall", channel="email",
                           recipient="zhangsan@example.com")
    sender = SmtpSender("127.0.0.1", controller.port, "", "", "clinic@example.com",
                        security="none")
    assert messages.send_pending(admin_ctx, sender) == (1, 0)
    [raw] = received
    mail = message_from_bytes(raw, policy=default_policy)
    assert mail["To"] == "zhangsan@example.com"
    assert "复查时间到了" in mail.get_content() and "010-88886666" in mail.get_content()


def test_sms_gateway_over_http(admin_ctx: Context, patient: int) -> None:
    seen: list[tuple[str, dict[str, str]]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers["Content-Length"])
            seen.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        messages.queue_message(admin_ctx, patient, template_key="reminder", channel="sms")
        sender = SmsGatewaySender(f"http://127.0.0.1:{server.server_port}/send", "t0ken")
        assert messages.send_pending(admin_ctx, sender) == (1, 0)
    finally:
        server.shutdown()
        server.server_close()
    [(auth, body)] = seen
    assert auth == "Bearer t0ken" and body["to"] == "13800138000"


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def test_secrets_go_to_the_keyring_or_stay_in_memory() -> None:
    previous = keyring.get_keyring()
    try:
        memory = MemoryKeyring()
        keyring.set_keyring(memory)
        assert credentials.set_secret("smtp", "pw-1") is True
        assert memory.store[("ClinicDesktop", "smtp")] == "pw-1"
        keyring.set_keyring(FailKeyring())
        assert not credentials.secure_store_available()
        assert credentials.set_secret("sms", "tok") is False  # kept for this run only
        assert credentials.get_secret("sms") == "tok"
        credentials.forget_secret("sms")
        assert credentials.get_secret("sms") is None
    finally:
        keyring.set_keyring(previous)


def test_a_task_kind_suggests_its_template() -> None:
    from clinic_desktop.package_data import resource
    from clinic_desktop.rules.message_templates import template_for_kind

    shipped = [item["key"] for item in json.loads(
        resource("templates/messages.json").read_text(encoding="utf-8"))]
    assert template_for_kind("followup_call", shipped) == "followup"
    assert template_for_kind("recall", shipped) == "recall"
    assert template_for_kind("reminder", shipped) == "reminder"
    assert template_for_kind("birthday", shipped) == "birthday"
    assert template_for_kind("problem", shipped) is None  # no template fits: the user picks
    assert template_for_kind("recall", ["followup"]) is None  # a clinic without that template


def test_a_reminder_says_when_with_whom_and_what(admin_ctx: Context, patient: int) -> None:
    """A reminder task's message takes the time, doctor and procedure of its booking."""
    from datetime import UTC, datetime

    from clinic_desktop.permissions import Role
    from clinic_desktop.services import appointments, care, schedule
    from clinic_desktop.services.appointments import BookingRequest
    from clinic_desktop.services.catalogue import list_procedures
    from clinic_desktop.services.staff import add_staff

    doctor = add_staff(admin_ctx, username="dr.li", display_name="李明", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    cleaning = next(p.id for p in list_procedures(admin_ctx) if p.name == "超声洁牙")
    start = datetime(2026, 11, 26, 2, tzinfo=UTC)  # Thursday 10:00 in Shanghai
    appointments.book(admin_ctx, BookingRequest(patient, doctor, start, start.replace(hour=3),
                                                None, (cleaning,)))
    [reminder, *_later] = care.tasks_of_patient(admin_ctx, patient)
    assert reminder.kind == "reminder"
    expected = ("张先生您好，提醒您11月26日 10:00在仁爱口腔就诊（李明医生，超声洁牙）。"
                "如需改约请致电010-88886666。")
    assert messages.preview_message(admin_ctx, patient, template_key="reminder",
                                    task_id=reminder.id) == expected
    assert messages.outbox(admin_ctx) == []  # the preview wrote nothing
    queued = messages.queue_message(admin_ctx, patient, template_key="reminder",
                                    task_id=reminder.id)
    assert queued.body == expected


class _Job:
    """A worker job's stand-in: records progress, asks to stop after ``stop_after`` reports."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.reports: list[tuple[int, int]] = []
        self.stop_after = stop_after

    def report(self, done: int, total: int, text: str = "") -> None:
        self.reports.append((done, total))

    def check(self) -> None:
        if self.stop_after is not None and len(self.reports) >= self.stop_after:
            raise InterruptedError


def test_sending_reports_progress_and_stops_between_messages(admin_ctx: Context,
                                                             patient: int) -> None:
    for key in ("reminder", "followup", "recall"):
        messages.queue_message(admin_ctx, patient, template_key=key, channel="sms")
    recorder, job = Recorder(), _Job()
    assert messages.send_pending(admin_ctx, recorder, progress=job) == (3, 0)
    assert job.reports == [(0, 3), (1, 3), (2, 3), (3, 3)]
    for key in ("birthday", "reactivation"):
        messages.queue_message(admin_ctx, patient, template_key=key, channel="sms")
    stopping = _Job(stop_after=1)
    with pytest.raises(InterruptedError):
        messages.send_pending(admin_ctx, recorder, progress=stopping)
    statuses = sorted(m.status for m in messages.outbox(admin_ctx))
    # One sent before the stop, one left queued (never half sent, never "sending").
    assert statuses == ["queued", "sent", "sent", "sent", "sent"]
