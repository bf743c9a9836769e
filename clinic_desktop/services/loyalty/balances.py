"""Every balance of a patient in one read (the panel, the payment dialog), every patient's
for reconciliation (``clinic-desktop loyalty balances --json``), and the drift check that
``clinic-desktop check`` runs: each balance recomputed from its entries and compared with the
cached display, and nothing below zero that must not be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, contacts_for_all
from clinic_desktop.services.billing import balance_in, pot_delta
from clinic_desktop.services.loyalty.common import (
    clinic_day,
    clinic_zone,
    fen,
    fen_sum,
    patient_row,
    yuan,
)
from clinic_desktop.services.loyalty.packages import PackageCardInfo, cards_in
from clinic_desktop.services.loyalty.points import available_in
from clinic_desktop.services.loyalty.tiers import TierInfo, tier_in
from clinic_desktop.storage.dates import local_month
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


@dataclass(frozen=True)
class PackageLeft:
    package: str
    left: int
    expires: date


@dataclass(frozen=True)
class LoyaltyBalances:
    patient_id: int
    tier: TierInfo | None
    owed: Decimal
    credit: Decimal
    stored_value: Decimal  # principal + bonus of the card the patient spends
    stored_value_bonus: Decimal
    stored_value_holder_id: int | None  # set when the card is a relative's
    points: int
    points_available: int
    packages: tuple[PackageCardInfo, ...]  # usable cards
    coupons: int  # usable coupons


@dataclass(frozen=True)
class ClinicBalance:
    """One line of the reconciliation list (money in yuan)."""

    code: str
    name: str
    phone: str | None
    tier: str | None
    owed: Decimal
    credit: Decimal
    stored_value: Decimal
    stored_value_bonus: Decimal
    points: int
    package_uses: tuple[PackageLeft, ...]


def balances_of(ctx: Context, patient_id: int) -> LoyaltyBalances:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        patient_row(session, patient_id)
        today = clinic_day(session, ctx.now())
        money = balance_in(session, patient_id)
        points = int(session.execute(select(func.coalesce(func.sum(PointsEntry.points), 0))
                                     .where(PointsEntry.patient_id == patient_id)).scalar_one())
        coupons = session.execute(select(func.count(Coupon.id)).where(
            Coupon.patient_id == patient_id, Coupon.status == "issued",
            Coupon.expires_on >= today)).scalar_one()
        return LoyaltyBalances(
            patient_id, tier_in(session, patient_id), money.owed, money.credit,
            money.stored_value, money.stored_value_bonus, money.stored_value_holder_id, points,
            available_in(session, patient_id, today),
            tuple(c for c in cards_in(session, patient_id, today) if c.usable), int(coupons))


def _current_tiers(session: Session) -> dict[int, str | None]:
    latest = select(func.max(TierChange.id)).group_by(TierChange.patient_id).scalar_subquery()
    return dict(session.execute(
        select(TierChange.patient_id, LoyaltyTier.name)
        .outerjoin(LoyaltyTier, LoyaltyTier.id == TierChange.tier_id)
        .where(TierChange.id.in_(latest))).all())


def _money(session: Session) -> dict[int, tuple[int, int]]:
    """patient -> (net owed in fen, 0) from the ledger's charge/discount/payment/refund."""
    amount = fen(LedgerEntry.amount)
    net = (fen_sum(LedgerEntry.kind == "charge", amount)
           - fen_sum(LedgerEntry.kind == "discount", amount)
           - fen_sum(LedgerEntry.kind == "payment", amount)
           + fen_sum(LedgerEntry.kind == "refund", amount))
    return {pid: (int(n), 0) for pid, n in session.execute(
        select(LedgerEntry.patient_id, net).group_by(LedgerEntry.patient_id))}


def _pots(session: Session) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for holder, pot, total in session.execute(
            select(LedgerEntry.holder_id, LedgerEntry.pot, func.sum(pot_delta()))
            .where(LedgerEntry.pot.is_not(None))
            .group_by(LedgerEntry.holder_id, LedgerEntry.pot)):
        if holder is not None and pot is not None:
            found.setdefault(holder, {})[pot] = int(total or 0)
    return found


def _points(session: Session) -> dict[int, int]:
    return {pid: int(n) for pid, n in session.execute(
        select(PointsEntry.patient_id, func.sum(PointsEntry.points))
        .group_by(PointsEntry.patient_id))}


def _packages(session: Session, today: date) -> dict[int, list[PackageLeft]]:
    left = dict(session.execute(select(PackageUse.card_id, func.sum(PackageUse.uses))
                                .group_by(PackageUse.card_id)).all())
    found: dict[int, list[PackageLeft]] = {}
    for cid, pid, name, expires in session.execute(
            select(PackageCard.id, PackageCard.patient_id, PackageCard.name,
                   PackageCard.expires_on).where(PackageCard.expires_on >= today)
            .order_by(PackageCard.expires_on, PackageCard.id)):
        if int(left.get(cid) or 0) > 0:
            found.setdefault(pid, []).append(PackageLeft(name, int(left[cid]), expires))
    return found


