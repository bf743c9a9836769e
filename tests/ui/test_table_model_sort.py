"""The model sorts by each column's key: values as values, missing ones apart, text last."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ui.widgets.table_model import Column, RecordTableModel


@dataclass(frozen=True)
class Row:
    id: int
    key: Any


def model_sorted(rows: list[Row], order: Qt.SortOrder) -> list[int]:
    model: RecordTableModel[Row] = RecordTableModel(
        [Column("值", lambda r: str(r.key), sort_key=lambda r: r.key)], key=lambda r: r.id)
    model.replace(rows)
    model.sort(0, order)
    return [r.id for r in model.records]


def reference(rows: list[Row], order: Qt.SortOrder) -> list[int]:
    """What the model did before it tried the plain key first."""
    reverse = order == Qt.SortOrder.DescendingOrder
    try:
        found = sorted(rows, key=lambda r: (r.key is None, r.key), reverse=reverse)
    except TypeError:
        found = sorted(rows, key=lambda r: str(r.key), reverse=reverse)
    return [r.id for r in found]


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
@pytest.mark.parametrize("values", [
    [3, 1, 2, 2, 5],
    [3, None, 1, None, 2],  # missing: after the rest ascending, before it descending
    [None, None],
    [None, 4],
    [date(2026, 1, 2), None, date(2025, 5, 1)],
    ["乙", "甲", None, "丙"],
    [1, "a", 2, None],  # not comparable: as text
    [(1, "b"), (1, "a"), (0, "z")],
])
def test_sort_keys_as_before(values: list[Any], order: Qt.SortOrder) -> None:
    rows = [Row(n, v) for n, v in enumerate(values)]
    assert model_sorted(rows, order) == reference(rows, order)


def test_missing_values_go_after_the_rest_ascending() -> None:
    rows = [Row(0, None), Row(1, 2), Row(2, 1)]
    assert model_sorted(rows, Qt.SortOrder.AscendingOrder) == [2, 1, 0]


@pytest.mark.parametrize("seed", range(20))
def test_random_columns_sort_as_before(seed: int) -> None:
    rng = random.Random(seed)
    pool: list[Any] = [None, *range(6)] if seed % 2 else list(range(6))
    rows = [Row(n, rng.choice(pool)) for n in range(rng.randrange(1, 40))]
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        assert model_sorted(rows, order) == reference(rows, order)
