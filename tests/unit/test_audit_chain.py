"""The audit chain cannot be rewritten quietly: keyed hashes and a head kept outside the table.

Each test edits the database the way someone with a database tool could (never through the
app), then checks what ``verify_chain`` and ``clinic-desktop check`` find. The head is kept in
a file beside an SQLite database and in the ``audit_head`` row of a server's: the tests run on
both, with a tool that can reach either.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from clinic_desktop.audit_keys import ENV_KEY_DIR
from clinic_desktop.cli import EXIT_FINDINGS, EXIT_OK, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.services import chairs
from clinic_desktop.services.audit import ChainReport, verify_chain
from clinic_desktop.storage.audit_trail import HEAD_FILE
from tests.conftest import FIXED_NOW, reopen

HEAD_IN_A_FILE = pytest.mark.sqlite_only("the head kept in a file beside the SQLite database")


def _report(ctx: Context) -> ChainReport:
    with ctx.db.session() as session:
        return verify_chain(session, ctx.db.audit_trail)


def _entries(ctx: Context, count: int = 4) -> None:
    for n in range(count):
        chairs.add_chair(ctx, name=f"{n + 1}号椅位")
    ctx.db.close()  # the app's connections let go; the tool's edits come next


@contextmanager
def past_the_app(ctx: Context) -> Iterator[Connection]:
    """A connection editing the database as a database tool would, past the app's services
    and checks. On PostgreSQL the audit log refuses edits (migration 25's trigger): only its
    owner can switch that off, as done here; the keyed chain must still find the change."""
    with ctx.db.engine.begin() as connection:
        server = connection.dialect.name == "postgresql"
        if server:
            connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        yield connection
        if server:
            connection.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))


def _drop_head(ctx: Context) -> None:
    """Remove the head wherever the engine keeps it."""
    if ctx.db.is_sqlite:
        ctx.db.data_dir.database.with_name(HEAD_FILE).unlink()  # type: ignore[union-attr]
    else:
        _sql(ctx, "DELETE FROM audit_head")


def _sql(ctx: Context, *statements: str) -> None:
    """Statements sent as a database tool sends them: past the app's services and checks."""
    with past_the_app(ctx) as connection:
        for statement in statements:
            connection.execute(text(statement))


def _stamp(at: str | datetime) -> str:
    """The entry's instant as the first wave hashed it (SQLite gives its stored text)."""
    if isinstance(at, datetime):  # a server's timestamptz comes back aware
        if at.tzinfo is not None:
            return at.astimezone(UTC).isoformat(timespec="microseconds")
        return at.isoformat(timespec="microseconds") + "+00:00"
    return at.replace(" ", "T") + ("" if "." in at else ".000000") + "+00:00"


def _plain_rehash(ctx: Context) -> None:
    """Recompute the whole chain with the first wave's unkeyed function: what a forger with
    the app's source but not the key would do."""
    with past_the_app(ctx) as connection:
        rows = connection.execute(text(
            "SELECT id, at, username, action, entity, entity_id, summary "
            "FROM audit_entry ORDER BY id")).all()
        prev = "0" * 64
        for row_id, at, username, action, entity, entity_id, summary in rows:
            canonical = "\x1f".join([prev, _stamp(at), username, action, entity,
                                     entity_id or "", summary])
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            connection.execute(text(
                "UPDATE audit_entry SET prev_hash = :prev, hash = :hash WHERE id = :id"),
                {"prev": prev, "hash": digest, "id": row_id})
            prev = digest


@HEAD_IN_A_FILE
def test_a_clean_chain_is_keyed_and_its_head_written(admin_ctx: Context) -> None:
    chairs.add_chair(admin_ctx, name="1号椅位")
    report = _report(admin_ctx)
    assert report.ok and report.findings == ()
    data = admin_ctx.db.data_dir
    assert data is not None
    head = json.loads((data.root / HEAD_FILE).read_text())
    with sqlite3.connect(data.database) as conn:
        last_id, last_hash, key_id = conn.execute(
            "SELECT id, hash, key_id FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert (head["last_id"], head["hash"], head["key_id"]) == (last_id, last_hash, key_id)


@pytest.mark.sqlite_only("reads the SQLite file and its WAL for the key's bytes")
def test_the_key_lives_outside_the_data_folder_readable_only_by_the_user(
    admin_ctx: Context
) -> None:
    chairs.add_chair(admin_ctx, name="1号椅位")
    key_dir = Path(os.environ[ENV_KEY_DIR])
    [key_file] = list(key_dir.glob("*.json"))
    data = admin_ctx.db.data_dir
    assert data is not None and data.root not in key_file.parents
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = json.loads(key_file.read_text())["keys"]
    raw = data.database.read_bytes() + (data.root / "clinic.sqlite3-wal").read_bytes()
    assert all(value.encode() not in raw for value in secret.values())


def test_deleting_the_newest_entries_is_found(admin_ctx: Context) -> None:
    _entries(admin_ctx)
    _sql(admin_ctx, "DELETE FROM audit_entry WHERE id > (SELECT max(id) - 2 FROM audit_entry)")
    report = _report(admin_ctx)
    assert not report.ok
    assert any("最新的记录被删除" in f for f in report.findings)


def test_a_chain_recomputed_with_the_apps_own_hash_is_found(admin_ctx: Context) -> None:
    _entries(admin_ctx)
    _sql(admin_ctx, "UPDATE audit_entry SET summary = '9号椅位' WHERE summary = '2号椅位'")
    _plain_rehash(admin_ctx)  # every link agrees again, but without the key
    report = _report(admin_ctx)
    assert not report.ok and report.first_bad_id is not None


def test_truncation_with_a_recomputed_chain_is_found(admin_ctx: Context) -> None:
    _entries(admin_ctx)
    _sql(admin_ctx, "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)",
         "UPDATE audit_entry SET key_id = NULL")
    _plain_rehash(admin_ctx)
    assert not _report(admin_ctx).ok


def test_an_edited_middle_entry_is_still_named(admin_ctx: Context) -> None:
    _entries(admin_ctx)
    with past_the_app(admin_ctx) as connection:
        target = connection.execute(text(
            "SELECT id FROM audit_entry WHERE summary = '2号椅位'")).scalar_one()
        connection.execute(text("UPDATE audit_entry SET summary = '9号椅位' WHERE id = :id"),
                           {"id": target})
    assert _report(admin_ctx).first_bad_id == target


@HEAD_IN_A_FILE
def test_a_forged_or_missing_head_is_found(admin_ctx: Context) -> None:
    _entries(admin_ctx)
    path = admin_ctx.db.data_dir.database  # type: ignore[union-attr]
    head_file = path.with_name(HEAD_FILE)
    head = json.loads(head_file.read_text())
    _sql(admin_ctx, "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
    with sqlite3.connect(path) as conn:
        last_id, last_hash = conn.execute(
            "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    head_file.write_text(json.dumps(head | {"last_id": last_id, "hash": last_hash}))
    assert any("被改动过" in f for f in _report(admin_ctx).findings)
    head_file.unlink()
    assert any("不见了" in f for f in _report(admin_ctx).findings)


def test_entries_signed_with_a_key_this_computer_lacks_are_unverifiable_not_altered(
    admin_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _entries(admin_ctx, 2)
    monkeypatch.setenv(ENV_KEY_DIR, str(tmp_path / "another-computer"))
    db = reopen(admin_ctx.db, now=FIXED_NOW)
    try:
        with db.session() as session:
            report = verify_chain(session, db.audit_trail)
    finally:
        db.close()
    assert report.first_bad_id is None and not report.ok
    assert any("没有它们的审计密钥" in f for f in report.findings)
    with admin_ctx.db.session() as session:  # nothing was changed or removed
        assert verify_chain(session, admin_ctx.db.audit_trail).ok


def test_entries_from_before_keying_still_verify_but_never_after_keyed_ones(
    admin_ctx: Context
) -> None:
    _entries(admin_ctx, 3)
    # A database from the first wave: every entry plain SHA-256, no key, no head.
    _sql(admin_ctx, "UPDATE audit_entry SET key_id = NULL")
    _plain_rehash(admin_ctx)
    _drop_head(admin_ctx)
    assert _report(admin_ctx).ok
    chairs.add_chair(admin_ctx, name="新椅位")  # the first keyed entry continues the chain
    assert _report(admin_ctx).ok
    admin_ctx.db.close()
    _sql(admin_ctx, "UPDATE audit_entry SET key_id = NULL WHERE id = (SELECT max(id) FROM "
                    "audit_entry)")
    _plain_rehash(admin_ctx)  # a forger falls back to the unkeyed scheme for the newest entry
    assert not _report(admin_ctx).ok


@HEAD_IN_A_FILE
def test_check_reports_truncation_as_a_finding(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    clock = FixedClock(FIXED_NOW)
    assert main(["--lang", "zh_CN", "--data-dir", str(folder), "demo", "--patients", "3"],
                out=io.StringIO(), clock=clock) == EXIT_OK
    out = io.StringIO()
    assert main(["--lang", "zh_CN", "--data-dir", str(folder), "check"], out=out,
                clock=clock) == EXIT_OK
    with sqlite3.connect(folder / "clinic.sqlite3") as conn:
        conn.execute("DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
    conn.close()
    out = io.StringIO()
    assert main(["--lang", "zh_CN", "--data-dir", str(folder), "check"], out=out,
                clock=clock) == EXIT_FINDINGS
    assert "最新的记录被删除" in out.getvalue()
