"""matplotlib is warmed up after sign-in for a manager (who sees the dashboard), never for a
receptionist, and never by start-up itself. Each case is a fresh Python process, because
``sys.modules`` is the honest witness and this test process has imported matplotlib already
(or will, in another test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_desktop.context import Actor, Context
from clinic_desktop.permissions import Role
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.database import Database
from tests.conftest import FIXED_NOW

PASSWORD = "Warm-Up-2026"

# Signs in as argv[2] through the app's own Startup, as ``clinic-desktop gui`` does, shows the
# window and paints it, then lets the event loop run until matplotlib is loaded or argv[5]
# seconds have passed. Each warm-up notes which matplotlib modules were already imported when
# it began: start-up and everything until then must have imported none.
PROBE = """
import gc, json, sys, time
from datetime import datetime
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication
from clinic_desktop.clock import FixedClock
from clinic_desktop.paths import DataDir
from clinic_desktop.services.auth import sign_in
from ui import chart_warmup
from ui.app import Startup
from ui.widgets.bar_chart import matplotlib_loaded

real_load = chart_warmup.load_matplotlib
before_warm_up = []


def noting_load():
    before_warm_up.append(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"))
    real_load()


chart_warmup.load_matplotlib = noting_load
app = QApplication([])
QCoreApplication.setOrganizationName("ClinicDesktopTests")
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[3])
chart_warmup.WARM_UP_DELAY_MS = int(sys.argv[4])
startup = Startup(DataDir(Path(sys.argv[1])), clock=FixedClock(datetime.fromisoformat(
    sys.argv[6])), synchronous_tasks=True)
assert startup.open() is None
actor = sign_in(startup.db, username=sys.argv[2], password=sys.argv[7], clock=startup.clock)
window = startup.show_main_window(actor)
window.grab()
app.processEvents()
waited = time.monotonic()
while not matplotlib_loaded() and time.monotonic() - waited < float(sys.argv[5]):
    app.processEvents()
    time.sleep(0.02)
print(json.dumps({"pages": window.page_keys, "before_warm_up": before_warm_up,
                  "loaded": matplotlib_loaded(), "imported": "matplotlib" in sys.modules,
                  "canvas": "matplotlib.backends.backend_qtagg" in sys.modules,
                  "collector": gc.isenabled()}))
startup.close()
"""


def _sign_in_and_wait(folder: Path, tmp_path: Path, username: str, *, delay_ms: int,
                      wait_s: float) -> dict[str, object]:
    settings = tmp_path / f"settings-{username}"
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), username, str(settings), str(delay_ms),
         str(wait_s), FIXED_NOW.isoformat(), PASSWORD],
        capture_output=True, text=True, timeout=180, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def clinic_folder(clinic_db: tuple[Database, Actor], fixed_clock: object) -> Path:
    db, admin = clinic_db
    ctx = Context(db=db, actor=admin, clock=fixed_clock)  # type: ignore[arg-type]
    add_staff(ctx, username="boss.li", display_name="李经理", role=Role.MANAGER,
              password=PASSWORD)
    add_staff(ctx, username="front.sun", display_name="孙悦", role=Role.RECEPTIONIST,
              password=PASSWORD)
    assert db.data_dir is not None
    return db.data_dir.root


def test_a_manager_gets_matplotlib_warmed_up_after_the_window_shows(
        clinic_folder: Path, tmp_path: Path) -> None:
    seen = _sign_in_and_wait(clinic_folder, tmp_path, "boss.li", delay_ms=300, wait_s=60)
    assert "dashboard" in seen["pages"]  # type: ignore[operator]
    # One warm-up, and start-up (the window shown and painted, its first events) had imported
    # none of matplotlib before it began.
    assert seen["before_warm_up"] == [[]]
    assert seen["loaded"] and seen["canvas"]  # then the warm-up did, with the Qt canvas
    assert seen["collector"]  # held off only while it imported


def test_a_receptionist_never_imports_matplotlib(clinic_folder: Path, tmp_path: Path) -> None:
    # Waits four times the delay past the window: a warm-up scheduled for her would have run.
    seen = _sign_in_and_wait(clinic_folder, tmp_path, "front.sun", delay_ms=300, wait_s=1.2)
    assert "dashboard" not in seen["pages"]  # type: ignore[operator]
    assert seen["before_warm_up"] == [] and not seen["imported"] and not seen["loaded"]
