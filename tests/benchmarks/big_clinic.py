"""A big clinic for the insight benchmarks (dashboard, reports, segments, RFM), built once per
module with fast bulk inserts (``storage.bulk``), as ``test_loyalty_bench`` does.

Full size (``scale=1``): 100,000 patients, 300,000 visits with one treatment each (the default
catalogue's categories, high-value 种植/正畸/修复 included), 1,000,000 ledger entries (a charge
per visit, payments by method, card payments, discounts, refunds, top-ups with their bonus,
a few withdrawals), ~50,000 appointments (some cancelled or missed; the last weeks still
booked), feedback with complaints and care tasks — dated over the three years before
``NOW`` (2026-11-24, 10:00 in Shanghai). Every patient starts on a day of those three years
and visits after it, so cohorts, the funnel and active/dormant/lost look like a clinic's.

``build_big_clinic(root)`` writes it under ``root`` and returns a ``BigClinic``; ``scale``
shrinks every count (0.01 for a smoke test). Set ``BIG_CLINIC_CACHE`` to a folder to keep a
built copy there and copy it on the next run instead of building again (~1 min). The
module-scoped fixture is made in a benchmark module::

    from tests.benchmarks.big_clinic import BigClinic, big_clinic_fixture

    clinic = big_clinic_fixture()  # tests take ``clinic: BigClinic``
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.paths import DataDir
from clinic_desktop.permissions import Role
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.storage.bulk import insert_columns, table_of
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.engagement import Feedback
from clinic_desktop.storage.models.patient import Patient, PatientTag, Tag
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.models.staff import Staff

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 11, 24)
DAYS = 3 * 365  # the clinic's history: the three years before TODAY
START = TODAY - timedelta(days=DAYS)
PATIENTS, VISITS, ENTRIES, APPOINTMENTS = 100_000, 300_000, 1_000_000, 50_000
FEEDBACK, TASKS = 12_000, 30_000
VERSION = 1  # bump when the data changes (the cache is keyed by it)

SOURCES = (("抖音", 25), ("美团", 18), ("大众点评", 12), ("转介绍", 15), ("老患者介绍", 8),
           ("路过", 7), ("小红书", 5), (None, 10))
CITIES = (("北京市", ("朝阳区", "海淀区", "东城区", "丰台区")),
          ("上海市", ("浦东新区", "徐汇区", "静安区")),
          ("天津市", ("和平区", "南开区")))
TIERS = (None, None, None, None, None, None, "银卡", "银卡", "金卡", "钻石")
TAGS = ("种植意向", "正畸中", "VIP", "价格敏感", "牙周病", "儿童")
# Procedure name → weight among visits (names of the default catalogue).
MIX = (("口腔检查", 20), ("超声洁牙", 22), ("牙周刮治", 6), ("树脂补牙", 16), ("根管治疗", 7),
       ("普通拔牙", 4), ("智齿拔除", 3), ("种植牙", 3), ("种植复查", 4), ("烤瓷冠", 3),
       ("隐形矫正", 1), ("正畸复诊", 6), ("窝沟封闭", 4), ("验光配镜", 1))
METHODS = (("wechat", 40), ("alipay", 22), ("cash", 12), ("card", 18), ("insurance", 8))
APPOINTMENT_STATUS = (("completed", 78), ("cancelled", 11), ("no_show", 6), ("confirmed", 1),
                      ("booked", 4))
CHANNELS = ("phone", "wechat", "walk_in", "mini_program", "meituan", "referral")
DOCTORS = ("王医生", "李医生", "张医生", "刘医生", "陈医生", "杨医生")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


@dataclass(frozen=True)
class BigClinic:
    ctx: Context  # the administrator on the fixed clock
    root: Path
    patients: int
    visits: int
    entries: int
    appointments: int
    doctors: tuple[int, ...]  # staff ids
    procedures: dict[str, int]  # name → id
    build_seconds: float

    @property
    def db(self) -> Database:
        return self.ctx.db


def _scaled(count: int, scale: float) -> int:
    return max(1, int(count * scale))


def _weighted(rng: random.Random, pairs: tuple[tuple[object, int], ...], k: int) -> list[object]:
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs], k=k)


def _instants() -> list[list[datetime]]:
    """Per day of the history, the instants entries may take: 09:00–19:00 local in 10-minute
    steps (Shanghai has no DST: local = UTC + 8). Few distinct values keep bulk's memoised
    converters small."""
    return [[datetime(d.year, d.month, d.day, 1, tzinfo=UTC) + timedelta(minutes=10 * m)
             for m in range(60)]
            for d in (START + timedelta(days=i) for i in range(DAYS + 1))]


def build_big_clinic(root: Path, *, scale: float = 1.0, seed: int = 13) -> BigClinic:
    """The clinic under ``root`` (a data folder ``root/clinic``); see the module docstring."""
    started = time.perf_counter()
    data = DataDir(root / "clinic")
    cache = os.environ.get("BIG_CLINIC_CACHE")
    marker = f"big-clinic-v{VERSION}-{scale}-{seed}"
    if cache and (Path(cache) / marker / "clinic").is_dir():
        shutil.copytree(Path(cache) / marker / "clinic", data.root)
        return _opened(data, scale, started)
    db = open_database(data)
    clock = FixedClock(NOW)
    setup_clinic(db, clinic_name="基准诊所", timezone="Asia/Shanghai", admin_username="admin",
                 admin_display_name="管理员", password="bench-pass", clock=clock)
    _fill(db, scale, random.Random(seed))
    db.close()
    if cache:
        target = Path(cache) / marker
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(data.root, target / "clinic",
                        ignore=shutil.ignore_patterns("*.lock", "backups", "logs"))
    return _opened(data, scale, started)


def _opened(data: DataDir, scale: float, started: float) -> BigClinic:
    db = open_database(data)
    clock = FixedClock(NOW)
    with db.session() as s:
        admin = s.execute(select(Staff).where(Staff.username == "admin")).scalar_one()
        actor = Actor(admin.id, admin.username, admin.display_name, Role.ADMINISTRATOR)
        doctors = tuple(s.execute(select(Staff.id).where(Staff.is_doctor.is_(True))
                                  .order_by(Staff.id)).scalars())
        procedures = dict(s.execute(select(ProcedureType.name, ProcedureType.id)).all())
    return BigClinic(Context(db=db, actor=actor, clock=clock), data.root.parent,
                     _scaled(PATIENTS, scale), _scaled(VISITS, scale),
                     _scaled(ENTRIES, scale), _scaled(APPOINTMENTS, scale), doctors,
                     procedures, time.perf_counter() - started)


def _fill(db: Database, scale: float, rng: random.Random) -> None:
    n_patients, n_visits = _scaled(PATIENTS, scale), _scaled(VISITS, scale)
    instants = _instants()
    with db.session(write=True) as s:
        doctors = []
        for i, name in enumerate(DOCTORS):
            staff = Staff(username=f"doctor{i}", display_name=name, role="doctor",
                          password_hash="x", is_doctor=True, created_at=NOW)
            s.add(staff)
            s.flush()
            doctors.append(staff.id)
        for i, name in enumerate(("护士甲", "前台乙")):
            s.add(Staff(username=f"staff{i}", display_name=name,
                        role="nurse" if i == 0 else "receptionist", password_hash="x",
                        created_at=NOW))
        s.flush()
        cashiers = list(s.execute(select(Staff.id).where(Staff.is_doctor.is_(False))).scalars())
        procs = {name: (pid, Decimal(price)) for name, pid, price in s.execute(
            select(ProcedureType.name, ProcedureType.id, ProcedureType.price))}
        c = s.connection()

        # --- patients: a start day each; first_visit_date recorded for a few legacy ones
        start_day = [rng.randrange(DAYS) for _ in range(n_patients)]
        sexes = _weighted(rng, (("F", 52), ("M", 45), (None, 3)), n_patients)
        sources = _weighted(rng, SOURCES, n_patients)
        births = [None if rng.random() < 0.04 else
                  date(1940, 1, 1) + timedelta(days=rng.randrange(82 * 365))
                  for _ in range(n_patients)]
        addresses = []
        for _ in range(n_patients):
            city, districts = CITIES[rng.randrange(len(CITIES))]
            addresses.append(f"{city}{rng.choice(districts)}幸福路{rng.randrange(1, 300)}号")
        names = [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                 for _ in range(n_patients)]
        created = [instants[d][0] for d in start_day]
        ids = insert_columns(c, table_of(Patient), {
            "code": [f"P{p:06d}" for p in range(1, n_patients + 1)],
            "name": names,
            "name_pinyin": ["huanzhe"] * n_patients,
            "name_initials": ["hz"] * n_patients,
            "sex": sexes,
            "birth_date": births,
            "mobile": [f"139{p:08d}" for p in range(1, n_patients + 1)],
            "address": addresses,
            "source": sources,
            "member_tier": [rng.choice(TIERS) for _ in range(n_patients)],
            "first_visit_date": [START + timedelta(days=d) if rng.random() < 0.05 else None
                                 for d in start_day],
            "created_at": created, "updated_at": created,
        })
        # referrers: a patient who came before (转介绍 / 老患者介绍 ones mostly)
        referred = [(pid, ids[rng.randrange(i)]) for i, pid in enumerate(ids)
                    if i and sources[i] in ("转介绍", "老患者介绍") and rng.random() < 0.7]
        for chunk in range(0, len(referred), 5000):
            part = referred[chunk:chunk + 5000]
            c.exec_driver_sql("UPDATE patient SET referred_by_id = ? WHERE id = ?",
                              [(ref, pid) for pid, ref in part])
        tag_ids = []
        for name in TAGS:
            tag = Tag(name=name)
            s.add(tag)
            s.flush()
            tag_ids.append(tag.id)
        pairs = {(ids[rng.randrange(n_patients)], rng.choice(tag_ids))
                 for _ in range(n_patients // 4)}
        insert_columns(c, table_of(PatientTag), {"patient_id": [p for p, _t in pairs],
                                                 "tag_id": [t for _p, t in pairs]},
                       want_ids=False)

        # --- visits: a patient's visits fall after their start day; a skew makes regulars
        weights = [1.0 / (1 + (i % 50)) for i in range(n_patients)]
        who = rng.choices(range(n_patients), weights=weights, k=n_visits)
        who[:n_patients] = range(min(n_patients, n_visits))  # everyone visits once at least
        days = [start_day[i] if k < n_patients else
                start_day[i] + rng.randrange(DAYS - start_day[i] + 1)
                for k, i in enumerate(who)]
        chosen = _weighted(rng, MIX, n_visits)
        visit_doctor = [doctors[(i + d // 90) % len(doctors)] for i, d in zip(who, days,
                                                                            strict=True)]
        visit_ids = insert_columns(c, table_of(Visit), {
            "patient_id": [ids[i] for i in who],
            "visit_date": [START + timedelta(days=d) for d in days],
            "doctor_id": visit_doctor,
            "created_at": [instants[d][0] for d in days],
        })
        amounts = [procs[str(name)][1] for name in chosen]
        insert_columns(c, table_of(Treatment), {
            "visit_id": visit_ids,
            "procedure_type_id": [procs[str(name)][0] for name in chosen],
            "procedure_name": [str(name) for name in chosen],
            "amount": amounts,
        })

        # --- ledger: a charge per visit, then payments etc. until ENTRIES
        _ledger(c, rng, scale, ids, who, days, visit_ids, amounts, cashiers, instants)

        # --- appointments: over the history, the last weeks and the next ones still booked
        n_appts = _scaled(APPOINTMENTS, scale)
        statuses = _weighted(rng, APPOINTMENT_STATUS, n_appts)
        appt_days = [DAYS - rng.randrange(21) + rng.randrange(28) if st in ("booked", "confirmed")
                     else rng.randrange(DAYS) for st in statuses]
        starts = [datetime(2026, 1, 1, 1, tzinfo=UTC)
                  + timedelta(days=(START - date(2026, 1, 1)).days + d, minutes=30 * (k % 18))
                  for k, d in enumerate(appt_days)]
        insert_columns(c, table_of(Appointment), {
            "patient_id": [ids[rng.randrange(n_patients)] for _ in range(n_appts)],
            "doctor_id": [doctors[k % len(doctors)] for k in range(n_appts)],
            "start": starts,
            "end": [t + timedelta(minutes=30) for t in starts],
            "status": statuses,
            "channel": [CHANNELS[k % len(CHANNELS)] for k in range(n_appts)],
            "created_at": [t - timedelta(days=3) for t in starts],
            "updated_at": [t - timedelta(days=3) for t in starts],
        }, want_ids=False)

        # --- feedback: scores, some complaints (open, being handled, resolved)
        n_feedback = _scaled(FEEDBACK, scale)
        fb_days = [rng.randrange(DAYS) for _ in range(n_feedback)]
        complaint = [rng.random() < 0.06 for _ in range(n_feedback)]
        fb_status = [str(_weighted(rng, (("open", 2), ("handling", 1), ("resolved", 7)), 1)[0])
                     if bad else "none" for bad in complaint]
        insert_columns(c, table_of(Feedback), {
            "patient_id": [ids[rng.randrange(n_patients)] for _ in range(n_feedback)],
            "at": [instants[d][30] for d in fb_days],
            "satisfaction": [rng.choice((1, 2, 3)) if bad else rng.choice((3, 4, 4, 5, 5, 5))
                             for bad in complaint],
            "complaint": ["等候时间太长，前台态度一般" if bad else "" for bad in complaint],
            "status": fb_status,
            "resolution": ["已电话致歉并说明" if st == "resolved" else "" for st in fb_status],
        }, want_ids=False)

        # --- care tasks: calls due over the history (most closed), the recent ones pending
        n_tasks = _scaled(TASKS, scale)
        kinds = _weighted(rng, (("followup_call", 50), ("recall", 30), ("birthday", 8),
                                ("reactivation", 7), ("reminder", 5)), n_tasks)
        due = [rng.randrange(DAYS + 14) for _ in range(n_tasks)]
        t_status = ["pending" if d > DAYS - 3 else str(_weighted(rng, (
            ("done", 60), ("unreachable", 12), ("satisfied", 10), ("cancelled", 8),
            ("pending", 10)), 1)[0]) for d in due]
        outcomes = [str(_weighted(rng, (("reached_fine", 50), ("booked", 20), ("declined", 10),
                                        ("reached_problem", 5)), 1)[0]) if st == "done"
                    else "not_reached" if st == "unreachable" else None for st in t_status]
        due_at = [datetime(2026, 1, 1, 1, tzinfo=UTC)
                  + timedelta(days=(START - date(2026, 1, 1)).days + d) for d in due]
        insert_columns(c, table_of(CareTask), {
            "patient_id": [ids[rng.randrange(n_patients)] for _ in range(n_tasks)],
            "kind": kinds,
            "title": [str(k) for k in kinds],
            "due_at": due_at,
            "status": t_status,
            "source": ["plan"] * n_tasks,
            "dedupe_key": [f"bench:{k}" for k in range(n_tasks)],
            "last_outcome": outcomes,
            "closed_at": [t + timedelta(hours=3) if st in ("done", "unreachable", "satisfied")
                          else None for t, st in zip(due_at, t_status, strict=True)],
            "created_at": [t - timedelta(days=7) for t in due_at],
        }, want_ids=False)


def _ledger(c: object, rng: random.Random, scale: float, ids: list[int], who: list[int],
            days: list[int], visit_ids: list[int], amounts: list[Decimal],
            cashiers: list[int], instants: list[list[datetime]]) -> None:
    """Each visit: its charge, a tier or coupon discount now and then, payment(s) by method
    or from a card; besides the visits: top-ups with their bonus, refunds, withdrawals."""
    from sqlalchemy import Connection

    assert isinstance(c, Connection)
    total = _scaled(ENTRIES, scale)
    cols: dict[str, list[object]] = {k: [] for k in (
        "patient_id", "at", "kind", "method", "amount", "visit_id", "created_by", "pot",
        "holder_id", "source")}

    def add(pid: int, at: datetime, kind: str, amount: Decimal, *, method: str | None = None,
            visit: int | None = None, pot: str | None = None, source: str | None = None) -> None:
        cols["patient_id"].append(pid)
        cols["at"].append(at)
        cols["kind"].append(kind)
        cols["method"].append(method)
        cols["amount"].append(amount)
        cols["visit_id"].append(visit)
        cols["created_by"].append(cashiers[len(cols["kind"]) % len(cashiers)])
        cols["pot"].append(pot)
        cols["holder_id"].append(pid if pot else None)
        cols["source"].append(source)

    methods = _weighted(rng, METHODS, len(who))
    # top-ups and other entries take a share; visits' payments split to fill the rest
    extras = max(0, total // 20)
    budget = total - extras
    per_visit = budget / max(1, len(who))  # ~3.1 entries per visit at full size
    for k, (i, d) in enumerate(zip(who, days, strict=True)):
        pid, slot = ids[i], instants[d]
        amount = amounts[k]
        add(pid, slot[k % 40], "charge", amount, visit=visit_ids[k])
        discount = Decimal(0)
        if amount >= 300 and k % 7 == 0:
            discount = (amount * Decimal("0.05")).quantize(Decimal(1))
            add(pid, slot[k % 40 + 1], "discount", discount, visit=visit_ids[k],
                source="tier" if k % 2 else "coupon")
        due = amount - discount
        if due <= 0:
            continue
        parts = 1 + (rng.random() < per_visit - 2.1) + (rng.random() < per_visit - 3.1)
        share = (due / parts).quantize(Decimal(1))
        for part in range(parts):
            paid = share if part < parts - 1 else due - share * (parts - 1)
            if k % 9 == 0:  # paid from a stored-value card
                add(pid, slot[k % 40 + 2 + part], "payment", paid, method="stored_value",
                    visit=visit_ids[k], pot="principal")
            else:
                add(pid, slot[k % 40 + 2 + part], "payment", paid, method=str(methods[k]),
                    visit=visit_ids[k])
    for n in range(total - len(cols["kind"])):
        pid, d = ids[rng.randrange(len(ids))], rng.randrange(DAYS)
        slot = instants[d]
        kind = n % 10
        if kind < 7:  # top-up 1000–5000 with a tenth as bonus
            value = Decimal(1000 * (1 + n % 5))
            add(pid, slot[n % 50], "topup", value, method="wechat", pot="principal")
            add(pid, slot[n % 50], "topup", value / 10, pot="bonus")
        elif kind < 9:  # a refund paid out
            add(pid, slot[n % 50], "refund", Decimal(100 + 50 * (n % 6)), method="wechat")
        else:  # stored value paid back
            add(pid, slot[n % 50], "withdraw", Decimal(500), method="cash", pot="principal")
        if len(cols["kind"]) >= total:
            break
    insert_columns(c, table_of(LedgerEntry), {k: v[:total] for k, v in cols.items()},
                   {"note": ""}, want_ids=False)


def _big_clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigClinic]:
    scale = float(os.environ.get("BIG_CLINIC_SCALE", "1"))
    clinic = build_big_clinic(tmp_path_factory.mktemp("big_clinic"), scale=scale)
    print(f"\nbig clinic built in {clinic.build_seconds:.1f} s")
    yield clinic
    clinic.db.close()


def big_clinic_fixture() -> Any:
    """A module-scoped fixture of the full-size clinic (``BIG_CLINIC_SCALE`` shrinks it);
    in a benchmark module: ``clinic = big_clinic_fixture()``, then tests take ``clinic``."""
    return pytest.fixture(scope="module")(_big_clinic)
