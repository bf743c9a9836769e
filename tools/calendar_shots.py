"""Calendar screens of a demo clinic, offscreen on a 1280×650 screen, to look at.

    QT_QPA_PLATFORM="offscreen:configfile=/tmp/scr.json" \\
        python -m tools.calendar_shots OUT_DIR zh_CN|en [QM_FILE [CORE_JSON]]

QM_FILE (English UI strings not yet in the shipped .qm) and CORE_JSON (English core messages
not yet in core_en.json) let new screens be checked before their translations are merged.
Writes day.png, week-one.png, week-all.png, booking.png, reschedule.png, time-off.png and
day-sheet-1.png, day-sheet-2.png (a long day's sheet, pages one and two).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (  # noqa: E402
    QCoreApplication,
    QDateTime,
    QRectF,
    QSettings,
    QSizeF,
    QTranslator,
)
from PySide6.QtGui import QImage, QPainter, QTextDocument  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from clinic_desktop import i18n as core_i18n  # noqa: E402
from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Context  # noqa: E402
from clinic_desktop.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, seed_demo  # noqa: E402
from clinic_desktop.paths import DataDir  # noqa: E402
from clinic_desktop.services import appointments as appts  # noqa: E402
from clinic_desktop.services import schedule  # noqa: E402
from clinic_desktop.services.appointments import BookingRequest  # noqa: E402
from clinic_desktop.services.auth import sign_in  # noqa: E402
from clinic_desktop.services.calendar import appointments_between  # noqa: E402
from clinic_desktop.services.clinic import read_clinic  # noqa: E402
from clinic_desktop.services.patients import PatientInput, create_patient  # noqa: E402
from clinic_desktop.storage.database import open_database  # noqa: E402
from ui.app import apply_style  # noqa: E402
from ui.app_services import AppServices  # noqa: E402
from ui.i18n import install_language  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.tasks import TaskManager  # noqa: E402

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai


def settle(app: QApplication, widget: QWidget) -> QWidget:
    widget.show()
    for _ in range(4):
        app.processEvents()
    return widget


def save(app: QApplication, widget: QWidget, path: Path) -> None:
    settle(app, widget)
    widget.grab().save(str(path))
    print(path, widget.size().width(), widget.size().height())


def sheet_pages(html: str, out: Path, stem: str) -> None:
    """The day sheet as the printer lays it out (A4 at 96 dpi), pages one and two."""
    document = QTextDocument()
    document.setHtml(html)
    document.setPageSize(QSizeF(794, 1123))
    for page in range(min(2, document.pageCount())):
        image = QImage(794, 1123, QImage.Format.Format_RGB32)
        image.fill(0xFFFFFF)
        painter = QPainter(image)
        painter.translate(0, -page * 1123)
        document.drawContents(painter, QRectF(0, page * 1123, 794, 1123))
        painter.end()
        image.save(str(out / f"{stem}-{page + 1}.png"))


def main(out: Path, language: str, qm: str | None, core: str | None) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName("ClinicDesktopShots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    install_language(app, language)
    if qm:
        extra = QTranslator(app)
        if extra.load(qm):
            app.installTranslator(extra)
    if core and language != "zh_CN":
        catalog = core_i18n._catalog(language)
        catalog.update(json.loads(Path(core).read_text(encoding="utf-8")))
    apply_style(app)
    folder = DataDir(Path(tempfile.mkdtemp()) / "clinic")
    db = open_database(folder, now=NOW)
    clock = FixedClock(NOW)
    seed_demo(db, clock=clock, patients=300)
    actor = sign_in(db, username=DEMO_ADMIN_USERNAME, password=DEMO_ADMIN_PASSWORD, clock=clock)
    services = AppServices(Context(db=db, actor=actor, clock=clock),
                           TaskManager(synchronous=True), read_clinic(db))
    window = MainWindow(services)
    window.resize(1280, 650)
    page = window.open_page("calendar")
    from ui.calendar.page import CalendarPage

    assert isinstance(page, CalendarPage)
    settle(app, window)
    page.go(date(2026, 11, 24))
    page.view.scroll_to_y(page.view.canvas.axis.y_for(time(9)))
    save(app, window, out / "day.png")
    page.mode.setCurrentIndex(page.mode.findData("week"))
    save(app, window, out / "week-all.png")
    page.doctor_filter.setCurrentIndex(1)
    page.view.scroll_to_y(page.view.canvas.axis.y_for(time(9)))
    save(app, window, out / "week-one.png")
    page.mode.setCurrentIndex(page.mode.findData("day"))
    page.doctor_filter.setCurrentIndex(0)

    from ui.calendar.booking_dialog import BookingDialog
    from ui.calendar.dialogs import RescheduleDialog
    from ui.calendar.time_off_moves import TimeOffMovesDialog

    zone = services.clinic.zone
    day = datetime.combine(date(2026, 11, 25), time(0), zone)
    views = [v for v in appointments_between(services.ctx, day, day + timedelta(days=1))
             if v.status in ("booked", "confirmed")]
    busy = views[0]
    for mobile, sex, born in (("13912345678", "F", date(1961, 3, 2)),
                              ("13698765432", "F", date(1994, 8, 19))):
        create_patient(services.ctx, PatientInput(name="张桂", mobile=mobile, sex=sex,
                                                  birth_date=born))
    booking = BookingDialog(services, start=busy.start, doctor_id=busy.doctor_id, parent=window)
    booking.picker.query.setText("张桂")
    booking.find_slots()
    save(app, booking, out / "booking.png")
    booking.reject()
    other = views[1]
    moving = RescheduleDialog(services, other, window)
    moving.when.setDateTime(QDateTime(busy.start.astimezone(zone).replace(tzinfo=None)))
    moving.doctor.setCurrentIndex(moving.doctor.findData(busy.doctor_id))
    moving.find_slots()
    save(app, moving, out / "reschedule.png")
    moving.reject()
    doctor = busy.doctor_id
    result = schedule.add_time_off(services.ctx, doctor, start=day + timedelta(hours=8),
                                   end=day + timedelta(hours=19), reason="外出进修")
    affected = result.affected_appointment_ids
    moves = TimeOffMovesDialog(services, affected, parent=window,
                               heading=f"11-25 08:00–19:00 · {len(affected)}")
    save(app, moves, out / "time-off.png")
    moves.reject()
    long_day = datetime.combine(date(2026, 12, 7), time(8), zone)
    patients = [v.patient_id for v in views]
    for n in range(60):  # a long day for one doctor: ten-minute bookings, 08:00 to 18:00
        start = long_day + timedelta(minutes=10 * n)
        appts.book(services.ctx, BookingRequest(patients[n % len(patients)], doctor, start,
                                                start + timedelta(minutes=10)),
                   override_reason="演示：长日程")
    page.go(long_day.date())
    sheet_pages(page._sheet(), out, "day-sheet")
    for dialog in window.findChildren(QDialog):
        dialog.deleteLater()
    db.close()
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(main(Path(args[0]), args[1] if len(args) > 1 else "zh_CN",
                          args[2] if len(args) > 2 else None, args[3] if len(args) > 3 else None))
