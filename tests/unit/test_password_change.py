"""The policy applies wherever a password is set; an administrator can make a staff member
choose a new password at the next sign-in, and that person's own change ends it."""

from __future__ import annotations

import pytest

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import staff
from clinic_desktop.services.audit_log import action_label, list_entries
from clinic_desktop.services.auth import (
    password_change_required,
    setup_clinic,
    sign_in,
)
from clinic_desktop.storage.database import Database

COMMON = "密码太常见，很容易被猜到，请换一个。"


def _nurse(admin_ctx: Context, username: str = "nurse.zhou") -> staff.StaffInfo:
    return staff.add_staff(admin_ctx, username=username, display_name="周婷", role=Role.NURSE,
                           password="pass1234")


def _as(admin_ctx: Context, username: str, password: str) -> Context:
    return admin_ctx.as_actor(sign_in(admin_ctx.db, username=username, password=password,
                                      clock=admin_ctx.clock))


def _newest(admin_ctx: Context) -> tuple[str, str, str]:
    entry = list_entries(admin_ctx, limit=1)[0]
    return entry.action, entry.action_label, entry.summary


def test_setup_and_add_staff_refuse_the_user_name_and_common_passwords(
        database: Database, fixed_clock: FixedClock) -> None:
    with pytest.raises(UserError) as caught:
        setup_clinic(database, clinic_name="仁爱口腔", timezone="Asia/Shanghai",
                     admin_username="Boss", admin_display_name="王院长", password="boss-2026",
                     clock=fixed_clock)
    assert caught.value.field == "password" and "用户名" in caught.value.message
    actor = setup_clinic(database, clinic_name="仁爱口腔", timezone="Asia/Shanghai",
                         admin_username="boss", admin_display_name="王院长",
                         password="long-enough", clock=fixed_clock)
    ctx = Context(db=database, actor=actor, clock=fixed_clock)
    for password, words in [("Nurse.A-1", "用户名"), ("qwerty123", "太常见"), ("abc", "至少")]:
        with pytest.raises(UserError) as caught:
            staff.add_staff(ctx, username="nurse.a", display_name="周婷", role=Role.NURSE,
                            password=password)
        assert caught.value.field == "password" and words in caught.value.message
    assert [s.username for s in staff.list_staff(ctx)] == ["boss"]


def test_a_reset_requires_a_new_password_at_the_next_sign_in_by_default(
        admin_ctx: Context, fixed_clock: FixedClock) -> None:
    nurse = _nurse(admin_ctx)
    assert not nurse.must_change_password
    assert not password_change_required(admin_ctx.db, nurse.id)

    reset = staff.reset_password(admin_ctx, nurse.id, new_password="temp-2026-x")
    assert reset.must_change_password and reset.version > nurse.version
    assert _newest(admin_ctx) == ("staff.reset_password", "重置员工密码",
                                  "nurse.zhou must_change=True")
    # Signing in still works (the sign-in screen asks for the new password next) …
    nurse_ctx = _as(admin_ctx, "nurse.zhou", "temp-2026-x")
    assert password_change_required(admin_ctx.db, nurse.id)
    # … and the person's own change ends the requirement.
    staff.change_own_password(nurse_ctx, old_password="temp-2026-x", new_password="my-own-pw-1")
    assert not password_change_required(admin_ctx.db, nurse.id)
    assert _newest(admin_ctx) == ("staff.change_password", "修改本人密码",
                                  "nurse.zhou must_change cleared")
    assert sign_in(admin_ctx.db, username="nurse.zhou", password="my-own-pw-1",
                   clock=fixed_clock).staff_id == nurse.id

    reset = staff.reset_password(admin_ctx, nurse.id, new_password="temp-2026-y",
                                 must_change=False)
    assert not reset.must_change_password
    assert not password_change_required(admin_ctx.db, nurse.id)
    assert _newest(admin_ctx)[2] == "nurse.zhou must_change=False"


def test_a_refused_reset_changes_nothing(admin_ctx: Context, fixed_clock: FixedClock) -> None:
    nurse = _nurse(admin_ctx)
    before = len(list_entries(admin_ctx))
    for password, words in [("iloveyou", "太常见"), ("x-nurse.zhou", "用户名"),
                            ("short", "至少")]:
        with pytest.raises(UserError) as caught:
            staff.reset_password(admin_ctx, nurse.id, new_password=password)
        assert caught.value.field == "password" and words in caught.value.message
    assert len(list_entries(admin_ctx)) == before
    assert not password_change_required(admin_ctx.db, nurse.id)
    assert sign_in(admin_ctx.db, username="nurse.zhou", password="pass1234", clock=fixed_clock)
    with pytest.raises(NotFound):
        staff.reset_password(admin_ctx, 9999, new_password="good-pass-1")


def test_requiring_a_change_and_lifting_it_are_audited(admin_ctx: Context) -> None:
    nurse = _nurse(admin_ctx)
    required = staff.require_password_change(admin_ctx, nurse.id)
    assert required.must_change_password and password_change_required(admin_ctx.db, nurse.id)
    assert _newest(admin_ctx) == ("staff.require_password_change", "要求员工下次登录时改密码",
                                  "nurse.zhou")
    lifted = staff.require_password_change(admin_ctx, nurse.id, required=False)
    assert not lifted.must_change_password
    assert not password_change_required(admin_ctx.db, nurse.id)
    assert _newest(admin_ctx)[:2] == ("staff.waive_password_change", "取消下次登录改密码的要求")
    assert action_label("staff.waive_password_change") == "取消下次登录改密码的要求"


def test_only_staff_managers_reset_or_require(admin_ctx: Context) -> None:
    nurse = _nurse(admin_ctx)
    _nurse(admin_ctx, "front.sun")
    front = _as(admin_ctx, "front.sun", "pass1234")
    with pytest.raises(PermissionDenied):
        staff.require_password_change(front, nurse.id)
    with pytest.raises(PermissionDenied):
        staff.reset_password(front, nurse.id, new_password="good-pass-1")
    assert not password_change_required(admin_ctx.db, nurse.id)


def test_the_own_change_follows_the_policy_and_must_be_new(admin_ctx: Context) -> None:
    nurse = _nurse(admin_ctx)
    staff.require_password_change(admin_ctx, nurse.id)
    nurse_ctx = _as(admin_ctx, "nurse.zhou", "pass1234")
    for new, message in [
        ("pass1234", "新密码不能与原密码相同。"),
        ("Nurse.Zhou.2026", "密码不能包含用户名“nurse.zhou”，请换一个。"),
        ("1qaz2wsx", COMMON),
    ]:
        with pytest.raises(UserError) as caught:
            staff.change_own_password(nurse_ctx, old_password="pass1234", new_password=new)
        assert (caught.value.message, caught.value.field) == (message, "new_password")
    with pytest.raises(UserError) as caught:
        staff.change_own_password(nurse_ctx, old_password="wrong-one", new_password="fine-pw-22")
    assert caught.value.field == "old_password"
    assert password_change_required(admin_ctx.db, nurse.id)  # none of these counted


def test_the_system_account_never_has_to_change(admin_ctx: Context) -> None:
    assert not password_change_required(admin_ctx.db, None)
