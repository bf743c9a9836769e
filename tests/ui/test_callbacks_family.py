"""The callback list's family column: patients on the list per household, several households."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from clinic_desktop.clock import FixedClock
from clinic_desktop.services import care
from clinic_desktop.services.billing import TreatmentLine, record_visit
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.family import link_family
from clinic_desktop.services.patients import PatientInput, create_patient
from tests.ui.test_callbacks_page import due_call, page  # noqa: F401 - shared fixtures
from ui.app_services import AppServices
from ui.pages.callbacks_page import FAMILY, CallbacksPage

__all__ = ["due_call", "page"]


def test_family_sizes_count_patients_not_tasks_in_each_household(
    page: CallbacksPage, services: AppServices, due_call: int,  # noqa: F811
) -> None:
    names = ("张妻", "张子", "李四", "李弟", "王五")
    wife, son, li, brother, wang = (
        create_patient(services.ctx, PatientInput(name=name)).patient.id for name in names)
    extraction = next(p.id for p in list_procedures(services.ctx) if p.name == "普通拔牙")
    clock = services.ctx.clock
    assert isinstance(clock, FixedClock)
    now = clock.now()
    # Each visit yesterday brings a call due today before now; 张三 gets a second one.
    for n, pid in enumerate((wife, son, li, brother, wang, due_call), start=1):
        clock.set(now - timedelta(hours=24, minutes=10 * n))
        record_visit(services.ctx, pid, visit_date=date(2026, 11, 23), doctor_id=None,
                     lines=[TreatmentLine(extraction, Decimal("300"))])
    clock.set(now)
    care.raise_due(services.ctx)
    link_family(services.ctx, due_call, wife, relation="spouse")
    link_family(services.ctx, son, wife, relation="child")  # 张三 and 张子 only through 张妻
    link_family(services.ctx, brother, li, relation="sibling")
    page.by_family.setChecked(True)
    model = page.model
    family = [(model.records[row].patient, model.index(row, FAMILY).data())
              for row in range(model.rowCount())]
    assert sorted(family) == sorted([
        ("张三", "同家庭 3 人"), ("张三", "同家庭 3 人"), ("张妻", "同家庭 3 人"),
        ("张子", "同家庭 3 人"), ("李四", "同家庭 2 人"), ("李弟", "同家庭 2 人"),
        ("王五", "")])
    # Households stay together, each where its earliest call falls.
    households = [name[0] for name, _size in family]
    assert households == sorted(households, key=households.index)
