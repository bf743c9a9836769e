"""What every loyalty module needs: the clinic's day, the stored-value holder of a patient,
sums in fen, and the patient's cached display (tier name, points) kept with the journals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, case, func, select, type_coerce, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from clinic_desktop.errors import NotFound
from clinic_desktop.i18n import _
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.storage.models.loyalty import (
    LoyaltyTier,
    PointsEntry,
    StoredValueShare,
    TierChange,
)
from clinic_desktop.storage.models.patient import Patient

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")
PRINCIPAL, BONUS = "principal", "bonus"


def clinic_zone(session: Session) -> ZoneInfo:
    return ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))


def clinic_day(session: Session, now: datetime) -> date:
    return now.astimezone(clinic_zone(session)).date()


def fen(column: InstrumentedAttribute[Decimal] | ColumnElement[Decimal]
        ) -> ColumnElement[int]:
    """A Money column as its stored integer (fen), for sums."""
    return type_coerce(column, Integer)


def fen_sum(condition: ColumnElement[bool],
            amount: ColumnElement[int] | InstrumentedAttribute[int],
            sign: int = 1) -> ColumnElement[int]:
    return type_coerce(func.coalesce(func.sum(case((condition, amount * sign), else_=0)), 0),
                       Integer)


def yuan(value_fen: int | None) -> Decimal:
    return (Decimal(value_fen or 0) / 100).quantize(CENTS)


def holder_of(session: Session, patient_id: int) -> int:
    """Whose stored value this patient spends: the household holder when shared."""
    holder = session.execute(select(StoredValueShare.holder_id).where(
        StoredValueShare.patient_id == patient_id)).scalar_one_or_none()
    return holder if holder is not None else patient_id


def patient_row(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(_("该患者已不存在。"))
    return patient


def points_of(session: Session, patient_id: int) -> int:
    return int(session.execute(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
        PointsEntry.patient_id == patient_id)).scalar_one())


def current_tier_row(session: Session, patient_id: int) -> TierChange | None:
    return session.execute(select(TierChange).where(TierChange.patient_id == patient_id)
                           .order_by(TierChange.id.desc()).limit(1)).scalar_one_or_none()


def current_tier(session: Session, patient_id: int) -> LoyaltyTier | None:
    row = current_tier_row(session, patient_id)
    if row is None or row.tier_id is None:
        return None
    return session.get(LoyaltyTier, row.tier_id)


def refresh_caches(session: Session, patient_ids: Iterable[int]) -> None:
    """Write the patient's cached tier name and points from the journals (Core UPDATEs: the
    patient's version does not move, so an open patient form is not made stale)."""
    ids = sorted(set(patient_ids))
    if not ids:
        return
    session.flush()
    points = dict(session.execute(select(PointsEntry.patient_id, func.sum(PointsEntry.points))
                                  .where(PointsEntry.patient_id.in_(ids))
                                  .group_by(PointsEntry.patient_id)).all())
    latest = (select(func.max(TierChange.id)).where(TierChange.patient_id.in_(ids))
              .group_by(TierChange.patient_id))
    tiers = dict(session.execute(
        select(TierChange.patient_id, LoyaltyTier.name)
        .outerjoin(LoyaltyTier, LoyaltyTier.id == TierChange.tier_id)
        .where(TierChange.id.in_(latest))).all())
    for pid in ids:
        session.execute(update(Patient).where(Patient.id == pid).values(
            member_points=int(points.get(pid) or 0), member_tier=tiers.get(pid)),
            execution_options={"synchronize_session": False})
