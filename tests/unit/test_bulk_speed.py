"""The import's SQLite shortcuts store exactly what plain binding stores: shared values written
as literals, chunks split by which columns are empty, secondary indexes dropped for a big
batch and built again (the same indexes, in the same order), and long statements run on a
second thread with every other statement waiting for them."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, text

from clinic_desktop.context import Context
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage import bulk
from clinic_desktop.storage.bulk import (
    _droppable_indexes,
    _Insert,
    _shared,
    insert_columns,
    rebuilt_indexes,
    sql_literal,
    table_of,
)
from clinic_desktop.storage.bulk_overlap import overlapped
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.patient import Patient, PatientTag

pytestmark = pytest.mark.sqlite_only(
    "the import's SQLite shortcuts (literals, split chunks, dropped indexes, the second "
    "thread); elsewhere plain statements run in turn")

AT = datetime(2025, 3, 5, 4, tzinfo=UTC)
LEDGER = "SELECT {what} FROM ledger_entry WHERE id >= :first ORDER BY id"
COLUMNS = ("patient_id", "at", "kind", "method", "amount", "visit_id", "note", "created_by",
           "import_batch_id", "pot", "holder_id", "source", "source_id")


def _rows(patients: list[int], count: int) -> dict[str, list[Any]]:
    """Columns whose values repeat, are often empty in changing patterns, or all the same."""
    return {
        "patient_id": [patients[i % len(patients)] for i in range(count)],
        "at": [AT + timedelta(days=i % 7) for i in range(count)],
        "kind": ["charge" if i % 2 else "payment" for i in range(count)],
        "method": [None if i % 3 else "wechat" for i in range(count)],
        "amount": [Decimal(i % 11) + Decimal("0.5") for i in range(count)],
        "note": ["O'Brien's 洗牙"] * count,  # one value, with quotes: a literal
        "pot": [None if i % 5 else "principal" for i in range(count)],
        "holder_id": [None if i % 5 else patients[0] for i in range(count)],
        "source": [None] * count,  # all empty: NULL in the statement
        "source_id": [None if i % 7 else i for i in range(count)],
    }


def _stored(ctx: Context, first: int) -> list[tuple[Any, ...]]:
    what = ", ".join(f"{c}, typeof({c})" for c in COLUMNS)
    with ctx.db.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(LEDGER.format(what=what)),
                                                     {"first": first})]


def test_literals_and_split_chunks_store_what_binding_each_value_stores(
        admin_ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    patients = [create_patient(admin_ctx, PatientInput(name=n)).patient.id
                for n in ("张三", "李四", "王五")]
    columns = _rows(patients, 700)
    same = {"created_by": admin_ctx.actor.staff_id, "import_batch_id": 3}
    with admin_ctx.transaction(write=True) as session:
        shortcut = insert_columns(session.connection(), table_of(LedgerEntry), columns, same)
    monkeypatch.setattr(bulk, "SHAPE_MIN_ROWS", 10**9)  # every value bound, one statement
    with admin_ctx.transaction(write=True) as session:
        plain = insert_columns(session.connection(), table_of(LedgerEntry), columns, same)
    assert len(shortcut) == len(plain) == 700 and plain[0] == shortcut[-1] + 1
    mine, theirs = _stored(admin_ctx, shortcut[0]), _stored(admin_ctx, plain[0])
    assert mine[:700] == theirs and len(mine) == 1400
    assert mine[0][12:14] == ("O'Brien's 洗牙", "text") and mine[1][6:8] == (None, "null")


def test_shared_values_and_their_literals() -> None:
    assert _shared([None] * 3) == "NULL" and _shared(["a'b"] * 2) == "'a''b'"
    assert _shared([1, True]) is None  # equal, but not the same value to store
    assert _shared([1, 2]) is None and _shared([1.5, 1.5]) is None
    assert sql_literal(7) == "7" and sql_literal(1 << 63) is None
    assert sql_literal("a\x00b") is None and sql_literal(b"x") is None


def test_rows_stay_in_order_without_given_ids_with_insert_triggers_or_links_to_themselves(
        admin_ctx: Context) -> None:
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        assert not _Insert(connection, table_of(Patient), ["name"], {}).may_split  # search
        assert _Insert(connection, table_of(CareTask), ["patient_id"], {}).may_split
        # SQLite numbers patient_tag's rows itself: in another order, other rowids.
        assert not _Insert(connection, table_of(PatientTag), ["patient_id", "tag_id"],
                           {}).may_split
        connection.exec_driver_sql("DROP TRIGGER patient_fts_insert")
        assert _Insert(connection, table_of(Patient), ["name"], {}).may_split
        assert not _Insert(connection, table_of(Patient), ["name", "referred_by_id"],
                           {}).may_split
        session.rollback()


def _indexes(connection: Connection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY rowid", (table,))]


def test_a_big_batch_rebuilds_the_same_indexes_and_a_rollback_restores_them(
        admin_ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 50)
    patient = create_patient(admin_ctx, PatientInput(name="赵六")).patient.id
    table = table_of(LedgerEntry)
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        before = _indexes(connection, "ledger_entry")
        assert len(before) >= 5 and [n for n, _s in _droppable_indexes(
            connection, table, 200)] == [n for n, _s in before]
        assert _droppable_indexes(connection, table, 20) == []  # a small batch: as it is
        created: list[str] = []

        def create(sql: str) -> None:
            created.append(sql)
            connection.exec_driver_sql(sql)

        ids = insert_columns(connection, table, _rows([patient], 200), rebuild_indexes=True,
                             create=create)
        assert created == [s for _n, s in before] and _indexes(connection, "ledger_entry") \
            == before
        # Now the table holds more than the next batch adds: incremental.
        assert _droppable_indexes(connection, table, 100) == []
        with pytest.raises(RuntimeError), rebuilt_indexes(connection, table, 10_000):
            assert _indexes(connection, "ledger_entry") == []
            raise RuntimeError("disk full")
        assert _indexes(connection, "ledger_entry") == before
        connection.exec_driver_sql("ANALYZE ledger_entry")
        assert _droppable_indexes(connection, table, 10_000) == []  # planner figures kept
        session.rollback()
    with admin_ctx.db.engine.connect() as connection:
        assert _indexes(connection, "ledger_entry") == before
        assert connection.execute(text("SELECT count(*) FROM ledger_entry WHERE id >= :i"),
                                  {"i": ids[0]}).scalar() == 0


def test_queued_statements_run_in_order_and_every_other_statement_waits(
        admin_ctx: Context) -> None:
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        with overlapped(connection) as later:
            later.run("CREATE TABLE scratch (n INTEGER)")
            later.run("INSERT INTO scratch (n) WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL "
                      "SELECT x + 1 FROM s WHERE x < ?) SELECT x FROM s", (200_000,))
            later.run("CREATE INDEX scratch_n ON scratch (n)")
            assert connection.exec_driver_sql("SELECT count(*) FROM scratch").scalar() \
                == 200_000
            assert later.busy > 0 and not later.pending
        session.rollback()


def test_an_error_of_queued_work_is_raised_and_nothing_commits(admin_ctx: Context) -> None:
    with pytest.raises(Exception, match="no such table"), \
            admin_ctx.transaction(write=True) as session:  # noqa: PT012
        connection = session.connection()
        with overlapped(connection) as later:
            connection.exec_driver_sql("CREATE TABLE kept (n INTEGER)")
            later.run("INSERT INTO missing VALUES (1)")
            time.sleep(0.05)
            with pytest.raises(Exception, match="no such table"):
                connection.exec_driver_sql("INSERT INTO kept VALUES (1)")
            with pytest.raises(Exception, match="no such table"):
                later.run("INSERT INTO kept VALUES (2)")  # refused: already failed
    with admin_ctx.db.engine.connect() as connection:
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'kept'").scalar() == 0


@pytest.fixture
def kept_rows(admin_ctx: Context) -> Callable[[], int]:
    """A committed table ``kept``; returns how many rows it holds, read on a new connection."""
    with admin_ctx.transaction(write=True) as session:
        session.connection().exec_driver_sql("CREATE TABLE kept (n INTEGER)")

    def count() -> int:
        with admin_ctx.db.engine.connect() as connection:
            return int(connection.exec_driver_sql("SELECT count(*) FROM kept").scalar_one())

    return count


def test_what_was_queued_after_a_failed_statement_is_not_run(
        admin_ctx: Context, kept_rows: Callable[[], int]) -> None:
    with pytest.raises(Exception, match="no such table"), \
            admin_ctx.transaction(write=True) as session:  # noqa: PT012
        connection = session.connection()
        with overlapped(connection) as later:
            later.run("INSERT INTO missing VALUES (1)")
            later.run_many("INSERT INTO kept VALUES (?)", [(2,), (3,)])
            with pytest.raises(Exception, match="no such table"):
                later.wait()
            assert later.failed
    assert kept_rows() == 0


def test_queued_rows_never_commit_on_their_own_once_the_transaction_has_ended(
        admin_ctx: Context, kept_rows: Callable[[], int]) -> None:
    """SQLite rolls the whole transaction back on some errors (a full disk): the rows queued
    after that would each commit by themselves. They are not run (the error is the one
    told)."""
    with pytest.raises(Exception, match="transaction has ended"), \
            admin_ctx.transaction(write=True) as session:  # noqa: PT012
        connection = session.connection()
        with overlapped(connection) as later:
            later.run("ROLLBACK")  # as SQLite does by itself on SQLITE_FULL
            later.run_many("INSERT INTO kept VALUES (?)", [(1,), (2,)])
            later.run("INSERT INTO kept VALUES (3)")
            later.wait()
    assert kept_rows() == 0


def test_a_cancel_interrupts_the_running_statement_and_rolls_everything_back(
        admin_ctx: Context) -> None:
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt), \
            admin_ctx.transaction(write=True) as session:  # noqa: PT012
        connection = session.connection()
        connection.exec_driver_sql("CREATE TABLE scratch (n INTEGER)")
        with overlapped(connection) as later:
            later.run("INSERT INTO scratch (n) WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL "
                      "SELECT x + 1 FROM s WHERE x < 100000000) SELECT x FROM s")
            later.run("CREATE INDEX scratch_n ON scratch (n)")
            time.sleep(0.2)
            raise KeyboardInterrupt
    assert time.perf_counter() - started < 30  # a hundred million rows would take minutes
    with admin_ctx.db.engine.connect() as connection:
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'").scalar() == 0
