"""Messages the app queues by itself: booking confirmations and reminders, care messages from
plan steps, recall notices, birthday and festival greetings, satisfaction surveys.

Everything goes through the outbox (``messages``): a message here is only *queued*, with the
moment it may go (``not_before``: the evening before, two hours before, the end of the quiet
hours) and the moment it stops helping (``expires_at``: a reminder's appointment). The scan
sends what is due on the clinic's channel, drops what has gone stale with the reason, and
turns an automatic reminder that finally failed back into a call task, so nobody is left
unreminded. A patient the app cannot reach (no consent where it is needed, a refusal, no
mobile, a template left half empty) keeps the call task a person works, as before.

Reminders and confirmations follow the booking in the booking's own transaction (a move
withdraws what has not been sent and queues the new ones; a cancel withdraws them). Birthday
tasks and care-plan message steps become messages when their day comes, in the scheduler's
scan, before the callback list raises them. Children's messages go to the parent on file.

A campaign's messages (kind ``campaign``) are queued here too, under the same rules (quiet
hours, one marketing message a patient a day, no empty placeholder), but they are a person's
to send (发送 on the 消息 page): the scan neither sends them nor counts them against the daily
cap, so a large campaign never holds back the day's reminders."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.events import AppointmentChanged, TreatmentCompleted
from clinic_desktop.i18n import _
from clinic_desktop.rules.age import age_on
from clinic_desktop.rules.festivals import Festival, festivals_on
from clinic_desktop.rules.message_templates import empty_placeholders, greeting_name, render
from clinic_desktop.rules.send_window import in_quiet_hours, next_open
from clinic_desktop.services.auto_settings import (
    MARKETING_KINDS,
    AutoMessageSettings,
    auto_settings_in,
)
from clinic_desktop.services.care import active_plans
from clinic_desktop.services.care import reminder_times as care_reminder_times
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.consent import channel_label, consents_in
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.services.messages import placeholder_values
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import ProcedureType, Visit
from clinic_desktop.storage.models.messaging import ContactConsent, MessageTemplate, OutboxMessage
from clinic_desktop.storage.models.patient import FamilyLink, Patient
from clinic_desktop.storage.models.schedule import Appointment, AppointmentProcedure

log = logging.getLogger(__name__)

BOOKING_KINDS = ("confirmation", "reminder")
MOBILE = re.compile(r"1[3-9]\d{9}")
ADULT_AGE = 18
SURVEY_USEFUL = timedelta(days=3)
CARE_USEFUL = timedelta(days=2)
FESTIVAL_DONE = "messages.auto.festival_done"
CAMPAIGN = "campaign"  # the kind of a campaign's messages (see the module's note)


@dataclass(frozen=True)
class Route:
    """Where a patient's message goes, and how it addresses them."""

    channel: str
    recipient: str
    greeting: str  # {称呼}: 张女士, or 李小明家长 for a child's parent
    via_guardian: bool


def _guardian(session: Session, patient: Patient, today: date) -> Patient | None:
    """A child's parent on file with a mobile or an e-mail address (the family link says who
    is parent)."""
    if patient.birth_date is None or age_on(patient.birth_date, today) >= ADULT_AGE:
        return None
    return session.execute(
        select(Patient).join(FamilyLink, FamilyLink.relative_id == Patient.id)
        .where(FamilyLink.patient_id == patient.id, FamilyLink.relation == "parent",
               or_(Patient.mobile.is_not(None), Patient.email.is_not(None)),
               Patient.archived.is_(False))
        .order_by(Patient.id).limit(1)).scalar_one_or_none()


def route_in(session: Session, patient: Patient, settings: AutoMessageSettings, *,
             marketing: bool, today: date) -> Route | str:
    """The route of a message to ``patient``, or why there is none (a reason for people)."""
    if patient.archived or patient.merged_into_id is not None:
        return _("患者已归档")
    guardian = _guardian(session, patient, today)
    who = guardian or patient
    consent = consents_in(session, [who.id])[who.id]
    first_reason: str | None = None
    for channel in settings.channels():  # the clinic's channel, then e-mail when it says so
        reason = consent.refusal(channel, marketing=marketing)
        recipient = _address(who, channel) if reason is None else None
        if recipient:
            greeting = f"{patient.name}家长" if guardian is not None \
                else greeting_name(patient.name, patient.sex)
            return Route(channel, recipient, greeting, guardian is not None)
        first_reason = first_reason or reason or _no_address(channel)
    assert first_reason is not None  # at least one channel was tried
    return first_reason


