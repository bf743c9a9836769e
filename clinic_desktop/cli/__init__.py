"""``clinic-desktop``: the GUI with no command, and headless commands for maintenance.

Exit codes are stable: 0 done, 1 done with findings, 2 unusable input or environment, with a
one-line reason on stderr; 3 a bug (one line naming the log, which holds the traceback);
141, silently, when whoever read the output closed it first (``… | head``).
``import`` exits 0 when it ran, rejected rows included (they are listed), and 2 when the file
cannot be used (then nothing is written).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import TextIO

from clinic_desktop import __version__
from clinic_desktop.cli import (
    audit_key,
    backups,
    encryption,
    loyalty,
    maintenance,
    migrate_to,
    records,
    reports,
    segments,
    server,
    staff,
)
from clinic_desktop.cli.base import (
    EXIT_BROKEN_PIPE,
    EXIT_BUG,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNUSABLE,
    Command,
    Invocation,
)
from clinic_desktop.clock import Clock, SystemClock
from clinic_desktop.database_keys import ENV_KEY_FILE
from clinic_desktop.errors import UserError, os_error_sentence
from clinic_desktop.i18n import _, chosen_language, set_language
from clinic_desktop.logs import current_log_path, setup_logging
from clinic_desktop.paths import resolve_data_dir
from clinic_desktop.storage.server import given_url

__all__ = ["EXIT_BUG", "EXIT_FINDINGS", "EXIT_OK", "EXIT_UNUSABLE", "build_parser", "main"]
log = logging.getLogger(__name__)


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--data-dir", default=default, metavar="DIR",
                        help="data folder (default: per-user folder, or $CLINIC_DESKTOP_DATA_DIR)")
    parser.add_argument("--lang", default=default, choices=["zh_CN", "en"],
                        help="language (default: the clinic's, else Chinese)")
    parser.add_argument("--database-url", default=default, metavar="URL",
                        help="a PostgreSQL server instead of the data folder's SQLite file: "
                        "postgresql://user@host/database (or $CLINIC_DESKTOP_DATABASE_URL; "
                        "the password comes from the keyring: see 'connect')")
    parser.add_argument("--key-file", default=default, metavar="FILE",
                        help="the database key: a file holding the recovery key, for scripted "
                        "and unattended use (or $CLINIC_DESKTOP_KEY_FILE)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinic-desktop", description="Clinic Desktop: offline-first clinic manager."
    )
    _common(parser, top=True)
    parser.add_argument("--version", action="version", version=f"clinic-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the app (the default)")
    gui.add_argument("--demo", action="store_true", help="sign in as the demo administrator")
    _common(gui, top=False)

    init = sub.add_parser("init", help="create or upgrade the database in the data folder")
    encryption.add_encrypt_choice(init, default=True)
    init.add_argument("--without-backup", action="store_true",
                      help="on a PostgreSQL server without pg_dump here: upgrade anyway (take "
                      "a backup on the server first)")
    _common(init, top=False)

    setup = sub.add_parser(
        "setup", help="set up a new clinic as the first-run dialog does (catalogue, care "
        "plans, templates, administrator)")
    setup.add_argument("--clinic-name", required=True, metavar="NAME", help="the clinic's name")
    setup.add_argument("--admin", required=True, metavar="USER",
                       help="the administrator's user name")
    setup.add_argument("--admin-name", metavar="NAME",
                       help="the administrator's name as shown (default: 管理员)")
    setup.add_argument("--password-file", metavar="FILE",
                       help="read the administrator's password from the first line of FILE "
                       "(default: ask on the terminal)")
    setup.add_argument("--timezone", default="Asia/Shanghai", metavar="TZ",
                       help="the clinic's time zone (default: Asia/Shanghai)")
    encryption.add_encrypt_choice(setup, default=True)
    _common(setup, top=False)

    demo = sub.add_parser("demo", help="create a demo clinic in an empty data folder")
    demo.add_argument("--patients", type=int, default=3000, help="number of demo patients")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same clinic)")
    demo.add_argument("--if-missing", action="store_true",
                      help="do nothing (exit 0) when the folder already holds a clinic")
    # The demo's data is fictional: plain unless asked, so it can be looked into.
    encryption.add_encrypt_choice(demo, default=False)
    _common(demo, top=False)

    check = sub.add_parser("check", help="verify database integrity and the audit chain")
    _common(check, top=False)

    restore = sub.add_parser(
        "restore", help="put a backup in place of the database (the current file is kept)")
    restore.add_argument("file", metavar="FILE", help="a backup, e.g. one from backups/")
    _common(restore, top=False)

    due = sub.add_parser("due", help="print the callback list as of a date (changes nothing)")
    due.add_argument("--date", metavar="YYYY-MM-DD",
                     help="everything due by the end of this day (default: what is due now)")
    due.add_argument("--json", action="store_true", help="one JSON list on stdout")
    _common(due, top=False)

    imp = sub.add_parser("import", help="import a legacy spreadsheet (.xlsx .xlsm .xls .ods .csv)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--sheet", metavar="NAME", help="worksheet (default: the first)")
    imp.add_argument("--header-row", type=int, metavar="N",
                     help="the header's row number (default: detected)")
    imp.add_argument("--mapping", metavar="FILE.json",
                     help='column and value mapping: {"columns": {"header label": "field"}, '
                     '"values": {"procedure": {"种植": "种植牙"}, "doctor": {"李医生": "李建国", '
                     '"张医生": {"inactive": "张伟"}}}}')
    imp.add_argument("--dry-run", action="store_true", help="report what would happen, write "
                     "nothing")
    imp.add_argument("--on-duplicate", choices=["merge", "skip", "create"], default="merge",
                     help="a patient already in the database: fill empty fields (merge, the "
                     "default), leave alone (skip), or add anyway (create)")
    imp.add_argument("--overwrite", action="store_true",
                     help="with merge: replace fields that already have a value")
    imp.add_argument("--errors", metavar="OUT.xlsx", help="write the rejected rows here")
    imp.add_argument("--json", action="store_true", help="one JSON object on stdout")
    _common(imp, top=False)

    exp = sub.add_parser("export", help="export patients, appointments, visits or the ledger")
    exp.add_argument("what", choices=["patients", "appointments", "visits", "ledger",
                                      "template"])
    exp.add_argument("out", metavar="OUT.xlsx")
    exp.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    exp.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    _common(exp, top=False)

    loy = sub.add_parser("loyalty", help="loyalty balances of every patient (changes nothing)")
    loy.add_argument("what", choices=["balances"])
    loy.add_argument("--json", action="store_true", help="one JSON list on stdout")
    _common(loy, top=False)

    def common(command: argparse.ArgumentParser) -> None:
        _common(command, top=False)

    HANDLERS.update(reports.add_parsers(sub, common))
    HANDLERS.update(segments.add_parsers(sub, common))
    HANDLERS.update(backups.add_parsers(sub, common))
    HANDLERS.update(staff.add_parsers(sub, common))
    HANDLERS.update(encryption.add_parsers(sub, common))
    HANDLERS.update(server.add_parsers(sub, common))
    HANDLERS.update(migrate_to.add_parsers(sub, common))
    HANDLERS.update(audit_key.add_parsers(sub, common))
    return parser


HANDLERS: dict[str, Command] = {
    "init": maintenance.cmd_init, "setup": maintenance.cmd_setup, "demo": maintenance.cmd_demo,
    "check": maintenance.cmd_check,
    "restore": maintenance.cmd_restore, "gui": maintenance.cmd_gui, "due": records.cmd_due,
    "import": records.cmd_import, "export": records.cmd_export, "loyalty": loyalty.cmd_loyalty,
}


# Commands that work on the SQLite file itself (backups, encryption): not on a server yet.
SQLITE_ONLY = {"backup", "backups", "restore", "encrypt", "unlock", "rekey"}


def _json_refusal(args: argparse.Namespace, out: TextIO, message: str,
                  field: str | None) -> None:
    """With ``--json``, a refusal is an object on stdout too, so a script reading the output
    gets the reason and not an empty read."""
    if getattr(args, "json", False):
        json.dump({"error": message, "field": field, "exit": EXIT_UNUSABLE}, out,
                  ensure_ascii=False)
        out.write("\n")


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         clock: Clock | None = None) -> int:
    """Run one command. ``clock`` is for tests; a real run takes the system's clock here,
    the one place the command line decides what time it is."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    set_language(chosen_language(args.lang))  # the clinic's setting applies once opened
    command = args.command or "gui"
    # Everything this process creates (database, logs, backups, attachments, exports in the
    # data folder) is readable by this user only.
    os.umask(0o077)
    try:
        if args.key_file:
            # Read where the key is looked for (``database_keys.find_key``): the GUI and every
            # command take it the same way as from the environment.
            os.environ[ENV_KEY_FILE] = str(Path(args.key_file).expanduser().resolve())
        data_dir = resolve_data_dir(args.data_dir)
        if command != "gui":
            setup_logging(data_dir.ensure().logs)
        run = Invocation(args=args, data_dir=data_dir, out=out, clock=clock or SystemClock(),
                         database_url=given_url(args.database_url, data_dir))
        if command in SQLITE_ONLY:
            run.refuse_on_server(command)
        return HANDLERS[command](run)
    except UserError as exc:
        # The sentence for the terminal; what caused it (a driver or file error) for the log.
        log.warning("%s refused: %s", command, exc, exc_info=exc.__cause__)
        print(f"clinic-desktop: {exc}", file=sys.stderr)
        _json_refusal(args, out, str(exc), exc.field)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("clinic-desktop: " + _("已中断。"), file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:
        # The reader of our output went away (``… --json | head``): nothing to tell it. What
        # was done is in the log; the exit status is a shell's for a closed pipe (128 + 13),
        # the command's own (a committed import stays committed) is not known to the reader.
        log.info("%s: the output pipe was closed", command)
        if out is sys.stdout:  # else Python's own flush at exit says it again
            with suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # a full disk, a read-only folder: the environment, not a bug
        log.warning("%s failed: %s", command, exc, exc_info=True)
        print("clinic-desktop: " + os_error_sentence(exc), file=sys.stderr)
        _json_refusal(args, out, os_error_sentence(exc), None)
        return EXIT_UNUSABLE
    except Exception as exc:
        # A bug: the traceback goes to the log, the terminal gets one line saying where.
        log.exception("%s failed", command)
        where = current_log_path()
        print("clinic-desktop: " + _("内部错误（{kind}: {reason}），详情已写入日志 {log}。",
                                     kind=type(exc).__name__, reason=exc, log=where or "-"),
              file=sys.stderr)
        return EXIT_BUG
