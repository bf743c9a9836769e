"""留存: the source funnel (chart and table), the cohort table (month of first visit × months
after, each cell shaded by its share) and active / dormant / lost month by month."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from clinic_desktop.context import Context
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.report_tables import ReportTable
from clinic_desktop.services.insight.retention import (
    COHORT_MONTHS,
    CohortRow,
    FunnelRow,
    MonthActivity,
    activity_over_time,
    cohorts,
    source_funnel,
)
from clinic_desktop.xlsx_writer import XlsxColumn
from ui.app_services import AppServices
from ui.pages.dashboard.lazy_tab import LazyTab, TableSlot, side_by_side
from ui.widgets.bar_chart import BarChart

ACTIVITY_MONTHS = 12


@dataclass(frozen=True)
class Retention:
    funnel: tuple[FunnelRow, ...]
    cohort_period: Period
    cohorts: tuple[CohortRow, ...]
    activity: tuple[MonthActivity, ...]


def cohort_period(period: Period) -> Period:
    """The cohorts shown: the period's months, and at least the twelve months up to its end
    (a month's cohort alone says little)."""
    index = period.last.year * 12 + period.last.month - 1 - 11  # eleven months before
    first = date(index // 12, index % 12 + 1, 1)
    return Period(min(first, period.first.replace(day=1)), period.last)


class SortItem(QTableWidgetItem):
    """A cell that sorts by a number, not its text ("35%" after "4%")."""

    def __init__(self, text: str, key: float) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.key < other.key if isinstance(other, SortItem) else super().__lt__(other)


def heat(share: float) -> QColor:
    """White to the chart blue as the share of the cohort grows (capped at 60 %)."""
    t = min(1.0, share / 0.6)
    return QColor(int(255 - t * (255 - 47)), int(255 - t * (255 - 111)),
                  int(255 - t * (255 - 176)))


class RetentionTab(LazyTab):
    def __init__(self, services: AppServices,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__(services, on_error)
        self.inner = QTabWidget()
        self.funnel_chart = BarChart()
        self.funnel_table = TableSlot()
        self.cohort_table = QTableWidget()
        self.cohort_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cohort_table.verticalHeader().setVisible(False)
        self.cohort_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.activity_chart = BarChart()
        self.activity_table = TableSlot()
        self.inner.addTab(side_by_side(self.funnel_chart, self.funnel_table, (300, 640)),
                          self.tr("来源漏斗"))
        self.inner.addTab(self.cohort_table, self.tr("留存队列"))
        self.inner.addTab(side_by_side(self.activity_chart, self.activity_table, (560, 380)),
                          self.tr("活跃/沉睡/流失"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.inner)
        self.inner.currentChanged.connect(lambda _i: self.draw())

    def read(self, ctx: Context, period: Period) -> Retention:
        shown = cohort_period(period)
        return Retention(tuple(source_funnel(ctx, period)), shown, tuple(cohorts(ctx, shown)),
                         tuple(activity_over_time(ctx, last_day=period.last,
                                                  months=ACTIVITY_MONTHS)))

    def retention(self) -> Retention | None:
        return self.data if isinstance(self.data, Retention) else None

    def show_data(self, data: object) -> None:
        assert isinstance(data, Retention)
        funnel, cohort, activity = self.tables()
        self.funnel_table.put(funnel)
        self.activity_table.put(activity)
        self._fill_cohorts(data.cohorts)

    def _fill_cohorts(self, rows: tuple[CohortRow, ...]) -> None:
        table = self.cohort_table
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(2 + COHORT_MONTHS)
        table.setHorizontalHeaderLabels(
            [self.tr("首诊月份"), self.tr("人数")]
            + [self.tr("+{k}月").replace("{k}", str(k)) for k in range(1, COHORT_MONTHS + 1)])
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            table.setItem(r, 0, SortItem(row.month, float(r)))
            size = SortItem(str(row.size), row.size)
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, 1, size)
            for k in range(1, COHORT_MONTHS + 1):
                share = row.share(k)
                item = SortItem(f"{share:.0%}" if row.size else "", share)
                item.setToolTip(self.tr("{n} 人").replace("{n}", str(row.returned[k - 1])))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
                if row.size:
                    item.setBackground(heat(share))
                    if share > 0.35:
                        item.setForeground(QColor("white"))
                table.setItem(r, 1 + k, item)
        table.setSortingEnabled(True)

    def draw(self) -> None:
        data = self.retention()
        if data is None:
            return
        index = self.inner.currentIndex()
        if index == 0:
            self.funnel_chart.show_bars([r.name for r in data.funnel],
                                        [float(r.new_patients) for r in data.funnel],
                                        title=self.tr("新患者"))
        elif index == 2:
            months = [a.month for a in data.activity]
            self.activity_chart.show_series(months, [
                (self.tr("活跃"), [a.active for a in data.activity]),
                (self.tr("沉睡"), [a.dormant for a in data.activity]),
                (self.tr("流失"), [a.lost for a in data.activity])],
                title=self.tr("患者数（月末）"))

    def tables(self) -> list[ReportTable]:
        data = self.retention()
        if data is None:
            return []
        count = XlsxColumn(self.tr("新患者"), 10, "int")
        funnel = ReportTable(self.tr("来源漏斗"), (
            XlsxColumn(self.tr("来源"), 16), count,
            XlsxColumn(self.tr("首诊"), 10, "int"), XlsxColumn(self.tr("首诊转化"), 10),
            XlsxColumn(self.tr("半年内复诊"), 10, "int"), XlsxColumn(self.tr("复诊率"), 10),
            XlsxColumn(self.tr("高价值治疗"), 10, "int"),
            XlsxColumn(self.tr("营业额（元）"), 14, "money")), tuple(
            (r.name, r.new_patients, r.first_visit, f"{r.conversion:.1%}", r.second_visit,
             f"{r.return_rate:.1%}", r.high_value, r.revenue) for r in data.funnel))
        cohort = ReportTable(self.tr("留存队列"), (
            XlsxColumn(self.tr("首诊月份"), 10), XlsxColumn(self.tr("人数"), 8, "int"),
            *(XlsxColumn(self.tr("+{k}月").replace("{k}", str(k)), 7)
              for k in range(1, COHORT_MONTHS + 1))), tuple(
            (r.month, r.size, *(f"{r.share(k):.0%}" for k in range(1, COHORT_MONTHS + 1)))
            for r in data.cohorts))
        activity = ReportTable(self.tr("活跃/沉睡/流失"), (
            XlsxColumn(self.tr("月份"), 10), XlsxColumn(self.tr("活跃"), 10, "int"),
            XlsxColumn(self.tr("沉睡"), 10, "int"), XlsxColumn(self.tr("流失"), 10, "int")),
            tuple((a.month, a.active, a.dormant, a.lost) for a in reversed(data.activity)))
        return [funnel, cohort, activity]
