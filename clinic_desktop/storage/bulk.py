"""Bulk inserts for imports: the same column types, a fraction of the per-row cost.

SQLAlchemy's executemany spends most of its time building a parameter dict per row and
calling each type's bind processor on every value. Here the processors are looked up once
per column, their results are memoised for dates, instants and amounts (an import has a few
thousand distinct visit dates for 100,000 rows), and rows go to the driver as tuples. Values
are converted by the models' own types, so what is stored is what the ORM would store.
Columns a row leaves out get their model default. Ids are assigned here on SQLite (max + 1,
inside the caller's write transaction); on PostgreSQL they are taken from the table's sequence
and the rows go by COPY (``storage.pg_bulk``).

The work is done a column at a time (``insert_columns``): a column's values are converted by
one ``map`` over its processor, and the driver's row tuples are made by one ``zip``. No
Python code runs per row here, so 100,000 rows cost what SQLite itself costs.
``bulk_insert`` takes row tuples and turns each chunk into columns.

What SQLite itself costs is then cut four ways on SQLite:

- a value every row of a chunk shares (the batch id, the importing user, the import's
  instant, a column left empty) is written into the statement as a literal instead of being
  bound once a row;
- binding ``NULL`` costs Python's sqlite3 module an adapter look-up per value (about four
  times a text's cost), so a chunk whose columns are often empty is split by which of them
  are empty, and each part names its empty columns ``NULL`` in its statement (rows keep their
  ids; only the order they reach the B-tree changes, so a table without an integer id given
  here, with an insert trigger, or whose rows point at rows of their own table is never
  split);
- with ``rebuild_indexes``, a table that holds fewer rows than the batch adds has its
  secondary indexes dropped for the insert and created again after it (one sort each, not one
  B-tree insert per row and index), inside the caller's transaction: a rollback restores them
  as SQLite's DDL is transactional (on PostgreSQL its foreign keys too, by the table's owner:
  ``rebuilt_indexes``);
- ``quiet_triggers`` sets aside, the same way, insert triggers that would do nothing for any
  row of the batch (they wait on an empty table: the dashboard's day cache).

``ColumnInsert`` reads what an insert needs before its rows are given, so a writer can hand
the chunks to a second thread (``storage.bulk_overlap``) and go on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from itertools import groupby, islice, repeat
from operator import add, is_, mul
from typing import Any, cast

from sqlalchemy import Connection, Integer, Table, func, select, text

from clinic_desktop.storage.pg_bulk import copy_rows, is_postgresql, reserve_ids

CHUNK_ROWS = 5000
# Below this many rows a chunk is written as it is: a statement of its own costs more than
# binding its shared and empty values.
SHAPE_MIN_ROWS = 64
SPLIT_MAX_COLUMNS = 6  # at most 2**6 parts a chunk
SPLIT_MIN_SHARE = 16  # a column is split on when at least 1/16 of the chunk is NULL
Processor = Callable[[Any], Any]
Run = Callable[[str], None]  # runs one statement that returns nothing
Many = Callable[[str, list[tuple[Any, ...]]], None]  # runs one statement over many rows


def _memoised(process: Processor) -> Processor:
    # lru_cache's C dict lookup: a repeated date or amount costs one hash, not a conversion.
    return functools.lru_cache(maxsize=None)(process)


def _processors(connection: Connection, table: Table, names: Sequence[str],
                ) -> list[Processor | None]:
    """Each column's own bind processor, memoised (dates, instants and amounts repeat)."""
    found: list[Processor | None] = []
    for name in names:
        column_type = table.c[name].type.dialect_impl(connection.dialect)
        process: Processor | None = column_type.bind_processor(connection.dialect)
        found.append(_memoised(process) if process is not None else None)
    return found


def _defaults(table: Table, given: set[str]) -> dict[str, Any]:
    """Scalar model defaults for the columns the rows leave out (``version=1``, ``note=''``)."""
    defaults = {}
    for column in table.columns:
        if column.name in given or column.primary_key:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            defaults[column.name] = default.arg  # type: ignore[attr-defined]
    return defaults


_INT64 = (-(1 << 63), 1 << 63)


def sql_literal(value: Any) -> str | None:
    """``value`` (already converted for the driver) as an SQLite literal that stores exactly
    what binding it would, or None when it has none here (floats, bytes, text with NUL)."""
    if value is None:
        return "NULL"
    kind = type(value)
    if kind is int and _INT64[0] <= value < _INT64[1]:
        return str(value)
    if kind is str and "\x00" not in value:
        return "'" + str(value).replace("'", "''") + "'"
    return None


