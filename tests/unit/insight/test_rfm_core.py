"""RFM scores and groups, and active/dormant/lost, computed by hand on segment_clinic.

Window of 12 months (2025-11-25 … 2026-11-24): A (last 11-01, 2 visits, ¥350), B (03-15, 1,
¥300), G (06-01, 1, ¥2800); C's visits are older, E archived, F merged.
    R by last visit: B rank 1 → 1, G 2 → 2, A 3 → 4   (1 + 5 × (rank − 1) // 3)
    F by visits:     B, G rank 1 → 1, A rank 3 → 4
    M by spend:      B rank 1 → 1, A 2 → 2, G 3 → 4
    A 4-4-2 一般价值, G 2-1-4 重要挽留, B 1-1-1 一般挽留
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.cli import EXIT_OK, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules.rfm import RfmGroup
from clinic_desktop.services.clinic import write_setting
from clinic_desktop.services.insight.activity import activity_counts, built_in_segments
from clinic_desktop.services.insight.rfm import group_counts, rfm_scores
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import count_segment, list_segment
from tests.conftest import FIXED_NOW
from tests.unit.insight.segment_clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    return build(admin_ctx)


def test_scores_and_groups_by_hand(clinic: Clinic) -> None:
    rows = {clinic.letters([r.patient_id]).pop(): r for r in rfm_scores(clinic.ctx)}
    assert set(rows) == {"A", "B", "G"}
    assert (rows["A"].r, rows["A"].f, rows["A"].m, rows["A"].group) == \
        (4, 4, 2, RfmGroup.GENERAL_VALUE)
    assert (rows["G"].r, rows["G"].f, rows["G"].m, rows["G"].group) == \
        (2, 1, 4, RfmGroup.IMPORTANT_RETAIN)
    assert (rows["B"].r, rows["B"].f, rows["B"].m, rows["B"].group) == \
        (1, 1, 1, RfmGroup.GENERAL_RETAIN)
    assert (rows["A"].last_visit, rows["A"].visits, rows["A"].spend) == \
        (date(2026, 11, 1), 2, Decimal("350.00"))
    assert rows["G"].spend == Decimal("2800.00")  # the reversed 3000 nets out
    counts = {g.group: g.patients for g in group_counts(list(rows.values()))}
    assert counts[RfmGroup.GENERAL_VALUE] == 1 and sum(counts.values()) == 3


def test_a_longer_window_takes_in_older_patients(clinic: Clinic) -> None:
    rows = {clinic.letters([r.patient_id]).pop(): r for r in rfm_scores(clinic.ctx, months=36)}
    assert set(rows) == {"A", "B", "C", "G"}
    # n = 4. C: the oldest visit (rank 1), 2 visits (rank 3 of B, G 1, C 2, A 3), ¥11000 =
    # 12000 less a 1000 discount (rank 3 of 300, 2800, 11000, 12350): R1, F 1+5×2//4 = 3, M3
    assert (rows["C"].r, rows["C"].f, rows["C"].m) == (1, 3, 3)
    assert (rows["A"].f, rows["A"].m) == (4, 4)
    assert rows["C"].group is RfmGroup.IMPORTANT_KEEP
    with pytest.raises(UserError) as refused:
        rfm_scores(clinic.ctx, months=0)
    assert refused.value.field == "months"


def test_an_rfm_group_is_a_segment_rule(clinic: Clinic) -> None:
    rules = SegmentRules(rfm_group="important_retain")
    assert clinic.letters(r.patient_id for r in list_segment(clinic.ctx, rules).rows) == {"G"}
    assert count_segment(clinic.ctx, SegmentRules(rfm_group="general_retain")) == 1
    assert count_segment(clinic.ctx, SegmentRules(rfm_group="important_value")) == 0


def test_active_dormant_lost_follow_the_settings(clinic: Clinic) -> None:
    counts = activity_counts(clinic.ctx)
    assert (counts.active, counts.dormant, counts.lost, counts.never) == (2, 1, 1, 1)
    with clinic.ctx.transaction(write=True) as s:  # dormant from 9 months, lost from 30
        write_setting(s, "insight.dormant_months", 9)
        write_setting(s, "insight.lost_months", 30)
    counts = activity_counts(clinic.ctx)
    # B (8 months) is active again, C (28 months) only dormant
    assert (counts.active, counts.dormant, counts.lost, counts.never) == (3, 1, 0, 1)
    assert count_segment(clinic.ctx, SegmentRules(activity="active")) == 3


def test_built_in_segments(clinic: Clinic) -> None:
    found = {b.key: clinic.letters(r.patient_id for r in list_segment(clinic.ctx, b.rules).rows)
             for b in built_in_segments()}
    assert found == {"active": {"A", "G"}, "dormant": {"B"}, "lost": {"C"},
                     "high_value": {"A", "C", "G"}, "one_visit": {"B", "G"}}


def test_reports_permission(clinic: Clinic) -> None:
    from clinic_desktop.context import Actor

    doctor = Context(db=clinic.ctx.db, clock=clinic.ctx.clock,
                     actor=Actor(None, "doc", "医生", Role.DOCTOR))
    for call in (lambda: rfm_scores(doctor), lambda: activity_counts(doctor),
                 lambda: count_segment(doctor, SegmentRules())):
        with pytest.raises(PermissionDenied):
            call()


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def test_cli_json(clinic: Clinic, cli_database: list[str]) -> None:
    clinic.ctx.db.close()
    code, text = _run(*cli_database, "segment", "rfm", "--json")
    assert code == EXIT_OK
    rows = {r["name"]: r for r in json.loads(text)}
    assert set(rows) == {"张一", "李二", "周七"}
    assert rows["张一"] == {"code": rows["张一"]["code"], "name": "张一", "phone": "13800000001",
                           "r": 4, "f": 4, "m": 2, "group": "一般价值",
                           "last_visit": "2026-11-01", "visits": 2, "spend": 350}
    assert rows["周七"]["group"] == "重要挽留" and rows["周七"]["spend"] == 2800
    code, text = _run("segment", "rfm", "--months", "36", "--json", *cli_database)
    assert code == EXIT_OK and len(json.loads(text)) == 4
    code, text = _run(*cli_database, "segment", "active", "--json")
    assert code == EXIT_OK
    assert json.loads(text) == {"active": 2, "dormant": 1, "lost": 1, "never_visited": 1,
                                "dormant_months": 6, "lost_months": 12}
    code, text = _run(*cli_database, "segment", "active")
    assert code == EXIT_OK and "活跃 2 人" in text
    code, text = _run(*cli_database, "segment", "rfm")
    assert code == EXIT_OK and "重要挽留：1 人" in text


def test_the_list_scores_as_the_segment_criterion_does_ties_included(clinic: Clinic) -> None:
    # The list and the groups' counts rank in Python, the rfm_group criterion in SQL (above
    # the ⌈2n/5⌉-th smallest value): they must agree. Eight more patients seen in the window,
    # in pairs with the same last visit, visits and spend (and G's day and spend again), so
    # every score has ties.
    from clinic_desktop.rules.rfm import group_flags
    from clinic_desktop.services.insight.rfm import figures_cte, rfm_group_counts, with_high_flags
    from clinic_desktop.services.insight.segment_query import today_in
    from clinic_desktop.services.patients import PatientInput, create_patient
    from tests.unit.insight.segment_clinic import add_visit

    days = (date(2026, 6, 1), date(2026, 6, 1), date(2026, 9, 9), date(2026, 9, 9),
            date(2026, 2, 2), date(2026, 2, 2), date(2026, 11, 1), date(2026, 11, 1))
    for i, day in enumerate(days):
        pid = create_patient(clinic.ctx, PatientInput(name=f"并列{i}", sex="F")).patient.id
        add_visit(clinic.ctx, pid, day, "口腔检查", "2800" if i < 2 else str(100 * (i // 2)))
        if i % 4 == 3:
            add_visit(clinic.ctx, pid, day, "超声洁牙", "0")
    rows = rfm_scores(clinic.ctx)
    listed = {r.patient_id: (r.r >= 3, r.f >= 3, r.m >= 3) for r in rows}
    with clinic.ctx.transaction() as s:
        today = today_in(s, clinic.ctx.now())
        figures = figures_cte(today.day, today.zone, 12)
        in_sql = {int(pid): (bool(r), bool(f), bool(m)) for pid, _spend, r, f, m in s.execute(
            with_high_flags(figures)).all()}
    assert len(listed) == 11 and listed == in_sql
    assert len({(r.r, r.f, r.m) for r in rows}) < 11  # ties: some patients share all three
    assert len(set(listed.values())) > 2  # and the flags differ between patients
    counts = {g.group: g.patients for g in rfm_group_counts(clinic.ctx)}
    assert counts == {g.group: g.patients for g in group_counts(rows)}
    for group, patients in counts.items():  # the criterion picks the same patients
        chosen = {r.patient_id for r in list_segment(
            clinic.ctx, SegmentRules(rfm_group=group.value)).rows}
        assert chosen == {p for p, flags in listed.items() if flags == group_flags(group)}
        assert len(chosen) == patients


def test_group_counts_without_rows_match_the_rows(clinic: Clinic) -> None:
    from clinic_desktop.context import Actor
    from clinic_desktop.services.insight.rfm import rfm_group_counts

    for months in (12, 36):
        expected = group_counts(rfm_scores(clinic.ctx, months=months))
        assert rfm_group_counts(clinic.ctx, months=months) == expected
    # 36 months: A 12350, B 300, C 11000, G 2800
    assert sum(g.patients for g in expected) == 4
    assert sum(g.spend for g in expected) == Decimal("26450.00")
    doctor = Context(db=clinic.ctx.db, clock=clinic.ctx.clock,
                     actor=Actor(None, "doc", "医生", Role.DOCTOR))
    with pytest.raises(PermissionDenied):
        rfm_group_counts(doctor)
