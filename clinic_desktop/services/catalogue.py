"""The procedure catalogue, with dental and ophthalmology defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.text import normalize_text
from clinic_desktop.storage.models.clinical import ProcedureType

CATEGORIES = ("种植", "正畸", "修复", "牙周", "洁牙", "拔牙", "根管", "补牙", "儿牙", "检查",
              "屈光手术", "白内障", "视光", "眼底", "其他")

# name, category, high value, minutes, price (yuan), colour
DEFAULT_PROCEDURES: tuple[tuple[str, str, bool, int, str, str], ...] = (
    ("口腔检查", "检查", False, 20, "50", "#90A4AE"),
    ("超声洁牙", "洁牙", False, 40, "300", "#4FC3F7"),
    ("牙周刮治", "牙周", False, 60, "800", "#4DB6AC"),
    ("树脂补牙", "补牙", False, 40, "400", "#AED581"),
    ("根管治疗", "根管", False, 60, "1500", "#FFB74D"),
    ("普通拔牙", "拔牙", False, 30, "300", "#E57373"),
    ("智齿拔除", "拔牙", False, 60, "1200", "#EF5350"),
    ("种植牙", "种植", True, 90, "12000", "#7E57C2"),
    ("种植复查", "种植", False, 30, "0", "#B39DDB"),
    ("烤瓷冠", "修复", True, 60, "3000", "#F06292"),
    ("隐形矫正", "正畸", True, 60, "30000", "#5C6BC0"),
    ("正畸复诊", "正畸", False, 30, "200", "#9FA8DA"),
    ("窝沟封闭", "儿牙", False, 30, "150", "#81C784"),
    ("验光配镜", "视光", False, 40, "500", "#26A69A"),
    ("角膜塑形镜", "视光", True, 60, "8000", "#00897B"),
    ("全飞秒近视手术", "屈光手术", True, 60, "18000", "#1E88E5"),
    ("半飞秒激光手术", "屈光手术", True, 60, "15000", "#1976D2"),
    ("准分子激光手术", "屈光手术", True, 45, "9000", "#42A5F5"),
    ("ICL晶体植入术", "屈光手术", True, 60, "32000", "#1565C0"),
    ("屈光术后复查", "屈光手术", False, 20, "0", "#64B5F6"),
    ("白内障手术", "白内障", True, 60, "9000", "#3949AB"),
    ("眼底检查", "眼底", False, 30, "200", "#8D6E63"),
)
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class ProcedureInfo:
    id: int
    name: str
    category: str
    high_value: bool
    default_minutes: int
    price: Decimal
    colour: str
    active: bool


def _info(p: ProcedureType) -> ProcedureInfo:
    return ProcedureInfo(p.id, p.name, p.category, p.high_value, p.default_minutes, p.price,
                         p.colour, p.active)


def seed_default_catalogue(session: Session) -> int:
    """Add any missing default procedure (by name); returns how many were added."""
    existing = set(session.execute(select(ProcedureType.name)).scalars())
    added = 0
    for name, category, high, minutes, price, colour in DEFAULT_PROCEDURES:
        if name not in existing:
            session.add(ProcedureType(name=name, category=category, high_value=high,
                                      default_minutes=minutes, price=Decimal(price),
                                      colour=colour))
            added += 1
    return added


def category_rank(category: str) -> int:
    """Where a category sorts: in the order of ``CATEGORIES`` (dental, then eyes, 其他 last)."""
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)


def list_procedures(ctx: Context, *, include_inactive: bool = False) -> list[ProcedureInfo]:
    """By category (in the order of ``CATEGORIES``), then by name."""
    rank = case({c: i for i, c in enumerate(CATEGORIES)}, value=ProcedureType.category,
                else_=len(CATEGORIES))
    with ctx.transaction() as session:
        query = select(ProcedureType).order_by(rank, ProcedureType.name, ProcedureType.id)
        if not include_inactive:
            query = query.where(ProcedureType.active.is_(True))
        return [_info(p) for p in session.execute(query).scalars()]


def save_procedure(
    ctx: Context, procedure_id: int | None, *, name: str, category: str, high_value: bool,
    default_minutes: int, price: Decimal, colour: str, active: bool = True,
) -> ProcedureInfo:
    ctx.require(Permission.CATALOGUE_MANAGE)
    name = normalize_text(name)
    if not name:
        raise UserError(_("请填写项目名称。"), field="name")
    if category not in CATEGORIES:
        raise UserError(_("类别“{c}”无效。", c=category), field="category")
    if not 5 <= default_minutes <= 480:
        raise UserError(_("默认时长应在 5 到 480 分钟之间。"), field="default_minutes")
    if price < 0:
        raise UserError(_("价格不能为负数。"), field="price")
    if not COLOUR_RE.match(colour):
        raise UserError(_("颜色应为 #RRGGBB 格式，例如 #3A7BD5。"), field="colour")
    with ctx.transaction(write=True) as session:
        clash = session.execute(select(ProcedureType.id).where(
            ProcedureType.name == name, ProcedureType.id != (procedure_id or 0))).first()
        if clash:
            raise UserError(_("已有名为“{name}”的项目。", name=name), field="name")
        if procedure_id is None:
            row = ProcedureType(name=name, category=category, high_value=high_value,
                                default_minutes=default_minutes, price=price, colour=colour,
                                active=active)
            session.add(row)
        else:
            found = session.get(ProcedureType, procedure_id)
            if found is None:
                raise NotFound(_("该项目已不存在。"))
            row = found
            row.name, row.category, row.high_value = name, category, high_value
            row.default_minutes, row.price, row.colour, row.active = (
                default_minutes, price, colour, active)
        session.flush()
        ctx.audit(session, "catalogue.save", "procedure_type", row.id, name)
        return _info(row)
