"""The patient page at the front desk: what a search shows before anything is typed, when a
record counts as opened, the 预约 button, overpayments, the one-operation save of the form,
and dialogs that fit a 1280×650 screen in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from clinic_desktop.changes import ChangeSet
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments, billing, engagement, profile, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.audit import AuditEntry
from clinic_desktop.storage.models.patient import Patient
from tests.conftest import FIXED_NOW
from ui.app_services import AppServices
from ui.dialogs.patient_actions import (
    ContactDialog,
    FamilyLinkDialog,
    FeedbackDialog,
    LedgerDialog,
    MedicalDialog,
    MergeDialog,
    TagsDialog,
)
from ui.dialogs.patient_form import PatientFormDialog
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.pages.patients_page import PatientsPage


def add(services: AppServices, name: str, **kw: object) -> int:
    return create_patient(services.ctx, PatientInput(name=name, **kw)).patient.id  # type: ignore[arg-type]


def opens(services: AppServices) -> list[str | None]:
    """The audit log's ``patient.open`` entries, oldest first: the ids opened."""
    with services.ctx.db.session() as session:
        return list(session.execute(select(AuditEntry.entity_id).where(
            AuditEntry.action == "patient.open").order_by(AuditEntry.id)).scalars())


def names(page: PatientsPage) -> list[str]:
    return [h.name for h in page.model.records]


def click(qtbot: QtBot, view: QTableView, row: int, *, double: bool = False) -> None:
    rect = view.visualRect(view.model().index(row, 1))
    if double:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    else:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow, services: AppServices) -> PatientsPage:
    add(services, "张三", mobile="13800138000")
    add(services, "张三丰", mobile="13912345678")
    add(services, "李四", mobile="13700001111")
    window.resize(1280, 650)
    window.show()
    qtbot.waitExposed(window)
    result = window.open_page("patients")
    assert isinstance(result, PatientsPage)
    return result


@pytest.fixture
def doctor(services: AppServices) -> int:
    staff_id = add_staff(services.ctx, username="dr.wang", display_name="王医生",
                         role=Role.DOCTOR, password="pass1234", is_doctor=True).id
    schedule.set_working_hours(services.ctx, staff_id, schedule.default_hours())
    return staff_id


def book(services: AppServices, patient_id: int, doctor: int, hours: float) -> int:
    start = FIXED_NOW + timedelta(hours=hours)  # FIXED_NOW is 10:00 in Shanghai
    return appointments.book(services.ctx, BookingRequest(
        patient_id, doctor, start, start + timedelta(minutes=30)), override_reason="测试")


# -- 4: a record is logged as opened when a person opens it, once per opening ----------------
def test_typing_opens_nothing_and_each_deliberate_opening_is_logged_once(
    qtbot: QtBot, page: PatientsPage, services: AppServices
) -> None:
    qtbot.keyClicks(page.search, "zs")
    qtbot.waitUntil(lambda: names(page) == ["张三", "张三丰"])
    qtbot.keyClicks(page.search, "f")
    qtbot.waitUntil(lambda: names(page) == ["张三丰"])
    qtbot.keyClick(page.search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: names(page) == ["张三", "张三丰"])
    qtbot.keyClick(page.search, Qt.Key.Key_Down)  # into the list: still nothing opened
    qtbot.keyClick(page.results, Qt.Key.Key_Down)
    assert opens(services) == [] and page.panel.panel is None

    click(qtbot, page.results, 0)  # a click opens
    assert opens(services) == ["1"] and page.panel.patient_id == 1
    click(qtbot, page.results, 0, double=True)  # a double-click on the open one: same opening
    assert opens(services) == ["1"]

    # A change to the open record redraws the panel, without logging another opening.
    services.ops.run(lambda ctx: billing.add_entry(ctx, 1, kind="charge",
                                                   amount=Decimal("80")))
    assert "¥80.00" in page.panel.money.text()
    assert opens(services) == ["1"]

    page.results.setFocus()
    page.results.setCurrentIndex(page.proxy.index(1, 0))
    qtbot.keyClick(page.results, Qt.Key.Key_Return)  # Enter on a row opens it
    assert opens(services) == ["1", "2"]
    services.request_patient(3)  # from another page (the window handles the request)
    assert opens(services) == ["1", "2", "3"] and page.panel.patient_id == 3