def _address(who: Patient, channel: str) -> str | None:
    if channel == "sms":
        return who.mobile if who.mobile and MOBILE.fullmatch(who.mobile) else None
    if channel == "email":
        return who.email
    return who.wechat or who.mobile  # manual: the desk copies it into WeChat


def _no_address(channel: str) -> str:
    return {"sms": _("没有可收短信的手机号"), "email": _("没有邮箱地址")}.get(
        channel, _("没有微信号或手机号"))


def _values(session: Session, patient: Patient, route: Route, *, when: datetime | None = None,
            doctor_id: int | None = None, procedure: str = "", festival: str | None = None
            ) -> dict[str, str]:
    return placeholder_values(session, patient, greeting=route.greeting, when=when,
                              doctor_id=doctor_id, procedure=procedure, festival=festival)


def _booking_values(session: Session, booking: Appointment, patient: Patient,
                    route: Route) -> dict[str, str]:
    procedures = "、".join(session.execute(
        select(ProcedureType.name)
        .join(AppointmentProcedure, AppointmentProcedure.procedure_type_id == ProcedureType.id)
        .where(AppointmentProcedure.appointment_id == booking.id)
        .order_by(AppointmentProcedure.position)).scalars())
    # A booking without a procedure is a consultation: a reminder saying so reads whole.
    return _values(session, patient, route, when=booking.start, doctor_id=booking.doctor_id,
                   procedure=procedures or "复诊咨询")


@dataclass(frozen=True)
class Queued:
    """What ``queue_auto`` did: ``message`` queued (or found queued before), or why not."""

    message: OutboxMessage | None
    reason: str | None = None

    @property
    def queued(self) -> bool:
        return self.message is not None and self.message.status != "failed"


def queue_auto(ctx: Context, session: Session, *, patient: Patient, kind: str,
               template_key: str, values: dict[str, str], route: Route, key: str,
               not_before: datetime, expires_at: datetime | None,
               settings: AutoMessageSettings, appointment_id: int | None = None,
               task_id: int | None = None, created_by: int | None = None) -> Queued:
    """One automatic message in the outbox, once per ``key``. Its time is moved out of the
    quiet hours; one that would then arrive too late is not queued. A template the values
    leave with an empty placeholder gives a *failed* message naming it (reported, not sent)."""
    found = session.execute(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == key)).scalar_one_or_none()
    if found is not None and found.status != "dropped":
        return Queued(found)
    zone = clinic_zone(session)
    quiet_from, quiet_until = settings.quiet_span()
    when = next_open(max(not_before, ctx.now()), zone, quiet_from, quiet_until)
    if expires_at is not None and when >= expires_at:
        return Queued(None, _("安静时段结束时已太晚"))
    if kind in MARKETING_KINDS and _marketing_that_day(session, patient.id, when, zone):
        return Queued(None, _("今天已发过一条营销消息"))
    template = session.execute(select(MessageTemplate).where(
        MessageTemplate.key == template_key)).scalar_one_or_none()
    if template is None:
        return Queued(None, _("找不到消息模板“{key}”。", key=template_key))
    empty = empty_placeholders(template.body, values)
    # A message withdrawn before (the booking moved away and back) is queued again as new.
    message = found or OutboxMessage(dedupe_key=key, created_by=created_by, attempts=0)
    message.patient_id, message.task_id, message.kind = patient.id, task_id, kind
    message.channel, message.recipient, message.subject = (route.channel, route.recipient,
                                                           template.name)
    message.body, message.template_key = render(template.body, values), template_key
    message.params_json = json.dumps(values, ensure_ascii=False)
    message.created_at = ctx.now()
    message.appointment_id, message.not_before, message.expires_at = (appointment_id, when,
                                                                      expires_at)
    message.status, message.last_error = "queued", None
    if empty:
        message.status = "failed"
        message.last_error = _("模板“{template}”的“{{{name}}}”没有内容，消息未发送。",
                               template=template.name, name=empty[0])
    session.add(message)
    session.flush()
    return Queued(message, message.last_error)


