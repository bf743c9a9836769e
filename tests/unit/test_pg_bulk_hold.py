"""On PostgreSQL a first import builds a table's indexes and foreign keys after its rows, as
SQLite builds its indexes (migration 29): the table's owner sets them aside for the
workstations' login (``bulk_hold``) and makes them again (``bulk_restore``), and nothing
commits without them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, Table, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from clinic_desktop.cli import EXIT_OK
from clinic_desktop.context import Context
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage import bulk
from clinic_desktop.storage.bulk import insert_columns, table_of
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.models.clinical import LedgerEntry
from tests.pg import PgServer
from tests.unit.test_pg_server import run

ON_SERVER = [pytest.param("postgresql", marks=pytest.mark.postgresql)]
pytestmark = pytest.mark.parametrize("db_engine", ON_SERVER, indirect=True)

AT = datetime(2025, 3, 5, 4, tzinfo=UTC)
DESK = "clinic_bulk_desk"
IMPORTED = ("patient", "visit", "treatment", "ledger_entry", "care_task")


def _schema(connection: Connection, table: str) -> list[str]:
    """``table``'s indexes and foreign keys, as the server would make them."""
    return sorted(connection.execute(text(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = :t UNION ALL "
        "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'"), {"t": table}).scalars())


def _charges(patients: list[int], count: int) -> dict[str, list[object]]:
    return {"patient_id": [patients[i % len(patients)] for i in range(count)],
            "at": [AT + timedelta(days=i % 7) for i in range(count)],
            "kind": ["charge"] * count,
            "amount": [Decimal(i % 11) + Decimal("0.5") for i in range(count)]}


@pytest.fixture
def desk(database: Database, pg_server: PgServer, tmp_path: Path) -> Iterator[Engine]:
    """The workstations' login (``grant-app-role``), not the tables' owner."""
    url = database.engine.url.render_as_string(hide_password=False)
    pg_server._admin(f"CREATE ROLE {DESK} LOGIN")  # noqa: SLF001 - the test's own server
    engine = create_engine(make_url(url).set(username=DESK))
    try:
        code, out = run("--data-dir", str(tmp_path), "--database-url", url,
                        "grant-app-role", DESK)
        assert code == EXIT_OK, out
        yield engine
    finally:
        engine.dispose()
        with database.engine.begin() as connection:  # its grants live in this database
            connection.execute(text(f"DROP OWNED BY {DESK}"))
        pg_server._admin(f"DROP ROLE {DESK}")  # noqa: SLF001


def test_a_first_batch_gets_its_indexes_and_foreign_keys_made_after_its_rows(
        admin_ctx: Context) -> None:
    patients = [create_patient(admin_ctx, PatientInput(name=name)).patient.id
                for name in ("赵六", "钱七")]
    table = table_of(LedgerEntry)
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        before = _schema(connection, "ledger_entry")
        during: list[list[str]] = []

        def create(sql: str) -> None:
            during.append(_schema(connection, "ledger_entry"))
            connection.exec_driver_sql(sql)

        insert_columns(connection, table, _charges(patients, 6000), rebuild_indexes=True,
                       create=create)
        assert len(before) >= 10 and len(during) == 1
        assert during[0] == [d for d in before if " pk_" in d]  # the rest was set aside
        assert _schema(connection, "ledger_entry") == before
        # Now the table holds more rows than the next batch adds: nothing is set aside.
        assert connection.execute(text("SELECT bulk_hold('ledger_entry', 5000)")
                                  ).scalar_one() == 0
        assert connection.execute(text("SELECT bulk_hold('patient', 4999)")).scalar_one() == 0
    with admin_ctx.db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM ledger_entry WHERE kind = "
                                       "'charge'")).scalar_one() == 6000
        assert connection.execute(text("SELECT count(*) FROM bulk_hold")).scalar_one() == 0
        assert _schema(connection, "ledger_entry") == before


