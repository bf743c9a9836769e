"""A small hand-built clinic for the segment, RFM and campaign tests (today: 2026-11-24).

    A 张一  M 1980  VIP 抖音 金卡 浦东   visits 2025-10-01 种植牙 12000 (王), 2026-05-10
            超声洁牙 300, 2026-11-01 口腔检查 50; paid 12000 (owes 350); stored value 1000
    B 李二  F 2010  学生 转介绍 by A 朝阳  visit 2026-03-15 超声洁牙 300 (李), unpaid; spends
            A's stored value (household); ratings 5 and 4; custom 学校 = 实验中学; family of A
    C 王三  M 1960  VIP 老人 抖音          visits 2024-06-01 种植牙 12000 less 1000 (王),
            2024-07-01 种植复查; paid 11000; an open recall; rating 2; no phone
    D 赵四  F, no birth date, never seen
    E 钱五  archived (a recent visit)       F 孙六  merged into C (a recent visit)
    G 周七  F 1990                          visit 2026-06-01 烤瓷冠 3000, reversed, charged
            2800 again; paid 2800
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from clinic_desktop.context import Context
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.engagement import Feedback
from clinic_desktop.storage.models.loyalty import StoredValueShare
from clinic_desktop.storage.models.patient import (
    CustomField,
    CustomFieldValue,
    FamilyLink,
    Patient,
    PatientTag,
    Tag,
)
from clinic_desktop.storage.models.staff import Staff

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 24)


@dataclass
class Clinic:
    ctx: Context
    ids: dict[str, int]  # "A" … "G"
    doctors: dict[str, int]  # 王, 李

    def letters(self, patient_ids: object) -> set[str]:
        back = {v: k for k, v in self.ids.items()}
        return {back[i] for i in patient_ids}  # type: ignore[attr-defined]


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), SHANGHAI)


def add_visit(ctx: Context, patient_id: int, day: date, procedure: str, amount: str,
              doctor_id: int | None = None) -> int:
    """A visit with one line and its charge, written as an import would (no events)."""
    with ctx.transaction(write=True) as s:
        proc = s.query(ProcedureType).filter_by(name=procedure).one()
        visit = Visit(patient_id=patient_id, visit_date=day, doctor_id=doctor_id,
                      created_at=at(day))
        s.add(visit)
        s.flush()
        s.add(Treatment(visit_id=visit.id, procedure_type_id=proc.id, procedure_name=proc.name,
                        amount=Decimal(amount)))
        if Decimal(amount):
            s.add(LedgerEntry(patient_id=patient_id, at=at(day), kind="charge",
                              amount=Decimal(amount), visit_id=visit.id))
        return visit.id


def add_entry(ctx: Context, patient_id: int, day: date, kind: str, amount: str, **extra: object
              ) -> None:
    with ctx.transaction(write=True) as s:
        s.add(LedgerEntry(patient_id=patient_id, at=at(day), kind=kind, amount=Decimal(amount),
                          **extra))


def build(ctx: Context) -> Clinic:
    ids = {}
    specs = {
        "A": PatientInput(name="张一", sex="M", birth_date=date(1980, 5, 1),
                          mobile="13800000001", source="抖音", address="上海市浦东新区张江路1号"),
        "B": PatientInput(name="李二", sex="F", birth_date=date(2010, 3, 10),
                          mobile="13800000002", source="转介绍", address="北京市朝阳区"),
        "C": PatientInput(name="王三", sex="M", birth_date=date(1960, 1, 1), source="抖音"),
        "D": PatientInput(name="赵四", sex="F", mobile="13800000004"),
        "E": PatientInput(name="钱五", sex="M", mobile="13800000005"),
        "F": PatientInput(name="孙六", sex="M", mobile="13800000006"),
        "G": PatientInput(name="周七", sex="F", birth_date=date(1990, 2, 2),
                          mobile="13800000007"),
    }
    for letter, data in specs.items():
        ids[letter] = create_patient(ctx, data).patient.id
    with ctx.transaction(write=True) as s:
        doctors = {}
        for name in ("王", "李"):
            staff = Staff(username=f"dr{len(doctors)}", display_name=f"{name}医生", role="doctor",
                          password_hash="x", is_doctor=True, created_at=at(TODAY))
            s.add(staff)
            s.flush()
            doctors[name] = staff.id
        p = {k: s.get(Patient, v) for k, v in ids.items()}
        p["A"].member_tier = "金卡"  # type: ignore[union-attr]
        p["B"].referred_by_id = ids["A"]  # type: ignore[union-attr]
        p["E"].archived = True  # type: ignore[union-attr]
        p["F"].merged_into_id = ids["C"]  # type: ignore[union-attr]
        tags = {}
        for name in ("VIP", "学生", "老人"):
            tag = Tag(name=name)
            s.add(tag)
            s.flush()
            tags[name] = tag.id
        for letter, names in (("A", ["VIP"]), ("B", ["学生"]), ("C", ["VIP", "老人"])):
            for name in names:
                s.add(PatientTag(patient_id=ids[letter], tag_id=tags[name]))
        field = CustomField(name="学校", kind="text")
        s.add(field)
        s.flush()
        s.add(CustomFieldValue(patient_id=ids["B"], field_id=field.id, value="实验中学"))
        s.add(FamilyLink(patient_id=ids["A"], relative_id=ids["B"], relation="child"))
        s.add(FamilyLink(patient_id=ids["B"], relative_id=ids["A"], relation="parent"))
        s.add(StoredValueShare(patient_id=ids["B"], holder_id=ids["A"], created_at=at(TODAY)))
        for letter, score in (("B", 5), ("B", 4), ("C", 2)):
            s.add(Feedback(patient_id=ids[letter], at=at(TODAY), satisfaction=score))
        s.add(CareTask(patient_id=ids["C"], kind="recall", title="种植复查", due_at=at(TODAY),
                       source="plan", dedupe_key="recall:C", created_at=at(TODAY)))
    wang, li = doctors["王"], doctors["李"]
    add_visit(ctx, ids["A"], date(2025, 10, 1), "种植牙", "12000", wang)
    add_visit(ctx, ids["A"], date(2026, 5, 10), "超声洁牙", "300")
    add_visit(ctx, ids["A"], date(2026, 11, 1), "口腔检查", "50")
    add_entry(ctx, ids["A"], date(2025, 10, 1), "payment", "12000", method="wechat")
    add_entry(ctx, ids["A"], date(2026, 1, 5), "topup", "1000", method="cash", pot="principal",
              holder_id=ids["A"])
    add_visit(ctx, ids["B"], date(2026, 3, 15), "超声洁牙", "300", li)
    add_visit(ctx, ids["C"], date(2024, 6, 1), "种植牙", "12000", wang)
    add_entry(ctx, ids["C"], date(2024, 6, 1), "discount", "1000")
    add_entry(ctx, ids["C"], date(2024, 6, 1), "payment", "11000", method="cash")
    add_visit(ctx, ids["C"], date(2024, 7, 1), "种植复查", "0", wang)
    add_visit(ctx, ids["E"], date(2026, 11, 1), "种植牙", "12000", wang)
    add_visit(ctx, ids["F"], date(2026, 11, 1), "种植牙", "12000", wang)
    add_visit(ctx, ids["G"], date(2026, 6, 1), "烤瓷冠", "3000")
    add_entry(ctx, ids["G"], date(2026, 6, 1), "charge", "-3000")  # the reversal
    add_entry(ctx, ids["G"], date(2026, 6, 1), "charge", "2800")
    add_entry(ctx, ids["G"], date(2026, 6, 1), "payment", "2800", method="cash")
    return Clinic(ctx, ids, doctors)
