"""The shell and the admin pages: navigation by role, staff administration, crash dialog."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import staff as staff_service
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.clinic import read_clinic
from ui.app_services import AppServices
from ui.dialogs.crash_dialog import CrashDialog
from ui.dialogs.settings_dialogs import ResetPasswordDialog
from ui.dialogs.staff_dialog import StaffDialog
from ui.main_window import MainWindow
from ui.pages.admin_page import AdminPage
from ui.tasks import TaskManager


def test_a_font_covers_simplified_chinese(qapp: QApplication) -> None:
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert families, "no CJK font installed: every Chinese glyph would be a box"


def test_navigation_shows_only_pages_the_role_may_use(
    qtbot: QtBot, services: AppServices
) -> None:
    admin_window = MainWindow(services)
    qtbot.addWidget(admin_window)
    assert {"admin", "audit"} <= set(admin_window.page_keys)
    staff_service.add_staff(services.ctx, username="front.a", display_name="孙悦",
                            role=Role.RECEPTIONIST, password="pass1234")
    actor = sign_in(services.ctx.db, username="front.a", password="pass1234",
                    clock=services.ctx.clock)
    reception = AppServices(services.ctx.as_actor(actor), TaskManager(synchronous=True),
                            services.clinic)
    window = MainWindow(reception)
    qtbot.addWidget(window)
    assert "admin" not in window.page_keys and "audit" not in window.page_keys
    assert window.role_label.text() == "角色：前台"


def test_staff_dialog_shows_the_error_beside_the_field_and_keeps_input(
    qtbot: QtBot, services: AppServices
) -> None:
    dialog = StaffDialog(services)
    qtbot.addWidget(dialog)
    dialog.username.setText("bad name")
    dialog.display_name.setText("周婷")
    dialog.password.setText("pass1234")
    dialog.submit()
    assert dialog.errors.marked is dialog.username
    assert "无效" in dialog.errors.text
    assert (dialog.username.text(), dialog.display_name.text()) == ("bad name", "周婷")
    dialog.username.setText("nurse.zhou")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.NURSE.value))
    dialog.submit()
    assert dialog.saved is not None and dialog.saved.role is Role.NURSE


def _row_of(page: AdminPage, username: str) -> int:
    for row in range(page.staff_proxy.rowCount()):
        if page.staff_proxy.index(row, 0).data() == username:
            return row
    raise AssertionError(f"{username} not in the table")


def test_admin_page_adds_deactivates_and_resets(
    qtbot: QtBot, window: MainWindow, services: AppServices, messages: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = window.open_page("admin")
    assert isinstance(page, AdminPage)
    QAbstractItemModelTester(page.staff_model,
                             QAbstractItemModelTester.FailureReportingMode.Fatal)
    services.ops.run(lambda ctx: staff_service.add_staff(
        ctx, username="dr.li", display_name="李秀英", role=Role.DOCTOR, password="pass1234",
        is_doctor=True))
    row = _row_of(page, "dr.li")
    page.staff_view.selectRow(row)
    page.toggle_button.click()
    assert page.staff_proxy.index(_row_of(page, "dr.li"), 5).data() == "停用"

    page.staff_view.selectRow(_row_of(page, "dr.li"))

    def fill_and_save(dialog: ResetPasswordDialog) -> int:
        dialog.new.setText("new-pass-1")
        dialog.confirm.setText("new-pass-1")
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(ResetPasswordDialog, "exec", fill_and_save)
    page.reset_button.click()
    assert messages[-1][0] == "information" and "已重置" in messages[-1][1]
    staff = {s.username: s for s in staff_service.list_staff(services.ctx)}
    assert not staff["dr.li"].active
    staff_service.set_active(services.ctx, staff["dr.li"].id, active=True)
    assert sign_in(services.ctx.db, username="dr.li", password="new-pass-1",
                   clock=services.ctx.clock).username == "dr.li"


def test_sorting_the_staff_table(window: MainWindow, services: AppServices) -> None:
    for name in ("zeta", "alpha", "mid"):
        staff_service.add_staff(services.ctx, username=name, display_name=name,
                                role=Role.NURSE, password="pass1234")
    page = window.open_page("admin")
    assert isinstance(page, AdminPage)
    page.refresh()
    names = [page.staff_proxy.index(r, 0).data() for r in range(page.staff_proxy.rowCount())]
    assert names == sorted(names)
    page.staff_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    names = [page.staff_proxy.index(r, 0).data() for r in range(page.staff_proxy.rowCount())]
    assert names == sorted(names, reverse=True)


def test_task_manager_delivers_results_and_errors_on_the_gui_thread(qtbot: QtBot) -> None:
    tasks = TaskManager()
    gui_thread = threading.get_ident()
    seen: list[object] = []

    def work() -> int:
        return threading.get_ident()

    with qtbot.waitSignal(tasks.busy_changed, check_params_cb=lambda busy: not busy):
        tasks.run(work, on_done=lambda worker: seen.append(
            (worker != gui_thread, threading.get_ident() == gui_thread)))
    assert seen == [(True, True)]

    def fail() -> None:
        raise UserError("请填写姓名。", field="display_name")

    errors: list[BaseException] = []
    with qtbot.waitSignal(tasks.busy_changed, check_params_cb=lambda busy: not busy):
        tasks.run(fail, on_error=errors.append)
    assert isinstance(errors[0], UserError)


def test_long_job_reports_progress_and_cancels(qtbot: QtBot) -> None:
    tasks = TaskManager(synchronous=True)
    progress: list[tuple[int, int, str]] = []
    outcome: list[object] = []

    def job_fn(job: object) -> int:
        for step in range(5):
            job.report(step, 5, f"第 {step} 批")  # type: ignore[attr-defined]
            if step == 2:
                job.cancel()  # type: ignore[attr-defined]
            job.check()  # type: ignore[attr-defined]
        return 5

    tasks.run_job(job_fn, on_done=outcome.append, on_error=outcome.append,
                  on_progress=lambda d, t, s: progress.append((d, t, s)))
    assert [p[0] for p in progress] == [0, 1, 2]
    assert type(outcome[0]).__name__ == "Cancelled"


def test_unexpected_error_from_a_task_opens_the_crash_dialog(
    qtbot: QtBot, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[CrashDialog] = []
    monkeypatch.setattr(CrashDialog, "exec", lambda self: shown.append(self) or 0)
    from ui.errors import report_crash

    services.tasks.on_unhandled = lambda exc: report_crash(type(exc), exc, exc.__traceback__)
    services.tasks.run(lambda: 1 / 0)
    assert len(shown) == 1
    assert "ZeroDivisionError" in shown[0].details.toPlainText()
    assert not shown[0].details.isVisible()  # the traceback is folded away
    assert shown[0].windowTitle() == "出错了"


def test_clinic_change_updates_the_title(window: MainWindow, services: AppServices) -> None:
    from clinic_desktop.services.clinic import update_clinic

    update_clinic(services.ctx, name="仁爱口腔二部", timezone="Asia/Shanghai")
    services.set_clinic(read_clinic(services.ctx.db))
    assert window.windowTitle() == "Clinic Desktop — 仁爱口腔二部"


def test_field_errors_mark_and_clear(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel

    from ui.errors import FieldErrors

    label, edit = QLabel(), QLineEdit("typed")
    qtbot.addWidget(label)
    qtbot.addWidget(edit)
    errors = FieldErrors(label, {"name": edit})
    errors.show(UserError("请填写姓名。", field="name"))
    assert edit.property("invalid") is True and errors.text == "请填写姓名。"
    errors.clear()
    assert edit.property("invalid") is False and edit.text() == "typed"