def clinic_balances_in(session: Session, today: date) -> list[ClinicBalance]:
    tiers, money, pots = _current_tiers(session), _money(session), _pots(session)
    points, packages = _points(session), _packages(session, today)
    ids = sorted({p for p, t in tiers.items() if t} | {p for p, (n, _c) in money.items() if n}
                 | {p for p, v in pots.items() if any(v.values())}
                 | {p for p, n in points.items() if n} | set(packages))
    found = []
    for chunk in [ids[i:i + 500] for i in range(0, len(ids), 500)]:
        for pid, code, name, mobile in session.execute(
                select(Patient.id, Patient.code, Patient.name, Patient.mobile)
                .where(Patient.id.in_(chunk))):
            net = money.get(pid, (0, 0))[0]
            pot = pots.get(pid, {})
            found.append(ClinicBalance(
                code, name, mobile, tiers.get(pid), yuan(max(net, 0)), yuan(max(-net, 0)),
                yuan(pot.get("principal", 0) + pot.get("bonus", 0)), yuan(pot.get("bonus", 0)),
                points.get(pid, 0), tuple(packages.get(pid, ()))))
    return sorted(found, key=lambda b: b.code)


def clinic_balances(ctx: Context) -> list[ClinicBalance]:
    """Every patient with a tier or any balance, by code (for reconciliation)."""
    ctx.require(Permission.BILLING_VIEW)
    ctx.require(Permission.EXPORT_RUN)
    with ctx.transaction() as session:
        return contacts_for_all(ctx, clinic_balances_in(session, clinic_day(session, ctx.now())))


def check_balances_in(session: Session) -> list[str]:
    """Findings, one sentence each; an empty list means every balance adds up."""
    findings: list[str] = []
    names = dict(session.execute(select(Patient.id, Patient.code)).all())

    def who(pid: int) -> str:
        return names.get(pid, f"#{pid}")

    points = _points(session)
    tiers = _current_tiers(session)
    for pid, cached_points, cached_tier in session.execute(
            select(Patient.id, Patient.member_points, Patient.member_tier)):
        if (cached_points or 0) != points.get(pid, 0):
            findings.append(_("患者 {code} 的积分显示为 {cached}，按积分明细应为 {real}。",
                              code=who(pid), cached=cached_points, real=points.get(pid, 0)))
        if (cached_tier or None) != tiers.get(pid):
            findings.append(_("患者 {code} 的会员等级显示为“{cached}”，按等级记录应为“{real}”。",
                              code=who(pid), cached=cached_tier or "-",
                              real=tiers.get(pid) or "-"))
        if points.get(pid, 0) < 0:
            findings.append(_("患者 {code} 的积分为负数（{n}）。", code=who(pid),
                              n=points[pid]))
    for holder, pot in _pots(session).items():
        for name, value in pot.items():
            if value < 0:
                findings.append(_("患者 {code} 的储值（{pot}）为负数：¥{amount}。",
                                  code=who(holder), pot=name, amount=yuan(value)))
    for cid, pid, total in session.execute(
            select(PackageUse.card_id, PackageUse.patient_id, func.sum(PackageUse.uses))
            .group_by(PackageUse.card_id, PackageUse.patient_id)):
        if int(total) < 0:
            findings.append(_("患者 {code} 的套餐卡 {card} 剩余次数为负数（{n}）。",
                              code=who(pid), card=cid, n=total))
    redeemed_without = session.execute(select(func.count(Coupon.id)).where(
        Coupon.status == "redeemed", Coupon.checkout_id.is_(None))).scalar_one()
    if redeemed_without:
        findings.append(_("{n} 张优惠券标记为已使用，却没有对应的收款记录。",
                          n=redeemed_without))
    return findings


def check_balances(ctx: Context) -> list[str]:
    ctx.require(Permission.BILLING_VIEW)
    with ctx.transaction() as session:
        return check_balances_in(session)


@dataclass(frozen=True)
class MonthPoints:
    month: str  # YYYY-MM, clinic time
    earned: int
    redeemed: int
    expired: int


def points_by_month(ctx: Context, *, since: date) -> list[MonthPoints]:
    """Points given, redeemed and lapsed per clinic-local month, for the manager (balances
    opened by an import were given before the clinic used the app: not counted)."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        zone: ZoneInfo = clinic_zone(session)
        offset = zone.utcoffset(ctx.now().replace(tzinfo=None))
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        month = local_month(PointsEntry.at, minutes)
        p = PointsEntry
        given = p.lot.is_(True) & p.kind.not_in(("reversal", "opening"))
        rows = session.execute(
            select(month, fen_sum(given, p.points),
                   fen_sum(p.kind.in_(("redeem", "gift")), p.points, -1),
                   fen_sum(p.kind == "expire", p.points, -1))
            .where(p.at >= datetime.combine(since, time(0), zone))
            .group_by(month).order_by(month)).all()
        return [MonthPoints(m, int(e), int(r), int(x)) for m, e, r, x in rows]

