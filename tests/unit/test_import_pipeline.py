"""The import's writes on the second thread: insert triggers that would do nothing are set
aside and come back as they were, a prepared insert reads nothing while it writes, the care
tasks come out as ``care.plan_imported_treatments`` wrote them, and a dashboard cache that
holds rows is still emptied by the triggers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.services import care_import
from clinic_desktop.services.care import (
    ImportedCare,
    ImportedTreatment,
    expand_imported,
    plans_for_import,
)
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage import bulk
from clinic_desktop.storage.bulk import ColumnInsert, quiet_triggers, table_of
from clinic_desktop.storage.bulk_overlap import overlapped
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit

AT = datetime(2025, 3, 5, 4, tzinfo=UTC)


def _triggers(connection: Connection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        "ORDER BY name", (table,))]


def _fill_insight_day(connection: Connection, day: date) -> None:
    connection.exec_driver_sql(
        "INSERT INTO insight_day (day, what, key, amount, visits, patients) "
        "VALUES (?, 'visits', '', 0, 1, x'')", (day.isoformat(),))


@pytest.mark.sqlite_only("the dashboard cache's insert triggers are SQLite's (PostgreSQL has "
                         "none to set aside)")
def test_guarded_insert_triggers_are_set_aside_only_while_they_would_do_nothing(
        admin_ctx: Context) -> None:
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        before = _triggers(connection, "visit")
        assert any(name == "insight_visit_insert" for name, _sql in before)
        created: list[str] = []
        with quiet_triggers(connection, table_of(Visit), 10_000, create=created.append):
            names = {name for name, _sql in _triggers(connection, "visit")}
            # the insert trigger is gone; the update and delete ones stay
            assert "insight_visit_insert" not in names and "insight_visit_update" in names
        assert created == [sql for name, sql in before if name == "insight_visit_insert"]
        for sql in created:
            connection.exec_driver_sql(sql)
        assert _triggers(connection, "visit") == before
        # A small batch: as it is.
        with quiet_triggers(connection, table_of(Visit), 10):
            assert _triggers(connection, "visit") == before
        # A trigger that acts while a table is empty (as the money triggers do, unless an
        # import pauses them) stays.
        connection.exec_driver_sql(
            "CREATE TRIGGER every_entry AFTER INSERT ON ledger_entry FOR EACH ROW WHEN NOT "
            "EXISTS (SELECT 1 FROM insight_day) BEGIN DELETE FROM insight_day WHERE 0; END")
        with quiet_triggers(connection, table_of(LedgerEntry), 10_000):
            names = {name for name, _sql in _triggers(connection, "ledger_entry")}
            assert "insight_ledger_insert" not in names and "every_entry" in names
        assert {n for n, _s in _triggers(connection, "ledger_entry")} >= {
            "insight_ledger_insert", "every_entry"}
        # The guard table holds rows: the trigger has work to do, so it stays.
        _fill_insight_day(connection, date(2025, 1, 1))
        with quiet_triggers(connection, table_of(Visit), 10_000):
            assert _triggers(connection, "visit") == before
        session.rollback()


@pytest.mark.sqlite_only("the dashboard cache's insert triggers are SQLite's (PostgreSQL has "
                         "none to set aside)")
def test_a_trigger_that_fills_the_guard_table_keeps_the_guarded_ones(
        admin_ctx: Context) -> None:
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        before = _triggers(connection, "visit")
        connection.exec_driver_sql(
            "CREATE TRIGGER fill_days AFTER INSERT ON treatment BEGIN INSERT INTO insight_day "
            "(day, what, key, amount, visits, patients) VALUES ('2025-01-01', 'x', '', 0, 0, "
            "x''); END")
        with quiet_triggers(connection, table_of(Visit), 10_000):
            assert _triggers(connection, "visit") == before
        session.rollback()


@pytest.mark.sqlite_only("the dashboard cache's insert triggers are SQLite's (PostgreSQL has "
                         "none to set aside)")
def test_an_error_puts_the_triggers_back_and_a_rollback_keeps_them(admin_ctx: Context) -> None:
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        before = _triggers(connection, "visit")
        with pytest.raises(RuntimeError), quiet_triggers(connection, table_of(Visit), 10_000):
            raise RuntimeError("disk full")
        assert _triggers(connection, "visit") == before
        with quiet_triggers(connection, table_of(Visit), 10_000, create=lambda sql: None):
            pass  # never created again: only the rollback restores it
        session.rollback()
    with admin_ctx.db.engine.connect() as connection:
        assert _triggers(connection, "visit") == before


def _ledger_columns(patients: list[int], count: int) -> dict[str, list[Any]]:
    return {
        "patient_id": [patients[i % len(patients)] for i in range(count)],
        "at": [AT + timedelta(days=i % 5) for i in range(count)],
        "kind": ["charge" if i % 2 else "payment" for i in range(count)],
        "method": [None if i % 2 else "cash" for i in range(count)],
        "amount": [i % 9 + 1 for i in range(count)],
        "note": [f"项目{i % 3}" for i in range(count)],
    }


def _ledger(ctx: Context, ids: list[int]) -> list[tuple[Any, ...]]:
    with ctx.db.engine.connect() as connection:
        return [tuple(r[1:]) for r in connection.execute(text(
            "SELECT id, patient_id, at, kind, method, amount, note, typeof(method), "
            "created_by FROM ledger_entry WHERE id BETWEEN :a AND :b ORDER BY id"),
            {"a": ids[0], "b": ids[-1]})]


@pytest.mark.sqlite_only("the second thread is SQLite's (sqlite3 lets go of the GIL); "
                         "elsewhere the statements run in turn")
def test_a_prepared_insert_reads_nothing_while_its_rows_go_to_the_second_thread(
        admin_ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 40)
    monkeypatch.setattr(bulk, "SHAPE_MIN_ROWS", 8)
    patients = [create_patient(admin_ctx, PatientInput(name=n)).patient.id
                for n in ("张三", "李四")]
    columns = _ledger_columns(patients, 300)
    same = {"created_by": admin_ctx.actor.staff_id}
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        with overlapped(connection) as later:
            insert = ColumnInsert(connection, table_of(LedgerEntry), list(columns), same,
                                  send=later.run_many)
            statements: list[str] = []

            def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                statements.append(statement)

            event.listen(connection, "before_cursor_execute", seen)
            try:
                queued = insert.write(columns)
                more = insert.write(_ledger_columns(patients, 50))
            finally:
                event.remove(connection, "before_cursor_execute", seen)
            assert statements == [] and later.pending  # all of it queued, nothing read
        assert queued == list(range(queued[0], queued[0] + 300))
        assert more[0] == queued[-1] + 1
    with admin_ctx.transaction(write=True) as session:  # the same rows, written at once
        plain = bulk.insert_columns(session.connection(), table_of(LedgerEntry), columns, same)
    assert _ledger(admin_ctx, queued) == _ledger(admin_ctx, plain)


def _reference_writer(
    ctx: Context, session: Session, treatments: list[ImportedTreatment], *, write: bool,
    per_plan: dict[str, int] | None = None, expanded: ImportedCare | None = None,
) -> tuple[int, int]:
    """The import's care-task writer as it was before the pipeline (a row list per column,
    written in the caller's thread): the reference ``care_import`` is held to."""
    care = expanded if expanded is not None else expand_imported(
        plans_for_import(session, ctx.now()), treatments)
    if per_plan is not None:
        for name, count in care.by_plan.items():
            per_plan[name] = per_plan.get(name, 0) + count
    if write and care.work:
        tasks = [(treatments[index], p) for index, planned in care.work for p in planned]
        mark_table(session, "care_task")
        bulk.insert_columns(session.connection(), table_of(CareTask), {
            "patient_id": [t.patient_id for t, _p in tasks],
            "kind": [p.kind for _t, p in tasks],
            "title": [p.title for _t, p in tasks],
            "due_at": [p.due_at for _t, p in tasks],
            "source_id": [t.treatment_id for t, _p in tasks],
            "dedupe_key": [f"t{t.treatment_id}{p.dedupe_key}" for t, p in tasks],
            "plan_key": [p.plan_key for _t, p in tasks],
            "step_key": [p.step_key for _t, p in tasks],
            "procedure_name": [t.procedure for t, _p in tasks],
            "doctor_id": [t.doctor_id for t, _p in tasks],
            "assigned_role": [p.assigned_role for _t, p in tasks],
            "priority": [p.priority for _t, p in tasks],
            "window_days": [p.window_days for _t, p in tasks],
        }, {"status": "pending", "source": "plan", "created_at": ctx.now()}, want_ids=False,
            rebuild_indexes=True)
    return care.created, care.skipped