def _marketing_that_day(session: Session, patient_id: int, when: datetime,
                        zone: ZoneInfo) -> bool:
    day = when.astimezone(zone).date()
    start = datetime.combine(day, time(0), zone)
    return session.execute(select(OutboxMessage.id).where(
        OutboxMessage.patient_id == patient_id, OutboxMessage.kind.in_(MARKETING_KINDS),
        OutboxMessage.status.in_(("queued", "sending", "sent")),
        OutboxMessage.not_before >= start,
        OutboxMessage.not_before < start + timedelta(days=1)).limit(1)).first() is not None


# -- bookings -------------------------------------------------------------------------------------
def _booking_key(kind: str, booking: Appointment, which: str = "") -> str:
    # The time and the doctor are in the key: a move or a change of doctor makes new messages
    # (and withdraws the old), a change of status or length does not.
    return (f"auto:{kind}:a{booking.id}:{which}:{booking.start.isoformat()}:"
            f"d{booking.doctor_id}")


def reminder_times(session: Session, start: datetime) -> dict[str, datetime]:
    """When the two reminders of a booking at ``start`` are due: the care settings' times,
    the same as the reminder call tasks'."""
    return care_reminder_times(
        start, clinic_zone(session),
        evening_at=time.fromisoformat(read_setting(session, "care.reminder_evening", "18:00")),
        hours_before=int(read_setting(session, "care.reminder_hours_before", 2)))


def on_appointment_changed(ctx: Context, session: Session, event: AppointmentChanged) -> None:
    """Queue the booking's confirmation and reminders, withdraw what a move or cancel made
    useless. Runs before the care area's handler, which then leaves out the reminder call
    tasks of a booking whose reminders are queued here."""
    settings = auto_settings_in(session)
    booking = session.get(Appointment, event.appointment_id)
    wanted: list[str] = []
    now = ctx.now()
    if booking is not None and event.status in ("booked", "confirmed") and event.start > now \
            and (settings.on("confirmation") or settings.on("reminder")):
        patient = session.get_one(Patient, event.patient_id)
        route = route_in(session, patient, settings, marketing=False,
                         today=now.astimezone(clinic_zone(session)).date())
        if isinstance(route, Route):
            values = _booking_values(session, booking, patient, route)
            if settings.on("confirmation"):
                key = _booking_key("confirmation", booking)
                queue_auto(ctx, session, patient=patient, kind="confirmation",
                           template_key=settings.template_for("confirmation"), values=values,
                           route=route, key=key, not_before=now, expires_at=booking.start,
                           settings=settings, appointment_id=booking.id)
                wanted.append(key)
            if settings.on("reminder"):
                for which, due in reminder_times(session, booking.start).items():
                    if due <= now:
                        continue
                    key = _booking_key("reminder", booking, which)
                    done = queue_auto(ctx, session, patient=patient, kind="reminder",
                                      template_key=settings.template_for("reminder"),
                                      values=values, route=route, key=key, not_before=due,
                                      expires_at=booking.start, settings=settings,
                                      appointment_id=booking.id)
                    if done.message is not None:
                        wanted.append(key)
    reason = _withdrawn_reason(session, event, booking)
    session.execute(update(OutboxMessage).where(
        OutboxMessage.appointment_id == event.appointment_id,
        OutboxMessage.kind.in_(BOOKING_KINDS), OutboxMessage.status == "queued",
        OutboxMessage.dedupe_key.not_in(wanted or [""])).values(
        status="dropped", last_error=reason))


def _withdrawn_reason(session: Session, event: AppointmentChanged,
                      booking: Appointment | None) -> str:
    if event.status == "cancelled":
        return _("预约已取消，未发送")
    if event.status in ("booked", "confirmed") and booking is not None:
        when = booking.start.astimezone(clinic_zone(session))
        return _("预约已改为 {when}，未发送", when=f"{when:%m-%d %H:%M}")
    return _("预约已结束，未发送")


