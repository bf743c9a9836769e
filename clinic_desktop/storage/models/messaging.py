"""Message templates and the outbox of rendered messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class MessageTemplate(Base):
    __tablename__ = "message_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)


class OutboxMessage(Base):
    """queued -> sending -> sent, or back to queued for a retry, or failed with the reason;
    an automatic message no longer useful (its booking moved, cancelled or past) is dropped
    with the reason instead.

    ``template_key`` and ``params_json`` (the placeholder values the body was rendered from)
    let an SMS provider send its registered template instead of the text. A message a provider
    accepted keeps the provider's id for it (``provider_id``: Alibaba's BizId, Tencent's
    SerialNo) and its delivery receipt: ``delivery`` is ``unknown`` until a receipt says
    ``delivered`` or ``failed`` (then ``delivery_error`` says why); other channels leave it
    empty."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("care_task.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8))  # manual, email, sms
    recipient: Mapped[str] = mapped_column(String(128), default="")
    subject: Mapped[str] = mapped_column(String(128), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    sent_at: Mapped[datetime | None]
    template_key: Mapped[str | None] = mapped_column(String(32))
    params_json: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(String(8))  # aliyun, tencent
    provider_id: Mapped[str | None] = mapped_column(String(64))
    delivery: Mapped[str | None] = mapped_column(String(12))  # unknown, delivered, failed
    delivered_at: Mapped[datetime | None]
    delivery_error: Mapped[str | None] = mapped_column(Text)
    # Automatic messages (``auto_messages``): what the message is (confirmation, reminder,
    # care, recall_notice, birthday, festival, survey; None: queued by hand), the booking it
    # is about, when it may go and when it stops being worth sending.
    kind: Mapped[str | None] = mapped_column(String(16))
    # Not a foreign key (see migration 20261211_22): bookings are cancelled, never deleted.
    appointment_id: Mapped[int | None]
    not_before: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_status", "status", "channel"),
                      Index("ix_outbox_delivery", "delivery", "sent_at"),
                      Index("ix_outbox_appointment", "appointment_id"),
                      Index("ix_outbox_kind_created", "kind", "created_at"))


class ContactConsent(Base):
    """What a patient said about being messaged, one row per statement (the latest per
    channel counts; nothing is edited in place). ``channel``: sms, email, wechat, or ``all``
    (a refusal of ``all`` is the opt-out from every message); ``how``: where it was said
    (form, desk, phone, reply, import)."""

    __tablename__ = "contact_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    granted: Mapped[bool]
    at: Mapped[datetime]
    how: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(255), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    __table_args__ = (Index("ix_contact_consent_patient", "patient_id", "channel", "at"),)
