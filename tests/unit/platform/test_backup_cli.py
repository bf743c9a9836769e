"""``clinic-desktop backup`` and ``backups``: the file printed, exit 0/1/2, the JSON list, and
``restore`` bringing attachments back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from clinic_desktop.cli import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.paths import DataDir
from clinic_desktop.storage import backup_copy
from tests.conftest import FIXED_NOW
from tests.unit.platform.test_backups import _corrupting

CLOCK = FixedClock(FIXED_NOW)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=CLOCK)
    return code, out.getvalue()


@pytest.fixture
def clinic(tmp_path: Path) -> DataDir:
    folder = DataDir(tmp_path / "clinic")
    assert run("--data-dir", str(folder.root), "demo", "--patients", "20")[0] == EXIT_OK
    return folder


def test_backup_exit_codes_and_the_json_list(clinic: DataDir, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(clinic.root)
    code, printed = run("--data-dir", root, "backup")
    assert code == EXIT_OK
    [file] = printed.split()
    assert Path(file).parent == clinic.backups and Path(file).is_file()

    code, printed = run("--data-dir", root, "backup", "--to", str(tmp_path / "missing"))
    assert code == EXIT_UNUSABLE
    assert "不存在" in printed

    CLOCK.set(FIXED_NOW.replace(minute=5))
    with monkeypatch.context() as patched:
        _corrupting(patched)
        code, printed = run("--data-dir", root, "backup")
    assert code == EXIT_FINDINGS
    assert "校验失败" in printed

    code, printed = run("--data-dir", root, "backups", "--json")
    assert code == EXIT_OK
    listed = json.loads(printed)
    assert [(Path(b["file"]).parent, b["verified"]) for b in listed] == [
        (clinic.backups, False), (clinic.backups, True)]
    assert set(listed[0]) >= {"file", "time", "size", "verified"}
    assert listed[1]["patients"] == 20 and listed[1]["size"] == Path(file).stat().st_size
    code, printed = run("--data-dir", root, "backups")
    assert code == EXIT_OK and "已验证" in printed and "损坏" in printed
    CLOCK.set(FIXED_NOW)


def test_restore_from_the_command_line_brings_attachments_back(clinic: DataDir) -> None:
    import sqlite3

    blob = b"scan of a panoramic x-ray"
    import hashlib

    sha = hashlib.sha256(blob).hexdigest()
    conn = sqlite3.connect(clinic.database)
    conn.execute("INSERT INTO attachment(patient_id, sha256, original_name, size, mime, kind, "
                 "caption, added_at) VALUES (1, ?, 'pano.png', ?, 'image/png', 'xray', '', "
                 "'2026-11-20 02:00:00.000000')", (sha, len(blob)))
    conn.commit()
    conn.close()
    stored = backup_copy.blob_path(clinic.attachments, sha)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(blob)
    code, printed = run("--data-dir", str(clinic.root), "backup")
    assert code == EXIT_OK
    stored.unlink()
    code, printed = run("--data-dir", str(clinic.root), "restore", printed.strip())
    assert code == EXIT_OK, printed
    assert "取回 1 个附件" in printed
    assert stored.read_bytes() == blob
