"""``encrypt`` (a plain clinic becomes an encrypted one) and ``unlock`` (the key stored again
from the recovery key), and what ``init``/``setup``/``demo`` need to create an encrypted clinic.

Secrets never come from the command line itself, where shell history keeps them: the recovery
key and a passphrase are read from a file (``--recovery-key-file``, ``--passphrase-file``) or
typed at a terminal prompt.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation, read_secret
from clinic_desktop.database_keys import PassphraseNeeded, read_key_text_file
from clinic_desktop.errors import EnvironmentProblem
from clinic_desktop.i18n import _
from clinic_desktop.lockfile import InstanceLock

T = TypeVar("T")


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    """Add this module's sub-commands to ``sub``; returns their handlers by name."""
    encrypt = sub.add_parser(
        "encrypt", help="encrypt the clinic's database (SQLCipher) and its attachments; "
        "prints the recovery key")
    _passphrase_option(encrypt)
    common(encrypt)
    unlock = sub.add_parser(
        "unlock", help="store the database key on this PC again, from the printed recovery key")
    unlock.add_argument("--recovery-key-file", required=True, metavar="FILE",
                        help="a file holding the recovery key (never type it on the command "
                        "line: shell history keeps it)")
    _passphrase_option(unlock)
    common(unlock)
    rekey = sub.add_parser(
        "rekey", help="give the encrypted database a new key (prints the new recovery key; "
        "the old one still opens earlier backups)")
    _passphrase_option(rekey)
    common(rekey)
    return {"encrypt": cmd_encrypt, "unlock": cmd_unlock, "rekey": cmd_rekey}


def _passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help="a start-up passphrase (first line), used only when neither the "
                        "keyring nor a key file can keep the key")


def add_encrypt_choice(parser: argparse.ArgumentParser, *, default: bool) -> None:
    """``--encrypt`` / ``--no-encrypt`` for the commands that create a clinic."""
    parser.add_argument("--encrypt", dest="encrypt", action="store_true", default=default,
                        help="encrypt the new clinic's database"
                        + (" (the default)" if default else ""))
    parser.add_argument("--no-encrypt", dest="encrypt", action="store_false",
                        help="keep the new clinic's database plain"
                        + ("" if default else " (the default)"))
    _passphrase_option(parser)


def read_passphrase(path: str | None, *, confirm: bool) -> str | None:
    """The first line of ``path``, or typed at a terminal (twice when ``confirm``); None when
    there is neither."""
    import sys

    if not path and not sys.stdin.isatty():
        return None
    return read_secret(path, prompt=_("启动口令："), no_terminal="", field="passphrase",
                       confirm=confirm) or None


def with_passphrase_if_needed(run: Invocation, store: Callable[[str | None], T]) -> T:
    """Call ``store`` without a passphrase; when only a passphrase can keep the key, again
    with one from ``--passphrase-file`` or the terminal."""
    try:
        return store(None)
    except PassphraseNeeded as exc:
        passphrase = read_passphrase(getattr(run.args, "passphrase_file", None), confirm=True)
        if passphrase is None:
            raise EnvironmentProblem(exc.message + " " + _(
                "没有终端可以输入：请用 --passphrase-file 给出口令（文件的第一行）。")) from exc
        return store(passphrase)


def new_clinic_key(run: Invocation) -> bytes | None:
    """The key a clinic about to be created is encrypted with (None: it stays plain). Made,
    or taken from ``--key-file``, and stored before the database file exists."""
    from clinic_desktop.services.platform.encryption import create_key

    if run.on_server or run.data_dir.database.exists() or not getattr(
            run.args, "encrypt", False):
        return None  # a server's data is protected by the server (see the README)
    given = given_key()
    made = with_passphrase_if_needed(
        run, lambda passphrase: create_key(run.data_dir, key=given, passphrase=passphrase))
    print_recovery_key(run, made.recovery)
    return made.key


def given_key() -> bytes | None:
    """The key ``--key-file`` (``CLINIC_DESKTOP_KEY_FILE``) names: a new or newly encrypted
    clinic takes it instead of a random one (an installer that keeps its keys itself)."""
    import os

    from clinic_desktop.database_keys import ENV_KEY_FILE

    given_file = os.environ.get(ENV_KEY_FILE)
    return read_key_text_file(Path(given_file)) if given_file else None


def print_recovery_key(run: Invocation, recovery: str) -> None:
    run.print(_("数据库已加密。恢复密钥（请打印或抄写后锁好；本机的密钥丢失时，没有它数据将无法找回）："))
    run.print("    " + recovery)


def cmd_encrypt(run: Invocation) -> int:
    from clinic_desktop.services.platform.encryption import (
        encrypt_database,
        seal_attachments,
    )
    from clinic_desktop.storage.soundness import quick_check
    from clinic_desktop.storage.sqlite_files import is_encrypted

    with InstanceLock(run.data_dir.ensure().lock_file):
        if is_encrypted(run.data_dir.database):
            # Already encrypted (an earlier run, perhaps stopped before the attachments):
            # finish the attachments with the clinic's own key (opening checks the file).
            db = run.open_for_writing()
            try:
                assert db.key is not None
                sealed = seal_attachments(run.data_dir, db.key)
            finally:
                db.close()
            run.print(_("数据库已经加密；又加密了 {n} 个附件文件。", n=sealed))
            return EXIT_OK
        problems = quick_check(run.data_dir.database) if run.data_dir.database.exists() else []
        if problems:
            raise EnvironmentProblem(_("数据库有完整性问题（{reason}），请先修复或恢复备份再加密。",
                                       reason="; ".join(problems[:3])))
        given = given_key()
        made = with_passphrase_if_needed(
            run, lambda passphrase: encrypt_database(run.data_dir, key=given,
                                                     passphrase=passphrase))
    print_recovery_key(run, made.recovery)
    plain_backups = sorted(run.data_dir.backups.glob("*.sqlite3"))
    if plain_backups:
        run.print(_("注意：backups 文件夹中之前的 {n} 个备份仍未加密；确认新的加密备份可用后，"
                    "请删除它们。", n=len(plain_backups)))
    return EXIT_OK


def cmd_rekey(run: Invocation) -> int:
    from clinic_desktop.services.platform.encryption import rekey_database

    with InstanceLock(run.data_dir.ensure().lock_file):
        run.open_read_only().close()  # the current key, from wherever it is kept
        made = with_passphrase_if_needed(
            run, lambda passphrase: rekey_database(run.data_dir, passphrase=passphrase))
    print_recovery_key(run, made.recovery)
    run.print(_("旧的恢复密钥仍能打开换密钥之前的备份：这些备份过期前请保留它。"))
    return EXIT_OK


def cmd_unlock(run: Invocation) -> int:
    from clinic_desktop.services.platform.encryption import unlock

    key = read_key_text_file(Path(run.args.recovery_key_file), field="recovery_key")
    stored = with_passphrase_if_needed(
        run, lambda passphrase: unlock(run.data_dir, key, passphrase=passphrase))
    where = {"keyring": _("系统密钥环"), "key_file": _("本机的密钥文件"),
             "passphrase": _("启动口令")}
    run.print(_("密钥已保存（{where}）：{path} 可以打开了。", where=where[str(stored)],
                path=run.data_dir.database))
    return EXIT_OK
