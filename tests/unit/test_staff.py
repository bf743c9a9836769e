"""Staff administration and the permission checks behind it."""

from __future__ import annotations

import pytest

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import AuthenticationFailed, ConcurrentEdit, PermissionDenied, UserError
from clinic_desktop.permissions import Permission, Role, has_permission
from clinic_desktop.services import chairs, staff
from clinic_desktop.services.auth import sign_in


def _ctx_for(admin_ctx: Context, username: str, role: Role) -> Context:
    info = staff.add_staff(
        admin_ctx, username=username, display_name=username, role=role, password="pass1234"
    )
    actor = sign_in(admin_ctx.db, username=info.username, password="pass1234",
                    clock=admin_ctx.clock)
    return admin_ctx.as_actor(actor)


def test_add_staff_validates_each_field(admin_ctx: Context) -> None:
    good = {"username": "nurse.a", "display_name": "周婷", "role": "nurse", "password": "pass1234"}
    for bad, field in [
        ({"username": "a b"}, "username"), ({"display_name": " "}, "display_name"),
        ({"role": "janitor"}, "role"), ({"password": "12"}, "password"),
        ({"colour": "red"}, "colour"),
    ]:
        with pytest.raises(UserError) as caught:
            staff.add_staff(admin_ctx, **(good | bad))  # type: ignore[arg-type]
        assert caught.value.field == field
    created = staff.add_staff(admin_ctx, **good)  # type: ignore[arg-type]
    assert created.role is Role.NURSE
    with pytest.raises(UserError, match="已被使用") as caught:
        staff.add_staff(admin_ctx, **good)  # type: ignore[arg-type]
    assert caught.value.field == "username"


def test_permission_is_checked_in_the_service(admin_ctx: Context) -> None:
    reception = _ctx_for(admin_ctx, "front.a", Role.RECEPTIONIST)
    with pytest.raises(PermissionDenied):
        staff.add_staff(reception, username="x1", display_name="x", role="nurse",
                        password="pass1234")
    with pytest.raises(PermissionDenied):
        chairs.add_chair(reception, name="5号椅位")
    assert not has_permission(Role.RECEPTIONIST, Permission.CLINICAL_VIEW)
    assert has_permission(Role.ADMINISTRATOR, Permission.STAFF_MANAGE)


def test_deactivated_staff_cannot_sign_in_and_last_admin_is_kept(
    admin_ctx: Context, fixed_clock: FixedClock
) -> None:
    doctor = staff.add_staff(admin_ctx, username="dr.x", display_name="医生", role="doctor",
                             password="pass1234", is_doctor=True, colour="#3A7BD5")
    staff.set_active(admin_ctx, doctor.id, active=False)
    with pytest.raises(AuthenticationFailed, match="已停用"):
        sign_in(admin_ctx.db, username="dr.x", password="pass1234", clock=fixed_clock)
    assert admin_ctx.actor.staff_id is not None
    with pytest.raises(UserError, match="自己"):
        staff.set_active(admin_ctx, admin_ctx.actor.staff_id, active=False)
    me = next(s for s in staff.list_staff(admin_ctx) if s.id == admin_ctx.actor.staff_id)
    with pytest.raises(UserError, match="至少要保留一个"):
        staff.update_staff(admin_ctx, me.id, version=me.version, display_name=me.display_name,
                           role=Role.MANAGER, is_doctor=False, colour=None)


def test_second_save_of_the_same_version_is_refused(admin_ctx: Context) -> None:
    nurse = staff.add_staff(admin_ctx, username="n1", display_name="护士甲", role="nurse",
                            password="pass1234")
    staff.update_staff(admin_ctx, nurse.id, version=nurse.version, display_name="护士乙",
                       role="nurse", is_doctor=False, colour=None)
    with pytest.raises(ConcurrentEdit):
        staff.update_staff(admin_ctx, nurse.id, version=nurse.version, display_name="护士丙",
                           role="nurse", is_doctor=False, colour=None)


def test_reset_password_lifts_lockout(admin_ctx: Context, fixed_clock: FixedClock) -> None:
    nurse = staff.add_staff(admin_ctx, username="n2", display_name="护士", role="nurse",
                            password="pass1234")
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            sign_in(admin_ctx.db, username="n2", password="bad", clock=fixed_clock)
    staff.reset_password(admin_ctx, nurse.id, new_password="fresh-pass")
    assert sign_in(admin_ctx.db, username="n2", password="fresh-pass", clock=fixed_clock)


def test_chairs_add_rename_and_deactivate(admin_ctx: Context) -> None:
    first = chairs.add_chair(admin_ctx, name="1号椅位", note="综合")
    chairs.add_chair(admin_ctx, name="2号椅位")
    with pytest.raises(UserError, match="已经有名为"):
        chairs.add_chair(admin_ctx, name="1号椅位")
    chairs.update_chair(admin_ctx, first.id, name="种植室", note=None, active=False)
    names = [(c.name, c.active) for c in chairs.list_chairs(admin_ctx)]
    assert names == [("2号椅位", True), ("种植室", False)]
    assert [c.name for c in chairs.list_chairs(admin_ctx, include_inactive=False)] == ["2号椅位"]
