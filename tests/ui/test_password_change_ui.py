"""A required password change at sign-in, and the administrator's side of it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.permissions import Role
from clinic_desktop.services import staff as staff_service
from clinic_desktop.services.audit_log import list_entries
from clinic_desktop.services.auth import password_change_required, sign_in
from ui.app_services import AppServices
from ui.dialogs.login_dialog import LoginDialog
from ui.dialogs.settings_dialogs import ResetPasswordDialog
from ui.main_window import MainWindow
from ui.pages.admin_page import AdminPage


def _nurse(services: AppServices) -> staff_service.StaffInfo:
    return staff_service.add_staff(services.ctx, username="nurse.zhou", display_name="周婷",
                                   role=Role.NURSE, password="pass1234")


def test_sign_in_asks_for_a_new_password_first_and_the_policy_speaks_under_it(
        qtbot: QtBot, services: AppServices, fixed_clock: FixedClock) -> None:
    nurse = _nurse(services)
    staff_service.reset_password(services.ctx, nurse.id, new_password="temp-2026-x")
    db = services.ctx.db
    dialog = LoginDialog(db, "仁爱口腔", clock=fixed_clock, username="nurse.zhou")
    qtbot.addWidget(dialog)
    dialog.show()
    sign_in_height = dialog.height()
    dialog.password.setText("temp-2026-x")
    dialog.submit()
    # Signed in, but not let through: the change step, and nobody to open a window for.
    assert dialog.changing_password and dialog.actor is None
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.password.text() == ""  # the temporary password is not left in a field
    assert dialog.new_password.isVisibleTo(dialog) and not dialog.password.isVisibleTo(dialog)
    assert dialog.subtitle is not None and "周婷" in dialog.subtitle.text()
    assert dialog.height() > sign_in_height  # the sign-in step was not as tall as this one

    for new, confirm, marked, words in [
        ("12345678", "12345678", dialog.new_password, "太常见"),
        ("nurse.zhou.1", "nurse.zhou.1", dialog.new_password, "用户名"),
        ("temp-2026-x", "temp-2026-x", dialog.new_password, "不能与原密码相同"),
        ("my-own-pw-1", "my-own-pw-2", dialog.confirm, "不一致"),
    ]:
        dialog.new_password.setText(new)
        dialog.confirm.setText(confirm)
        dialog.submit()
        assert dialog.errors.marked is marked and words in dialog.errors.text, words
        assert dialog.error_label.isVisibleTo(dialog) and dialog.actor is None
        assert dialog.new_password.text() == new  # kept, to be corrected
        assert password_change_required(db, nurse.id)

    dialog.new_password.setText("my-own-pw-1")
    dialog.confirm.setText("my-own-pw-1")
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.staff_id == nurse.id
    assert not password_change_required(db, nurse.id)
    assert sign_in(db, username="nurse.zhou", password="my-own-pw-1", clock=fixed_clock)
    # One sign-in and the change; the second sign-in above is the newest entry.
    actions = [e.action for e in list_entries(services.ctx, limit=3)]
    assert actions == ["login", "staff.change_password", "login"]


def test_without_the_requirement_sign_in_goes_straight_through(
        qtbot: QtBot, services: AppServices, fixed_clock: FixedClock) -> None:
    _nurse(services)
    dialog = LoginDialog(services.ctx.db, "仁爱口腔", clock=fixed_clock, username="nurse.zhou")
    qtbot.addWidget(dialog)
    dialog.password.setText("pass1234")
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.changing_password


def test_leaving_at_the_change_step_signs_nobody_in(
        qtbot: QtBot, services: AppServices, fixed_clock: FixedClock) -> None:
    nurse = _nurse(services)
    staff_service.require_password_change(services.ctx, nurse.id)
    dialog = LoginDialog(services.ctx.db, "仁爱口腔", clock=fixed_clock, username="nurse.zhou")
    qtbot.addWidget(dialog)
    dialog.password.setText("pass1234")
    dialog.submit()
    assert dialog.changing_password
    dialog.reject()
    assert dialog.actor is None and password_change_required(services.ctx.db, nurse.id)


def test_reset_dialog_shows_refusals_and_sets_the_requirement_as_ticked(
        qtbot: QtBot, services: AppServices) -> None:
    nurse = _nurse(services)
    dialog = ResetPasswordDialog(services, nurse)
    qtbot.addWidget(dialog)
    assert dialog.must_change.isChecked()  # the administrator knows this password
    dialog.new.setText("password1")
    dialog.confirm.setText("password1")
    dialog.submit()
    assert dialog.errors.marked is dialog.new and "太常见" in dialog.errors.text
    dialog.confirm.setText("other")
    dialog.submit()
    assert dialog.errors.marked is dialog.confirm
    dialog.new.setText("temp-2026-x")
    dialog.confirm.setText("temp-2026-x")
    dialog.must_change.setChecked(False)
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None and not dialog.saved.must_change_password
    assert not password_change_required(services.ctx.db, nurse.id)


def _row_of(page: AdminPage, username: str) -> int:
    for row in range(page.staff_proxy.rowCount()):
        if page.staff_proxy.index(row, 0).data() == username:
            return row
    raise AssertionError(f"{username} not in the table")


def test_admin_page_requires_a_change_shows_it_and_lifts_it(
        window: MainWindow, services: AppServices, messages: list,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.open_page("admin")
    assert isinstance(page, AdminPage)
    nurse = services.ops.run(lambda ctx: staff_service.add_staff(
        ctx, username="nurse.zhou", display_name="周婷", role=Role.NURSE, password="pass1234"))
    assert nurse is not None
    page.staff_view.selectRow(_row_of(page, "nurse.zhou"))
    page.require_change_button.click()
    assert password_change_required(services.ctx.db, nurse.id)
    assert messages[-1][0] == "information" and "需要先设置新密码" in messages[-1][1]
    assert page.staff_proxy.index(_row_of(page, "nurse.zhou"), 5).data() == "待改密码"
    # Asked again: offered to lift it (the ``messages`` fixture answers Yes).
    page.staff_view.selectRow(_row_of(page, "nurse.zhou"))
    page.require_change_button.click()
    assert messages[-2][0] == "question" and "取消这个要求" in messages[-2][1]
    assert not password_change_required(services.ctx.db, nurse.id)
    assert page.staff_proxy.index(_row_of(page, "nurse.zhou"), 5).data() == "启用"

    def fill_and_save(dialog: ResetPasswordDialog) -> int:
        dialog.new.setText("temp-2026-x")
        dialog.confirm.setText("temp-2026-x")
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(ResetPasswordDialog, "exec", fill_and_save)
    page.staff_view.selectRow(_row_of(page, "nurse.zhou"))
    page.reset_button.click()
    assert "下次登录时需要设置新密码" in messages[-1][1]
    assert page.staff_proxy.index(_row_of(page, "nurse.zhou"), 5).data() == "待改密码"
