"""Stored text is shown as text: `<`, `&` and HTML tags in every free-text field appear
literally on every screen that shows them (security review: "Text shown as text").

Each screen is a function returning the strings a person would read there, worked out as
Qt does: a label, tooltip or message box whose text Qt treats as rich is rendered through
QTextDocument first, so an unescaped ``<b>粗</b>`` comes back as ``粗`` and fails the check.
To cover a new screen, add one line to SCREENS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QAbstractItemModel, QDate, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QTextDocument
from PySide6.QtWidgets import QLabel, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from clinic_desktop.permissions import Role
from clinic_desktop.rules.care_plans import CarePlan, Offset, PlanStep
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import billing, care, engagement, family, profile, schedule
from clinic_desktop.services import messages as outbox_service
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.attachments import add_attachment
from clinic_desktop.services.calendar import appointments_between
from clinic_desktop.services.catalogue import save_procedure
from clinic_desktop.services.chairs import add_chair
from clinic_desktop.services.patients import (
    PatientInput,
    create_patient,
    list_sources,
    load_patient,
    set_sources,
)
from clinic_desktop.services.staff import add_staff
from tests.ui.shown import shown
from ui.app_services import AppServices
from ui.calendar.booking_dialog import BookingDialog
from ui.calendar.canvas import CalendarCanvas
from ui.calendar.day_sheet import day_sheet_html
from ui.calendar.page import CalendarPage
from ui.dialogs.patient_actions import MergeDialog
from ui.main_window import MainWindow
from ui.pages.audit_page import AuditPage
from ui.pages.callbacks_page import CallbacksPage
from ui.pages.messages_page import MessagesPage
from ui.pages.patients_page import PatientsPage

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 25)  # the day after the fixed clock's today
NAME = '赵<span style="font-size:40pt">VIP</span>&amp;<9'
ALLERGY = "血压<90 慎用肾上腺素 <b>粗</b>&amp;"
FILE_NAME = "扫描<i>Q&amp;<9.txt"  # no "/" in a file name, so an opening tag only
# What the values above turn into when rendered as HTML; no screen may show these.
MANGLED = ("粗&", "VIP&", "扫描Q")


def mark(field: str) -> str:
    """A free-text value with `<`, `&` (as an entity, to catch double decoding) and a tag."""
    return f"{field}<b>粗</b>&amp;<90 x"


# -- what a person reads -------------------------------------------------------------------
def labels(widget: QWidget) -> list[str]:
    return [shown(label.text(), label.textFormat()) for label in widget.findChildren(QLabel)
            if label.isVisibleTo(widget)]


def cells(model: QAbstractItemModel) -> list[str]:
    """Display text of a model's cells (plain in item views)."""
    return [str(model.index(row, column).data(Qt.ItemDataRole.DisplayRole) or "")
            for row in range(model.rowCount()) for column in range(model.columnCount())]


def cell_tips(model: QAbstractItemModel) -> list[str]:
    """Tooltips of a model's cells, as QToolTip shows them (it guesses the format)."""
    tips = (model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            for row in range(model.rowCount()) for column in range(model.columnCount()))
    return [shown(str(tip)) for tip in tips if tip]


# -- one patient with every free-text field filled with markup -----------------------------
@dataclass
class Scene:
    services: AppServices
    window: MainWindow
    qtbot: QtBot
    messages: list[tuple[str, str]]
    monkeypatch: pytest.MonkeyPatch
    patient_id: int
    relative_id: int
    doctor_id: int
    appointment_id: int

    def patients_page(self) -> PatientsPage:
        page = self.window.open_page("patients")
        assert isinstance(page, PatientsPage)
        page.open_patient(self.patient_id)
        return page

    def panel_tab(self, key: str) -> QWidget:
        panel = self.patients_page().panel
        assert panel.tabs.indexOf(panel.tab_pages[key]) >= 0, key
        return panel.tab_pages[key]

    def calendar(self) -> CalendarPage:
        page = self.window.open_page("calendar")
        assert isinstance(page, CalendarPage)
        page.go(DAY)
        return page

    def view(self) -> object:
        start = datetime.combine(DAY, time(0), SH)
        return next(v for v in appointments_between(self.services.ctx, start,
                                                    start + timedelta(days=1))
                    if v.id == self.appointment_id)


