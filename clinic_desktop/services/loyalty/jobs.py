"""The nightly loyalty job and the hooks the visit and the ledger call.

``nightly`` is registered with the in-process scheduler, which runs every scan each minute:
it does its work once per clinic day (the first scan after midnight, or at start-up after the
app was closed) and otherwise returns at once. The work is set-based, whatever the clinic's
size: tiers lowered where the window plus grace no longer reaches them, points lapsed written
off, coupons and package cards past their day expired, and a callback task for each package
card about to expire with uses left. Each is a new journal row; nothing is edited in place
but a coupon's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Result,
    case,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.events import MoneyRecorded, TreatmentCompleted, TreatmentUndone
from clinic_desktop.i18n import _
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.loyalty.common import clinic_day, refresh_caches
from clinic_desktop.services.loyalty.packages import consume_for_visit_in, undo_visit_uses_in
from clinic_desktop.services.loyalty.payments import earn_for_entries_in
from clinic_desktop.services.loyalty.points import add_lot_in
from clinic_desktop.services.loyalty.referrals import is_first_paid_visit, reward_in
from clinic_desktop.services.loyalty.rules import rules_in
from clinic_desktop.services.loyalty.tiers import (
    SPEND_KINDS,
    TOPUP_KINDS,
    TierInfo,
    spend_expression,
    tiers_in,
    window_start,
)
from clinic_desktop.storage.bulk import bulk_insert, table_of
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import (
    Coupon,
    LoyaltyTier,
    PackageCard,
    PackageUse,
    PointsEntry,
    TierChange,
)
from clinic_desktop.storage.models.patient import Patient

LAST_RUN = "loyalty.nightly_last"
CHUNK = 500


@dataclass(frozen=True)
class NightlyResult:
    day: date
    downgraded: int
    points_expired: int  # patients whose points lapsed
    coupons_expired: int
    packages_expired: int
    expiry_warnings: int

    @property
    def total(self) -> int:
        return (self.downgraded + self.points_expired + self.coupons_expired
                + self.packages_expired + self.expiry_warnings)


def nightly(ctx: Context) -> int:
    """The scheduler's scan: the night's work once per clinic day."""
    with ctx.transaction() as session:
        today = clinic_day(session, ctx.now())
        if read_setting(session, LAST_RUN) == today.isoformat():
            return 0
    return run_nightly(ctx).total


def run_nightly(ctx: Context) -> NightlyResult:
    """The night's work for today, in one transaction (run again, it finds nothing new)."""
    with ctx.transaction(write=True) as session:
        today = clinic_day(session, ctx.now())
        last_text = read_setting(session, LAST_RUN)
        last = date.fromisoformat(last_text) if last_text else None
        downgraded = _downgrade(ctx, session, today)
        points = _expire_points(ctx, session, today, last)
        coupons = int(session.execute(update(Coupon).where(
            Coupon.status == "issued", Coupon.expires_on < today).values(
            status="expired", closed_at=ctx.now(), closed_reason=_("过期"))
            .execution_options(synchronize_session=False)).rowcount or 0)  # type: ignore[attr-defined]
        packages = _expire_packages(ctx, session, today, last)
        warnings = _warn_packages(ctx, session, today)
        write_setting(session, LAST_RUN, today.isoformat())
        result = NightlyResult(today, downgraded, points, coupons, packages, warnings)
        if result.total:
            ctx.audit(session, "loyalty.nightly", "setting", LAST_RUN,
                      f"{today}: down {downgraded}, points {points}, coupons {coupons}, "
                      f"packages {packages}, warnings {warnings}")
        return result


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _downgrade(ctx: Context, session: Session, today: date) -> int:
    """Set-based: each member's spend or top-ups over the window plus grace, the tier they
    reach computed in SQL from the clinic's thresholds, and a downgrade row where it is lower
    than the tier held (one INSERT … SELECT, however many members)."""
    tiers = tiers_in(session, include_inactive=True)
    ranked = sorted((t for t in tiers if t.active and t.threshold_kind != "manual"),
                    key=lambda t: -t.rank)
    held = [t for t in tiers if t.threshold_kind != "manual"]
    if not held:
        return 0
    rules = rules_in(session, today)
    since = window_start(session, ctx.now(), months=rules.tier_window_months,
                         extra_days=rules.downgrade_grace_days)
    latest = select(func.max(TierChange.id)).group_by(TierChange.patient_id).scalar_subquery()
    # Read by the sums and by the insert: worked out once (the latest row of 40,000 members).
    members = (select(TierChange.patient_id, TierChange.tier_id)
               .where(TierChange.id.in_(latest), TierChange.tier_id.in_([t.id for t in held]),
                      ~(TierChange.manual.is_(True) & (TierChange.held_until.is_(None)
                                                       | (TierChange.held_until >= today))))
               .cte("members", nesting=True).prefix_with("MATERIALIZED"))
    # Only the sums some tier's threshold is on, over only the ledger kinds they read: with
    # spend thresholds alone, charges and discounts (half the ledger) are never looked up.
    kinds = {t.threshold_kind for t in held}
    spend, topups = spend_expression()
    sum_columns = [LedgerEntry.patient_id.label("pid")]
    ledger_kinds: list[str] = []
    if "spend" in kinds:
        sum_columns.append(spend.label("spend"))
        ledger_kinds.extend(SPEND_KINDS)
    if "topup" in kinds:
        sum_columns.append(topups.label("topups"))
        ledger_kinds.extend(TOPUP_KINDS)
    sums = (select(*sum_columns)
            .where(LedgerEntry.patient_id.in_(select(members.c.patient_id)),
                   LedgerEntry.kind.in_(ledger_kinds), LedgerEntry.at >= since)
            .group_by(LedgerEntry.patient_id).subquery())
    spent = func.coalesce(sums.c.spend, 0) if "spend" in kinds else literal(0)
    topped = func.coalesce(sums.c.topups, 0) if "topup" in kinds else literal(0)

    def reached(tier: TierInfo) -> ColumnElement[bool]:
        fen_threshold = int(tier.threshold * 100)
        return (spent if tier.threshold_kind == "spend" else topped) >= fen_threshold

    new_tier = case(*((reached(t), t.id) for t in ranked), else_=None) if ranked \
        else literal(None)
    new_rank = case(*((reached(t), t.rank) for t in ranked), else_=-(10 ** 9)) if ranked \
        else literal(-(10 ** 9))
    old_rank = case(*((members.c.tier_id == t.id, t.rank) for t in held), else_=-(10 ** 9))
    qualifying = case(*((members.c.tier_id == t.id, spent if t.threshold_kind == "spend"
                         else topped) for t in held), else_=0)
    reason = case(*((members.c.tier_id == t.id, _("近期金额未达到“{tier}”的门槛", tier=t.name))
                    for t in held), else_="")
    now = ctx.now()
    before = _last_id(session, TierChange.id)
    columns = ["patient_id", "tier_id", "at", "cause", "manual", "qualifying", "reason"]
    # A subquery, so the members' WITH sits inside it: a statement that begins with WITH
    # reports no row count (the driver only counts statements that begin INSERT).
    rows = (select(members.c.patient_id, new_tier, literal(now, TierChange.at.type),
                   literal("downgrade"), literal(False), type_coerce(qualifying, Integer),
                   reason)
            .select_from(members.outerjoin(sums, sums.c.pid == members.c.patient_id))
            .where(new_rank < old_rank).subquery("downgrades"))
    result = session.execute(insert(TierChange).from_select(columns, select(*rows.c)))
    count = _added(session, result, TierChange.id, before, TierChange.at == now,
                   TierChange.cause == "downgrade")
    if count:
        # The cached display, set-based: the name of each downgraded patient's latest tier,
        # which is tonight's row (its id is above every earlier one). Tonight's rows are found
        # through the primary key, above ``before``, instead of by a scan.
        session.execute(
            update(Patient).where(Patient.id == TierChange.patient_id, TierChange.id > before,
                                  TierChange.at == now, TierChange.cause == "downgrade")
            .values(member_tier=select(LoyaltyTier.name)
                    .where(LoyaltyTier.id == TierChange.tier_id).scalar_subquery()),
            execution_options={"synchronize_session": False})
    return count


