"""``connect``: sign this workstation in to the clinic's PostgreSQL server once.

The password is checked against the server, then kept in the OS keyring (never in a file or
a setting); every later ``--database-url`` without a password takes it from there.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation, read_secret
from clinic_desktop.errors import EnvironmentProblem
from clinic_desktop.i18n import _
from clinic_desktop.storage.server import (
    parse,
    remember_password,
    shown,
    try_login,
    without_password,
)


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    """Add this module's sub-commands to ``sub``; returns their handlers by name."""
    connect = sub.add_parser(
        "connect", help="check a PostgreSQL server's login and keep its password in the "
        "keyring (then use --database-url URL or $CLINIC_DESKTOP_DATABASE_URL)")
    connect.add_argument("url", metavar="URL", help="postgresql://user@host[:port]/database")
    connect.add_argument("--password-file", metavar="FILE",
                         help="read the password from the first line of FILE (default: ask "
                         "on the terminal)")
    common(connect)
    return {"connect": cmd_connect}


def cmd_connect(run: Invocation) -> int:
    url = parse(run.args.url)
    password = url.password if url.password is not None else read_secret(
        run.args.password_file, prompt=_("数据库密码："), confirm=False, no_terminal=_(
            "没有可以输入密码的终端：请用 --password-file 给出数据库密码（文件的第一行）。"))
    state = try_login(url.set(password=password or None))
    plain = without_password(url).render_as_string(hide_password=False)
    if password and not remember_password(plain, password):
        raise EnvironmentProblem(_(
            "登录成功，但这台电脑没有系统密钥环，密码无法安全保存。请改用 PostgreSQL 的密码文件"
            "（~/.pgpass，权限 600），或在有密钥环的桌面会话中运行 connect。"))
    where = shown(plain)
    run.print(_("已连接 {url}，密码已保存在系统密钥环中。", url=where))
    if state is None:
        run.print(_("数据库是空的：运行 clinic-desktop --database-url {url} setup … 建立诊所。",
                    url=where))
    elif state.pending:
        run.print(_("数据库结构版本为 {current}，本程序为 {head}：运行 clinic-desktop "
                    "--database-url {url} init 升级。", current=state.current, head=state.head,
                    url=where))
    run.print(_("每台工作站：设置环境变量 CLINIC_DESKTOP_DATABASE_URL={url}，"
                "或启动时加 --database-url {url}。", url=where))
    return EXIT_OK

