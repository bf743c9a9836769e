"""经营看板: the manager's numbers for a period, compared with the previous period and the
same period a year before; revenue by procedure, category, source and doctor as a chart with
its table beside it (click a bar for the patients behind it); retention, patient mix, care and
the complaints queue on their own tabs (``ui/pages/dashboard/``), read when first shown.

Every read runs on the worker (``services.tasks``), so the page never blocks; matplotlib is
imported when the first chart is drawn."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period, PeriodKind, period_of
from clinic_desktop.services.insight.breakdowns import (
    CATEGORY,
    DOCTOR,
    PROCEDURE,
    SOURCE,
    BreakdownRow,
    DoctorRow,
)
from clinic_desktop.services.insight.dashboard import Dashboard, dashboard
from clinic_desktop.services.insight.drill import BehindRow, PatientsBehind, patients_behind
from clinic_desktop.services.insight.report_tables import ReportTable, export_tables
from clinic_desktop.services.insight.summary import Figures
from clinic_desktop.xlsx_writer import XlsxColumn
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.pages import PageSpec
from ui.pages.dashboard.care_tab import CareTab
from ui.pages.dashboard.complaints_tab import ComplaintsTab
from ui.pages.dashboard.lazy_tab import LazyTab
from ui.pages.dashboard.mix_tab import MixTab
from ui.pages.dashboard.retention_tab import RetentionTab
from ui.tasks import Cancelled, Job
from ui.widgets.bar_chart import BarChart
from ui.widgets.common import make_table
from ui.widgets.report_view import table_model
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import RECORD_ROLE, Column, RecordTableModel, SortProxy

KINDS = (PeriodKind.TODAY, PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER,
         PeriodKind.YEAR, PeriodKind.CUSTOM)


def _change(now: Decimal | int | float, before: Decimal | int | float) -> str:
    if not before:
        return "—"
    return f"{(float(now) - float(before)) / float(before):+.0%}"


class KpiCard(QWidget):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("kpiCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        self.title = plain_label(title)
        self.value = plain_label("—")
        self.value.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.compare = plain_label("")
        self.compare.setStyleSheet("color: #6B7280; font-size: 11px;")
        for widget in (self.title, self.value, self.compare):
            layout.addWidget(widget)


class PatientsBehindDialog(Dialog):
    """The patients behind one bar; double-click opens the patient."""

    def __init__(self, services: AppServices, title: str, found: PatientsBehind,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.services = services
        self.add_heading(title, self.tr("共 {n} 位患者").replace("{n}", str(found.total)))
        columns = [Column[BehindRow](self.tr("编号"), lambda r: r.code),
                   Column[BehindRow](self.tr("姓名"), lambda r: r.name),
                   Column[BehindRow](self.tr("电话"), lambda r: r.phone or ""),
                   Column[BehindRow](self.tr("就诊次数"), lambda r: str(r.visits),
                                     sort_key=lambda r: r.visits, align_right=True),
                   Column[BehindRow](self.tr("金额"), lambda r: f"{r.revenue:,.2f}",
                                     sort_key=lambda r: r.revenue, align_right=True),
                   Column[BehindRow](self.tr("最近就诊"), lambda r: r.last_visit.isoformat(),
                                     sort_key=lambda r: r.last_visit)]
        self.model = RecordTableModel[BehindRow](columns, key=lambda r: r.patient_id)
        self.model.replace(list(found.rows))
        proxy = SortProxy()
        proxy.setSourceModel(self.model)
        self.view = make_table(proxy, stretch_column=1, sort_column=4, descending=True)
        self.view.doubleClicked.connect(self._open)
        self.body.addWidget(self.view)
        self.add_buttons(self.tr("关闭"), self.accept)
        self.resize(720, 460)

    def _open(self, index: object) -> None:
        row = index.data(RECORD_ROLE)  # type: ignore[attr-defined]
        if isinstance(row, BehindRow):
            self.services.request_patient(row.patient_id)
            self.accept()


class BreakdownTab(QWidget):
    """A chart with its table beside it."""

    def __init__(self, page: DashboardPage, what: str) -> None:
        super().__init__()
        self.page, self.what = page, what
        self.rows: list[BreakdownRow | DoctorRow] = []
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.chart = BarChart()
        self.chart.on_click = self._clicked
        self.table_holder = QWidget()
        self.table_layout = QVBoxLayout(self.table_holder)
        self.table_layout.setContentsMargins(0, 0, 0, 0)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table_holder)
        splitter.setSizes([420, 520])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.view: QWidget | None = None
        self.table: ReportTable | None = None

    def show_rows(self, rows: Sequence[BreakdownRow | DoctorRow], table: ReportTable,
                  draw: bool) -> None:
        self.rows, self.table = list(rows), table
        proxy = SortProxy()
        proxy.setSourceModel(table_model(table))
        if self.view is not None:
            self.view.setParent(None)
        view = make_table(proxy, stretch_column=0, sort_column=1, descending=True)
        view.doubleClicked.connect(lambda index: self._clicked_name(str(
            index.siblingAtColumn(0).data())))
        self.view = view
        self.table_layout.addWidget(view)
        if draw:
            self.draw()

    def draw(self) -> None:
        title = QCoreApplication.translate("DashboardPage", "营业额（元）")
        self.chart.show_bars([r.name for r in self.rows], [float(r.revenue) for r in self.rows],
                             title=title)

    def _clicked_name(self, name: str) -> None:
        for index, row in enumerate(self.rows):
            if row.name == name:
                self._clicked(index)

    def _clicked(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.page.open_behind(self.what, self.rows[index])


class DashboardPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.board: Dashboard | None = None
        self.period = period_of(PeriodKind.MONTH, self._today())
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.kind = QComboBox()
        for kind, text in zip(KINDS, (self.tr("今天"), self.tr("本周"), self.tr("本月"),
                                      self.tr("本季度"), self.tr("本年"), self.tr("自定义")),
                              strict=True):
            self.kind.addItem(text, kind)
        self.kind.setCurrentIndex(2)
        self.first, self.last = QDateEdit(), QDateEdit()
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.excel_button = QPushButton(self.tr("导出表格"))
        self.pdf_button = QPushButton(self.tr("导出PDF"))
        self.status = plain_label("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self._job: Job | None = None
        bar.addWidget(plain_label(self.tr("时间")))
        for widget in (self.kind, self.first, plain_label("—"), self.last, self.refresh_button):
            bar.addWidget(widget)
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.excel_button)
        bar.addWidget(self.pdf_button)
        layout.addLayout(bar)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.cards = {key: KpiCard(title) for key, title in (
            ("revenue", self.tr("营业额")), ("payments", self.tr("实收")),
            ("stored", self.tr("储值充值")), ("visits", self.tr("就诊人次")),
            ("new", self.tr("新患者 / 复诊")), ("ticket", self.tr("客单价")),
            ("repeat", self.tr("复诊率")), ("no_show", self.tr("爽约率 / 取消率")))}
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 4, i % 4)
        layout.addLayout(grid)
        self.tabs = QTabWidget()
        self.breakdowns = {what: BreakdownTab(self, what)
                           for what in (PROCEDURE, CATEGORY, SOURCE, DOCTOR)}
        for what, title in ((PROCEDURE, self.tr("按项目")), (CATEGORY, self.tr("按类别")),
                            (SOURCE, self.tr("按来源")), (DOCTOR, self.tr("医生排行"))):
            self.tabs.addTab(self.breakdowns[what], title)
        # the other tabs read their own figures when first shown for a period
        self.retention = RetentionTab(services, self._failed)
        self.mix = MixTab(services, self._failed)
        self.care = CareTab(services, self._failed)
        self.lazy_tabs: list[LazyTab] = [self.retention, self.mix, self.care]
        for tab, title in ((self.retention, self.tr("留存")), (self.mix, self.tr("患者构成")),
                           (self.care, self.tr("回访与满意度"))):
            self.tabs.addTab(tab, title)
        self.complaints: ComplaintsTab | None = None
        if services.can(Permission.PATIENT_VIEW):  # the queue names patients
            self.complaints = ComplaintsTab(services, self._failed)
            self.lazy_tabs.append(self.complaints)
            self.tabs.addTab(self.complaints, self.tr("投诉"))
        layout.addWidget(self.tabs, 1)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.excel_button.clicked.connect(self.export_excel)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.tabs.currentChanged.connect(lambda _i: self._draw_current())
        self.excel_button.setEnabled(services.can(Permission.EXPORT_RUN))
        self._set_dates(self.period)
        self._kind_changed()
        self._loaded = False

    def _today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def _set_dates(self, period: Period) -> None:
        self.first.setDate(QDate(period.first.year, period.first.month, period.first.day))
        self.last.setDate(QDate(period.last.year, period.last.month, period.last.day))

    def _kind_changed(self) -> None:
        kind = PeriodKind(self.kind.currentData())
        custom = kind is PeriodKind.CUSTOM
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if not custom:
            self._set_dates(period_of(kind, self._today()))
            if getattr(self, "_loaded", False):
                self.refresh()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def refresh(self) -> None:
        first, last = self.first.date().toPython(), self.last.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        if last < first:
            self.status.setText(self.tr("结束日期早于开始日期。"))
            return
        self.period = Period(first, last)
        self.status.setText(self.tr("正在计算…"))
        ctx, period = self.services.ctx, self.period
        if self._job is not None:  # a new period: the old one's days stop being built
            self._job.cancel()

        def read(job: Job) -> Dashboard:
            def built(done: int, total: int) -> None:
                job.report(done, total)
                job.check()

            return dashboard(ctx, period, built)

        self._job = self.services.tasks.run_job(read, on_done=self._show,
                                                on_error=self._failed,
                                                on_progress=self._building)

    def _building(self, done: int, total: int, _text: str) -> None:
        """Days missing from the cache are being built (a first look at a long period)."""
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setVisible(done < total)
        self.status.setText(self.tr("正在整理数据：{done} / {total} 天").replace(
            "{done}", str(done)).replace("{total}", str(total)))

    def _failed(self, error: BaseException) -> None:
        self.progress.hide()
        if isinstance(error, Cancelled):
            return  # replaced by a newer read, which says what it does
        self.status.setText(str(error))

    def _show(self, board: object) -> None:
        assert isinstance(board, Dashboard)
        self.board = board
        self._job = None
        self.progress.hide()
        self.status.setText("")
        s = board.summary
        now, before, year = s.current, s.previous, s.year_before

        def card(key: str, text: str, value: float, prev: float, last: float) -> None:
            self.cards[key].value.setText(text)
            self.cards[key].compare.setText(
                self.tr("环比 {a} · 同比 {b}").replace("{a}", _change(value, prev))
                .replace("{b}", _change(value, last)))

        def pick(attr: str) -> tuple[float, float, float]:
            return tuple(float(getattr(f, attr)) for f in (now, before, year))  # type: ignore[return-value]

        card("revenue", f"¥{now.revenue:,.2f}", *pick("revenue"))
        card("payments", f"¥{now.payments:,.2f}", *pick("payments"))
        card("stored", f"¥{now.stored_value_sold:,.2f}", *pick("stored_value_sold"))
        card("visits", str(now.visits), *pick("visits"))
        card("new", f"{now.new_patients} / {now.returning_patients}", *pick("new_patients"))
        card("ticket", f"¥{now.average_ticket:,.2f}", *pick("average_ticket"))
        card("repeat", f"{now.repeat_rate:.1%}", *pick("repeat_rate"))
        card("no_show", f"{now.no_show_rate:.1%} / {now.cancellation_rate:.1%}",
             *pick("no_show_rate"))
        tables = self.tables()
        current = self.tabs.currentWidget()
        for (what, rows), table in zip(self._row_sets(board), tables[1:5], strict=True):
            tab = self.breakdowns[what]
            tab.show_rows(rows, table, draw=tab is current)
        if isinstance(current, LazyTab):
            current.load(self.period)

    def _row_sets(self, board: Dashboard) -> list[tuple[str, Sequence[BreakdownRow | DoctorRow]]]:
        return [(PROCEDURE, board.by_procedure), (CATEGORY, board.by_category),
                (SOURCE, board.by_source), (DOCTOR, board.doctors)]

    def _draw_current(self) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, BreakdownTab) and tab.rows:
            tab.draw()
        elif isinstance(tab, LazyTab) and self.board is not None:
            if tab.loaded_for == self.period and tab.data is not None:
                tab.draw()
            else:
                tab.load(self.period)

    def tables(self) -> list[ReportTable]:
        """The dashboard as tables: the headline figures, then each breakdown."""
        if self.board is None:
            return []
        s = self.board.summary
        money = XlsxColumn(self.tr("营业额（元）"), 14, "money")
        headline = ReportTable(self.tr("概况"), (
            XlsxColumn(self.tr("指标"), 18), XlsxColumn(self.tr("本期"), 14),
            XlsxColumn(self.tr("上期"), 14), XlsxColumn(self.tr("去年同期"), 14)),
            tuple(_headline_rows(self, s.current, s.previous, s.year_before)))
        name = XlsxColumn(self.tr("名称"), 18)
        count = XlsxColumn(self.tr("就诊人次"), 10, "int")
        people = XlsxColumn(self.tr("患者数"), 10, "int")
        found = [headline]
        for (what, rows), title in zip(self._row_sets(self.board), (
                self.tr("按项目"), self.tr("按类别"), self.tr("按来源"), self.tr("医生排行")),
                strict=True):
            if what == DOCTOR:
                found.append(ReportTable(title, (
                    name, money, count, people, XlsxColumn(self.tr("新患者"), 10, "int"),
                    XlsxColumn(self.tr("复诊率"), 10), XlsxColumn(self.tr("客单价"), 12, "money"),
                    XlsxColumn(self.tr("满意度"), 10)), tuple(
                    (r.name, r.revenue, r.visits, r.patients, r.new_patients,
                     f"{r.repeat_rate:.1%}", r.average_ticket,
                     "" if r.satisfaction is None else f"{r.satisfaction:.2f}")
                    for r in rows if isinstance(r, DoctorRow))))
            else:
                found.append(ReportTable(title, (name, money, count, people), tuple(
                    (r.name, r.revenue, r.visits, r.patients) for r in rows)))
        for tab in self.lazy_tabs:  # those read for this period
            if tab.loaded_for == self.period:
                found.extend(tab.tables())
        return found

    def open_behind(self, what: str, row: BreakdownRow | DoctorRow) -> None:
        ctx, period = self.services.ctx, self.period

        def shown(found: object) -> None:
            assert isinstance(found, PatientsBehind)
            dialog = PatientsBehindDialog(self.services, row.name, found, self)
            dialog.open()

        self.services.tasks.run(lambda: patients_behind(ctx, period, what=what, key=row.key),
                                on_done=shown, on_error=self._failed)

    def export_excel(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("导出表格"), f"dashboard-{self.period.first}-{self.period.last}.xlsx",
            "Excel (*.xlsx)")
        if not path:
            return
        from pathlib import Path

        ctx, tables = self.services.ctx, self.tables()
        what = f"dashboard {self.period.first}..{self.period.last}"
        self.services.tasks.run(lambda: export_tables(ctx, Path(path), tables, what=what),
                                on_done=lambda _n: self.status.setText(self.tr("已导出。")),
                                on_error=self._failed)

    def export_pdf(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("导出PDF"), f"dashboard-{self.period.first}-{self.period.last}.pdf",
            "PDF (*.pdf)")
        if path:
            write_page_pdf(self, path)


def _headline_rows(page: QWidget, *figures: Figures) -> list[tuple[object, ...]]:
    def tr(text: str) -> str:
        # lupdate files a free function's tr() under the empty context: looked up there.
        return QCoreApplication.translate("", text)

    rows: list[tuple[object, ...]] = []
    measures: list[tuple[str, Callable[[Figures], str]]] = [
            (tr("营业额"), lambda f: f"{f.revenue:,.2f}"),
            (tr("实收"), lambda f: f"{f.payments:,.2f}"),
            (tr("储值充值"), lambda f: f"{f.stored_value_sold:,.2f}"),
            (tr("储值消费"),
             lambda f: f"{f.stored_value_spent + f.stored_value_bonus_spent:,.2f}"),
            (tr("就诊人次"), lambda f: str(f.visits)),
            (tr("就诊患者"), lambda f: str(f.patients_seen)),
            (tr("新患者"), lambda f: str(f.new_patients)),
            (tr("复诊患者"), lambda f: str(f.returning_patients)),
            (tr("客单价"), lambda f: f"{f.average_ticket:,.2f}"),
            (tr("复诊率"), lambda f: f"{f.repeat_rate:.1%}"),
            (tr("爽约率"), lambda f: f"{f.no_show_rate:.1%}"),
            (tr("取消率"), lambda f: f"{f.cancellation_rate:.1%}")]
    for title, value in measures:
        rows.append((title, *(value(f) for f in figures)))
    return rows


def write_page_pdf(widget: QWidget, path: str) -> None:
    """The page as it is shown, scaled onto one landscape A4 page."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    writer = QPdfWriter(path)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Landscape,
                                     QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter))
    writer.setResolution(150)
    pixmap = widget.grab()
    painter = QPainter(writer)
    try:
        page = painter.viewport()
        scale = min(page.width() / max(1, pixmap.width()),
                    page.height() / max(1, pixmap.height()))
        painter.scale(scale, scale)
        painter.drawPixmap(0, 0, pixmap)
    finally:
        painter.end()


SPEC = PageSpec(key="dashboard",
                title=lambda: QCoreApplication.translate("DashboardPage", "经营看板"),
                icon=QStyle.StandardPixmap.SP_FileDialogInfoView,
                permission=Permission.REPORTS_VIEW, factory=DashboardPage, order=810)
