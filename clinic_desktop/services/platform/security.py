"""What 设置 → 安全 shows: is the data encrypted, where its key is kept, are the files private."""

from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.context import Context
from clinic_desktop.database_keys import read_key_info
from clinic_desktop.file_modes import loose_entries
from clinic_desktop.permissions import Permission


@dataclass(frozen=True)
class SecurityOverview:
    encrypted: bool
    key_kept: str  # "keyring", "key_file", "passphrase", "given" (--key-file) or "" (plain)
    data_folder: str
    loose_files: tuple[str, ...]  # files and folders other users can open


def security_overview(ctx: Context) -> SecurityOverview:
    ctx.require(Permission.SETTINGS_MANAGE)
    data_dir = ctx.db.data_dir
    if data_dir is None:  # a server database: the server's disk encryption and TLS
        return SecurityOverview(False, "", "", ())
    info = read_key_info(data_dir)
    kept = "" if not ctx.db.encrypted else (str(info.stored_in) if info is not None else "given")
    return SecurityOverview(ctx.db.encrypted, kept, str(data_dir.root),
                            tuple(str(p) for p in loose_entries(data_dir.root, limit=5)))