def reminders_automatic(session: Session, appointment_id: int) -> bool:
    """Whether the booking's reminders are queued (or sent) as messages: then the care area
    creates no reminder call tasks for it."""
    booking = session.get(Appointment, appointment_id)
    if booking is None:
        return False
    keys = [_booking_key("reminder", booking, which) for which in ("eve", "h2")]
    return session.execute(select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key.in_(keys),
        OutboxMessage.status.in_(("queued", "sending", "sent"))).limit(1)).first() is not None


# -- visits ---------------------------------------------------------------------------------------
def on_treatment_completed(ctx: Context, session: Session, event: TreatmentCompleted) -> None:
    """A satisfaction survey a few hours after a visit (not for imported history)."""
    if event.imported:
        return
    settings = auto_settings_in(session)
    if not settings.on("survey"):
        return
    patient = session.get_one(Patient, event.patient_id)
    route = route_in(session, patient, settings, marketing=False,
                     today=ctx.now().astimezone(clinic_zone(session)).date())
    if not isinstance(route, Route):
        return
    visit = session.get_one(Visit, event.visit_id)
    sent_at = max(event.treated_at, ctx.now()) + timedelta(hours=settings.survey_hours_after)
    queue_auto(ctx, session, patient=patient, kind="survey",
               template_key=settings.template_for("survey"),
               values=_values(session, patient, route, doctor_id=visit.doctor_id),
               route=route, key=f"auto:survey:v{event.visit_id}", not_before=sent_at,
               expires_at=sent_at + SURVEY_USEFUL, settings=settings)


# -- the scan -------------------------------------------------------------------------------------
def scan(ctx: Context) -> int:
    """The scheduler's minute: drop what went stale, turn the day's birthday and care-message
    tasks and the coming recalls into messages, greet a festival, send what is due on the
    clinic's channel. Returns how many messages it queued or sent."""
    with ctx.transaction(write=True) as session:
        settings = auto_settings_in(session)
        _drop_stale(ctx, session)
        made = 0
        if settings.enabled:
            made += _care_tasks(ctx, session, settings)
            made += _recall_notices(ctx, session, settings)
        _fallback_tasks(ctx, session)
    return made + _festival(ctx, settings) + _send_due(ctx, settings)


def _drop_stale(ctx: Context, session: Session) -> int:
    """Queued messages past their use (the app was closed over the weekend: no reminder for
    Saturday's appointment on Monday)."""
    result = session.execute(update(OutboxMessage).where(
        OutboxMessage.status == "queued", OutboxMessage.expires_at.is_not(None),
        OutboxMessage.expires_at <= ctx.now()).values(
        status="dropped", last_error=_("已过时（未在有用的时间内发出），未发送")))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _day_start(session: Session, now: datetime) -> tuple[date, datetime]:
    zone = clinic_zone(session)
    today = now.astimezone(zone).date()
    return today, datetime.combine(today, time(0), zone)


def _care_tasks(ctx: Context, session: Session, settings: AutoMessageSettings) -> int:
    """Today's birthday tasks and the care-plan message steps that came due, as messages
    for the patients who can get them; the task is closed saying so. The others stay tasks."""
    now = ctx.now()
    today, start = _day_start(session, now)
    kinds = [k for k, on in (("birthday", settings.on("birthday")),
                             ("message", settings.on("care"))) if on]
    if not kinds:
        return 0
    tasks = list(session.execute(select(CareTask).where(
        CareTask.kind.in_(kinds), CareTask.status.in_(("pending", "due")),
        CareTask.due_at < start + timedelta(days=1))).scalars())
    steps = {(p.key, s.key): s for p in active_plans(session) for s in p.steps} \
        if "message" in kinds else {}
    made = 0
    day_at = time.fromisoformat(settings.day_messages_at)
    for task in tasks:
        patient = session.get_one(Patient, task.patient_id)
        birthday = task.kind == "birthday"
        if birthday and task.due_at < start:
            continue  # a missed day's greeting: a person decides whether it still fits
        route = route_in(session, patient, settings, marketing=birthday, today=today)
        if not isinstance(route, Route):
            continue
        if birthday:
            kind, template = "birthday", settings.template_for("birthday")
            when = datetime.combine(today, day_at, clinic_zone(session))
            expires = start + timedelta(days=1)
        else:
            step = steps.get((task.plan_key or "", task.step_key or ""))
            kind = "care"
            template = (step.template_key if step and step.template_key
                        else settings.template_for("care"))
            when, expires = now, task.due_at + CARE_USEFUL
        done = queue_auto(ctx, session, patient=patient, kind=kind, template_key=template,
                          values=_values(session, patient, route, doctor_id=task.doctor_id,
                                         procedure=task.procedure_name or ""),
                          route=route, key=f"auto:{kind}:t{task.id}", not_before=when,
                          expires_at=expires, settings=settings, task_id=task.id)
        if not done.queued:
            continue  # reported on the message, or too late: the task stays for a person
        task.status, task.closed_at = "done", now
        task.closed_reason = _("已自动发送消息")
        task.version += 1
        made += 1
    return made


