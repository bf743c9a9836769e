"""What every command gets: its arguments, the data folder, where to print, and the clock.

``Invocation`` is built once, in ``main``; it is the one place the command line makes a
``Context``, so a test that passes a fixed clock to ``main`` fixes the time of every command.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from sqlalchemy.exc import DBAPIError

from clinic_desktop.clock import Clock
from clinic_desktop.context import SYSTEM_ACTOR, Actor, Context
from clinic_desktop.errors import DatabaseUnusable, EnvironmentProblem, KeyRequired, UserError
from clinic_desktop.i18n import LANGUAGE_SETTING, _, chosen_language, set_language
from clinic_desktop.paths import DataDir
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.migrate import schema_state
from clinic_desktop.storage.soundness import Soundness, latest_backup
from clinic_desktop.storage.transactions import damaged_sentence

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_BUG = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # as a shell reports a program whose output pipe was closed


@dataclass(frozen=True)
class Invocation:
    args: argparse.Namespace
    data_dir: DataDir
    out: TextIO
    clock: Clock
    # A PostgreSQL server (``--database-url``): the data folder then keeps only logs and
    # local files, and any number of workstations may run at once.
    database_url: str | None = None

    @property
    def on_server(self) -> bool:
        return self.database_url is not None

    @property
    def where(self) -> str:
        """The clinic's database as a sentence names it: the folder, or the server."""
        if self.database_url is not None:
            from clinic_desktop.storage.server import shown

            return shown(self.database_url)
        return str(self.data_dir.root)

    def lock(self) -> AbstractContextManager[object]:
        """One running copy per SQLite data folder; none needed on a server."""
        if self.on_server:
            return nullcontext()
        from clinic_desktop.lockfile import InstanceLock

        return InstanceLock(self.data_dir.ensure().lock_file)

    def refuse_on_server(self, what: str) -> None:
        """Commands that work on the SQLite file itself are not available on a server yet."""
        if self.on_server:
            raise EnvironmentProblem(_(
                "{what} 只适用于数据文件夹中的 SQLite 数据库，PostgreSQL 服务器上暂不支持"
                "（请用服务器自己的工具，如 pg_dump）。", what=what))

    def context(self, db: Database, actor: Actor = SYSTEM_ACTOR) -> Context:
        return Context(db=db, actor=actor, clock=self.clock)

    def open_for_writing(self, *, key: bytes | None = None) -> Database:
        """Open (creating or upgrading) the database; the caller holds the folder's lock.
        A new database is created encrypted with ``key`` when one is given."""
        return self._in_clinic_language(self._open(key=key, now=self.clock.now()))

    def _open(self, **options: Any) -> Database:
        """``open_database``; a clinic whose key is kept wrapped with a passphrase asks for it
        at the terminal, three tries."""
        if self.database_url is not None:
            return open_database(
                url=self.database_url, upgrade=options.get("upgrade", True),
                now=options.get("now"), server_backups=self.data_dir.ensure().backups,
                upgrade_without_backup=bool(getattr(self.args, "without_backup", False)))
        try:
            return open_database(self.data_dir, **options)
        except KeyRequired as exc:
            if not exc.passphrase or options.get("key") is not None:
                raise
            return open_database(self.data_dir, **{**options, "key": self._ask_key(exc)})

    def _ask_key(self, required: KeyRequired) -> bytes:
        import getpass
        import sys

        from clinic_desktop.database_keys import read_key_info, unwrap_key

        info = read_key_info(self.data_dir)
        if info is None or not sys.stdin.isatty():
            raise EnvironmentProblem(required.message + " " + _(
                "没有终端可以输入：请用 --key-file 给出恢复密钥文件。")) from required
        for _attempt in range(3):
            key = unwrap_key(info, getpass.getpass(_("启动口令：") + " "))
            if key is not None:
                return key
            print(_("口令不对。"), file=sys.stderr)
        raise EnvironmentProblem(_("口令连续三次不对，已退出。"))

    def _in_clinic_language(self, db: Database) -> Database:
        """Without ``--lang``, messages and exports follow the clinic's language setting."""
        if not getattr(self.args, "lang", None):
            from clinic_desktop.services.clinic import read_setting

            with db.session() as session:
                set_language(chosen_language(read_setting(session, LANGUAGE_SETTING, None)))
        return db

    def open_read_only(self, *, soundness: Soundness = Soundness.NOW) -> Database:
        """For commands that only read: no upgrade, and a schema not at head is refused."""
        if not self.on_server and not self.data_dir.database.exists():
            raise EnvironmentProblem(_("{path} 中没有数据库。", path=self.data_dir.root))
        db = self._open(upgrade=False, now=self.clock.now(), soundness=soundness)
        try:
            with db.engine.connect() as connection:
                state = schema_state(connection)
        except DBAPIError as exc:
            db.close()
            raise DatabaseUnusable(damaged_sentence(self.data_dir.database,
                                                    latest_backup(self.data_dir))) from exc
        if state.pending:
            db.close()
            raise EnvironmentProblem(_(
                "数据库结构版本为 {current}，不是本程序的 {head}：请先运行 clinic-desktop init。",
                current=state.current or "-", head=state.head))
        return self._in_clinic_language(db)

    def print(self, line: str) -> None:
        print(line, file=self.out)


Command = Callable[[Invocation], int]


# Dates a clinic's records can mean; beyond them date arithmetic (the next day, a week's end)
# would overflow Python's calendar, and no visit or recall lies there.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise UserError(_("{option} 应为 YYYY-MM-DD 格式的日期，而不是“{value}”。",
                          option=option, value=value), field=option) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UserError(_("{option} 的日期 {value} 超出范围：请给 {first} 到 {last} 之间的日期。",
                          option=option, value=value, first=FIRST_DAY, last=LAST_DAY),
                        field=option)
    return day


def read_secret(secret_file: str | None, *, prompt: str, no_terminal: str,
                field: str = "password", confirm: bool = True) -> str:
    """A password or passphrase: the first line of ``secret_file``, or typed (twice when
    ``confirm``) at a terminal; never an argument, which shell history would keep. Without a
    file or a terminal the command is refused with ``no_terminal``."""
    import getpass
    import sys
    from pathlib import Path

    if secret_file:
        path = Path(secret_file)
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError as exc:
            raise UserError(_("找不到密码文件“{name}”。", name=path.name), field=field) from exc
        except UnicodeDecodeError as exc:
            raise UserError(_("密码文件“{name}”不是 UTF-8 文本。", name=path.name),
                            field=field) from exc
        except OSError as exc:
            raise UserError(_("无法读取口令文件 {path}：{reason}", path=path, reason=exc),
                            field=field) from exc
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        raise EnvironmentProblem(no_terminal)
    secret = getpass.getpass(prompt + " ")
    if confirm and getpass.getpass(_("再输入一次：") + " ") != secret:
        raise UserError(_("两次输入的密码不一致。"), field=field)
    return secret
