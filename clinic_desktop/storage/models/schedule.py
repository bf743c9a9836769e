"""Doctors' working hours and time off, appointments with their history, the waitlist."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class WorkingHours(Base):
    """One span of a doctor's weekly hours (several per weekday allowed); local wall times."""

    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class TimeOff(Base):
    __tablename__ = "time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    start: Mapped[datetime]
    end: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))  # leave / meeting / training / other
    reason: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_time_off_staff_start", "staff_id", "start"),)


class Appointment(Base):
    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    doctor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("chair.id"))
    start: Mapped[datetime]
    end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="booked")
    channel: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str | None] = mapped_column(String(255))
    cancel_reason: Mapped[str | None] = mapped_column(String(255))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # Covers the all-doctors week (counts per doctor per day) without reading rows.
        Index("ix_appointment_start", "start", "doctor_id", "status"),
        Index("ix_appointment_doctor_start", "doctor_id", "start"),
        Index("ix_appointment_chair_start", "chair_id", "start"),
        Index("ix_appointment_patient_start", "patient_id", "start"),
    )


class AppointmentProcedure(Base):
    __tablename__ = "appointment_procedure"

    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), primary_key=True
    )
    procedure_type_id: Mapped[int] = mapped_column(ForeignKey("procedure_type.id"),
                                                   primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class AppointmentEvent(Base):
    """The history of one appointment: created, moved, status changes, overrides."""

    __tablename__ = "appointment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")


class WaitlistEntry(Base):
    """A patient who wants an earlier slot (the ASAP list)."""

    __tablename__ = "waitlist_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    doctor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    procedure_type_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_type.id"))
    earliest: Mapped[date | None]
    latest: Mapped[date | None]
    # Comma-separated parts of day the patient can come: morning, afternoon, evening.
    day_parts: Mapped[str] = mapped_column(String(64), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    current_appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    resolved_note: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
