"""经营看板's other tabs on the hand-built clinic (tests/unit/insight/clinic.py): retention,
patient mix, care and the complaints queue show the services' numbers, read when the tab is
first shown; resolving a complaint closes it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.care_stats import care_stats
from clinic_desktop.services.insight.mix import patient_mix
from clinic_desktop.services.insight.retention import (
    activity_over_time,
    cohorts,
    source_funnel,
)
from clinic_desktop.storage.models.engagement import Feedback
from tests.ui.modal import run_deferred_deletions
from tests.unit.insight.clinic import Clinic, build
from ui.app_services import AppServices
from ui.pages.dashboard.complaints_tab import ResolveComplaintDialog
from ui.pages.dashboard.lazy_tab import TableSlot
from ui.pages.dashboard.retention_tab import cohort_period
from ui.pages.dashboard_page import DashboardPage

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def _cells(slot: TableSlot) -> list[list[str]]:
    assert slot.view is not None
    model = slot.view.model()
    return [[str(model.index(r, c).data()) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


@pytest.fixture
def clinic(services: AppServices) -> Clinic:
    return build(services.ctx)


@pytest.fixture
def page(qtbot: QtBot, services: AppServices, clinic: Clinic) -> DashboardPage:
    shown = DashboardPage(services)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _text(table: object, row: int, column: int) -> str:
    item = table.item(row, column)  # type: ignore[attr-defined]
    assert item is not None
    return str(item.text())


def _open(page: DashboardPage, tab: object) -> None:
    page.tabs.setCurrentWidget(tab)  # type: ignore[arg-type]
    QApplication.processEvents()


def test_tabs_read_only_when_shown(page: DashboardPage) -> None:
    assert page.retention.data is None and page.mix.data is None  # not read yet
    _open(page, page.mix)
    assert page.mix.loaded_for == NOVEMBER and page.retention.data is None


def test_retention_tab_shows_the_funnel_cohorts_and_activity(page: DashboardPage,
                                                             services: AppServices) -> None:
    _open(page, page.retention)
    funnel = source_funnel(services.ctx, NOVEMBER)
    rows = _cells(page.retention.funnel_table)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        (f.name, str(f.new_patients), str(f.first_visit), str(f.second_visit)) for f in funnel]
    douyin = next(r for r in rows if r[0] == "抖音")
    # B (first visit 11-10) and F (a first-visit date of 11-03 on the record) are both new
    assert douyin[1:3] == ["2", "2"]
    # the cohort table: the twelve months up to November, shares of each month's patients
    shown = cohort_period(NOVEMBER)
    assert shown == Period(date(2025, 12, 1), date(2026, 11, 30))
    expected = cohorts(services.ctx, shown)
    table = page.retention.cohort_table
    assert table.rowCount() == len(expected) == 12
    march = next(r for r, row in enumerate(expected) if row.month == "2026-03")
    assert _text(table, march, 0) == "2026-03"
    assert _text(table, march, 1) == str(expected[march].size)
    # A, first seen 10 March, came back in November: 8 months later
    assert expected[march].returned[7] == 1
    assert _text(table, march, 1 + 8) == f"{expected[march].share(8):.0%}"
    page.retention.inner.setCurrentIndex(2)
    activity = activity_over_time(services.ctx, last_day=NOVEMBER.last, months=12)
    rows = _cells(page.retention.activity_table)
    assert rows[0] == ["2026-11", str(activity[-1].active), str(activity[-1].dormant),
                       str(activity[-1].lost)]
    assert page.retention.activity_chart.canvas is not None
    names = [t.title for t in page.tables()]
    assert "来源漏斗" in names and "留存队列" in names  # exported with the dashboard


def test_cohort_table_sorts_by_share(page: DashboardPage) -> None:
    _open(page, page.retention)
    table = page.retention.cohort_table
    table.sortItems(1 + 8)  # +8 months, ascending: March's 100 % last
    QApplication.processEvents()
    assert _text(table, table.rowCount() - 1, 0) == "2026-03"


def test_mix_tab_shows_age_bands_and_sex(page: DashboardPage, services: AppServices) -> None:
    _open(page, page.mix)
    mix = patient_mix(services.ctx, NOVEMBER)
    rows = _cells(page.mix.table)
    assert rows[0][0] == "全部" and rows[0][1] == str(mix[0].patients)
    assert [r[1:] for r in rows] == [
        [str(m.patients), *(str(a) for a in m.ages), str(m.male), str(m.female),
         str(m.sex_unknown)] for m in mix]
    implant = next(r for r in rows if r[0] == "种植")
    assert implant[1] == "1" and implant[4] == "1"  # A, 36 on 30 November: 18–39


def test_care_tab_shows_callbacks_and_satisfaction(page: DashboardPage,
                                                   services: AppServices) -> None:
    _open(page, page.care)
    stats = care_stats(services.ctx, NOVEMBER)
    figures = dict((r[0], r[1]) for r in _cells(page.care.table))
    # call tasks due in November, not cancelled: t1, t2, t3, t4, t5 (t6 a reminder, t7 cancelled)
    assert figures["应回访（到期电话任务）"] == "5" == str(stats.callbacks_due)
    assert figures["回访促成预约"] == str(stats.bookings_from_callbacks) == "1"
    assert figures["复查依从率"] == f"{stats.recall_compliance:.1%}" == "50.0%"
    assert figures["平均满意度"] == "4.00 分（2 条）"  # A 5, B 3
    assert figures["当前未解决投诉"] == "2"


def test_a_window_modal_dialog_is_gone_once_finished(page: DashboardPage) -> None:
    tab = page.complaints
    assert tab is not None
    _open(page, tab)
    tab.view.selectRow(0)
    tab.resolve_button.click()  # opened window-modal (``open``), not ``exec``
    dialog = tab.last_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    assert tab.findChildren(ResolveComplaintDialog) == [dialog]
    run_deferred_deletions()
    assert tab.findChildren(ResolveComplaintDialog) == []


def test_resolving_a_complaint_closes_it(page: DashboardPage, services: AppServices,
                                         qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    tab = page.complaints
    assert tab is not None
    _open(page, tab)
    assert [r.complaint for r in tab.model.records] == ["预约被改期", "等候时间太长"]  # oldest
    monkeypatch.setattr(ResolveComplaintDialog, "open", lambda self: None)
    tab.view.selectionModel().select(
        tab.view.model().index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    tab.resolve_button.click()
    dialog = tab.last_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.submit()  # resolved needs what was done: refused, nothing written
    assert dialog.error_label.isVisibleTo(dialog)
    dialog.resolution.setPlainText("已致歉，调整排班")
    dialog.submit()
    assert dialog.result() == ResolveComplaintDialog.DialogCode.Accepted
    assert [r.complaint for r in tab.model.records] == ["预约被改期"]
    assert tab.count.text() == "共 1 条"
    with services.ctx.db.session() as session:
        row = session.execute(select(Feedback).where(
            Feedback.complaint == "等候时间太长")).scalar_one()
    assert (row.status, row.resolution) == ("resolved", "已致歉，调整排班")
    tab.state.setCurrentIndex(1)  # resolved: newest first
    assert [r.complaint for r in tab.model.records] == ["等候时间太长", "收费不清楚"]
