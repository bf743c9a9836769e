"""Migration 12: a membership tier an import created carries the batch id; tiers the clinic
made before keep theirs (none), and the column goes away on the way down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from clinic_desktop.storage.database import Database
from clinic_desktop.storage.migrate import alembic_config

TIER_ROW = (
    "INSERT INTO loyalty_tier (id, name, rank, threshold_kind, threshold, discounts_json, "
    "multiplier_percent, colour, active, created_at, updated_at) VALUES (1, '金卡', 1, 'spend', "
    "1000000, '{}', 150, '#D4A017', TRUE, '2026-11-24 02:00:00', '2026-11-24 02:00:00')")


def test_tiers_gain_an_import_batch_id_and_lose_it_again(database: Database) -> None:
    with database.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261203_11")
        assert "import_batch_id" not in {
            c["name"] for c in inspect(connection).get_columns("loyalty_tier")}
        connection.execute(text(TIER_ROW))
        command.upgrade(config, "20261204_12")
        columns = {c["name"] for c in inspect(connection).get_columns("loyalty_tier")}
        indexes = {i["name"] for i in inspect(connection).get_indexes("loyalty_tier")}
        kept = connection.execute(text(
            "SELECT name, multiplier_percent, import_batch_id FROM loyalty_tier")).all()
        command.downgrade(config, "20261203_11")
        after = {c["name"] for c in inspect(connection).get_columns("loyalty_tier")}
        command.upgrade(config, "head")
    assert "import_batch_id" in columns and "ix_loyalty_tier_import_batch_id" in indexes
    assert kept == [("金卡", 150, None)]
    assert "import_batch_id" not in after
