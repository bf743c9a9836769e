"""Restoring a backup, the same way from the command line and from the app.

The caller holds the data folder's lock and has closed its own connection to the database:
``restore_file`` checks the backup beside the database, moves the current file aside, puts
the backup in its place and copies back the attachments it refers to; then the restored file
is opened (upgrading an older schema after its own backup) and the restore audited in it.
"""

from __future__ import annotations

from pathlib import Path

from clinic_desktop.clock import Clock
from clinic_desktop.context import SYSTEM_ACTOR, Actor, Context
from clinic_desktop.errors import PermissionDenied
from clinic_desktop.i18n import _
from clinic_desktop.paths import DataDir
from clinic_desktop.permissions import Permission, has_permission
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.restore import RestoreResult, restore_file


def restore_backup(data_dir: DataDir, source: Path, *, clock: Clock,
                   actor: Actor = SYSTEM_ACTOR) -> RestoreResult:
    """Replace the database with ``source``; the permission is checked before anything moves
    (``record_restore`` checks it again in the restored file)."""
    from clinic_desktop.services.audit import record_restore

    if not has_permission(actor.role, Permission.SETTINGS_MANAGE):
        raise PermissionDenied(_("{user} 没有权限执行此操作（需要权限：{permission}）。",
                                 user=actor.display_name,
                                 permission=Permission.SETTINGS_MANAGE.value))
    # The file set aside is named in the local time of this computer.
    result = restore_file(data_dir, source, stamp=clock.now().astimezone())
    db = open_database(data_dir, now=clock.now())  # upgrades an older schema (after a backup)
    try:
        record_restore(Context(db=db, actor=actor, clock=clock), source=result.source,
                       moved_aside=result.moved_aside)
    finally:
        db.close()
    return result
