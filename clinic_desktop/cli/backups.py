"""``backup`` (one now) and ``backups`` (the list) for the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from clinic_desktop.cli.base import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE, Command, Invocation
from clinic_desktop.i18n import _


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    """Add this module's sub-commands to ``sub``; returns their handlers by name."""
    backup = sub.add_parser(
        "backup", help="back up the database and its attachments now, verified (exit 1: "
        "written but failed verification, 2: could not be written)")
    backup.add_argument("--to", metavar="DIR",
                        help="this folder only (default: backups/ and the second folder)")
    common(backup)
    listing = sub.add_parser("backups", help="list the backups, newest first")
    listing.add_argument("--json", action="store_true", help="one JSON list on stdout")
    common(listing)
    return {"backup": cmd_backup, "backups": cmd_backups}


def cmd_backup(run: Invocation) -> int:
    """Runs beside the app if it is open (the copy is consistent while it writes), so it does
    not take the folder's lock."""
    from clinic_desktop.services.platform.backups import backup_now

    to = Path(run.args.to).expanduser().resolve() if run.args.to else None
    db = run.open_read_only()
    try:
        result = backup_now(run.context(db), to=to)
    finally:
        db.close()
    for destination in result.destinations:
        if destination.file is not None:
            run.print(str(destination.file))
    for problem in result.problems:
        run.print(problem)
    if not result.written:
        return EXIT_UNUSABLE
    return EXIT_OK if result.ok else EXIT_FINDINGS


def cmd_backups(run: Invocation) -> int:
    from clinic_desktop.services.platform.backups import list_backups

    db = run.open_read_only()
    try:
        found = list_backups(run.context(db))
    finally:
        db.close()
    if run.args.json:
        json.dump([{"file": str(b.file), "time": b.time.isoformat(), "size": b.size,
                    "verified": b.verified, "reason": b.reason, "patients": b.patients,
                    "last_visit": b.last_visit} for b in found],
                  run.out, ensure_ascii=False, indent=1)
        run.out.write("\n")
        return EXIT_OK
    states = {True: _("已验证"), False: _("损坏"), None: _("未验证")}
    for b in found:
        run.print(f"{b.time.astimezone():%Y-%m-%d %H:%M}  {states[b.verified]}  "
                  f"{b.size / 2**20:.1f} MB  {b.file}")
    if not found:
        run.print(_("还没有备份。"))
    return EXIT_OK
