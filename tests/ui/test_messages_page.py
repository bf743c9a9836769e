"""The outbox page: sending on the worker with progress and a Cancel that stops between two
messages; every write (mark sent, templates, channels) through the operation runner."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.services import messages
from clinic_desktop.services.messages import OutboxInfo
from clinic_desktop.services.patients import PatientInput, create_patient
from ui.app_services import AppServices
from ui.pages.messages_page import ChannelsDialog, MessagesPage, TemplatesDialog
from ui.tasks import TaskManager


@pytest.fixture
def patient(services: AppServices) -> int:
    return create_patient(services.ctx, PatientInput(name="张三", sex="M",
                                                     mobile="13800138000")).patient.id


def _statuses(services: AppServices) -> list[str]:
    return sorted(m.status for m in messages.outbox(services.ctx))


def test_sending_runs_on_the_worker_with_progress_and_stops_when_asked(
    qtbot: QtBot, services: AppServices, patient: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("reminder", "followup", "recall"):
        messages.queue_message(services.ctx, patient, template_key=key, channel="sms")
    tasks = TaskManager()  # a real worker thread, as in the app
    on_worker = AppServices(services.ctx, tasks, services.clinic)
    page = MessagesPage(on_worker)
    qtbot.addWidget(page)
    entered, gate = threading.Event(), threading.Event()
    threads: list[int] = []

    class Gateway:
        channel = "sms"

        def send(self, message: OutboxInfo) -> None:
            threads.append(threading.get_ident())
            entered.set()
            assert gate.wait(5)

    monkeypatch.setattr(messages, "sender_for", lambda _ctx, _channel: Gateway())
    reports: list[tuple[int, int]] = []
    report = page.progress.report
    monkeypatch.setattr(page.progress, "report",
                        lambda done, total, text="": (reports.append((done, total)),
                                                      report(done, total, text)))
    page.send("sms")
    assert entered.wait(5)  # the first message is on its way
    assert page.progress.busy and not page.progress.isHidden()
    assert not page.send_sms.isEnabled()  # no second run on top of this one
    page.progress.cancel()
    gate.set()
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=5000)
    assert threading.get_ident() not in threads  # never on the GUI thread
    assert _statuses(services) == ["queued", "queued", "sent"]  # stopped between two
    assert "已停止发送" in page.status.text() and page.send_sms.isEnabled()
    page.send("sms")  # the rest, to the end
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=5000)
    assert _statuses(services) == ["sent", "sent", "sent"]
    assert (2, 2) in reports and page.status.text() == "已发送 2 条，失败 0 次"
    qtbot.waitUntil(lambda: [m.status for m in page.model.records] == ["sent"] * 3)
    tasks.shutdown()


def test_outbox_writes_and_settings_go_through_the_runner(
    qtbot: QtBot, services: AppServices, patient: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not hasattr(services, "notify")  # the "everything changed" shim is gone
    seen: list[tuple[ChangeSet, object]] = []
    services.changed.connect(lambda changes, by: seen.append((changes, by)))
    messages.queue_message(services.ctx, patient, template_key="birthday")
    page = MessagesPage(services)
    qtbot.addWidget(page)
    page.view.selectRow(0)
    page.mark_sent()
    assert seen[-1][0].touches(Area.MESSAGES) and seen[-1][1] is page
    assert page.model.records[0].status == "sent" and page.status.text() == "已标记为已发送"

    templates = TemplatesDialog(services, page)
    qtbot.addWidget(templates)
    templates.body_edit.setPlainText("{称呼}生日快乐！")
    templates.submit()
    assert seen[-1][0].touches(Area.MESSAGES) and seen[-1][1] is templates
    channels = ChannelsDialog(services, page)
    qtbot.addWidget(channels)
    channels.host.setText("smtp.exmail.qq.com")
    channels.from_address.setText("clinic@example.com")
    channels.submit()
    assert "messages.channels" in seen[-1][0].settings and seen[-1][1] is channels
    assert messages.read_channels(services.ctx).smtp_from == "clinic@example.com"