def test_the_care_tasks_are_the_ones_the_care_service_writes(admin_ctx: Context) -> None:
    pid = create_patient(admin_ctx, PatientInput(name="王五")).patient.id
    now = admin_ctx.now()
    treatments = [ImportedTreatment(0, pid, name, category, None, now - timedelta(days=days))
                  for name, category, days in (("种植牙", "种植", 300), ("洗牙", "洁治", 170),
                                               ("种植牙", "种植", 700), ("补牙", None, 20))]

    def written(plan: Any) -> list[tuple[Any, ...]]:
        with admin_ctx.transaction(write=True) as session:
            connection = session.connection()
            ids = [connection.execute(text(
                "INSERT INTO visit (patient_id, visit_date, notes, created_at) "
                "VALUES (:p, '2025-01-01', '', '2025-01-01') RETURNING id"), {"p": pid}
            ).scalar_one() for _t in treatments]
            numbered = [t._replace(treatment_id=connection.execute(text(
                "INSERT INTO treatment (visit_id, procedure_name, site, notes, amount) "
                "VALUES (:v, :n, '', '', 0) RETURNING id"), {"v": v, "n": t.procedure}
            ).scalar_one()) for v, t in zip(ids, treatments, strict=True)]
            per_plan: dict[str, int] = {}
            counts = plan(admin_ctx, session, numbered, write=True, per_plan=per_plan)
            rows = connection.execute(text(
                "SELECT patient_id, kind, title, due_at, status, source, source_id - :first, "
                "dedupe_key, plan_key, step_key, procedure_name, doctor_id, assigned_role, "
                "priority, window_days, created_at FROM care_task WHERE source = 'plan' "
                "ORDER BY id"), {"first": numbered[0].treatment_id}).all()
            session.rollback()
        # the key's treatment id differs between the two runs; what follows it must not
        return [counts, per_plan, *(
            (*row[:7], row[7][row[7].index(":"):], *row[8:]) for row in rows)]

    theirs = written(_reference_writer)
    mine = written(care_import.plan_imported_treatments)
    assert mine == theirs and theirs[0][0] > 0 and len(theirs) > 3


