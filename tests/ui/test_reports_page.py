"""日常报表 on the hand-built clinic (tests/unit/insight/clinic.py): the numbers shown are the
core's, the Excel export is a real workbook, the commission dialog saves and the doctor tab
shows the new commission."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from clinic_desktop.services.insight.doctor_report import commission_rates
from tests.unit.insight.clinic import build
from ui.app_services import AppServices
from ui.dialogs.commission_dialog import CommissionDialog
from ui.pages.reports_page import ReportsPage


def _cells(page: ReportsPage, tab_index: int, table: int) -> list[list[str]]:
    tab = [page.daily, page.doctors, page.appointments][tab_index]
    model = tab.view.views[table].model()
    return [[str(model.index(r, c).data()) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


@pytest.fixture
def page(qtbot: QtBot, services: AppServices) -> ReportsPage:
    build(services.ctx)
    shown = ReportsPage(services)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def test_daily_closing_shows_the_days_money(page: ReportsPage) -> None:
    assert page.daily.day.date() == QDate(2026, 11, 24)  # today on the services' clock
    page.daily.day.setDate(QDate(2026, 11, 5))  # A's implant: 9,500 cash, 500 tier discount
    totals = dict((row[0], row[1]) for row in _cells(page, 0, 0))
    assert totals["实收（不含储值消费）"] == "9,500.00"
    assert totals["收费"] == "10,000.00"
    assert totals["营业额（收费−优惠）"] == "9,500.00"
    assert _cells(page, 0, 2) == [["现金", "9,500.00", "1"]]  # by method
    assert _cells(page, 0, 3) == [["王院长", "9,500.00", "1"]]  # by staff: the admin
    page.daily.day.setDate(QDate(2026, 11, 30))
    totals = dict((row[0], row[1]) for row in _cells(page, 0, 0))
    assert totals["当日结束时欠费合计"] == "600.00"


def test_doctor_tab_and_the_commission_dialog(page: ReportsPage, qtbot: QtBot,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    page.tabs.setCurrentIndex(1)
    page.doctors.month.setDate(QDate(2026, 11, 15))
    rows = _cells(page, 1, 0)
    assert [r[0] for r in rows] == ["王医生", "李医生"]
    assert rows[0][4:] == ["9,900.00", "0.00"]  # revenue, no commission yet
    monkeypatch.setattr(CommissionDialog, "open", lambda self: None)
    page.doctors.rates_button.click()
    dialog = page.last_dialog
    assert isinstance(dialog, CommissionDialog)
    qtbot.addWidget(dialog)
    assert {"种植", "洁牙", "补牙"} <= set(dialog.edits)
    dialog.edits["种植"].setText("150")  # refused, beside its box; nothing saved
    dialog.default.setText("10")
    dialog.submit()
    assert dialog.error_label.isVisibleTo(dialog)
    assert commission_rates(page.services.ctx).by_category == ()
    dialog.edits["种植"].setText("20")
    dialog.submit()
    assert dialog.result() == CommissionDialog.DialogCode.Accepted
    # 王: 种植 9,500 × 20 % + 洁牙 400 × 10 % = 1,940; 李: 1,700 × 10 % = 170
    rows = _cells(page, 1, 0)
    assert [(r[0], r[5]) for r in rows] == [("王医生", "1,940.00"), ("李医生", "170.00")]
    detail = {(r[0], r[1]): (r[4], r[5]) for r in _cells(page, 1, 1)}
    assert detail[("王医生", "种植")] == ("20.00%", "1,900.00")


def test_appointment_statistics_for_the_month(page: ReportsPage) -> None:
    page.tabs.setCurrentIndex(2)
    assert page.appointments.picker.period() is not None
    overall = _cells(page, 2, 0)
    assert overall == [["全部", "5", "2", "1", "1", "25.0%", "20.0%"]]
    page.appointments.picker.set_custom(date(2026, 12, 1), date(2026, 12, 31))
    assert _cells(page, 2, 0)[0][1:4] == ["1", "0", "1"]


def test_export_writes_a_workbook_and_pdf(page: ReportsPage, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    page.daily.day.setDate(QDate(2026, 11, 5))
    target = tmp_path / "daily.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    page.export_excel()
    book = load_workbook(target)
    assert book.sheetnames[0] == "日结汇总"
    assert book["日结汇总"]["A2"].value == "实收（不含储值消费）"
    assert book["日结汇总"]["B2"].value == 9500
    assert book["按支付方式"]["A2"].value == "现金"
    pdf = tmp_path / "daily.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(pdf), ""))
    page.export_pdf()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "日结 2026-11-05" in page.html()
