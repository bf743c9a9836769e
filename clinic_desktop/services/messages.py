"""Messages: templates rendered into an outbox, sent by hand, by e-mail or by SMS (a generic
HTTP gateway, Alibaba Cloud SMS or Tencent Cloud SMS).

Nothing is sent twice: a sender first *claims* a queued message with a conditional UPDATE
(queued -> sending), so two senders (two workstations, a retry racing a timer) can never both
own it; ``sent`` is final. A failed attempt goes back to ``queued`` until the third, then
``failed`` with the reason (at once when no retry can help: ``Undeliverable``). Sending runs
off the GUI thread; secrets come from the keyring. The transports themselves (TLS, certificate
checks, URL redaction) are in ``message_transports``; their names are re-exported here. The
cloud SMS providers (``sms_providers``, ``sms_aliyun``, ``sms_tencent``) send a registered
template with parameters, so each outbox row also keeps its template key and the values it
was rendered from, and, once sent, the provider's id for it and its delivery receipt.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
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
from clinic_desktop.rules.email import normalize_email
from clinic_desktop.rules.message_templates import (
    check_template,
    empty_placeholders,
    greeting_name,
    render,
)
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.message_transports import (
    Accepted,
    SmsGatewaySender,
    SmtpSecurity,
    SmtpSender,
    Undeliverable,
    check_ca_file,
    check_gateway_url,
    is_local_host,
    redact_url,
)
from clinic_desktop.services.patients import get_patient
from clinic_desktop.services.sms_providers import (
    ALIYUN,
    CLOUD_PROVIDERS,
    DEFAULT_REGIONS,
    GATEWAY,
    PROVIDERS,
    SECRET_NAMES,
    TENCENT,
    ProviderTemplate,
    check_endpoint,
    check_template_id,
    provider_name,
    templates_in,
    write_templates,
)
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
    template_key: str | None = None
    params_json: str | None = None  # the placeholder values the body was rendered from
    provider: str | None = None  # who accepted it: aliyun, tencent
    provider_id: str | None = None  # BizId, SerialNo
    delivery: str | None = None  # unknown, delivered, failed; None: no receipts on its channel
    delivered_at: datetime | None = None
    delivery_error: str | None = None
    kind: str | None = None  # an automatic message's kind (auto_settings.KINDS); None: by hand
    not_before: datetime | None = None  # an automatic message waits until then
    expires_at: datetime | None = None  # and is dropped, not sent, after this
    appointment_id: int | None = None
    subject: str = ""  # the template's name: an e-mail's subject line


def _info(m: OutboxMessage) -> OutboxInfo:
    return OutboxInfo(m.id, m.patient_id, m.channel, m.recipient, m.body, m.status, m.attempts,
                      m.last_error, m.created_at, m.sent_at, m.template_key, m.params_json,
                      m.provider, m.provider_id, m.delivery, m.delivered_at, m.delivery_error,
                      m.kind, m.not_before, m.expires_at, m.appointment_id, m.subject or "")


def _shown(ctx: Context, info: OutboxInfo) -> OutboxInfo:
    """The message as the acting role may see it: a mobile recipient masked without
    CONTACT_FULL (an e-mail address is not a phone number). A sender gets ``_info``'s."""
    if info.channel == "email" or ctx.can(Permission.CONTACT_FULL):
        return info
    return masked_contacts(info)


class Sender(Protocol):
    channel: str

    def send(self, message: OutboxInfo) -> Accepted | None:
        """Deliver or raise with a reason a person can read; a provider that will send a
        delivery receipt says so by returning its id for the message."""


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
    return placeholder_values(session, patient, when=when, doctor_id=doctor_id,
                              procedure=procedure)


def placeholder_values(session: Session, patient: Patient, *, greeting: str | None = None,
                       when: datetime | None = None, doctor_id: int | None = None,
                       procedure: str = "", festival: str | None = None) -> dict[str, str]:
    """What each placeholder says: ``greeting`` (称呼) defaults to 张先生 / 李女士 from the
    name and sex; ``festival`` (节日) only for a festival greeting."""
    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    doctor = session.get(Staff, doctor_id) if doctor_id else None
    values = {
        "姓名": patient.name, "称呼": greeting or greeting_name(patient.name, patient.sex),
        "项目": procedure,
        "医生": f"{doctor.display_name}医生" if doctor else "",
        "时间": f"{when.astimezone(zone):%m月%d日 %H:%M}" if when else "",
        "诊所": read_setting(session, "clinic.name", ""),
        "电话": read_setting(session, "clinic.phone", ""),
        "地址": read_setting(session, "clinic.address", ""),
    }
    if festival is not None:
        values["节日"] = festival
    return values


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


