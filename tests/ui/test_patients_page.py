"""The patient page: search as you type, the form, merge and undo, attachments, roles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from clinic_desktop.permissions import Role
from clinic_desktop.services import billing, family, profile
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from clinic_desktop.services.staff import add_staff
from ui.app_services import AppServices
from ui.dialogs.patient_actions import FamilyLinkDialog, MergeDialog
from ui.dialogs.patient_form import PatientFormDialog
from ui.main_window import MainWindow
from ui.pages.patients_page import PatientsPage
from ui.tasks import TaskManager


def add(services: AppServices, name: str, **kw: object) -> int:
    return create_patient(services.ctx, PatientInput(name=name, **kw)).patient.id  # type: ignore[arg-type]


@pytest.fixture
def page(qtbot: QtBot, window: MainWindow, services: AppServices) -> PatientsPage:
    add(services, "张三", mobile="13800138000")
    add(services, "张三丰", mobile="13912345678")
    add(services, "李四", mobile="13700001111")
    result = window.open_page("patients")
    assert isinstance(result, PatientsPage)
    return result


def names(page: PatientsPage) -> list[str]:
    return [page.model.records[r].name for r in range(page.model.rowCount())]


def highlighted(page: PatientsPage) -> str | None:
    index = page.results.currentIndex()
    return page.model.records[index.row()].name if index.isValid() else None


def test_results_update_as_you_type(qtbot: QtBot, page: PatientsPage) -> None:
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    qtbot.keyClicks(page.search, "zs")
    qtbot.waitUntil(lambda: names(page) == ["张三", "张三丰"])
    # The best match is highlighted, not opened: typing is not opening a record.
    assert highlighted(page) == "张三" and page.panel.panel is None
    qtbot.keyClicks(page.search, "f")
    qtbot.waitUntil(lambda: names(page) == ["张三丰"])
    page.search.setText("P000002")  # an exact code outranks a name match
    qtbot.waitUntil(lambda: names(page)[:1] == ["张三丰"])
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter opens the highlighted one
    assert page.panel.panel is not None and page.panel.panel.header.patient.name == "张三丰"
    page.search.clear()
    qtbot.keyClicks(page.search, "1111")
    qtbot.waitUntil(lambda: names(page) == ["李四"])


def test_search_runs_on_a_worker_thread(qtbot: QtBot, window: MainWindow,
                                        services: AppServices) -> None:
    add(services, "王五", mobile="13655556666")
    services.tasks = TaskManager()  # the real background worker, not the inline stub
    page = window.open_page("patients")
    assert isinstance(page, PatientsPage)
    page.search.setText("王五")
    qtbot.waitUntil(lambda: names(page) == ["王五"], timeout=5000)


def test_form_names_the_bad_field_and_keeps_what_was_typed(
    qtbot: QtBot, services: AppServices, messages: list
) -> None:
    dialog = PatientFormDialog(services)
    qtbot.addWidget(dialog)
    dialog.name.setText("赵六")
    dialog.mobile.setText("1380013800")
    dialog.address.setText("北京市朝阳区")
    dialog.submit()
    assert dialog.errors.marked is dialog.mobile and "11 位" in dialog.errors.text
    assert (dialog.name.text(), dialog.address.text()) == ("赵六", "北京市朝阳区")
    dialog.mobile.setText("13811112222")
    dialog.email.setText("zhaoliu@qq")
    dialog.submit()
    assert dialog.errors.marked is dialog.email and "qq.com" in dialog.errors.text
    dialog.email.setText("ZhaoLiu＠QQ.com")
    dialog.birth_date.setDate(QDate(1985, 6, 1))
    dialog.submit()
    assert dialog.saved is not None and dialog.saved.patient.birth_date == date(1985, 6, 1)
    assert dialog.saved.patient.email == "ZhaoLiu@qq.com"


def test_form_offers_the_existing_patient(
    qtbot: QtBot, page: PatientsPage, services: AppServices, messages: list
) -> None:
    dialog = PatientFormDialog(services)
    qtbot.addWidget(dialog)
    dialog.name.setText("张老三")
    dialog.mobile.setText("138 0013 8000")
    dialog.submit()
    assert messages[-1][0] == "question" and "张三（P000001）" in messages[-1][1]
    assert dialog.open_existing_id == 1


def test_merge_and_undo_from_the_panel(
    qtbot: QtBot, page: PatientsPage, services: AppServices, messages: list
) -> None:
    dup = add(services, "张三", birth_date=date(1990, 1, 1), address="上海")
    billing.add_entry(services.ctx, dup, kind="charge", amount=Decimal("300"))
    page.open_patient(1)
    dialog = MergeDialog(services, page.panel.panel.header.patient, page)  # type: ignore[union-attr]
    qtbot.addWidget(dialog)
    dialog.picker.query.setText("张三")
    assert dialog.picker.chosen() is not None
    for row in range(dialog.picker.results.count()):
        if dialog.picker.results.item(row).text().startswith("张三　P000004"):
            dialog.picker.results.setCurrentRow(row)
    dialog.submit()
    assert dialog.result_id is not None
    page._last_merge = dialog.result_id
    page.panel.reload()
    header = page.panel.panel.header  # type: ignore[union-attr]
    assert header.balance is not None and header.balance.owed == Decimal("300")
    assert header.patient.address == "上海"
    page.undo_merge()
    header = page.panel.panel.header  # type: ignore[union-attr]
    assert header.balance is not None and header.balance.owed == Decimal("0")
    assert header.patient.address is None


def test_attach_a_file_by_drop_handler(
    qtbot: QtBot, page: PatientsPage, tmp_path: Path
) -> None:
    page.open_patient(1)
    photo = tmp_path / "口内照.png"
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3A7BD5"))
    image.save(str(photo))
    page.panel.attach_files([photo])
    photo.unlink()  # the stored copy is independent of the original
    assert page.panel.attachment_list.count() == 1
    item = page.panel.attachment_list.item(0)
    assert item.text() == "口内照.png" and not item.icon().isNull()


def test_family_link_is_visible_from_both_panels(
    qtbot: QtBot, page: PatientsPage, services: AppServices
) -> None:
    page.open_patient(1)
    dialog = FamilyLinkDialog(services, 1, page)
    qtbot.addWidget(dialog)
    dialog.picker.query.setText("李四")
    dialog.relation.setCurrentIndex(dialog.relation.findData("spouse"))
    dialog.submit()
    assert [m.name for m in family.family_of(services.ctx, 3)] == ["张三"]
    page.panel.reload()
    assert page.panel.family_model.records[0].name == "李四"


def test_receptionist_panel_hides_clinical_tabs_but_shows_allergy(
    qtbot: QtBot, services: AppServices
) -> None:
    pid = add(services, "孙七", notes="哮喘发作时暂停治疗")
    profile.update_medical(services.ctx, pid, profile.MedicalInfo(("青霉素",), "", "哮喘", "",
                                                                  "", ""))
    add_staff(services.ctx, username="front.a", display_name="孙悦", role=Role.RECEPTIONIST,
              password="pass1234")
    actor = sign_in(services.ctx.db, username="front.a", password="pass1234",
                    clock=services.ctx.clock)
    reception = AppServices(services.ctx.as_actor(actor), TaskManager(synchronous=True),
                            services.clinic)
    window = MainWindow(reception)
    qtbot.addWidget(window)
    page = window.open_page("patients")
    assert isinstance(page, PatientsPage)
    page.open_patient(pid)
    titles = [page.panel.tabs.tabText(i) for i in range(page.panel.tabs.count())]
    assert "病史与过敏" not in titles and "治疗记录" not in titles and "附件" not in titles
    assert "账单" in titles and "回访" in titles
    assert page.panel.allergy.isVisibleTo(page) and "青霉素" in page.panel.allergy.text()
    assert not page.panel.buttons["merge"].isVisibleTo(page)
    assert page.panel.panel is not None and page.panel.panel.header.patient.notes == ""
    # The edit form shows no note, only a disabled placeholder; saving keeps the stored note.
    form = PatientFormDialog(reception, load_patient(reception.ctx, pid), window)
    qtbot.addWidget(form)
    assert not form.notes.isEnabled() and form.notes.toPlainText() == ""
    assert form.notes.placeholderText() == "无权查看"
    form.address.setText("人民路 8 号")
    form.submit()
    assert form.saved is not None and form.result() == PatientFormDialog.DialogCode.Accepted
    stored = load_patient(services.ctx, pid)
    assert (stored.address, stored.notes) == ("人民路 8 号", "哮喘发作时暂停治疗")
    doctor_form = PatientFormDialog(services, stored, window)
    qtbot.addWidget(doctor_form)
    assert doctor_form.notes.isEnabled() and not doctor_form.notes.isReadOnly()
    assert doctor_form.notes.toPlainText() == "哮喘发作时暂停治疗"


def test_switching_patients_leaves_no_stale_tag_chips(
    qtbot: QtBot, page: PatientsPage, services: AppServices
) -> None:
    from PySide6.QtWidgets import QLabel

    tags = profile.list_tags(services.ctx)
    for tag in tags[:3]:
        profile.set_tag(services.ctx, 1, tag.id, on=True)
    page.open_patient(1)
    page.open_patient(2)  # no event loop in between, as when clicking quickly
    visible = [c for c in page.panel.findChildren(QLabel, "tagChip") if c.isVisibleTo(page)]
    assert visible == []
    page.open_patient(1)
    visible = [c.text() for c in page.panel.findChildren(QLabel, "tagChip")
               if c.isVisibleTo(page)]
    assert visible == [t.name for t in tags[:3]]
