"""The GUI on a PostgreSQL server: no folder lock, so two workstations open the same clinic."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.paths import DataDir
from ui.app import Startup


@pytest.mark.postgresql
def test_two_workstations_open_the_same_server_clinic(
    qtbot: QtBot, pg_url: str, tmp_path: Path, fixed_clock: FixedClock
) -> None:
    desks = [Startup(DataDir(tmp_path / f"pc{n}"), clock=fixed_clock, database_url=pg_url)
             for n in (1, 2)]
    try:
        assert [desk.open() for desk in desks] == [None, None]
        assert all(desk.db is not None and not desk.db.is_sqlite for desk in desks)
        assert not DataDir(tmp_path / "pc1").database.exists()
        desks[0].backup_at_exit()  # a server's backups are the server's: nothing to do here
    finally:
        for desk in desks:
            desk.close()