def test_a_row_pointing_nowhere_is_refused_when_its_foreign_key_is_made_again(
        admin_ctx: Context) -> None:
    patient = create_patient(admin_ctx, PatientInput(name="孙八")).patient.id
    charges = _charges([patient], 6000)
    charges["patient_id"][4321] = patient + 1000  # no such patient
    with pytest.raises(IntegrityError) as refused, \
            admin_ctx.transaction(write=True) as session:
        insert_columns(session.connection(), table_of(LedgerEntry), charges,
                       rebuild_indexes=True)
    assert "fk_ledger_entry_patient_id_patient" in str(refused.value)
    with admin_ctx.db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one() == 0
        assert len(_schema(connection, "ledger_entry")) >= 10


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_what_the_workstations_login_set_aside_is_back_when_its_transaction_ends(
        desk: Engine, database: Database, end: str) -> None:
    with desk.connect() as connection:
        before = _schema(connection, "visit")
        connection.rollback()
        transaction = connection.begin()
        held = connection.execute(text("SELECT bulk_hold('visit', 10000)")).scalar_one()
        assert held == len(before) - 1  # all but the primary key: 3 indexes, 3 foreign keys
        assert _schema(connection, "visit") == [d for d in before if " pk_" in d]
        # Never restored by the caller: a commit makes them again, a rollback keeps them.
        transaction.commit() if end == "commit" else transaction.rollback()
        assert _schema(connection, "visit") == before
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM bulk_hold")).scalar_one() == 0


def test_the_workstations_login_may_not_write_what_is_run_as_the_owner(
        desk: Engine, database: Database) -> None:
    drop = "INSERT INTO bulk_hold VALUES ('x', 'visit', 0, 'DROP TABLE patient')"
    with pytest.raises(DBAPIError, match="permission denied"), desk.begin() as connection:
        connection.execute(text(drop))
    with database.engine.begin() as connection:  # granted by hand, as GRANT ALL would
        connection.execute(text(f"GRANT INSERT ON bulk_hold TO {DESK}"))
    with pytest.raises(DBAPIError, match="bulk_hold is written by bulk_hold"), \
            desk.begin() as connection:
        connection.execute(text(drop))
    with database.engine.begin() as connection:
        connection.execute(text(f"GRANT DELETE, TRUNCATE ON bulk_hold TO {DESK}"))
    # (TRUNCATE after a hold in the same transaction the server refuses by itself: the hold
    # left a deferred trigger event pending.)
    for forget, refusal in (("DELETE FROM bulk_hold", "bulk_hold is written by bulk_hold"),
                            ("TRUNCATE bulk_hold", "pending trigger events")):
        with pytest.raises(DBAPIError, match=refusal), desk.begin() as connection:
            assert connection.execute(text("SELECT bulk_hold('visit', 10000)")).scalar()
            connection.execute(text(forget))  # what was set aside would never come back
    with pytest.raises(DBAPIError, match="bulk_hold is written by bulk_hold"), \
            desk.begin() as connection:
        connection.execute(text("TRUNCATE bulk_hold"))
    with pytest.raises(DBAPIError, match="may not be held"), desk.begin() as connection:
        connection.execute(text("SELECT bulk_hold('audit_entry', 10000)"))
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT to_regclass('patient')")).scalar() is not None


def test_a_first_import_by_the_workstations_login_builds_them_once_and_keeps_them(
        admin_ctx: Context, desk: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = write_legacy_workbook(tmp_path / "legacy.xlsx", 6000, today=date(2026, 11, 24),
                                  duplicate_share=0.03)
    with admin_ctx.db.engine.connect() as connection:
        before = {table: _schema(connection, table) for table in IMPORTED}
    during: dict[str, int] = {}
    hold = bulk._held_by_owner  # noqa: SLF001

    @contextmanager
    def watched(connection: Connection, table: Table, adding: int,
                create: bulk.Run | None) -> Iterator[None]:
        with hold(connection, table, adding, create):
            during[table.name] = len(_schema(connection, table.name))
            yield

    monkeypatch.setattr(bulk, "_held_by_owner", watched)
    db = open_database(url=desk.url.render_as_string(hide_password=False))
    try:
        ctx = Context(db=db, actor=admin_ctx.actor, clock=admin_ctx.clock)
        summary = run_import(ctx, ImportRequest(sheet))
        assert summary.visits_created > 5000 and summary.tasks_created > 0
        first = summary.sample[0]
    finally:
        db.close()
    # Set aside while the rows went in: everything but the keys and unique indexes.
    for table in ("patient", "visit", "ledger_entry", "care_task"):
        assert during[table] < len(before[table]) - 2, table
    with admin_ctx.db.engine.connect() as connection:
        assert {table: _schema(connection, table) for table in IMPORTED} == before
        assert connection.execute(text("SELECT count(*) FROM bulk_hold")).scalar_one() == 0
    found = search_patients(admin_ctx, first.name)
    assert any(p.name == first.name for p in found)
