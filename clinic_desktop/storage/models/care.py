"""Care tasks: follow-up calls, recalls, reminders, birthdays, win-backs — our own table is
the source of truth, the scheduler only asks it what has come due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class CarePlanRecord(Base):
    """A plan as edited by the administrator (steps as JSON, validated by the rules)."""

    __tablename__ = "care_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    definition_json: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class CareTask(Base):
    __tablename__ = "care_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # followup_call, recall, message, reminder,
    #                                                birthday, reactivation, problem
    title: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime]
    # pending -> due -> done / cancelled / unreachable / satisfied; retries go back to pending
    status: Mapped[str] = mapped_column(String(16), default="pending")
    source: Mapped[str] = mapped_column(String(16))  # plan, appointment, birthday, dormant…
    source_id: Mapped[int | None]
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    plan_key: Mapped[str | None] = mapped_column(String(32))
    step_key: Mapped[str | None] = mapped_column(String(32))
    procedure_name: Mapped[str | None] = mapped_column(String(64))
    doctor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    assigned_role: Mapped[str] = mapped_column(String(16), default="nurse")
    assigned_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    priority: Mapped[int] = mapped_column(default=2)
    window_days: Mapped[int] = mapped_column(default=14)
    attempts: Mapped[int] = mapped_column(default=0)
    last_outcome: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_care_task_status_due", "status", "due_at"),
        Index("ix_care_task_patient", "patient_id", "status"),
        Index("ix_care_task_source", "source", "source_id"),
    )
