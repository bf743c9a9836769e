"""The migrations build exactly the schema the models describe, and run down and up again;
the data migrations keep what the rows said. Each on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from clinic_desktop.paths import DataDir
from clinic_desktop.storage.base import Base
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.migrate import alembic_config


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """As ``db/env.py``: the objects the migrations keep by hand (SQLite's FTS5 table and its
    shadow tables, PostgreSQL's patient_search_* indexes and bulk_hold table)."""
    return name is None or not name.startswith(("patient_fts", "patient_search_", "bulk_hold"))


@pytest.fixture
def fresh(request: pytest.FixtureRequest, db_engine: str,
          data_dir: DataDir) -> Iterator[Database]:
    """A database migrated from nothing here (not a copy of a template), on each engine."""
    if db_engine == "postgresql":
        db = open_database(url=request.getfixturevalue("pg_url"))
    else:
        db = open_database(data_dir)
    yield db
    db.close()


def test_models_and_migrations_agree(fresh: Database) -> None:
    with fresh.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _include_name})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_back(fresh: Database) -> None:
    with fresh.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        tables = set(inspect(connection).get_table_names())
        assert set(Base.metadata.tables) <= tables
        if fresh.is_sqlite:  # SQLite searches through FTS5, PostgreSQL through its indexes
            assert "patient_fts" in tables


# One patient as the schema before migration 08 stores it, for the data migrations below.
PATIENT_ROW = (
    "INSERT INTO patient (id, code, name, name_pinyin, name_initials, birth_date_approximate, "
    "notes, archived, member_points, created_at, updated_at, version) VALUES (1, 'P000001', "
    "'张三', 'zhangsan', 'zs', FALSE, '', FALSE, 0, '2026-11-24 02:00:00', "
    "'2026-11-24 02:00:00', 1)")


def test_payment_methods_become_codes_and_read_in_either_language(database: Database) -> None:
    from sqlalchemy import text

    from clinic_desktop.i18n import set_language
    from clinic_desktop.services.billing import method_label

    with database.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261202_07")
        connection.execute(text(PATIENT_ROW))
        connection.execute(text(
            "INSERT INTO ledger_entry (patient_id, at, kind, method, amount, note) VALUES "
            "(1, '2026-11-24 02:00:00', 'payment', '微信支付', 30000, '')"))
        command.upgrade(config, "head")
        method = connection.execute(text("SELECT method FROM ledger_entry")).scalar()
    assert method == "wechat"
    assert method_label(method) == "微信支付"
    set_language("en")
    assert method_label(method) == "WeChat Pay"


def test_booking_channels_become_codes_and_read_in_either_language(database: Database) -> None:
    from sqlalchemy import text

    from clinic_desktop.i18n import set_language
    from clinic_desktop.services.appointments import channel_label

    with database.engine.begin() as connection:
        config = alembic_config(connection)
        command.downgrade(config, "20261202_08")
        connection.execute(text(PATIENT_ROW))
        connection.execute(text(
            "INSERT INTO staff (id, username, display_name, role, active, password_hash, "
            "is_doctor, failed_logins, created_at, version) VALUES (1, 'liu', '刘洋', "
            "'doctor', TRUE, 'x', TRUE, 0, '2026-11-24 02:00:00', 1)"))
        for number, label in enumerate(("美团/大众点评", "现场", "某个旧渠道"), start=1):
            connection.execute(text(
                "INSERT INTO appointment (id, patient_id, doctor_id, start, \"end\", status, "
                "channel, notes, created_at, updated_at, version) VALUES (:id, 1, 1, "
                "'2026-11-24 02:00:00', '2026-11-24 02:30:00', 'booked', :channel, '', "
                "'2026-11-24 02:00:00', '2026-11-24 02:00:00', 1)"),
                {"id": number, "channel": label})
        command.upgrade(config, "head")
        channels = connection.execute(
            text("SELECT channel FROM appointment ORDER BY id")).scalars().all()
    assert channels == ["meituan", "walk_in", "某个旧渠道"]  # unknown labels are kept as written
    assert [channel_label(c) for c in channels] == ["美团/大众点评", "现场", "某个旧渠道"]
    set_language("en")
    assert channel_label("meituan") == "Meituan / Dianping"
    assert channel_label("walk_in") == "Walk-in"


def test_the_scripts_read_as_text_agree_with_alembic() -> None:
    """A start learns the head and the known revisions without importing Alembic; what it
    reads must be what Alembic would say."""
    from alembic.script import ScriptDirectory

    from clinic_desktop.storage.migrate import head_revision, script_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert script_revisions() == {r.revision: r.down_revision
                                  for r in script.walk_revisions()}


def test_an_ordinary_start_does_not_import_alembic(tmp_path: Path) -> None:
    """Opening a clinic whose schema is at head leaves Alembic unimported."""
    import subprocess
    import sys

    from clinic_desktop.paths import DataDir
    from clinic_desktop.storage.database import open_database

    open_database(DataDir(tmp_path / "clinic")).close()
    probe = ("import sys; from clinic_desktop.paths import DataDir; "
             "from pathlib import Path; from clinic_desktop.storage.database import open_database; "
             f"open_database(DataDir(Path({str(tmp_path / 'clinic')!r}))).close(); "
             "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "False"
