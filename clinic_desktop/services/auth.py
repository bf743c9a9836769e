"""First-run setup and signing in, with the lockout after repeated wrong passwords."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from clinic_desktop.clock import Clock
from clinic_desktop.context import SYSTEM_ACTOR, Actor, Context
from clinic_desktop.errors import AuthenticationFailed, UserError
from clinic_desktop.i18n import _
from clinic_desktop.passwords import check_password_policy, hash_password, verify_password
from clinic_desktop.permissions import Role
from clinic_desktop.services.catalogue import seed_default_catalogue
from clinic_desktop.services.clinic import validate_timezone, write_setting
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.staff import Staff

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=5)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")


def validate_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise UserError(_("请填写用户名。"), field="username")
    if not USERNAME_RE.match(username):
        raise UserError(
            _("用户名“{name}”无效：只能用 2–32 个字母、数字、点、下划线或短横线。", name=username),
            field="username",
        )
    return username.lower()


def needs_setup(db: Database) -> bool:
    """True until the first administrator exists."""
    with db.session() as session:
        return session.execute(select(func.count(Staff.id))).scalar_one() == 0


def actor_of(staff: Staff) -> Actor:
    return Actor(
        staff_id=staff.id, username=staff.username, display_name=staff.display_name,
        role=Role(staff.role),
    )


def setup_clinic(
    db: Database, *, clinic_name: str, timezone: str, admin_username: str,
    admin_display_name: str, password: str, clock: Clock, is_demo: bool = False,
) -> Actor:
    """Create the clinic's settings and its first administrator (only on an empty database)."""
    clinic_name = clinic_name.strip()
    if not clinic_name:
        raise UserError(_("请填写诊所名称。"), field="clinic_name")
    timezone = validate_timezone(timezone)
    username = validate_username(admin_username)
    display_name = admin_display_name.strip()
    if not display_name:
        raise UserError(_("请填写管理员姓名。"), field="display_name")
    check_password_policy(password, username=username)
    ctx = Context(db=db, actor=SYSTEM_ACTOR, clock=clock)
    if not needs_setup(db):
        raise UserError(_("这个数据文件夹已经设置过诊所，请直接登录。"))
    with ctx.transaction(write=True) as session:
        write_setting(session, "clinic.name", clinic_name)
        write_setting(session, "clinic.timezone", timezone)
        write_setting(session, "clinic.is_demo", is_demo)
        admin = Staff(
            username=username, display_name=display_name, role=Role.ADMINISTRATOR.value,
            password_hash=hash_password(password), created_at=ctx.now(),
        )
        session.add(admin)
        session.flush()
        seed_default_catalogue(session)
        ctx.audit(session, "clinic.setup", "setting", "clinic", f"{clinic_name} {timezone}")
        ctx.audit(session, "staff.add", "staff", admin.id, f"{username} administrator")
        return actor_of(admin)


def sign_in(db: Database, *, username: str, password: str, clock: Clock) -> Actor:
    """Check a password; five wrong ones in a row lock the account for five minutes."""
    ctx = Context(db=db, actor=SYSTEM_ACTOR, clock=clock)
    now = ctx.now()
    wrong = AuthenticationFailed(_("用户名或密码不正确。"), field="password")
    name = username.strip().lower()
    if not name:
        raise AuthenticationFailed(_("请填写用户名。"), field="username")
    with ctx.transaction(write=True) as session:
        staff = session.execute(select(Staff).where(Staff.username == name)).scalar_one_or_none()
        if staff is None:
            ctx.audit(session, "login.unknown_user", "staff", None, name)
            failure: AuthenticationFailed | None = wrong
        elif not staff.active:
            ctx.audit(session, "login.inactive", "staff", staff.id, name)
            failure = AuthenticationFailed(_("账号 {name} 已停用，请联系管理员。", name=name))
        elif staff.locked_until is not None and staff.locked_until > now:
            minutes = max(1, int((staff.locked_until - now).total_seconds() + 59) // 60)
            ctx.audit(session, "login.while_locked", "staff", staff.id, name)
            failure = AuthenticationFailed(
                _("账号 {name} 因多次密码错误已锁定，请 {minutes} 分钟后再试。",
                  name=name, minutes=minutes)
            )
        elif not verify_password(staff.password_hash, password):
            staff.failed_logins += 1
            if staff.failed_logins >= MAX_FAILED_LOGINS:
                staff.locked_until = now + LOCKOUT
                staff.failed_logins = 0
                ctx.audit(session, "login.locked", "staff", staff.id,
                          f"{name}: {MAX_FAILED_LOGINS} wrong passwords")
                failure = AuthenticationFailed(
                    _("密码连续错误 {n} 次，账号 {name} 已锁定 {minutes} 分钟。",
                      n=MAX_FAILED_LOGINS, name=name, minutes=int(LOCKOUT.total_seconds() // 60))
                )
            else:
                ctx.audit(session, "login.failed", "staff", staff.id, name)
                left = MAX_FAILED_LOGINS - staff.failed_logins
                failure = AuthenticationFailed(
                    _("用户名或密码不正确（再错 {left} 次将锁定账号）。", left=left),
                    field="password",
                )
        else:
            staff.failed_logins = 0
            staff.locked_until = None
            staff.last_login_at = now
            actor = actor_of(staff)
            ctx.as_actor(actor).audit(session, "login", "staff", staff.id, name)
            failure = None
    # The failure is raised only after its audit entry and counter are committed.
    if failure is not None:
        raise failure
    return actor


def password_change_required(db: Database, staff_id: int | None) -> bool:
    """True when an administrator wants this staff member to choose a new password before
    working (asked right after a successful ``sign_in``; the system account has none)."""
    if staff_id is None:
        return False
    with db.session() as session:
        return bool(session.execute(
            select(Staff.must_change_password).where(Staff.id == staff_id)).scalar_one_or_none())


def sign_out(ctx: Context) -> None:
    with ctx.transaction(write=True) as session:
        ctx.audit(session, "logout", "staff", ctx.actor.staff_id, ctx.actor.username)
