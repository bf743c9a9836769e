"""Everything said and sent: contact log, feedback and complaints, attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class ContactLog(Base):
    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(16))  # phone, wechat, sms, email, visit
    direction: Mapped[str] = mapped_column(String(8))  # out, in
    summary: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(32), default="")

    __table_args__ = (Index("ix_contact_patient_at", "patient_id", "at"),)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    at: Mapped[datetime]
    satisfaction: Mapped[int | None]
    complaint: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="none")  # none/open/handling/resolved
    resolution: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Attachment(Base):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # xray, photo, pdf, scan, other
    caption: Mapped[str] = mapped_column(String(255), default="")
    added_at: Mapped[datetime]
    added_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
