"""患者构成: the patients treated in the period, by age band and sex, for every category
together (全部) and each category; the chart stacks the age bands of each category."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout

from clinic_desktop.context import Context
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.mix import MixRow, band_labels, patient_mix
from clinic_desktop.services.insight.report_tables import ReportTable
from clinic_desktop.xlsx_writer import XlsxColumn
from ui.app_services import AppServices
from ui.pages.dashboard.lazy_tab import LazyTab, TableSlot, side_by_side
from ui.widgets.bar_chart import BarChart


class MixTab(LazyTab):
    def __init__(self, services: AppServices,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__(services, on_error)
        self.chart = BarChart()
        self.table = TableSlot()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(side_by_side(self.chart, self.table, (400, 540)))

    def read(self, ctx: Context, period: Period) -> tuple[MixRow, ...]:
        return tuple(patient_mix(ctx, period))

    def rows(self) -> tuple[MixRow, ...]:
        return self.data if isinstance(self.data, tuple) else ()

    def show_data(self, data: object) -> None:
        self.table.put(self.tables()[0])

    def draw(self) -> None:
        rows = self.rows()
        if not rows:
            return
        bands = band_labels()
        self.chart.show_series([r.name for r in rows], [
            (band, [r.ages[i] for r in rows]) for i, band in enumerate(bands)],
            kind="stacked", title=self.tr("患者数（按年龄段）"))

    def tables(self) -> list[ReportTable]:
        rows = self.rows()
        if not rows:
            return []
        count = XlsxColumn(self.tr("患者数"), 8, "int")
        return [ReportTable(self.tr("患者构成"), (
            XlsxColumn(self.tr("类别"), 12), count,
            *(XlsxColumn(band, 8, "int") for band in band_labels()),
            XlsxColumn(self.tr("男"), 6, "int"), XlsxColumn(self.tr("女"), 6, "int"),
            XlsxColumn(self.tr("性别不详"), 8, "int")), tuple(
            (r.name, r.patients, *r.ages, r.male, r.female, r.sex_unknown) for r in rows))]
