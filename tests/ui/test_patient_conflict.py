"""Two desks edit the same patient: the second to save is told who changed what, and takes
the stored record with her own changes kept on top (or drops them) — nothing silently lost."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from clinic_desktop.services.patients import (
    PatientInput,
    create_patient,
    load_patient,
    update_patient,
)
from ui.app_services import AppServices
from ui.dialogs.patient_form import PatientFormDialog


@pytest.mark.parametrize("choice", ["keep", "drop"])
def test_the_other_desks_change_is_shown_and_mine_kept_or_dropped(
        qtbot: QtBot, services: AppServices, choice: str) -> None:
    ctx = services.ctx
    saved = create_patient(ctx, PatientInput(name="张三", mobile="13800138000",
                                             address="北京市朝阳区")).patient
    dialog = PatientFormDialog(services, load_patient(ctx, saved.id))
    qtbot.addWidget(dialog)
    # Meanwhile, at the other desk: a new mobile and a new address.
    update_patient(ctx, saved.id, replace(saved.as_input(), mobile="13900139000",
                                          address="上海市浦东新区"), version=saved.version)
    dialog.occupation.setText("教师")
    dialog.address.setText("北京市海淀区")
    asked: list[str] = []

    def ask(text: str) -> str:
        asked.append(text)
        return choice

    dialog.ask_reload = ask  # type: ignore[method-assign]
    dialog.submit()
    [text] = asked
    assert "手机：13800138000 → 13900139000" in text
    assert "地址：北京市朝阳区 → 上海市浦东新区" in text
    assert "您也改了其中的 地址" in text
    assert dialog.mobile.text() == "13900139000"  # theirs, in both cases
    if choice == "keep":
        assert (dialog.occupation.text(), dialog.address.text()) == ("教师", "北京市海淀区")
    else:
        assert (dialog.occupation.text(), dialog.address.text()) == ("", "上海市浦东新区")
    dialog.submit()  # saved on top of theirs now
    assert dialog.saved is not None
    stored = load_patient(ctx, saved.id)
    assert stored.mobile == "13900139000"
    assert stored.address == ("北京市海淀区" if choice == "keep" else "上海市浦东新区")
