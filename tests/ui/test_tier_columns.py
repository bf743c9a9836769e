"""The membership tier on the front desk's screens: the 会员 column (name and swatch) in the
patient list, its home lists and the callback list; the calendar tooltip; and the callback
list's package-expiry tasks, first-class in the kind filter and the export."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QAbstractItemModel, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextDocument
from PySide6.QtWidgets import QFileDialog, QToolTip
from pytestqt.qtbot import QtBot

from clinic_desktop.context import Context
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import care, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.loyalty import jobs, packages
from clinic_desktop.services.loyalty.tiers import TierInfo, TierInput, override_tier, save_tier
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from tests.ui.test_callbacks_page import due_call  # noqa: F401 - shared fixture
from ui.app_services import AppServices
from ui.calendar.page import CalendarPage
from ui.main_window import MainWindow
from ui.pages.callbacks_page import KIND, PATIENT, TIER, CallbacksPage
from ui.pages.patients_page import PatientsPage

__all__ = ["due_call"]
SH = ZoneInfo("Asia/Shanghai")
GOLD = "#C9A227"
DECORATION = Qt.ItemDataRole.DecorationRole


def gold_tier(ctx: Context, *, name: str = "金卡", colour: str = GOLD) -> TierInfo:
    return save_tier(ctx, TierInput(name=name, rank=1, threshold_kind="manual",
                                    threshold=Decimal(0), discounts={}, colour=colour))


def column(model: QAbstractItemModel, title: str) -> int:
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return titles.index(title)


def tier_cells(model: QAbstractItemModel, name_column: int) -> dict[str, tuple[str, object]]:
    """Each row's patient name -> (the 会员 cell's text, its swatch colour)."""
    tier = column(model, "会员")
    cells = {}
    for row in range(model.rowCount()):
        name = str(model.index(row, name_column).data()).removeprefix("⚠ ")
        cells[name] = (model.index(row, tier).data(), model.index(row, tier).data(DECORATION))
    return cells


def test_the_patient_list_and_its_home_lists_show_the_tier_and_its_colour(
    qtbot: QtBot, window: MainWindow, services: AppServices,
) -> None:
    ctx = services.ctx
    member = create_patient(ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    create_patient(ctx, PatientInput(name="张三丰", mobile="13912345678"))
    gold = gold_tier(ctx)
    override_tier(ctx, member, tier_id=gold.id, reason="老客户")
    doctor = add_staff(ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    start = datetime.combine(date(2026, 11, 24), time(15), SH)
    appts.book(ctx, BookingRequest(member, doctor, start, start + timedelta(minutes=30)))
    page = window.open_page("patients")
    assert isinstance(page, PatientsPage)

    page.search.setText("张三")
    qtbot.waitUntil(lambda: len(page.model.records) == 2)
    found = tier_cells(page.proxy, 0)
    assert found["张三"] == ("金卡", QColor(GOLD)) and found["张三丰"] == ("", None)

    page.open_patient(member)
    page.search.clear()
    qtbot.waitUntil(lambda: page.lists.currentIndex() == 0)
    assert tier_cells(page.home.today_proxy, 1)["张三"] == ("金卡", QColor(GOLD))
    assert tier_cells(page.home.recent_proxy, 0)["张三"] == ("金卡", QColor(GOLD))

    # The manager recolours the tier: the lists' swatches follow the change, not a restart.
    services.ops.run(lambda c: save_tier(c, TierInput(
        name="金卡", rank=1, threshold_kind="manual", threshold=Decimal(0), discounts={},
        colour="#8E44AD"), tier_id=gold.id))
    assert tier_cells(page.home.recent_proxy, 0)["张三"] == ("金卡", QColor("#8E44AD"))


@pytest.fixture
def package_task(services: AppServices, due_call: int) -> int:  # noqa: F811
    """张三 (金卡) holds a package card that expires in 20 days: the nightly job raises its
    套餐到期 task beside the post-extraction call of ``due_call``."""
    ctx = services.ctx
    override_tier(ctx, due_call, tier_id=gold_tier(ctx).id, reason="老客户")
    cleaning = next(p.id for p in list_procedures(ctx) if p.name == "超声洁牙")
    card = packages.save_package_type(ctx, type_id=None, name="洁牙 3 次卡",
                                      price=Decimal(600), uses=3, valid_days=20,
                                      procedure_ids=[cleaning])
    packages.sell_package(ctx, due_call, package_type_id=card.id)
    assert jobs.run_nightly(ctx).expiry_warnings == 1
    care.raise_due(ctx)
    return due_call


def test_the_callback_list_shows_the_tier_and_filters_package_tasks(
    window: MainWindow, services: AppServices, package_task: int, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = window.open_page("callbacks")
    assert isinstance(page, CallbacksPage)
    page.reload()
    offered = [page.kind.itemData(i) for i in range(page.kind.count())]
    assert offered == [None, *care.KINDS]
    kinds = {page.proxy.index(r, KIND).data() for r in range(page.proxy.rowCount())}
    assert kinds == {"术后回访", "套餐到期"}
    for row in range(page.proxy.rowCount()):
        assert page.proxy.index(row, PATIENT).data() == "张三"
        assert page.proxy.index(row, TIER).data() == "金卡"
        assert page.proxy.index(row, TIER).data(DECORATION) == QColor(GOLD)

    page.kind.setCurrentIndex(page.kind.findData("package"))
    assert [i.kind for i in page.model.records] == ["package"]
    assert "洁牙 3 次卡" in page.model.records[0].reason
    page.kind.setCurrentIndex(page.kind.findData("followup_call"))
    assert [i.kind for i in page.model.records] == ["followup_call"]

    page.kind.setCurrentIndex(page.kind.findData("package"))
    target = tmp_path / "回访.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.export()
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    first = [c.value for c in sheet[2]]
    assert first[header.index("类型")] == "套餐到期" and first[header.index("会员等级")] == "金卡"
    assert sheet.max_row == 2


def rendered(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_the_calendar_tooltip_shows_the_tier_as_text(
    window: MainWindow, services: AppServices, monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx = services.ctx
    odd_name = "<b>金</b>&amp;卡"  # stored text that looks like HTML must show literally
    member = create_patient(ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    plain = create_patient(ctx, PatientInput(name="李四", mobile="13900139000")).patient.id
    override_tier(ctx, member, tier_id=gold_tier(ctx, name=odd_name).id, reason="老客户")
    doctor = add_staff(ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    day = date(2026, 11, 25)
    for patient, hour in ((member, 10), (plain, 11)):
        start = datetime.combine(day, time(hour), SH)
        appts.book(ctx, BookingRequest(patient, doctor, start, start + timedelta(minutes=30)))
    page = window.open_page("calendar")
    assert isinstance(page, CalendarPage)
    page.go(day)
    canvas = page.view.canvas
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    for patient in (member, plain):
        block = next(b for b in canvas._blocks if b.view.patient_id == patient)
        center: QPoint = block.rect.center().toPoint()
        canvas.event(QHelpEvent(QHelpEvent.Type.ToolTip, center, canvas.mapToGlobal(center)))
    with_tier, without = shown
    assert f"会员：■ {odd_name}" in rendered(with_tier).splitlines()
    assert GOLD in with_tier  # the swatch in the tier's colour
    assert "会员" not in rendered(without)