def table_of(model: type[Any]) -> Table:
    """A mapped class's Table (typed: ``__table__`` is declared as a FromClause)."""
    return cast(Table, model.__table__)


def insert_columns(connection: Connection, table: Table, columns: Mapping[str, Sequence[Any]],
                   same: Mapping[str, Any] | None = None, *, want_ids: bool = True,
                   rebuild_indexes: bool = False, create: Run | None = None) -> list[int]:
    """Insert rows given a column at a time: ``columns`` maps a column name to its values (all
    of the same length, one per row), ``same`` a column name to the one value every row has.
    Returns the new ids in row order. Columns named in neither get their model default.
    ``rebuild_indexes``: see the module's note (for a batch of thousands of rows); ``create``
    runs the CREATE INDEX statements (default: at once, on ``connection``)."""
    count = column_length(columns)
    insert = _Insert(connection, table, list(columns), same or {})
    with rebuilt_indexes(connection, table, count, create=create) if rebuild_indexes \
            else _nothing():
        return insert.run(list(columns.values()), count, want_ids=want_ids)


def column_length(columns: Mapping[str, Sequence[Any]]) -> int:
    """The one length of ``columns`` (a ValueError when they differ)."""
    counts = {len(values) for values in columns.values()}
    if len(counts) != 1:
        raise ValueError(f"insert_columns needs columns of one length, not {sorted(counts)}")
    return counts.pop()


class ColumnInsert:
    """``insert_columns`` in two steps, for a writer that sends its rows to a second thread
    (``storage.bulk_overlap``): everything read from the database (the table's triggers, its
    next id) is read when this is made, so ``write`` reads nothing; it hands each chunk's
    statement and rows to ``send`` and returns the ids the rows will get.

    The ids are counted on from ``first_id``: the caller holds the write transaction, so
    nothing but its own writes, all of them through this object, add rows to the table in
    between. On PostgreSQL ``write`` takes its ids from the table's sequence and COPYs the
    rows at once, on the caller's thread (``send`` is not used there)."""

    def __init__(self, connection: Connection, table: Table, names: Sequence[str],
                 same: Mapping[str, Any], *, send: Many, first_id: int | None = None) -> None:
        self.insert = _Insert(connection, table, list(names), same, send=send)
        if self.insert.sqlite and self.insert.ids:
            self.insert.next_id = first_id if first_id is not None else next_id(connection,
                                                                                table)

    def write(self, columns: Mapping[str, Sequence[Any]], *, want_ids: bool = True,
              ) -> list[int]:
        """The rows' ids in row order (``want_ids=False``: the caller needs none, and on
        PostgreSQL the table's default numbers the rows)."""
        if list(columns) != self.insert.names:
            raise ValueError("the columns ColumnInsert was made for, in that order")
        count = column_length(columns)
        return self.insert.run(list(columns.values()), count, want_ids=want_ids)


def next_id(connection: Connection, table: Table) -> int:
    """The id the next row of ``table`` gets from these inserts (largest + 1)."""
    return int(connection.execute(select(func.max(table.c.id))).scalar_one() or 0) + 1


def bulk_insert(connection: Connection, table: Table, names: Sequence[str],
                rows: Iterable[Sequence[Any]], *, want_ids: bool = True) -> list[int]:
    """Insert ``rows`` (tuples of the ``names`` columns, in that order); returns the new ids
    in row order. Columns not named get their model default."""
    insert = _Insert(connection, table, list(names), {})
    ids: list[int] = []
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        ids.extend(insert.run(list(zip(*chunk, strict=True)), len(chunk), want_ids=want_ids))
    return ids


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def rebuilt_indexes(connection: Connection, table: Table, adding: int, *,
                   create: Run | None = None) -> Iterator[None]:
    """On SQLite, when ``table`` holds fewer rows than the ``adding`` about to be inserted, its
    secondary indexes are dropped for the insert and created again (in their order) after it,
    by ``create`` (default: at once, on ``connection``; ``bulk_overlap`` runs them beside the
    caller's Python work).

    Unique indexes stay (they enforce a constraint row by row), as do all of them once the
    database has planner statistics (``sqlite_stat1``: dropping an index drops its figures).
    The count is estimated from the largest id, which never undercounts.

    On PostgreSQL the table's owner does it (``bulk_hold`` and ``bulk_restore``, migration 29:
    the workstations' login may not drop an index), for its foreign keys too, by the same
    rule; whatever is still set aside is made again when the transaction commits."""
    if is_postgresql(connection):
        with _held_by_owner(connection, table, adding, create):
            yield
        return
    with _set_aside(connection, "INDEX", _droppable_indexes(connection, table, adding),
                    create):
        yield


