"""The dashboard keeps per-day totals, and the database forgets a day when its data changes

A year's dashboard read every visit, treatment line and ledger entry of the year and of the
year before (about 5 s on a clinic with a million entries; the goal is 1 s). Closed days
rarely change, so each local day's totals are kept in ``insight_day`` once read
(``services/insight/day_cache.py``): money by kind, method and pot; revenue, visits and the
patients behind them by procedure, category, source and doctor; and every patient seen with
the day they were first seen, so that distinct patients, new and returning are still exact
over any period.

The triggers below are what make the cache trustworthy: whatever writes a visit, a
treatment line, a ledger entry, a patient's source, legacy first-visit date or merge, a
procedure's category or the clinic's time zone — a service, the import, a restore, a script
— deletes the rows of every day it may change, in the same transaction, and the next read
builds them again. A visit also forgets the later days of its patient (whether they were new
then depends on it). A ledger entry forgets the UTC day before, of and after its instant (its
local day is one of them in any zone) and the day of its visit. The ``WHEN`` clauses skip the
work when the cache is empty, as during a new clinic's first import.

SQLite only: on PostgreSQL the dashboard reads the visits and the ledger directly until the
PostgreSQL migrations give it the same triggers.

Revision ID: 20261209_17
Revises: 20261208_16
Create Date: 2026-12-09 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261209_17"
down_revision = "20261208_16"
branch_labels = None
depends_on = None

_CACHED = "EXISTS (SELECT 1 FROM insight_day)"


def _later_days(patient: str, day: str) -> str:
    return (f"DELETE FROM insight_day WHERE day IN (SELECT visit_date FROM visit "
            f"WHERE patient_id = {patient} AND visit_date > {day});")


def _visit_day(visit: str) -> str:
    return f"DELETE FROM insight_day WHERE day = (SELECT visit_date FROM visit WHERE id = {visit});"


def _around(instant: str) -> str:
    return (f"DELETE FROM insight_day WHERE day BETWEEN date({instant}, '-1 day') "
            f"AND date({instant}, '+1 day');")


_TRIGGERS = {
    "insight_visit_insert": (
        "AFTER INSERT ON visit",
        "DELETE FROM insight_day WHERE day = NEW.visit_date;"
        + _later_days("NEW.patient_id", "NEW.visit_date")),
    "insight_visit_delete": (
        "AFTER DELETE ON visit",
        "DELETE FROM insight_day WHERE day = OLD.visit_date;"
        + _later_days("OLD.patient_id", "OLD.visit_date")),
    "insight_visit_update": (
        "AFTER UPDATE OF visit_date, patient_id, doctor_id ON visit",
        "DELETE FROM insight_day WHERE day IN (OLD.visit_date, NEW.visit_date);"
        + _later_days("OLD.patient_id", "min(OLD.visit_date, NEW.visit_date)")
        + _later_days("NEW.patient_id", "min(OLD.visit_date, NEW.visit_date)")),
    "insight_treatment_insert": ("AFTER INSERT ON treatment", _visit_day("NEW.visit_id")),
    "insight_treatment_delete": ("AFTER DELETE ON treatment", _visit_day("OLD.visit_id")),
    "insight_treatment_update": (
        "AFTER UPDATE ON treatment", _visit_day("OLD.visit_id") + _visit_day("NEW.visit_id")),
    "insight_ledger_insert": (
        "AFTER INSERT ON ledger_entry", _around("NEW.at") + _visit_day("NEW.visit_id")),
    "insight_ledger_delete": (
        "AFTER DELETE ON ledger_entry", _around("OLD.at") + _visit_day("OLD.visit_id")),
    "insight_ledger_update": (
        "AFTER UPDATE ON ledger_entry",
        _around("OLD.at") + _around("NEW.at") + _visit_day("OLD.visit_id")
        + _visit_day("NEW.visit_id")),
    "insight_patient_update": (
        "AFTER UPDATE OF source, first_visit_date, merged_into_id ON patient",
        "DELETE FROM insight_day WHERE day IN "
        "(SELECT visit_date FROM visit WHERE patient_id = NEW.id);"),
    "insight_procedure_update": (
        "AFTER UPDATE OF category ON procedure_type", "DELETE FROM insight_day;"),
    "insight_procedure_delete": ("AFTER DELETE ON procedure_type", "DELETE FROM insight_day;"),
    "insight_zone_insert": ("AFTER INSERT ON setting", "DELETE FROM insight_day;"),
    "insight_zone_update": ("AFTER UPDATE ON setting", "DELETE FROM insight_day;"),
}

# Extra conditions beside "the cache holds something".
_WHEN = {
    "insight_patient_update": "(OLD.source IS NOT NEW.source "
                              "OR OLD.first_visit_date IS NOT NEW.first_visit_date "
                              "OR OLD.merged_into_id IS NOT NEW.merged_into_id)",
    "insight_procedure_update": "OLD.category IS NOT NEW.category",
    "insight_zone_insert": "NEW.key = 'clinic.timezone'",
    "insight_zone_update": "NEW.key = 'clinic.timezone'",
}


def trigger_sql(name: str) -> str:
    event, body = _TRIGGERS[name]
    when = " AND ".join(filter(None, (_CACHED, _WHEN.get(name))))
    return f"CREATE TRIGGER {name} {event} FOR EACH ROW WHEN {when} BEGIN {body} END"


def upgrade() -> None:
    op.create_table(
        "insight_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("what", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("patients", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day", "what", "key", name=op.f("pk_insight_day")),
    )
    # A period's visits by their day, with the patient and doctor, from the index alone:
    # every report reads visits by day, and without it each read scanned every visit.
    op.create_index("ix_visit_date", "visit", ["visit_date", "patient_id", "doctor_id"])
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _TRIGGERS:
        op.execute(trigger_sql(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_visit_date", table_name="visit")
    op.drop_table("insight_day")
