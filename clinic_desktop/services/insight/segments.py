"""Patient segments: how many match some rules, who they are (a sortable page), an Excel
export of them, and the saved segments (named rules, re-evaluated whenever opened).

Counting and listing need ``REPORTS_VIEW``; saving and deleting a segment ``CAMPAIGN_RUN``;
the export ``EXPORT_RUN``. Reads change nothing; each write is one transaction, audited."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound, UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, contacts_for_all, phone_for
from clinic_desktop.services.insight.segment_query import (
    Today,
    conditions,
    count_in,
    instants,
    last_visit_of,
    owed_for,
    segment_ids,
    spend_for,
    today_in,
    visits_of,
)
from clinic_desktop.services.insight.segment_rules import (
    SegmentRules,
    check_rules,
    rules_from_json,
    rules_to_json,
)
from clinic_desktop.services.loyalty.common import clinic_zone
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.insight import Campaign, SavedSegment
from clinic_desktop.storage.models.loyalty import CouponType, LoyaltyTier
from clinic_desktop.storage.models.patient import CustomField, Patient, Tag
from clinic_desktop.storage.models.staff import Staff
from clinic_desktop.xlsx_writer import XlsxColumn, XlsxSheet, write_xlsx

if TYPE_CHECKING:
    from clinic_desktop.services.imports import Progress

SORT_KEYS = ("code", "name", "tier", "last_visit", "visits", "spend", "owed")
PAGE_LIMIT = 5000
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class SegmentRow:
    patient_id: int
    code: str
    name: str
    phone: str | None
    tier: str | None
    last_visit: date | None
    visits: int  # ever
    spend: Decimal  # yuan: in the rules' spend period when they give one, else ever
    owed: Decimal  # yuan; negative: paid in advance


@dataclass(frozen=True)
class SegmentPage:
    total: int  # every patient of the segment
    rows: tuple[SegmentRow, ...]  # the page asked for


def _yuan(value: int | None) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(CENTS)


def count_segment(ctx: Context, rules: SegmentRules) -> int:
    """How many patients match (the filter builder's live count)."""
    ctx.require(Permission.REPORTS_VIEW)
    rules = check_rules(rules)
    with ctx.transaction() as session:
        return count_in(session, rules, today_in(session, ctx.now()))


def _rows_query(rules: SegmentRules, today: Today) -> Select[*tuple[Any, ...]]:
    low = high = None
    if rules.spend_from is not None or rules.spend_to is not None:
        low, high = instants(rules.spend_from, rules.spend_to, today.zone)
    return select(
        Patient.id, Patient.code, Patient.name, Patient.mobile, Patient.member_tier,
        last_visit_of(Patient.id).label("last_visit"), visits_of(Patient.id).label("visits"),
        spend_for(Patient.id, today, low, high).label("spend"),
        owed_for(Patient.id, today).label("owed"),
    ).where(*conditions(rules, today))


def _row(values: Sequence[Any]) -> SegmentRow:
    pid, code, name, mobile, tier, last, visits, spend, owed = values
    return SegmentRow(int(pid), str(code), str(name), mobile, tier, last, int(visits or 0),
                      _yuan(spend), _yuan(owed))


def list_segment(ctx: Context, rules: SegmentRules, *, sort: str = "last_visit",
                 descending: bool = True, offset: int = 0, limit: int = 500) -> SegmentPage:
    """One page of the segment's patients, sorted (ties by code)."""
    ctx.require(Permission.REPORTS_VIEW)
    if sort not in SORT_KEYS:
        raise UserError(_("无法按该列排序。"), field="sort")
    if not 0 < limit <= PAGE_LIMIT or offset < 0:
        raise UserError(_("每页行数无效。"), field="limit")
    rules = check_rules(rules)
    with ctx.transaction() as session:
        today = today_in(session, ctx.now())
        query = _rows_query(rules, today).subquery()
        key = query.c[sort if sort != "tier" else "member_tier"]
        order = key.desc() if descending else key.asc()
        # NULLs (never seen, no tier) go last either way, as on PostgreSQL's DESC
        rows = session.execute(
            select(query).order_by(key.is_(None), order, query.c.code)
            .offset(offset).limit(limit)).all()
        return SegmentPage(count_in(session, rules, today),
                           tuple(contacts_for_all(ctx, (_row(tuple(r)) for r in rows))))


def segment_patient_ids(session: Session, rules: SegmentRules, today: Today) -> list[int]:
    return list(session.execute(segment_ids(rules, today).order_by(Patient.id)).scalars())


def export_segment(ctx: Context, rules: SegmentRules, path: Path, *,
                   progress: Progress | None = None, title: str = "") -> int:
    """The segment's patients to ``path`` (.xlsx); returns the rows written."""
    from clinic_desktop.services.exports import _audit_export, _reported

    ctx.require(Permission.REPORTS_VIEW)
    ctx.require(Permission.EXPORT_RUN)
    rules = check_rules(rules)
    with ctx.transaction() as session:  # read only: an export may take a while
        today = today_in(session, ctx.now())
        query = _rows_query(rules, today).order_by(Patient.code)
        total = count_in(session, rules, today) if progress else None
        phone = phone_for(ctx)  # masked without CONTACT_FULL

        def rows() -> Iterator[list[object]]:
            for values in session.execute(query.execution_options(yield_per=2000)):
                r = _row(tuple(values))
                yield [r.code, r.name, phone(r.phone) or "", r.tier or "", r.last_visit,
                       r.visits, r.spend, r.owed]

        columns = [XlsxColumn(_("病历号"), 10), XlsxColumn(_("姓名"), 10),
                   XlsxColumn(_("手机"), 14), XlsxColumn(_("会员等级"), 10),
                   XlsxColumn(_("末次就诊"), 12, "date"), XlsxColumn(_("就诊次数"), 10, "int"),
                   XlsxColumn(_("消费金额"), 12, "money"), XlsxColumn(_("欠费"), 12, "money")]
        count = write_xlsx(path, [XlsxSheet(title[:31] or _("患者分群"), columns,
                                            _reported(rows(), total, progress))])
    _audit_export(ctx, path, "export.segment", "patient", None,
                  f"{count} rows → {path.name} {rules_to_json(rules)}"[:500])
    return count


# -- saved segments ------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedSegmentInfo:
    id: int
    name: str
    rules: SegmentRules
    updated_at: datetime
    campaigns: int  # campaigns started from it


def _saved(session: Session, row: SavedSegment) -> SavedSegmentInfo:
    used = session.execute(select(func.count(Campaign.id)).where(
        Campaign.segment_id == row.id)).scalar_one()
    return SavedSegmentInfo(row.id, row.name, rules_from_json(row.rules_json), row.updated_at,
                            int(used))


def list_saved_segments(ctx: Context) -> list[SavedSegmentInfo]:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        rows = session.execute(select(SavedSegment).order_by(SavedSegment.name)).scalars()
        return [_saved(session, row) for row in rows]


def _segment_row(session: Session, segment_id: int) -> SavedSegment:
    row = session.get(SavedSegment, segment_id)
    if row is None:
        raise NotFound(_("该分群已不存在。"))
    return row


def open_saved_segment(ctx: Context, segment_id: int) -> SavedSegmentInfo:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return _saved(session, _segment_row(session, segment_id))


def save_segment(ctx: Context, *, name: str, rules: SegmentRules,
                 segment_id: int | None = None) -> SavedSegmentInfo:
    """Save new rules under ``name``, or replace a saved segment's (``segment_id``)."""
    ctx.require(Permission.CAMPAIGN_RUN)
    name = name.strip()
    if not name:
        raise UserError(_("请填写分群名称。"), field="name")
    if len(name) > 64:
        raise UserError(_("分群名称最多 64 个字。"), field="name")
    rules = check_rules(rules)
    with ctx.transaction(write=True) as session:
        clash = session.execute(select(SavedSegment.id).where(
            SavedSegment.name == name)).scalar_one_or_none()
        if clash is not None and clash != segment_id:
            raise UserError(_("已有名为“{name}”的分群。", name=name), field="name")
        now = ctx.now()
        if segment_id is None:
            row = SavedSegment(name=name, rules_json="", created_at=now,
                               created_by=ctx.actor.staff_id, updated_at=now)
            session.add(row)
        else:
            row = _segment_row(session, segment_id)
        row.name, row.rules_json = name, rules_to_json(rules)
        row.updated_at, row.updated_by = now, ctx.actor.staff_id
        session.flush()
        ctx.audit(session, "segment.save", "saved_segment", row.id,
                  f"{name}: {row.rules_json}"[:500])
        return _saved(session, row)


def delete_saved_segment(ctx: Context, segment_id: int) -> None:
    """The campaigns started from it keep their copy of its rules."""
    ctx.require(Permission.CAMPAIGN_RUN)
    with ctx.transaction(write=True) as session:
        row = _segment_row(session, segment_id)
        name = row.name
        session.delete(row)
        ctx.audit(session, "segment.delete", "saved_segment", segment_id, name)


# -- what the filter builder offers --------------------------------------------------------
@dataclass(frozen=True)
class SegmentChoices:
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    tiers: tuple[str, ...]
    procedures: tuple[str, ...]
    categories: tuple[str, ...]
    doctors: tuple[tuple[int, str], ...]
    custom_fields: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]  # (key, name)
    coupon_types: tuple[tuple[int, str], ...]
    today: date  # the clinic's local day: where the builder's date fields start


