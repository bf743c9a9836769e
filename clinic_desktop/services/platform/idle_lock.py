"""How long the app may stay signed in without input before it locks (a clinic setting)."""

from __future__ import annotations

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting, write_setting

SETTING = "security.idle_lock_minutes"
DEFAULT_MINUTES = 10
MAX_MINUTES = 240  # 0 turns the lock off


def idle_lock_minutes(ctx: Context) -> int:
    """Read by every signed-in person's window: open to all."""
    with ctx.transaction() as session:
        value = read_setting(session, SETTING, DEFAULT_MINUTES)
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        return DEFAULT_MINUTES
    return minutes if 0 <= minutes <= MAX_MINUTES else DEFAULT_MINUTES


def save_idle_lock_minutes(ctx: Context, minutes: int) -> int:
    ctx.require(Permission.SETTINGS_MANAGE)
    if not 0 <= minutes <= MAX_MINUTES:
        raise UserError(_("自动锁定时间应在 0 到 {most} 分钟之间（0 为不锁定）。",
                          most=MAX_MINUTES), field="idle_lock_minutes")
    with ctx.transaction(write=True) as session:
        write_setting(session, SETTING, minutes)
        ctx.audit(session, "settings.idle_lock", "setting", "idle_lock", str(minutes))
    return minutes


def lock_session(ctx: Context) -> None:
    """The window locked itself after the idle time (audited: who was away, and when)."""
    with ctx.transaction(write=True) as session:
        ctx.audit(session, "session.locked", "staff", ctx.actor.staff_id, ctx.actor.username)


def unlock_session(ctx: Context, password: str) -> None:
    """The same person's password opens the locked window again. Wrong passwords count
    towards the account's lockout like any sign-in (``sign_in`` raises and audits them)."""
    from clinic_desktop.services.auth import sign_in
    from clinic_desktop.storage.models.staff import Staff

    with ctx.transaction() as session:
        staff = session.get(Staff, ctx.actor.staff_id) if ctx.actor.staff_id else None
        username = staff.username if staff is not None else ctx.actor.username
    sign_in(ctx.db, username=username, password=password, clock=ctx.clock)
    with ctx.transaction(write=True) as session:
        ctx.audit(session, "session.unlocked", "staff", ctx.actor.staff_id, ctx.actor.username)
