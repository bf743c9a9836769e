"""Date bucketing in SQL, one implementation per engine.

Instants are stored in UTC; a report wants the clinic's local month or day. ``local_month``
and ``local_day`` shift by the clinic's UTC offset (China keeps no summer time) and format
the result as text, on SQLite with ``strftime`` and on PostgreSQL with ``to_char``. Services
call these, never an engine's own function, so the same query runs on both engines.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class _Bucket(FunctionElement[str]):
    type = String()
    inherit_cache = True

    def __init__(self, instant: ColumnElement[Any] | InstrumentedAttribute[Any],
                 offset_minutes: int) -> None:
        # The offset is a bound value (part of the statement's cache key, never pasted in).
        super().__init__(instant, literal(int(offset_minutes)))


class local_month(_Bucket):  # noqa: N801 - reads as a SQL function
    """'YYYY-MM' of an instant in the clinic's time."""

    name = "local_month"
    inherit_cache = True


class local_day(_Bucket):  # noqa: N801
    """'YYYY-MM-DD' of an instant in the clinic's time."""

    name = "local_day"
    inherit_cache = True


_FORMATS = {"local_month": ("%Y-%m", "YYYY-MM"), "local_day": ("%Y-%m-%d", "YYYY-MM-DD")}


@compiles(local_month, "sqlite")
@compiles(local_day, "sqlite")
def _sqlite(element: _Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    sqlite_format, _pg = _FORMATS[element.name]
    instant, offset = (compiler.process(c, **kw) for c in element.clauses)
    return f"strftime('{sqlite_format}', {instant}, ({offset}) || ' minutes')"


@compiles(local_month, "postgresql")
@compiles(local_day, "postgresql")
def _postgresql(element: _Bucket, compiler: SQLCompiler, **kw: Any) -> str:
    _sqlite_format, pg_format = _FORMATS[element.name]
    instant, offset = (compiler.process(c, **kw) for c in element.clauses)
    return f"to_char({instant} + make_interval(mins => {offset}), '{pg_format}')"
