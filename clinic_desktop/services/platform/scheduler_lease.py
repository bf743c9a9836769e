"""On a server, how long the workstation that runs the scheduled jobs may fall silent before
another takes them over (a clinic setting, so every workstation agrees on it)."""

from __future__ import annotations

import logging

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.storage.leader import DEFAULT_LEASE_SECONDS

SETTING = "scheduler.lease_seconds"
# What a manager may choose: shorter than 10 s a busy server's pause could pass for a leader
# gone; longer than 10 minutes nobody would wait for reminders.
MIN_SECONDS, MAX_SECONDS = 10, 600

log = logging.getLogger(__name__)


def lease_seconds(ctx: Context) -> float:
    """The lease the workstations agree on (read by whoever's workstation starts the
    scheduler); the default when the setting is not a number."""
    with ctx.transaction() as session:
        value = read_setting(session, SETTING, DEFAULT_LEASE_SECONDS)
    try:
        return float(value)
    except (TypeError, ValueError):
        log.warning("setting %s is not a number of seconds (%r): using %s", SETTING, value,
                    DEFAULT_LEASE_SECONDS)
        return DEFAULT_LEASE_SECONDS


def save_lease_seconds(ctx: Context, seconds: int) -> int:
    """Store the lease; each workstation takes it up when it next starts. (A single
    workstation on SQLite runs the jobs itself and never reads it.)"""
    ctx.require(Permission.SETTINGS_MANAGE)
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise UserError(_("接管时间应在 {least} 到 {most} 秒之间。", least=MIN_SECONDS,
                          most=MAX_SECONDS), field="lease_seconds")
    with ctx.transaction(write=True) as session:
        write_setting(session, SETTING, seconds)
        ctx.audit(session, "settings.scheduler_lease", "setting", "scheduler", str(seconds))
    return seconds
