from __future__ import annotations

from pathlib import Path

import pytest

from clinic_desktop.errors import AlreadyRunning
from clinic_desktop.lockfile import InstanceLock


def test_second_instance_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "clinic.lock").acquire()
    try:
        with pytest.raises(AlreadyRunning, match="已在这台电脑上打开"):
            InstanceLock(tmp_path / "clinic.lock").acquire()
    finally:
        first.release()
    again = InstanceLock(tmp_path / "clinic.lock").acquire()
    assert again.held
    again.release()


def test_stale_lock_file_from_a_crash_is_taken_over(tmp_path: Path) -> None:
    lock_path = tmp_path / "clinic.lock"
    lock_path.write_text("pid=999999 host=crashed\n")
    with InstanceLock(lock_path) as lock:
        assert lock.held
        assert "pid=" in lock_path.read_text() and "999999" not in lock_path.read_text()
