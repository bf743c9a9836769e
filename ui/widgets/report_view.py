"""Report tables (``insight.report_tables.ReportTable``) shown as sortable tables, and the
same tables as escaped HTML for printing and PDF."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QTableView, QVBoxLayout, QWidget

from clinic_desktop.services.insight.report_tables import ReportTable
from ui.widgets.common import make_table
from ui.widgets.rich_text import esc
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

Row = tuple[object, ...]


def cell_text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money" and isinstance(value, Decimal | int | float):
        return f"{Decimal(str(value)):,.2f}"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _sort_key(value: object) -> object:
    return (0, value) if isinstance(value, int | float | Decimal) else (1, str(value))


def _column(index: int, title: str, kind: str) -> Column[Row]:
    def text(row: Row) -> str:
        return cell_text(row[index], kind)

    def key(row: Row) -> object:
        return _sort_key(row[index])

    return Column[Row](title, text, sort_key=key, align_right=kind in ("money", "int"))


def table_model(table: ReportTable) -> RecordTableModel[Row]:
    columns = [_column(i, c.title, c.kind) for i, c in enumerate(table.columns)]
    model = RecordTableModel[Row](columns, key=lambda r: r)
    model.replace(list(table.rows))
    return model


def report_table_view(table: ReportTable, *, stretch_column: int | None = 0) -> QTableView:
    """A sortable view of one table, in the core's row order until a header is clicked."""
    proxy = SortProxy()
    model = table_model(table)
    proxy.setSourceModel(model)
    view = make_table(proxy, stretch_column=stretch_column, sort_column=-1)
    # turning sorting on sorted by the first column: back to the core's order
    model.replace(list(table.rows))
    view.resizeColumnsToContents()
    return view


class ReportView(QWidget):
    """The tables one under another; two narrow ones (a summary, a short list) share a row.
    Each table is as tall as its rows (up to ``MAX_TABLE_HEIGHT``, then it scrolls) and keeps
    the core's row order until a header is clicked."""

    NARROW_COLUMNS = 3
    MAX_TABLE_HEIGHT = 330

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.tables: list[ReportTable] = []
        self.views: list[QTableView] = []
        self._boxes: list[QWidget] = []

    def show_tables(self, tables: Sequence[ReportTable]) -> None:
        for box in self._boxes:
            box.setParent(None)
            box.deleteLater()
        self._boxes, self.views = [], []
        while self._layout.count():  # the stretch left by the last call
            self._layout.takeAt(0)
        self.tables = list(tables)
        row: QHBoxLayout | None = None
        for table in tables:
            narrow = len(table.columns) <= self.NARROW_COLUMNS
            if row is None or not narrow or row.count() >= 2:
                holder = QWidget()
                row = QHBoxLayout(holder)
                row.setContentsMargins(0, 0, 0, 0)
                self._layout.addWidget(holder)
                self._boxes.append(holder)
            box = QGroupBox(table.title)
            inner = QVBoxLayout(box)
            view = report_table_view(table)
            rows_height = view.verticalHeader().defaultSectionSize() * max(1, len(table.rows))
            wanted = view.horizontalHeader().sizeHint().height() + rows_height + 8
            view.setFixedHeight(min(wanted, self.MAX_TABLE_HEIGHT))
            inner.addWidget(view)
            row.addWidget(box, 1)
            self.views.append(view)
            if not narrow:
                row = None
        self._layout.addStretch(1)


def tables_html(title: str, tables: Sequence[ReportTable]) -> str:
    parts = [f"<h2>{esc(title)}</h2>"]
    for table in tables:
        parts.append(f"<h3>{esc(table.title)}</h3><table border='1' cellspacing='0' "
                     "cellpadding='3' width='100%'><tr>")
        parts.extend(f"<th>{esc(c.title)}</th>" for c in table.columns)
        parts.append("</tr>")
        for row in table.rows:
            parts.append("<tr>" + "".join(
                f"<td align='{'right' if c.kind in ('money', 'int') else 'left'}'>"
                f"{esc(cell_text(v, c.kind))}</td>" for v, c in zip(row, table.columns,
                                                                     strict=False)) + "</tr>")
        parts.append("</table>")
    return "".join(parts)


def write_pdf(path: str, html: str) -> None:
    writer = QPdfWriter(path)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, QMarginsF(12, 12, 12, 12),
                                     QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.setHtml(html)
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)
