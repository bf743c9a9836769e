"""Clinic business settings (name, time zone, thresholds): JSON values by key."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)


class Counter(Base):
    """Numbers handed out in sequence (patient codes): the last one given, per name.

    Allocation is an UPDATE in the caller's write transaction, so two workstations creating
    patients at once get different numbers, and a rolled-back creation gives its number back.
    """

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
