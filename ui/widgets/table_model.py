"""A read-only table model over a list of frozen dataclasses, with typed columns.

Columns say how to display, sort, colour and align a record; sorting is done by a
``QSortFilterProxyModel`` on ``SORT_ROLE`` so numbers and dates sort as values, not text.
``replace`` resets only when the rows really changed identity; otherwise it emits
``dataChanged`` for the rows, so selections survive a refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QStyledItemDelegate, QTableView

from ui.widgets.rich_text import rich_plain

R = TypeVar("R")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex
# Roles as plain ints, looked up once: a view asks ``data`` for eight roles per cell (sizing
# one column to its contents reads a thousand rows), and each ``Qt.ItemDataRole.X`` lookup
# costs about a microsecond.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ANSWERED = frozenset({_DISPLAY, SORT_ROLE, RECORD_ROLE, _FOREGROUND, _DECORATION, _ALIGNMENT,
                       _TOOLTIP})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


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

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED:  # font, background, check state, size hint: the defaults
            return None
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self.records):
            return None
        record = self.records[row]
        column = self.columns[index.column()]
        if role == _DISPLAY:
            return column.text(record)
        if role == SORT_ROLE:
            return column.sort_key(record) if column.sort_key else column.text(record)
        if role == RECORD_ROLE:
            return record
        if role == _FOREGROUND and column.colour:
            colour = column.colour(record)
            return QBrush(QColor(colour)) if colour else None
        if role == _DECORATION and column.swatch:
            colour = column.swatch(record)
            return QColor(colour) if colour else None
        if role == _ALIGNMENT and column.align_right:
            return _RIGHT
        if role == _TOOLTIP and column.tooltip:
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
            # One key per row, sorted in C. A missing value compares with nothing, so a
            # column that has one is sorted again below.
            return sorted(records, key=raw, reverse=reverse)
        except TypeError:
            pass
        try:
            # Missing values after the rest (before it, descending): a pair per row, only
            # when a value is missing.
            return sorted(records, key=lambda r: ((value := raw(r)) is None, value),
                          reverse=reverse)
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
        if len(new) == len(self.records) and \
                [self._key(r) for r in new] == [self._key(r) for r in self.records]:
            self.records = new
            if new:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(new) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self.records = new
        self.endResetModel()


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


def resize_columns_to_contents(view: QTableView, columns: Iterable[int]) -> None:
    """``view.resizeColumnToContents`` for each column: the same widths, few cells measured.

    Qt measures each sampled cell through the delegate (up to ``resizeContentsPrecision``
    rows, a thousand by default), about 40 µs a cell as each asks the model for eight roles:
    a third of a second for a page of ten thousand rows. A ``RecordTableModel`` cell answers
    no font, check or size role, so its width depends on its text and on whether it shows a
    swatch (always the same square), and grows with the text's advance. Python reads the
    texts of the rows Qt would sample, and Qt measures, with a swatch and without, one cell
    per advance within two pixels of the widest. A column with a delegate of its own is left
    to Qt. Advances are remembered by font between fits (``_Advances``).
    """
    proxy = view.model()
    source = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else proxy
    if (not isinstance(source, RecordTableModel)
            or view.verticalHeader().sectionsHidden()
            or type(view.itemDelegate()) is not QStyledItemDelegate):
        for column in columns:
            view.resizeColumnToContents(column)
        return
    view.ensurePolished()  # as Qt does first: the style sheet may set the font
    rows = _sampled_rows(view)
    if not isinstance(proxy, QSortFilterProxyModel) or (
            proxy.sortColumn() < 0 and proxy.rowCount() == len(source.records)):
        # No proxy, or one that sorts nothing (``SortProxy`` leaves sorting to the model)
        # and lets every row through: its rows are the model's, in the model's order.
        records = [source.records[row] for row in rows]
    else:  # a filtered proxy: its rows map to the source's
        records = [source.records[proxy.mapToSource(proxy.index(row, 0)).row()] for row in rows]
    metrics = QFontMetricsF(view.font())
    advances = _ADVANCES.of(view.font(), metrics)
    header = view.horizontalHeader()
    for column in columns:
        spec = source.columns[column]
        if view.itemDelegateForColumn(column) is not None:
            view.resizeColumnToContents(column)
            continue
        swatch = spec.swatch
        # One row per distinct advance, apart for cells with a swatch: those are wider by the
        # swatch (a colour square of the view's icon size, whatever the colour), so within
        # each kind the width still grows with the text alone.
        row_of: dict[tuple[bool, float], int] = {}
        for row, record in zip(rows, records, strict=True):
            text = spec.text(record)
            advance = advances.get(text)
            if advance is None:
                advance = advances[text] = max(
                    metrics.horizontalAdvance(line) for line in text.split("\n"))
            row_of.setdefault((swatch is not None and bool(swatch(record)), advance), row)
        widest: dict[bool, float] = {}
        for kind, advance in row_of:
            widest[kind] = max(widest.get(kind, advance), advance)
        hint = max((view.sizeHintForIndex(proxy.index(row, column)).width()
                    for (kind, advance), row in row_of.items()
                    if advance >= widest[kind] - 2), default=0)
        if view.showGrid():
            hint += 1
        header.resizeSection(column, max(hint, header.sectionSizeHint(column)))


class _Advances:
    """Text advances by font, kept from one fit to the next: a page refitted after every
    change (a call recorded, a task snoozed) measures the same thousand names again, about
    6 µs each. Forgotten all at once past ``LIMIT`` texts."""

    LIMIT = 100_000

    def __init__(self) -> None:
        self._by_font: dict[tuple[str, float], dict[str, float]] = {}

    def of(self, font: QFont, metrics: QFontMetricsF) -> dict[str, float]:
        """The advances measured so far with ``font`` (the line height stands for the
        screen's resolution, which the metrics also depend on)."""
        if sum(len(known) for known in self._by_font.values()) > self.LIMIT:
            self._by_font.clear()
        return self._by_font.setdefault((font.key(), metrics.height()), {})


_ADVANCES = _Advances()


def _sampled_rows(view: QTableView) -> list[int]:
    """The rows ``QTableView.sizeHintForColumn`` measures: the visible ones, then alternately
    above and below, up to ``resizeContentsPrecision``; the first ones when not shown."""
    limit = view.horizontalHeader().resizeContentsPrecision()
    vertical = view.verticalHeader()
    last = view.model().rowCount() - 1
    top = max(0, vertical.visualIndexAt(0))
    bottom = vertical.visualIndexAt(view.viewport().height())
    if not view.isVisible() or bottom == -1:
        bottom = last
    if limit < 0:  # every row
        return [vertical.logicalIndex(row) for row in range(last + 1)]
    if limit == 0:  # the visible rows (every row when not shown)
        return [vertical.logicalIndex(row) for row in range(top, bottom + 1)]
    visual = list(range(top, min(bottom, top + limit - 1) + 1))
    above, below = top, visual[-1] if visual else top - 1
    while len(visual) < limit and (above > 0 or below < last):
        if (len(visual) % 2 and above > 0) or below == last:
            above -= 1
            visual.append(above)
        else:
            below += 1
            visual.append(below)
    return [vertical.logicalIndex(row) for row in visual]
