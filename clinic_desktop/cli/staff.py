"""``staff``: an account's password from the command line.

The way back in when the only administrator has forgotten their password: whoever can run
commands on the data folder can already read or replace the file, so this gives away nothing
the folder does not. Like ``setup``, the password comes from the first line of a file or is
typed twice on a terminal, never from the command line (where ``ps`` and the shell's history
would keep it).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation, read_secret
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    """Add this module's sub-commands to ``sub``; returns their handlers by name."""
    staff = sub.add_parser("staff", help="reset a staff member's password, or make them "
                           "choose a new one at their next sign-in")
    actions = staff.add_subparsers(dest="action", metavar="ACTION", required=True)
    reset = actions.add_parser("reset-password", help="set a new password (this also lifts "
                               "a lockout)")
    reset.add_argument("username", metavar="USER")
    reset.add_argument("--password-file", metavar="FILE",
                       help="read the new password from the first line of FILE (default: "
                       "ask on the terminal)")
    reset.add_argument("--must-change", action=argparse.BooleanOptionalAction, default=True,
                       help="they must choose their own password at the next sign-in "
                       "(default: yes)")
    common(reset)
    require = actions.add_parser("require-change", help="they must choose a new password at "
                                 "their next sign-in")
    require.add_argument("username", metavar="USER")
    require.add_argument("--undo", action="store_true", help="lift that requirement")
    common(require)
    common(staff)
    return {"staff": cmd_staff}


def cmd_staff(run: Invocation) -> int:
    from clinic_desktop.services import staff as staff_service

    args = run.args
    with run.lock():
        db = run.open_for_writing()
        try:
            ctx = run.context(db)
            name = args.username.strip().lower()
            found = [s for s in staff_service.list_staff(ctx) if s.username == name]
            if not found:
                raise UserError(_("没有用户名为“{name}”的员工。", name=args.username.strip()),
                                field="username")
            who = found[0]
            if args.action == "reset-password":
                password = read_password(args.password_file)
                staff_service.reset_password(ctx, who.id, new_password=password,
                                             must_change=args.must_change)
                line = (_("{name} 的密码已重置，账号锁定已解除；下次登录时需要设置新密码。",
                          name=who.username) if args.must_change else
                        _("{name} 的密码已重置，账号锁定已解除。", name=who.username))
            else:
                staff_service.require_password_change(ctx, who.id, required=not args.undo)
                line = (_("已取消：{name} 下次登录时不必修改密码。", name=who.username)
                        if args.undo else
                        _("{name} 下次登录时需要设置新密码。", name=who.username))
        finally:
            db.close()
    run.print(line)
    return EXIT_OK


def read_password(password_file: str | None) -> str:
    """The new password: the first line of ``password_file``, or typed twice on a terminal;
    without either the command is refused."""
    return read_secret(password_file, prompt=_("新密码："), no_terminal=_(
        "没有可以输入密码的终端：请用 --password-file 给出新密码（文件的第一行）。"))
