"""An import stores the same rows, search index and indexes whether or not it takes the
SQLite shortcuts for big batches (literals and split chunks, indexes built after the
insert, long statements on a second thread)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event

from clinic_desktop.context import Context
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.paths import DataDir
from clinic_desktop.services import imports
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.storage import bulk, bulk_overlap
from clinic_desktop.storage.database import open_database
from tests.conftest import ClinicTemplates

pytestmark = pytest.mark.sqlite_only(
    "compares an import with and without the SQLite shortcuts (PostgreSQL takes none)")

SKIPPED = ("patient_fts_data", "patient_fts_idx", "patient_fts_docsize", "patient_fts_config")


def _everything(ctx: Context) -> dict[str, Any]:
    with ctx.db.engine.connect() as connection:
        tables = [name for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name") if name not in SKIPPED]
        found: dict[str, Any] = {t: connection.exec_driver_sql(
            f'SELECT * FROM "{t}" ORDER BY {_order(connection, t)}').all() for t in tables}
        found["indexes"] = connection.exec_driver_sql(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "ORDER BY tbl_name, name").all()
        found["search"] = connection.exec_driver_sql(
            "SELECT rowid FROM patient_fts WHERE patient_fts MATCH '\"P00001\"' "
            "ORDER BY rowid").all()
    return found


def _order(connection: Connection, table: str) -> str:
    """``rowid``; a table WITHOUT ROWID (patient_month_spend) has none: all its columns."""
    sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?",
                                     (table,)).scalar() or ""
    if "WITHOUT ROWID" not in sql.upper():
        return "rowid"
    width = len(connection.exec_driver_sql(f'SELECT * FROM "{table}" LIMIT 0').keys())
    return ", ".join(str(i) for i in range(1, width + 1))


def test_the_shortcuts_store_what_a_plain_import_stores(
        admin_ctx: Context, clinic_templates: ClinicTemplates, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_legacy_workbook(tmp_path / "legacy.xlsx", 400)
    other_dir = DataDir(tmp_path / "other")
    actor = clinic_templates.copy_into(other_dir, "测试诊所")
    assert actor is not None
    plain = Context(db=open_database(other_dir), actor=actor, clock=admin_ctx.clock)
    try:
        # Small chunks, so a 400-row sheet takes every shortcut a 100,000-row one does.
        monkeypatch.setattr(bulk, "CHUNK_ROWS", 40)
        monkeypatch.setattr(bulk, "SHAPE_MIN_ROWS", 8)
        dropped: list[str] = []
        queued: list[str] = []
        drop, run = bulk._droppable_indexes, bulk_overlap.Overlap.run

        def dropping(*args: Any) -> list[tuple[str, str]]:
            found = drop(*args)
            dropped.extend(name for name, _sql in found)
            return found

        def queueing(self: bulk_overlap.Overlap, sql: str, *args: Any) -> None:
            queued.append(sql)
            run(self, sql, *args)

        monkeypatch.setattr(bulk, "_droppable_indexes", dropping)
        monkeypatch.setattr(bulk_overlap.Overlap, "run", queueing)
        fast = run_import(admin_ctx, ImportRequest(path))
        assert {"ix_patient_mobile", "ix_ledger_entry_patient_at", "ix_visit_patient_date",
                "ix_care_task_status_due"} <= set(dropped)
        assert any("patient_fts" in sql for sql in queued) and len(queued) > 10

        monkeypatch.setattr(bulk, "SHAPE_MIN_ROWS", 10**9)
        monkeypatch.setattr(bulk, "_droppable_indexes", lambda *a: [])

        @contextmanager
        def one_thread(connection: Connection) -> Iterator[bulk_overlap.Overlap]:
            yield bulk_overlap.Overlap(connection, threaded=False)

        monkeypatch.setattr(imports, "overlapped", one_thread)
        slow = run_import(plain, ImportRequest(path))
        assert fast.as_json() == slow.as_json() and fast.tasks_created > 0
        assert _everything(admin_ctx) == _everything(plain)
    finally:
        plain.db.close()


def test_the_visits_python_work_runs_while_the_search_index_builds(
        admin_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the moment the patients' search index is queued to the last care task's rows, the
    importing thread sends no statement of its own: one would wait for the second thread's
    queue, and the visits' preparation would no longer run beside the index builds."""
    path = write_legacy_workbook(tmp_path / "legacy.xlsx", 400)
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 40)
    events: list[tuple[str, str]] = []
    run, run_many = bulk_overlap.Overlap.run, bulk_overlap.Overlap.run_many

    def queueing(self: bulk_overlap.Overlap, sql: str, *args: Any) -> None:
        events.append(("queued", sql))
        run(self, sql, *args)

    def queueing_many(self: bulk_overlap.Overlap, sql: str, rows: Any) -> None:
        events.append(("queued", sql))
        run_many(self, sql, rows)

    def own(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        events.append(("own", statement))

    monkeypatch.setattr(bulk_overlap.Overlap, "run", queueing)
    monkeypatch.setattr(bulk_overlap.Overlap, "run_many", queueing_many)
    event.listen(admin_ctx.db.engine, "before_cursor_execute", own)
    try:
        summary = run_import(admin_ctx, ImportRequest(path))
    finally:
        event.remove(admin_ctx.db.engine, "before_cursor_execute", own)
    assert summary.tasks_created > 0
    search = next(i for i, (kind, sql) in enumerate(events)
                  if kind == "queued" and sql.startswith("INSERT INTO patient_fts"))
    last_task = max(i for i, (kind, sql) in enumerate(events)
                    if kind == "queued" and sql.startswith('INSERT INTO "care_task"'))
    between = [sql for kind, sql in events[search:last_task] if kind == "own"]
    assert search < last_task and between == []
    # and the visits' rows were queued in that stretch too, not before the search index
    assert any(sql.startswith('INSERT INTO "visit"') for kind, sql in events[search:last_task])
