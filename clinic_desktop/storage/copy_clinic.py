"""Copying a clinic from its SQLite file into an empty PostgreSQL database (``migrate-to``).

Everything happens in ONE transaction on the server: the schema (the migrations, which
PostgreSQL runs transactionally), every table's rows with their ids, the sequences moved past
them, and the checks — row counts, the sums of every money and number column, the audit chain.
A failure anywhere rolls it all back, so the target is empty again and the command can simply
run once more. The source is only read.

Rows go in table order (a table after the tables it points to); a reference the order cannot
satisfy (a patient's referrer or merge target further down the same table) is written empty
first and filled in once every row is there. SQLite does not enforce a column's length and
PostgreSQL does: a value too long for its column is found before anything is written and
named by table, column and row."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    bindparam,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.storage import models  # noqa: F401 - registers every table
from clinic_desktop.storage.base import Base, Money

log = logging.getLogger(__name__)

CHUNK = 5000
Report = Callable[[str, int, int], None]  # (table, rows copied so far, rows in the table)


@dataclass(frozen=True)
class TableCopied:
    name: str
    rows: int


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCopied, ...]
    sums_checked: int  # money and number columns whose totals agree on both sides
    audit_entries: int

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


class CopyRefused(UserError):
    """The target is not empty, or a value does not fit: nothing was written."""


def tables_in_order() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def refuse_unless_empty(target: Connection) -> None:
    found = [name for name in inspect(target).get_table_names() if name != "alembic_version"]
    if found or inspect(target).has_table("alembic_version"):
        shown = "、".join(sorted(found)[:5]) + ("…" if len(found) > 5 else "")
        raise CopyRefused(_(
            "目标数据库不是空的（已有表：{tables}）。migrate-to 只写入空数据库：请清空它"
            "（或新建一个数据库）后再运行。", tables=shown or "alembic_version"))


def _too_long(source: Connection, tables: list[Table]) -> list[str]:
    """Values longer than their column allows (SQLite kept them, PostgreSQL would refuse)."""
    found: list[str] = []
    for table in tables:
        for column in table.columns:
            limit = getattr(column.type, "length", None)
            if not isinstance(column.type, String) or not limit:
                continue
            key = _key_column(table)
            rows = source.execute(select(key, func.length(column)).where(
                func.length(column) > limit).limit(3)).all()
            found += [_("表 {table} 第 {id} 行的 {column} 有 {n} 个字符，超过该列的 {limit} 个。",
                        table=table.name, id=row[0], column=column.name, n=row[1],
                        limit=limit) for row in rows]
    return found


def _key_column(table: Table) -> Column[Any]:
    keys = list(table.primary_key.columns)
    return keys[0] if keys else next(iter(table.columns))


def _deferred_columns(table: Table, written: set[str]) -> list[Column[Any]]:
    """Columns pointing at this table itself or at one not yet written: filled in later."""
    return [column for column in table.columns for fk in column.foreign_keys
            if fk.column.table.name == table.name or fk.column.table.name not in written]


def _rows(source: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = source.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
    for chunk in result.mappings().partitions(CHUNK):
        yield [dict(row) for row in chunk]


def _copy_table(source: Connection, target: Connection, table: Table, written: set[str],
                report: Report | None) -> int:
    total = source.execute(select(func.count()).select_from(table)).scalar_one()
    deferred = _deferred_columns(table, written)
    key = _key_column(table)
    later: list[dict[str, Any]] = []
    copied = 0
    for chunk in _rows(source, table):
        for row in chunk:
            held = {c.name: row[c.name] for c in deferred if row[c.name] is not None}
            if held:
                later.append({"_key": row[key.name], **{f"_{k}": v for k, v in held.items()}})
                row.update({name: None for name in held})
        target.execute(table.insert(), chunk)
        copied += len(chunk)
        if report is not None:
            report(table.name, copied, total)
    for column in deferred:
        values = [{"_key": r["_key"], f"_{column.name}": r[f"_{column.name}"]}
                  for r in later if f"_{column.name}" in r]
        if values:
            target.execute(update(table).where(key == bindparam("_key"))
                           .values({column.name: bindparam(f"_{column.name}")}), values)
    written.add(table.name)
    return copied


def move_sequences(target: Connection, tables: list[Table]) -> None:
    """Each serial id continues after the copied rows (else the next insert collides)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        sequence = target.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                  {"t": table.name, "c": keys[0].name}).scalar()
        if sequence is None:
            continue
        target.execute(text(
            f'SELECT setval(:s, COALESCE((SELECT MAX("{keys[0].name}") FROM "{table.name}"), 0)'
            " + 1, false)"), {"s": sequence})