@pytest.mark.sqlite_only("the dashboard cache's insert triggers are SQLite's (PostgreSQL has "
                         "none to set aside)")
def test_an_import_still_empties_the_dashboard_days_it_changes(
        admin_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 40)  # a small sheet takes the big batch's path
    path = write_legacy_workbook(tmp_path / "legacy.xlsx", 200, today=date(2026, 11, 24))
    quiet: list[str] = []
    original = bulk._quiet_triggers

    def recording(*args: Any) -> list[tuple[str, str]]:
        found = original(*args)
        quiet.extend(name for name, _sql in found)
        return found

    monkeypatch.setattr(bulk, "_quiet_triggers", recording)
    with admin_ctx.db.engine.connect() as connection:
        before = [_triggers(connection, t) for t in ("visit", "treatment", "ledger_entry")]
    first = run_import(admin_ctx, ImportRequest(path))
    assert {"insight_visit_insert", "insight_ledger_insert"} <= set(quiet)
    with admin_ctx.db.engine.begin() as connection:
        assert [_triggers(connection, t) for t in ("visit", "treatment", "ledger_entry")] \
            == before
        days = [d for (d,) in connection.exec_driver_sql(
            "SELECT DISTINCT visit_date FROM visit ORDER BY visit_date DESC LIMIT 2")]
        for day in days:
            _fill_insight_day(connection, date.fromisoformat(day))
        _fill_insight_day(connection, date(1900, 1, 1))  # a day the next batch leaves alone
    quiet.clear()
    second = run_import(admin_ctx, ImportRequest(path, on_duplicate="create"))
    assert quiet == [] and first.visits_created == second.visits_created > 0
    with admin_ctx.db.engine.connect() as connection:
        left = [d for (d,) in connection.exec_driver_sql("SELECT day FROM insight_day")]
    assert left == ["1900-01-01"]


# Every table, index and trigger with its definition: what a cancelled import must leave as
# it found (on SQLite it drops indexes and sets triggers aside while it writes).
SQLITE_SCHEMA = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
POSTGRESQL_SCHEMA = (
    "SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
    "UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger "
    "WHERE NOT tgisinternal UNION ALL SELECT 'table', tablename, '' FROM pg_tables "
    "WHERE schemaname = current_schema() ORDER BY 1, 2")


class _CancelAfterTasks:
    """Cancels at the first check after the care tasks were handed to the second thread."""

    def __init__(self) -> None:
        self.armed = False
        self.cancelled = False

    def report(self, done: int, total: int, text: str = "") -> None:
        if done >= 85:
            self.armed = True

    def check(self) -> None:
        if self.armed:
            self.cancelled = True
            raise KeyboardInterrupt("cancelled")


def test_a_cancel_while_the_rows_are_written_leaves_nothing_and_every_index_and_trigger(
        admin_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 40)  # the big batch's path: indexes, triggers
    path = write_legacy_workbook(tmp_path / "legacy.xlsx", 300, today=date(2026, 11, 24))
    schema = (SQLITE_SCHEMA if admin_ctx.db.is_sqlite else POSTGRESQL_SCHEMA)
    counted = ("patient", "visit", "treatment", "ledger_entry", "care_task", "patient_money")
    with admin_ctx.db.engine.connect() as connection:
        before = connection.exec_driver_sql(schema).all()
        rows = [connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in counted]
    progress = _CancelAfterTasks()
    with pytest.raises(KeyboardInterrupt):
        run_import(admin_ctx, ImportRequest(path), progress=progress)
    assert progress.cancelled
    with admin_ctx.db.engine.connect() as connection:
        assert connection.exec_driver_sql(schema).all() == before
        assert [connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                for t in counted] == rows
    done = run_import(admin_ctx, ImportRequest(path))  # and the next import goes through
    assert done.visits_created > 0 and done.tasks_created > 0
