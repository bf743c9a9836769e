"""Several workstations on one PostgreSQL database, as separate processes with their own
connections, all let go at the same moment: two, then eight, booking the same slots, paying
from one stored-value card, and answering the same callback task. No double booking, no lost
update, balances exact to the fen, the audit chain intact."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.permissions import Role
from clinic_desktop.services import billing, schedule
from clinic_desktop.services.audit import check_chain
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.loyalty import stored_value
from clinic_desktop.services.loyalty.balances import check_balances_in
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.engagement import ContactLog
from clinic_desktop.storage.models.schedule import Appointment
from tests.conftest import FIXED_NOW
from tests.unit import workstation_worker

pytestmark = pytest.mark.postgresql

SLOT = datetime(2026, 11, 25, 2, 0, tzinfo=FIXED_NOW.tzinfo)  # 10:00 in Shanghai, a Wednesday
PRICE = Decimal("37.50")  # a payment from the card; 1000 holds 26 of them


@pytest.fixture
def ctx(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    # The workers are new processes: they find the audit key in the same folder (not in a
    # keyring this test process does not use).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    db = open_database(url=pg_url, now=FIXED_NOW)
    actor = setup_clinic(db, clinic_name="测试诊所", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="s3cret-pass", clock=FixedClock(FIXED_NOW))
    yield Context(db=db, actor=actor, clock=FixedClock(FIXED_NOW))
    db.close()


def _workstations(url: str, count: int, steps: list[tuple[str, dict[str, Any]]]
                  ) -> dict[str, list[dict[str, Any]]]:
    """Each step's outcomes (one per workstation), the steps run in order by all at once."""
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter each, like another PC
    barrier, results = spawn.Barrier(count), spawn.Queue()
    processes = [spawn.Process(target=workstation_worker.run,
                               args=(url, FIXED_NOW, steps, barrier, results))
                 for _ in range(count)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=180) for _ in range(count * len(steps))]
    for process in processes:
        process.join(timeout=30)
    assert all(not o["errors"] for o in outcomes), outcomes
    return {work: [o for o in outcomes if o["work"] == work] for work, _args in steps}


def _total(outcomes: list[dict[str, Any]], what: str) -> int:
    return sum(o[what] for o in outcomes)


@pytest.mark.parametrize("count", [2, 8])
def test_workstations_at_once_book_pay_and_call_without_losing_anything(
        ctx: Context, pg_url: str, count: int) -> None:
    doctor = add_staff(ctx, username="dr.li", display_name="李医生", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    patient = create_patient(ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    stored_value.top_up(ctx, patient, amount=Decimal("1000"), method="cash")
    billing.add_entry(ctx, patient, kind="charge", amount=Decimal("5000"), note="种植牙")
    with ctx.db.session(write=True) as session:
        task = CareTask(patient_id=patient, kind="followup", title="种植术后 24 小时回访",
                        due_at=FIXED_NOW, status="due", source="test", source_id=1,
                        dedupe_key="test:workstations", assigned_role="nurse", priority=2,
                        window_days=1, created_at=FIXED_NOW)
        session.add(task)
        session.flush()
        task_id, version = task.id, task.version
    payments_each = 10
    done = _workstations(pg_url, count, [
        ("book", {"patient": patient, "doctor": doctor, "start": SLOT.isoformat(),
                  "times": 3, "slots": 3}),
        ("pay", {"patient": patient, "amount": str(PRICE), "times": payments_each}),
        ("call", {"task": task_id, "version": version, "note": "恢复良好"}),
    ])
    assert sum(_total(o, "busy") for o in done.values()) == 0

    # Three slots, each booked exactly once; everyone else told the slot is taken.
    assert _total(done["book"], "ok") == 3
    assert _total(done["book"], "refused") == count * 3 - 3
    with ctx.db.session() as session:
        starts = session.execute(select(Appointment.start).where(
            Appointment.doctor_id == doctor)).scalars().all()
    assert sorted(starts) == [SLOT + timedelta(minutes=30 * i) for i in range(3)]

    # The card pays what it holds and not a fen more; the rest is refused, nothing lost.
    paid = _total(done["pay"], "ok")
    assert paid == min(count * payments_each, 26)
    assert paid + _total(done["pay"], "refused") == count * payments_each
    assert stored_value.stored_value_of(ctx, patient).principal == Decimal("1000") - PRICE * paid
    assert billing.get_balance(ctx, patient).owed == Decimal("5000") - PRICE * paid

    # The same call answered once; the others are told someone else has it.
    assert _total(done["call"], "ok") == 1 and _total(done["call"], "refused") == count - 1
    with ctx.db.session() as session:
        stored = session.get_one(CareTask, task_id)
        logged = session.execute(select(func.count()).select_from(ContactLog).where(
            ContactLog.patient_id == patient)).scalar_one()
    assert (stored.status, stored.attempts, logged) == ("done", 1, 1)

    assert check_chain(ctx).ok
    with ctx.db.session() as session:
        assert check_balances_in(session) == []
