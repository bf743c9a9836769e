"""Bulk inserts on PostgreSQL: ``COPY … FROM STDIN``, the ids reserved from the table's sequence.

An import's executemany through SQLAlchemy (``INSERT … VALUES (…), (…) … RETURNING id``, a
thousand rows a statement) spent most of its time in the client: a parameter dict per row,
then psycopg parsing each statement of tens of thousands of placeholders. ``COPY`` sends the
rows as one stream the server parses itself, with no statement per row and none to parse in
Python (psycopg's C extension formats the rows).

COPY returns nothing, so the ids come first: ``reserve_ids`` takes them from the id column's
sequence in one statement (what a ``DEFAULT nextval(…)`` would have taken, in the same
order), and the rows are copied with their ids. The values are the ones the models' column
types make (``storage.bulk`` converts them), so what is stored is what the ORM would store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.exc import DBAPIError


def is_postgresql(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def reserve_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` new ids of ``table``'s id column, ascending, taken from its sequence (so no
    other writer, nor a later ``DEFAULT``, can give them again).

    The server sends back the first and the last only, unless another writer took numbers in
    between (then every one): 100,000 ids as rows cost the import 0.3 s a table, mostly in
    sending and converting them, and the sequence's name was looked up once a row."""
    if count <= 0:
        return []
    sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                  {"table": _quoted(table.name)}).scalar_one()
    first, last, each = connection.execute(
        text("SELECT min(taken.id), max(taken.id), "
             "CASE WHEN max(taken.id) - min(taken.id) + 1 = count(*) THEN NULL "
             "ELSE array_agg(taken.id ORDER BY taken.id) END "
             "FROM (SELECT nextval(CAST(:sequence AS regclass)) AS id "
             "FROM generate_series(1, :count)) AS taken"),
        {"sequence": sequence, "count": count}).one()
    return list(range(first, last + 1)) if each is None else list(each)


def copy_rows(driver: Any, table: str, names: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> None:
    """``COPY`` ``rows`` (tuples of the ``names`` columns, converted for the driver) into
    ``table`` on ``driver`` (the psycopg connection of the caller's transaction). A failure is
    raised as SQLAlchemy's ``DBAPIError`` (``IntegrityError`` …), as an ``execute`` would
    raise it.

    Text format: psycopg writes each value as the server would read it in a statement
    (binary, with each column's type set, measured no faster on the import)."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names)))
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as error:
        raise DBAPIError.instance(statement.as_string(driver), None, error,
                                  psycopg.Error) from error


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