# -- 3: with nothing typed, today's patients and the recently opened -------------------------
def test_empty_search_lists_todays_patients_and_the_recently_opened(
    qtbot: QtBot, page: PatientsPage, services: AppServices, doctor: int
) -> None:
    book(services, 3, doctor, 4)  # 李四 at 14:00
    book(services, 1, doctor, -1)  # 张三 at 09:00
    cancelled = book(services, 2, doctor, 1)
    appointments.change_status(services.ctx, cancelled, version=1, status="cancelled",
                               reason="改天")
    for model in (page.home.today_model, page.home.recent_model):
        QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    page.search.setText("李")
    qtbot.waitUntil(lambda: names(page) == ["李四"])
    page.search.clear()
    qtbot.waitUntil(lambda: page.lists.currentIndex() == 0)
    assert page.home.today_title.text() == "今天的患者（2）" and page.home.today.isVisibleTo(page)
    assert [t.patient.name for t in page.home.today_model.records] == ["张三", "李四"]
    assert page.home.today.model().index(0, 0).data() == "09:00"
    assert page.home.recent_empty.isVisibleTo(page) and not page.home.recent.isVisibleTo(page)

    click(qtbot, page.home.today, 1)  # 李四, from today's list
    services.request_patient(2)
    click(qtbot, page.home.today, 0)  # 张三
    assert [r.patient.name for r in page.home.recent_model.records] == ["张三", "张三丰", "李四"]
    assert page.home.recent.isVisibleTo(page) and page.home.recent_title.text() == "最近打开"
    page.home.today.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # sortable, by the time
    assert [t.patient.name for t in page.home.today_model.records] == ["李四", "张三"]


def test_sections_sort_by_their_columns(qtbot: QtBot, page: PatientsPage,
                                        services: AppServices) -> None:
    for pid in (2, 3, 1):
        page.open_patient(pid)
    assert [r.patient.id for r in page.home.recent_model.records] == [1, 3, 2]
    page.home.recent.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # 病历号
    assert [r.patient.id for r in page.home.recent_model.records] == [1, 2, 3]
    page.home.recent.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert [r.patient.id for r in page.home.recent_model.records] == [3, 2, 1]


# -- 2: book from the panel ------------------------------------------------------------------
def test_the_panel_books_for_its_patient_through_the_window(
    qtbot: QtBot, services: AppServices
) -> None:
    pid = add(services, "预约者")
    page = PatientsPage(services)  # no window: the request is only heard here
    qtbot.addWidget(page)
    page.open_patient(pid)
    button = page.panel.buttons["book"]
    assert button.text() == "预约" and button.isVisibleTo(page)
    with qtbot.waitSignal(services.booking_requested) as request:
        button.click()
    assert request.args == [pid]


# -- 6: a payment beyond what is owed --------------------------------------------------------
def answer(monkeypatch: pytest.MonkeyPatch, button: str | None, asked: list[str]) -> None:
    """The overpayment question answered by pressing ``button`` (None: cancelled)."""
    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        if button is None:
            box.reject()
        else:
            found = box.findChild(QPushButton, button)
            assert found is not None
            found.click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", exec_)


