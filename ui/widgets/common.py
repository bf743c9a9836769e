"""Small building blocks shared by pages: a configured table view, a page header, a
right-click menu."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.table_model import RECORD_ROLE, SortProxy


def make_table(proxy: SortProxy, *, stretch_column: int | None = None,
               sort_column: int = 0, descending: bool = False,
               sortable: bool = True) -> QTableView:
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(sortable)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(30)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_column is None)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    if sortable:
        view.sortByColumn(sort_column, Qt.SortOrder.DescendingOrder if descending
                          else Qt.SortOrder.AscendingOrder)
    return view


def selected_record(view: QTableView) -> object | None:
    rows = view.selectionModel().selectedRows()
    return rows[0].data(RECORD_ROLE) if rows else None


def select_first(view: QTableView) -> None:
    model = view.model()
    if model.rowCount() > 0:
        view.selectionModel().select(
            model.index(0, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )


def page_header(title: str, subtitle: str = "") -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(2)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    layout.addWidget(heading)
    if subtitle:
        sub = QLabel(subtitle)
        sub.setObjectName("pageSubtitle")
        layout.addWidget(sub)
    return box


def button_row(*widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    if not stretch_first:
        row.addStretch(1)
    return row


def pop_up(menu: QMenu, at: QPoint) -> None:
    """Show a menu made for one right-click at ``at`` (global), then delete it: its parent
    would otherwise keep every one, hidden, for as long as the page lives."""
    menu.exec(at)
    menu.deleteLater()
