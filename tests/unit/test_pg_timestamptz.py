"""Instants on PostgreSQL are ``timestamptz``: a server whose zone is Asia/Shanghai (as a
clinic's often is) shows them as local times to other tools, while the app reads and buckets
them exactly as on SQLite; down to the old naive columns and back keeps every instant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.insight.buckets import local_day
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.migrate import alembic_config
from clinic_desktop.storage.models.patient import Patient
from tests.pg import PgServer

pytestmark = pytest.mark.postgresql
LATE = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai, still the 24th there


def test_instants_are_timestamptz_and_read_alike_whatever_the_servers_zone(
        pg_url: str, pg_server: PgServer) -> None:
    name = pg_url.rsplit("/", 1)[1]
    pg_server._admin(f"ALTER DATABASE {name} SET timezone TO 'Asia/Shanghai'")  # noqa: SLF001
    db = open_database(url=pg_url, now=LATE)
    try:
        actor = setup_clinic(db, clinic_name="仁爱口腔", timezone="Asia/Shanghai",
                             admin_username="admin", admin_display_name="王院长",
                             password="s3cret-pass", clock=FixedClock(LATE))
        ctx = Context(db=db, actor=actor, clock=FixedClock(LATE))
        pid = create_patient(ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
        with db.engine.connect() as connection:
            kinds = set(connection.execute(text(
                "SELECT DISTINCT data_type FROM information_schema.columns WHERE table_schema "
                "= current_schema() AND column_name IN ('created_at', 'updated_at', 'at')"))
                .scalars())
        assert kinds == {"timestamp with time zone"}
        with db.session() as session:
            stored = session.execute(select(Patient.created_at).where(Patient.id == pid)
                                     ).scalar_one()
            day = session.execute(select(local_day("postgresql", Patient.created_at, 480))
                                  .where(Patient.id == pid)).scalar_one()
        assert stored == LATE and stored.tzinfo == UTC
        assert day == "2026-11-24"  # the clinic's day, as on SQLite
    finally:
        db.close()
    # Another tool on the server's own zone sees the instant as Shanghai's wall clock.
    other = create_engine(pg_url)
    try:
        with other.connect() as connection:
            shown = connection.execute(text(
                "SELECT to_char(created_at, 'YYYY-MM-DD HH24:MI') FROM patient WHERE id = :id"),
                {"id": pid}).scalar_one()
    finally:
        other.dispose()
    assert shown == "2026-11-24 23:30"


def test_down_to_naive_columns_and_back_keeps_every_instant(pg_url: str) -> None:
    from alembic import command

    db = open_database(url=pg_url, now=LATE)
    try:
        setup_clinic(db, clinic_name="仁爱口腔", timezone="Asia/Shanghai", admin_username="admin",
                     admin_display_name="王院长", password="s3cret-pass",
                     clock=FixedClock(LATE))
        for target in ("20261212_25", "head"):
            with db.engine.begin() as connection:
                config = alembic_config(connection)
                (command.downgrade if target != "head" else command.upgrade)(config, target)
        with db.session() as session:
            assert session.execute(select(Patient.id)).first() is None
            from clinic_desktop.storage.models.staff import Staff

            assert session.execute(select(Staff.created_at)).scalar_one() == LATE
    finally:
        db.close()
