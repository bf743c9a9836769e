"""Read models made without ``__init__`` behave as ones made with it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from clinic_desktop.storage.rows import frozen, utc_instant


@dataclasses.dataclass(frozen=True)
class Item:
    id: int
    name: str
    tags: tuple[str, ...] = ()


def test_frozen_equals_an_instance_made_by_init() -> None:
    made = frozen(Item, {"id": 1, "name": "张三", "tags": ("a",)})
    assert made == Item(1, "张三", ("a",)) and hash(made) == hash(Item(1, "张三", ("a",)))
    assert repr(made) == "Item(id=1, name='张三', tags=('a',))"
    assert dataclasses.replace(made, id=2) == Item(2, "张三", ("a",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.id = 3  # type: ignore[misc]


def test_utc_instant_from_stored_text_or_a_datetime() -> None:
    expected = datetime(2026, 11, 24, 2, 0, 5, 120000, tzinfo=UTC)
    assert utc_instant("2026-11-24 02:00:05.120000") == expected
    assert utc_instant("2026-11-24 02:00:05.120000").tzinfo is UTC
    assert utc_instant(expected.replace(tzinfo=None)) == expected  # a naive UTC datetime
    shanghai = timezone(timedelta(hours=8))
    assert utc_instant(expected.astimezone(shanghai)).tzinfo is UTC
