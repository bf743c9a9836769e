"""The calendar: book by double-click, drag to move (refused moves spring back), resize,
status changes, completing a visit, the week view."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from pytestqt.qtbot import QtBot

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
) -> None:
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


def test_receptionist_completes_a_visit_without_the_clinical_summary(
    qtbot: QtBot, services: AppServices, clinic: dict[str, int],
) -> None:
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
    assert dialog.conflicts.isVisibleTo(dialog) and "已有预约" in dialog.conflicts.text()
    assert dialog.override.isVisibleTo(dialog)  # the administrator may override (加号)
    dialog.find_slots()
    dialog._use_slot(dialog.slots.item(0))
    assert dialog.when.dateTime().toPython() == local(10).replace(tzinfo=None)
    assert not dialog.conflicts.isVisibleTo(dialog)


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
