"""Time comes from a clock someone chose: no entry point silently runs on today's date."""

from __future__ import annotations

import ast
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clinic_desktop.cli import EXIT_OK, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.paths import DataDir
from clinic_desktop.services.audit import recent_entries
from clinic_desktop.services.auth import sign_in
from clinic_desktop.storage.database import Database, open_database

ROOT = Path(__file__).resolve().parents[2]
# Only these may read the machine's clock: the clock itself, and file names of backups.
ALLOWED = {"clinic_desktop/clock.py"}


def test_a_context_cannot_be_made_without_a_clock(database: Database) -> None:
    with pytest.raises(TypeError, match="clock"):
        Context(db=database)  # type: ignore[call-arg]


def _reads_the_machine_clock(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    name = node.func.attr
    owner = node.func.value
    owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
    return (owner_name, name) in {
        ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("date", "today"),
        ("QDate", "currentDate"), ("QDateTime", "currentDateTime"), ("time", "time"),
    }


def test_only_the_clock_reads_the_machine_clock() -> None:
    offenders = []
    for folder in ("clinic_desktop", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            offenders += [f"{relative}:{node.lineno}" for node in ast.walk(tree)
                          if _reads_the_machine_clock(node)]
    assert offenders == []


def test_the_cli_runs_every_command_on_the_clock_it_is_given(tmp_path: Path) -> None:
    moment = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)
    folder = DataDir(tmp_path / "clinic")
    code = main(["--lang", "zh_CN", "--data-dir", str(folder.root), "demo", "--patients", "0"],
                out=io.StringIO(), clock=FixedClock(moment))
    assert code == EXIT_OK
    db = open_database(folder, now=moment)
    try:
        clock = FixedClock(moment)
        admin = sign_in(db, username="admin", password="demo1234", clock=clock)
        entries = recent_entries(Context(db=db, actor=admin, clock=clock))
        assert entries and {e.at for e in entries} == {moment}
    finally:
        db.close()
