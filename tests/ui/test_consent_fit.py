"""消息偏好 fits a 1280×650 screen in Chinese and English."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from clinic_desktop.services.consent import consent_of, record_consent
from clinic_desktop.services.patients import PatientInput, create_patient
from tests.ui.fit import assert_shown_and_fitting
from ui.app_services import AppServices
from ui.dialogs.consent_dialog import ConsentDialog


def test_the_consent_dialog_fits(language: str, qtbot: QtBot, services: AppServices) -> None:
    pid = create_patient(services.ctx, PatientInput(
        name="欧阳娜娜", sex="F", mobile="13800138000")).patient.id
    record_consent(services.ctx, pid, "sms", granted=False, how="reply", note="回复 TD 退订")
    assert_shown_and_fitting(qtbot, ConsentDialog(services, pid, consent_of(services.ctx, pid)),
                             language)
