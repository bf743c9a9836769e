"""The dashboard and reports pages and their dialogs fit a 1280×650 screen in Chinese and
English."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.doctor_report import commission_rates
from clinic_desktop.services.insight.drill import patients_behind
from tests.ui.fit import SCREEN, fits
from tests.unit.insight.clinic import build
from ui.app_services import AppServices
from ui.dialogs.commission_dialog import CommissionDialog
from ui.pages.dashboard_page import DashboardPage, PatientsBehindDialog
from ui.pages.reports_page import ReportsPage


def test_the_dashboard_and_its_dialog_fit(language: str, qtbot: QtBot,
                                          services: AppServices) -> None:
    build(services.ctx)
    page = DashboardPage(services)
    qtbot.addWidget(page)
    page.resize(SCREEN.width() - 200, SCREEN.height())
    page.show()
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert page.minimumSizeHint().width() <= SCREEN.width() - 200, (language, index)
        assert fits(page.minimumSizeHint()), (language, index, page.minimumSizeHint())
    found = patients_behind(services.ctx, Period(date(2026, 11, 1), date(2026, 11, 30)),
                            what="source", key="抖音")
    dialog = PatientsBehindDialog(services, "抖音（短视频平台推广）", found)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    for size in (dialog.sizeHint(), dialog.minimumSizeHint(), dialog.size()):
        assert fits(size), (language, size)


def test_the_reports_page_and_commission_dialog_fit(language: str, qtbot: QtBot,
                                                    services: AppServices) -> None:
    build(services.ctx)
    page = ReportsPage(services)
    qtbot.addWidget(page)
    page.resize(SCREEN.width() - 200, SCREEN.height())
    page.show()
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert page.minimumSizeHint().width() <= SCREEN.width() - 200, (language, index)
        assert fits(page.minimumSizeHint()), (language, index, page.minimumSizeHint())
    # the longest catalogue a clinic is likely to have: the default one and more
    categories = [f"类别{n}" for n in range(30)]
    dialog = CommissionDialog(services, categories, commission_rates(services.ctx))
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    for size in (dialog.sizeHint(), dialog.minimumSizeHint(), dialog.size()):
        assert fits(size), (language, size)


def test_the_resolve_complaint_dialog_fits(language: str, qtbot: QtBot,
                                           services: AppServices) -> None:
    from datetime import UTC, datetime

    from clinic_desktop.services.insight.complaints import ComplaintRow
    from ui.pages.dashboard.complaints_tab import ResolveComplaintDialog

    long_text = "候诊时间太长，前台解释不清楚，收费项目与预约时说的不一致。" * 6
    row = ComplaintRow(1, 1, "P000001", "欧阳娜娜", "13800138000",
                       datetime(2026, 11, 20, 2, tzinfo=UTC), 2, long_text, "open", "")
    dialog = ResolveComplaintDialog(services, row)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    for size in (dialog.sizeHint(), dialog.minimumSizeHint(), dialog.size()):
        assert fits(size), (language, size)
