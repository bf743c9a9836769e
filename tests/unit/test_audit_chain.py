"""The audit chain cannot be rewritten quietly: keyed hashes and a head kept outside the table.

Each test edits the database file the way someone with an SQLite tool could (never through
the app), then checks what ``verify_chain`` and ``clinic-desktop check`` find.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from clinic_desktop.audit_keys import ENV_KEY_DIR
from clinic_desktop.cli import EXIT_FINDINGS, EXIT_OK, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.services import chairs
from clinic_desktop.services.audit import ChainReport, verify_chain
from clinic_desktop.storage.audit_trail import HEAD_FILE
from clinic_desktop.storage.database import open_database
from tests.conftest import FIXED_NOW


def _report(ctx: Context) -> ChainReport:
    with ctx.db.session() as session:
        return verify_chain(session, ctx.db.audit_trail)


def _entries(ctx: Context, count: int = 4) -> Path:
    for n in range(count):
        chairs.add_chair(ctx, name=f"{n + 1}号椅位")
    path = ctx.db.data_dir.database  # type: ignore[union-attr]
    ctx.db.close()
    return path


def _sql(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _plain_rehash(path: Path) -> None:
    """Recompute the whole chain with the first wave's unkeyed function: what a forger with
    the app's source but not the key would do."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT id, at, username, action, entity, entity_id, summary "
                        "FROM audit_entry ORDER BY id").fetchall()
    prev = "0" * 64
    for row_id, at, username, action, entity, entity_id, summary in rows:
        stamp = at.replace(" ", "T") + ("" if "." in at else ".000000") + "+00:00"
        canonical = "\x1f".join([prev, stamp, username, action, entity, entity_id or "",
                                 summary])
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        conn.execute("UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?",
                     (prev, digest, row_id))
        prev = digest
    conn.commit()
    conn.close()


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
    path = _entries(admin_ctx)
    _sql(path, "DELETE FROM audit_entry WHERE id > (SELECT max(id) - 2 FROM audit_entry)")
    report = _report(admin_ctx)
    assert not report.ok
    assert any("最新的记录被删除" in f for f in report.findings)


def test_a_chain_recomputed_with_the_apps_own_hash_is_found(admin_ctx: Context) -> None:
    path = _entries(admin_ctx)
    _sql(path, "UPDATE audit_entry SET summary = '9号椅位' WHERE summary = '2号椅位'")
    _plain_rehash(path)  # every link agrees again, but without the key
    report = _report(admin_ctx)
    assert not report.ok and report.first_bad_id is not None


def test_truncation_with_a_recomputed_chain_is_found(admin_ctx: Context) -> None:
    path = _entries(admin_ctx)
    _sql(path, "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)",
         "UPDATE audit_entry SET key_id = NULL")
    _plain_rehash(path)
    assert not _report(admin_ctx).ok


def test_an_edited_middle_entry_is_still_named(admin_ctx: Context) -> None:
    path = _entries(admin_ctx)
    with sqlite3.connect(path) as conn:
        target = conn.execute("SELECT id FROM audit_entry WHERE summary = '2号椅位'").fetchone()[0]
        conn.execute("UPDATE audit_entry SET summary = '9号椅位' WHERE id = ?", (target,))
    conn.close()
    assert _report(admin_ctx).first_bad_id == target


def test_a_forged_or_missing_head_is_found(admin_ctx: Context) -> None:
    path = _entries(admin_ctx)
    head_file = path.with_name(HEAD_FILE)
    head = json.loads(head_file.read_text())
    _sql(path, "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
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
    path = _entries(admin_ctx, 2)
    monkeypatch.setenv(ENV_KEY_DIR, str(tmp_path / "another-computer"))
    db = open_database(admin_ctx.db.data_dir, now=FIXED_NOW)  # type: ignore[arg-type]
    try:
        with db.session() as session:
            report = verify_chain(session, db.audit_trail)
    finally:
        db.close()
    assert report.first_bad_id is None and not report.ok
    assert any("没有它们的审计密钥" in f for f in report.findings)
    assert path.exists()


def test_entries_from_before_keying_still_verify_but_never_after_keyed_ones(
    admin_ctx: Context
) -> None:
    path = _entries(admin_ctx, 3)
    # A database from the first wave: every entry plain SHA-256, no key, no head file.
    _sql(path, "UPDATE audit_entry SET key_id = NULL")
    _plain_rehash(path)
    path.with_name(HEAD_FILE).unlink()
    assert _report(admin_ctx).ok
    chairs.add_chair(admin_ctx, name="新椅位")  # the first keyed entry continues the chain
    assert _report(admin_ctx).ok
    admin_ctx.db.close()
    _sql(path, "UPDATE audit_entry SET key_id = NULL WHERE id = (SELECT max(id) FROM "
               "audit_entry)")
    _plain_rehash(path)  # a forger falls back to the unkeyed scheme for the newest entry
    assert not _report(admin_ctx).ok


def test_check_reports_truncation_as_a_finding(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    clock = FixedClock(FIXED_NOW)
    assert main(["--lang", "zh_CN", "--data-dir", str(folder), "demo", "--patients", "3"],
                out=io.StringIO(), clock=clock) == EXIT_OK
    out = io.StringIO()
    assert main(["--lang", "zh_CN", "--data-dir", str(folder), "check"], out=out,
                clock=clock) == EXIT_OK
    _sql(folder / "clinic.sqlite3",
         "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
    out = io.StringIO()
    assert main(["--lang", "zh_CN", "--data-dir", str(folder), "check"], out=out,
                clock=clock) == EXIT_FINDINGS
    assert "最新的记录被删除" in out.getvalue()
