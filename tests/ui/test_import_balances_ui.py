"""The import wizard with a sheet of balances: the values step's 会员等级 tab, the summary's
opening balances and their undo, offscreen."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from clinic_desktop.services.loyalty import tiers
from clinic_desktop.services.loyalty.balances import check_balances, clinic_balances
from tests.unit.importing import files
from ui.app_services import AppServices
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.import_wizard.values_step import TARGET, TIER_TAB

HEADER = ["姓名", "手机", "就诊日期", "治疗项目", "储值余额", "积分", "会员等级"]


@pytest.fixture
def members(tmp_path: Path) -> Path:
    return files.xlsx(tmp_path / "会员.xlsx", [
        HEADER,
        ["周一", "13600000001", "2026-10-01", "洗牙", "¥2,000", 300, "金卡"],
        ["周二", "13600000002", "2026-10-02", "洗牙", "500元", "", "钻石卡"],
        ["周三", "13600000003", "2026-10-03", "洗牙", "", 80, "金卡会员"],
        ["周四", "13600000004", "2026-10-04", "洗牙", "", "", "体验卡"],
    ])


def _at_values(wizard: ImportWizard, path: Path) -> None:
    wizard.open_file(path)
    wizard.forward()  # header
    wizard.forward()  # columns
    wizard.forward()  # values
    assert wizard.stack.currentIndex() == 3


def test_the_values_step_maps_tier_names_and_the_summary_shows_the_balances(
    qtbot: QtBot, services: AppServices, members: Path, messages: list[tuple[str, str]],
) -> None:
    tiers.save_tier(services.ctx, tiers.TierInput(
        name="金卡", rank=1, threshold_kind="spend", threshold=Decimal(10000), discounts={}))
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    _at_values(wizard, members)
    step = wizard.values_step
    assert step.tabs.isTabVisible(TIER_TAB) and step.tabs.tabText(TIER_TAB) == "会员等级（4）"
    table = step.tier_table
    assert [item.text() for r in range(table.rowCount()) if (item := table.item(r, 0))] == [
        "体验卡", "金卡", "金卡会员", "钻石卡"]
    for name in ("金卡", "金卡会员"):  # exactly, and without 会员
        combo = step.combo_for("tier", name)
        assert combo is not None and combo.currentData() == ("match", "金卡"), name
    diamond = table.cellWidget(3, TARGET)
    assert isinstance(diamond, QComboBox) and diamond.currentData() == ("new", "钻石卡")
    assert "新建会员等级：钻石卡" in [diamond.itemText(i) for i in range(diamond.count())]
    step.choose("tier", "体验卡", "none")
    assert set(step.choices()["tier"]) == {"体验卡", "金卡", "金卡会员", "钻石卡"}
    assert step.choices()["tier"]["体验卡"].action == "none"
    assert step.choices()["tier"]["钻石卡"].category == ""  # no category for a tier
    wizard.forward()  # the dry run
    assert wizard.dry is not None and wizard.dry.opening.tiers_created == 1
    assert "期初余额：储值 ¥2,500.00（2 位），积分 380（2 位），会员等级 3 位" \
        in wizard.dry_run_step.view.note.text()
    wizard.forward()  # the import
    assert wizard.summary is not None and wizard.stack.currentIndex() == 6
    note = wizard.done_step.view.note.text()
    assert "新建会员等级 1 个" in note and "期初余额：储值 ¥2,500.00（2 位）" in note
    assert {b.name: b.tier for b in clinic_balances(services.ctx)} == {
        "周一": "金卡", "周二": "钻石卡", "周三": "金卡"}
    assert check_balances(services.ctx) == []
    wizard.undo()
    assert "期初余额 7 笔已删除" in wizard.done_title.text()  # 2 + 2 + 3
    assert clinic_balances(services.ctx) == [] and check_balances(services.ctx) == []
    assert [t.name for t in tiers.list_tiers(services.ctx, include_inactive=True)] == ["金卡"]


def test_back_from_the_dry_run_keeps_the_tier_choices(
    qtbot: QtBot, services: AppServices, members: Path,
) -> None:
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    _at_values(wizard, members)
    wizard.values_step.choose("tier", "金卡会员", "none")
    wizard.back()  # to the columns
    wizard.forward()  # the values again
    combo = wizard.values_step.combo_for("tier", "金卡会员")
    assert combo is not None and combo.currentData() == ("none", "")


def test_no_tier_column_no_tier_tab(qtbot: QtBot, services: AppServices,
                                    tmp_path: Path) -> None:
    path = files.xlsx(tmp_path / "plain.xlsx", [["姓名", "手机", "储值余额"],
                                                ["吴一", "13500000001", 100]])
    wizard = ImportWizard(services)
    qtbot.addWidget(wizard)
    _at_values(wizard, path)
    assert not wizard.values_step.tabs.isTabVisible(TIER_TAB)
    assert "tier" not in wizard.values_step.choices()
