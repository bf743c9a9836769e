"""A schema upgrade is all or nothing: a migration failing part-way leaves the file as it was."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from clinic_desktop.errors import UpgradeFailed
from clinic_desktop.package_data import migrations_dir
from clinic_desktop.paths import DataDir
from clinic_desktop.storage import migrate
from clinic_desktop.storage.database import open_database
from tests.conftest import FIXED_NOW

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


def _schema(path: Path) -> tuple[list[tuple[str, str]], str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = conn.execute("SELECT type, name FROM sqlite_master ORDER BY name").fetchall()
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        names = [r[0] for r in conn.execute("SELECT name FROM patient ORDER BY id")]
        return tables, version, names
    finally:
        conn.close()


def test_a_failing_upgrade_leaves_the_database_exactly_as_it_was(
    data_dir: DataDir, admin_ctx: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from clinic_desktop.context import Context
    from clinic_desktop.services.patients import PatientInput, create_patient

    assert isinstance(admin_ctx, Context)
    create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000"))
    admin_ctx.db.close()
    before = _schema(data_dir.database)

    source = Path(str(migrations_dir()))
    copy = tmp_path / "migrations"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / "29990101_99_broken.py").write_text(BROKEN.replace("{head}",
                                                                            before[1]))
    shipped = migrate.migrations_dir
    monkeypatch.setattr(migrate, "migrations_dir", lambda: copy)

    for attempt in range(2):  # a second try finds the same clean file, not a half-built one
        with pytest.raises(UpgradeFailed) as refused:
            open_database(data_dir, now=FIXED_NOW)
        assert _schema(data_dir.database) == before, f"attempt {attempt + 1}"
        message = refused.value.message
        assert "数据库保持升级前的样子" in message and "the disk hiccupped" in message
        backups = sorted(data_dir.backups.glob("*pre-upgrade*.sqlite3"))
        assert backups and str(backups[-1]) in message
        assert _schema(backups[-1]) == before

    monkeypatch.setattr(migrate, "migrations_dir", shipped)
    open_database(data_dir, now=FIXED_NOW).close()  # the shipped migrations still open it