def message_gaps(ctx: Context, patient_id: int, *, template_key: str,
                 task_id: int | None = None) -> list[str]:
    """The placeholders the template uses that would come out empty for this patient and
    task (the dialog warns before a person sends a text with a hole in it)."""
    ctx.require(Permission.MESSAGES_SEND)
    bodies = {key: body for key, _name, body in templates(ctx)}
    if template_key not in bodies:
        raise NotFound(_("找不到消息模板“{key}”。", key=template_key))
    with ctx.transaction() as session:
        patient = get_patient(session, patient_id)
        task = session.get(CareTask, task_id) if task_id else None
        return empty_placeholders(bodies[template_key], _values(session, patient, task, None))


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
        on_file = patient.email if channel == "email" else patient.mobile
        to = recipient if recipient is not None else (on_file or "")
        if channel == "sms" and not to:
            raise UserError(_("{name} 没有手机号，无法发短信。", name=patient.name),
                            field="recipient")
        if channel == "email":
            try:
                to = normalize_email(to)
            except RuleError as error:
                raise UserError(error.message, field="recipient") from error
            if not to:
                raise UserError(_("请填写有效的邮箱地址。"), field="recipient")
        key = f"{template_key}:{occasion or task_id or 'p' + str(patient_id)}:{channel}"
        existing = session.execute(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == key)).scalar_one_or_none()
        if existing is not None:
            return _shown(ctx, _info(existing))
        message = OutboxMessage(
            patient_id=patient_id, task_id=task_id, channel=channel, recipient=to,
            subject=template.name, body=render(template.body, values), dedupe_key=key,
            template_key=template_key, params_json=json.dumps(values, ensure_ascii=False),
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
                 progress: Progress | None = None,
                 automatic_only: bool = False) -> tuple[int, int]:
    """Send queued messages of the sender's channel; returns (sent, failed attempts).

    Only what is due goes: an automatic or campaign message waits for its time and out of
    the quiet hours, and one past its use is left for the scan to drop. Given a ``progress`` (the
    GUI's worker job), it hears after each message and may stop the run between two messages
    (``check`` raises): each message is claimed, sent and recorded on its own, so a stopped
    run leaves none half sent."""
    from clinic_desktop.rules.send_window import in_quiet_hours
    from clinic_desktop.services.auto_messages import due_filter, sent_by_scan
    from clinic_desktop.services.auto_settings import auto_settings_in

    ctx.require(Permission.MESSAGES_SEND)
    with ctx.transaction() as session:
        now = ctx.now()
        zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
        quiet = in_quiet_hours(now, zone, *auto_settings_in(session).quiet_span())
        query = select(OutboxMessage.id).where(
            OutboxMessage.status == "queued", OutboxMessage.channel == sender.channel,
            *due_filter(now, quiet=quiet))
        if automatic_only:
            query = query.where(sent_by_scan())
        ids = list(session.execute(query.order_by(OutboxMessage.id).limit(limit)).scalars())
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
            accepted = sender.send(message)
        except Exception as exc:  # every failure is recorded on the message, none is lost
            failed += 1
            # Transports word their failures with secrets already redacted; no traceback here,
            # as a chained exception could quote a gateway URL with its API key.
            reason = str(exc) or type(exc).__name__
            log.warning("outbox message %s: %s attempt failed: %s", message_id,
                        sender.channel, reason)
            with ctx.transaction(write=True) as session:
                row = session.get_one(OutboxMessage, message_id)
                final = row.attempts >= MAX_ATTEMPTS or isinstance(exc, Undeliverable)
                row.status = "failed" if final else "queued"
                row.last_error = reason
            continue
        sent += 1
        with ctx.transaction(write=True) as session:
            row = session.get_one(OutboxMessage, message_id)
            row.status, row.sent_at, row.last_error = "sent", ctx.now(), None
            if accepted is not None:  # a receipt will say whether it reached the phone
                row.provider, row.provider_id = accepted.provider, accepted.message_id
                row.delivery = "unknown"
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
    mail server and the SMS gateway (and for a cloud provider only at an ``sms_endpoint``).

    ``sms_provider``: ``gateway`` (``sms_url`` and a token), ``aliyun`` or ``tencent``, with
    the AccessKey ID / SecretId (``sms_key_id``; its secret is in the keyring), the signature
    (签名), Tencent's SmsSdkAppId and region (Alibaba's mainland SMS has one endpoint), and an
    endpoint override for tests and private deployments (https, or http to this computer).
    """

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_from: str = ""
    smtp_security: str = SmtpSecurity.STARTTLS.value
    ca_file: str = ""
    sms_url: str = ""
    sms_provider: str = GATEWAY
    sms_key_id: str = ""
    sms_sign_name: str = ""
    sms_app_id: str = ""
    sms_region: str = ""
    sms_endpoint: str = ""


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
    _check_provider(settings)


def _check_provider(settings: ChannelSettings) -> None:
    """A cloud provider needs its key id, signature (and Tencent its application)."""
    if settings.sms_provider not in PROVIDERS:
        raise UserError(_("请选择短信服务商。"), field="sms_provider")
    if settings.sms_endpoint:
        check_endpoint(settings.sms_endpoint, field="sms_endpoint")
    if settings.sms_provider == GATEWAY:
        return
    who = provider_name(settings.sms_provider)
    key_id = "AccessKey ID" if settings.sms_provider == ALIYUN else "SecretId"
    if not settings.sms_key_id or any(c.isspace() for c in settings.sms_key_id):
        raise UserError(_("请填写{provider}的 {key_id}（不含空格）。", provider=who,
                          key_id=key_id), field="sms_key_id")
    if not settings.sms_sign_name:
        raise UserError(_("请填写在{provider}审核通过的短信签名。", provider=who),
                        field="sms_sign_name")
    if settings.sms_provider == TENCENT and not settings.sms_app_id.isdigit():
        raise UserError(_("请填写腾讯云短信应用的 SmsSdkAppId（一串数字，如 1400006666）。"),
                        field="sms_app_id")
    if settings.sms_provider == TENCENT and settings.sms_region \
            and not all(c.isalnum() or c == "-" for c in settings.sms_region):
        raise UserError(_("地域应类似 {example}。", example=DEFAULT_REGIONS[TENCENT]),
                        field="sms_region")


def check_sms_templates(provider: str, mapping: Mapping[str, ProviderTemplate],
                        names: Mapping[str, str]) -> None:
    """The template ids' format, naming the template (the dialog checks before saving)."""
    for key, item in mapping.items():
        check_template_id(item.template_id, provider, template=names.get(key) or key)