@pytest.fixture
def scene(qtbot: QtBot, window: MainWindow, services: AppServices, tmp_path: Path,
          messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch) -> Scene:
    ctx = services.ctx
    doctor = add_staff(ctx, username="dr.mark", display_name=mark("医生"), role=Role.DOCTOR,
                       password="pass1234", is_doctor=True, colour="#3A7BD5").id
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    chair = add_chair(ctx, name=mark("椅位")).id
    procedure = save_procedure(ctx, None, name=mark("项目"), category="补牙", high_value=False,
                               default_minutes=30, price=Decimal("100"), colour="#3A7BD5")
    care.save_plan(ctx, CarePlan(
        key="escape", name=mark("计划"), categories=(), procedures=(procedure.name,),
        steps=(PlanStep("s1", Offset(1, "days"), "followup_call", mark("事由")),)))
    set_sources(ctx, [*list_sources(ctx), mark("来源")])
    pid = create_patient(ctx, PatientInput(
        name=NAME, mobile="13800138000", occupation=mark("职业"), address=mark("地址"),
        source=mark("来源"), notes=mark("备注"))).patient.id
    relative = create_patient(ctx, PatientInput(name=mark("家属"),
                                                mobile="13900139000")).patient.id
    family.link_family(ctx, pid, relative, relation="spouse")
    profile.update_medical(ctx, pid, profile.MedicalInfo(
        (mark("药"),), ALLERGY, mark("慢性病"), mark("既往史"), mark("家族史"), mark("主诉")))
    tag = profile.create_tag(ctx, name=mark("标签"))
    profile.set_tag(ctx, pid, tag.id, on=True)
    field = profile.define_custom_field(ctx, name=mark("字段"), kind="text")
    profile.set_custom_values(ctx, pid, {field.id: mark("字段值")})
    billing.record_visit(ctx, pid, visit_date=date(2026, 11, 24), doctor_id=doctor,
                         lines=[billing.TreatmentLine(procedure.id, Decimal("100"),
                                                      site=mark("牙位"), notes=mark("治疗"))],
                         notes=mark("病历"))
    billing.add_entry(ctx, pid, kind="payment", amount=Decimal("50"), method="现金",
                      note=mark("收款"))
    engagement.log_contact(ctx, pid, channel="phone", summary=mark("联系"),
                           outcome=mark("结果"))
    engagement.add_feedback(ctx, pid, satisfaction=None, complaint=mark("投诉"))
    start = datetime.combine(DAY, time(10), SH)
    end = start + timedelta(minutes=30)
    appts.book(ctx, BookingRequest(pid, doctor, start, end, chair_id=chair))
    # The one looked at: the same patient and time again, an overbooking (加号) with a reason.
    appointment = appts.book(ctx, BookingRequest(
        pid, doctor, start, end, procedure_type_ids=(procedure.id,), notes=mark("预约备注")),
        override_reason=mark("加号"))
    outbox_service.save_template(ctx, "reminder", name=mark("模板"), body=mark("正文") + "{姓名}")
    outbox_service.queue_message(ctx, pid, template_key="reminder", channel="manual")
    upload = tmp_path / FILE_NAME
    upload.write_text("x")
    add_attachment(ctx, pid, upload, caption=mark("附件说明"))
    return Scene(services, window, qtbot, messages, monkeypatch, pid, relative, doctor,
                 appointment)


# -- the screens ---------------------------------------------------------------------------
def panel_header(s: Scene) -> list[str]:
    panel = s.patients_page().panel
    return [shown(w.text(), w.textFormat()) for w in (panel.name, panel.facts, panel.allergy)
            ] + [shown(c.text(), c.textFormat()) for c in panel.findChildren(QLabel, "tagChip")
                 if c.isVisibleTo(panel)]


def panel_table(key: str) -> Callable[[Scene], list[str]]:
    def read(s: Scene) -> list[str]:
        view = s.panel_tab(key)
        return cells(view.model())  # type: ignore[attr-defined]
    return read


def panel_timeline(s: Scene) -> list[str]:
    return cells(s.patients_page().panel.timeline_proxy)


def panel_attachments(s: Scene) -> list[str]:
    s.panel_tab("attachments")
    items = s.patients_page().panel.attachment_list
    return [items.item(i).text() for i in range(items.count())]


def panel_attachment_tips(s: Scene) -> list[str]:
    s.panel_tab("attachments")
    items = s.patients_page().panel.attachment_list
    return [shown(items.item(i).toolTip()) for i in range(items.count())]


def patient_search(s: Scene) -> list[str]:
    page = s.patients_page()
    page.search.setText(load_patient(s.services.ctx, s.patient_id).code)
    page.run_search()
    return cells(page.results.model())


def canvas_painted(s: Scene) -> list[str]:
    drawn: list[str] = []
    original = QPainter.drawText

    def record(painter: QPainter, *args: object) -> object:
        drawn.extend(str(a) for a in args if isinstance(a, str))  # drawText never reads HTML
        return original(painter, *args)  # type: ignore[call-overload]

    view = s.calendar().view
    with s.monkeypatch.context() as patch:
        patch.setattr(QPainter, "drawText", record)
        view.header.grab()  # the doctor columns' titles
        view.canvas.grab()  # the appointment blocks
    return drawn


def canvas_tooltip(s: Scene) -> list[str]:
    canvas: CalendarCanvas = s.calendar().view.canvas
    block = next(b for b in canvas._blocks if b.view.id == s.appointment_id)
    tips: list[str] = []
    s.monkeypatch.setattr(QToolTip, "showText",
                          lambda _pos, text, *_args: tips.append(shown(text)))
    center = block.rect.center().toPoint()
    canvas.event(QHelpEvent(QHelpEvent.Type.ToolTip, center, canvas.mapToGlobal(center)))
    return tips


