"""Where a clinic's data lives: one folder holds the database, attachments, backups and logs."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from clinic_desktop.errors import EnvironmentProblem
from clinic_desktop.file_modes import PRIVATE_DIR, tighten
from clinic_desktop.i18n import _

ENV_DATA_DIR = "CLINIC_DESKTOP_DATA_DIR"
DATABASE_NAME = "clinic.sqlite3"


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def lock_file(self) -> Path:
        return self.root / "clinic.lock"

    def ensure(self) -> DataDir:
        """Create the folder tree, or explain why it cannot be written."""
        try:
            for folder in (self.root, self.backups, self.attachments, self.logs):
                folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
                tighten(folder)
            # One probe per process and thread: two workstations starting at once must not
            # remove each other's probe.
            probe = self.root / f".write-test-{os.getpid()}-{threading.get_ident()}"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise EnvironmentProblem(
                _("数据文件夹 {path} 无法写入：{reason}", path=self.root,
                  reason=exc.strerror or exc)
            ) from exc
        return self


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("ClinicDesktop", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> DataDir:
    """``--data-dir`` wins, then ``CLINIC_DESKTOP_DATA_DIR``, then the per-user default."""
    if explicit:
        return DataDir(Path(explicit).expanduser().resolve())
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return DataDir(Path(from_env).expanduser().resolve())
    return DataDir(default_data_dir())
