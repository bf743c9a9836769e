"""A schema upgrade is all or nothing: a migration failing part-way leaves the database as it
was (on SQLite, with the copy taken before it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from clinic_desktop.context import Context
from clinic_desktop.errors import UpgradeFailed
from clinic_desktop.package_data import migrations_dir
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage import migrate
from tests.conftest import FIXED_NOW, reopen

BROKEN = '''
import sqlalchemy as sa
from alembic import op

revision = "29990101_99"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    op.add_column("patient", sa.Column("half_column", sa.Integer(), nullable=True))
    op.execute("UPDATE patient SET name = 'changed'")
    raise RuntimeError("the disk hiccupped")


def downgrade() -> None:
    pass
'''


Schema = tuple[list[tuple[str, list[str], list[str]]], str, list[str]]


def _schema(engine: Engine) -> Schema:
    """Every table with its columns and indexes, the schema version and the patients' names,
    on new connections (the database as the next start finds it)."""
    try:
        with engine.connect() as connection:
            found = inspect(connection)
            tables = [(t, [c["name"] for c in found.get_columns(t)],
                       sorted(str(i["name"]) for i in found.get_indexes(t)))
                      for t in sorted(found.get_table_names())]
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            names = connection.execute(text("SELECT name FROM patient ORDER BY id"))
            return tables, str(version.scalar()), list(names.scalars())
    finally:
        engine.dispose()


def test_a_failing_upgrade_leaves_the_database_exactly_as_it_was(
    admin_ctx: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000"))
    db = admin_ctx.db
    db.close()
    before = _schema(db.engine)

    source = Path(str(migrations_dir()))
    copy = tmp_path / "migrations"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / "29990101_99_broken.py").write_text(BROKEN.replace("{head}",
                                                                            before[1]))
    shipped = migrate.migrations_dir
    monkeypatch.setattr(migrate, "migrations_dir", lambda: copy)

    # The copy taken first: the file's on SQLite, pg_dump's into this workstation's folder on
    # a server.
    backups = db.data_dir.backups if db.data_dir is not None else tmp_path / "backups"
    options = {} if db.is_sqlite else {"server_backups": backups}
    for attempt in range(2):  # a second try finds the same clean schema, not a half-built one
        with pytest.raises(UpgradeFailed) as refused:
            reopen(db, now=FIXED_NOW, **options)
        assert _schema(db.engine) == before, f"attempt {attempt + 1}"
        message = refused.value.message
        assert "数据库保持升级前的样子" in message and "the disk hiccupped" in message
        taken = sorted(backups.glob("*pre-upgrade.sqlite3" if db.is_sqlite
                                    else "*pre-upgrade.dump"))
        assert taken and str(taken[-1]) in message
        if db.is_sqlite:
            assert _schema(create_engine(f"sqlite:///{taken[-1]}")) == before

    monkeypatch.setattr(migrate, "migrations_dir", shipped)
    reopen(db, now=FIXED_NOW).close()  # the shipped migrations still open it
