"""回访与满意度: callbacks due, done and reached, the bookings they made, recall compliance,
the satisfaction average and complaints, for the period (definitions in the README)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout

from clinic_desktop.context import Context
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.care_stats import CareStats, care_stats
from clinic_desktop.services.insight.report_tables import ReportTable
from clinic_desktop.xlsx_writer import XlsxColumn
from ui.app_services import AppServices
from ui.pages.dashboard.lazy_tab import LazyTab, TableSlot, side_by_side
from ui.widgets.bar_chart import BarChart


class CareTab(LazyTab):
    def __init__(self, services: AppServices,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__(services, on_error)
        self.chart = BarChart()
        self.table = TableSlot()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(side_by_side(self.chart, self.table, (460, 480)))

    def read(self, ctx: Context, period: Period) -> CareStats:
        return care_stats(ctx, period)

    def stats(self) -> CareStats | None:
        return self.data if isinstance(self.data, CareStats) else None

    def show_data(self, data: object) -> None:
        self.table.put(self.tables()[0])

    def draw(self) -> None:
        s = self.stats()
        if s is None:
            return
        self.chart.show_bars(
            [self.tr("应回访"), self.tr("已回访"), self.tr("已接通"), self.tr("回访预约"),
             self.tr("应复查"), self.tr("复查已预约")],
            [s.callbacks_due, s.callbacks_done, s.callbacks_reached,
             s.bookings_from_callbacks, s.recalls_due, s.recalls_booked],
            title=self.tr("回访与复查"))

    def _message_rows(self, s: CareStats) -> tuple[tuple[object, ...], ...]:
        m = s.messages
        if m is None or not (m.reminded or m.notices):
            return ()

        def share(part: int, whole: int, value: float | None) -> str:
            return "—" if value is None else f"{part}/{whole}（{value:.0%}）"

        return (
            (self.tr("有短信提醒的预约爽约"), share(m.reminded_no_shows, m.reminded,
                                                  m.reminded_no_show_rate)),
            (self.tr("未提醒的预约爽约"), share(m.not_reminded_no_shows, m.not_reminded,
                                               m.not_reminded_no_show_rate)),
            (self.tr("复查通知后 30 天内预约"), share(m.notices_booked, m.notices,
                                                     m.notice_booking_rate)),
        )

    def tables(self) -> list[ReportTable]:
        s = self.stats()
        if s is None:
            return []
        score = ("—" if s.satisfaction is None
                 else self.tr("{score} 分（{n} 条）").replace("{score}", f"{s.satisfaction:.2f}")
                 .replace("{n}", str(s.satisfaction_count)))
        rows: tuple[tuple[object, ...], ...] = (
            (self.tr("应回访（到期电话任务）"), str(s.callbacks_due)),
            (self.tr("已回访"), str(s.callbacks_done)),
            (self.tr("已接通"), f"{s.callbacks_reached}（{s.reach_rate:.0%}）"),
            (self.tr("回访促成预约"), str(s.bookings_from_callbacks)),
            (self.tr("应复查"), str(s.recalls_due)),
            (self.tr("按时预约复查"), str(s.recalls_booked)),
            (self.tr("复查依从率"), f"{s.recall_compliance:.1%}"),
            (self.tr("平均满意度"), score),
            (self.tr("新投诉"), str(s.complaints_new)),
            (self.tr("其中未解决"), str(s.complaints_new_open)),
            (self.tr("当前未解决投诉"), str(s.complaints_open_now)),
            *self._message_rows(s),
        )
        return [ReportTable(self.tr("回访与满意度"), (
            XlsxColumn(self.tr("指标"), 22), XlsxColumn(self.tr("数值"), 16)), rows)]