def _summed_columns(table: Table) -> list[Column[Any]]:
    """Money and counts (amounts, balances, points, quantities): not ids or references."""
    return [c for c in table.columns
            if isinstance(c.type, Integer | Money) and not c.primary_key
            and not c.foreign_keys and not c.name.endswith("_id")]


def compare(source: Connection, target: Connection, tables: list[Table]) -> tuple[list[str], int]:
    """Differences in row counts and column totals (sentences), and how many totals agreed."""
    problems: list[str] = []
    agreed = 0
    for table in tables:
        counts = [side.execute(select(func.count()).select_from(table)).scalar_one()
                  for side in (source, target)]
        if counts[0] != counts[1]:
            problems.append(_("表 {table} 的行数不同：原库 {a} 行，新库 {b} 行。",
                              table=table.name, a=counts[0], b=counts[1]))
        columns = _summed_columns(table)
        if not columns:
            continue
        sums = [side.execute(select(*[func.coalesce(func.sum(c), 0) for c in columns])).one()
                for side in (source, target)]
        for column, a, b in zip(columns, sums[0], sums[1], strict=True):
            if a != b:
                problems.append(_("表 {table} 的 {column} 合计不同：原库 {a}，新库 {b}。",
                                  table=table.name, column=column.name, a=a, b=b))
            else:
                agreed += 1
    return problems, agreed


def copy_clinic(source: Engine, target: Engine, *, finish: Callable[[Session], int],
                report: Report | None = None) -> CopyReport:
    """Copy every table of ``source`` (an SQLite clinic at head) into the empty PostgreSQL
    ``target``: schema, rows, sequences, checks, in one transaction. ``finish`` runs last in
    that transaction: it checks what was copied (the audit chain, the balances; raising
    refuses and rolls everything back), may write settings, and returns the audit entries."""
    from alembic import command

    from clinic_desktop.storage.migrate import alembic_config

    tables = tables_in_order()
    with source.connect() as reading, target.connect() as writing, writing.begin():
        refuse_unless_empty(writing)
        too_long = _too_long(reading, tables)
        if too_long:
            raise CopyRefused(_("有内容超出 PostgreSQL 列的长度，没有复制任何数据：{first}"
                                "（共 {n} 处）", first=too_long[0], n=len(too_long)))
        config = alembic_config(writing)
        command.upgrade(config, "head")
        for table in reversed(tables):  # what the migrations seed (counters): the source's
            writing.execute(table.delete())
        # The tables' own triggers stay off while their rows go in: what they keep (the
        # dashboard's days, each patient's money: revision 28) is copied as the source kept
        # it, and would otherwise count every entry twice. The copy only inserts, so the
        # audit log's append-only trigger has nothing to refuse meanwhile.
        for table in tables:
            writing.execute(text(f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER'))
        written: set[str] = set()
        copied = [TableCopied(t.name, _copy_table(reading, writing, t, written, report))
                  for t in tables]
        for table in tables:
            writing.execute(text(f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER'))
        move_sequences(writing, tables)
        problems, agreed = compare(reading, writing, tables)
        if problems:
            raise CopyRefused(_("复制后核对不一致，已撤销，目标数据库保持为空：{first}",
                                first=problems[0]))
        with Session(bind=writing) as session:
            entries = finish(session)
            session.flush()
    return CopyReport(tuple(copied), agreed, entries)
