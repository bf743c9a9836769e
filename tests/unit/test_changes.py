"""Every write yields a change set, gathered by the Context from what its transactions
committed: which patients, appointments, care tasks, ledger, settings and staff changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import billing, care, clinic, schedule
from clinic_desktop.services.appointments import BookingConflict, BookingRequest
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff

SH = ZoneInfo("Asia/Shanghai")


def at(hour: int) -> datetime:
    return datetime(2026, 11, 25, hour, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def ids(admin_ctx: Context) -> dict[str, int]:
    doctor = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    patient = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000"))
    return {"doctor": doctor, "patient": patient.patient.id}


def test_a_booking_names_its_appointment_and_patient(admin_ctx: Context,
                                                     ids: dict[str, int]) -> None:
    op = admin_ctx.fork()
    booked = appts.book(op, BookingRequest(ids["patient"], ids["doctor"], at(10),
                                           at(10) + timedelta(minutes=30)))
    changes = op.changes
    assert changes.appointments == {booked} and changes.patients == {ids["patient"]}
    assert changes.touches(Area.APPOINTMENTS, Area.AUDIT)
    assert not changes.touches(Area.LEDGER, Area.STAFF, Area.SETTINGS)
    assert changes.touches_patient(ids["patient"]) and not changes.touches_patient(999)


def test_a_refused_write_changes_nothing(admin_ctx: Context, ids: dict[str, int]) -> None:
    appts.book(admin_ctx, BookingRequest(ids["patient"], ids["doctor"], at(10),
                                         at(10) + timedelta(minutes=30)))
    op = admin_ctx.fork()
    with pytest.raises(BookingConflict):
        appts.book(op, BookingRequest(ids["patient"], ids["doctor"], at(10),
                                      at(10) + timedelta(minutes=30)))
    assert op.changes.empty and op.changes == ChangeSet()


def test_payments_visits_and_settings(admin_ctx: Context, ids: dict[str, int]) -> None:
    pid = ids["patient"]
    op = admin_ctx.fork()
    billing.add_entry(op, pid, kind="payment", amount=Decimal("100"), method="现金",
                      excess="credit")
    assert op.changes.ledger == {pid} and op.changes.patients == {pid}
    # The audit entry (and a server's chain head moved with it) is the audit area only.
    assert Area.SETTINGS not in op.changes.wide and not op.changes.settings

    op = admin_ctx.fork()
    extraction = next(p.id for p in list_procedures(admin_ctx) if p.name == "普通拔牙")
    billing.record_visit(op, pid, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[billing.TreatmentLine(extraction, Decimal("300"))])
    assert pid in op.changes.visits and pid in op.changes.ledger
    assert op.changes.touches(Area.CARE_TASKS)  # the plan's calls, raised by the event

    op = admin_ctx.fork()
    clinic.update_clinic(op, name="新名字", timezone="Asia/Shanghai", phone="", address="")
    assert "clinic.name" in op.changes.settings and not op.changes.touches(Area.PATIENTS)


def test_a_scan_that_raises_nothing_changes_nothing(admin_ctx: Context,
                                                    ids: dict[str, int]) -> None:
    care.raise_due(admin_ctx)  # whatever was due at setup
    op = admin_ctx.fork()
    assert care.raise_due(op) == 0
    assert op.changes.empty


def test_reads_change_nothing_and_forks_keep_their_own_log(admin_ctx: Context,
                                                           ids: dict[str, int]) -> None:
    op = admin_ctx.fork()
    care.callback_list(op, as_of=date(2026, 11, 24))
    assert op.changes.empty
    other = admin_ctx.fork()
    create_patient(other, PatientInput(name="李四"))
    assert op.changes.empty and other.changes.touches(Area.PATIENTS)


def test_sets_combine() -> None:
    a = ChangeSet(patients=frozenset({1}), touched=frozenset({Area.PATIENTS}))
    b = ChangeSet(appointments=frozenset({7}), wide=frozenset({Area.CARE_TASKS}),
                  touched=frozenset({Area.APPOINTMENTS, Area.CARE_TASKS}))
    both = a | b
    assert both.patients == {1} and both.appointments == {7}
    assert both.touches_any_of(Area.CARE_TASKS, [123])  # wide: every id
    assert ChangeSet.everything().touches_patient(42)


def test_a_change_set_travels_as_compact_json_and_comes_back_equal() -> None:
    sent = ChangeSet(patients=frozenset({3, 1}), appointments=frozenset({7}),
                     settings=frozenset({"clinic.name"}), wide=frozenset({Area.CARE_TASKS}),
                     touched=frozenset({Area.PATIENTS, Area.APPOINTMENTS, Area.SETTINGS,
                                        Area.CARE_TASKS, Area.AUDIT}))
    text = sent.to_json()
    assert text == ('{"patients":[1,3],"appointments":[7],"settings":["clinic.name"],'
                    '"wide":["care_tasks"],"touched":["audit"]}')
    back = ChangeSet.from_json(text)
    assert back == sent and back.touched == sent.touched
    assert ChangeSet.from_json(ChangeSet().to_json()).empty
    everything = ChangeSet.from_json(ChangeSet.everything().to_json())
    assert everything == ChangeSet.everything() and everything.touched == frozenset(Area)


def test_a_change_set_too_big_for_its_room_sends_its_largest_areas_as_wide() -> None:
    big = ChangeSet(patients=frozenset(range(1, 3001)), appointments=frozenset({5}),
                    settings=frozenset({"clinic.name"}),
                    touched=frozenset({Area.PATIENTS, Area.APPOINTMENTS, Area.SETTINGS}))
    assert len(big.to_json()) > 8000
    small = ChangeSet.from_json(big.to_json(max_bytes=500))
    assert small.wide == {Area.PATIENTS} and small.patients == frozenset()
    assert small.appointments == {5} and small.settings == {"clinic.name"}  # still exact
    assert small.touches_patient(2999) and small.touched == big.touched
    tiny = ChangeSet.from_json(big.to_json(max_bytes=60))  # the larger of the two next
    assert tiny.wide == {Area.PATIENTS, Area.SETTINGS} and tiny.appointments == {5}
    with pytest.raises(ValueError):
        big.to_json(max_bytes=10)


@pytest.mark.parametrize("text", ['[1, 2]', '{"patients": [1, "2"]}', '{"settings": [1]}',
                                  '{"wide": ["inventory"]}', '{"audit": [1]}',
                                  '{"patients": 1}', 'not json', '{"patients": [true]}'])
def test_anything_but_a_change_set_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        ChangeSet.from_json(text)
