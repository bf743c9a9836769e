"""患者分群 and its campaign dialog fit a 1280×650 screen in Chinese and English (the page is
built directly: the window's registry line is added with the page)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_desktop.services.insight.segment_rules import SegmentRules
from tests.ui.fit import SCREEN, fits
from tests.unit.insight.segment_clinic import build
from ui.app_services import AppServices
from ui.dialogs.campaign_dialog import CampaignDialog
from ui.pages.segments_page import SegmentsPage

NAV = 220  # the window's page list beside the page


def test_the_page_fits(language: str, qtbot: QtBot, services: AppServices) -> None:
    build(services.ctx)
    page = SegmentsPage(services)
    qtbot.addWidget(page)
    page.resize(SCREEN.width() - NAV, SCREEN.height() - 40)
    page.show()
    for key in page.filter.defs:  # every criterion open at once: the list scrolls
        page.filter.add_criterion(key)
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        hint = page.minimumSizeHint()
        assert hint.width() <= SCREEN.width() - NAV and hint.height() <= SCREEN.height() - 40, (
            language, index, hint)


def test_the_campaign_dialog_fits(language: str, qtbot: QtBot, services: AppServices) -> None:
    build(services.ctx)
    page = SegmentsPage(services)
    qtbot.addWidget(page)
    for action in range(4):
        dialog = CampaignDialog(services, None, rules=SegmentRules(high_value=True),
                                segment_id=None, segment_name="种植患者一年未复诊（复查邀约）",
                                count=1234, choices=page.choices)
        qtbot.addWidget(dialog)
        dialog.action.setCurrentIndex(action)
        dialog.name.setText("")
        dialog.submit()  # the refusal shows: it must still fit
        dialog.show()
        QApplication.processEvents()
        assert fits(dialog.size()) and fits(dialog.minimumSizeHint()), (language, action,
                                                                        dialog.size())
