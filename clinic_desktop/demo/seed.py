"""Seeding the demo clinic, area by area, in dependency order."""

from __future__ import annotations

import random
from dataclasses import dataclass

from clinic_desktop.clock import Clock
from clinic_desktop.context import Context
from clinic_desktop.demo.accounts import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME
from clinic_desktop.demo.auto_messages import seed_auto_messages
from clinic_desktop.demo.campaigns import seed_campaigns
from clinic_desktop.demo.care import seed_care
from clinic_desktop.demo.consent import seed_consent
from clinic_desktop.demo.loyalty import seed_loyalty
from clinic_desktop.demo.patients import seed_patients
from clinic_desktop.demo.schedule import seed_schedule
from clinic_desktop.demo.staff import seed_staff
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.clinic import update_clinic
from clinic_desktop.storage.database import Database

DEMO_CLINIC_NAME = "康宁口腔眼科诊所"

__all__ = ["DemoSummary", "seed_demo"]


@dataclass(frozen=True)
class DemoSummary:
    staff: int
    chairs: int
    patients: int


def _sequences_after_bulk(db: Database) -> None:
    """The demo writes patients, visits and entries in bulk with their ids; on PostgreSQL the
    id sequences are moved past them, so what the desk (or the next seeder) adds fits in."""
    if db.is_sqlite:
        return
    from clinic_desktop.storage.copy_clinic import move_sequences, tables_in_order

    with db.session(write=True) as session:
        move_sequences(session.connection(), tables_in_order())


def seed_demo(
    db: Database, *, clock: Clock, seed: int = 7, patients: int = 3000
) -> DemoSummary:
    """Set up an empty database as the demo clinic, signed-in-able as the demo administrator."""
    admin = setup_clinic(
        db, clinic_name=DEMO_CLINIC_NAME, timezone="Asia/Shanghai",
        admin_username=DEMO_ADMIN_USERNAME, admin_display_name="演示管理员",
        password=DEMO_ADMIN_PASSWORD, clock=clock, is_demo=True,
    )
    ctx = Context(db=db, actor=admin, clock=clock)
    update_clinic(ctx, name=DEMO_CLINIC_NAME, timezone="Asia/Shanghai", phone="010-6588 8866",
                  address="北京市朝阳区建国路 88 号")
    rng = random.Random(seed)
    staff_count, chair_count = seed_staff(ctx, rng)
    patient_count = seed_patients(ctx, rng, patients)
    _sequences_after_bulk(db)
    if patient_count:
        seed_consent(ctx, random.Random(seed + 1))  # its own: the rest of the demo stays as it was
        for step in (seed_schedule, seed_loyalty,
                     seed_campaigns):  # campaigns before the care scan, which raises their tasks
            step(ctx, rng)
            _sequences_after_bulk(db)
        seed_care(ctx)
        # its own stream, last: the demo's day of automatic messages changes nothing above
        seed_auto_messages(ctx, random.Random(seed + 2))
        _sequences_after_bulk(db)
    return DemoSummary(staff=staff_count + 1, chairs=chair_count, patients=patient_count)
