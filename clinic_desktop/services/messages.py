"""Messages: templates rendered into an outbox, sent by hand, by e-mail or an SMS gateway.

Nothing is sent twice: a sender first *claims* a queued message with a conditional UPDATE
(queued -> sending), so two senders (two workstations, a retry racing a timer) can never both
own it; ``sent`` is final. A failed attempt goes back to ``queued`` until the third, then
``failed`` with the reason. Sending runs off the GUI thread; secrets come from the keyring.
The transports themselves (TLS, certificate checks, URL redaction) are in
``message_transports``; their names are re-exported here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.package_data import resource
from clinic_desktop.permissions import Permission, masked_contacts
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.message_templates import check_template, greeting_name, render
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.message_transports import (
    SmsGatewaySender,
    SmtpSecurity,
    SmtpSender,
    check_ca_file,
    check_gateway_url,
    is_local_host,
    redact_url,
)
from clinic_desktop.services.patients import get_patient
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.messaging import MessageTemplate, OutboxMessage
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import Appointment, AppointmentProcedure
from clinic_desktop.storage.models.staff import Staff

if TYPE_CHECKING:
    from clinic_desktop.services.imports import Progress

__all__ = ["ChannelSettings", "OutboxInfo", "Sender", "SmsGatewaySender", "SmtpSecurity",
           "SmtpSender", "read_channels", "save_channels", "send_pending", "sender_for"]

log = logging.getLogger(__name__)

CHANNELS = ("manual", "email", "sms")
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class OutboxInfo:
    id: int
    patient_id: int
    channel: str
    recipient: str
    body: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _info(m: OutboxMessage) -> OutboxInfo:
    return OutboxInfo(m.id, m.patient_id, m.channel, m.recipient, m.body, m.status, m.attempts,
                      m.last_error, m.created_at, m.sent_at)


def _shown(ctx: Context, info: OutboxInfo) -> OutboxInfo:
    """The message as the acting role may see it: a mobile recipient masked without
    CONTACT_FULL (an e-mail address is not a phone number). A sender gets ``_info``'s."""
    if info.channel == "email" or ctx.can(Permission.CONTACT_FULL):
        return info
    return masked_contacts(info)


class Sender(Protocol):
    channel: str

    def send(self, message: OutboxInfo) -> None:
        """Deliver or raise with a reason a person can read."""


def ensure_default_templates(session: Session) -> None:
    """The shipped templates a database does not have yet (a new one in an update too);
    one already there, edited or not, is left as it is."""
    have = set(session.execute(select(MessageTemplate.key)).scalars())
    defaults = json.loads(resource("templates/messages.json").read_text(encoding="utf-8"))
    missing = [item for item in defaults if item["key"] not in have]
    for item in missing:
        session.add(MessageTemplate(key=item["key"], name=item["name"], body=item["body"]))
    if missing:
        session.flush()


def templates(ctx: Context) -> list[tuple[str, str, str]]:
    with ctx.transaction() as session:
        found = [(t.key, t.name, t.body) for t in session.execute(
            select(MessageTemplate).order_by(MessageTemplate.id)).scalars()]
    if found:
        return found
    with ctx.transaction(write=True) as session:  # the defaults, on first look
        ensure_default_templates(session)
        return [(t.key, t.name, t.body) for t in session.execute(
            select(MessageTemplate).order_by(MessageTemplate.id)).scalars()]


def save_template(ctx: Context, key: str, *, name: str, body: str) -> None:
    ctx.require(Permission.SETTINGS_MANAGE)
    try:
        check_template(body)
    except RuleError as error:
        raise UserError(error.message, field="body") from error
    with ctx.transaction(write=True) as session:
        ensure_default_templates(session)
        row = session.execute(select(MessageTemplate).where(
            MessageTemplate.key == key)).scalar_one_or_none()
        if row is None:
            row = MessageTemplate(key=key, name=name, body=body)
            session.add(row)
        row.name, row.body = name.strip() or key, body
        ctx.audit(session, "message.template", "message_template", key, name)


def _values(session: Session, patient: Patient, task: CareTask | None,
            when: datetime | None) -> dict[str, str]:
    """What the placeholders say for this patient and task. A reminder's time, doctor and
    procedure come from its appointment when the caller gives no time."""
    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    doctor_id = task.doctor_id if task else None
    procedure = (task.procedure_name if task else None) or ""
    if task is not None and task.source == "appointment" and task.source_id is not None:
        booking = session.get(Appointment, task.source_id)
        if booking is not None:
            when = when or booking.start
            doctor_id = doctor_id or booking.doctor_id
            procedure = procedure or "、".join(session.execute(
                select(ProcedureType.name)
                .join(AppointmentProcedure,
                      AppointmentProcedure.procedure_type_id == ProcedureType.id)
                .where(AppointmentProcedure.appointment_id == booking.id)
                .order_by(AppointmentProcedure.position)).scalars())
    doctor = session.get(Staff, doctor_id) if doctor_id else None
    return {
        "姓名": patient.name, "称呼": greeting_name(patient.name, patient.sex),
        "项目": procedure,
        "医生": f"{doctor.display_name}医生" if doctor else "",
        "时间": f"{when.astimezone(zone):%m月%d日 %H:%M}" if when else "",
        "诊所": read_setting(session, "clinic.name", ""),
        "电话": read_setting(session, "clinic.phone", ""),
    }


