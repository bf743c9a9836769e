"""Shift change: signing out ends the session's window and scheduler; the next sign-in
starts them for the new user. Three rounds, then a scheduler tick: no error, one handler."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.paths import DataDir
from clinic_desktop.permissions import Role
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.billing import TreatmentLine, record_visit
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.database import Database
from ui import app as app_module
from ui.app import Startup


def test_three_shift_changes_leave_one_live_session(
    qtbot: QtBot, clinic_dir: DataDir, clinic_db: tuple[Database, Actor],
    fixed_clock: FixedClock, messages: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, admin = clinic_db
    ctx = Context(db=db, actor=admin, clock=fixed_clock)
    for username, role in (("nurse.a", Role.NURSE), ("front.b", Role.RECEPTIONIST)):
        add_staff(ctx, username=username, display_name=username, role=role,
                  password="pass1234")
    patient = create_patient(ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    extraction = next(p.id for p in list_procedures(ctx) if p.name == "普通拔牙")
    record_visit(ctx, patient, visit_date=date(2026, 11, 23), doctor_id=None,
                 lines=[TreatmentLine(extraction, Decimal("300"))],
                 treated_at=fixed_clock.now() - timedelta(days=1))  # its 24 h call: due now
    db.close()

    crashes: list[BaseException] = []
    monkeypatch.setattr(app_module, "report_crash",
                        lambda _t, exc, _tb, **_k: crashes.append(exc))
    users = iter(["nurse.a", "front.b", "nurse.a"])

    class AutoLogin:
        """The sign-in dialog, answered by the next person at the desk."""

        def __init__(self, db: Database, _name: str, *, clock: FixedClock) -> None:
            self.actor = sign_in(db, username=next(users), password="pass1234", clock=clock)

        def exec(self) -> int:
            return 1  # QDialog.Accepted

    monkeypatch.setattr(app_module, "LoginDialog", AutoLogin)
    startup = Startup(clinic_dir, clock=fixed_clock, synchronous_tasks=True)
    assert startup.open() is None
    try:
        startup.show_main_window(admin)  # deleted by the first sign-out, like every window
        startup.start_care_monitor(interval_seconds=3600, catch_up=False)
        for expected in ("nurse.a", "front.b", "nurse.a"):
            startup.window.sign_out_requested.emit()  # type: ignore[union-attr]
            assert startup.services is not None
            assert startup.services.ctx.actor.username == expected
        monitor = startup.monitor
        assert monitor is not None and monitor.listener_count == 1
        assert monitor.ctx.actor.username == "nurse.a"
        badges: list[int] = []
        monitor.due_count_changed.connect(badges.append)
        assert monitor.scheduler is not None
        monitor.scheduler.run_now()  # the minute's tick
        qtbot.waitUntil(lambda: bool(badges))
        assert badges == [1]
        assert startup.window is not None and "1" in startup.window.badge_text("callbacks")
    finally:
        if startup.window is not None:
            startup.window.close()
        startup.close()
    assert crashes == []
