"""The hash-chained audit log: append in the caller's transaction, verify the whole chain."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from clinic_desktop.permissions import Permission
from clinic_desktop.storage.models.audit import AuditEntry

if TYPE_CHECKING:
    from clinic_desktop.context import Actor, Context

GENESIS_HASH = "0" * 64


def entry_hash(
    *, prev_hash: str, at: datetime, username: str, action: str, entity: str,
    entity_id: str | None, summary: str,
) -> str:
    canonical = "\x1f".join(
        [prev_hash, at.isoformat(timespec="microseconds"), username, action, entity,
         entity_id or "", summary]
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_entry(
    session: Session, *, at: datetime, actor: Actor, action: str, entity: str,
    entity_id: str | None, summary: str,
) -> None:
    # The chain must be linear even with two workstations: on SQLite, BEGIN IMMEDIATE-like
    # serialisation comes from the write lock the insert takes; we read the tail just before.
    last = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev = last or GENESIS_HASH
    digest = entry_hash(
        prev_hash=prev, at=at, username=actor.username, action=action, entity=entity,
        entity_id=entity_id, summary=summary,
    )
    session.add(
        AuditEntry(
            at=at, staff_id=actor.staff_id, username=actor.username, action=action,
            entity=entity, entity_id=entity_id, summary=summary, prev_hash=prev, hash=digest,
        )
    )
    session.flush()


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str | None
    summary: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_bad_id: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in id order; the first entry that does not match is named."""
    prev = GENESIS_HASH
    count = 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows:
        count += 1
        if entry.prev_hash != prev:
            return ChainReport(count, entry.id, "prev_hash does not match the entry before")
        expected = entry_hash(
            prev_hash=prev, at=entry.at, username=entry.username, action=entry.action,
            entity=entry.entity, entity_id=entry.entity_id, summary=entry.summary,
        )
        if entry.hash != expected:
            return ChainReport(count, entry.id, "content changed after it was written")
        prev = entry.hash
    return ChainReport(count, None, None)


def recent_entries(
    ctx: Context, *, limit: int = 200, entity: str | None = None, entity_id: str | None = None
) -> list[AuditRecord]:
    ctx.require(Permission.AUDIT_VIEW)
    with ctx.transaction() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if entity is not None:
            query = query.where(AuditEntry.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        return [
            AuditRecord(e.id, e.at, e.username, e.action, e.entity, e.entity_id, e.summary)
            for e in session.execute(query).scalars()
        ]


def count_entries(session: Session) -> int:
    return session.execute(select(func.count(AuditEntry.id))).scalar_one()


def integrity_check(session: Session) -> list[str]:
    """SQLite's own page-level check; an empty list means the file is sound."""
    if session.bind is None or session.get_bind().dialect.name != "sqlite":
        return []
    rows = [row[0] for row in session.execute(text("PRAGMA integrity_check")).all()]
    return [] if rows == ["ok"] else rows


def check_chain(ctx: Context) -> ChainReport:
    """Verify the whole audit chain (the audit page's button, the ``check`` command)."""
    ctx.require(Permission.AUDIT_VIEW)
    with ctx.transaction() as session:
        return verify_chain(session)
