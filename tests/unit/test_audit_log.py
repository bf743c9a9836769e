"""The audit log a person can read: actions in words, the patient by name, local times,
filters, and every action the services write has a label."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

import clinic_desktop
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import exports, messages, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.audit_log import (
    AuditFilter,
    action_label,
    action_labels,
    list_entries,
)
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.billing import KINDS
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff

SH = ZoneInfo("Asia/Shanghai")


def _actions_written() -> set[str]:
    """Every action string passed to ``….audit(session, ACTION, …)`` in the core's code."""
    found: set[str] = set()
    root = Path(clinic_desktop.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_audit_export":
                found.add(node.args[2].value)  # type: ignore[attr-defined]
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "audit" and len(node.args) >= 2):
                continue
            action = node.args[1]
            choices = [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]
            for choice in choices:
                if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                    found.add(choice.value)
                elif isinstance(choice, ast.Name) and choice.id in constants:  # OPEN_ACTION
                    found.add(constants[choice.id])
                elif isinstance(choice, ast.JoinedStr):  # f"ledger.{kind}"
                    prefix = choice.values[0]
                    assert isinstance(prefix, ast.Constant) and prefix.value == "ledger.", (
                        f"{path}: an audit action built at run time: list its values here")
                    found.update(f"ledger.{kind}" for kind in KINDS)
                else:  # exports' helper passes on what its callers name (read above)
                    assert path.name == "exports.py", f"{path}: audit action {ast.dump(choice)}"
    return found


def test_every_action_the_services_write_has_a_label() -> None:
    written = _actions_written()
    assert {"patient.create", "appointment.move", "ledger.topup", "patient.unarchive",
            "export.patients", "export.audit"} <= written  # the reading itself works
    assert written - set(action_labels()) == set(), "add a label to audit_log._action_labels"
    assert action_label("patient.create") == "新建患者"
    assert action_label("something.new") == "something.new"


@pytest.fixture
def clinic(admin_ctx: Context) -> dict[str, int]:
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    ids = {"doctor": doctor}
    for name, mobile in (("张三", "13800138000"), ("李四", "13900139000")):
        ids[name] = create_patient(admin_ctx, PatientInput(name=name, mobile=mobile)).patient.id
    return ids


def _book(ctx: Context, patient: int, doctor: int, hour: int) -> int:
    start = datetime(2026, 11, 25, hour, tzinfo=SH).astimezone(UTC)
    return appts.book(ctx, BookingRequest(patient, doctor, start, start + timedelta(minutes=30)))


def test_entries_name_the_patient_and_the_person(admin_ctx: Context,
                                                 clinic: dict[str, int]) -> None:
    appointment = _book(admin_ctx, clinic["张三"], clinic["doctor"], 10)
    rows = list_entries(admin_ctx, limit=10)
    booked = rows[0]
    assert (booked.action, booked.action_label) == ("appointment.book", "新建预约")
    assert booked.entity_id == str(appointment) and booked.patient_id == clinic["张三"]
    assert booked.patient_name == "张三" and booked.patient.startswith("张三（P")
    assert booked.target == f"预约记录 {appointment}"
    assert booked.person == "管理员" and booked.username == "admin"
    created = next(r for r in rows if r.action == "patient.create"
                   and r.patient_id == clinic["李四"])
    assert created.patient_name == "李四" and created.target == ""
    staff_entry = next(r for r in rows if r.action == "staff.add")
    assert staff_entry.patient == "" and staff_entry.target.startswith("员工 ")


def test_patients_are_resolved_in_one_query(admin_ctx: Context,
                                            clinic: dict[str, int]) -> None:
    for hour in (9, 10, 11, 14, 15):
        _book(admin_ctx, clinic["张三" if hour % 2 else "李四"], clinic["doctor"], hour)
    statements: list[str] = []
    engine = admin_ctx.db.engine

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "audit_entry" in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        rows = list_entries(admin_ctx, limit=50)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert sum(1 for r in rows if r.patient_name) >= 7  # 2 created + 5 booked
    assert len(statements) == 1


