"""The calendar: book by double-click, drag to move (refused moves spring back), resize,
status changes, completing a visit, the week view."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QPainter
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from clinic_desktop.changes import ChangeSet
from clinic_desktop.clock import FixedClock
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.billing import get_balance
from clinic_desktop.services.calendar import appointments_between
from clinic_desktop.services.chairs import add_chair
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from tests.ui.modal import run_deferred_deletions, when_open
from ui.app_services import AppServices
from ui.calendar import page as page_module
from ui.calendar.booking_dialog import BookingDialog
from ui.calendar.canvas import CalendarCanvas
from ui.calendar.dialogs import CompleteVisitDialog
from ui.calendar.page import CalendarPage
from ui.main_window import MainWindow
from ui.tasks import TaskManager

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 25)  # a Wednesday


def local(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), SH)


@pytest.fixture
def clinic(services: AppServices) -> dict[str, int]:
    ids = {}
    doctors = (("dr.wang", "王建国", "#3A7BD5"), ("dr.li", "李秀英", "#E4572E"))
    for username, name, colour in doctors:
        ids[username] = add_staff(services.ctx, username=username, display_name=name,
                                  role=Role.DOCTOR, password="pass1234", is_doctor=True,
                                  colour=colour).id
        schedule.set_working_hours(services.ctx, ids[username], schedule.default_hours())
    ids["chair"] = add_chair(services.ctx, name="1号椅位").id
    for name, mobile in (("张三", "13800138000"), ("李四", "13900139000")):
        ids[name] = create_patient(services.ctx, PatientInput(name=name, mobile=mobile)).patient.id
    return ids


@pytest.fixture
def page(window: MainWindow, clinic: dict[str, int]) -> CalendarPage:
    result = window.open_page("calendar")
    assert isinstance(result, CalendarPage)
    result.go(DAY)
    return result


def book(services: AppServices, clinic: dict[str, int], patient: str, doctor: str,
         start: datetime, minutes: int = 30) -> int:
    return appts.book(services.ctx, BookingRequest(
        clinic[patient], clinic[doctor], start, start + timedelta(minutes=minutes)))


def point(canvas: CalendarCanvas, column: int, when: datetime, dx: float = 20) -> QPoint:
    return QPoint(int(column * canvas.column_width + dx), int(canvas.axis.y_for(when)) + 3)


def mouse(canvas: CalendarCanvas, kind: QEvent.Type, pos: QPoint,
          button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, QPointF(pos), QPointF(canvas.mapToGlobal(pos)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    {QEvent.Type.MouseButtonPress: canvas.mousePressEvent,
     QEvent.Type.MouseMove: canvas.mouseMoveEvent,
     QEvent.Type.MouseButtonRelease: canvas.mouseReleaseEvent,
     QEvent.Type.MouseButtonDblClick: canvas.mouseDoubleClickEvent}[kind](event)


def drag(canvas: CalendarCanvas, start: QPoint, end: QPoint) -> None:
    mouse(canvas, QEvent.Type.MouseButtonPress, start)
    mouse(canvas, QEvent.Type.MouseMove, end)
    mouse(canvas, QEvent.Type.MouseButtonRelease, end)


def choose(dialog: BookingDialog, row: int) -> None:
    """Click a patient in the booking dialog's results."""
    results = dialog.picker.results
    results.setCurrentItem(results.topLevelItem(row))


def day_views(services: AppServices) -> list:
    return appointments_between(services.ctx, local(0), local(23, 59))