def segment_choices(ctx: Context) -> SegmentChoices:
    from clinic_desktop.services.messages import templates
    from clinic_desktop.services.patients import sources

    ctx.require(Permission.REPORTS_VIEW)
    shipped = tuple((key, name) for key, name, _body in templates(ctx))  # writes the defaults
    with ctx.transaction() as session:
        def names(query: Select[str]) -> tuple[str, ...]:
            return tuple(str(v) for v in session.execute(query).scalars())

        return SegmentChoices(
            tags=names(select(Tag.name).order_by(Tag.name)),
            sources=tuple(sources(session)),
            tiers=names(select(LoyaltyTier.name).where(LoyaltyTier.active.is_(True))
                        .order_by(LoyaltyTier.rank)),
            procedures=names(select(ProcedureType.name).where(ProcedureType.active.is_(True))
                             .order_by(ProcedureType.category, ProcedureType.name)),
            categories=names(select(ProcedureType.category).distinct()
                             .order_by(ProcedureType.category)),
            doctors=tuple((i, n) for i, n in session.execute(
                select(Staff.id, Staff.display_name).where(Staff.is_doctor.is_(True))
                .order_by(Staff.active.desc(), Staff.display_name)).all()),
            custom_fields=names(select(CustomField.name).where(CustomField.active.is_(True))
                                .order_by(CustomField.sort_order, CustomField.name)),
            templates=shipped,
            coupon_types=tuple((i, n) for i, n in session.execute(
                select(CouponType.id, CouponType.name).where(CouponType.active.is_(True))
                .order_by(CouponType.name)).all()),
            today=ctx.now().astimezone(clinic_zone(session)).date(),
        )
