"""On a PostgreSQL server the audit log only grows: the server refuses UPDATE, DELETE and
TRUNCATE of its entries whoever asks (a trigger), and the workstations' login, set up with
``grant-app-role``, may add and read entries and change the clinic's data, nothing more."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.database import open_database
from tests.conftest import FIXED_NOW
from tests.pg import PgServer
from tests.unit.test_pg_server import run

pytestmark = pytest.mark.postgresql


@pytest.fixture
def clinic_url(pg_url: str) -> str:
    db = open_database(url=pg_url, now=FIXED_NOW)
    try:
        setup_clinic(db, clinic_name="仁爱口腔", timezone="Asia/Shanghai", admin_username="admin",
                     admin_display_name="王院长", password="s3cret-pass",
                     clock=FixedClock(FIXED_NOW))
    finally:
        db.close()
    return pg_url


def _refused(url: str, statement: str) -> str:
    engine = create_engine(url)
    try:
        with pytest.raises(DBAPIError) as refused, engine.begin() as connection:
            connection.execute(text(statement))
        return str(refused.value.orig)
    finally:
        engine.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entry SET summary = '改过了'", "DELETE FROM audit_entry",
    "TRUNCATE audit_entry"])
def test_not_even_the_owner_rewrites_the_audit_log(clinic_url: str, statement: str) -> None:
    assert "append-only" in _refused(clinic_url, statement)


def test_the_workstations_login_adds_to_the_log_and_cannot_touch_it(
        clinic_url: str, pg_server: PgServer, tmp_path: object) -> None:
    pg_server._admin("CREATE ROLE clinic_desk LOGIN")  # noqa: SLF001 - the test's own server
    try:
        code, out = run("--data-dir", str(tmp_path), "--database-url", clinic_url,
                        "grant-app-role", "clinic_desk")
        assert code == EXIT_OK, out
        desk = make_url(clinic_url).set(username="clinic_desk").render_as_string(
            hide_password=False)
        db = open_database(url=desk, now=FIXED_NOW)
        try:
            ctx = Context(db=db, clock=FixedClock(FIXED_NOW))
            create_patient(ctx, PatientInput(name="张三", mobile="13800138000"))  # audited
        finally:
            db.close()
        for statement in ("UPDATE audit_entry SET summary = 'x'", "DELETE FROM audit_entry",
                          "DELETE FROM audit_head", "DROP TABLE patient"):
            assert "permission denied" in _refused(desk, statement) or \
                "must be owner" in _refused(desk, statement)
        code, out = run("--data-dir", str(tmp_path), "--database-url", desk, "check")
        assert code == EXIT_OK and "审计日志完整" in out, out
        code, _out = run("--data-dir", str(tmp_path), "--database-url", clinic_url,
                         "grant-app-role", "nobody_here")
        assert code == EXIT_UNUSABLE
    finally:
        engine = create_engine(clinic_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:  # its grants live in the clinic's database
                connection.execute(text("DROP OWNED BY clinic_desk"))
        finally:
            engine.dispose()
        pg_server._admin("DROP ROLE clinic_desk")  # noqa: SLF001