def _added(session: Session, result: Result[Any], column: InstrumentedAttribute[int],
           before: int, *tonight: ColumnElement[bool]) -> int:
    """The rows an INSERT … SELECT added: as the driver counted them, or, when it does not
    say (psycopg reports -1 for one), tonight's rows above ``before``."""
    count = getattr(result, "rowcount", -1)
    if count is not None and count >= 0:
        return int(count)
    return int(session.execute(select(func.count(column)).where(column > before, *tonight))
               .scalar_one())


def _last_id(session: Session, column: InstrumentedAttribute[int]) -> int:
    """The highest id so far: the rows an INSERT … SELECT adds next are the ones above it (the
    write transaction holds the lock), found through the primary key instead of a scan."""
    return int(session.execute(select(func.max(column))).scalar() or 0)


def _expire_points(ctx: Context, session: Session, today: date, last: date | None) -> int:
    """Write off what has lapsed: one INSERT … SELECT over the points journal."""
    p = PointsEntry
    # Lapsed = lots due by today less everything taken (points are spent in order of expiry);
    # taken rows are negative, so it is one sum over the rows that are either.
    lapsed_sum = func.sum(case((p.lot.is_(False) | (p.expires_on <= today), p.points),
                               else_=0))
    lapsed = select(p.patient_id.label("pid"), lapsed_sum.label("lapsed")) \
        .group_by(p.patient_id).having(lapsed_sum > 0)
    if last is not None:  # only patients with a lot that lapsed since the last night
        lapsed = lapsed.where(p.patient_id.in_(select(p.patient_id).where(
            p.lot.is_(True), p.expires_on > last, p.expires_on <= today)))
    found = lapsed.subquery()
    now = ctx.now()
    before = _last_id(session, p.id)
    result = session.execute(insert(PointsEntry).from_select(
        ["patient_id", "at", "kind", "points", "lot", "rule", "note"],
        select(found.c.pid, literal(now, PointsEntry.at.type), literal("expire"),
               -found.c.lapsed, literal(False), literal("expiry"), literal(_("积分到期")))))
    count = _added(session, result, p.id, before, p.kind == "expire", p.at == now)
    if count:  # the cached display of the patients written off tonight (ids above ``before``)
        session.execute(
            update(Patient).where(Patient.id.in_(select(p.patient_id).where(
                p.id > before, p.kind == "expire", p.at == now)))
            .values(member_points=select(func.coalesce(func.sum(p.points), 0))
                    .where(p.patient_id == Patient.id).scalar_subquery()),
            execution_options={"synchronize_session": False})
    return count


