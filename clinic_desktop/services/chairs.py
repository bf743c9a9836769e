"""Chairs and rooms."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.storage.models.staff import Chair


@dataclass(frozen=True)
class ChairInfo:
    id: int
    name: str
    note: str | None
    active: bool
    sort_order: int


def _info(chair: Chair) -> ChairInfo:
    return ChairInfo(chair.id, chair.name, chair.note, chair.active, chair.sort_order)


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise UserError(_("请填写椅位/诊室名称。"), field="name")
    if len(name) > 64:
        raise UserError(_("名称太长（最多 64 个字符）。"), field="name")
    return name


def list_chairs(ctx: Context, *, include_inactive: bool = True) -> list[ChairInfo]:
    with ctx.transaction() as session:
        query = select(Chair).order_by(Chair.active.desc(), Chair.sort_order, Chair.name)
        if not include_inactive:
            query = query.where(Chair.active.is_(True))
        return [_info(c) for c in session.execute(query).scalars()]


def add_chair(ctx: Context, *, name: str, note: str | None = None) -> ChairInfo:
    ctx.require(Permission.CHAIRS_MANAGE)
    name = _clean_name(name)
    with ctx.transaction(write=True) as session:
        if session.execute(select(Chair.id).where(Chair.name == name)).first():
            raise UserError(_("已经有名为“{name}”的椅位/诊室。", name=name), field="name")
        order = session.execute(select(func.coalesce(func.max(Chair.sort_order), 0))).scalar_one()
        chair = Chair(name=name, note=(note or "").strip() or None, sort_order=order + 1)
        session.add(chair)
        session.flush()
        ctx.audit(session, "chair.add", "chair", chair.id, name)
        return _info(chair)


def update_chair(
    ctx: Context, chair_id: int, *, name: str, note: str | None, active: bool
) -> ChairInfo:
    ctx.require(Permission.CHAIRS_MANAGE)
    name = _clean_name(name)
    with ctx.transaction(write=True) as session:
        chair = session.get(Chair, chair_id)
        if chair is None:
            raise NotFound(_("找不到该椅位/诊室。"))
        clash = session.execute(
            select(Chair.id).where(Chair.name == name, Chair.id != chair_id)
        ).first()
        if clash:
            raise UserError(_("已经有名为“{name}”的椅位/诊室。", name=name), field="name")
        chair.name, chair.note, chair.active = name, (note or "").strip() or None, active
        ctx.audit(session, "chair.update", "chair", chair.id, f"{name} active={active}")
        return _info(chair)
