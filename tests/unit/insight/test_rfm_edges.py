"""RFM at its edges: the window's first and last clinic days in the clinic's zone (visits by
day, money by instant), a visit or charge after today, merged and archived patients, a clinic
with one patient seen and one with nobody seen. The list (ranked in Python) and the groups'
counts and the segment criterion (ranked in SQL) must agree on each."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clinic_desktop.context import Context
from clinic_desktop.rules.rfm import RfmGroup
from clinic_desktop.services.insight.rfm import group_counts, rfm_group_counts, rfm_scores
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import count_segment
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.patient import Patient

# Today is 2026-11-24 in Shanghai (UTC+8); 12 months: 2025-11-25 … 2026-11-24.


def _patient(ctx: Context, name: str) -> int:
    return create_patient(ctx, PatientInput(name=name, sex="F")).patient.id


def _visit(ctx: Context, pid: int, day: date) -> None:
    with ctx.transaction(write=True) as s:
        s.add(Visit(patient_id=pid, visit_date=day, created_at=datetime(2026, 11, 24, tzinfo=UTC)))


def _charge(ctx: Context, pid: int, at: datetime, amount: str, kind: str = "charge") -> None:
    with ctx.transaction(write=True) as s:
        s.add(LedgerEntry(patient_id=pid, at=at, kind=kind, amount=Decimal(amount)))


def _agree(ctx: Context) -> dict[int, tuple[date, int, Decimal, RfmGroup]]:
    """The rows by patient, after checking the SQL-ranked counts and criterion agree."""
    rows = rfm_scores(ctx)
    assert rfm_group_counts(ctx) == group_counts(rows)
    for g in RfmGroup:
        assert count_segment(ctx, SegmentRules(rfm_group=g.value)) == \
            sum(1 for r in rows if r.group is g)
    return {r.patient_id: (r.last_visit, r.visits, r.spend, r.group) for r in rows}


def test_the_window_edges_are_clinic_days(admin_ctx: Context) -> None:
    first = _patient(admin_ctx, "首日")
    _visit(admin_ctx, first, date(2025, 11, 25))
    _charge(admin_ctx, first, datetime(2025, 11, 24, 16, 30, tzinfo=UTC), "100")  # 00:30 local
    _charge(admin_ctx, first, datetime(2025, 11, 24, 15, 30, tzinfo=UTC), "1000")  # day before
    before = _patient(admin_ctx, "前一天")
    _visit(admin_ctx, before, date(2025, 11, 24))
    last = _patient(admin_ctx, "今天")
    _visit(admin_ctx, last, date(2026, 11, 24))
    _visit(admin_ctx, last, date(2026, 11, 25))  # tomorrow: a mistyped date, not yet a visit
    _charge(admin_ctx, last, datetime(2026, 11, 24, 15, 30, tzinfo=UTC), "300")  # 23:30 local
    _charge(admin_ctx, last, datetime(2026, 11, 24, 16, 30, tzinfo=UTC), "5000")  # tomorrow
    _charge(admin_ctx, last, datetime(2026, 11, 24, 3, tzinfo=UTC), "50", kind="discount")
    merged = _patient(admin_ctx, "已合并")
    archived = _patient(admin_ctx, "已归档")
    for pid in (merged, archived):
        _visit(admin_ctx, pid, date(2026, 11, 20))
        _charge(admin_ctx, pid, datetime(2026, 11, 20, 2, tzinfo=UTC), "9000")
    with admin_ctx.transaction(write=True) as s:
        s.get(Patient, merged).merged_into_id = first  # type: ignore[union-attr]
        s.get(Patient, archived).archived = True  # type: ignore[union-attr]
    found = _agree(admin_ctx)
    assert set(found) == {first, last}
    # n = 2: the later last visit, the same visits, the bigger spend score 1 + 5 × 1 // 2 = 3
    assert found[first] == (date(2025, 11, 25), 1, Decimal("100.00"), RfmGroup.GENERAL_RETAIN)
    assert found[last] == (date(2026, 11, 24), 1, Decimal("250.00"), RfmGroup.IMPORTANT_DEVELOP)


def test_one_patient_seen_and_nobody_seen(admin_ctx: Context) -> None:
    assert rfm_scores(admin_ctx) == []
    counts = rfm_group_counts(admin_ctx)
    assert [(c.group, c.patients, c.spend) for c in counts] == \
        [(g, 0, Decimal("0.00")) for g in RfmGroup]
    assert count_segment(admin_ctx, SegmentRules(rfm_group="general_retain")) == 0
    only = _patient(admin_ctx, "唯一")
    _visit(admin_ctx, only, date(2026, 6, 1))
    # nothing below the only value: 1-1-1, and a visit without a charge spends 0
    assert _agree(admin_ctx) == {only: (date(2026, 6, 1), 1, Decimal("0.00"),
                                        RfmGroup.GENERAL_RETAIN)}


def test_rows_built_in_bulk_are_ordinary_frozen_rows(admin_ctx: Context) -> None:
    only = _patient(admin_ctx, "唯一")
    _visit(admin_ctx, only, date(2026, 6, 1))
    _charge(admin_ctx, only, datetime(2026, 6, 1, 2, tzinfo=UTC), "12.5")
    (row,) = rfm_scores(admin_ctx)
    made = type(row)(row.patient_id, row.code, row.name, row.phone, 1, 1, 1,
                     RfmGroup.GENERAL_RETAIN, date(2026, 6, 1), 1, Decimal("12.50"))
    assert row == made and hash(row) == hash(made) and repr(row) == repr(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.spend = Decimal(0)  # type: ignore[misc]
    assert dataclasses.replace(row, phone=None).phone is None
