"""患者分群 built directly: criteria change the count, the list, saving, built-ins, RFM and a
campaign started from the dialog with its result shown."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QInputDialog
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from clinic_desktop.services.insight.campaign_results import list_campaigns
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import list_saved_segments
from tests.unit.insight.segment_clinic import build
from ui.app_services import AppServices
from ui.dialogs.campaign_dialog import CampaignDialog
from ui.pages.segments_page import SegmentsPage
from ui.widgets.table_model import RECORD_ROLE


def _page(qtbot: QtBot, services: AppServices) -> SegmentsPage:
    build(services.ctx)
    page = SegmentsPage(services)
    qtbot.addWidget(page)
    return page


def test_criteria_drive_the_count_and_the_list(qtbot: QtBot, services: AppServices) -> None:
    page = _page(qtbot, services)
    assert page.count_label.text() == "共 5 人" and page.rows.rowCount() == 5
    editor = page.filter.add_criterion("sex")
    page.filter.changed.emit()
    assert page.timer.isActive()  # debounced
    page.timer.timeout.emit()
    assert page.count_label.text() == "共 2 人"  # M: A and C
    assert editor.value() == {"sex": "M"}
    page.show_list()
    names = {page.rows.index(r, 1).data() for r in range(page.rows.rowCount())}
    assert names == {"张一", "王三"}
    page.filter.remove_criterion("sex")
    page.timer.timeout.emit()
    assert page.count_label.text() == "共 5 人"


def test_saved_and_built_in_segments(qtbot: QtBot, services: AppServices,
                                     monkeypatch: MonkeyPatch) -> None:
    page = _page(qtbot, services)
    page.load(SegmentRules(categories=("种植",), months_since_visit_min=12), "")
    assert page.rows.rowCount() == 1
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("种植一年未到", True))
    page.save_current()
    saved = list_saved_segments(services.ctx)
    assert [s.name for s in saved] == ["种植一年未到"]
    assert saved[0].rules == SegmentRules(categories=("种植",), months_since_visit_min=12)
    page.load(SegmentRules(), "")
    assert page.rows.rowCount() == 5
    page.open_saved()
    assert page.rows.rowCount() == 1 and page.segment_id == saved[0].id
    assert page.filter.rules() == saved[0].rules


def test_rfm_groups_open_their_patients(qtbot: QtBot, services: AppServices) -> None:
    page = _page(qtbot, services)
    page.refresh_rfm()
    counts = {page.groups.index(r, 0).data(): page.groups.index(r, 1).data()
              for r in range(page.groups.rowCount())}
    assert counts["重要挽留"] == "1" and counts["一般价值"] == "1"
    assert "活跃 2 人" in page.activity.text()
    row = next(r for r in range(page.groups.rowCount())
               if page.groups.index(r, 0).data() == "重要挽留")
    page._open_group(page.groups.index(row, 0))
    assert page.rows.rowCount() == 1 and page.rows.index(0, 1).data() == "周七"


def test_a_campaign_from_the_dialog_and_its_result(qtbot: QtBot, services: AppServices,
                                                   messages: list[tuple[str, str]]) -> None:
    page = _page(qtbot, services)
    page.load(SegmentRules(high_value=True), "高价值")
    dialog = CampaignDialog(services, page, rules=page.filter.rules(), segment_id=None,
                            segment_name="高价值", count=page.count, choices=page.choices)
    qtbot.addWidget(dialog)
    assert "将对 3 人执行，0 人留作对照组" in dialog.sizes.text()  # 10 % of 3 rounds to 0
    dialog.reason.setText("")
    dialog.submit()
    assert dialog.error_label.text() and not list_campaigns(services.ctx)
    dialog.reason.setText("高价值回访")
    dialog.due.setDate(date(2026, 11, 25))
    dialog.submit()
    assert dialog.outcome is not None and dialog.outcome.acted == 3
    page.refresh_campaigns()
    assert page.campaigns.rowCount() == 1
    page.campaigns_view.selectRow(0)
    page.show_result()
    assert "高价值回访" in page.result_title.text()
    info = page.campaigns.index(0, 0).data(RECORD_ROLE)
    assert info.members == 3
