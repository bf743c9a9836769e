"""Read models from thousands of result rows, quickly.

The calendar's week (two thousand appointments) and the callback list (up to ten thousand
tasks) turn every row into a frozen dataclass; there the per-row cost is the whole cost, so
these two helpers skip what a row does not need.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")


@lru_cache(maxsize=4096)  # bookings start on the same slots: a week has few distinct instants
def utc_instant(stored: str | datetime) -> datetime:
    """An instant selected as stored (``type_coerce(column, String)``): SQLite keeps naive UTC
    text, which ``fromisoformat`` reads several times faster than the DateTime result
    processor; a server database gives a datetime."""
    if isinstance(stored, str):
        return datetime.fromisoformat(stored + "+00:00")
    return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


def frozen(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of the frozen dataclass ``cls`` holding ``fields`` (every field, by name).

    Made without ``__init__``, which sets each field through ``object.__setattr__``: three
    times the cost for a wide row. Only for dataclasses with no ``__post_init__``.
    """
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance
