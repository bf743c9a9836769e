"""日常报表: 日结 (the daily closing of a day), 医生业绩 (doctor performance for a month, with
commission per category) and 预约统计 (appointments of a period), each shown as the core's
tables (``report_tables``), exported to Excel (audited, on the worker), saved as PDF or
printed. Reads run on the worker; the page never holds a Session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period, PeriodKind
from clinic_desktop.services.insight.appointment_stats import appointment_stats
from clinic_desktop.services.insight.daily import daily_closing
from clinic_desktop.services.insight.doctor_report import (
    COMMISSION_PERMISSION,
    CommissionRates,
    commission_categories,
    commission_rates,
    doctor_report,
)
from clinic_desktop.services.insight.report_tables import (
    ReportTable,
    appointment_tables,
    daily_tables,
    doctor_tables,
    export_tables,
)
from ui.app_services import AppServices
from ui.dialogs.commission_dialog import CommissionDialog
from ui.pages import PageSpec
from ui.widgets.period_picker import PeriodPicker
from ui.widgets.qt_dates import pydate, qdate
from ui.widgets.report_view import ReportView, tables_html, write_pdf
from ui.widgets.rich_text import plain_label

Loader = Callable[[], list[ReportTable]]


class ReportTab(QWidget):
    """A report's controls above its tables (scrolled: 日结 has five). Subclasses say what
    to read (``loader``), what it is called (``title``) and how the audit names it."""

    def __init__(self, page: ReportsPage) -> None:
        super().__init__()
        self.page = page
        self.services = page.services
        self.tables: list[ReportTable] = []
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.controls = QHBoxLayout()
        layout.addLayout(self.controls)
        self.view = ReportView()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        layout.addWidget(scroll, 1)

    def loader(self) -> Loader | None:
        raise NotImplementedError

    def title(self) -> str:
        raise NotImplementedError

    def what(self) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        load = self.loader()
        if load is None:
            self.page.status.setText(
                QCoreApplication.translate("ReportsPage", "结束日期早于开始日期。"))
            return
        self.loaded = True
        self.page.status.setText(QCoreApplication.translate("ReportsPage", "正在计算…"))
        self.services.tasks.run(load, on_done=self._show, on_error=self.page.failed)

    def _show(self, tables: object) -> None:
        assert isinstance(tables, list)
        self.tables = tables
        self.view.show_tables(tables)
        self.page.status.setText("")


class DailyTab(ReportTab):
    def __init__(self, page: ReportsPage) -> None:
        super().__init__(page)
        self.day = QDateEdit(qdate(page.today()))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.controls.addWidget(plain_label(self.tr("日期")))
        self.controls.addWidget(self.day)
        self.controls.addStretch(1)
        self.day.dateChanged.connect(lambda _d: self.refresh())

    def loader(self) -> Loader:
        ctx, day = self.services.ctx, pydate(self.day)
        return lambda: daily_tables(daily_closing(ctx, day))

    def title(self) -> str:
        return self.tr("日结 {day}").replace("{day}", pydate(self.day).isoformat())

    def what(self) -> str:
        return f"daily {pydate(self.day).isoformat()}"


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


class DoctorTab(ReportTab):
    def __init__(self, page: ReportsPage) -> None:
        super().__init__(page)
        self.month = QDateEdit(qdate(page.today()))
        self.month.setCalendarPopup(True)
        self.month.setDisplayFormat("yyyy-MM")
        self.rates_button = QPushButton(self.tr("提成比例…"))
        self.rates_button.setEnabled(self.services.can(COMMISSION_PERMISSION))
        self.controls.addWidget(plain_label(self.tr("月份")))
        self.controls.addWidget(self.month)
        self.controls.addStretch(1)
        self.controls.addWidget(self.rates_button)
        self.month.dateChanged.connect(lambda _d: self.refresh())
        self.rates_button.clicked.connect(self.edit_rates)

    def period(self) -> Period:
        return month_of(pydate(self.month))

    def loader(self) -> Loader:
        ctx, period = self.services.ctx, self.period()
        return lambda: doctor_tables(doctor_report(ctx, period))

    def title(self) -> str:
        return self.tr("医生业绩 {month}").replace("{month}", f"{self.period().first:%Y-%m}")

    def what(self) -> str:
        return f"doctors {self.period().first:%Y-%m}"

    def edit_rates(self) -> None:
        ctx = self.services.ctx

        def read() -> tuple[list[str], CommissionRates]:
            return commission_categories(ctx), commission_rates(ctx)

        self.services.tasks.run(read, on_done=self._open_rates, on_error=self.page.failed)

    def _open_rates(self, found: object) -> None:
        assert isinstance(found, tuple)
        categories, rates = found
        dialog = CommissionDialog(self.services, categories, rates, self)
        dialog.accepted.connect(self.refresh)  # the new rates in the commission column
        self.page.opened(dialog)


class AppointmentTab(ReportTab):
    def __init__(self, page: ReportsPage) -> None:
        super().__init__(page)
        self.picker = PeriodPicker(page.today(), kinds=(
            PeriodKind.TODAY, PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER,
            PeriodKind.YEAR, PeriodKind.CUSTOM))
        self.controls.addWidget(plain_label(self.tr("时间")))
        self.controls.addWidget(self.picker)
        self.controls.addStretch(1)
        self.picker.changed.connect(self.refresh)

    def loader(self) -> Loader | None:
        ctx, period = self.services.ctx, self.picker.period()
        if period is None:
            return None
        return lambda: appointment_tables(appointment_stats(ctx, period))

    def _period_text(self) -> str:
        period = self.picker.period()
        return "" if period is None else f"{period.first.isoformat()}..{period.last.isoformat()}"

    def title(self) -> str:
        return self.tr("预约统计 {period}").replace("{period}", self._period_text())

    def what(self) -> str:
        return f"appointments {self._period_text()}"


class ReportsPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.status = plain_label("")
        self.excel_button = QPushButton(self.tr("导出表格"))
        self.pdf_button = QPushButton(self.tr("导出PDF"))
        self.print_button = QPushButton(self.tr("打印…"))
        self.excel_button.setEnabled(services.can(Permission.EXPORT_RUN))
        bar.addWidget(self.status, 1)
        for button in (self.excel_button, self.pdf_button, self.print_button):
            bar.addWidget(button)
        self.tabs = QTabWidget()
        self.daily, self.doctors, self.appointments = (DailyTab(self), DoctorTab(self),
                                                       AppointmentTab(self))
        self.tabs.addTab(self.daily, self.tr("日结"))
        self.tabs.addTab(self.doctors, self.tr("医生业绩"))
        self.tabs.addTab(self.appointments, self.tr("预约统计"))
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bar)
        self.tabs.currentChanged.connect(lambda _i: self._load_current())
        self.excel_button.clicked.connect(self.export_excel)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.print_button.clicked.connect(self.print_report)
        self.last_dialog: QWidget | None = None

    def today(self) -> date:
        return self.services.local(self.services.ctx.now()).date()

    def current(self) -> ReportTab:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, ReportTab)
        return tab

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[arg-type]
        self._load_current()

    def _load_current(self) -> None:
        tab = self.current()
        if not tab.loaded:
            tab.refresh()

    def failed(self, error: BaseException) -> None:
        self.status.setText(str(error))

    def opened(self, dialog: CommissionDialog) -> None:
        self.last_dialog = dialog  # kept for tests; the dialog is modal
        dialog.open()

    def export_excel(self) -> None:
        tab = self.current()
        name = tab.what().replace(" ", "-").replace("..", "-")
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("导出表格"), f"{name}.xlsx",
                                                    "Excel (*.xlsx)")
        if not path:
            return
        tables, what = list(tab.tables), tab.what()
        self.status.setText(self.tr("正在导出…"))
        self.services.ops.run_in_background(
            lambda ctx, _job: export_tables(ctx, Path(path), tables, what=what), parent=self,
            initiator=self, on_done=lambda _n: self.status.setText(self.tr("已导出。")),
            on_error=self.failed)

    def export_pdf(self) -> None:
        tab = self.current()
        name = tab.what().replace(" ", "-").replace("..", "-")
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("导出PDF"), f"{name}.pdf",
                                                    "PDF (*.pdf)")
        if path:
            write_pdf(path, self.html())
            self.status.setText(self.tr("已导出。"))

    def html(self) -> str:
        tab = self.current()
        return tables_html(f"{self.services.clinic.name} · {tab.title()}", tab.tables)

    def print_report(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QPrintDialog.DialogCode.Accepted:
            document = QTextDocument()
            document.setHtml(self.html())
            document.print_(printer)


SPEC = PageSpec(key="reports",
                title=lambda: QCoreApplication.translate("ReportsPage", "日常报表"),
                icon=QStyle.StandardPixmap.SP_FileDialogDetailedView,
                permission=Permission.REPORTS_VIEW, factory=ReportsPage, order=815)
