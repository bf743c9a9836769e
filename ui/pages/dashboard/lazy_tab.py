"""A dashboard tab that reads its own figures, on the worker, the first time it is shown for
a period (the page's first screen reads only the headline and the breakdowns)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QSplitter, QTableView, QVBoxLayout, QWidget

from clinic_desktop.context import Context
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.report_tables import ReportTable
from ui.app_services import AppServices
from ui.widgets.report_view import report_table_view


class LazyTab(QWidget):
    def __init__(self, services: AppServices,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__()
        self.services = services
        self.on_error = on_error
        self.loaded_for: Period | None = None
        self.data: object | None = None

    def read(self, ctx: Context, period: Period) -> object:
        """Runs on the worker: service calls only, no widget."""
        raise NotImplementedError

    def show_data(self, data: object) -> None:
        raise NotImplementedError

    def tables(self) -> list[ReportTable]:
        """What the dashboard's Excel export takes from this tab once it is loaded."""
        return []

    def draw(self) -> None:
        """Draw the charts (called while the tab is in view)."""

    def load(self, period: Period, *, force: bool = False) -> None:
        if period == self.loaded_for and not force:
            return
        self.loaded_for = period
        ctx = self.services.ctx
        self.services.tasks.run(lambda: self.read(ctx, period), on_done=self._loaded,
                                on_error=self._failed)

    def _loaded(self, data: object) -> None:
        self.data = data
        self.show_data(data)
        if self.isVisible():
            self.draw()

    def _failed(self, error: BaseException) -> None:
        self.loaded_for = None  # read again next time
        if self.on_error is not None:
            self.on_error(error)


class TableSlot(QWidget):
    """A place for a table view that is replaced by each read."""

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.view: QTableView | None = None

    def put(self, table: ReportTable, *, stretch_column: int | None = 0) -> QTableView:
        if self.view is not None:
            self.view.setParent(None)
            self.view.deleteLater()
        self.view = report_table_view(table, stretch_column=stretch_column)
        self._layout.addWidget(self.view)
        return self.view


def side_by_side(left: QWidget, right: QWidget, sizes: tuple[int, int] = (420, 520)
                 ) -> QWidget:
    splitter = QSplitter()
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setSizes(list(sizes))
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
    return holder