def test_double_click_books_with_doctor_and_time_prefilled(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[BookingDialog] = []

    def fake_exec(dialog: BookingDialog) -> int:
        seen.append(dialog)
        dialog.picker.query.setText("张三")
        choose(dialog, 0)
        dialog.submit()
        return 1

    monkeypatch.setattr(BookingDialog, "exec", fake_exec)
    canvas = page.view.canvas
    column = next(i for i, c in enumerate(canvas.data.columns) if c.doctor_id == clinic["dr.li"])
    mouse(canvas, QEvent.Type.MouseButtonDblClick, point(canvas, column, local(10, 20)))
    dialog = seen[0]
    assert dialog.doctor.currentData() == clinic["dr.li"]
    assert dialog.when.dateTime().toPython() == local(10, 15).replace(tzinfo=None)
    [view] = day_views(services)
    assert (view.patient_name, view.doctor_id) == ("张三", clinic["dr.li"])
    assert view.start == local(10, 15)
    assert len(page.view.canvas._blocks) == 1


def test_drag_onto_a_clash_is_refused_with_the_reason_and_springs_back(
    page: CalendarPage, services: AppServices, clinic: dict[str, int], messages: list,
) -> None:
    book(services, clinic, "张三", "dr.wang", local(9))
    moving = book(services, clinic, "李四", "dr.wang", local(10))
    page.reload()
    canvas = page.view.canvas
    column = next(i for i, c in enumerate(canvas.data.columns) if c.doctor_id == clinic["dr.wang"])
    drag(canvas, point(canvas, column, local(10)), point(canvas, column, local(9)))
    assert messages and messages[-1][0] == "warning"
    assert "王建国医生" in messages[-1][1] and "已有预约" in messages[-1][1]
    views = {v.id: v for v in day_views(services)}
    assert views[moving].start == local(10)
    block = next(b for b in canvas._blocks if b.view.id == moving)
    assert abs(block.rect.top() - canvas.axis.y_for(local(10))) < 2


def test_drag_moves_and_the_lower_edge_resizes(
    page: CalendarPage, services: AppServices, clinic: dict[str, int], messages: list,
) -> None:
    appt = book(services, clinic, "张三", "dr.wang", local(10))
    page.reload()
    canvas = page.view.canvas
    column = next(i for i, c in enumerate(canvas.data.columns) if c.doctor_id == clinic["dr.wang"])
    drag(canvas, point(canvas, column, local(10)), point(canvas, column, local(11)))
    [view] = day_views(services)
    assert (view.start, view.end) == (local(11), local(11, 30))
    block = next(b for b in canvas._blocks if b.view.id == appt)
    edge = QPoint(int(block.rect.center().x()), int(block.rect.bottom()) - 2)
    drag(canvas, edge, edge + QPoint(0, int(canvas.axis.height_for(30))))
    [view] = day_views(services)
    assert (view.start, view.end) == (local(11), local(12))
    assert messages == []


def test_status_change_and_complete_visit(
    qtbot: QtBot, page: CalendarPage, services: AppServices, clinic: dict[str, int],
    fixed_clock: FixedClock,
) -> None:
    fixed_clock.set(local(9, 30))  # the booking's day: arrived is recorded on it
    book(services, clinic, "张三", "dr.wang", local(10))
    page.reload()
    for status in ("confirmed", "arrived", "in_treatment"):
        [view] = day_views(services)
        page.set_status(view, status)
    [view] = day_views(services)
    assert view.status == "in_treatment"
    dialog = CompleteVisitDialog(services, view, page)
    qtbot.addWidget(dialog)
    assert dialog.notes.isVisibleTo(dialog)  # 病历摘要: clinical, offered to CLINICAL_EDIT
    combo, site, amount = dialog.lines[0]
    combo.setCurrentIndex(combo.findText("根管治疗"))
    assert amount.text() == "1500.00"
    site.setText("46")
    dialog.submit()
    assert dialog.visit_id is not None
    assert get_balance(services.ctx, clinic["张三"]).owed == Decimal("1500.00")
    [view] = day_views(services)
    assert view.status == "completed"


def test_completing_a_visit_goes_on_to_the_payment_of_that_visit(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
    monkeypatch: pytest.MonkeyPatch, fixed_clock: FixedClock,
) -> None:
    from ui.dialogs.payment_dialog import PaymentDialog

    fixed_clock.set(local(9, 30))  # the booking's day: arrived is recorded on it

    book(services, clinic, "张三", "dr.wang", local(10))
    for status in ("arrived", "in_treatment"):
        [view] = day_views(services)
        page.set_status(view, status)
    [view] = day_views(services)

    def fill(dialog: CompleteVisitDialog) -> int:
        combo, _site, _amount = dialog.lines[0]
        combo.setCurrentIndex(combo.findText("根管治疗"))
        assert dialog.pay_now.isChecked()
        dialog.submit()
        return int(dialog.result())

    opened: list[tuple[int, object]] = []

    def pay(dialog: PaymentDialog) -> int:
        opened.append((dialog.patient_id, dialog.visit.currentData()))
        return 0

    monkeypatch.setattr(CompleteVisitDialog, "exec", fill)
    monkeypatch.setattr(PaymentDialog, "exec", pay)
    page.complete(view)
    [done] = day_views(services)
    assert done.status == "completed"
    assert len(opened) == 1 and opened[0][0] == clinic["张三"] and opened[0][1] is not None


def test_receptionist_completes_a_visit_without_the_clinical_summary(
    qtbot: QtBot, services: AppServices, clinic: dict[str, int], fixed_clock: FixedClock,
) -> None:
    fixed_clock.set(local(9, 30))  # the booking's day: arrived is recorded on it
    book(services, clinic, "张三", "dr.wang", local(10))
    for status in ("arrived", "in_treatment"):
        [view] = day_views(services)
        appts.change_status(services.ctx, view.id, version=view.version, status=status)
    add_staff(services.ctx, username="front.b", display_name="孙悦", role=Role.RECEPTIONIST,
              password="pass1234")
    actor = sign_in(services.ctx.db, username="front.b", password="pass1234",
                    clock=services.ctx.clock)
    reception = AppServices(services.ctx.as_actor(actor), TaskManager(synchronous=True),
                            services.clinic)
    [view] = day_views(services)
    dialog = CompleteVisitDialog(reception, view)
    qtbot.addWidget(dialog)
    assert not dialog.notes.isVisibleTo(dialog)
    combo, _site, _amount = dialog.lines[0]
    combo.setCurrentIndex(combo.findText("根管治疗"))
    dialog.submit()
    assert dialog.visit_id is not None
    assert get_balance(services.ctx, clinic["张三"]).owed == Decimal("1500.00")


def test_week_view_of_one_doctor_and_chair_columns(page: CalendarPage,
                                                   clinic: dict[str, int]) -> None:
    page.mode.setCurrentIndex(page.mode.findData("week"))
    page.doctor_filter.setCurrentIndex(page.doctor_filter.findData(clinic["dr.wang"]))
    columns = page.view.canvas.data.columns
    assert [c.day.weekday() for c in columns] == list(range(7))
    assert {c.doctor_id for c in columns} == {clinic["dr.wang"]}
    page.mode.setCurrentIndex(page.mode.findData("day"))
    page.doctor_filter.setCurrentIndex(0)
    page.group.setCurrentIndex(page.group.findData("chair"))
    assert [c.title for c in page.view.canvas.data.columns] == ["1号椅位"]


def test_booking_dialog_shows_conflicts_live_and_finds_a_free_slot(
    qtbot: QtBot, services: AppServices, clinic: dict[str, int]
) -> None:
    book(services, clinic, "张三", "dr.wang", local(9), minutes=60)
    dialog = BookingDialog(services, start=local(9, 30), doctor_id=clinic["dr.wang"])
    qtbot.addWidget(dialog)
    dialog.picker.query.setText("李四")
    line = dialog.conflict_line
    assert line.isVisibleTo(dialog) and "已有预约" in line.text()
    assert line.override.isVisibleTo(dialog)  # the administrator may override (加号)
    dialog.find_slots()
    dialog.finder.buttons[0].click()
    assert dialog.when.dateTime().toPython() == local(10).replace(tzinfo=None)
    assert not line.isVisibleTo(dialog)


def test_page_is_registered_first(window: MainWindow) -> None:
    assert window.page_keys[0] == "calendar"
    assert page_module.SPEC.permission is not None


def test_reschedule_dialog_and_waitlist_from_the_calendar(
    qtbot: QtBot, page: CalendarPage, services: AppServices, clinic: dict[str, int],
) -> None:
    from PySide6.QtCore import QDateTime

    from clinic_desktop.services.waitlist import active_waitlist
    from ui.calendar.dialogs import RescheduleDialog, WaitlistAddDialog

    book(services, clinic, "张三", "dr.wang", local(10))
    [view] = day_views(services)
    dialog = RescheduleDialog(services, view, page)
    qtbot.addWidget(dialog)
    dialog.when.setDateTime(QDateTime(local(12, 30).replace(tzinfo=None)))  # lunch break
    dialog.submit()
    assert "不在出诊时间内" in dialog.errors.text
    dialog.when.setDateTime(QDateTime(local(14).replace(tzinfo=None)))
    dialog.doctor.setCurrentIndex(dialog.doctor.findData(clinic["dr.li"]))
    dialog.submit()
    [view] = day_views(services)
    assert (view.start, view.doctor_id) == (local(14), clinic["dr.li"])
    add = WaitlistAddDialog(services, view, page)
    qtbot.addWidget(add)
    add.parts["morning"].setChecked(True)
    add.submit()
    [entry] = active_waitlist(services.ctx)
    assert entry.patient_name == "张三" and entry.day_parts == ("morning",)


# -- the views fill the width; the time column; painting -------------------------------------
def shown_at(qtbot: QtBot, window: MainWindow, width: int = 1280, height: int = 650) -> None:
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(10)


def test_columns_fill_the_width_and_follow_a_resize(
    qtbot: QtBot, window: MainWindow, page: CalendarPage, clinic: dict[str, int],
) -> None:
    shown_at(qtbot, window)
    view, canvas = page.view, page.view.canvas
    viewport = view.scroll_area.viewport()
    assert canvas.width() == viewport.width()  # no empty grey strip beside the columns
    assert canvas.column_width * 2 == pytest.approx(canvas.width())
    before = canvas.column_width
    shown_at(qtbot, window, 1600, 800)
    assert canvas.column_width > before + 100
    assert canvas.column_width * 2 == pytest.approx(viewport.width())
    assert not view.scroll_area.horizontalScrollBar().isVisible()


def test_one_doctors_week_shows_seven_days_without_scrolling_sideways(
    qtbot: QtBot, window: MainWindow, page: CalendarPage, clinic: dict[str, int],
) -> None:
    shown_at(qtbot, window)
    page.mode.setCurrentIndex(page.mode.findData("week"))
    page.doctor_filter.setCurrentIndex(page.doctor_filter.findData(clinic["dr.wang"]))
    qtbot.wait(10)
    canvas = page.view.canvas
    assert len(canvas.data.columns) == 7
    assert not page.view.scroll_area.horizontalScrollBar().isVisible()
    assert canvas.column_width * 7 == pytest.approx(page.view.scroll_area.viewport().width())


def drawn_texts(widget: object, monkeypatch: pytest.MonkeyPatch) -> list[tuple[QRectF, str,
                                                                              QFont]]:
    """(rect, text, font) of every drawText(QRectF, flags, str) while ``widget`` paints."""
    seen: list[tuple[QRectF, str, QFont]] = []
    original = QPainter.drawText

    def record(painter: QPainter, *args: object) -> object:
        if len(args) == 3 and isinstance(args[0], QRectF) and isinstance(args[2], str):
            seen.append((QRectF(args[0]), args[2], QFont(painter.font())))
        return original(painter, *args)  # type: ignore[call-overload]

    with monkeypatch.context() as patch:
        patch.setattr(QPainter, "drawText", record)
        widget.grab()  # type: ignore[attr-defined]
    return seen


def test_hour_labels_stay_on_their_lines_once_scrolled(
    qtbot: QtBot, window: MainWindow, page: CalendarPage, monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown_at(qtbot, window)
    view = page.view
    axis = view.canvas.axis
    view.scroll_to_y(axis.y_for(time(11)) + 5)  # 08:00–11:00 scrolled away
    qtbot.wait(10)
    offset = view.scroll_area.verticalScrollBar().value()
    assert offset > 0
    labels = drawn_texts(view.times, monkeypatch)
    centres = {text: rect.center().y() for rect, text, _font in labels}
    assert "08:00" not in centres and "11:00" not in centres  # not stacked at the top
    assert len(centres) == len(labels) >= 3
    for text, y in centres.items():
        line = axis.y_for(time(int(text[:2]))) - offset
        edge = y <= 16 or y >= view.times.height() - 16  # the edges are pushed inside
        assert abs(y - line) < 1 or edge, text  # on its line
    ys = sorted(centres.values())
    assert all(b - a > 20 for a, b in zip(ys, ys[1:], strict=False))


def test_a_short_booking_draws_whole_lines_and_its_status_uncut(
    qtbot: QtBot, window: MainWindow, page: CalendarPage, services: AppServices,
    clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    short = book(services, clinic, "张三", "dr.wang", local(10), minutes=20)
    long = book(services, clinic, "李四", "dr.li", local(10), minutes=60)
    for appointment in (short, long):
        appts.change_status(services.ctx, appointment, version=1, status="confirmed")
    page.reload()
    shown_at(qtbot, window, 900, 650)  # narrow columns
    canvas = page.view.canvas
    blocks = {b.view.id: b.rect for b in canvas._blocks}
    drawn = drawn_texts(canvas, monkeypatch)
    for appointment in (short, long):
        inside = [(r, t, f) for r, t, f in drawn if blocks[appointment].contains(r.center())]
        assert inside and any(t == "已确认" for _r, t, _f in inside), inside
        for rect, text, font in inside:
            metrics = QFontMetrics(font)
            assert rect.bottom() <= blocks[appointment].bottom() + 0.5, text  # never cut off
            assert rect.height() >= metrics.height() - 0.5, text  # never half a line
            assert metrics.horizontalAdvance(text) <= rect.width() + 1, text  # elided, not cut
    assert sum(1 for r, _t, _f in drawn if blocks[short].contains(r.center())) == 2  # name,
    # and the status beside it: a 20-minute booking has room for one line


def test_time_off_is_drawn_under_the_bookings_it_covers(
    qtbot: QtBot, window: MainWindow, page: CalendarPage, services: AppServices,
    clinic: dict[str, int],
) -> None:
    appointment = book(services, clinic, "张三", "dr.wang", local(10), minutes=90)
    schedule.add_time_off(services.ctx, clinic["dr.wang"], start=local(9), end=local(12),
                          reason="临时外出")
    page.reload()
    shown_at(qtbot, window)
    canvas = page.view.canvas
    rect = next(b.rect for b in canvas._blocks if b.view.id == appointment)
    image = canvas.grab().toImage()
    # The lower part of the block holds no text: one colour, no hatching showing through.
    y = int(rect.bottom()) - 6
    colours = {image.pixel(x, y) for x in range(int(rect.left()) + 10, int(rect.right()) - 6)}
    assert len(colours) == 1
    above = int(rect.top()) - 8  # 09:00–10:00: time off, no booking
    hatched = {image.pixel(x, above) for x in range(int(rect.left()) + 10,
                                                     int(rect.right()) - 6)}
    assert len(hatched) > 1  # the hatching is there, only not through the booking


def test_writes_go_through_the_operation_runner(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
) -> None:
    heard: list[tuple[ChangeSet, object]] = []
    services.changed.connect(lambda changes, by: heard.append((changes, by)))
    appointment = book(services, clinic, "张三", "dr.wang", local(10))
    [view] = day_views(services)
    page.set_status(view, "confirmed")
    assert heard and heard[-1][1] is page
    changes = heard[-1][0]
    assert changes.appointments == {appointment}
    assert changes.wide != ChangeSet.everything().wide  # not the "everything changed" shim
    assert [v.status for v in day_views(services)] == ["confirmed"]  # and the page shows it
    assert page.view.canvas._blocks[0].view.status == "confirmed"
    source = "".join(p.read_text(encoding="utf-8")
                     for p in Path(page_module.__file__).parent.glob("*.py"))
    assert "services.notify(" not in source  # the "everything changed" shim is gone
    writes = re.findall(r"\b(?:book|book_new_patient|reschedule|change_status|add_time_off|"
                        r"complete_appointment|set_working_hours|add_to_waitlist|"
                        r"resolve_waitlist|queue_message)\(\s*self\.services\.ctx", source)
    assert writes == []  # every write runs in an operation, none on the shared context


# -- booking: where 新预约 opens, who is booked ------------------------------------------------
def capture_booking(monkeypatch: pytest.MonkeyPatch) -> list[BookingDialog]:
    seen: list[BookingDialog] = []

    def fake_exec(dialog: BookingDialog) -> int:
        seen.append(dialog)
        return 0

    monkeypatch.setattr(BookingDialog, "exec", fake_exec)
    return seen


def test_new_booking_is_a_toolbar_button_and_opens_at_the_first_free_slot(
    qtbot: QtBot, window: MainWindow, page: CalendarPage, services: AppServices,
    clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = capture_booking(monkeypatch)
    assert page.new_button.isVisibleTo(page) and not page.new_button.icon().isNull()
    assert page.new_button.text() == "新预约"
    # Wang (the first column) is on leave on the day shown; Li is booked until 10:00.
    schedule.add_time_off(services.ctx, clinic["dr.wang"], start=local(8), end=local(19))
    book(services, clinic, "张三", "dr.li", local(9), minutes=60)
    page.new_button.click()
    assert seen[-1].doctor.currentData() == clinic["dr.li"]
    assert seen[-1].when.dateTime().toPython() == local(10).replace(tzinfo=None)
    shown_at(qtbot, window)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N
    assert len(seen) == 2 and seen[-1].doctor.currentData() == clinic["dr.li"]


def test_a_booking_dialog_is_gone_once_the_booking_is_made(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
) -> None:
    """Run for real (``exec``), the dialog gives its booking to the page and is then deleted:
    a receptionist's hundred bookings a day do not stay behind as hidden dialogs."""
    opened = when_open(BookingDialog, BookingDialog.submit)
    booked = page.book_for_patient(clinic["张三"])
    assert booked is not None and opened  # read from the dialog after its exec returned
    assert page.findChildren(BookingDialog) == opened
    run_deferred_deletions()
    assert page.findChildren(BookingDialog) == []


@pytest.mark.qt_log_ignore("This plugin does not support")  # a popup, offscreen
def test_a_bookings_right_click_menu_is_gone_once_closed(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
) -> None:
    book(services, clinic, "张三", "dr.li", local(9))
    [view] = appointments_between(services.ctx, local(0), local(23, 59))
    before = len(page.findChildren(QMenu))
    shown = when_open(QMenu, QMenu.close)
    page.context_menu(view, QPoint(100, 100))
    assert shown and len(page.findChildren(QMenu)) == before + 1
    run_deferred_deletions()
    assert len(page.findChildren(QMenu)) == before


def test_booking_for_a_patient_starts_from_now_at_a_free_slot(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = capture_booking(monkeypatch)
    today = DAY - timedelta(days=1)  # the fixed clock: Tuesday 10:00
    schedule.add_time_off(services.ctx, clinic["dr.wang"],
                          start=datetime.combine(today, time(8), SH),
                          end=datetime.combine(today, time(19), SH))
    appts.book(services.ctx, BookingRequest(
        clinic["李四"], clinic["dr.li"], datetime.combine(today, time(10), SH),
        datetime.combine(today, time(10, 45), SH)))
    page.book_for_patient(clinic["张三"])
    dialog = seen[-1]
    assert dialog.fixed_patient == clinic["张三"]
    assert dialog.doctor.currentData() == clinic["dr.li"]
    assert dialog.when.dateTime().toPython() == datetime.combine(today, time(10, 45))


def test_the_booking_dialog_picks_nobody_until_the_user_does(
    qtbot: QtBot, services: AppServices, clinic: dict[str, int],
) -> None:
    from clinic_desktop.services.billing import TreatmentLine, record_visit
    from clinic_desktop.services.catalogue import list_procedures

    older = create_patient(services.ctx, PatientInput(
        name="张桂", mobile="13912345678", sex="F", birth_date=date(1961, 3, 2))).patient.id
    younger = create_patient(services.ctx, PatientInput(
        name="张桂", mobile="13698765432", sex="F", birth_date=date(1994, 8, 19))).patient.id
    cleaning = next(p for p in list_procedures(services.ctx) if p.name == "超声洁牙")
    record_visit(services.ctx, younger, visit_date=date(2026, 10, 12), doctor_id=clinic["dr.li"],
                 lines=[TreatmentLine(cleaning.id, Decimal("300"))])
    dialog = BookingDialog(services, start=local(10), doctor_id=clinic["dr.wang"])
    qtbot.addWidget(dialog)
    dialog.picker.query.setText("张桂")
    results = dialog.picker.results
    rows = [[results.topLevelItem(r).text(c) for c in range(results.columnCount())]
            for r in range(results.topLevelItemCount())]
    assert sorted(rows) == sorted([["张桂", "女", "65", "13912345678", "未就诊", rows[0][5]
                                    if rows[0][3] == "13912345678" else rows[1][5]],
                                   ["张桂", "女", "32", "13698765432", "2026-10-12",
                                    rows[0][5] if rows[0][3] == "13698765432"
                                    else rows[1][5]]])
    assert dialog.picker.chosen() is None  # nothing picked silently
    dialog.submit()
    assert "请搜索并选择患者" in dialog.errors.text and day_views(services) == []
    row = next(r for r in range(2) if results.topLevelItem(r).text(3) == "13698765432")
    choose(dialog, row)
    dialog.submit()
    [view] = day_views(services)
    assert view.patient_id == younger != older and dialog.result() == 1


def test_a_refused_or_cancelled_booking_leaves_no_new_patient_behind(
    qtbot: QtBot, services: AppServices, clinic: dict[str, int],
) -> None:
    from clinic_desktop.services.patient_search import search_patients

    book(services, clinic, "张三", "dr.wang", local(10))
    dialog = BookingDialog(services, start=local(10), doctor_id=clinic["dr.wang"])
    qtbot.addWidget(dialog)
    dialog.new_name.setText("王小明")
    dialog.new_mobile.setText("13700137000")
    assert dialog.conflict_line.isVisibleTo(dialog)  # the doctor is busy then
    dialog.submit()  # no 加号 reason: refused
    assert "无法预约" in dialog.errors.text
    assert search_patients(services.ctx, "13700137000") == []
    dialog.reject()
    assert search_patients(services.ctx, "13700137000") == []
    again = BookingDialog(services, start=local(11), doctor_id=clinic["dr.wang"])
    qtbot.addWidget(again)
    again.new_name.setText("王小明")
    again.new_mobile.setText("13700137000")
    again.submit()
    [hit] = search_patients(services.ctx, "13700137000")
    assert {v.patient_id for v in day_views(services)} == {clinic["张三"], hit.id}
    duplicate = BookingDialog(services, start=local(14), doctor_id=clinic["dr.li"])
    qtbot.addWidget(duplicate)
    duplicate.new_name.setText("王晓明")
    duplicate.new_mobile.setText("13700137000")
    duplicate.submit()  # that mobile is 王小明's: shown, not chosen, nothing booked
    assert "请在左侧的结果中选择这位患者" in duplicate.errors.text
    assert duplicate.picker.results.topLevelItemCount() == 1
    assert duplicate.picker.chosen() is None and len(day_views(services)) == 2


def test_reschedule_checks_live_and_finds_free_slots(
    qtbot: QtBot, services: AppServices, clinic: dict[str, int],
) -> None:
    from PySide6.QtCore import QDateTime

    from ui.calendar.dialogs import RescheduleDialog

    book(services, clinic, "张三", "dr.wang", local(9), minutes=60)
    moving = book(services, clinic, "李四", "dr.li", local(15))
    view = next(v for v in day_views(services) if v.id == moving)
    dialog = RescheduleDialog(services, view)
    qtbot.addWidget(dialog)
    assert not dialog.conflict_line.isVisibleTo(dialog)
    dialog.doctor.setCurrentIndex(dialog.doctor.findData(clinic["dr.wang"]))
    dialog.when.setDateTime(QDateTime(local(9, 30).replace(tzinfo=None)))
    line = dialog.conflict_line
    assert line.isVisibleTo(dialog) and "王建国医生" in line.text() and "已有预约" in line.text()
    slots = dialog.find_slots()
    assert slots[0].start == local(10) and slots[0].doctor_id == clinic["dr.wang"]
    dialog.finder.buttons[0].click()
    assert not line.isVisibleTo(dialog)
    dialog.submit()
    moved = next(v for v in day_views(services) if v.id == moving)
    assert (moved.doctor_id, moved.start) == (clinic["dr.wang"], local(10))


def test_time_off_over_bookings_opens_a_list_to_move_them_and_tell_the_patients(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtCore import QDateTime

    from clinic_desktop.services.messages import outbox
    from ui.calendar.dialogs import TimeOffDialog
    from ui.calendar.time_off_moves import DOCTOR, NEW_TIME, TimeOffMovesDialog

    first = book(services, clinic, "张三", "dr.wang", local(9))
    second = book(services, clinic, "李四", "dr.wang", local(10))

    def fill_time_off(dialog: TimeOffDialog) -> int:
        dialog.doctor.setCurrentIndex(dialog.doctor.findData(clinic["dr.wang"]))
        dialog.start.setDateTime(QDateTime(local(8).replace(tzinfo=None)))
        dialog.end.setDateTime(QDateTime(local(19).replace(tzinfo=None)))
        dialog.submit()
        return dialog.result()

    lists: list[TimeOffMovesDialog] = []

    def work_the_list(dialog: TimeOffMovesDialog) -> int:
        lists.append(dialog)
        assert [dialog.table.item(r, NEW_TIME).text() for r in range(2)] == [
            "11-26 09:00  王建国", "11-26 09:30  王建国"]  # distinct slots after the leave
        combo = dialog.table.cellWidget(1, DOCTOR)
        combo.setCurrentIndex(combo.findData(clinic["dr.li"]))  # 李四 to Li, same time
        assert dialog.table.item(1, NEW_TIME).text() == "11-25 10:00  李秀英"
        dialog.move_all()
        assert dialog.pending() == []
        return 0

    monkeypatch.setattr(TimeOffDialog, "exec", fill_time_off)
    monkeypatch.setattr(TimeOffMovesDialog, "exec", work_the_list)
    page.add_time_off()
    assert len(lists) == 1 and lists[0].ids == [first, second]
    views = {v.id: v for v in appointments_between(services.ctx, local(0),
                                                   local(0) + timedelta(days=2))}
    assert (views[first].doctor_id, views[first].start) == (clinic["dr.wang"],
                                                          local(9) + timedelta(days=1))
    assert (views[second].doctor_id, views[second].start) == (clinic["dr.li"], local(10))
    notices = sorted(m.body for m in outbox(services.ctx) if "预约已改到" in m.body)
    assert len(notices) == 2 and any("11月26日 09:00" in n for n in notices)
    assert any("11月25日 10:00" in n for n in notices)


# -- the compact week, the filter, the day sheet, the waitlist --------------------------------
def test_the_all_doctors_week_is_a_compact_grid(
    page: CalendarPage, services: AppServices, clinic: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    book(services, clinic, "张三", "dr.wang", local(9))
    book(services, clinic, "李四", "dr.wang", local(10))
    book(services, clinic, "李四", "dr.li", local(9) + timedelta(days=1))
    calls: list[tuple[datetime, datetime]] = []
    original = page_module.appointments_between

    def counting(ctx: object, start: datetime, end: datetime, **kwargs: object) -> list:
        calls.append((start, end))
        return original(ctx, start, end, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(page_module, "appointments_between", counting)
    page.mode.setCurrentIndex(page.mode.findData("week"))
    grid = page.week_grid
    assert page.stack.currentWidget() is page.week_scroll
    assert calls == []  # counted in the database, not every booking with its patient
    assert [d.id for d in grid.data.doctors] == [clinic["dr.wang"], clinic["dr.li"]]
    assert grid.data.count(clinic["dr.wang"], DAY) == 2
    assert grid.data.count(clinic["dr.li"], DAY + timedelta(days=1)) == 1
    assert page.count.text() == "共 3 个预约"
    tip = grid.tooltip_html(grid.data.doctors[0], DAY)
    assert "09:00–09:30 张三" in tip and "10:00–10:30 李四" in tip and len(calls) == 1
    grid.day_requested.emit(clinic["dr.li"], DAY + timedelta(days=1))  # a double-click
    assert page.mode.currentData() == "day" and page.day == DAY + timedelta(days=1)
    assert [c.doctor_id for c in page.view.canvas.data.columns] == [clinic["dr.li"]]


def test_the_doctor_filter_follows_the_column_order(
    page: CalendarPage, clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.calendar.columns_dialog import ColumnsDialog

    def reorder(dialog: ColumnsDialog) -> int:
        dialog.list.setCurrentRow(1)
        dialog._move(-1)  # 李秀英 up
        dialog.submit()
        return 1

    monkeypatch.setattr(ColumnsDialog, "exec", reorder)
    page.choose_columns()
    assert [c.doctor_id for c in page.view.canvas.data.columns] == [clinic["dr.li"],
                                                                    clinic["dr.wang"]]
    names = [page.doctor_filter.itemText(i) for i in range(page.doctor_filter.count())]
    assert names == ["全部医生", "李秀英", "王建国"]


def test_the_day_sheet_repeats_its_header_on_every_page(
    page: CalendarPage, services: AppServices, clinic: dict[str, int], tmp_path: Path,
) -> None:
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QTextDocument, QTextTable

    from ui.calendar.day_sheet import save_day_sheet_pdf

    for n in range(60):  # a long day: every ten minutes, 08:00 to 18:00
        start = local(8) + timedelta(minutes=10 * n)
        appts.book(services.ctx, BookingRequest(clinic["张三" if n % 2 else "李四"],
                                                clinic["dr.wang"], start,
                                                start + timedelta(minutes=10)),
                   override_reason="长日程")
    html = page._sheet()
    assert "<thead>" in html
    document = QTextDocument()
    document.setHtml(html)
    document.setPageSize(QSizeF(794, 1123))  # A4 at 96 dpi
    assert document.pageCount() >= 2
    table = next(f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable))
    assert table.format().headerRowCount() == 1
    layout = document.documentLayout()
    header = layout.blockBoundingRect(table.cellAt(1, 0).firstCursorPosition().block()).top() \
        - layout.blockBoundingRect(table.cellAt(0, 0).firstCursorPosition().block()).top()
    page_two = next(r for r in range(1, table.rows())
                    if layout.blockBoundingRect(table.cellAt(r, 0).firstCursorPosition()
                                                .block()).top() >= 1123)
    top = layout.blockBoundingRect(table.cellAt(page_two, 0).firstCursorPosition().block()).top()
    assert top - 1123 >= header  # room for the header row, repeated above it
    pdf = tmp_path / "日程.pdf"
    save_day_sheet_pdf(str(pdf), html)
    assert pdf.read_bytes().count(b"/Type /Page\n") + pdf.read_bytes().count(
        b"/Type /Page ") + pdf.read_bytes().count(b"/Type/Page") >= 2


def test_an_empty_waitlist_says_so_instead_of_showing_a_row(
    qtbot: QtBot, services: AppServices, clinic: dict[str, int],
) -> None:
    from ui.calendar.dialogs import WaitlistDialog

    dialog = WaitlistDialog(services, None)
    qtbot.addWidget(dialog)
    assert dialog.empty.isVisibleTo(dialog) and not dialog.list.isVisibleTo(dialog)
    assert dialog.list.count() == 0
    assert not dialog.ok_button().isVisibleTo(dialog)
    assert dialog.cancel_button().text() == "关闭"