def save_channels(ctx: Context, settings: ChannelSettings, *,
                  sms_templates: Mapping[str, ProviderTemplate] | None = None) -> None:
    """Host names and addresses only: passwords and tokens go to the keyring. With
    ``sms_templates``, the chosen provider's template mapping is saved in the same step."""
    ctx.require(Permission.SETTINGS_MANAGE)
    _check_channels(settings)
    if sms_templates is not None:
        if settings.sms_provider not in CLOUD_PROVIDERS:
            raise UserError(_("模板对应只用于阿里云或腾讯云短信。"), field="sms_provider")
        names = {key: name for key, name, _body in templates(ctx)}
        check_sms_templates(settings.sms_provider, sms_templates, names)
    with ctx.transaction(write=True) as session:
        write_setting(session, "messages.channels", asdict(settings))
        if sms_templates is not None:
            write_templates(session, settings.sms_provider, sms_templates)
        endpoint = f" {redact_url(settings.sms_endpoint)}" if settings.sms_endpoint else ""
        ctx.audit(session, "settings.channels", "setting", "messages.channels",
                  f"smtp={settings.smtp_host}:{settings.smtp_port} {settings.smtp_security} "
                  f"sms={redact_url(settings.sms_url)} provider={settings.sms_provider}"
                  f"{endpoint}")


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
    if channel == "sms" and settings.sms_provider in CLOUD_PROVIDERS:
        return _provider_sender(ctx, settings, get_secret(SECRET_NAMES[settings.sms_provider]))
    if channel == "sms":
        token = get_secret("sms_token")
        if not settings.sms_url or not token:
            raise UserError(_("还没有设置短信网关地址或令牌（设置 → 消息渠道）。"), field="sms_url")
        return SmsGatewaySender(settings.sms_url, token, ca_file=settings.ca_file)
    raise UserError(_("发送渠道无效。"), field="channel")


def _provider_sender(ctx: Context, settings: ChannelSettings, secret: str | None) -> Sender:
    """Alibaba's or Tencent's sender with the template mapping; says what is missing."""
    from clinic_desktop.services.sms_aliyun import AliyunSmsSender
    from clinic_desktop.services.sms_tencent import TencentSmsSender

    provider = settings.sms_provider
    if not settings.sms_key_id or not secret or not settings.sms_sign_name:
        names = {ALIYUN: "AccessKey ID / AccessKey Secret", TENCENT: "SecretId / SecretKey"}
        raise UserError(_("还没有设置{provider}短信的 {keys} 或短信签名（设置 → 消息渠道）。",
                          provider=provider_name(provider), keys=names[provider]),
                        field="sms_key_id")
    names = {key: name for key, name, _body in templates(ctx)}
    with ctx.transaction() as session:
        mapping = templates_in(session, provider)
    # The clinic's CA is trusted only at an endpoint override: the public endpoints are
    # checked against the public CAs, which a clinic's own file must not replace.
    ca_file = settings.ca_file if settings.sms_endpoint else ""
    if provider == ALIYUN:
        # Its region stays the default: Dysmsapi has one endpoint for the mainland.
        return AliyunSmsSender(settings.sms_key_id, secret, settings.sms_sign_name, mapping,
                               names, endpoint=settings.sms_endpoint, ca_file=ca_file)
    if not settings.sms_app_id:
        raise UserError(_("还没有设置腾讯云短信的 SmsSdkAppId（设置 → 消息渠道）。"),
                        field="sms_app_id")
    return TencentSmsSender(settings.sms_key_id, secret, settings.sms_sign_name,
                            settings.sms_app_id, mapping, names, region=settings.sms_region,
                            endpoint=settings.sms_endpoint, ca_file=ca_file)
