"""Consent at the desk: the form's ticks, the panel's line and its 消息偏好 dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_desktop.services.consent import consent_of, record_consent
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from tests.ui.shown import label_text
from ui.app_services import AppServices
from ui.dialogs.consent_dialog import ConsentDialog
from ui.dialogs.patient_form import PatientFormDialog
from ui.widgets.patient_panel import PatientPanelWidget


def _patient(services: AppServices) -> int:
    return create_patient(services.ctx, PatientInput(
        name="蔡文", sex="F", mobile="13912345678")).patient.id


def test_the_form_records_what_was_ticked_and_what_was_unticked(
        qtbot: QtBot, services: AppServices) -> None:
    dialog = PatientFormDialog(services)
    qtbot.addWidget(dialog)
    dialog.name.setText("蔡文")
    dialog.mobile.setText("13912345678")
    dialog.consent_ticks["wechat"].setChecked(True)
    dialog.consent_ticks["sms"].setChecked(True)
    dialog.submit()
    assert dialog.saved is not None
    pid = dialog.saved.patient.id
    said = consent_of(services.ctx, pid)
    assert (said.state("wechat"), said.state("sms"), said.state("email")) == (True, True, None)
    assert said.channels["sms"].how == "form"
    # editing: the ticks show what stands; unticking SMS records a refusal
    edit = PatientFormDialog(services, load_patient(services.ctx, pid))
    qtbot.addWidget(edit)
    assert edit.consent_ticks["sms"].isChecked() and not edit.consent_ticks["email"].isChecked()
    edit.consent_ticks["sms"].setChecked(False)
    edit.submit()
    said = consent_of(services.ctx, pid)
    assert said.state("sms") is False and said.state("wechat") is True
    assert said.state("email") is None  # never mentioned, left unticked: still unsaid


def test_the_panel_says_it_and_its_link_opens_the_dialog(
        qtbot: QtBot, services: AppServices) -> None:
    pid = _patient(services)
    panel = PatientPanelWidget(services)
    qtbot.addWidget(panel)
    panel.show_patient(pid)
    assert "消息：未登记" in label_text(panel.facts) and "href='consent'" in panel.facts.text()
    record_consent(services.ctx, pid, "wechat", granted=True, how="form")
    record_consent(services.ctx, pid, "sms", granted=False, how="reply")
    panel.reload()
    assert "消息：同意微信，拒收短信" in label_text(panel.facts)
    asked: list[str] = []
    panel.action_requested.connect(asked.append)
    panel.facts.linkActivated.emit("consent")
    assert asked == ["consent"]
    record_consent(services.ctx, pid, "all", granted=False, how="phone")
    panel.reload()
    assert "消息：已拒收全部" in label_text(panel.facts)


def test_the_dialog_shows_each_channel_and_records_a_statement(
        qtbot: QtBot, services: AppServices) -> None:
    pid = _patient(services)
    record_consent(services.ctx, pid, "wechat", granted=True, how="form", note="登记表勾选")
    dialog = ConsentDialog(services, pid, consent_of(services.ctx, pid))
    qtbot.addWidget(dialog)
    rows = {dialog.model.index(r, 0).data(): dialog.model.index(r, 1).data()
            for r in range(dialog.model.rowCount())}
    assert rows == {"短信": "未登记", "邮件": "未登记", "微信": "同意", "全部消息": "未拒收"}
    dialog.channel.setCurrentIndex(dialog.channel.findData("sms"))
    dialog.refuse.setChecked(True)
    dialog.how.setCurrentIndex(dialog.how.findData("reply"))
    dialog.note.setText("回复 TD")
    dialog.submit()
    QApplication.processEvents()
    said = consent_of(services.ctx, pid)
    assert said.state("sms") is False and said.channels["sms"].note == "回复 TD"
    assert dialog.result() == dialog.DialogCode.Accepted