def _template(session: Session, template_key: str) -> MessageTemplate:
    template = session.execute(select(MessageTemplate).where(
        MessageTemplate.key == template_key)).scalar_one_or_none()
    if template is None:
        raise NotFound(_("找不到消息模板“{key}”。", key=template_key))
    return template


def preview_message(ctx: Context, patient_id: int, *, template_key: str,
                    task_id: int | None = None, when: datetime | None = None) -> str:
    """The text ``queue_message`` would put in the outbox; changes nothing."""
    ctx.require(Permission.MESSAGES_SEND)
    bodies = {key: body for key, _name, body in templates(ctx)}  # the defaults, on first look
    if template_key not in bodies:
        raise NotFound(_("找不到消息模板“{key}”。", key=template_key))
    with ctx.transaction() as session:
        patient = get_patient(session, patient_id)
        task = session.get(CareTask, task_id) if task_id else None
        return render(bodies[template_key], _values(session, patient, task, when))


def queue_message(ctx: Context, patient_id: int, *, template_key: str, channel: str = "manual",
                  recipient: str | None = None, task_id: int | None = None,
                  when: datetime | None = None, occasion: str | None = None) -> OutboxInfo:
    """Render a template for a patient into the outbox (once per task, template and channel;
    or once per ``occasion``, e.g. one move of one appointment)."""
    ctx.require(Permission.MESSAGES_SEND)
    if channel not in CHANNELS:
        raise UserError(_("发送渠道无效。"), field="channel")
    with ctx.transaction(write=True) as session:
        ensure_default_templates(session)
        template = _template(session, template_key)
        patient = get_patient(session, patient_id)
        task = session.get(CareTask, task_id) if task_id else None
        values = _values(session, patient, task, when)
        to = recipient if recipient is not None else (patient.mobile or "")
        if channel == "sms" and not to:
            raise UserError(_("{name} 没有手机号，无法发短信。", name=patient.name),
                            field="recipient")
        if channel == "email" and "@" not in to:
            raise UserError(_("请填写有效的邮箱地址。"), field="recipient")
        key = f"{template_key}:{occasion or task_id or 'p' + str(patient_id)}:{channel}"
        existing = session.execute(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == key)).scalar_one_or_none()
        if existing is not None:
            return _shown(ctx, _info(existing))
        message = OutboxMessage(
            patient_id=patient_id, task_id=task_id, channel=channel, recipient=to,
            subject=template.name, body=render(template.body, values), dedupe_key=key,
            created_at=ctx.now(), created_by=ctx.actor.staff_id)
        session.add(message)
        session.flush()
        ctx.audit(session, "message.queue", "patient", patient_id, f"{template_key} {channel}")
        return _shown(ctx, _info(message))


def mark_sent(ctx: Context, message_id: int) -> None:
    """The manual channel: the text was copied into WeChat or read out on the phone."""
    ctx.require(Permission.MESSAGES_SEND)
    with ctx.transaction(write=True) as session:
        claimed = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status.in_(("queued", "failed")))
            .values(status="sent", sent_at=ctx.now())).rowcount  # type: ignore[attr-defined]
        if not claimed:
            raise UserError(_("这条消息已经发送过或正在发送。"))
        ctx.audit(session, "message.sent_manually", "outbox_message", message_id, "")


def _claim(ctx: Context, message_id: int) -> bool:
    with ctx.transaction(write=True) as session:
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status == "queued")
            .values(status="sending", attempts=OutboxMessage.attempts + 1))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def send_pending(ctx: Context, sender: Sender, *, limit: int = 50,
                 progress: Progress | None = None) -> tuple[int, int]:
    """Send queued messages of the sender's channel; returns (sent, failed attempts).

    Given a ``progress`` (the GUI's worker job), it hears after each message and may stop
    the run between two messages (``check`` raises): each message is claimed, sent and
    recorded on its own, so a stopped run leaves none half sent."""
    ctx.require(Permission.MESSAGES_SEND)
    with ctx.transaction() as session:
        ids = list(session.execute(select(OutboxMessage.id).where(
            OutboxMessage.status == "queued", OutboxMessage.channel == sender.channel)
            .order_by(OutboxMessage.id).limit(limit)).scalars())
    sent = failed = 0
    text = _("正在发送…")
    for done, message_id in enumerate(ids):
        if progress is not None:
            progress.check()
            progress.report(done, len(ids), text)
        if not _claim(ctx, message_id):
            continue  # someone else has it
        with ctx.transaction() as session:
            message = _info(session.get_one(OutboxMessage, message_id))
        try:
            sender.send(message)
        except Exception as exc:  # every failure is recorded on the message, none is lost
            failed += 1
            # Transports word their failures with secrets already redacted; no traceback here,
            # as a chained exception could quote a gateway URL with its API key.
            reason = str(exc) or type(exc).__name__
            log.warning("outbox message %s: %s attempt failed: %s", message_id,
                        sender.channel, reason)
            with ctx.transaction(write=True) as session:
                row = session.get_one(OutboxMessage, message_id)
                row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "queued"
                row.last_error = reason
            continue
        sent += 1
        with ctx.transaction(write=True) as session:
            row = session.get_one(OutboxMessage, message_id)
            row.status, row.sent_at, row.last_error = "sent", ctx.now(), None
            ctx.audit(session, "message.sent", "outbox_message", message_id, sender.channel)
    if progress is not None:
        progress.report(len(ids), len(ids), text)
    return sent, failed


