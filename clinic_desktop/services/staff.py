"""Staff accounts: list, add, edit, deactivate, reset password, require a new password."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.passwords import check_password_policy, hash_password, verify_password
from clinic_desktop.permissions import Permission, Role
from clinic_desktop.services.auth import validate_username
from clinic_desktop.storage.models.staff import Staff

COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class StaffInfo:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    is_doctor: bool
    colour: str | None
    phone: str | None
    locked_until: datetime | None
    last_login_at: datetime | None
    version: int
    must_change_password: bool = False


def _info(staff: Staff) -> StaffInfo:
    return StaffInfo(
        id=staff.id, username=staff.username, display_name=staff.display_name,
        role=Role(staff.role), active=staff.active, is_doctor=staff.is_doctor,
        colour=staff.colour, phone=staff.phone, locked_until=staff.locked_until,
        last_login_at=staff.last_login_at, version=staff.version,
        must_change_password=staff.must_change_password,
    )


def _clean(display_name: str, role: Role | str, colour: str | None) -> tuple[str, Role, str | None]:
    display_name = display_name.strip()
    if not display_name:
        raise UserError(_("请填写姓名。"), field="display_name")
    if len(display_name) > 64:
        raise UserError(_("姓名太长（最多 64 个字符）。"), field="display_name")
    try:
        role = Role(role)
    except ValueError as exc:
        raise UserError(_("角色“{role}”不存在。", role=role), field="role") from exc
    colour = (colour or "").strip() or None
    if colour is not None and not COLOUR_RE.match(colour):
        raise UserError(_("颜色应为 #RRGGBB 格式，例如 #3A7BD5。"), field="colour")
    return display_name, role, colour


def _get(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(_("找不到该员工（编号 {id}）。", id=staff_id))
    return staff


def list_staff(ctx: Context, *, include_inactive: bool = True) -> list[StaffInfo]:
    with ctx.transaction() as session:
        query = select(Staff).order_by(Staff.active.desc(), Staff.role, Staff.display_name)
        if not include_inactive:
            query = query.where(Staff.active.is_(True))
        return [_info(s) for s in session.execute(query).scalars()]


def list_doctors(ctx: Context) -> list[StaffInfo]:
    return [s for s in list_staff(ctx, include_inactive=False) if s.is_doctor]


def add_staff(
    ctx: Context, *, username: str, display_name: str, role: Role | str, password: str,
    is_doctor: bool = False, colour: str | None = None, phone: str | None = None,
) -> StaffInfo:
    ctx.require(Permission.STAFF_MANAGE)
    username = validate_username(username)
    display_name, role, colour = _clean(display_name, role, colour)
    check_password_policy(password, username=username)
    with ctx.transaction(write=True) as session:
        exists = session.execute(select(Staff.id).where(Staff.username == username)).first()
        if exists:
            raise UserError(_("用户名 {name} 已被使用。", name=username), field="username")
        staff = Staff(
            username=username, display_name=display_name, role=role.value,
            password_hash=hash_password(password), is_doctor=is_doctor, colour=colour,
            phone=(phone or "").strip() or None, created_at=ctx.now(),
        )
        session.add(staff)
        session.flush()
        ctx.audit(session, "staff.add", "staff", staff.id, f"{username} {role.value}")
        return _info(staff)


def _active_admins(session: Session) -> int:
    return session.execute(
        select(func.count(Staff.id)).where(
            Staff.active.is_(True), Staff.role == Role.ADMINISTRATOR.value
        )
    ).scalar_one()


def update_staff(
    ctx: Context, staff_id: int, *, version: int, display_name: str, role: Role | str,
    is_doctor: bool, colour: str | None, phone: str | None = None, active: bool = True,
) -> StaffInfo:
    ctx.require(Permission.STAFF_MANAGE)
    display_name, role, colour = _clean(display_name, role, colour)
    try:
        with ctx.transaction(write=True) as session:
            staff = _get(session, staff_id)
            if staff.version != version:
                raise ConcurrentEdit(_("该员工资料已被其他人修改，请重新打开后再保存。"))
            was_admin = staff.active and staff.role == Role.ADMINISTRATOR.value
            staff.display_name = display_name
            staff.role = role.value
            staff.is_doctor = is_doctor
            staff.colour = colour
            staff.phone = (phone or "").strip() or None
            staff.active = active
            if not active and staff.id == ctx.actor.staff_id:
                raise UserError(_("不能停用自己正在使用的账号。"), field="active")
            if was_admin and not (active and role is Role.ADMINISTRATOR):
                session.flush()
                if _active_admins(session) == 0:
                    raise UserError(_("至少要保留一个启用的管理员账号。"), field="role")
            session.flush()
            ctx.audit(session, "staff.update", "staff", staff.id,
                      f"{staff.username} {role.value} active={active}")
            return _info(staff)
    except StaleDataError as exc:
        raise ConcurrentEdit(_("该员工资料已被其他人修改，请重新打开后再保存。")) from exc


def set_active(ctx: Context, staff_id: int, *, active: bool) -> StaffInfo:
    ctx.require(Permission.STAFF_MANAGE)  # before the read: not even whether the id exists
    with ctx.transaction() as session:
        staff = _info(_get(session, staff_id))
    return update_staff(
        ctx, staff_id, version=staff.version, display_name=staff.display_name, role=staff.role,
        is_doctor=staff.is_doctor, colour=staff.colour, phone=staff.phone, active=active,
    )


def reset_password(ctx: Context, staff_id: int, *, new_password: str,
                   must_change: bool = True) -> StaffInfo:
    """An administrator sets a new password; this also lifts a lockout. The administrator
    knows the new password, so by default its owner must choose another at the next sign-in."""
    ctx.require(Permission.STAFF_MANAGE)
    with ctx.transaction(write=True) as session:
        staff = _get(session, staff_id)
        check_password_policy(new_password, username=staff.username)
        staff.password_hash = hash_password(new_password)
        staff.failed_logins = 0
        staff.locked_until = None
        staff.must_change_password = must_change
        session.flush()
        ctx.audit(session, "staff.reset_password", "staff", staff.id,
                  f"{staff.username} must_change={must_change}")
        return _info(staff)


def require_password_change(ctx: Context, staff_id: int, *, required: bool = True) -> StaffInfo:
    """Make a staff member choose a new password at their next sign-in (or lift that)."""
    ctx.require(Permission.STAFF_MANAGE)
    with ctx.transaction(write=True) as session:
        staff = _get(session, staff_id)
        staff.must_change_password = required
        session.flush()
        ctx.audit(session,
                  "staff.require_password_change" if required else "staff.waive_password_change",
                  "staff", staff.id, staff.username)
        return _info(staff)


def change_own_password(ctx: Context, *, old_password: str, new_password: str) -> None:
    """The signed-in person changes their password; this ends a required change."""
    if ctx.actor.staff_id is None:
        raise UserError(_("系统账号没有密码。"))
    with ctx.transaction(write=True) as session:
        staff = _get(session, ctx.actor.staff_id)
        check_password_policy(new_password, username=staff.username, field="new_password")
        if not verify_password(staff.password_hash, old_password):
            raise UserError(_("原密码不正确。"), field="old_password")
        if new_password == old_password:
            raise UserError(_("新密码不能与原密码相同。"), field="new_password")
        required = staff.must_change_password
        staff.password_hash = hash_password(new_password)
        staff.must_change_password = False
        ctx.audit(session, "staff.change_password", "staff", staff.id,
                  f"{staff.username} must_change cleared" if required else staff.username)
