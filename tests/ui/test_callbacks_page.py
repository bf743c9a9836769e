"""The nurse's callback list: two clicks per call, retries, booking closes a recall, badge."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from clinic_desktop.changes import ChangeSet
from clinic_desktop.clock import FixedClock
from clinic_desktop.services import care
from clinic_desktop.services.billing import TreatmentLine, record_visit
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.engagement import contacts_of
from clinic_desktop.services.patients import PatientInput, create_patient
from ui.app_services import AppServices
from ui.care_monitor import CareMonitor
from ui.main_window import MainWindow
from ui.pages.callbacks_page import DUE, FAMILY, LAST, OVERDUE, PATIENT, REASON, CallbacksPage

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def due_call(services: AppServices) -> int:
    clock = FixedClock(datetime(2026, 11, 23, 9, tzinfo=SH))
    services.ctx.clock = clock
    pid = create_patient(services.ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    extraction = next(p.id for p in list_procedures(services.ctx) if p.name == "普通拔牙")
    record_visit(services.ctx, pid, visit_date=date(2026, 11, 23), doctor_id=None,
                 lines=[TreatmentLine(extraction, Decimal("300"))])
    clock.set(datetime(2026, 11, 24, 11, tzinfo=SH))
    assert care.raise_due(services.ctx) == 1
    return pid


@pytest.fixture
def page(window: MainWindow, due_call: int) -> CallbacksPage:
    result = window.open_page("callbacks")
    assert isinstance(result, CallbacksPage)
    result.reload()
    return result


def test_two_clicks_record_a_call_and_write_the_contact_log(
    page: CallbacksPage, services: AppServices, due_call: int
) -> None:
    assert [i.patient for i in page.model.records] == ["张三"]
    assert page.proxy.index(0, REASON).data() == "拔牙后 24 小时回访"
    page.view.selectRow(0)  # click one
    page.note.setText("无出血，无疼痛")
    page.outcome_buttons["reached_fine"].click()  # click two
    assert page.model.records == []
    [contact] = contacts_of(services.ctx, due_call)
    assert contact.outcome == "已接通-良好" and "无出血" in contact.summary


def test_not_reached_leaves_the_list_until_the_retry(page: CallbacksPage,
                                                     services: AppServices) -> None:
    page.view.selectRow(0)
    page.outcome_buttons["not_reached"].click()
    assert page.model.records == []
    clock = services.ctx.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(hours=4))
    care.raise_due(services.ctx)
    page.reload()
    assert [i.attempts for i in page.model.records] == [1]
    assert page.proxy.index(0, LAST).data() == "未接通"


def test_export_for_a_paper_round(page: CallbacksPage, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "回访.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    page.export()
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]][:5] == ["到期", "患者", "电话", "类型", "事由"]
    local_nine = datetime(2026, 11, 24, 9, tzinfo=SH).replace(tzinfo=None)
    assert sheet["B2"].value == "张三" and sheet["A2"].value == local_nine
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


def test_monitor_brings_scans_to_the_gui_thread(qtbot: QtBot, services: AppServices,
                                                due_call: int) -> None:
    monitor = CareMonitor(services.ctx)
    gui = threading.get_ident()
    seen: list[tuple[int, bool]] = []
    monitor.due_count_changed.connect(lambda n: seen.append((n, threading.get_ident() == gui)))
    worker = threading.Thread(
        target=lambda: monitor.scanned.emit("care.raise_due", 1, ChangeSet()))
    with qtbot.waitSignal(monitor.due_count_changed, timeout=3000):
        worker.start()
    worker.join()
    assert seen == [(1, True)]


def test_badge_on_the_navigation(window: MainWindow) -> None:
    window.set_badge("callbacks", 12)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "回访  (12)" in titles
    window.set_badge("callbacks", 0)
    assert "回访" in [window.nav.item(i).text() for i in range(window.nav.count())]


def test_the_patient_panel_shows_open_callbacks_and_family_recalls(
    window: MainWindow, services: AppServices, due_call: int
) -> None:
    from clinic_desktop.services.family import family_of, link_family

    page = window.open_page("patients")
    page.open_patient(due_call)  # type: ignore[attr-defined]
    care_model = page.panel.care_model  # type: ignore[attr-defined]
    assert [t.title for t in care_model.records] == ["拔牙后 24 小时回访"]
    cataract = next(p.id for p in list_procedures(services.ctx) if p.name == "白内障手术")
    mother = create_patient(services.ctx, PatientInput(name="张母")).patient.id
    record_visit(services.ctx, mother, visit_date=date(2026, 11, 24), doctor_id=None,
                 lines=[TreatmentLine(cataract, Decimal("9000"))])
    link_family(services.ctx, due_call, mother, relation="parent")
    [member] = family_of(services.ctx, due_call)
    assert (member.name, member.open_recalls) == ("张母", 3)


def test_plan_editor_previews_and_saves(window: MainWindow, services: AppServices) -> None:
    from datetime import date as day

    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QComboBox, QSpinBox, QTableWidgetItem

    from ui.pages.care_plan_steps import AMOUNT, TITLE, UNIT
    from ui.pages.care_plans_page import CarePlansPage

    page = window.open_page("care_plans")
    assert isinstance(page, CarePlansPage)
    row = next(i for i, p in enumerate(page.plans) if p.key == "implant")
    page.list.setCurrentRow(row)
    page.sample.setDate(QDate(day(2026, 3, 10)))
    lines = [page.preview_list.item(i).text() for i in range(page.preview_list.count())]
    assert lines[0] == "2026-03-11 10:00  种植术后 24 小时回访"
    assert lines[-1].startswith("2029-03-10")
    amount = page.steps.cellWidget(1, AMOUNT)
    assert isinstance(amount, QSpinBox)
    amount.setValue(10)  # the check at day 10, not day 7: the preview follows at once
    assert page.preview_list.item(1).text() == "2026-03-20 10:00  种植术后 7 天复查（拆线）"
    page.steps.setItem(2, TITLE, QTableWidgetItem("  "))
    page.save()
    assert "第 3 步缺少标题" in page.errors.text and page.errors.marked is page.steps
    page.steps.setItem(2, TITLE, QTableWidgetItem("种植牙 1 年维护复查"))
    unit = page.steps.cellWidget(3, UNIT)
    assert isinstance(unit, QComboBox)
    unit.setCurrentIndex(unit.findData("months"))  # the 2-year check after 2 months
    page.save()
    saved = next(p for p in care.list_plans(services.ctx) if p.key == "implant")
    assert saved.steps[1].offset.amount == 10 and saved.steps[3].offset.unit == "months"
    assert [s.key for s in saved.steps] == ["h24", "d7", "y1", "y2", "y3"]  # keys kept


def test_family_grouping_bulk_snooze_and_hand_over(
    page: CallbacksPage, services: AppServices, due_call: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QInputDialog

    from clinic_desktop.services.family import link_family
    from clinic_desktop.storage.models.care import CareTask

    other = create_patient(services.ctx, PatientInput(name="李四")).patient.id
    wife = create_patient(services.ctx, PatientInput(name="张妻")).patient.id
    extraction = next(p.id for p in list_procedures(services.ctx) if p.name == "普通拔牙")
    clock = services.ctx.clock
    assert isinstance(clock, FixedClock)
    now = clock.now()
    # 张三 is due at 09:00; 李四 at 10:00; his wife at 10:30.
    for pid, minutes in ((other, 25 * 60), (wife, 24 * 60 + 30)):
        clock.set(now - timedelta(minutes=minutes))
        record_visit(services.ctx, pid, visit_date=date(2026, 11, 23), doctor_id=None,
                     lines=[TreatmentLine(extraction, Decimal("300"))])
    clock.set(now)
    care.raise_due(services.ctx)
    link_family(services.ctx, due_call, wife, relation="spouse")
    page.reload()
    assert [i.patient for i in page.model.records] == ["张三", "李四", "张妻"]
    page.by_family.setChecked(True)  # the couple together: one call covers both
    assert [i.patient for i in page.model.records] == ["张三", "张妻", "李四"]
    assert page.proxy.index(1, FAMILY).data() == "同家庭 2 人"
    assert page.proxy.index(2, FAMILY).data() == ""

    selection = page.view.selectionModel()
    for row in (0, 1):
        selection.select(page.proxy.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("医生", True))
    page.hand_over()
    with services.ctx.db.session() as session:
        roles = {t.patient_id: t.assigned_role for t in session.query(CareTask)}
    assert roles[wife] == roles[due_call] == "doctor" and roles[other] == "nurse"
    selection.clearSelection()
    for row in (0, 1):
        selection.select(page.proxy.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    page.snooze()
    assert [i.patient for i in page.model.records] == ["李四"]


def test_messages_from_the_callback_list_to_the_outbox(
    page: CallbacksPage, window: MainWindow, services: AppServices,
    monkeypatch: pytest.MonkeyPatch, messages: list,
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.queue_message_dialog import QueueMessageDialog
    from ui.pages.messages_page import ChannelsDialog, MessagesPage

    shown: list[QueueMessageDialog] = []

    def fake_exec(dialog: QueueMessageDialog) -> int:
        shown.append(dialog)
        dialog.template.setCurrentIndex(dialog.template.findData("followup"))
        dialog.submit()
        return 1

    monkeypatch.setattr(QueueMessageDialog, "exec", fake_exec)
    page.view.selectRow(0)
    page.queue_message()
    outbox = window.open_page("messages")
    assert isinstance(outbox, MessagesPage)
    outbox.reload()
    [row] = outbox.model.records
    assert row.status == "queued" and row.body.startswith("张三您好")
    outbox.view.selectRow(0)
    outbox.copy()
    assert QApplication.clipboard().text() == row.body
    outbox.mark_sent()
    assert outbox.model.records[0].status == "sent"
    outbox.send("sms")  # no gateway configured yet: says what is missing
    assert "短信网关" in messages[-1][1]
    dialog = ChannelsDialog(services, outbox)
    dialog.sms_url.setText("ftp://gateway")
    dialog.submit()
    assert dialog.errors.marked is dialog.sms_url


def test_care_settings_templates_and_filters(
    qtbot: QtBot, page: CallbacksPage, services: AppServices
) -> None:
    from ui.pages.care_plans_page import CareSettingsDialog
    from ui.pages.messages_page import TemplatesDialog

    settings = CareSettingsDialog(services)
    qtbot.addWidget(settings)
    settings.evening.setText("晚上六点")
    settings.submit()
    assert settings.errors.marked is settings.evening
    settings.evening.setText("19:30")
    settings.spins["retry_hours"].setValue(2)
    settings.submit()
    saved = care.read_care_settings(services.ctx)
    assert (saved.reminder_evening, saved.retry_hours) == ("19:30", 2)

    templates = TemplatesDialog(services)
    qtbot.addWidget(templates)
    templates.body_edit.setPlainText("{称呼}您好，{诊所名}提醒您复查")
    templates.submit()
    assert templates.errors.marked is templates.body_edit and "诊所名" in templates.errors.text
    templates.body_edit.setPlainText("{称呼}您好，{诊所}提醒您复查")
    templates.submit()

    assert len(page.model.records) == 1
    page.role.setCurrentIndex(page.role.findData("doctor"))
    assert page.model.records == []
    page.role.setCurrentIndex(page.role.findData("nurse"))
    page.priority.setCurrentIndex(page.priority.findData(1))
    assert len(page.model.records) == 1  # the 24 h call is urgent


def test_hand_over_to_a_person_then_filter_by_person_plan_and_doctor(
    page: CallbacksPage, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    page.view.selectRow(0)
    me = "王院长（管理员）"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (me, True))
    page.hand_over()
    page.person.setCurrentIndex(1)  # assigned to me
    assert len(page.model.records) == 1
    page.plan.setCurrentIndex(page.plan.findData("implant"))
    assert page.model.records == []
    page.plan.setCurrentIndex(page.plan.findData("extraction"))
    assert len(page.model.records) == 1


# -- the second wave: writes through the runner, the badge, the next row, messages ---------
def _extraction(services: AppServices, name: str, treated: datetime) -> int:
    """A patient whose extraction at ``treated`` brings a call due 24 hours later."""
    pid = create_patient(services.ctx, PatientInput(name=name)).patient.id
    extraction = next(p.id for p in list_procedures(services.ctx) if p.name == "普通拔牙")
    record_visit(services.ctx, pid, visit_date=treated.date(), doctor_id=None,
                 treated_at=treated, lines=[TreatmentLine(extraction, Decimal("300"))])
    return pid


def _names(page: CallbacksPage, rows: list[int] | None = None) -> list[str]:
    wanted = range(page.proxy.rowCount()) if rows is None else rows
    return [page.proxy.index(row, PATIENT).data() for row in wanted]


def test_a_recorded_call_moves_on_to_the_next_row_and_the_badge_agrees(
    page: CallbacksPage, window: MainWindow, services: AppServices, due_call: int
) -> None:
    for name, day in (("李四", 20), ("王五", 21)):
        _extraction(services, name, datetime(2026, 11, day, 9, tzinfo=SH))
    care.raise_due(services.ctx)
    page.reload()
    assert _names(page) == ["李四", "王五", "张三"]
    page.view.selectRow(1)
    page.outcome_buttons["reached_fine"].click()
    assert _names(page) == ["李四", "张三"]
    assert [i.patient for i in page.selected()] == ["张三"]  # the next call, ready
    assert care.count_due(services.ctx) == 2
    assert window.badge_text("callbacks") == "回访  (2)"
    page.outcome_buttons["not_reached"].click()  # the last row: the one above is next
    assert [i.patient for i in page.selected()] == ["李四"]
    assert window.badge_text("callbacks") == "回访  (1)"
    assert "张三：未接通" in page.notice.text()


def test_days_overdue_in_their_own_column(page: CallbacksPage, services: AppServices) -> None:
    _extraction(services, "李四", datetime(2026, 11, 10, 9, tzinfo=SH))  # due 11-11 09:00
    care.raise_due(services.ctx)
    page.reload()
    assert page.proxy.headerData(OVERDUE, Qt.Orientation.Horizontal) == "逾期天数"
    overdue = {page.proxy.index(r, PATIENT).data(): page.proxy.index(r, OVERDUE)
               for r in range(page.proxy.rowCount())}
    assert overdue["李四"].data() == "13" and overdue["张三"].data() == ""  # 张三: due today
    colour = overdue["李四"].data(Qt.ItemDataRole.ForegroundRole)
    assert colour.color().name() == "#b42318"
    page.view.sortByColumn(OVERDUE, Qt.SortOrder.AscendingOrder)
    assert _names(page) == ["张三", "李四"]
    page.view.sortByColumn(OVERDUE, Qt.SortOrder.DescendingOrder)
    assert _names(page) == ["李四", "张三"]


def test_the_message_template_follows_the_task_kind(
    page: CallbacksPage, services: AppServices, due_call: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.dialogs.queue_message_dialog import QueueMessageDialog

    for kind, template in (("followup_call", "followup"), ("recall", "recall"),
                           ("reminder", "reminder"), ("birthday", "birthday")):
        dialog = QueueMessageDialog(services, due_call, kind=kind)
        assert dialog.template.currentData() == template, kind
        dialog.deleteLater()
    shown: list[QueueMessageDialog] = []
    monkeypatch.setattr(QueueMessageDialog, "exec", lambda d: shown.append(d) or 0)
    page.view.selectRow(0)
    page.queue_message()  # 张三's post-extraction call
    [dialog] = shown
    assert dialog.template.currentData() == "followup"
    assert dialog.preview.toPlainText().startswith("张三您好，我是仁爱口腔的护士。您普通拔牙后")
    assert page.notice.text() == ""  # cancelled: nothing to confirm


def test_queuing_says_so_and_the_manual_channel_is_copied_and_marked_sent_in_the_list(
    page: CallbacksPage, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication

    from clinic_desktop.services import messages
    from ui.dialogs.queue_message_dialog import QueueMessageDialog

    def queue(dialog: QueueMessageDialog) -> int:
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(QueueMessageDialog, "exec", queue)
    page.view.selectRow(0)
    page.queue_message()
    assert page.notice.text() == "已放入待发送：给 张三 的消息（手动（复制））"
    page.queue_message()  # once per task: the second time says it is already there
    assert "已在待发送中" in page.notice.text()
    [queued] = messages.outbox(services.ctx)
    assert queued.status == "queued"

    def copy(dialog: QueueMessageDialog) -> int:
        assert not dialog.copy_button.isHidden()  # the manual channel is the default
        dialog.channel.setCurrentIndex(dialog.channel.findData("sms"))
        assert dialog.copy_button.isHidden()  # SMS goes out from the outbox, not by hand
        dialog.channel.setCurrentIndex(dialog.channel.findData("manual"))
        dialog.copy_button.click()
        return dialog.result()

    monkeypatch.setattr(QueueMessageDialog, "exec", copy)
    page.queue_message()
    [sent] = messages.outbox(services.ctx)
    assert (sent.id, sent.status) == (queued.id, "sent")
    assert QApplication.clipboard().text() == sent.body
    assert page.notice.text() == "已复制给 张三 的消息并标记为已发送"


def test_every_write_goes_through_the_runner_and_says_what_changed(
    page: CallbacksPage, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from clinic_desktop.changes import Area
    from ui.dialogs.queue_message_dialog import QueueMessageDialog

    assert not hasattr(services, "notify")  # the "everything changed" shim is gone
    _extraction(services, "李四", datetime(2026, 11, 23, 9, 30, tzinfo=SH))
    care.raise_due(services.ctx)
    seen: list[tuple[ChangeSet, object]] = []
    services.changed.connect(lambda changes, by: seen.append((changes, by)))
    page.reload()
    page.view.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("医生", True))
    page.hand_over()
    assert seen[-1][0].touches(Area.CARE_TASKS) and seen[-1][1] is page
    monkeypatch.setattr(QueueMessageDialog, "exec", lambda d: (d.submit(), d.result())[1])
    page.queue_message()
    assert seen[-1][0].touches(Area.MESSAGES)
    page.outcome_buttons["declined"].click()
    assert seen[-1][0].care_tasks and seen[-1][1] is page
    page.snooze()
    assert seen[-1][0].touches(Area.CARE_TASKS) and seen[-1][1] is page
    assert page.model.records == [] and len(seen) == 4
    assert "推到明天 09:00" in page.notice.text()


def test_booked_from_the_list_closes_the_recall_quietly(
    page: CallbacksPage, window: MainWindow, services: AppServices,
    monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    from clinic_desktop.permissions import Role
    from clinic_desktop.services import appointments, schedule
    from clinic_desktop.services.appointments import BookingRequest
    from clinic_desktop.services.staff import add_staff
    from ui.calendar import booking_dialog

    doctor = add_staff(services.ctx, username="dr.li", display_name="李明", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(services.ctx, doctor, schedule.default_hours())
    cataract = next(p.id for p in list_procedures(services.ctx) if p.name == "白内障手术")
    patient = create_patient(services.ctx, PatientInput(name="赵六")).patient.id
    record_visit(services.ctx, patient, visit_date=date(2026, 11, 23), doctor_id=doctor,
                 treated_at=datetime(2026, 11, 23, 9, tzinfo=SH),
                 lines=[TreatmentLine(cataract, Decimal("9000"))])
    care.raise_due(services.ctx)
    page.reload()
    row = _names(page).index("赵六")

    class Booking:
        """The booking dialog, booking at once what it was opened for."""

        def __init__(self, services: AppServices, *, start: datetime, patient_id: int,
                     parent: object) -> None:
            self.services, self.start, self.patient_id = services, start, patient_id
            self.booked_id: int | None = None

        def exec(self) -> int:
            self.booked_id = appointments.book(self.services.ctx, BookingRequest(
                self.patient_id, doctor, self.start, self.start + timedelta(minutes=30)))
            return 1

    monkeypatch.setattr(booking_dialog, "BookingDialog", Booking)
    page.view.selectRow(row)
    page.outcome_buttons["booked"].click()  # tomorrow 09:00: inside the recall's window
    assert "赵六" not in _names(page) and messages == []
    assert window.badge_text("callbacks") == f"回访  ({care.count_due(services.ctx)})"


def test_due_times_follow_the_clinic_time_zone(page: CallbacksPage,
                                               services: AppServices) -> None:
    """Due times are formatted once per distinct instant; another time zone reads them anew."""
    [item] = page.model.records
    assert page.proxy.index(0, DUE).data() == f"{item.due.astimezone(SH):%Y-%m-%d %H:%M}"
    services.set_clinic(replace(services.clinic, timezone="UTC"))
    utc = item.due.astimezone(ZoneInfo("UTC"))
    assert page.proxy.index(0, DUE).data() == f"{utc:%Y-%m-%d %H:%M}"