@contextmanager
def _held_by_owner(connection: Connection, table: Table, adding: int,
                   create: Run | None) -> Iterator[None]:
    held = adding >= CHUNK_ROWS and connection.execute(
        text("SELECT bulk_hold(:table, :adding)"),
        {"table": table.name, "adding": adding}).scalar_one()
    yield
    # After an error the caller's rollback restores them (a commit would too: migration 29).
    if held:
        restore = f"SELECT bulk_restore('{table.name}')"  # a model's table name: no quote
        if create is None:
            connection.exec_driver_sql(restore)
        else:
            create(restore)


# An insert trigger that acts only while another table holds rows: ``… FOR EACH ROW WHEN EXISTS
# (SELECT 1 FROM insight_day) BEGIN …`` (the dashboard's day cache, emptied as rows change).
_GUARDED = re.compile(r"\bFOR\s+EACH\s+ROW\s+WHEN\s+EXISTS\s*\(\s*SELECT\s+1\s+FROM\s+"
                      r"(\"[^\"]+\"|\w+)\s*\)\s*BEGIN\b", re.IGNORECASE)


@contextmanager
def quiet_triggers(connection: Connection, table: Table, adding: int, *,
                   create: Run | None = None) -> Iterator[None]:
    """On SQLite, for a batch of thousands of rows: the insert triggers of ``table`` whose
    every action waits on another table holding rows (``WHEN EXISTS (SELECT 1 FROM t)``) are
    dropped for the insert while ``t`` is empty, and created again after it by ``create``
    (default: at once). For each row such a trigger would only find ``t`` empty and do
    nothing, at ~3 µs a row; so this stores the same. A trigger is kept when any trigger of
    the database could put rows into ``t`` during the insert. A rollback restores a dropped
    trigger (SQLite's DDL is transactional); an error in the block creates them again at
    once."""
    with _set_aside(connection, "TRIGGER", _quiet_triggers(connection, table, adding),
                    create):
        yield


@contextmanager
def _set_aside(connection: Connection, what: str, found: list[tuple[str, str]],
               create: Run | None) -> Iterator[None]:
    """Drop the ``found`` (name, create statement) indexes or triggers for the block, then
    create them again by ``create`` (default: at once, on ``connection``)."""
    for name, _sql in found:
        connection.exec_driver_sql(f'DROP {what} "{name}"')
    try:
        yield
    except BaseException:
        # A rollback would restore them; recreated here too, so a caller that goes on after
        # the error still has them. Should that fail as well, the first error is the one told.
        with suppress(Exception):
            for _name, sql in found:
                connection.exec_driver_sql(sql)
        raise
    for _name, sql in found:
        if create is None:
            connection.exec_driver_sql(sql)
        else:
            create(sql)


def _quiet_triggers(connection: Connection, table: Table, adding: int,
                    ) -> list[tuple[str, str]]:
    if connection.dialect.name != "sqlite" or adding < CHUNK_ROWS:
        return []
    triggers = connection.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
        "ORDER BY rowid").all()
    found = []
    for name, owner, sql in triggers:
        guard = _GUARDED.search(sql or "")
        if owner != table.name or guard is None or not _fires_on_insert(sql):
            continue
        watched = guard.group(1).strip('"')
        writes = re.compile(rf"\b(?:INSERT|REPLACE)\b[^;]*?\bINTO\s+\"?{re.escape(watched)}"
                            rf"\b", re.IGNORECASE)
        if any(writes.search(other or "") for _n, _t, other in triggers):
            continue
        if connection.exec_driver_sql(f'SELECT 1 FROM "{watched}" LIMIT 1').first() is None:
            found.append((name, sql))
    return found


def _droppable_indexes(connection: Connection, table: Table, adding: int,
                       ) -> list[tuple[str, str]]:
    if connection.dialect.name != "sqlite" or "id" not in table.c or adding < CHUNK_ROWS:
        return []
    if connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                  "name = 'sqlite_stat1'").first() is not None:
        return []
    holding = connection.execute(select(func.max(table.c.id))).scalar() or 0
    if holding >= adding:
        return []
    return [(name, sql) for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND "
        "sql IS NOT NULL ORDER BY rowid", (table.name,))
        if not sql.lstrip().upper().startswith("CREATE UNIQUE")]


