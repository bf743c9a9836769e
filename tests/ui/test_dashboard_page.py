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


def test_days_missing_from_the_cache_are_built_with_progress(
        qtbot: QtBot, services: AppServices) -> None:
    """A first look at a long period builds its days (a month per write) and says so; the
    bar goes away when the numbers arrive, and a second look builds nothing."""
    build(services.ctx)
    page = DashboardPage(services)
    qtbot.addWidget(page)
    seen: list[tuple[int, int, str]] = []
    building = page._building

    def spy(done: int, total: int, text: str) -> None:
        building(done, total, text)
        seen.append((done, total, page.status.text()))

    page._building = spy  # type: ignore[method-assign]
    page.show()
    # November, October and November 2025: 91 days, in three writes of at most 31
    assert [(d, t) for d, t, _s in seen] == [(31, 91), (62, 91), (91, 91)]
    assert seen[0][2] == "正在整理数据：31 / 91 天"
    assert page.progress.isHidden() and page.status.text() == ""
    assert page.cards["revenue"].value.text() == "¥11,600.00"
    seen.clear()
    page.refresh()
    assert seen == [] and page.board is not None


def test_a_cancelled_build_keeps_what_it_built_and_says_nothing(
        qtbot: QtBot, services: AppServices) -> None:
    from clinic_desktop.services.insight import day_cache
    from ui.tasks import Cancelled

    build(services.ctx)
    page = DashboardPage(services)
    qtbot.addWidget(page)

    def stop(done: int, total: int, text: str) -> None:
        raise Cancelled()  # what job.check() raises once the user moved on

    page._building = stop  # type: ignore[method-assign]
    page.show()
    assert page.board is None and page.status.text() == "正在计算…"
    with services.ctx.transaction() as session:
        built = day_cache._built(session, date(2025, 11, 1), date(2026, 11, 30))
    assert len(built) == 31  # the first write's days stay built
