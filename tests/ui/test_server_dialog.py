"""连接服务器 from the first-run screen: a new workstation of a clinic that already works on a
PostgreSQL server connects to it instead of creating a clinic of its own; the password goes to
the keyring, the URL (without it) to server.json, and the next start goes there by itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import make_url

from clinic_desktop.clock import FixedClock
from clinic_desktop.paths import DataDir
from clinic_desktop.storage.server import given_url, saved_url
from tests.unit.test_messages import MemoryKeyring
from ui.app import Startup
from ui.dialogs.server_dialog import ServerDialog
from ui.dialogs.setup_dialog import SetupDialog
from ui.tasks import TaskManager

pytestmark = pytest.mark.postgresql


def _fill(dialog: ServerDialog, url: str, *, database: str | None = None) -> None:
    parsed = make_url(url)
    dialog.host.setText(str(parsed.host))
    dialog.port.setValue(int(parsed.port or 5432))
    dialog.database.setText(database or str(parsed.database))
    dialog.user.setText(str(parsed.username))
    dialog.password.setText("clinic-pass")


def test_a_new_workstation_connects_and_sets_up_the_clinic_on_the_server(
        qtbot: QtBot, tmp_path: Path, pg_url: str, fixed_clock: FixedClock,
        memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = DataDir(tmp_path / "workstation")
    offered: list[bool] = []

    def setup_exec(dialog: SetupDialog) -> int:
        connect = dialog.findChild(object, "connectServer")
        offered.append(connect is not None)
        if dialog.server_url is None and connect is not None:
            dialog.connect_server()  # first screen: 连接诊所的服务器…
            return int(dialog.result())
        for name, text in {"clinic_name": "仁爱口腔", "username": "boss",
                           "display_name": "王院长", "password": "long-enough-9",
                           "password_confirm": "long-enough-9"}.items():
            getattr(dialog, name).setText(text)
        dialog.submit()  # on the server: the clinic is created there
        return int(dialog.result())

    def server_exec(dialog: ServerDialog) -> int:
        _fill(dialog, pg_url)
        dialog.submit()
        return int(dialog.result())

    monkeypatch.setattr(SetupDialog, "exec", setup_exec)
    monkeypatch.setattr(ServerDialog, "exec", server_exec)
    startup = Startup(folder, clock=fixed_clock, synchronous_tasks=True)
    assert startup.open() is None
    try:
        actor = startup.authenticate(demo=False)
        assert actor is not None and actor.username == "boss"
        assert startup.db is not None and not startup.db.is_sqlite
        assert offered == [True, False]  # the server's own setup offers no second server
    finally:
        startup.close()
    stored = json.loads((folder.root / "server.json").read_text(encoding="utf-8"))
    assert "clinic-pass" not in json.dumps(stored)
    assert stored["url"] == saved_url(folder) == given_url(None, folder)
    logins = {name: secret for (_service, name), secret in memory_keyring.store.items()
              if name.startswith("database:")}
    assert list(logins.values()) == ["clinic-pass"]  # beside the empty local file's key

    # The next start goes to the server by itself and signs in there.
    again = Startup(folder, clock=fixed_clock, synchronous_tasks=True,
                    database_url=given_url(None, folder))
    assert again.open() is None
    try:
        assert again.db is not None and not again.db.is_sqlite
    finally:
        again.close()


def test_a_wrong_database_is_said_and_nothing_is_saved(
        qtbot: QtBot, tmp_path: Path, pg_url: str, memory_keyring: MemoryKeyring) -> None:
    folder = DataDir(tmp_path / "workstation")
    dialog = ServerDialog(folder, TaskManager(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.submit()
    assert dialog.errors.marked is dialog.host  # nothing typed: the first missing field
    _fill(dialog, pg_url, database="no_such_clinic")
    dialog.submit()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "无法连接数据库服务器" in dialog.error_label.text()
    assert "no_such_clinic" in dialog.error_label.text()
    assert not (folder.root / "server.json").exists()
    assert not [name for _service, name in memory_keyring.store if name.startswith("database:")]

