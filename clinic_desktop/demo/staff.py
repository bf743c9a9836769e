"""Demo staff and chairs: doctors with colours, nurses, receptionists, a manager."""

from __future__ import annotations

import random

from clinic_desktop.context import Context
from clinic_desktop.demo.accounts import DEMO_STAFF_PASSWORD
from clinic_desktop.permissions import Role
from clinic_desktop.services.chairs import add_chair
from clinic_desktop.services.staff import add_staff

DOCTORS = [
    ("dr.wang", "王建国", "#3A7BD5"),
    ("dr.li", "李秀英", "#E4572E"),
    ("dr.zhang", "张明", "#2E9E6B"),
    ("dr.chen", "陈静", "#8E44AD"),
    ("dr.liu", "刘洋", "#D68910"),
    ("dr.zhao", "赵丽华", "#17A2B8"),
]
OTHERS = [
    ("nurse.zhou", "周婷", Role.NURSE),
    ("nurse.wu", "吴芳", Role.NURSE),
    ("nurse.xu", "徐敏", Role.NURSE),
    ("front.sun", "孙悦", Role.RECEPTIONIST),
    ("front.ma", "马丽", Role.RECEPTIONIST),
    ("manager.hu", "胡志强", Role.MANAGER),
]
CHAIRS = [
    ("1号椅位", "综合治疗台"), ("2号椅位", "综合治疗台"), ("3号椅位", "种植专用"),
    ("4号椅位", "正畸"), ("洁牙室", None), ("眼科诊室1", "验光/裂隙灯"),
    ("眼科诊室2", None), ("激光手术室", "屈光手术"),
]


def seed_staff(ctx: Context, rng: random.Random) -> tuple[int, int]:
    """Returns (staff added, chairs added)."""
    for username, name, colour in DOCTORS:
        add_staff(
            ctx, username=username, display_name=name, role=Role.DOCTOR,
            password=DEMO_STAFF_PASSWORD, is_doctor=True, colour=colour,
            phone=f"139{rng.randrange(10**8):08d}",
        )
    for username, name, role in OTHERS:
        add_staff(
            ctx, username=username, display_name=name, role=role, password=DEMO_STAFF_PASSWORD,
            phone=f"138{rng.randrange(10**8):08d}",
        )
    for name, note in CHAIRS:
        add_chair(ctx, name=name, note=note)
    return len(DOCTORS) + len(OTHERS), len(CHAIRS)
