"""The calendar fits a 1280×650 screen in Chinese and in English: the page in its three views,
and every calendar dialog with what makes it tallest shown (conflicts, free slots, many
bookings under a doctor's time off)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDateTime, QPoint, QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.calendar import appointments_between
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff, list_doctors
from tests.ui.fit import SCREEN, fits
from ui.app_services import AppServices
from ui.calendar.booking_dialog import BookingDialog
from ui.calendar.columns_dialog import ColumnsDialog
from ui.calendar.dialogs import (
    CancelDialog,
    CompleteVisitDialog,
    RescheduleDialog,
    TimeOffDialog,
    WaitlistAddDialog,
    WaitlistDialog,
    WorkingHoursDialog,
)
from ui.calendar.page import CalendarPage
from ui.calendar.time_off_moves import TimeOffMovesDialog
from ui.main_window import MainWindow
from ui.widgets.fit_scroll import FitScrollArea

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 25)




@pytest.fixture
def busy(services: AppServices) -> list[int]:
    """Six doctors with long names, and twelve bookings of the first on Wednesday."""
    for n, name in enumerate(("王建国", "李秀英", "欧阳明辉", "司马长风", "张明", "诸葛青云")):
        doctor = add_staff(services.ctx, username=f"dr{n}", display_name=name,
                           role=Role.DOCTOR, password="pass1234", is_doctor=True).id
        schedule.set_working_hours(services.ctx, doctor, schedule.default_hours())
    first = list_doctors(services.ctx)[0].id
    booked = []
    for n in range(12):
        patient = create_patient(services.ctx, PatientInput(
            name=f"患者{n}号", mobile=f"1380013{n:04d}")).patient.id
        start = datetime.combine(DAY, time(9), SH) + timedelta(minutes=30 * n)
        booked.append(appts.book(services.ctx, BookingRequest(
            patient, first, start, start + timedelta(minutes=30)), override_reason="加号"))
    return booked


def check(qtbot: QtBot, dialog: QWidget, language: str) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(5)
    for size in (dialog.size(), dialog.sizeHint(), dialog.minimumSizeHint()):
        assert fits(size), (language, type(dialog).__name__, size)


def test_the_page_fits_in_every_view(language: str, qtbot: QtBot, services: AppServices,
                                     busy: list[int]) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    page = window.open_page("calendar")
    assert isinstance(page, CalendarPage)
    page.go(DAY)
    for mode, doctor in (("day", None), ("week", None), ("week", busy and 1)):
        page.mode.setCurrentIndex(page.mode.findData(mode))
        page.doctor_filter.setCurrentIndex(doctor or 0)
        qtbot.wait(5)
        assert fits(window.minimumSizeHint()), (language, mode, window.minimumSizeHint())


def test_the_dialogs_fit_with_conflicts_and_free_slots(
    language: str, qtbot: QtBot, services: AppServices, busy: list[int],
) -> None:
    views = appointments_between(services.ctx, datetime.combine(DAY, time(0), SH),
                                 datetime.combine(DAY, time(23), SH))
    first, second = views[0], views[1]
    booking = BookingDialog(services, start=first.start, doctor_id=first.doctor_id)
    booking.picker.query.setText("患者")
    booking.find_slots()
    assert booking.conflict_line.isVisibleTo(booking) and booking.finder.buttons
    check(qtbot, booking, language)
    moving = RescheduleDialog(services, second)
    moving.when.setDateTime(QDateTime(first.start.astimezone(SH).replace(tzinfo=None)))
    moving.find_slots()
    assert moving.conflict_line.isVisibleTo(moving)
    check(qtbot, moving, language)
    moves = TimeOffMovesDialog(services, tuple(busy), heading="—")
    check(qtbot, moves, language)
    for dialog in (TimeOffDialog(services), WorkingHoursDialog(services),
                   CompleteVisitDialog(services, first), CancelDialog(services, first),
                   WaitlistDialog(services, None), WaitlistAddDialog(services, first),
                   ColumnsDialog(list_doctors(services.ctx), [], set())):
        check(qtbot, dialog, language)


def test_the_booking_dialog_shows_conflicts_and_slots_without_scrolling(
    qtbot: QtBot, services: AppServices, busy: list[int],
) -> None:
    views = appointments_between(services.ctx, datetime.combine(DAY, time(0), SH),
                                 datetime.combine(DAY, time(23), SH))
    dialog = BookingDialog(services, start=views[0].start, doctor_id=views[0].doctor_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.picker.query.setText("患者")
    dialog.find_slots()
    qtbot.wait(5)
    assert dialog.height() <= SCREEN.height()
    viewport = dialog.findChild(FitScrollArea).viewport()
    for widget in (dialog.conflict_line.label, dialog.conflict_line.override,
                   dialog.finder.buttons[-1]):  # in sight, not under the scroll area's edge
        shown = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        assert widget.isVisible() and viewport.rect().contains(shown), (widget, shown)
