"""Migration 13: the ledger's visit_id gets its index (which serves a look-up by visit), and
loses it on the way down; the entries stay."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, inspect, text

from clinic_desktop.storage.database import Database
from clinic_desktop.storage.migrate import alembic_config


def _indexes(connection: object) -> set[str]:
    return {i["name"] for i in inspect(connection).get_indexes("ledger_entry")}  # type: ignore[arg-type]


def _plan(connection: Connection, query: str) -> list[str]:
    """How the engine would run ``query`` when an index can serve it (PostgreSQL prefers
    reading a table of one row whole, so it is told not to)."""
    if connection.dialect.name == "sqlite":
        return [str(row) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = [str(row) for row in connection.execute(text(f"EXPLAIN {query}"))]
    connection.execute(text("SET LOCAL enable_seqscan = on"))
    return plan


def test_the_ledger_visit_index_comes_and_goes(database: Database) -> None:
    with database.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261204_12")
        before = _indexes(connection)
        connection.execute(text(
            "INSERT INTO patient (id, code, name, name_pinyin, name_initials, created_at, "
            "updated_at, notes, archived, birth_date_approximate, member_points, version) "
            "VALUES (1, 'P000001', '张三', 'zhangsan', 'zs', '2026-11-24 02:00:00', "
            "'2026-11-24 02:00:00', '', FALSE, FALSE, 0, 1)"))
        connection.execute(text(
            "INSERT INTO ledger_entry (patient_id, at, kind, amount, note) "
            "VALUES (1, '2026-11-24 02:00:00', 'charge', 30000, '洁牙')"))
        command.upgrade(config, "20261205_13")
        after = _indexes(connection)
        plan = _plan(connection, "SELECT id FROM ledger_entry WHERE visit_id = 5")
        kept = connection.execute(text("SELECT note FROM ledger_entry")).scalars().all()
        command.downgrade(config, "20261204_12")
        down = _indexes(connection)
        command.upgrade(config, "head")
    assert "ix_ledger_entry_visit_id" not in before and "ix_ledger_entry_visit_id" in after
    assert any("ix_ledger_entry_visit_id" in row for row in plan)
    assert kept == ["洁牙"] and "ix_ledger_entry_visit_id" not in down
