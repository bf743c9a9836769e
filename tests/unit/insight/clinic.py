"""A small clinic built by hand for the insight tests; every figure the tests expect is
worked out in the test's comments from the rows written here.

Clinic zone Asia/Shanghai (UTC+8); the month under test is November 2026.

- A (抖音): first seen 2026-03-10 (王, 洁牙 200); 11-05 王 种植 10000, tier discount 500, cash
  9500.
- B (抖音, new 11-10): top-up 1000 + bonus 100 on 11-02; 11-10 李 洁牙 200 + 补牙 500 paid
  from the card; 11-20 李 补牙 500 paid in cash, 100 refunded in cash on 11-21.
- C (no source): first visit 2019-06-01 on the legacy record; 11-15 王 洁牙 200, an imported
  visit paid '现金' (the first wave's method name).
- D (转介绍, new 11-30): 李 补牙 500 charged at 23:30 local on the 30th (in November); paid by
  card at 00:30 on 1 December (not in November).
- E (抖音): 2025-11-20 王 洁牙 200 paid in cash; 11-12 王 洁牙 200 paid by Alipay, reversed on
  11-13 and paid by WeChat instead.
- F (抖音): a first-visit date of 2026-11-03 on the record only, no visit rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from clinic_desktop.context import Context
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.engagement import Feedback
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.models.staff import Staff

ZONE = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A clinic-local wall time as the UTC instant the database stores."""
    return datetime.combine(day, time(hour, minute), ZONE).astimezone(UTC)


@dataclass
class Clinic:
    ctx: Context
    patients: dict[str, int]
    doctors: dict[str, int]
    procedures: dict[str, int]


