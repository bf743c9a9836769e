"""Alembic environment. The app passes its open connection in ``config.attributes``.

For development (``alembic -c db/alembic.ini -x url=sqlite:///path revision --autogenerate``)
a URL can be given instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from clinic_desktop.storage import models  # noqa: F401 - every table on Base.metadata
from clinic_desktop.storage.base import Base, Money, UTCDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Migrations name storage types (DateTime, Integer), never the app's Python types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    if type_ == "type" and isinstance(obj, Money):
        return "sa.Integer()"
    return False


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """The objects the migrations keep by hand: SQLite's FTS5 table (and its shadow tables),
    PostgreSQL's patient_search_* indexes (migration 24) and bulk_hold table (migration 29)."""
    return name is None or not name.startswith(("patient_fts", "patient_search_", "bulk_hold"))


def _configure(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        # The app runs every upgrade inside one transaction of its own (SQLite can roll DDL
        # back once pysqlite stops committing behind its back: see storage/engine.py).
        transactional_ddl=True,
        compare_type=True,
        render_item=_render_item,
        include_name=_include_name,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run against a database")
run_migrations_online()
