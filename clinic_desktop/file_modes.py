"""Owner-only files: the data folder is 0700 and everything in it 0600 (Linux and macOS).

The processes set ``umask 077`` at start (the CLI's ``main``, the GUI's ``run_gui``), so what
they create is private from birth; ``tighten`` puts a folder made by an older version (or
copied in by hand) right, and ``loose_entries`` is what ``clinic-desktop check`` reports. On
Windows the per-user profile's ACLs already keep other users out, and POSIX modes mean little:
nothing is checked there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
CHECKED = os.name == "posix"


def tighten(path: Path) -> None:
    """Make ``path`` (a folder or a file) owner-only, if this user owns it."""
    if not CHECKED or not path.exists():
        return
    info = path.stat()
    if info.st_uid != os.getuid():
        return
    wanted = PRIVATE_DIR if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, stat.S_IMODE(info.st_mode) & wanted)


def loose_entries(root: Path, *, limit: int = 20) -> list[Path]:
    """Files and folders under ``root`` (itself included) that group or others can read,
    write or enter; at most ``limit`` of them."""
    if not CHECKED or not root.exists():
        return []
    found: list[Path] = []
    for path in [root, *sorted(root.rglob("*"))]:
        if path.is_symlink():
            continue
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            found.append(path)
            if len(found) >= limit:
                break
    return found
