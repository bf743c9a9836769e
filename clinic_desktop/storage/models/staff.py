"""Staff accounts and chairs/rooms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_doctor: Mapped[bool] = mapped_column(default=False)
    colour: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32))
    failed_logins: Mapped[int] = mapped_column(default=0)
    # Set by an administrator (a reset, or "change at next sign-in"); the sign-in then asks
    # for a new password before anything else, and changing it clears the flag.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    # A doctor named in an imported sheet who has left is created inactive by that import.
    import_batch_id: Mapped[int | None] = mapped_column(index=True)

    __mapper_args__ = {"version_id_col": version}


class Chair(Base):
    """A dental chair, consulting room or examination room."""

    __tablename__ = "chair"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