def outbox(ctx: Context, *, status: str | None = None) -> list[OutboxInfo]:
    ctx.require(Permission.MESSAGES_SEND)
    with ctx.transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
        if status is not None:
            query = query.where(OutboxMessage.status == status)
        return [_shown(ctx, _info(m)) for m in session.execute(query).scalars()]


@dataclass(frozen=True)
class ChannelSettings:
    """Host names, addresses and the security mode; passwords and tokens live in the keyring.

    ``smtp_security`` is a :class:`SmtpSecurity` value; ``ca_file`` (a PEM file, optional) is
    the clinic's own certificate authority, trusted in addition to the system's for both the
    mail server and the SMS gateway.
    """

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_from: str = ""
    smtp_security: str = SmtpSecurity.STARTTLS.value
    ca_file: str = ""
    sms_url: str = ""


def _channel_settings(data: dict[str, Any]) -> ChannelSettings:
    known = {k: v for k, v in data.items() if k in ChannelSettings.__dataclass_fields__}
    # Settings saved before the security mode existed had only a STARTTLS switch.
    if "smtp_security" not in known and data.get("smtp_starttls") is False:
        known["smtp_security"] = SmtpSecurity.NONE.value
    return ChannelSettings(**known)


def read_channels(ctx: Context) -> ChannelSettings:
    with ctx.transaction() as session:
        return _channel_settings(read_setting(session, "messages.channels", {}) or {})


def _check_channels(settings: ChannelSettings) -> None:
    """Refuse, naming the field, what would send a secret somewhere it should not go."""
    if settings.smtp_host and not 0 < settings.smtp_port < 65536:
        raise UserError(_("SMTP 端口应在 1 到 65535 之间。"), field="smtp_port")
    if settings.smtp_security not in {mode.value for mode in SmtpSecurity}:
        raise UserError(_("请选择邮件加密方式。"), field="smtp_security")
    if (settings.smtp_host and settings.smtp_security == SmtpSecurity.NONE
            and not is_local_host(settings.smtp_host)):
        raise UserError(_("“无加密”只能用于本机的邮件服务器；{host} 不在本机，密码和邮件内容"
                          "会以明文经过网络。请选择 STARTTLS 或 SSL/TLS。",
                          host=settings.smtp_host), field="smtp_security")
    if settings.ca_file:
        check_ca_file(settings.ca_file, field="ca_file")
    if settings.sms_url:
        check_gateway_url(settings.sms_url, field="sms_url")


def save_channels(ctx: Context, settings: ChannelSettings) -> None:
    """Host names and addresses only: passwords and tokens go to the keyring."""
    ctx.require(Permission.SETTINGS_MANAGE)
    _check_channels(settings)
    with ctx.transaction(write=True) as session:
        write_setting(session, "messages.channels", asdict(settings))
        ctx.audit(session, "settings.channels", "setting", "messages.channels",
                  f"smtp={settings.smtp_host}:{settings.smtp_port} {settings.smtp_security} "
                  f"sms={redact_url(settings.sms_url)}")


def sender_for(ctx: Context, channel: str) -> Sender:
    """The configured sender, with its secret from the keyring; explains what is missing."""
    ctx.require(Permission.MESSAGES_SEND)  # the sender carries the password or token
    from clinic_desktop.credentials import get_secret

    settings = read_channels(ctx)
    if channel == "email":
        if not settings.smtp_host or not settings.smtp_from:
            raise UserError(_("还没有设置邮件服务器（设置 → 消息渠道）。"), field="smtp_host")
        return SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_user,
                          get_secret("smtp_password") or "", settings.smtp_from,
                          security=settings.smtp_security, ca_file=settings.ca_file)
    if channel == "sms":
        token = get_secret("sms_token")
        if not settings.sms_url or not token:
            raise UserError(_("还没有设置短信网关地址或令牌（设置 → 消息渠道）。"), field="sms_url")
        return SmsGatewaySender(settings.sms_url, token, ca_file=settings.ca_file)
    raise UserError(_("发送渠道无效。"), field="channel")
