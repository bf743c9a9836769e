"""The audit page a person can read: actions in words, the patient by name and code, local
times, filters, an Excel export on the worker, and loading only while shown."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.services import chairs
from clinic_desktop.services.audit_log import list_entries
from clinic_desktop.services.patients import PatientInput, create_patient
from ui.app_services import AppServices
from ui.main_window import MainWindow
from ui.pages.audit_page import AuditPage


def rows(page: AuditPage) -> list[dict[str, str]]:
    model = page.proxy
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return [{titles[c]: model.index(r, c).data() for c in range(model.columnCount())}
            for r in range(model.rowCount())]


@pytest.fixture
def page(window: MainWindow, services: AppServices) -> AuditPage:
    for name, mobile in (("张三", "13800138000"), ("李四", "13900139000")):
        services.ops.run(lambda ctx, n=name, m=mobile: create_patient(
            ctx, PatientInput(name=n, mobile=m)))
    window.show()
    opened = window.open_page("audit")
    assert isinstance(opened, AuditPage)
    return opened


def test_entries_read_as_words_with_the_patient_and_local_time(page: AuditPage) -> None:
    created = [r for r in rows(page) if r["操作"] == "新建患者"]
    assert [r["患者"] for r in created] == ["李四（P000002）", "张三（P000001）"]
    assert all(r["时间"] == "2026-11-24 10:00" for r in created)  # 02:00 in UTC
    assert all(r["用户"] == "王院长" for r in created)
    assert not any("patient " in r["对象"] for r in rows(page))
    assert page.status.text() == f"共 {len(rows(page))} 条记录。"


def test_filters_by_period_person_patient_and_action(
        page: AuditPage, services: AppServices, fixed_clock: FixedClock) -> None:
    fixed_clock.advance(timedelta(days=2))
    services.ops.run(lambda ctx: chairs.add_chair(ctx, name="3号椅位"))
    assert rows(page)[0]["操作"] == "新增椅位"  # reloaded on the change while shown
    page.period.setCurrentIndex(page.period.findData("today"))
    assert [r["操作"] for r in rows(page)] == ["新增椅位"]
    page.period.setCurrentIndex(page.period.findData("custom"))
    assert page.start.isVisible() and page.end.isVisible()
    page.period.setCurrentIndex(page.period.findData("all"))
    page.patient.setText("13900139000")
    page.refresh()  # the typing pause
    assert [r["患者"] for r in rows(page)] == ["李四（P000002）"]
    page.clear_filters()
    page.action.setCurrentIndex(page.action.findData("patient.create"))
    assert len(rows(page)) == 2
    page.person.setCurrentIndex(page.person.findData("system"))
    assert rows(page) == []
    page.clear_filters()
    page.person.setCurrentIndex(page.person.findData("system"))
    assert {r["操作"] for r in rows(page)} == {"建立诊所", "新增员工"}


def test_the_page_reads_only_while_shown(qtbot: QtBot, services: AppServices) -> None:
    page = AuditPage(services)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0  # built, not shown: nothing read
    services.ops.run(lambda ctx: chairs.add_chair(ctx, name="3号椅位"))
    assert page.model.rowCount() == 0
    page.show()
    assert page.model.records[0].action == "chair.add"


def test_export_runs_on_the_worker_and_is_audited(
        page: AuditPage, services: AppServices, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "审计"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.patient.setText("张三")
    page.export()
    sheet = load_workbook(target.with_suffix(".xlsx")).worksheets[0]
    exported = list(sheet.iter_rows(values_only=True))
    assert exported[1][3] == "新建患者" and exported[1][4] == "张三（P000001）"
    assert len(exported) == 2 and page.status.text() == "已导出 1 条记录：审计.xlsx"
    assert page.progress.isHidden() and page.export_button.isEnabled()
    assert list_entries(services.ctx, limit=1)[0].action == "export.audit"
    page.clear_filters()
    assert rows(page)[0]["操作"] == "导出审计日志"


def test_the_chain_check_stays(page: AuditPage) -> None:
    page.verify_button.click()
    assert page.result.text().startswith("✔ 哈希链完整")
