"""Calendar speed: 20 doctors and 250,000 appointments.

Goals (README): one week for all doctors loads in under 10 ms in the core; the overlap check
for a new booking takes under 1 ms.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.permissions import Role
from clinic_desktop.rules.schedule_rules import Booking
from clinic_desktop.services.appointments import conflicts_for
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.calendar import appointments_between, week_summary
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import (
    Appointment,
    AppointmentProcedure,
    WorkingHours,
)
from clinic_desktop.storage.models.staff import Staff
from tests.benchmarks.conftest import CIPHERS, settle
from tests.benchmarks.engines import ON_SERVER, database_for, move_sequences

DOCTORS, APPOINTMENTS = 20, 250_000
START = datetime(2024, 1, 1, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=[*CIPHERS, ON_SERVER])
def booked(tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[Context]:
    db = database_for(request, Path(tmp_path_factory.mktemp("cal")) / "clinic", request.param)
    clock = FixedClock(START)
    actor = setup_clinic(db, clinic_name="基准", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="bench-pass", clock=clock)
    rng = random.Random(3)
    with db.session(write=True) as session:
        session.execute(insert(Staff), [
            {"id": 100 + d, "username": f"dr{d}", "display_name": f"医生{d}", "role":
             Role.DOCTOR.value, "active": True, "password_hash": "x", "is_doctor": True,
             "failed_logins": 0, "created_at": START, "version": 1} for d in range(DOCTORS + 1)])
        session.execute(insert(WorkingHours), [
            {"staff_id": 100 + d, "weekday": w, "start_time": time(0), "end_time": time(23, 59)}
            for d in range(DOCTORS + 1) for w in range(7)])
        session.execute(insert(Patient).execution_options(render_nulls=True), [
            {"id": p, "code": f"P{p:06d}", "name": "患者", "name_pinyin": "huanzhe",
             "name_initials": "hz", "created_at": START, "updated_at": START, "notes": "",
             "archived": False, "birth_date_approximate": False, "member_points": 0,
             "version": 1} for p in range(1, 20001)])
        rows = []
        per_doctor = APPOINTMENTS // DOCTORS
        for d in range(DOCTORS):
            t = START
            for _ in range(per_doctor):
                t += timedelta(minutes=rng.choice((30, 40, 60)))
                if (t + timedelta(hours=8)).hour >= 18:
                    t += timedelta(hours=15)
                rows.append({"patient_id": rng.randrange(1, 20001), "doctor_id": 100 + d,
                             "chair_id": None, "start": t, "end": t + timedelta(minutes=30),
                             "status": "booked", "channel": "电话", "notes": "",
                             "created_at": START, "updated_at": START, "version": 1})
        session.execute(insert(Appointment).execution_options(render_nulls=True), rows)
        # As at a clinic's desk: most bookings name what they are for (the first one colours
        # the block), some name two, a few none.
        procedures = list(session.execute(select(ProcedureType.id)).scalars())
        first_id = session.execute(select(func.min(Appointment.id))).scalar_one()
        named = []
        for appointment_id in range(first_id, first_id + len(rows)):
            if rng.random() < 0.85:
                chosen = rng.sample(procedures, 2 if rng.random() < 0.15 else 1)
                named += [{"appointment_id": appointment_id, "procedure_type_id": p,
                           "position": n} for n, p in enumerate(chosen)]
        session.execute(insert(AppointmentProcedure), named)
        # Not kept alive while the benchmarks run: every full garbage collection would
        # walk the hundreds of thousands of dicts built above, inside the timings.
        del rows, named
    move_sequences(db, "staff", "patient")
    settle(db)
    yield Context(db=db, actor=actor, clock=clock)
    db.close()


def test_one_week_all_doctors(benchmark: object, booked: Context) -> None:
    week = START + timedelta(days=200)
    views = benchmark(appointments_between, booked, week, week + timedelta(days=7))  # type: ignore[operator]
    assert len(views) > 500


def test_one_week_all_doctors_compact(benchmark: object, booked: Context) -> None:
    """What the all-doctors week view reads: bookings counted per doctor per day."""
    week = (START + timedelta(days=200)).date()
    cells = benchmark(week_summary, booked, week)  # type: ignore[operator]
    assert sum(c.count for c in cells) > 500


def test_overlap_check_for_a_new_booking(benchmark: object, booked: Context) -> None:
    # A doctor with a free afternoon and a patient with no booking then: the common case.
    start = START + timedelta(days=300, hours=2)
    candidate = Booking(None, 100 + DOCTORS, None, 20000, start, start + timedelta(minutes=30))

    def check() -> object:
        with booked.db.session() as session:
            return conflicts_for(session, candidate)

    assert benchmark(check) == []  # type: ignore[operator]