def test_summaries_of_bookings_and_moves_are_in_local_time(
        admin_ctx: Context, clinic: dict[str, int]) -> None:
    appointment = _book(admin_ctx, clinic["张三"], clinic["doctor"], 10)
    start = datetime(2026, 11, 25, 15, tzinfo=SH).astimezone(UTC)
    appts.reschedule(admin_ctx, appointment, version=1, start=start,
                     end=start + timedelta(minutes=30))
    moved, booked = list_entries(admin_ctx, limit=2)
    assert "2026-11-25 10:00" in booked.summary  # 02:00 UTC before the fix
    assert "2026-11-25 10:00" in moved.summary and "2026-11-25 15:00" in moved.summary
    assert "02:00" not in moved.summary and "07:00" not in moved.summary


def test_filters_by_days_person_patient_and_action(
        admin_ctx: Context, clinic: dict[str, int], fixed_clock: FixedClock) -> None:
    _book(admin_ctx, clinic["张三"], clinic["doctor"], 10)
    messages.queue_message(admin_ctx, clinic["张三"], template_key="recall")
    # A day later (local), by the doctor.
    fixed_clock.advance(timedelta(days=1))
    doctor = sign_in(admin_ctx.db, username="dr.wang", password="pass1234", clock=fixed_clock)
    by_doctor = admin_ctx.as_actor(doctor)
    _book(by_doctor, clinic["李四"], clinic["doctor"], 11)

    def actions(**kwargs: object) -> list[str]:
        return [r.action for r in list_entries(admin_ctx, AuditFilter(**kwargs))]  # type: ignore[arg-type]

    today, tomorrow = date(2026, 11, 24), date(2026, 11, 25)
    assert actions(start=tomorrow) == ["appointment.book", "login"]
    assert "appointment.book" in actions(end=today) and "login" not in actions(end=today)
    assert actions(username="dr.wang") == ["appointment.book", "login"]
    zhang = actions(patient="张")
    assert zhang == ["message.queue", "appointment.book", "patient.create"]
    assert actions(patient="13900139000") == ["appointment.book", "patient.create"]
    assert actions(patient="13900139000", action="appointment.book") == ["appointment.book"]
    assert actions(patient="王五") == []
    with pytest.raises(UserError):
        list_entries(admin_ctx, AuditFilter(start=tomorrow, end=today))


def test_the_audit_export_is_readable_audited_and_needs_audit_view(
        admin_ctx: Context, clinic: dict[str, int], tmp_path: Path) -> None:
    _book(admin_ctx, clinic["张三"], clinic["doctor"], 10)
    target = tmp_path / "审计.xlsx"
    count = exports.export_audit_log(admin_ctx, target, audit_filter=AuditFilter(patient="张三"))
    rows = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert count == 2 == len(rows) - 1
    header = rows[0]
    assert header[:4] == ("编号", "时间", "用户", "操作")
    booked = dict(zip(header, rows[1], strict=False))
    assert booked["操作"] == "新建预约" and str(booked["患者"]).startswith("张三（P")
    assert booked["时间"] == datetime.combine(date(2026, 11, 24), time(10))  # not 02:00 UTC
    newest = list_entries(admin_ctx, limit=1)[0]
    assert newest.action == "export.audit" and "patient=张三" in newest.summary
    nurse = add_staff(admin_ctx, username="nurse.a", display_name="护士甲", role=Role.NURSE,
                      password="pass1234")
    actor = sign_in(admin_ctx.db, username=nurse.username, password="pass1234",
                    clock=admin_ctx.clock)
    with pytest.raises(PermissionDenied):
        exports.export_audit_log(admin_ctx.as_actor(actor), tmp_path / "x.xlsx")