def build(ctx: Context) -> Clinic:
    people = {
        "A": PatientInput(name="安娜", sex="F", birth_date=date(1990, 5, 1), source="抖音",
                          mobile="13800000001"),
        "B": PatientInput(name="白杨", sex="M", birth_date=date(2015, 2, 1), source="抖音",
                          mobile="13800000002"),
        "C": PatientInput(name="陈旧", first_visit_date=date(2019, 6, 1),
                          mobile="13800000003"),
        "D": PatientInput(name="丁香", sex="F", birth_date=date(1960, 12, 15), source="转介绍",
                          mobile="13800000004"),
        "E": PatientInput(name="鄂尔", sex="M", birth_date=date(1986, 11, 30), source="抖音",
                          mobile="13800000005"),
        "F": PatientInput(name="方圆", source="抖音", first_visit_date=date(2026, 11, 3),
                          mobile="13800000006"),
    }
    pid = {key: create_patient(ctx, data).patient.id for key, data in people.items()}
    now = ctx.now()
    admin = ctx.actor.staff_id
    with ctx.db.session(write=True) as s:
        doctors = {}
        for name, username in (("王医生", "wang"), ("李医生", "li")):
            staff = Staff(username=username, display_name=name, role="doctor",
                          password_hash="x", is_doctor=True, created_at=now)
            s.add(staff)
            s.flush()
            doctors[name] = staff.id
        procs = {}
        for name, category, price, high in (("测试洁牙", "洁牙", 200, False),
                                            ("测试种植", "种植", 10000, True),
                                            ("测试补牙", "补牙", 500, False)):
            proc = ProcedureType(name=name, category=category, price=Decimal(price),
                                 high_value=high)
            s.add(proc)
            s.flush()
            procs[name] = proc.id
        wang, li = doctors["王医生"], doctors["李医生"]

        def visit(who: str, day: date, doctor: int, lines: list[tuple[str, int]],
                  at: datetime | None = None, imported: bool = False) -> int:
            row = Visit(patient_id=pid[who], visit_date=day, doctor_id=doctor,
                        created_at=now, import_batch_id=1 if imported else None)
            s.add(row)
            s.flush()
            for name, amount in lines:
                s.add(Treatment(visit_id=row.id, procedure_type_id=procs[name],
                                procedure_name=name, amount=Decimal(amount)))
            entry(who, "charge", sum(a for _n, a in lines), at or local(day), visit_id=row.id)
            return row.id

        def entry(who: str, kind: str, amount: int, at: datetime, *, method: str | None = None,
                  pot: str | None = None, visit_id: int | None = None,
                  source: str | None = None, reverses: int | None = None) -> int:
            row = LedgerEntry(patient_id=pid[who], at=at, kind=kind, method=method,
                              amount=Decimal(amount), visit_id=visit_id, created_by=admin,
                              pot=pot, holder_id=pid[who] if pot else None, source=source,
                              reverses_id=reverses)
            s.add(row)
            s.flush()
            return row.id

        # A: returning; a tier discount on the implant visit
        visit("A", date(2026, 3, 10), wang, [("测试洁牙", 200)])
        entry("A", "payment", 200, local(date(2026, 3, 10), 11), method="cash")
        implant = visit("A", date(2026, 11, 5), wang, [("测试种植", 10000)])
        entry("A", "discount", 500, local(date(2026, 11, 5), 11), visit_id=implant,
              source="tier")
        entry("A", "payment", 9500, local(date(2026, 11, 5), 11), method="cash",
              visit_id=implant)
        # B: new; a top-up (1000 + bonus 100), the first visit paid from the card, a refund
        entry("B", "topup", 1000, local(date(2026, 11, 2)), method="wechat", pot="principal")
        entry("B", "topup", 100, local(date(2026, 11, 2)), pot="bonus")
        first = visit("B", date(2026, 11, 10), li, [("测试洁牙", 200), ("测试补牙", 500)])
        entry("B", "payment", 700, local(date(2026, 11, 10), 11), method="stored_value",
              pot="principal", visit_id=first)
        second = visit("B", date(2026, 11, 20), li, [("测试补牙", 500)])
        entry("B", "payment", 500, local(date(2026, 11, 20), 11), method="cash",
              visit_id=second)
        entry("B", "refund", 100, local(date(2026, 11, 21)), method="cash")
        # C: an imported legacy visit, paid with a first-wave method name
        legacy = visit("C", date(2026, 11, 15), wang, [("测试洁牙", 200)],
                       at=local(date(2026, 11, 15), 12), imported=True)
        entry("C", "payment", 200, local(date(2026, 11, 15), 12), method="现金",
              visit_id=legacy)
        # D: charged 23:30 on the last day (in November), paid 00:30 the next day (not)
        visit("D", date(2026, 11, 30), li, [("测试补牙", 500)],
              at=local(date(2026, 11, 30), 23, 30))
        entry("D", "payment", 500, local(date(2026, 12, 1), 0, 30), method="card")
        # E: a year ago, then a payment reversed and paid again another way
        visit("E", date(2025, 11, 20), wang, [("测试洁牙", 200)])
        entry("E", "payment", 200, local(date(2025, 11, 20), 11), method="cash")
        clean = visit("E", date(2026, 11, 12), wang, [("测试洁牙", 200)])
        paid = entry("E", "payment", 200, local(date(2026, 11, 12), 11), method="alipay",
                     visit_id=clean)
        entry("E", "payment", -200, local(date(2026, 11, 13)), method="alipay",
              visit_id=clean, reverses=paid)
        entry("E", "payment", 200, local(date(2026, 11, 13)), method="wechat", visit_id=clean)

        # appointments starting in November: 5 (1 cancelled, 1 no-show); one on 1 December
        for who, day, status in (("A", date(2026, 11, 5), "completed"),
                                 ("B", date(2026, 11, 10), "completed"),
                                 ("C", date(2026, 11, 16), "cancelled"),
                                 ("D", date(2026, 11, 18), "no_show"),
                                 ("E", date(2026, 11, 27), "booked"),
                                 ("E", date(2026, 12, 1), "cancelled")):
            start = local(day, 0, 30) if day.month == 12 else local(day, 9)
            s.add(Appointment(patient_id=pid[who], doctor_id=wang if who in "ACE" else li,
                              start=start, end=start.replace(minute=start.minute + 20),
                              status=status, channel="phone" if who != "D" else "wechat",
                              created_at=now, updated_at=now))

        # care tasks (see test_care_stats)
        def task(key: str, kind: str, due: date, status: str, outcome: str | None = None,
                 closed: date | None = None) -> None:
            s.add(CareTask(patient_id=pid["A"], kind=kind, title=key, due_at=local(due),
                           status=status, source="plan", dedupe_key=key,
                           last_outcome=outcome, closed_at=local(closed) if closed else None,
                           created_at=now))

        task("t1", "followup_call", date(2026, 11, 5), "done", "reached_fine",
             date(2026, 11, 6))
        task("t2", "recall", date(2026, 11, 10), "satisfied", None, date(2026, 11, 9))
        task("t3", "recall", date(2026, 11, 20), "pending")
        task("t4", "followup_call", date(2026, 11, 8), "unreachable", "not_reached",
             date(2026, 11, 9))
        task("t5", "reactivation", date(2026, 11, 12), "done", "booked", date(2026, 11, 12))
        task("t6", "reminder", date(2026, 11, 10), "done", None, date(2026, 11, 10))
        task("t7", "followup_call", date(2026, 11, 15), "cancelled")

        for who, day, score, complaint, status in (
                ("A", date(2026, 11, 6), 5, "", "none"),
                ("B", date(2026, 11, 11), 3, "", "none"),
                ("C", date(2026, 11, 16), None, "等候时间太长", "open"),
                ("D", date(2026, 10, 10), 2, "收费不清楚", "resolved"),
                ("E", date(2026, 9, 1), None, "预约被改期", "handling")):
            s.add(Feedback(patient_id=pid[who], at=local(day), satisfaction=score,
                           complaint=complaint, status=status,
                           resolution="已解释" if status == "resolved" else ""))
    return Clinic(ctx, pid, doctors, procs)