class _Insert:
    """One table's INSERT, prepared once: each column's memoised processor and the shared
    values already converted; ``run`` writes a block of columns."""

    def __init__(self, connection: Connection, table: Table, names: list[str],
                 same: Mapping[str, Any], *, send: Many | None = None) -> None:
        self.connection, self.table, self.names = connection, table, names
        self.send = send  # None: each chunk is written at once, on ``connection``
        self.same = {**same, **_defaults(table, set(names) | set(same))}
        self.sqlite = connection.dialect.name == "sqlite"
        # A table keyed by its columns (patient_tag) has no id to hand out.
        self.ids = "id" in table.c and table.c.id.primary_key
        self.next_id = 0
        # PostgreSQL through psycopg: the rows go by COPY (``storage.pg_bulk``).
        self.copy = is_postgresql(connection) and connection.dialect.driver == "psycopg"
        if not self.sqlite and not self.copy:
            return
        self.every = ["id", *names, *self.same] if self.ids else [*names, *self.same]
        processors = _processors(connection, table, self.every)[1 if self.ids else 0:]
        self.processors = processors[:len(names)]
        constants = [value if process is None else process(value)
                     for value, process in zip(self.same.values(),
                                               processors[len(names):], strict=True)]
        if self.copy:
            self.converted = constants
            return
        # Shared values are literals in the statement when they can be (None: bound).
        self.constants = [(value, sql_literal(value)) for value in constants]
        self.statements: dict[tuple[str | None, ...], str] = {}
        self.may_split = self._may_split()

    def _may_split(self) -> bool:
        """Rows may reach SQLite out of id order: their ids are given here (a table numbering
        its rows itself would number them in another order), no insert trigger on the table,
        and no row given a value pointing into the table itself."""
        if not self.ids or not isinstance(self.table.c.id.type, Integer):
            return False
        triggers = self.connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (self.table.name,)).scalars()
        if any(_fires_on_insert(sql or "") for sql in triggers):
            return False
        own = {fk.parent.name for fk in self.table.foreign_keys
               if fk.column.table is self.table}
        return not own.intersection(self.names) and not any(
            self.same[name] is not None for name in own.intersection(self.same))

    def statement(self, shape: tuple[str | None, ...]) -> str:
        """The INSERT for one shape: per column, its literal, or None for a bound value."""
        found = self.statements.get(shape)
        if found is None:
            quoted = ", ".join(f'"{n}"' for n in self.every)
            values = ", ".join("?" if s is None else s for s in shape)
            found = self.statements[shape] = (f'INSERT INTO "{self.table.name}" ({quoted}) '
                                              f"VALUES ({values})")
        return found

    def run(self, columns: Sequence[Sequence[Any]], count: int, *, want_ids: bool) -> list[int]:
        if not count:
            return []
        if self.copy:
            return self._copy(columns, count, want_ids=want_ids)
        if not self.sqlite:
            return _with_returning(self.connection, self.table, self.names, columns,
                                   self.same, count, want_ids)
        if self.ids and not self.next_id:
            self.next_id = next_id(self.connection, self.table)
        first = self.next_id
        for start in range(0, count, CHUNK_ROWS):
            end = min(start + CHUNK_ROWS, count)
            parts: list[list[Any] | None] = [list(range(first + start, first + end))] \
                if self.ids else []
            for values, process in zip(columns, self.processors, strict=True):
                part = values[start:end] if start or end < len(values) else values
                parts.append(list(part) if process is None else list(map(process, part)))
            shape: list[str | None] = [None] * len(parts)
            for value, literal in self.constants:
                shape.append(literal)
                parts.append(None if literal is not None else [value] * (end - start))
            self._write(parts, shape, end - start)
        if not self.ids:
            return []
        self.next_id = first + count
        return list(range(first, first + count))

    def _copy(self, columns: Sequence[Sequence[Any]], count: int, *,
              want_ids: bool) -> list[int]:
        """PostgreSQL: the rows in one COPY, with ids reserved first when they are wanted
        (else the column's default numbers them)."""
        ids = reserve_ids(self.connection, self.table, count) if want_ids and self.ids else []
        names: list[str] = ["id"] if ids else []
        parts: list[Iterable[Any]] = [ids] if ids else []
        names.extend(self.names)
        parts.extend(values if process is None else map(process, values)
                     for values, process in zip(columns, self.processors, strict=True))
        names.extend(self.same)
        parts.extend([value] * count for value in self.converted)
        copy_rows(self.connection.connection.driver_connection, self.table.name, names,
                  zip(*parts, strict=True))
        return ids

    def _write(self, parts: list[list[Any] | None], shape: list[str | None], rows: int) -> None:
        """One chunk: ``parts[i]`` holds column i's values, or None where ``shape[i]`` is the
        literal that column has in the statement."""
        execute: Many = self.send or self.connection.exec_driver_sql  # type: ignore[assignment]
        if rows >= SHAPE_MIN_ROWS:
            for i, values in enumerate(parts):
                if values is not None and (literal := _shared(values)) is not None:
                    shape[i], parts[i] = literal, None
        split = self._split_columns(parts, rows) if rows >= SHAPE_MIN_ROWS else []
        if not split:
            execute(self.statement(tuple(shape)),
                    _rows([p for p in parts if p is not None], rows))
            return
        # Each row's pattern of empty split columns, as a number: bit b for split[b].
        pattern = [0] * rows
        for bit, i in enumerate(split):
            empty = map(is_, cast(list[Any], parts[i]), repeat(None))
            pattern = list(map(add, pattern, map(mul, empty, repeat(1 << bit))))
        order = sorted(range(rows), key=pattern.__getitem__)
        for key, members in groupby(order, pattern.__getitem__):
            picked = list(members)
            part_shape = list(shape)
            for bit, i in enumerate(split):
                if key >> bit & 1:
                    part_shape[i] = "NULL"
            bound = [p for p, s in zip(parts, part_shape, strict=True)
                     if p is not None and s is None]
            execute(self.statement(tuple(part_shape)), _rows(
                [list(map(values.__getitem__, picked)) for values in bound], len(picked)))

    def _split_columns(self, parts: list[list[Any] | None], rows: int) -> list[int]:
        """The columns worth splitting the chunk on: the emptiest ones, each NULL in at least
        a sixteenth of the rows."""
        if not self.may_split:
            return []
        nulls = sorted(((values.count(None), i) for i, values in enumerate(parts)
                        if values is not None), key=lambda c: -c[0])
        return sorted(i for n, i in nulls[:SPLIT_MAX_COLUMNS] if n * SPLIT_MIN_SHARE >= rows)


