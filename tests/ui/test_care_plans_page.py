"""The plan editor speaks the UI language (no raw codes), picks trigger procedures from the
catalogue, and creates, copies, retires and restores plans through the operation runner."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QInputDialog, QLabel, QSpinBox
from pytestqt.qtbot import QtBot

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.rules.care_plans import KINDS, ROLES, UNITS
from clinic_desktop.services import care
from clinic_desktop.services.catalogue import list_procedures
from ui.app_services import AppServices
from ui.main_window import MainWindow
from ui.pages.care_plan_steps import KIND, NOTICE, PRIORITY, ROLE, TEMPLATE, UNIT, TriggerDialog
from ui.pages.care_plans_page import CarePlansPage


@pytest.fixture
def page(window: MainWindow) -> CarePlansPage:
    result = window.open_page("care_plans")
    assert isinstance(result, CarePlansPage)
    return result


def _select(page: CarePlansPage, key: str) -> None:
    page.list.setCurrentRow(next(i for i, p in enumerate(page.plans) if p.key == key))


def _combo(page: CarePlansPage, row: int, column: int) -> QComboBox:
    widget = page.steps.cellWidget(row, column)
    assert isinstance(widget, QComboBox)
    return widget


def test_steps_offer_choices_in_words_not_codes(page: CarePlansPage) -> None:
    _select(page, "implant")
    first = [_combo(page, 0, c).currentText() for c in (UNIT, KIND, ROLE, PRIORITY)]
    assert first == ["小时", "术后回访", "护士", "紧急"]
    assert _combo(page, 1, KIND).currentText() == "复诊/复查"
    assert [_combo(page, 0, UNIT).itemText(i) for i in range(len(UNITS))] == [
        "小时", "天", "周", "个月", "年"]
    codes = set(UNITS) | set(KINDS) | set(ROLES)
    shown = {_combo(page, r, c).itemText(i) for r in range(page.steps.rowCount())
             for c in (UNIT, KIND, ROLE, PRIORITY) for i in range(_combo(page, r, c).count())}
    headers = {page.steps.horizontalHeaderItem(c).text()  # type: ignore[union-attr]
               for c in range(page.steps.columnCount())}
    subtitle = " ".join(label.text() for label in page.findChildren(QLabel))
    assert not shown & codes and not headers & codes
    assert not any(code in subtitle for code in codes)  # the old hint listed the codes
    assert page.trigger_text.text() == "种植牙"


def test_the_trigger_is_ticked_in_the_catalogue_and_saved(
    page: CarePlansPage, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    _select(page, "extraction")
    seen: list[TriggerDialog] = []

    def tick(dialog: TriggerDialog) -> int:
        seen.append(dialog)
        assert dialog.chosen() == ["普通拔牙", "智齿拔除"]  # the plan's own, ticked
        dialog.set_checked(["普通拔牙", "智齿拔除", "种植牙"])
        return 1

    monkeypatch.setattr(TriggerDialog, "exec", tick)
    page.pick_trigger()
    [dialog] = seen
    offered = {dialog.tree.topLevelItem(i).child(j).text(0)  # type: ignore[union-attr]
               for i in range(dialog.tree.topLevelItemCount())
               for j in range(dialog.tree.topLevelItem(i).childCount())}  # type: ignore[union-attr]
    assert offered == {p.name for p in list_procedures(services.ctx)}
    assert page.trigger_text.text() == "种植牙、普通拔牙、智齿拔除"  # in catalogue order
    page.save()
    saved = next(p for p in care.list_plans(services.ctx) if p.key == "extraction")
    assert saved.procedures == ("种植牙", "普通拔牙", "智齿拔除")
    assert set(saved.categories) == {"拔牙", "种植"}


def test_new_copy_retire_and_restore_from_the_page(
    page: CarePlansPage, window: MainWindow, services: AppServices, qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    seen: list[tuple[ChangeSet, object]] = []
    services.changed.connect(lambda changes, by: seen.append((changes, by)))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("种植二期回访", True))
    page.new_plan()
    assert page.name.text() == "种植二期回访" and page.steps.rowCount() == 1
    assert page.trigger_text.text() == "未选择：这个计划不会自动生成任务"
    assert seen[-1][0].touches(Area.CARE_PLANS) and seen[-1][1] is page
    page.new_plan()  # the same name again: refused, said once
    assert messages[-1][1] == "已有名为“种植二期回访”的随访计划。"
    _select(page, "implant")
    page.duplicate()
    assert page.name.text() == "种植牙随访（副本）" and page.steps.rowCount() == 5
    assert page.trigger_text.text() == "未选择：这个计划不会自动生成任务"
    callbacks = window.open_page("callbacks")
    _select(page, "implant")
    page.retire_or_restore()  # asks first (the messages fixture answers Yes)
    assert "已生成的 0 个未完成任务仍留在回访清单里" in messages[-1][1]
    assert page.list.currentItem().text() == "种植牙随访（已停用）"  # type: ignore[union-attr]
    assert page.retire_button.text() == "恢复启用"
    assert "implant" not in [p.key for p in care.list_plans(services.ctx)]
    plans_filter = callbacks.plan  # type: ignore[attr-defined]
    assert plans_filter.itemText(plans_filter.findData("implant")) == "种植牙随访（已停用）"
    page.retire_or_restore()
    assert "implant" in [p.key for p in care.list_plans(services.ctx)]
    assert page.list.currentItem().text() == "种植牙随访"  # type: ignore[union-attr]


def test_repeat_is_edited_in_words(page: CarePlansPage, services: AppServices) -> None:
    _select(page, "cleaning")
    assert page.repeat.isChecked() and page.repeat_unit.currentText() == "个月"
    assert page.repeat_amount.value() == 6
    before = page.preview_list.count()
    page.repeat_amount.setValue(3)  # every 3 months instead of 6: more dates in 3 years
    assert page.preview_list.count() > before
    page.save()
    saved = next(p for p in care.list_plans(services.ctx) if p.key == "cleaning")
    assert saved.repeat is not None and (saved.repeat.amount, saved.repeat.unit) == (3, "months")
    window = page.steps.cellWidget(0, 6)
    assert isinstance(window, QSpinBox)


def test_a_step_chooses_its_message_template_and_notice_lead_time(
    page: CarePlansPage, services: AppServices, qtbot: QtBot
) -> None:
    _select(page, "implant")
    template = _combo(page, 0, TEMPLATE)
    assert template.currentText() == "默认"
    template.setCurrentIndex(template.findData("postop"))
    notice = page.steps.cellWidget(2, NOTICE)
    assert isinstance(notice, QSpinBox) and notice.text() == "默认"
    notice.setValue(14)
    page.save()
    qtbot.waitUntil(lambda: next(p for p in care.list_plans(services.ctx)
                                 if p.key == "implant").steps[2].notice_days == 14)
    saved = next(p for p in care.list_plans(services.ctx) if p.key == "implant")
    assert saved.steps[0].template_key == "postop"
    assert saved.steps[1].notice_days is None  # left at 默认: the clinic's setting
