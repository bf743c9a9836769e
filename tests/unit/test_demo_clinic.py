"""The demo clinic seeds on either engine, and the clinic goes on working after it: what the
desk adds next gets new ids beside the demo's rows (written in bulk with their ids)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.demo import DEMO_ADMIN_USERNAME, seed_demo
from clinic_desktop.services.auth import actor_of
from clinic_desktop.services.billing import TreatmentLine, record_visit
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.staff import Staff


def test_the_demo_clinic_seeds_and_the_desk_goes_on(
        database: Database, fixed_clock: FixedClock) -> None:
    summary = seed_demo(database, clock=fixed_clock, patients=20)
    assert summary.patients == 20
    with database.session() as session:
        admin = session.execute(select(Staff).where(
            Staff.username == DEMO_ADMIN_USERNAME)).scalar_one()
    ctx = Context(db=database, actor=actor_of(admin), clock=fixed_clock)
    patient = create_patient(ctx, PatientInput(name="演示后新患者")).patient.id
    visit = record_visit(ctx, patient, visit_date=fixed_clock.now().date(), doctor_id=None,
                         lines=[TreatmentLine(None, Decimal(100), procedure_name="检查")])
    assert patient > 20 and visit.id > 0
