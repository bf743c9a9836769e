"""Another workstation (or an import) holding the write lock past the timeout: the person at
the desk reads a sentence and keeps what they typed; never the crash dialog."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from clinic_desktop.storage import engine as engine_module
from clinic_desktop.storage.database import open_database
from tests.conftest import FIXED_NOW
from ui.app_services import AppServices
from ui.dialogs.patient_form import PatientFormDialog
from ui.errors import show_error


def test_a_locked_database_is_a_sentence_beside_the_form(
    qtbot: QtBot, services: AppServices, messages: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 100)
    services.ctx.db.engine.dispose()  # new connections take the short timeout
    data_dir = services.ctx.db.data_dir
    assert data_dir is not None
    other = open_database(data_dir, now=FIXED_NOW)
    crashes: list[str] = []
    monkeypatch.setattr("ui.errors.report_crash", lambda *a, **k: crashes.append("crash"))
    try:
        dialog = PatientFormDialog(services)
        qtbot.addWidget(dialog)
        dialog.name.setText("赵六")
        dialog.mobile.setText("13811112222")
        with other.session(write=True):  # the import on the other workstation
            dialog.submit()
        assert dialog.errors.text == "另一个工作站或导入正在写入，请稍后再试。"
        assert dialog.name.text() == "赵六" and dialog.saved is None
        dialog.submit()  # the lock is gone: the same form saves
        assert dialog.saved is not None and dialog.saved.patient.name == "赵六"
    finally:
        other.close()
    assert crashes == []


def test_a_file_error_shown_at_the_boundary_is_a_message_not_a_crash(
    messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    crashes: list[str] = []
    monkeypatch.setattr("ui.errors.report_crash", lambda *a, **k: crashes.append("crash"))
    show_error(None, OSError(errno.ENOSPC, "No space left on device", "/media/usb/导出.xlsx"))
    assert crashes == []
    assert messages == [("box", "磁盘已满，无法写入 /media/usb/导出.xlsx：请清理磁盘空间后再试。")]
