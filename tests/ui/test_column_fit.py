"""Fitting columns to their contents measures few cells but gives Qt's own widths."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from ui.widgets.common import make_table
from ui.widgets.table_model import Column, RecordTableModel, SortProxy, resize_columns_to_contents


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    phone: str
    note: str


def rows() -> list[Row]:
    names = ["张三", "李四", "欧阳娜娜", "Li", "王", "Wolfeschlegelsteinhausen", "司马懿懿懿"]
    notes = ["", "复查", "拔牙后 24 小时回访\n第二行更长更长更长", "ok", "WWWWWW", "iiiiiiiiii"]
    return [Row(n, names[n % len(names)] * (1 + n % 3), f"138{n:08d}" if n % 5 else "",
                notes[n % len(notes)]) for n in range(60)]


def build(qtbot: QtBot) -> tuple[QTableView, SortProxy]:
    model: RecordTableModel[Row] = RecordTableModel([
        Column("编号", lambda r: str(r.id), align_right=True),
        Column("患者", lambda r: r.name, colour=lambda r: "#B42318" if r.id % 2 else None),
        Column("电话", lambda r: r.phone),
        Column("备注", lambda r: r.note),
        Column("颜色", lambda r: r.name, swatch=lambda r: "#5B7083"),
        # The longest text has no swatch; a shorter one with a swatch is the wider cell.
        Column("标记", lambda r: "W" * (5 + r.id % 3),
               swatch=lambda r: None if r.id % 3 == 2 else "#C9A227"),
        Column("色块", lambda r: "", swatch=lambda r: "#5B7083" if r.id % 2 else None),
    ], key=lambda r: r.id)
    model.replace(rows())
    proxy = SortProxy()
    proxy.setSourceModel(model)
    view = make_table(proxy, stretch_column=None, sortable=False)
    qtbot.addWidget(view)
    return view, proxy


def widths_both_ways(view: QTableView) -> tuple[list[int], list[int]]:
    columns = range(view.model().columnCount())
    for column in columns:
        view.setColumnWidth(column, 5)
    resize_columns_to_contents(view, columns)
    fast = [view.columnWidth(c) for c in columns]
    for column in columns:
        view.setColumnWidth(column, 5)
        view.resizeColumnToContents(column)
    return fast, [view.columnWidth(c) for c in columns]


@pytest.mark.parametrize("precision", [1000, 7, 0, -1])
def test_hidden_view_gets_qt_widths(qtbot: QtBot, precision: int) -> None:
    view, _proxy = build(qtbot)
    view.horizontalHeader().setResizeContentsPrecision(precision)
    fast, qt = widths_both_ways(view)
    assert fast == qt


@pytest.mark.parametrize(("precision", "scroll"), [(1000, 0), (7, 0), (7, 30), (7, 59), (0, 25)])
def test_shown_and_scrolled_view_gets_qt_widths(qtbot: QtBot, precision: int,
                                                scroll: int) -> None:
    view, proxy = build(qtbot)
    view.horizontalHeader().setResizeContentsPrecision(precision)
    view.resize(500, 240)
    view.show()
    qtbot.waitExposed(view)
    view.scrollTo(proxy.index(scroll, 0))
    fast, qt = widths_both_ways(view)
    assert fast == qt
    proxy.setFilterFixedString("李")  # a filtered view maps its rows to the source's
    fast, qt = widths_both_ways(view)
    assert fast == qt


def test_a_proxy_that_sorts_by_itself_gets_qt_widths(qtbot: QtBot) -> None:
    """A plain ``QSortFilterProxyModel`` sorting its own rows: the rows Qt samples are the
    proxy's, not the model's first ones."""
    view, proxy = build(qtbot)
    plain = QSortFilterProxyModel()
    plain.setSourceModel(proxy.sourceModel())
    view.setModel(plain)
    view.horizontalHeader().setResizeContentsPrecision(7)
    plain.sort(1, Qt.SortOrder.DescendingOrder)  # the longest names first
    fast, qt = widths_both_ways(view)
    assert fast == qt


def test_another_font_is_measured_anew(qtbot: QtBot) -> None:
    """Advances are remembered between fits, by font: in a fixed-width font the twenty i's
    are wider than the twelve W's, the other way round from the default font."""
    model: RecordTableModel[Row] = RecordTableModel(
        [Column("备注", lambda r: r.note)], key=lambda r: r.id)
    model.replace([Row(0, "", "", "W" * 12), Row(1, "", "", "i" * 20)])
    proxy = SortProxy()
    proxy.setSourceModel(model)
    view = make_table(proxy, stretch_column=None, sortable=False)
    qtbot.addWidget(view)
    proportional, qt = widths_both_ways(view)
    assert proportional == qt
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    fixed, qt_fixed = widths_both_ways(view)
    assert fixed == qt_fixed
    assert fixed != proportional
