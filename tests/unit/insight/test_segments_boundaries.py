"""Segment ranges on their boundary days and amounts: a range with both ends is one
``BETWEEN`` (SQLite then computes a patient's last visit or balance once), and "after day d"
becomes "from d + 1": the patients on either side of each end must stay where they were.

Today is 2026-11-24; dormant from 6 months (last visit on or before 2026-05-24), lost from
12 (on or before 2025-11-24)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clinic_desktop.context import Context
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import list_segment
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit

LAST_VISITS = {"active": date(2026, 5, 25), "dormant_late": date(2026, 5, 24),
               "dormant_early": date(2025, 11, 25), "lost": date(2025, 11, 24)}
OWED = {"owes_99.99": "99.99", "owes_100": "100", "owes_200": "200", "owes_200.01": "200.01"}


@pytest.fixture
def named(admin_ctx: Context) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, day in LAST_VISITS.items():
        ids[name] = create_patient(admin_ctx, PatientInput(name=name, sex="F")).patient.id
        with admin_ctx.transaction(write=True) as s:
            s.add(Visit(patient_id=ids[name], visit_date=day,
                        created_at=datetime(2026, 11, 24, tzinfo=UTC)))
    for name, amount in OWED.items():
        ids[name] = create_patient(admin_ctx, PatientInput(name=name, sex="M")).patient.id
        with admin_ctx.transaction(write=True) as s:
            s.add(LedgerEntry(patient_id=ids[name], at=datetime(2026, 11, 1, tzinfo=UTC),
                              kind="charge", amount=Decimal(amount) + 50))
            s.add(LedgerEntry(patient_id=ids[name], at=datetime(2026, 11, 1, tzinfo=UTC),
                              kind="payment", amount=Decimal(50)))
    return ids


def _who(ctx: Context, ids: dict[str, int], rules: SegmentRules) -> set[str]:
    back = {v: k for k, v in ids.items()}
    return {back[r.patient_id] for r in list_segment(ctx, rules).rows}


@pytest.mark.parametrize(("rules", "expected"), [
    (SegmentRules(activity="active"), {"active"}),
    (SegmentRules(activity="dormant"), {"dormant_late", "dormant_early"}),
    (SegmentRules(activity="lost"), {"lost"}),
    (SegmentRules(months_since_visit_min=6), {"dormant_late", "dormant_early", "lost"}),
    (SegmentRules(months_since_visit_max=11), {"active", "dormant_late", "dormant_early"}),
    (SegmentRules(months_since_visit_min=6, months_since_visit_max=11),
     {"dormant_late", "dormant_early"}),
    (SegmentRules(last_visit_from=date(2025, 11, 25), last_visit_to=date(2026, 5, 24)),
     {"dormant_late", "dormant_early"}),
    (SegmentRules(last_visit_from=date(2025, 11, 25)), {"active", "dormant_late",
                                                        "dormant_early"}),
    # owed alone (one grouped pass over the ledger) and after another criterion (per patient)
    (SegmentRules(owed_min=Decimal(100), owed_max=Decimal(200)), {"owes_100", "owes_200"}),
    (SegmentRules(sex="M", owed_min=Decimal(100), owed_max=Decimal(200)),
     {"owes_100", "owes_200"}),
    (SegmentRules(sex="M", owed_min=Decimal("99.99")), set(OWED)),
])
def test_both_ends_are_included_and_no_more(admin_ctx: Context, named: dict[str, int],
                                            rules: SegmentRules, expected: set[str]) -> None:
    assert _who(admin_ctx, named, rules) == expected
