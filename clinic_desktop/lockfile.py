"""One running app per data folder.

The lock is an OS-level lock on an open file (``fcntl.flock`` / ``msvcrt.locking``), so it
disappears with the process: a lock file left behind by a crash holds no lock and is simply
taken over. The file's text (pid, host) is only there to help a person reading it.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from clinic_desktop.errors import AlreadyRunning
from clinic_desktop.i18n import _


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> InstanceLock:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the app's life
        try:
            _lock(handle)
        except OSError as exc:
            handle.close()
            message = _("Clinic Desktop 已在这台电脑上打开（同一数据文件夹）。")
            raise AlreadyRunning(message) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid={os.getpid()} host={socket.gethostname()}\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        finally:
            self._handle.close()
            self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
