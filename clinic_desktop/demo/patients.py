"""Demo patients: realistic names, families, three years of visits, payments and tags.

Rows are written in bulk (Core inserts) for speed; they are the same rows the services
would write, and one audit entry records the seeding.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.rules.idcard import check_char
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.services.profile import seed_default_tags
from clinic_desktop.services.staff import list_doctors
from clinic_desktop.storage.counters import PATIENT_CODE, allocate, patient_code
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.engagement import ContactLog, Feedback
from clinic_desktop.storage.models.patient import (
    FamilyLink,
    MedicalProfile,
    Patient,
    PatientTag,
    Tag,
)

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
            "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史")
GIVEN_M = "伟强磊军洋勇杰涛明超辉刚健平鹏华飞鑫波斌宇浩凯俊峰建国志文博轩睿晨阳"
GIVEN_F = "芳娜敏静丽艳娟霞秀英玲桂兰红梅琳雪婷慧颖倩琪萱怡欣悦佳雨涵嘉璐瑶"
SOURCES = ("电话", "微信", "美团/大众点评", "抖音", "转介绍", "路过", "其他")
PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "182",
            "183", "186", "187", "188", "189", "131", "132", "155", "156", "177", "199")
AREAS = ("110105", "310104", "440106", "330106", "320102", "510107", "420106", "610113")
STREETS = ("朝阳区建国路", "徐汇区漕溪北路", "天河区体育西路", "西湖区文三路", "玄武区中山路",
           "武侯区人民南路", "武昌区中南路", "雁塔区小寨东路")
ALLERGIES = ("青霉素", "头孢", "麻药（利多卡因）", "乳胶", "磺胺")
METHODS = ("wechat", "alipay", "cash", "card", "insurance")


@dataclass(frozen=True)
class _Person:
    name: str
    sex: str
    birth: date


def _name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    pool = GIVEN_M if sex == "M" else GIVEN_F
    given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
    return (surname or rng.choice(SURNAMES)) + given


def _demo_email(pinyin: str, mobile: str) -> str | None:
    """One patient in seven has an address on file, from the digits already drawn (a draw of
    its own would change every demo patient after it)."""
    if int(mobile[-2:]) % 7:
        return None
    domain = ("qq.com", "163.com", "126.com", "sina.com")[int(mobile[-3]) % 4]
    return f"{pinyin[:10]}{mobile[-4:]}@{domain}"


def seed_patients(ctx: Context, rng: random.Random, count: int) -> int:
    """Adds ``count`` patients (and their history) to a set-up demo clinic."""
    if count <= 0:
        return 0
    zone = ZoneInfo("Asia/Shanghai")
    now = ctx.now()
    today = now.astimezone(zone).date()
    doctors: list[int | None] = [d.id for d in list_doctors(ctx)] or [None]
    with ctx.transaction(write=True) as session:
        seed_default_tags(session)
        procedures = [(r[0], r[1], r[2], r[3]) for r in session.execute(
            select(ProcedureType.id, ProcedureType.name, ProcedureType.price,
                   ProcedureType.category))]
        tags = list(session.execute(select(Tag.id)).scalars())
        start_id = (session.execute(select(Patient.id).order_by(Patient.id.desc()).limit(1))
                    .scalar_one_or_none() or 0) + 1
        first_code = allocate(session, PATIENT_CODE, count)
        patients: list[dict[str, Any]] = []
        people: list[_Person] = []
        used_mobiles: set[str] = set()
        for i in range(count):
            pid = start_id + i
            sex = rng.choice("MF")
            age = min(90, max(6, int(rng.gauss(42, 15))))
            birth = today - timedelta(days=age * 365 + rng.randrange(365))
            surname = people[-1].name[0] if people and i % 9 == 1 else None
            name = _name(rng, sex, surname)
            mobile = ""
            while not mobile or mobile in used_mobiles:
                mobile = rng.choice(PREFIXES) + f"{rng.randrange(10**8):08d}"
            used_mobiles.add(mobile)
            id_number = None
            if rng.random() < 0.35:
                body = (f"{rng.choice(AREAS)}{birth:%Y%m%d}{rng.randrange(100):02d}"
                        f"{rng.randrange(5) * 2 + (1 if sex == 'M' else 0)}")
                id_number = body + check_char(body)
            keys = search_keys(name)
            created = now - timedelta(days=rng.randrange(3 * 365))
            patients.append({
                "id": pid, "code": patient_code(first_code + i), "name": name,
                "name_pinyin": keys.full, "name_initials": keys.initials, "sex": sex,
                "birth_date": birth,
                "birth_date_approximate": False, "mobile": mobile, "phone2": None,
                "wechat": f"wx_{keys.full[:8]}{rng.randrange(100)}" if rng.random() < 0.4
                else None,
                "email": _demo_email(keys.full, mobile),
                "id_number": id_number, "occupation": rng.choice(
                    ("教师", "工程师", "医生", "会计", "学生", "退休", "个体", "公务员", None)),
                "address": f"{rng.choice(STREETS)}{rng.randrange(1, 400)}号",
                "source": rng.choice(SOURCES), "referred_by_id": None,
                "first_visit_date": created.astimezone(zone).date(), "notes": "",
                "archived": False, "merged_into_id": None, "member_tier": None,
                "member_points": 0, "created_at": created,
                "created_by": ctx.actor.staff_id, "updated_at": created,
                "updated_by": ctx.actor.staff_id, "version": 1,
            })
            people.append(_Person(name, sex, birth))
        session.execute(insert(Patient), patients)

        links: list[dict[str, Any]] = []
        profiles: list[dict[str, Any]] = []
        patient_tags: list[dict[str, Any]] = []
        for i, row in enumerate(patients):
            pid = row["id"]
            if i % 9 == 1:  # same surname as the previous patient: a spouse or a child
                relation = "child" if people[i - 1].birth.year - people[i].birth.year < -18 \
                    else "spouse"
                links += [{"patient_id": pid - 1, "relative_id": pid, "relation": relation},
                          {"patient_id": pid, "relative_id": pid - 1,
                           "relation": "parent" if relation == "child" else "spouse"}]
            if rng.random() < 0.08:
                profiles.append({
                    "patient_id": pid, "allergies_json": json.dumps(
                        [rng.choice(ALLERGIES)], ensure_ascii=False),
                    "allergy_notes": "", "conditions": rng.choice(("", "高血压", "糖尿病")),
                    "past_history": "", "family_history": "", "chief_complaint": "",
                    "updated_at": now})
            for tag in rng.sample(tags, k=rng.choice((0, 0, 0, 1, 1, 2))):
                patient_tags.append({"patient_id": pid, "tag_id": tag})
        for table, rows in ((FamilyLink, links), (MedicalProfile, profiles),
                            (PatientTag, patient_tags)):
            if rows:
                session.execute(insert(table), rows)
        _seed_history(session, ctx, rng, patients, procedures, doctors, zone, today)
        ctx.audit(session, "demo.seed", "patient", None, f"{count} demo patients")
    return count


def _seed_history(session: Session, ctx: Context, rng: random.Random,
                  patients: list[dict[str, Any]],
                  procedures: list[tuple[int, str, Decimal, str]],
                  doctors: list[int | None], zone: ZoneInfo, today: date) -> None:
    next_visit = (session.execute(select(Visit.id).order_by(Visit.id.desc()).limit(1))
                  .scalar_one_or_none() or 0) + 1
    visits: list[dict[str, Any]] = []
    treatments: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    feedback: list[dict[str, Any]] = []
    for row in patients:
        pid = int(row["id"])
        for _ in range(rng.choice((0, 1, 1, 2, 3, 4))):
            day = today - timedelta(days=rng.randrange(1, 3 * 365))
            at = datetime.combine(day, time(rng.randrange(9, 18), rng.choice((0, 30))),
                                  zone).astimezone(UTC)
            proc_id, proc_name, price, _category = rng.choice(procedures)
            visit_id = next_visit
            next_visit += 1
            visits.append({"id": visit_id, "patient_id": pid, "visit_date": day,
                           "doctor_id": rng.choice(doctors), "notes": "",
                           "created_at": at, "created_by": ctx.actor.staff_id})
            treatments.append({"visit_id": visit_id, "procedure_type_id": proc_id,
                               "procedure_name": proc_name, "site": "", "notes": "",
                               "amount": price})
            if price > 0:
                ledger.append({"patient_id": pid, "at": at, "kind": "charge", "method": None,
                               "amount": price, "visit_id": visit_id, "note": proc_name,
                               "created_by": ctx.actor.staff_id})
                paid = price if rng.random() < 0.85 else (price / 2).quantize(Decimal("1"))
                ledger.append({"patient_id": pid, "at": at + timedelta(minutes=20),
                               "kind": "payment", "method": rng.choice(METHODS), "amount": paid,
                               "visit_id": visit_id, "note": "", "created_by": ctx.actor.staff_id})
            if rng.random() < 0.3:
                contacts.append({"patient_id": pid, "at": at + timedelta(days=1),
                                 "staff_id": ctx.actor.staff_id, "channel": "phone",
                                 "direction": "out", "summary": "术后回访",
                                 "outcome": rng.choice(("恢复良好", "轻微疼痛，已告知注意事项"))})
            if rng.random() < 0.04:
                feedback.append({"patient_id": pid, "at": at + timedelta(days=2),
                                 "satisfaction": rng.choice((2, 3)),
                                 "complaint": rng.choice(("候诊时间太长", "收费解释不清楚")),
                                 "status": rng.choice(("open", "handling", "resolved")),
                                 "resolution": "", "staff_id": ctx.actor.staff_id})
        if rng.random() < 0.1:
            ledger.append({"patient_id": pid, "at": ctx.now() - timedelta(days=30),
                           "kind": "topup", "method": "wechat", "pot": "principal",
                           "holder_id": pid,
                           "amount": Decimal(rng.choice((1000, 2000, 5000))), "visit_id": None,
                           "note": "储值", "created_by": ctx.actor.staff_id})
    for table, rows in ((Visit, visits), (Treatment, treatments), (LedgerEntry, ledger),
                        (ContactLog, contacts), (Feedback, feedback)):
        if rows:
            session.execute(insert(table).execution_options(render_nulls=True), rows)