def _cards_left(session: Session, *conditions: ColumnElement[bool]
                ) -> list[tuple[int, int, str, date, int]]:
    """(card, patient, name, expiry, uses left) of the cards matching ``conditions``."""
    return [(cid, pid, name, day, int(left)) for cid, pid, name, day, left in session.execute(
        select(PackageCard.id, PackageCard.patient_id, PackageCard.name, PackageCard.expires_on,
               func.sum(PackageUse.uses))
        .join(PackageUse, PackageUse.card_id == PackageCard.id).where(*conditions)
        .group_by(PackageCard.id, PackageCard.patient_id, PackageCard.name,
                  PackageCard.expires_on))]


def _expire_packages(ctx: Context, session: Session, today: date, last: date | None) -> int:
    conditions = [PackageCard.expires_on < today]
    if last is not None:
        conditions.append(PackageCard.expires_on >= last - timedelta(days=1))
    rows = [(cid, pid, ctx.now(), "expire", -left, _("套餐过期"))
            for cid, pid, _name, _day, left in _cards_left(session, *conditions) if left > 0]
    if rows:
        mark_table(session, "package_use")
        bulk_insert(session.connection(), table_of(PackageUse),
                    ("card_id", "patient_id", "at", "kind", "uses", "note"), rows, want_ids=False)
    return len(rows)


def _warn_packages(ctx: Context, session: Session, today: date) -> int:
    rules = rules_in(session, today)
    if rules.package_warn_days <= 0:
        return 0
    cards = _cards_left(session, PackageCard.expires_on >= today,
                        PackageCard.expires_on <= today + timedelta(days=rules.package_warn_days))
    keys = {f"package-expiry:{cid}": (cid, pid, name, day, left)
            for cid, pid, name, day, left in cards if left > 0}
    known: set[str] = set()
    for chunk in [list(keys)[i:i + CHUNK] for i in range(0, len(keys), CHUNK)]:
        known |= set(session.execute(select(CareTask.dedupe_key).where(
            CareTask.dedupe_key.in_(chunk))).scalars())
    now = ctx.now()
    rows = [(pid, "package", _("套餐“{card}”将于 {day} 到期，还剩 {left} 次", card=name, day=day,
                                left=left)[:128], now, "pending", "package", cid, key,
             "receptionist", 2, 7, now)
            for key, (cid, pid, name, day, left) in keys.items() if key not in known]
    if rows:
        mark_table(session, "care_task")
        bulk_insert(session.connection(), table_of(CareTask),
                    ("patient_id", "kind", "title", "due_at", "status", "source", "source_id",
                     "dedupe_key", "assigned_role", "priority", "window_days", "created_at"),
                    rows, want_ids=False)
    return len(rows)


# -- hooks (in the caller's transaction) -----------------------------------------------------
def on_treatment_completed(ctx: Context, session: Session, event: TreatmentCompleted) -> None:
    """A visit completed: package uses, birthday points, a referrer's reward."""
    if event.imported:
        return
    consume_for_visit_in(ctx, session, event.patient_id, event.visit_id, event.treatment_ids)
    patient = session.get(Patient, event.patient_id)
    if patient is None:
        return
    today = clinic_day(session, ctx.now())
    rules = rules_in(session, today)
    local = clinic_day(session, event.treated_at)
    birth = patient.birth_date
    if rules.birthday_points > 0 and birth is not None \
            and (birth.month, birth.day) == (local.month, local.day):
        rule = f"birthday:{local.year}"
        if session.execute(select(PointsEntry.id).where(
                PointsEntry.patient_id == patient.id, PointsEntry.rule == rule)).first() is None:
            add_lot_in(ctx, session, patient.id, kind="birthday", points=rules.birthday_points,
                       rule=rule, visit_id=event.visit_id, note=_("生日就诊"))
            refresh_caches(session, [patient.id])
    if patient.referred_by_id is not None and is_first_paid_visit(session, patient.id,
                                                                  event.visit_id):
        reward_in(ctx, session, patient.id, event.visit_id)


def on_treatment_undone(ctx: Context, session: Session, event: TreatmentUndone) -> None:
    undo_visit_uses_in(ctx, session, event.visit_id)


def on_money_recorded(ctx: Context, session: Session, event: MoneyRecorded) -> None:
    entries = session.execute(select(LedgerEntry).where(LedgerEntry.id.in_(event.entry_ids))
                              .order_by(LedgerEntry.id)).scalars().all()
    earn_for_entries_in(ctx, session, event.patient_id, entries)