def _recall_notices(ctx: Context, session: Session, settings: AutoMessageSettings) -> int:
    """A notice some days before each recall falls due (the plan step's lead time, else the
    clinic's ``recall_notice_days``; a step's 0: no notice), with how to book."""
    if not settings.on("recall_notice"):
        return 0
    now = ctx.now()
    today = now.astimezone(clinic_zone(session)).date()
    lead = {(p.key, s.key): s.notice_days for p in active_plans(session) for s in p.steps}
    longest = max([settings.recall_notice_days, *(d for d in lead.values() if d)])
    tasks = session.execute(select(CareTask).where(
        CareTask.kind == "recall", CareTask.status == "pending", CareTask.due_at > now,
        CareTask.due_at <= now + timedelta(days=longest))).scalars().all()
    keys = {}
    for task in tasks:
        days = lead.get((task.plan_key or "", task.step_key or ""))
        days = settings.recall_notice_days if days is None else days
        if days and task.due_at <= now + timedelta(days=days):
            keys[f"auto:recall_notice:t{task.id}"] = task
    known = set(session.execute(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.in_(list(keys) or [""]))).scalars())
    made = 0
    for key, task in keys.items():
        if key in known:
            continue
        patient = session.get_one(Patient, task.patient_id)
        route = route_in(session, patient, settings, marketing=False, today=today)
        if not isinstance(route, Route):
            continue
        done = queue_auto(
            ctx, session, patient=patient, kind="recall_notice",
            template_key=settings.template_for("recall_notice"),
            values=_values(session, patient, route, doctor_id=task.doctor_id,
                           procedure=task.procedure_name or task.title),
            route=route, key=key, not_before=now,
            expires_at=task.due_at + timedelta(days=task.window_days), settings=settings,
            task_id=task.id)
        made += int(done.queued)
    return made


FESTIVAL_CHUNK = 500  # patients per write transaction: other writers wait at most that long


def _festival(ctx: Context, settings: AutoMessageSettings) -> int:
    """Today's chosen festivals, once a day, to every patient who agreed to marketing on the
    channel (and not more than one marketing message a day each). Written a few hundred
    patients per transaction, so the desk's writes never wait for thousands of greetings;
    the day is marked done at the end (a run cut short is finished by the next scan, the
    dedupe keys keeping it to one greeting each)."""
    if not settings.on("festival"):
        return 0
    with ctx.transaction() as session:
        today, _start = _day_start(session, ctx.now())
        if read_setting(session, FESTIVAL_DONE, "") == today.isoformat():
            return 0
        found = festivals_on(today, settings.festivals)
        channels = ["wechat" if c == "manual" else c for c in settings.channels()]
        agreed = sorted(session.execute(select(ContactConsent.patient_id).where(
            ContactConsent.channel.in_(channels), ContactConsent.granted.is_(True)).distinct())
            .scalars()) if found else []
    made = 0
    for first in range(0, len(agreed), FESTIVAL_CHUNK):
        with ctx.transaction(write=True) as session:
            made += _greet(ctx, session, settings, found[0], today,
                           agreed[first:first + FESTIVAL_CHUNK])
    with ctx.transaction(write=True) as session:
        write_setting(session, FESTIVAL_DONE, today.isoformat())
    return made


