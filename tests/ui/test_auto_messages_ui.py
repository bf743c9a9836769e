"""自动消息: the settings dialog fits and saves through the operation runner (a bad time is
refused beside its field); the 消息 page shows the kind, when a message will go, today's
counts and what reminders did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.auto_settings import (
    AutoMessageSettings,
    read_auto_settings,
    save_auto_settings,
)
from clinic_desktop.services.clinic import update_clinic
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from ui.app_services import AppServices
from ui.dialogs.auto_messages_dialog import AutoMessagesDialog
from ui.pages.messages_page import MessagesPage

SH = ZoneInfo("Asia/Shanghai")


def test_the_dialog_saves_and_names_a_bad_time(qtbot: QtBot, services: AppServices) -> None:
    dialog = AutoMessagesDialog(services)
    qtbot.addWidget(dialog)
    dialog.kind_boxes["reminder"].setChecked(True)
    dialog.kind_boxes["birthday"].setChecked(True)
    dialog.festival_boxes["dragon_boat"].setChecked(True)
    dialog.quiet_from.setText("九点")
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.error_label.text()))
    assert "21:00" in dialog.error_label.text()
    assert read_auto_settings(services.ctx).enabled == frozenset()  # nothing written
    dialog.quiet_from.setText("20:30")
    dialog.submit()
    qtbot.waitUntil(lambda: read_auto_settings(services.ctx).enabled != frozenset())
    saved = read_auto_settings(services.ctx)
    assert saved.enabled == {"reminder", "birthday"} and saved.quiet_from == "20:30"
    assert "dragon_boat" in saved.festivals
    assert not saved.email_fallback


def test_e_mail_is_a_channel_and_a_fallback(qtbot: QtBot, services: AppServices) -> None:
    dialog = AutoMessagesDialog(services)
    qtbot.addWidget(dialog)
    dialog.email_fallback.setChecked(True)
    dialog.submit()
    qtbot.waitUntil(lambda: read_auto_settings(services.ctx).email_fallback)
    assert read_auto_settings(services.ctx).channels() == ("sms", "email")
    again = AutoMessagesDialog(services)
    qtbot.addWidget(again)
    assert again.email_fallback.isChecked() and again.email_fallback.isEnabled()
    again.channel.setCurrentIndex(again.channel.findData("email"))
    assert not again.email_fallback.isEnabled()  # e-mail is already the channel
    again.submit()
    qtbot.waitUntil(lambda: read_auto_settings(services.ctx).channel == "email")
    assert read_auto_settings(services.ctx).channels() == ("email",)


def test_the_page_shows_kind_time_and_todays_counts(qtbot: QtBot,
                                                   services: AppServices) -> None:
    ctx = services.ctx
    update_clinic(ctx, name="康宁口腔", timezone="Asia/Shanghai", phone="0571-88886666",
                  address="文三路 100 号")
    doctor = add_staff(ctx, username="dr.li", display_name="李明", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    pid = create_patient(ctx, PatientInput(name="张三", sex="M",
                                           mobile="13800138000")).patient.id
    save_auto_settings(ctx, AutoMessageSettings(enabled=frozenset({"confirmation",
                                                                   "reminder"})))
    start = datetime(2026, 11, 26, 2, tzinfo=UTC)
    appts.book(ctx, BookingRequest(pid, doctor, start, start + timedelta(minutes=30)))
    page = MessagesPage(services)
    qtbot.addWidget(page)
    kinds = {page.model.data(page.model.index(row, 1)) for row in range(page.model.rowCount())}
    assert kinds == {"预约确认", "预约提醒"}
    planned = {page.model.data(page.model.index(row, 2))
               for row in range(page.model.rowCount())}
    assert services.format_datetime(datetime(2026, 11, 25, 10, tzinfo=UTC)) in planned
    assert "待发送 3 条" in page.today.text() and "预约提醒：发 0 · 待 2" in page.today.text()
    assert "爽约率" in page.effect.text()


def test_the_send_dialog_warns_of_a_placeholder_that_would_be_empty(
        qtbot: QtBot, services: AppServices) -> None:
    from ui.dialogs.queue_message_dialog import QueueMessageDialog

    pid = create_patient(services.ctx, PatientInput(name="张三", sex="M",
                                                    mobile="13800138000")).patient.id
    dialog = QueueMessageDialog(services, pid, None, kind="birthday", patient_name="张三")
    qtbot.addWidget(dialog)
    assert dialog.error_label.text() == ""  # 称呼 and 诊所 are known
    dialog.template.setCurrentIndex(dialog.template.findData("reminder"))
    assert dialog.error_label.text() == (
        "注意：“{项目}”“{医生}”“{时间}”“{电话}”没有内容，发出的文字会缺这一处。")
