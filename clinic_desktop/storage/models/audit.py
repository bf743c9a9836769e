"""Append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.storage.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The audit key's fingerprint (HMAC entries); None for entries from before keying.
    key_id: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)


class AuditHead(Base):
    """The newest entry of the chain, MACed with the audit key: one row, kept by a server
    database in the same transaction as each entry (an SQLite file keeps it in a file beside
    itself instead). Deleting the newest entries leaves a chain valid in itself; this row says
    it used to be longer, and without the key nobody can move it back to fit."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    mac: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
