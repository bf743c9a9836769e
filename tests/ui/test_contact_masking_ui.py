"""A receptionist sees patients' numbers masked in the lists and the panel; one click shows a
patient's in full (audited), for that patient only; the edit form keeps what it did not show."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from clinic_desktop.context import Actor
from clinic_desktop.permissions import Role
from clinic_desktop.services import care
from clinic_desktop.services.audit import recent_entries
from clinic_desktop.services.billing import TreatmentLine, record_visit
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from clinic_desktop.services.staff import add_staff
from tests.ui.shown import label_text
from ui.app_services import AppServices
from ui.dialogs.patient_form import PatientFormDialog
from ui.main_window import MainWindow
from ui.pages.callbacks_page import PHONE, CallbacksPage
from ui.pages.patients_page import PatientsPage
from ui.tasks import TaskManager
from ui.widgets import contact_reveal

MOBILE, OTHER = "13812345678", "13911112222"


@pytest.fixture
def reception(services: AppServices) -> AppServices:
    """The desk, signed in, beside the administrator's ``services`` (same clinic)."""
    info = add_staff(services.ctx, username="front.a", display_name="孙悦",
                     role=Role.RECEPTIONIST, password="Desk-Masking-2026")
    actor = Actor(info.id, info.username, info.display_name, Role.RECEPTIONIST)
    return AppServices(services.ctx.as_actor(actor), TaskManager(synchronous=True),
                       services.clinic)


@pytest.fixture
def patients(services: AppServices) -> tuple[int, int]:
    """张三 (an extraction yesterday: his 24-hour call is due) and 张三丰."""
    ctx = services.ctx
    first = create_patient(ctx, PatientInput(
        name="张三", mobile=MOBILE, emergency_contact="李四", emergency_phone="13700001111",
        id_number="11010519491231002X")).patient.id
    second = create_patient(ctx, PatientInput(name="张三丰", mobile=OTHER)).patient.id
    extraction = next(p.id for p in list_procedures(ctx) if p.name == "普通拔牙")
    record_visit(ctx, first, visit_date=ctx.now().date() - timedelta(days=1), doctor_id=None,
                 lines=[TreatmentLine(extraction, Decimal("300"))],
                 treated_at=ctx.now() - timedelta(days=1))
    care.raise_due(ctx)
    return first, second


def _reveals(services: AppServices) -> list[str]:
    return [e.entity_id or "" for e in recent_entries(services.ctx, limit=50)
            if e.action == "contact.reveal"]


