"""经营看板: built directly (the registry line is added by the lead), on the hand-built clinic."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_desktop.rules.periods import PeriodKind
from tests.unit.insight.clinic import build
from ui.app_services import AppServices
from ui.pages.dashboard_page import DashboardPage, PatientsBehindDialog


def test_the_dashboard_shows_the_months_numbers(qtbot: QtBot, services: AppServices) -> None:
    build(services.ctx)
    page = DashboardPage(services)
    qtbot.addWidget(page)
    page.show()  # the first show reads November (this month on the fixed clock)
    assert page.board is not None
    assert page.period.first == date(2026, 11, 1)
    assert page.cards["revenue"].value.text() == "¥11,600.00"
    assert page.cards["visits"].value.text() == "6"
    tab = page.breakdowns["procedure"]
    assert [r.name for r in tab.rows] == ["测试种植", "测试补牙", "测试洁牙"]
    assert tab.chart.canvas is not None  # drawn for the tab in view
    assert page.breakdowns["source"].chart.canvas is None  # not yet: drawn when shown
    names = [t.title for t in page.tables()]
    assert names[0] == "概况" and len(names) == 5


def test_a_bar_opens_the_patients_behind_it(qtbot: QtBot, services: AppServices,
                                            monkeypatch: object) -> None:
    build(services.ctx)
    page = DashboardPage(services)
    qtbot.addWidget(page)
    page.show()
    opened: list[PatientsBehindDialog] = []
    monkeypatch.setattr(PatientsBehindDialog, "open",  # type: ignore[attr-defined]
                        lambda self: opened.append(self))
    page.breakdowns["procedure"]._clicked(1)  # 测试补牙: B and D
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 2
    asked: list[int] = []
    services.open_patient_requested.connect(asked.append)
    dialog._open(dialog.view.model().index(0, 0))
    assert len(asked) == 1


def test_changing_the_period_reads_again(qtbot: QtBot, services: AppServices) -> None:
    build(services.ctx)
    page = DashboardPage(services)
    qtbot.addWidget(page)
    page.show()
    page.kind.setCurrentIndex(list(PeriodKind).index(PeriodKind.YEAR))
    QApplication.processEvents()
    assert page.period.first == date(2026, 1, 1)
    assert page.cards["visits"].value.text() == "7"  # + A's visit in March