def day_sheet(s: Scene) -> list[str]:
    page = s.calendar()
    document = QTextDocument()
    document.setHtml(day_sheet_html(s.services, DAY, page.visible_doctors(),
                                    [s.view()]))  # type: ignore[list-item]
    return [document.toPlainText()]


def appointment_history(s: Scene) -> list[str]:
    s.calendar().show_history(s.view())  # type: ignore[arg-type]
    return [shown(text) for _kind, text in s.messages]


def callback_list(s: Scene) -> QAbstractItemModel:
    page = s.window.open_page("callbacks")
    assert isinstance(page, CallbacksPage)
    page.as_of.setDate(QDate(2026, 12, 31))
    return page.view.model()


def outbox(s: Scene) -> QAbstractItemModel:
    page = s.window.open_page("messages")
    assert isinstance(page, MessagesPage)
    return page.view.model()


def booking_dialog(s: Scene) -> list[str]:
    dialog = BookingDialog(s.services, start=datetime.combine(DAY, time(10), SH),
                           doctor_id=s.doctor_id, patient_id=s.patient_id, parent=s.window)
    s.qtbot.addWidget(dialog)
    dialog.check()
    return labels(dialog)


def merge_dialog(s: Scene) -> list[str]:
    dialog = MergeDialog(s.services, load_patient(s.services.ctx, s.relative_id), s.window)
    s.qtbot.addWidget(dialog)
    dialog.picker.query.setText(load_patient(s.services.ctx, s.patient_id).code)
    return labels(dialog)


def audit_log(s: Scene) -> list[str]:
    s.window.show()  # the log reads only while it is shown
    page = s.window.open_page("audit")
    assert isinstance(page, AuditPage)
    return cells(page.view.model())


# (screen, what it shows, the stored values it must show literally)
SCREENS: list[tuple[str, Callable[[Scene], list[str]], Iterable[str]]] = [
    ("panel header", panel_header, (NAME, ALLERGY, mark("药"), mark("来源"), mark("标签"))),
    ("panel 病史与过敏", lambda s: labels(s.panel_tab("medical")),
     (ALLERGY, mark("药"), mark("慢性病"), mark("既往史"), mark("家族史"), mark("主诉"))),
    ("panel 备注与自定义", lambda s: labels(s.panel_tab("notes")),
     (mark("备注"), mark("字段"), mark("字段值"))),
    ("panel 时间线", panel_timeline,
     (mark("项目"), mark("病历"), mark("收款"), mark("联系"), mark("结果"), mark("投诉"),
      FILE_NAME)),
    ("panel 治疗记录", panel_table("treatments"), (mark("项目"), mark("牙位"), mark("治疗"))),
    ("panel 账单", panel_table("billing"), (mark("收款"),)),
    ("panel 家庭", panel_table("family"), (mark("家属"),)),
    ("panel 回访", panel_table("care"), (mark("事由"),)),
    ("panel 附件", panel_attachments, (mark("附件说明"),)),
    ("panel 附件 tooltips", panel_attachment_tips, (FILE_NAME,)),
    ("patient search", patient_search, (NAME,)),
    ("calendar painted blocks", canvas_painted, (NAME, mark("项目"), mark("医生"))),
    ("calendar tooltip", canvas_tooltip,
     (NAME, mark("项目"), mark("预约备注"), mark("加号"))),
    ("day sheet", day_sheet, (NAME, mark("项目"), mark("预约备注"), mark("医生"))),
    ("appointment history box", appointment_history, (mark("加号"),)),
    ("callback list", lambda s: cells(callback_list(s)),
     (NAME, mark("事由"), mark("项目"), mark("医生"))),
    ("messages outbox", lambda s: cells(outbox(s)), (mark("正文") + NAME,)),
    ("messages outbox tooltips", lambda s: cell_tips(outbox(s)), (mark("正文") + NAME,)),
    ("booking dialog", booking_dialog, (NAME,)),
    ("merge dialog", merge_dialog, (NAME, mark("地址"), mark("来源"))),
    ("audit log", audit_log, (FILE_NAME,)),
]


@pytest.mark.parametrize(("screen", "read", "expected"), SCREENS,
                         ids=[name for name, _read, _expected in SCREENS])
def test_stored_text_is_shown_literally(
    scene: Scene, screen: str, read: Callable[[Scene], list[str]], expected: Iterable[str],
) -> None:
    text = "\n".join(read(scene))
    missing = [value for value in expected if value not in text]
    assert not missing, f"{screen} does not show {missing} literally; it shows:\n{text}"
    mangled = [value for value in MANGLED if value in text]
    assert not mangled, f"{screen} renders stored text as HTML ({mangled}):\n{text}"


def test_booking_conflict_names_the_patient_literally(scene: Scene) -> None:
    dialog = BookingDialog(scene.services, start=datetime.combine(DAY, time(10), SH),
                           doctor_id=scene.doctor_id, patient_id=scene.patient_id,
                           parent=scene.window)
    scene.qtbot.addWidget(dialog)
    dialog.check()
    assert dialog.conflicts.isVisibleTo(dialog)
    assert NAME in shown(dialog.conflicts.text(), dialog.conflicts.textFormat())
