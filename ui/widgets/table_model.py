"""A read-only table model over a list of frozen dataclasses, with typed columns.

Columns say how to display, sort, colour and align a record; sorting is done by a
``QSortFilterProxyModel`` on ``SORT_ROLE`` so numbers and dates sort as values, not text.
``replace`` resets only when the rows really changed identity; otherwise it emits
``dataChanged`` for the rows, so selections survive a refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ui.widgets.rich_text import rich_plain

R = TypeVar("R")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    colour: Callable[[R], str | None] | None = None  # text colour
    swatch: Callable[[R], str | None] | None = None  # decoration colour
    align_right: bool = False
    tooltip: Callable[[R], str] | None = None  # plain text, shown literally


class RecordTableModel(QAbstractTableModel, Generic[R]):
    def __init__(self, columns: Sequence[Column[R]], key: Callable[[R], object]) -> None:
        super().__init__()
        self.columns = list(columns)
        self._key = key
        self.records: list[R] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        record = self.records[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == SORT_ROLE:
            return column.sort_key(record) if column.sort_key else column.text(record)
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.ForegroundRole and column.colour:
            colour = column.colour(record)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.DecorationRole and column.swatch:
            colour = column.swatch(record)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            text = column.tooltip(record)
            return rich_plain(text) if text else None
        return None

    def _sorted(self, records: list[R]) -> list[R]:
        if self._sort is None:
            return records
        column, order = self._sort
        spec = self.columns[column]
        raw = spec.sort_key or spec.text
        reverse = order == Qt.SortOrder.DescendingOrder
        try:
            # Missing values last either way; one key per row, sorted in C.
            return sorted(records, key=lambda r: (raw(r) is None, raw(r)), reverse=reverse)
        except TypeError:
            return sorted(records, key=lambda r: str(raw(r)), reverse=reverse)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting here, not in the proxy: ten thousand rows sort in milliseconds."""
        if column < 0:  # no sort: the order given to replace() stands
            self._sort = None
            return
        if column >= len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        keys_before = [self._key(r) for r in self.records]
        self.records = self._sorted(self.records)
        row_after = {self._key(r): row for row, r in enumerate(self.records)}
        old = self.persistentIndexList()
        # Selections and the current row follow their records to the new positions.
        new = [self.index(row_after[keys_before[i.row()]], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def replace(self, records: Sequence[R]) -> None:
        new = self._sorted(list(records))
        if [self._key(r) for r in new] == [self._key(r) for r in self.records]:
            self.records = new
            if new:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(new) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self.records = new
        self.endResetModel()

    def record_at(self, row: int) -> R:
        return self.records[row]


class SortProxy(QSortFilterProxyModel):
    """Filters on any column's text, case-insensitively; sorting is the source model's."""

    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, RecordTableModel):
            source.sort(column, order)  # the proxy keeps the source order (no lessThan)
            return
        super().sort(column, order)
