"""The hash-chained audit log: append in the caller's transaction, verify the whole chain."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.audit_keys import AuditKeyStore
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.storage.audit_trail import (
    AuditTrail,
    ChainHead,
    head_mac,
    head_path_for,
    read_head,
    server_head,
)
from clinic_desktop.storage.models.audit import AuditEntry

if TYPE_CHECKING:
    from clinic_desktop.context import Actor, Context

GENESIS_HASH = "0" * 64


def _canonical(*, prev_hash: str, at: datetime, username: str, action: str, entity: str,
               entity_id: str | None, summary: str) -> bytes:
    return "\x1f".join(
        [prev_hash, at.isoformat(timespec="microseconds"), username, action, entity,
         entity_id or "", summary]
    ).encode("utf-8")


def entry_hash(*, key: bytes | None, prev_hash: str, at: datetime, username: str, action: str,
               entity: str, entity_id: str | None, summary: str) -> str:
    """HMAC-SHA256 with the clinic's audit key; plain SHA-256 only for entries written before
    the chain was keyed (``key`` None)."""
    canonical = _canonical(prev_hash=prev_hash, at=at, username=username, action=action,
                           entity=entity, entity_id=entity_id, summary=summary)
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def append_entry(
    session: Session, *, trail: AuditTrail, at: datetime, actor: Actor, action: str,
    entity: str, entity_id: str | None, summary: str,
) -> None:
    """Append in the caller's write transaction (it holds the write lock, so the tail read
    here is still the tail when the entry is inserted: the chain stays linear)."""
    last = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev = last or GENESIS_HASH
    key_id, key = trail.signing_key(session)
    digest = entry_hash(
        key=key, prev_hash=prev, at=at, username=actor.username, action=action, entity=entity,
        entity_id=entity_id, summary=summary,
    )
    entry = AuditEntry(
        at=at, staff_id=actor.staff_id, username=actor.username, action=action, entity=entity,
        entity_id=entity_id, summary=summary, prev_hash=prev, hash=digest, key_id=key_id,
    )
    session.add(entry)
    session.flush()
    trail.appended(session, entry.id, digest, key_id, key)


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
    findings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None and not self.findings


def verify_chain(session: Session, trail: AuditTrail) -> ChainReport:
    """Recompute every hash in id order, then compare the newest entry with the stored head.

    ``first_bad_id`` names the first entry that was altered (or inserted, or re-hashed);
    ``findings`` are sentences for everything found, including the newest entries having been
    deleted and entries that cannot be checked because their key is not on this computer."""
    store = trail.keys(session, create=False)
    prev = GENESIS_HASH
    count = 0
    findings: list[str] = []
    bad: tuple[int, str] | None = None
    missing_keys: dict[str, list[int]] = {}
    seen_keyed = False
    last: AuditEntry | None = None
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        last = entry
        if bad is not None:
            continue
        if entry.prev_hash != prev:
            bad = (entry.id, _("与前一条记录的哈希不衔接（中间记录被删除或插入）"))
        elif entry.key_id is None and seen_keyed:
            bad = (entry.id, _("在加密签名的记录之后出现未签名的记录"))
        else:
            key = None
            if entry.key_id is not None:
                seen_keyed = True
                key = store.key(entry.key_id) if store is not None else None
                if key is None:
                    missing_keys.setdefault(entry.key_id, []).append(entry.id)
            if entry.key_id is None or key is not None:
                expected = entry_hash(
                    key=key, prev_hash=prev, at=entry.at, username=entry.username,
                    action=entry.action, entity=entry.entity, entity_id=entry.entity_id,
                    summary=entry.summary)
                if not hmac.compare_digest(entry.hash, expected):
                    bad = (entry.id, _("内容在写入后被改动，或哈希被重新计算"))
        prev = entry.hash
    if bad is not None:
        findings.append(_("审计日志第 {id} 条记录被改动（{problem}）。", id=bad[0], problem=bad[1]))
    for key_id, ids in missing_keys.items():
        findings.append(_(
            "无法验证第 {first}–{last} 条审计记录：这台电脑上没有它们的审计密钥（{key}）。",
            first=ids[0], last=ids[-1], key=key_id))
    findings += _head_findings(session, trail, store, last, seen_keyed)
    return ChainReport(count, bad[0] if bad else None, bad[1] if bad else None,
                       tuple(findings))


def _head_findings(session: Session, trail: AuditTrail, store: AuditKeyStore | None,
                   last: AuditEntry | None, keyed: bool) -> list[str]:
    """Compare the newest entry with the head: the server's row, or the file beside an
    SQLite database."""
    if trail.head_in_database:
        head = server_head(session)
        if head is None:
            return [_("服务器上审计日志的链头不见了：无法确认最新的记录没有被删除。")] if keyed \
                else []
        forged = _("服务器上审计日志的链头被改动过。")
        replaced = _("审计日志第 {id} 条记录与服务器上的链头不符：记录被替换过。",
                     id=head.last_id)
        return _compare_with_head(session, head, store, last, forged=forged, replaced=replaced)
    if trail.head_path is None:
        return []
    try:
        found = read_head(trail.head_path)
    except ValueError as exc:
        return [_("审计日志的链头文件 {path} 已损坏（{reason}）。", path=trail.head_path,
                  reason=exc)]
    if found is None:
        if keyed:
            return [_("审计日志的链头文件 {path} 不见了：无法确认最新的记录没有被删除。",
                      path=trail.head_path)]
        return []
    return _compare_with_head(
        session, found, store, last,
        forged=_("审计日志的链头文件 {path} 被改动过。", path=trail.head_path),
        replaced=_("审计日志第 {id} 条记录与链头文件不符：记录被替换过。", id=found.last_id))


def _compare_with_head(session: Session, head: ChainHead, store: AuditKeyStore | None,
                       last: AuditEntry | None, *, forged: str, replaced: str) -> list[str]:
    key = store.key(head.key_id) if store is not None else None
    if key is None:
        return [_("无法验证审计日志的链头：这台电脑上没有它的审计密钥（{key}）。",
                  key=head.key_id)]
    if not hmac.compare_digest(head.mac, head_mac(key, head.last_id, head.hash)):
        return [forged]
    last_id = last.id if last is not None else 0
    if last_id < head.last_id:
        return [_("审计日志最新的记录被删除：应至少到第 {head} 条，现在只到第 {last} 条。",
                  head=head.last_id, last=last_id)]
    anchored = session.execute(select(AuditEntry.hash).where(AuditEntry.id == head.last_id)
                               ).scalar_one_or_none()
    if anchored != head.hash:
        return [replaced]
    return []


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


def check_chain(ctx: Context) -> ChainReport:
    """Verify the whole audit chain (the audit page's button, the ``check`` command)."""
    ctx.require(Permission.AUDIT_VIEW)
    with ctx.transaction() as session:
        return verify_chain(session, ctx.db.audit_trail)


def record_restore(ctx: Context, *, source: Path, moved_aside: Path | None) -> None:
    """Audit a restore in the restored database. Its entry re-anchors the chain's head: the
    restored chain is shorter than the one the old head described, and that is not
    truncation but the restore, named here with the head it replaces."""
    ctx.require(Permission.SETTINGS_MANAGE)
    previous = None
    if moved_aside is not None:
        try:
            previous = read_head(head_path_for(moved_aside))
        except ValueError:
            previous = None
    summary = f"from {source.name}; previous database kept as " + (
        moved_aside.name if moved_aside is not None else "-")
    if previous is not None:
        summary += f"; previous head #{previous.last_id} {previous.hash[:16]}"
    with ctx.transaction(write=True) as session:
        ctx.audit(session, "database.restore", "database", None, summary)