def test_an_overpayment_asks_credit_or_stored_value_and_the_panel_shows_it(
    qtbot: QtBot, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = add(services, "多付者")
    page = PatientsPage(services)
    qtbot.addWidget(page)
    page.open_patient(pid)

    def pay(amount: str) -> LedgerDialog:
        dialog = LedgerDialog(services, pid, page)
        qtbot.addWidget(dialog)
        dialog.amount.setText(amount)
        dialog.method.setCurrentIndex(dialog.method.findData("cash"))
        dialog.submit()
        return dialog

    asked: list[str] = []
    answer(monkeypatch, None, asked)
    cancelled = pay("300")
    assert asked and "¥300.00" in asked[0] and "¥0.00" in asked[0]
    assert cancelled.errors.marked is cancelled.amount and "预存" in cancelled.errors.text
    assert cancelled.amount.text() == "300" and cancelled.result() == 0
    assert billing.ledger_of(services.ctx, pid) == []

    answer(monkeypatch, "excessCredit", asked)
    assert pay("300").result() == LedgerDialog.DialogCode.Accepted
    balance = billing.get_balance(services.ctx, pid)
    assert (balance.owed, balance.credit, balance.stored_value) == (0, Decimal("300.00"), 0)
    money = page.panel.money.text()
    assert "预存" in money and "¥300.00" in money and "欠费" in money

    billing.add_entry(services.ctx, pid, kind="charge", amount=Decimal("500"))  # 200 owed
    answer(monkeypatch, "excessStoredValue", asked)
    before = len(asked)
    assert pay("350").result() == LedgerDialog.DialogCode.Accepted
    assert len(asked) == before + 1 and "¥150.00" in asked[-1]
    balance = billing.get_balance(services.ctx, pid)
    assert (balance.owed, balance.credit, balance.stored_value) == (0, 0, Decimal("150.00"))
    money = page.panel.money.text()
    assert "预存" not in money and "¥150.00" in money
    # Paying exactly what is owed asks nothing.
    billing.add_entry(services.ctx, pid, kind="charge", amount=Decimal("99"))
    before = len(asked)
    assert pay("99").result() == LedgerDialog.DialogCode.Accepted and len(asked) == before


# -- 1: the form saves the patient and the custom values as one operation --------------------
def test_a_refused_custom_value_creates_nothing_and_keeps_what_was_typed(
    qtbot: QtBot, services: AppServices, messages: list[tuple[str, str]]
) -> None:
    field = profile.define_custom_field(services.ctx, name="会员卡号", kind="number")
    heard: list[ChangeSet] = []
    services.changed.connect(lambda changes, _initiator: heard.append(changes))

    def patients() -> int:
        with services.ctx.db.session() as session:
            return int(session.execute(select(func.count(Patient.id))).scalar_one())

    before = patients()
    dialog = PatientFormDialog(services)
    qtbot.addWidget(dialog)
    dialog.name.setText("赵六")
    dialog.mobile.setText("13811112222")
    card = dialog.custom[field.id]
    card.setText("A-12")  # type: ignore[union-attr]
    dialog.submit()
    assert dialog.errors.marked is card and "会员卡号" in dialog.errors.text
    assert (dialog.name.text(), dialog.mobile.text()) == ("赵六", "13811112222")
    assert patients() == before and dialog.saved is None
    card.setText("1024")  # type: ignore[union-attr]
    dialog.submit()
    assert dialog.saved is not None and dialog.result() == PatientFormDialog.DialogCode.Accepted
    pid = dialog.saved.patient.id
    assert profile.custom_values_by_field(services.ctx, pid) == {field.id: "1024"}
    assert [c.patients for c in heard] == [frozenset({pid})]  # one operation, one change set


# -- 5: billing columns wide enough for their dates ------------------------------------------
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_billing_columns_show_whole_dates(qtbot: QtBot, services: AppServices,
                                          language: str) -> None:
    install_language(QApplication.instance(), language)  # type: ignore[arg-type]
    pid = add(services, "账单")
    billing.add_entry(services.ctx, pid, kind="charge", amount=Decimal("12800"),
                      note="种植牙（含基台与牙冠）")
    billing.add_entry(services.ctx, pid, kind="payment", amount=Decimal("2000"),
                      method="微信支付")
    page = PatientsPage(services)
    qtbot.addWidget(page)
    page.resize(1100, 650)
    page.show()
    qtbot.waitExposed(page)
    page.open_patient(pid)
    dialog = LedgerDialog(services, pid, page)
    qtbot.addWidget(dialog)
    billing_tab = page.panel.tab_pages["billing"]
    in_dialog = dialog.findChild(QTableView)  # the dialog lists the recent entries too
    assert isinstance(billing_tab, QTableView) and isinstance(in_dialog, QTableView)
    for view in (billing_tab, in_dialog):
        metrics = view.fontMetrics()
        for column in range(4):  # time, kind, method, amount
            texts = [view.model().index(row, column).data()
                     for row in range(view.model().rowCount())]
            widest = max(metrics.horizontalAdvance(str(t)) for t in texts)
            assert view.columnWidth(column) >= widest, (column, texts)
        assert view.model().index(0, 0).data() == "2026-11-24 10:00"


# -- 7: every dialog fits a 1280×650 screen, in Chinese and in English -----------------------
@pytest.fixture
def busy_patient(services: AppServices) -> Iterator[int]:
    for n in range(12):  # a clinic with many custom fields
        profile.define_custom_field(services.ctx, name=f"自定义字段 {n + 1}",
                                    kind="choice" if n % 3 == 0 else "text",
                                    choices=("是的", "不是") if n % 3 == 0 else ())
    pid = add(services, "欧阳娜娜", mobile="13600001111")
    add(services, "欧阳明", mobile="13600002222")
    for n in range(12):
        billing.add_entry(services.ctx, pid, kind="charge", amount=Decimal(100 + n),
                          note=f"第 {n + 1} 次复诊：根管治疗与临时充填")
    for n in range(3):
        engagement.add_feedback(services.ctx, pid, satisfaction=2,
                                complaint=f"候诊时间太长，第 {n + 1} 次投诉")
    yield pid


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_dialog_fits_a_small_screen(qtbot: QtBot, services: AppServices,
                                          busy_patient: int, language: str) -> None:
    install_language(QApplication.instance(), language)  # type: ignore[arg-type]
    pid = busy_patient
    record = load_patient(services.ctx, pid)
    merge = MergeDialog(services, record)
    merge.picker.query.setText("欧阳")
    dialogs: list[QWidget] = [
        PatientFormDialog(services), PatientFormDialog(services, record),
        LedgerDialog(services, pid), ContactDialog(services, pid),
        FeedbackDialog(services, pid), TagsDialog(services, pid, set()),
        FamilyLinkDialog(services, pid), merge,
        MedicalDialog(services, pid, profile.MedicalInfo((), "", "", "", "", "")),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        # The size it asks for (what a large screen gives it), and at least its minimum:
        # under 650 with room for a title bar.
        wanted = dialog.sizeHint().expandedTo(dialog.minimumSizeHint()).expandedTo(
            dialog.minimumSize())
        assert wanted.width() <= 1280 and wanted.height() <= 620, (type(dialog).__name__,
                                                                   wanted)
        dialog.close()
    # The form's many fields scroll inside it; its buttons stay in sight.
    form = dialogs[0]
    assert isinstance(form, PatientFormDialog)
    assert form.fields_area.verticalScrollBar().maximum() > 0

