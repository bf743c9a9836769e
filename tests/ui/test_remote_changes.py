"""Two workstations on one PostgreSQL server: a booking made at the other desk reaches this
one's pages through the same change sets as a local write, a care task moves the callback
badge, and a lost connection shows in the status bar until the listener is back (and then
everything refreshes once). The status bar also says which desk runs the scheduled jobs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from clinic_desktop.changes import ChangeSet
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import schedule
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.clinic import read_clinic, write_setting
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.platform.scheduler_lease import SETTING as LEASE_SETTING
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.models.care import CareTask
from tests.conftest import FIXED_NOW
from ui.app_services import AppServices
from ui.care_monitor import CareMonitor, SchedulerRoleLabel
from ui.remote_changes import RemoteChanges
from ui.tasks import TaskManager

pytestmark = pytest.mark.postgresql
HEARD_WITHIN_MS = 10_000  # the 2 s, with room for a loaded CI machine


@pytest.fixture
def desks(pg_url: str) -> Iterator[tuple[Context, Context]]:
    first = open_database(url=pg_url, now=FIXED_NOW)
    actor = setup_clinic(first, clinic_name="仁爱口腔", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="王院长",
                         password="s3cret-pass", clock=FixedClock(FIXED_NOW))
    second = open_database(url=pg_url, now=FIXED_NOW)
    try:
        yield (Context(db=first, actor=actor, clock=FixedClock(FIXED_NOW)),
               Context(db=second, actor=actor, clock=FixedClock(FIXED_NOW)))
    finally:
        first.close()
        second.close()


def _heard(services: AppServices) -> list[ChangeSet]:
    found: list[ChangeSet] = []
    services.changed.connect(lambda changes, _who: found.append(changes))
    return found


def test_the_other_desks_booking_and_task_arrive_and_a_lost_link_shows(
        qtbot: QtBot, desks: tuple[Context, Context], pg_url: str) -> None:
    here, there = desks
    services = AppServices(here, TaskManager(), read_clinic(here.db))
    remote = RemoteChanges(services, first_retry=0.2)
    heard = _heard(services)
    badge: list[int] = []
    services.due_count_changed.connect(badge.append)
    remote.start()
    try:
        assert remote.listener.wait_connected(10)
        qtbot.waitUntil(remote.label.isHidden, timeout=5000)  # "connecting…" gone
        doctor = add_staff(there, username="dr.li", display_name="李医生", role=Role.DOCTOR,
                           password="pass1234", is_doctor=True).id
        schedule.set_working_hours(there, doctor, schedule.default_hours())
        patient = create_patient(there, PatientInput(name="张三", mobile="13800138000"))
        start = FIXED_NOW + timedelta(days=1)
        booking = appts.book(there, appts.BookingRequest(patient.patient.id, doctor, start,
                                                         start + timedelta(minutes=30)))
        qtbot.waitUntil(lambda: any(booking in c.appointments for c in heard),
                        timeout=HEARD_WITHIN_MS)
        with there.db.session(write=True) as session:
            session.add(CareTask(patient_id=patient.patient.id, kind="followup", title="回访",
                                 due_at=FIXED_NOW, status="due", source="test", source_id=1,
                                 dedupe_key="test:remote", assigned_role="nurse", priority=2,
                                 window_days=1, created_at=FIXED_NOW))
        qtbot.waitUntil(lambda: bool(badge) and badge[-1] >= 1, timeout=HEARD_WITHIN_MS)

        # The server drops this desk's listening connection: said, then mended by itself.
        heard.clear()
        _terminate(pg_url, remote)
        qtbot.waitUntil(lambda: "中断" in remote.label.text(), timeout=HEARD_WITHIN_MS)
        qtbot.waitUntil(lambda: any(c == ChangeSet.everything() for c in heard),
                        timeout=HEARD_WITHIN_MS)
        assert remote.label.isHidden()
    finally:
        remote.stop()


def _terminate(pg_url: str, remote: RemoteChanges) -> None:
    pid: Any = remote.listener.backend_pid
    assert pid is not None
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        engine.dispose()


def test_the_status_bar_says_which_desk_runs_the_scheduled_jobs(
        qtbot: QtBot, desks: tuple[Context, Context]) -> None:
    here, there = desks
    with here.db.session(write=True) as session:
        write_setting(session, LEASE_SETTING, 2.0)  # a takeover within seconds, for the test
    window = QWidget()
    monitors = [CareMonitor(here), CareMonitor(there)]
    labels = [SchedulerRoleLabel(window), SchedulerRoleLabel(window)]
    for monitor, label in zip(monitors, labels, strict=True):
        monitor.leadership_changed.connect(label.show_role)
    try:
        assert labels[0].isHidden()
        monitors[0].start(window, interval_seconds=3600, catch_up=False)
        qtbot.waitUntil(lambda: labels[0].text() == "⏱ 本机运行定时任务",
                        timeout=HEARD_WITHIN_MS)
        monitors[1].start(window, interval_seconds=3600, catch_up=False)
        qtbot.waitUntil(lambda: labels[1].text() == "⏱ 定时任务由另一台工作站运行",
                        timeout=HEARD_WITHIN_MS)
        assert labels[1].isVisible() or not window.isVisible()
        monitors[0].stop()  # the leading desk closes: the other takes the jobs over
        qtbot.waitUntil(lambda: labels[1].text() == "⏱ 本机运行定时任务",
                        timeout=HEARD_WITHIN_MS)
        assert "自动接手" in labels[1].toolTip()
    finally:
        for monitor in monitors:
            monitor.stop()


def test_a_file_clinic_has_no_other_desks_to_hear(services: AppServices) -> None:
    assert services.ctx.db.is_sqlite
    with pytest.raises(ValueError):
        RemoteChanges(services)



def _settings_menu(window: Any) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "设置")
    return [a.text() for a in menu.actions()]


def test_the_server_settings_are_offered_on_a_server_only(
        qtbot: QtBot, desks: tuple[Context, Context], services: AppServices) -> None:
    from ui.main_window import MainWindow

    here, _there = desks
    on_server = MainWindow(AppServices(here, TaskManager(synchronous=True),
                                       read_clinic(here.db)))
    on_file = MainWindow(services)
    for window in (on_server, on_file):
        qtbot.addWidget(window)
    assert {"附件文件夹…", "定时任务…"} <= set(_settings_menu(on_server))
    assert not {"附件文件夹…", "定时任务…"} & set(_settings_menu(on_file))