def test_patient_list_and_panel_mask_until_one_click_reveals_that_patient(
    qtbot: QtBot, services: AppServices, reception: AppServices, patients: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = patients
    window = MainWindow(reception)
    qtbot.addWidget(window)
    page = window.open_page("patients")
    assert isinstance(page, PatientsPage)
    page.search.setText("张三")
    page.run_search()
    shown = {page.proxy.index(r, 0).data(): page.proxy.index(r, 3).data()
             for r in range(page.proxy.rowCount())}
    assert shown == {"张三": "138****5678", "张三丰": "139****2222"}
    assert "右键" in page.proxy.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    # The whole number typed finds him; the list still shows it masked.
    page.search.setText(MOBILE)
    page.run_search()
    assert [page.proxy.index(r, 3).data() for r in range(page.proxy.rowCount())] \
        == ["138****5678"]

    page.open_patient(first)
    panel = page.panel
    assert "138****5678" in label_text(panel.facts) and "137****1111" in label_text(panel.facts)
    assert MOBILE not in label_text(panel.facts) and "显示号码" in label_text(panel.facts)
    assert _reveals(services) == []
    panel.facts.linkActivated.emit("reveal")  # the click on 显示号码
    assert MOBILE in label_text(panel.facts) and "13700001111" in label_text(panel.facts)
    assert "显示号码" not in label_text(panel.facts)
    assert _reveals(services) == [str(first)]

    # The list follows for him, and only for him; the other is shown on its row's menu item.
    page.search.setText("张三")
    page.run_search()
    rows = {page.proxy.index(r, 0).data(): r for r in range(page.proxy.rowCount())}
    assert page.proxy.index(rows["张三"], 3).data() == MOBILE
    other = page.proxy.index(rows["张三丰"], 3)
    assert other.data() == "139****2222"
    chosen: list[str] = []

    class Menu:
        """The row's context menu, its first item picked (QMenu.exec would wait for a click)."""

        def __init__(self, _parent: object) -> None:
            self.items: list[QAction] = []

        def addAction(self, text: str) -> QAction:  # noqa: N802 - QMenu's name
            self.items.append(QAction(text))
            return self.items[-1]

        def exec(self, _where: QPoint) -> None:
            chosen.append(self.items[0].text())
            self.items[0].trigger()

        def deleteLater(self) -> None:  # noqa: N802 - QMenu's name
            chosen.append("deleted")

    monkeypatch.setattr(contact_reveal, "QMenu", Menu)
    page.results.customContextMenuRequested.emit(page.results.visualRect(other).center())
    assert chosen == ["显示完整号码", "deleted"]
    assert page.proxy.index(rows["张三丰"], 3).data() == OTHER
    assert _reveals(services) == [str(second), str(first)]
    # The administrator sees every number in full and is offered no reveal.
    admin = MainWindow(services)
    qtbot.addWidget(admin)
    admin_page = admin.open_page("patients")
    assert isinstance(admin_page, PatientsPage)
    admin_page.open_patient(first)
    assert MOBILE in label_text(admin_page.panel.facts)
    assert "显示号码" not in label_text(admin_page.panel.facts)


def test_callback_list_masks_and_a_double_click_on_the_number_reveals_it(
    qtbot: QtBot, services: AppServices, reception: AppServices, patients: tuple[int, int],
) -> None:
    first, _second = patients
    window = MainWindow(reception)
    qtbot.addWidget(window)
    page = window.open_page("callbacks")
    assert isinstance(page, CallbacksPage)
    page.reload()
    assert [i.patient for i in page.model.records] == ["张三"]
    cell = page.proxy.index(0, PHONE)
    assert cell.data() == "138****5678"
    assert "双击" in cell.data(Qt.ItemDataRole.ToolTipRole)
    page.view.doubleClicked.emit(page.proxy.index(0, PHONE - 1))  # not the number: nothing
    assert _reveals(services) == []
    page.view.doubleClicked.emit(cell)
    assert page.proxy.index(0, PHONE).data() == MOBILE
    assert not page.proxy.index(0, PHONE).data(Qt.ItemDataRole.ToolTipRole)
    assert _reveals(services) == [str(first)]
    page.view.doubleClicked.emit(cell)  # already shown: no second entry
    assert _reveals(services) == [str(first)]


def test_receptionist_form_shows_masked_numbers_and_saving_keeps_the_stored_ones(
    qtbot: QtBot, services: AppServices, reception: AppServices, patients: tuple[int, int],
) -> None:
    first, _second = patients
    form = PatientFormDialog(reception, load_patient(reception.ctx, first))
    qtbot.addWidget(form)
    assert form.mobile.text() == "138****5678"
    assert form.id_number.text() == "1101**********002X"
    assert "保留原号码" in form.mobile.toolTip()
    form.address.setText("人民路 8 号")
    form.submit()
    assert form.saved is not None
    stored = load_patient(services.ctx, first)
    assert (stored.mobile, stored.id_number, stored.emergency_phone, stored.address) == (
        MOBILE, "11010519491231002X", "13700001111", "人民路 8 号")
    admin_form = PatientFormDialog(services, stored)
    qtbot.addWidget(admin_form)
    assert admin_form.mobile.text() == MOBILE and not admin_form.mobile.toolTip()
