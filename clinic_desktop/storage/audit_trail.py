"""What keeps the audit chain honest beyond the table itself: its key and its head.

* The **key** (``audit_keys``): entries are HMAC-SHA256 over the previous hash and the entry,
  so nobody without the key can recompute a valid chain after editing it.
* The **head** (``audit-head.json`` beside the database, and one beside every backup): the id
  and hash of the newest entry, MACed with the same key. Deleting the newest entries leaves a
  chain that is valid in itself; the head says it used to be longer.

The head is written after each commit that appended entries. Several writers may commit in
any order, so a head never moves backwards (except when a restore re-anchors it on purpose);
a head that lags one commit behind after a crash is harmless: it still covers all before it.
A server database has no file beside it: it keeps the head in its ``audit_head`` row,
written in the same transaction as each entry (so it never lags), and filled first by the
upgrade that created the table or by ``migrate-to``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from clinic_desktop.audit_keys import AuditKeyStore
from clinic_desktop.storage.models.audit import AuditEntry, AuditHead
from clinic_desktop.storage.models.settings import Setting

log = logging.getLogger(__name__)

HEAD_FILE = "audit-head.json"
CLINIC_ID_SETTING = "clinic.id"
PENDING_HEAD = "audit_head"  # session.info key: the newest entry this transaction appended


@dataclass(frozen=True)
class ChainHead:
    last_id: int
    hash: str
    key_id: str
    mac: str


def head_mac(key: bytes, last_id: int, entry_hash: str) -> str:
    return hmac.new(key, f"head\x1f{last_id}\x1f{entry_hash}".encode(), hashlib.sha256).hexdigest()


def head_path_for(database_file: Path) -> Path:
    """Where the head of a database file lives: beside it (a backup carries its own)."""
    if database_file.name == "clinic.sqlite3":
        return database_file.with_name(HEAD_FILE)
    return database_file.with_name(database_file.name + "." + HEAD_FILE)


def read_head(path: Path) -> ChainHead | None:
    """The head stored at ``path``; None when there is none. A damaged file raises ValueError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    try:
        return ChainHead(int(data["last_id"]), str(data["hash"]), str(data["key_id"]),
                         str(data["mac"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"missing or bad field: {exc}") from exc


def write_head(path: Path, head: ChainHead, *, force: bool = False) -> None:
    """Replace the head atomically; an older head never overwrites a newer one unless forced."""
    if not force:
        try:
            current = read_head(path)
        except ValueError:
            current = None
        if current is not None and current.last_id > head.last_id:
            return
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".audit-head-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"last_id": head.last_id, "hash": head.hash, "key_id": head.key_id,
                       "mac": head.mac}, out)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


HEAD_ROW = 1  # the one row of ``audit_head``


def server_head(session: Session | Connection) -> ChainHead | None:
    """The head kept in the database (a server clinic's); None when there is no row."""
    row = session.execute(
        select(AuditHead.last_id, AuditHead.hash, AuditHead.key_id, AuditHead.mac)
        .where(AuditHead.id == HEAD_ROW)
    ).first()
    return ChainHead(row.last_id, row.hash, row.key_id, row.mac) if row is not None else None


def store_server_head(session: Session | Connection, head: ChainHead) -> None:
    """Insert or move the row in one statement (the caller holds the write lock, so entries
    arrive in id order and the row only moves forward)."""
    engine = session.dialect if isinstance(session, Connection) else session.get_bind().dialect
    dialect = postgresql if engine.name == "postgresql" else sqlite
    values = {"last_id": head.last_id, "hash": head.hash, "key_id": head.key_id,
              "mac": head.mac}
    statement = dialect.insert(AuditHead).values(id=HEAD_ROW, **values)
    session.execute(statement.on_conflict_do_update(index_elements=[AuditHead.id],
                                                    set_=values))


def anchor_server_head(session: Session | Connection, store: AuditKeyStore) -> ChainHead | None:
    """Write the head for the chain as it stands, signed with this workstation's current key:
    once, where the row starts (the upgrade that creates it, ``migrate-to``'s copy). None when
    the chain is empty (the first entry writes the row)."""
    tail = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if tail is None:
        return None
    key_id, key = store.current()
    head = ChainHead(tail.id, tail.hash, key_id, head_mac(key, tail.id, tail.hash))
    store_server_head(session, head)
    return head


def clinic_id_in(session: Session | Connection) -> str | None:
    value = session.execute(
        select(Setting.value_json).where(Setting.key == CLINIC_ID_SETTING)
    ).scalar_one_or_none()
    if value is None:
        return None
    found: str = json.loads(value)
    return found


class AuditTrail:
    """The key store and chain head of one open database: the head lives in a file beside an
    SQLite database (``head_path``) or, for a server, in its ``audit_head`` row
    (``head_in_database``)."""

    def __init__(self, head_path: Path | None, key_dir: Path | None = None, *,
                 head_in_database: bool = False) -> None:
        self.head_path = head_path
        self.head_in_database = head_in_database
        self._key_dir = key_dir
        self._store: AuditKeyStore | None = None

    def clinic_id(self, session: Session, *, create: bool) -> str | None:
        found = clinic_id_in(session)
        if found is not None:
            return found
        if not create:
            return None
        fresh = str(uuid.uuid4())
        session.add(Setting(key=CLINIC_ID_SETTING, value_json=json.dumps(fresh)))
        session.flush()
        return fresh

    def keys(self, session: Session, *, create: bool) -> AuditKeyStore | None:
        if self._store is None:
            clinic_id = self.clinic_id(session, create=create)
            if clinic_id is None:
                return None
            self._store = (AuditKeyStore(clinic_id) if self._key_dir is None
                           else AuditKeyStore(clinic_id, key_dir=self._key_dir))
        return self._store

    def signing_key(self, session: Session) -> tuple[str, bytes]:
        store = self.keys(session, create=True)
        assert store is not None
        return store.current()

    def appended(self, session: Session, entry_id: int, entry_hash: str, key_id: str,
                 key: bytes) -> None:
        """Note the newest entry of the caller's transaction: a server's row moves with it,
        the file beside an SQLite database after the commit."""
        session.info[PENDING_HEAD] = (entry_id, entry_hash, key_id)
        if self.head_in_database:
            store_server_head(session, ChainHead(entry_id, entry_hash, key_id,
                                                 head_mac(key, entry_id, entry_hash)))

    def after_commit(self, session: Session) -> None:
        """Move the head to the newest entry the committed transaction appended."""
        pending = session.info.pop(PENDING_HEAD, None)
        if pending is None or self.head_path is None or self._store is None:
            return
        last_id, entry_hash, key_id = pending
        key = self._store.key(key_id)
        if key is None:
            return
        try:
            write_head(self.head_path, ChainHead(last_id, entry_hash, key_id,
                                                 head_mac(key, last_id, entry_hash)))
        except OSError:
            # The entry is committed; a head one step behind only narrows what truncation
            # can be detected, so this must never turn a saved change into an error.
            log.exception("could not update the audit head %s", self.head_path)

    def anchor(self, head: ChainHead, path: Path | None = None) -> None:
        """Write a head deliberately (after a restore, beside a backup), even if lower."""
        target = path or self.head_path
        if target is not None:
            write_head(target, head, force=True)
