"""Clinic lists (procedures, tags, custom fields, sources) and feedback from the panel."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from clinic_desktop.services import catalogue, engagement, patients, profile
from clinic_desktop.services.patients import PatientInput, create_patient
from ui.app_services import AppServices
from ui.dialogs.patient_actions import FeedbackDialog
from ui.dialogs.patient_form import PatientFormDialog
from ui.main_window import MainWindow
from ui.pages.lists_page import CustomFieldDialog, ListsPage, ProcedureDialog


def test_procedure_dialog_validates_and_saves(qtbot: QtBot, window: MainWindow,
                                              services: AppServices) -> None:
    page = window.open_page("lists")
    assert isinstance(page, ListsPage)
    before = page.procedures.rowCount()
    assert before >= 19  # dental and ophthalmology defaults ship with a new clinic
    dialog = ProcedureDialog(services, None, page)
    qtbot.addWidget(dialog)
    dialog.name.setText("儿童涂氟")
    dialog.price.setText("八十")
    dialog.submit()
    assert dialog.errors.marked is dialog.price and dialog.name.text() == "儿童涂氟"
    dialog.price.setText("80")
    dialog.category.setCurrentText("儿牙")
    dialog.submit()
    assert page.procedures.rowCount() == before + 1  # refreshed from the runner's changed
    assert any(p.name == "儿童涂氟" and p.price == 80
               for p in catalogue.list_procedures(services.ctx))


def test_custom_field_appears_in_the_form_and_is_saved(
    qtbot: QtBot, services: AppServices, messages: list
) -> None:
    dialog = CustomFieldDialog(services)
    qtbot.addWidget(dialog)
    dialog.name.setText("医保类型")
    dialog.kind.setCurrentIndex(dialog.kind.findData("choice"))
    dialog.choices.setText("职工，居民")
    dialog.submit()
    field = profile.list_custom_fields(services.ctx)[0]
    assert field.choices == ("职工", "居民")
    form = PatientFormDialog(services)
    qtbot.addWidget(form)
    form.name.setText("钱多多")
    combo = form.custom[field.id]
    combo.setCurrentIndex(combo.findData("居民"))  # type: ignore[union-attr]
    form.submit()
    assert form.saved is not None
    assert profile.custom_values_by_field(services.ctx, form.saved.patient.id) == {
        field.id: "居民"}


def test_sources_are_editable(services: AppServices) -> None:
    patients.set_sources(services.ctx, ["电话", "小红书", "电话", " "])
    assert patients.list_sources(services.ctx) == ["电话", "小红书"]


def test_feedback_dialog_records_and_resolves_a_complaint(
    qtbot: QtBot, services: AppServices
) -> None:
    pid = create_patient(services.ctx, PatientInput(name="周投诉")).patient.id
    dialog = FeedbackDialog(services, pid)
    qtbot.addWidget(dialog)
    dialog.satisfaction.setCurrentIndex(dialog.satisfaction.findData(2))
    dialog.complaint.setPlainText("候诊超过一小时")
    dialog.submit()
    [complaint] = engagement.feedback_of(services.ctx, pid)
    assert (complaint.satisfaction, complaint.status) == (2, "open")
    dialog = FeedbackDialog(services, pid)
    qtbot.addWidget(dialog)
    dialog.status.setCurrentIndex(dialog.status.findData("resolved"))
    dialog.submit()
    assert dialog.errors.marked is dialog.resolution  # resolved needs a resolution
    dialog.resolution.setText("致电致歉，赠送一次洁牙")
    dialog.submit()
    assert engagement.feedback_of(services.ctx, pid)[0].status == "resolved"


def test_procedures_are_listed_by_category_then_name(window: MainWindow,
                                                     services: AppServices) -> None:
    page = window.open_page("lists")
    assert isinstance(page, ListsPage)
    shown = [(page.procedure_view.model().index(r, 1).data(),
              page.procedure_view.model().index(r, 0).data())
             for r in range(page.procedure_view.model().rowCount())]
    ranks = [(catalogue.CATEGORIES.index(category), name) for category, name in shown]
    assert ranks == sorted(ranks) and shown[0][0] == "种植" and shown[-1][0] == "眼底"
    listed = [(p.category, p.name) for p in catalogue.list_procedures(services.ctx)]
    assert listed == shown  # the service gives the same order the page shows