_TRIGGER_EVENT = re.compile(
    r"\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"(?:\"[^\"]*\"|\S+)\s+(?:BEFORE\s+|AFTER\s+|INSTEAD\s+OF\s+)?(\w+)", re.IGNORECASE)


def _fires_on_insert(sql: str) -> bool:
    """Whether a trigger's SQL fires on INSERT (SQL not read as UPDATE or DELETE counts as
    yes)."""
    found = _TRIGGER_EVENT.match(sql)
    return found is None or found.group(1).upper() not in ("UPDATE", "DELETE")


def _rows(columns: list[list[Any]], count: int) -> list[tuple[Any, ...]]:
    """Row tuples from columns (empty tuples when every value is in the statement)."""
    return list(zip(*columns, strict=True)) if columns else [()] * count


def _shared(values: list[Any]) -> str | None:
    """The literal of the one value all of ``values`` hold (same type too), else None."""
    first = values[0]
    # Most columns differ somewhere: the last and middle values say so without a full count.
    if values[-1] != first or values[len(values) // 2] != first \
            or values.count(first) != len(values):
        return None
    literal = sql_literal(first)
    if literal is None or (first is not None and len(set(map(type, values))) > 1):
        return None  # 1 and True are equal, but not the same value to store
    return literal


def _with_returning(connection: Connection, table: Table, names: Sequence[str],
                    columns: Sequence[Sequence[Any]], same: Mapping[str, Any], count: int,
                    want_ids: bool) -> list[int]:
    ids: list[int] = []
    every = [*names, *same]
    for start in range(0, count, CHUNK_ROWS):
        end = min(start + CHUNK_ROWS, count)
        parts: list[Iterable[Any]] = [values[start:end] for values in columns]
        parts.extend(repeat(value, end - start) for value in same.values())
        chunk = [dict(zip(every, row, strict=True)) for row in zip(*parts, strict=True)]
        if want_ids and "id" in table.c:
            ids.extend(r[0] for r in connection.execute(
                table.insert().returning(table.c.id, sort_by_parameter_order=True), chunk))
        else:
            connection.execute(table.insert(), chunk)
    return ids
