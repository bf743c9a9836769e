"""Migration 16: staff gain ``must_change_password``, false for every account that exists, and
lose it on the way down; staff whom appointments name (foreign keys) do not stop either step."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from clinic_desktop.storage.database import Database
from clinic_desktop.storage.migrate import alembic_config
from tests.unit.test_migrations import PATIENT_ROW

STAFF_ROW = (
    "INSERT INTO staff (id, username, display_name, role, active, password_hash, is_doctor, "
    "failed_logins, created_at, version) VALUES (1, 'liu', '刘洋', 'doctor', TRUE, 'hash-kept', "
    "TRUE, 0, '2026-11-24 02:00:00', 3)")
APPOINTMENT_ROW = (
    "INSERT INTO appointment (id, patient_id, doctor_id, start, \"end\", status, channel, "
    "notes, created_at, updated_at, version) VALUES (1, 1, 1, '2026-11-24 02:00:00', "
    "'2026-11-24 02:30:00', 'booked', 'walk_in', '', '2026-11-24 02:00:00', "
    "'2026-11-24 02:00:00', 1)")


def _columns(connection: object) -> set[str]:
    return {c["name"] for c in inspect(connection).get_columns("staff")}


def test_staff_gain_the_flag_false_and_lose_it_again(database: Database) -> None:
    with database.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261207_15")
        assert "must_change_password" not in _columns(connection)
        for row in (PATIENT_ROW, STAFF_ROW, APPOINTMENT_ROW):
            connection.execute(text(row))
        command.upgrade(config, "20261208_16")
        kept = connection.execute(text(
            "SELECT username, password_hash, version, must_change_password FROM staff"
        )).all()
        command.downgrade(config, "20261207_15")
        after = _columns(connection)
        still = connection.execute(text("SELECT username, password_hash FROM staff")).all()
        booked = connection.execute(text("SELECT doctor_id FROM appointment")).scalars().all()
        # the steps left foreign keys enforced: an appointment naming no one is refused
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(APPOINTMENT_ROW.replace("(1, 1, 1,", "(2, 1, 99,")))
        command.upgrade(config, "head")
    assert kept == [("liu", "hash-kept", 3, 0)]
    assert "must_change_password" not in after
    assert still == [("liu", "hash-kept")] and booked == [1]
