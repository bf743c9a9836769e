"""Revision 20261213_28 gives PostgreSQL the triggers that keep the dashboard's per-day cache
and each patient's money (SQLite has had them since revisions 17 and 21, and keeps them
untouched); down to 27 and up again on both engines, and on a server the upgrade forgets what
nothing kept and fills the money from the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, delete, func, insert, select, text

from clinic_desktop.context import Context
from clinic_desktop.services.insight import patient_money
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.migrate import alembic_config
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.insight import InsightDay, PatientMoney, PatientMonthSpend
from tests.unit.insight.clinic import build, local

BEFORE = "20261213_27"
KEPT_BY_28 = {f"insight_{what}_{event}" for what in ("visit", "treatment", "ledger")
              for event in ("insert", "delete", "update")} | {
    "insight_patient_update", "insight_procedure_update", "insight_procedure_delete",
    "insight_zone_insert", "insight_zone_update",
    "money_ledger_insert", "money_ledger_delete", "money_ledger_update"}


@contextmanager
def _migrating(db: Database) -> Iterator[tuple[Connection, Config]]:
    with db.engine.begin() as connection:
        config = alembic_config(connection)
        yield connection, config


def _triggers(connection: Connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        return set(connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    return set(connection.execute(text(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())


def _functions(connection: Connection) -> set[str]:
    return set(connection.execute(text(
        "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace")).scalars())


def test_down_to_27_and_up_again(database: Database) -> None:
    with _migrating(database) as (connection, config):
        at_head = _triggers(connection)
        assert at_head >= KEPT_BY_28  # SQLite's from 17 and 21 have the same names
        command.downgrade(config, BEFORE)
        below = _triggers(connection)
        if database.is_sqlite:
            assert below == at_head  # 28 changes nothing on SQLite
        else:
            assert not below & KEPT_BY_28
            assert not _functions(connection) & KEPT_BY_28
        command.upgrade(config, "head")
        assert _triggers(connection) == at_head


def test_the_servers_upgrade_forgets_the_days_and_fills_the_money(admin_ctx: Context) -> None:
    """Below 28 a server kept nothing: days copied by migrate-to and money rows went stale as
    entries were written. The upgrade empties the cache and fills the money from the ledger;
    on SQLite it leaves both as its triggers kept them."""
    clinic = build(admin_ctx)
    db = admin_ctx.db
    patient = clinic.patients["A"]
    with _migrating(db) as (connection, config):
        command.downgrade(config, BEFORE)
        connection.execute(insert(LedgerEntry).values(  # below 28 a server kept no money
            patient_id=patient, kind="charge", amount=Decimal("70"),
            at=local(date(2026, 11, 5))))
        connection.execute(insert(InsightDay).values(  # a day nothing forgets on either
            day=date(2026, 10, 1), what="built", key="", amount=0.0, visits=0, patients=b""))
        if not db.is_sqlite:
            connection.execute(delete(PatientMoney).where(PatientMoney.patient_id == patient))
            connection.execute(insert(PatientMoney).values(
                patient_id=10**6, owed=1, spend=2, stored=3))  # a row for no one
            connection.execute(delete(PatientMonthSpend))
        command.upgrade(config, "head")
    with admin_ctx.transaction() as session:
        assert patient_money.kept_rows(session) == patient_money.from_ledger(session)
        assert patient_money.kept_months(session) == patient_money.months_from_ledger(session)
        cached = session.execute(select(func.count()).select_from(InsightDay)).scalar_one()
    assert cached == (1 if db.is_sqlite else 0)
