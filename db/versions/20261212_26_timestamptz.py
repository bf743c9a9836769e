"""On PostgreSQL instants are ``timestamptz``: the server knows they are UTC

Every instant column (``UTCDateTime`` in the models) was created as ``timestamp without time
zone`` holding UTC, as SQLite keeps it. On a server that is a trap for anyone reading the
data with other tools (a report, ``psql`` with the server's zone set to Asia/Shanghai): the
values look local and are eight hours off. This revision turns each of them into
``timestamptz``, read as UTC. The app itself binds aware UTC instants and sets its sessions'
zone to UTC, so what it computes in SQL (days and weeks of an instant) is unchanged.

Migrations after this one create instant columns with ``sa.DateTime(timezone=True)`` on
PostgreSQL. Nothing changes on SQLite. Downgrading turns them back into UTC wall-clock values.

Revision ID: 20261212_26
Revises: 20261212_25
Create Date: 2026-12-12 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261212_26"
down_revision = "20261212_25"
branch_labels = None
depends_on = None

_COLUMNS = sa.text(
    "SELECT table_name, column_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND data_type = :kind "
    "AND table_name <> 'alembic_version' ORDER BY table_name, ordinal_position")


def _convert(from_kind: str, to_type: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    columns = bind.execute(_COLUMNS, {"kind": from_kind}).all()
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(table, []).append(column)
    for table, names in by_table.items():
        # One ALTER per table: its indexes are rebuilt once, not once per column.
        changes = ", ".join(f'ALTER COLUMN "{name}" TYPE {to_type} USING "{name}" AT TIME '
                            "ZONE 'UTC'" for name in names)
        op.execute(f'ALTER TABLE "{table}" {changes}')


def upgrade() -> None:
    _convert("timestamp without time zone", "timestamptz")


def downgrade() -> None:
    _convert("timestamp with time zone", "timestamp")
