"""A receptionist's day of booking dialogs, on the demo clinic, offscreen.

Each round opens the booking dialog from the calendar for real (``exec``, as 新预约 does),
and closes it. Measured: how long the dialog takes to open (from the click to its event loop
running), and the memory the process keeps per dialog once they are closed (the resident
size after 300 more, over 300). Before dialogs were deleted on closing, each stayed a hidden
child of the page: 1.35 MB a booking dialog, for the whole day.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Context  # noqa: E402
from clinic_desktop.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, seed_demo  # noqa: E402
from clinic_desktop.paths import DataDir  # noqa: E402
from clinic_desktop.services.auth import sign_in  # noqa: E402
from clinic_desktop.services.clinic import read_clinic  # noqa: E402
from clinic_desktop.storage.database import open_database  # noqa: E402
from ui.app_services import AppServices  # noqa: E402
from ui.calendar.booking_dialog import BookingDialog  # noqa: E402
from ui.calendar.page import CalendarPage  # noqa: E402
from ui.tasks import TaskManager  # noqa: E402

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)
MORE = 300


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_booking_dialogs_of_a_day(benchmark: object, qapp: QApplication,
                                  tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    db = open_database(DataDir(tmp_path / "demo"), now=NOW)
    seed_demo(db, clock=clock, patients=300)
    actor = sign_in(db, username=DEMO_ADMIN_USERNAME, password=DEMO_ADMIN_PASSWORD, clock=clock)
    services = AppServices(Context(db=db, actor=actor, clock=clock),
                           TaskManager(synchronous=True), read_clinic(db))
    page = CalendarPage(services)
    page.resize(1280, 650)
    page.show()
    opened_at: list[float] = []
    took: list[float] = []

    def close_when_open() -> None:
        took.append(time.perf_counter() - opened_at[-1])
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, BookingDialog)
        dialog.reject()

    def one_dialog() -> None:
        QTimer.singleShot(0, close_when_open)
        opened_at.append(time.perf_counter())
        page.new_booking()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    for _ in range(20):  # first openings load fonts, translations, the patient index
        one_dialog()
    before = _resident_mb()
    for _ in range(MORE):
        one_dialog()
    kept = (_resident_mb() - before) / MORE
    took.clear()
    benchmark.pedantic(one_dialog, rounds=50, iterations=1)  # type: ignore[attr-defined]
    benchmark.extra_info["open_ms_median"] = round(  # type: ignore[attr-defined]
        sorted(took)[len(took) // 2] * 1000, 1)
    benchmark.extra_info["kept_mb_per_dialog"] = round(kept, 3)  # type: ignore[attr-defined]
    print(f"\nbooking dialog: opens in {sorted(took)[len(took) // 2] * 1000:.1f} ms (median), "
          f"keeps {kept * 1024:.0f} kB a dialog once closed")
    assert page.findChildren(BookingDialog) == []
    page.close()
    db.close()
