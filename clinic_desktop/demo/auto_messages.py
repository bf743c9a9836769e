"""A demo day of automatic messages: the clinic has turned them on, its coming bookings got
their confirmations and reminders through the real engine (``auto_messages``), and the
morning's sending left a few sent and delivered, two refused by the provider with its reason,
and three confirmations of bookings made late last night still waiting for the quiet hours
to end. The demo has no SMS account: nothing leaves the computer."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.events import AppointmentChanged, publish
from clinic_desktop.services.auto_settings import AutoMessageSettings, save_auto_settings
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.storage.models.messaging import OutboxMessage
from clinic_desktop.storage.models.schedule import Appointment

REFUSALS = ("阿里云短信：该号码已停机或为空号（isv.MOBILE_NUMBER_ILLEGAL）",
            "阿里云短信：该号码今天收到的短信已达上限（isv.BUSINESS_LIMIT_CONTROL）")


def seed_auto_messages(ctx: Context, rng: random.Random) -> int:
    save_auto_settings(ctx, AutoMessageSettings(
        enabled=frozenset({"confirmation", "reminder", "care", "recall_notice", "birthday",
                           "festival", "survey"})))
    now = ctx.now()
    with ctx.transaction(write=True) as session:
        zone = clinic_zone(session)
        today = now.astimezone(zone).date()
        horizon = datetime.combine(today + timedelta(days=3), time(0), zone)
        bookings = session.execute(select(Appointment).where(
            Appointment.start > now, Appointment.start < horizon,
            Appointment.status.in_(("booked", "confirmed"))).order_by(Appointment.start)).scalars()
        for booking in bookings:
            publish(ctx, session, AppointmentChanged(booking.id, booking.patient_id,
                                                     booking.start, booking.status))
        confirmations = list(session.execute(select(OutboxMessage).where(
            OutboxMessage.kind == "confirmation", OutboxMessage.status == "queued")
            .order_by(OutboxMessage.id)).scalars())
        opened = datetime.combine(today, time(8), zone)
        late_last_night = datetime.combine(today - timedelta(days=1), time(21, 40), zone)
        for index, message in enumerate(confirmations):
            if index < 3:  # booked online after 21:00: waiting for the window to open
                message.created_at = late_last_night
                message.not_before = max(opened, now + timedelta(minutes=20 * (index + 1)))
                continue
            sent_at = min(now, opened + timedelta(minutes=rng.randint(0, 90)))
            message.attempts = 1
            if index in (5, 11):
                message.status, message.last_error = "failed", REFUSALS[index == 11]
                continue
            message.status, message.sent_at = "sent", sent_at
            message.provider, message.provider_id = "aliyun", f"9{rng.randint(10**14, 10**15)}"
            message.delivery = "delivered" if rng.random() < 0.85 else "unknown"
            message.delivered_at = sent_at + timedelta(seconds=rng.randint(3, 40)) \
                if message.delivery == "delivered" else None
        return len(confirmations)
