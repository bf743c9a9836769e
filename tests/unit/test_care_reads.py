"""The callback list's reads: every field of an item, households for short and long lists."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime
from decimal import Decimal

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.permissions import Role
from clinic_desktop.services import billing, care
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.care import CallbackItem
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.family import link_family
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.profile import MedicalInfo, update_medical
from clinic_desktop.services.staff import add_staff


def test_callback_items_carry_every_field(admin_ctx: Context, fixed_clock: FixedClock) -> None:
    pid = create_patient(admin_ctx, PatientInput(name="张三", mobile="13800138000")).patient.id
    update_medical(admin_ctx, pid, MedicalInfo(("青霉素",), "", "", "", "", ""))
    extraction = next(p.id for p in list_procedures(admin_ctx) if p.name == "普通拔牙")
    treated = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    billing.record_visit(admin_ctx, pid, visit_date=date(2026, 11, 24), doctor_id=None,
                         treated_at=treated, lines=[TreatmentLine(extraction, Decimal("300"))])
    fixed_clock.set(datetime(2026, 11, 25, 6, tzinfo=UTC))
    [item] = care.callback_list(admin_ctx, as_of=date(2026, 11, 25))
    assert set(vars(item)) == {f.name for f in fields(CallbackItem)}
    assert (item.patient_id, item.patient, item.phone, item.kind, item.has_allergy) == (
        pid, "张三", "13800138000", "followup_call", True)
    assert item.due == datetime(2026, 11, 25, 1, 30, tzinfo=UTC) and item.due.tzinfo is UTC
    assert item.attempts == 0 and item.last_outcome is None and item.doctor is None


def test_long_and_short_lists_find_the_same_households(admin_ctx: Context) -> None:
    ids = [create_patient(admin_ctx, PatientInput(name=name)).patient.id
           for name in ("甲一", "甲二", "甲三", "乙一", "乙二", "丙", "丁")]
    a1, a2, a3, b1, b2, c, outside = ids
    link_family(admin_ctx, a1, a2, relation="spouse")
    link_family(admin_ctx, a3, a2, relation="child")  # a1 and a3 only through a2
    link_family(admin_ctx, b2, b1, relation="parent")
    link_family(admin_ctx, c, outside, relation="sibling")  # the relative is not on the list
    listed = [a1, a2, a3, b1, b2, c, a1]  # a patient with two tasks comes twice
    expected = {a1: a1, a2: a1, a3: a1, b1: b1, b2: b1, c: c}
    assert care.family_groups(admin_ctx, listed) == expected
    # A long list reads the links another way; ids of no patient stand alone.
    missing = [max(ids) + n for n in range(1, 1001)]
    long = care.family_groups(admin_ctx, listed + missing)
    assert long == {**expected, **{pid: pid for pid in missing}}


def test_callback_items_name_the_doctor_and_share_due_instants(
        admin_ctx: Context, fixed_clock: FixedClock) -> None:
    """The doctor's name is looked up by id (each visit's own doctor, or none); tasks due at
    one instant get equal due times, others their own."""
    doctors = [add_staff(admin_ctx, username=f"dr{n}", display_name=name, role=Role.DOCTOR,
                         password="Doctor-pass-2026", is_doctor=True).id
               for n, name in enumerate(("王建国", "李芳"))]
    extraction = next(p.id for p in list_procedures(admin_ctx) if p.name == "普通拔牙")
    treated = [datetime(2026, 11, 24, 1, 30, tzinfo=UTC)] * 2 + [
        datetime(2026, 11, 24, 2, 45, tzinfo=UTC)]
    for n, (doctor, at) in enumerate(zip([*doctors, None], treated, strict=True)):
        pid = create_patient(admin_ctx, PatientInput(name=f"患者{n}")).patient.id
        billing.record_visit(admin_ctx, pid, visit_date=date(2026, 11, 24), doctor_id=doctor,
                             treated_at=at, lines=[TreatmentLine(extraction, Decimal("300"))])
    fixed_clock.set(datetime(2026, 11, 25, 6, tzinfo=UTC))
    items = care.callback_list(admin_ctx, as_of=date(2026, 11, 25))
    assert [(i.patient, i.doctor, i.doctor_id) for i in items] == [
        ("患者0", "王建国", doctors[0]), ("患者1", "李芳", doctors[1]), ("患者2", None, None)]
    assert [i.due for i in items] == [datetime(2026, 11, 25, 1, 30, tzinfo=UTC)] * 2 + [
        datetime(2026, 11, 25, 2, 45, tzinfo=UTC)]
