"""Loyalty helpers for writes that touch many patients at once (an import's opening balances
and their undo).

``refresh_caches_in_bulk`` is ``common.refresh_caches`` for thousands of patients: the same
cached tier name and points, read from the journals a chunk of ids at a time and written with
one executemany UPDATE per chunk instead of one statement per patient (an import may open
balances for 100,000 patients on file).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from clinic_desktop.storage.bulk import table_of
from clinic_desktop.storage.models.loyalty import LoyaltyTier, PointsEntry, TierChange
from clinic_desktop.storage.models.patient import Patient

CHUNK = 900  # ids per IN list: well under SQLite's bound-parameter limit


def refresh_caches_in_bulk(session: Session, patient_ids: Iterable[int]) -> None:
    """Write each patient's cached tier name and points from the journals (Core UPDATEs: the
    patient's version does not move, so an open patient form is not made stale)."""
    ids = sorted(set(patient_ids))
    if not ids:
        return
    session.flush()
    table = table_of(Patient)
    statement = update(table).where(table.c.id == bindparam("pid")).values(
        member_points=bindparam("points"), member_tier=bindparam("tier"))
    connection = session.connection()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        points = dict(session.execute(
            select(PointsEntry.patient_id, func.sum(PointsEntry.points))
            .where(PointsEntry.patient_id.in_(chunk)).group_by(PointsEntry.patient_id)).all())
        latest = (select(func.max(TierChange.id)).where(TierChange.patient_id.in_(chunk))
                  .group_by(TierChange.patient_id))
        tiers = dict(session.execute(
            select(TierChange.patient_id, LoyaltyTier.name)
            .outerjoin(LoyaltyTier, LoyaltyTier.id == TierChange.tier_id)
            .where(TierChange.id.in_(latest))).all())
        connection.execute(statement, [
            {"pid": pid, "points": int(points.get(pid) or 0), "tier": tiers.get(pid)}
            for pid in chunk])
