"""``connect``: sign this workstation in to the clinic's PostgreSQL server once.

The password is checked against the server, then kept in the OS keyring (never in a file or
a setting); every later ``--database-url`` without a password takes it from there.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation, read_secret
from clinic_desktop.errors import EnvironmentProblem, UserError
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
    grant = sub.add_parser(
        "grant-app-role", help="(run by the database's owner) let ROLE be the workstations' "
        "login: read and write the clinic's tables, only add to and read the audit log")
    grant.add_argument("role", metavar="ROLE", help="an existing PostgreSQL login role")
    common(grant)
    return {"connect": cmd_connect, "grant-app-role": cmd_grant_app_role}


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



_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def cmd_grant_app_role(run: Invocation) -> int:
    """The workstations sign in as a role that may change the clinic's data but only add to
    the audit log: the owner (who runs ``init``, ``setup``, upgrades) keeps the rest."""
    from sqlalchemy import text

    if not run.on_server:
        raise EnvironmentProblem(_(
            "grant-app-role 只用于 PostgreSQL 服务器：请加 --database-url。"))
    role = run.args.role
    if not _ROLE_NAME.fullmatch(role):
        raise UserError(_("角色名“{role}”无效：只能用小写字母、数字和下划线。", role=role),
                        field="role")
    db = run.open_read_only()
    try:
        with db.engine.begin() as connection:
            if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                                  {"r": role}).first() is None:
                raise UserError(_("服务器上没有角色“{role}”：请先用 createuser 建立它。",
                                  role=role), field="role")
            database = connection.execute(text("SELECT current_database()")).scalar_one()
            for statement in (
                    f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
                    f'GRANT USAGE ON SCHEMA public TO "{role}"',
                    f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public '
                    f'TO "{role}"',
                    f'REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM "{role}"',
                    f'REVOKE DELETE, TRUNCATE ON audit_head FROM "{role}"',
                    f'REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM "{role}"',
                    f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'):
                connection.execute(text(statement))
            if connection.execute(text("SELECT to_regclass('bulk_hold')")).scalar():
                # What an import sets aside, run as the owner (migration 29): its functions
                # write it, the workstations do not.
                connection.execute(text(f'REVOKE ALL ON bulk_hold FROM "{role}"'))
    finally:
        db.close()
    run.print(_("已授权角色 {role}：可读写诊所数据，审计日志只能新增和查看；结构升级（init）请用"
                "数据库所有者运行。", role=role))
    return EXIT_OK