def _greet(ctx: Context, session: Session, settings: AutoMessageSettings, festival: Festival,
           today: date, patient_ids: list[int]) -> int:
    # Two festivals on one day (中秋 and 国庆 in 2031): one greeting, naming the first.
    zone = clinic_zone(session)
    when = datetime.combine(today, time.fromisoformat(settings.day_messages_at), zone)
    made = 0
    for pid in patient_ids:
        patient = session.get_one(Patient, pid)
        route = route_in(session, patient, settings, marketing=True, today=today)
        if not isinstance(route, Route):
            continue
        done = queue_auto(
            ctx, session, patient=patient, kind="festival",
            template_key=settings.template_for("festival"),
            values=_values(session, patient, route, festival=festival.name), route=route,
            key=f"auto:festival:{festival.key}:{today.year}:p{pid}", not_before=when,
            expires_at=datetime.combine(today + timedelta(days=1), time(0), zone),
            settings=settings)
        made += int(done.queued)
    return made


def _fallback_tasks(ctx: Context, session: Session) -> int:
    """An automatic reminder that finally failed becomes a call task, while the booking is
    still ahead, so the patient is reminded all the same."""
    now = ctx.now()
    rows = session.execute(
        select(OutboxMessage, Appointment)
        .join(Appointment, Appointment.id == OutboxMessage.appointment_id)
        .where(OutboxMessage.kind == "reminder", OutboxMessage.status == "failed",
               OutboxMessage.task_id.is_(None), Appointment.start > now,
               Appointment.status.in_(("booked", "confirmed")))).all()
    for message, booking in rows:
        task = CareTask(
            patient_id=message.patient_id, kind="reminder",
            title=_("预约提醒（{channel}未发出：{reason}）", channel=channel_label(message.channel),
                    reason=(message.last_error or "")[:40]),
            due_at=now, source="appointment", source_id=booking.id,
            dedupe_key=f"auto-fallback:m{message.id}", assigned_role="receptionist",
            priority=1, window_days=0, created_at=now)
        session.add(task)
        session.flush()
        message.task_id = task.id
    return len(rows)


def sent_by_scan() -> ColumnElement[bool]:
    """The outbox rows the scan sends and the daily cap counts: automatic, not a campaign's."""
    return and_(OutboxMessage.kind.is_not(None), OutboxMessage.kind != CAMPAIGN)


def sent_today(session: Session, now: datetime) -> int:
    _today, start = _day_start(session, now)
    return int(session.execute(select(func.count()).select_from(OutboxMessage).where(
        sent_by_scan(), OutboxMessage.sent_at >= start,
        OutboxMessage.sent_at < start + timedelta(days=1))).scalar_one())


def _send_due(ctx: Context, settings: AutoMessageSettings) -> int:
    """Send the due automatic messages on the SMS and e-mail channels, within the quiet
    hours, the daily cap and the provider's rate (a scan a minute sends at most
    ``rate_per_minute`` on each). The manual channel waits in the outbox for the desk."""
    return sum(_send_due_on(ctx, settings, channel) for channel in settings.channels()
               if channel != "manual")


def _send_due_on(ctx: Context, settings: AutoMessageSettings, channel: str) -> int:
    from clinic_desktop.services.messages import send_pending, sender_for

    with ctx.transaction() as session:
        now = ctx.now()
        quiet_from, quiet_until = settings.quiet_span()
        if in_quiet_hours(now, clinic_zone(session), quiet_from, quiet_until):
            return 0
        room = min(settings.rate_per_minute, settings.daily_cap - sent_today(session, now))
        waiting = session.execute(select(OutboxMessage.id).where(
            OutboxMessage.status == "queued", OutboxMessage.channel == channel,
            sent_by_scan(),
            or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now))
            .limit(1)).first()
    if room <= 0 or waiting is None:
        return 0
    try:
        sender = sender_for(ctx, channel)
    except UserError as error:
        log.info("automatic messages wait: %s", error)
        return 0
    sent, _failed = send_pending(ctx, sender, limit=room, automatic_only=True)
    return sent


def due_filter(now: datetime, *, quiet: bool) -> list[ColumnElement[bool]]:
    """The conditions of a queued message that may go now: its time has come, it is still
    useful, and an automatic or campaign one waits out the quiet hours."""
    conditions: list[ColumnElement[bool]] = [
        or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now),
        or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now)]
    if quiet:
        conditions.append(OutboxMessage.kind.is_(None))
    return [and_(*conditions)]
