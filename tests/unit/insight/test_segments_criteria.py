"""Each criterion of the filter builder on the small hand-built clinic (segment_clinic)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from clinic_desktop.context import Context
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import count_segment, list_segment
from tests.unit.insight.segment_clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    return build(admin_ctx)


def who(clinic: Clinic, rules: SegmentRules) -> set[str]:
    page = list_segment(clinic.ctx, rules, limit=100)
    assert page.total == len(page.rows) == count_segment(clinic.ctx, rules)
    return clinic.letters(r.patient_id for r in page.rows)


def test_empty_rules_are_every_current_patient(clinic: Clinic) -> None:
    # E is archived and F merged: never in a segment
    assert who(clinic, SegmentRules()) == {"A", "B", "C", "D", "G"}


CASES: list[tuple[SegmentRules, set[str]]] = [
    (SegmentRules(age_min=18), {"A", "C", "G"}),
    (SegmentRules(age_max=17), {"B"}),
    (SegmentRules(age_min=36, age_max=46), {"A", "G"}),
    (SegmentRules(sex="F"), {"B", "D", "G"}),
    (SegmentRules(tags=("VIP",)), {"A", "C"}),
    (SegmentRules(tags=("VIP", "学生")), {"A", "B", "C"}),
    (SegmentRules(tags=("VIP", "老人"), tags_mode="all"), {"C"}),
    (SegmentRules(sources=("抖音",)), {"A", "C"}),
    (SegmentRules(tiers=("金卡",)), {"A"}),
    (SegmentRules(tiers=("",)), {"B", "C", "D", "G"}),
    (SegmentRules(first_visit_from=date(2025, 1, 1)), {"A", "B", "G"}),
    (SegmentRules(last_visit_to=date(2026, 6, 30)), {"B", "C", "G"}),
    (SegmentRules(last_visit_from=date(2026, 6, 1), last_visit_to=date(2026, 11, 1)),
     {"A", "G"}),
    (SegmentRules(months_since_visit_min=12), {"C"}),
    (SegmentRules(months_since_visit_max=5), {"A", "G"}),
    (SegmentRules(activity="active"), {"A", "G"}),
    (SegmentRules(activity="dormant"), {"B"}),
    (SegmentRules(activity="lost"), {"C"}),
    (SegmentRules(activity="never"), {"D"}),
    (SegmentRules(visits_min=2), {"A", "C"}),
    (SegmentRules(visits_min=1, visits_max=1), {"B", "G"}),
    # G's 3000 was reversed and 2800 charged: spend 2800; A spent 350 in 2026
    (SegmentRules(spend_from=date(2026, 1, 1), spend_min=Decimal(1000)), {"G"}),
    (SegmentRules(spend_min=Decimal(11000)), {"A", "C"}),
    (SegmentRules(spend_max=Decimal(0)), {"D"}),
    (SegmentRules(owed_min=Decimal(1)), {"A", "B"}),
    (SegmentRules(owed_max=Decimal(0)), {"C", "D", "G"}),
    # B spends the household card held by A
    (SegmentRules(stored_min=Decimal(500)), {"A", "B"}),
    (SegmentRules(procedures=("种植牙",)), {"A", "C"}),
    (SegmentRules(procedures=("种植牙",), procedure_from=date(2025, 1, 1)), {"A"}),
    (SegmentRules(categories=("洁牙",)), {"A", "B"}),
    (SegmentRules(categories=("洁牙",), procedure_to=date(2026, 4, 1)), {"B"}),
    (SegmentRules(high_value=True), {"A", "C", "G"}),
    (SegmentRules(doctor_ids=(-1,)), set()),
    (SegmentRules(has_open_recall=True), {"C"}),
    (SegmentRules(has_open_recall=False), {"A", "B", "D", "G"}),
    (SegmentRules(satisfaction_min=4), {"B"}),
    (SegmentRules(satisfaction_max=3), {"C"}),
    (SegmentRules(has_referred=True), {"A"}),
    (SegmentRules(area="浦东"), {"A"}),
    (SegmentRules(area="%"), set()),  # a wildcard is text, not a pattern
    (SegmentRules(custom=(("学校", "实验中学"),)), {"B"}),
    (SegmentRules(custom=(("学校", "别的学校"),)), set()),
    # the headline: 种植 patients not seen for 12 months
    (SegmentRules(categories=("种植",), months_since_visit_min=12), {"C"}),
    (SegmentRules(sex="M", tags=("VIP",), activity="active"), {"A"}),
]


def test_each_criterion(clinic: Clinic) -> None:
    # one clinic for every case (building it is most of the time)
    wrong = [(rules, expected, found) for rules, expected in CASES
             if (found := who(clinic, rules)) != expected]
    assert not wrong, "\n".join(f"{r}: expected {e}, found {f}" for r, e, f in wrong)


def test_doctor_and_referrer_by_id(clinic: Clinic) -> None:
    assert who(clinic, SegmentRules(doctor_ids=(clinic.doctors["王"],))) == {"A", "C"}
    assert who(clinic, SegmentRules(doctor_ids=(clinic.doctors["李"],))) == {"B"}
    assert who(clinic, SegmentRules(referred_by_id=clinic.ids["A"])) == {"B"}


def test_rows_carry_the_numbers_and_sort(clinic: Clinic) -> None:
    rows = {clinic.letters([r.patient_id]).pop(): r
            for r in list_segment(clinic.ctx, SegmentRules(), limit=100).rows}
    a = rows["A"]
    assert (a.code, a.name, a.phone, a.tier) == (a.code, "张一", "13800000001", "金卡")
    assert (a.last_visit, a.visits, a.spend, a.owed) == (date(2026, 11, 1), 3,
                                                         Decimal("12350.00"), Decimal("350.00"))
    assert (rows["G"].spend, rows["G"].owed) == (Decimal("2800.00"), Decimal("0.00"))
    assert (rows["C"].spend, rows["C"].owed) == (Decimal("11000.00"), Decimal("0.00"))
    assert rows["D"].last_visit is None and rows["D"].visits == 0
    by_spend = list_segment(clinic.ctx, SegmentRules(), sort="spend", descending=True).rows
    assert [clinic.letters([r.patient_id]).pop() for r in by_spend] == ["A", "C", "G", "B", "D"]
    by_last = list_segment(clinic.ctx, SegmentRules(), sort="last_visit", descending=False).rows
    # never seen goes last whichever way
    assert [clinic.letters([r.patient_id]).pop() for r in by_last] == ["C", "B", "G", "A", "D"]
    page = list_segment(clinic.ctx, SegmentRules(), sort="spend", offset=1, limit=2)
    assert page.total == 5 and [clinic.letters([r.patient_id]).pop() for r in page.rows] == \
        ["C", "G"]
    # the spend column follows the rules' spend period
    spent = list_segment(clinic.ctx, SegmentRules(spend_from=date(2026, 1, 1),
                                                  spend_min=Decimal(0))).rows
    assert {clinic.letters([r.patient_id]).pop(): r.spend for r in spent}["A"] == Decimal(350)


def test_a_rule_change_changes_the_count(clinic: Clinic) -> None:
    rules = SegmentRules(categories=("种植",))
    assert count_segment(clinic.ctx, rules) == 2
    assert count_segment(clinic.ctx, replace(rules, months_since_visit_min=12)) == 1


def test_money_bands_with_and_without_zero(clinic: Clinic) -> None:
    # Owed now: A 350, B 300, C 0, G 0, D none (0). D pays ¥80 in advance: owed −80.
    from tests.unit.insight.segment_clinic import add_entry

    add_entry(clinic.ctx, clinic.ids["D"], date(2026, 11, 20), "payment", "80",
              method="cash")
    # a band without 0: only patients with entries summing inside it
    assert who(clinic, SegmentRules(owed_min=Decimal(300), owed_max=Decimal(349))) == {"B"}
    assert who(clinic, SegmentRules(owed_max=Decimal(-1))) == {"D"}
    assert who(clinic, SegmentRules(owed_min=Decimal(-100), owed_max=Decimal(-50))) == {"D"}
    # a band with 0: patients without entries are in, those outside it are not
    assert who(clinic, SegmentRules(owed_min=Decimal(-10), owed_max=Decimal(300))) == \
        {"B", "C", "G"}
    # spend in a period, both sides, and a band with 0 that keeps the never-charged D
    assert who(clinic, SegmentRules(spend_from=date(2026, 1, 1), spend_min=Decimal(300),
                                    spend_max=Decimal(2800))) == {"A", "B", "G"}
    assert who(clinic, SegmentRules(spend_to=date(2025, 12, 31), spend_max=Decimal(0))) == \
        {"B", "D", "G"}
    # money criteria combine with the others (then summed per patient) and with each other
    assert who(clinic, SegmentRules(sex="F", owed_max=Decimal(0))) == {"D", "G"}
    assert who(clinic, SegmentRules(sex="M", spend_min=Decimal(11000))) == {"A", "C"}
    assert who(clinic, SegmentRules(sex="F", spend_from=date(2026, 1, 1),
                                    spend_min=Decimal(1000))) == {"G"}
    assert who(clinic, SegmentRules(owed_max=Decimal(0), spend_min=Decimal(1000))) == \
        {"C", "G"}
    assert who(clinic, SegmentRules(owed_min=Decimal(-100), owed_max=Decimal(-50),
                                    spend_max=Decimal(0))) == {"D"}


def test_a_treatment_outside_the_catalogue_matches_by_name_only(clinic: Clinic) -> None:
    from clinic_desktop.storage.models.clinical import Treatment, Visit
    from tests.unit.insight.segment_clinic import at

    with clinic.ctx.transaction(write=True) as s:
        visit = Visit(patient_id=clinic.ids["D"], visit_date=date(2026, 11, 20),
                      created_at=at(date(2026, 11, 20)))
        s.add(visit)
        s.flush()
        s.add(Treatment(visit_id=visit.id, procedure_type_id=None, procedure_name="种植牙",
                        amount=Decimal(0)))
    assert who(clinic, SegmentRules(procedures=("种植牙",))) == {"A", "C", "D"}
    assert who(clinic, SegmentRules(categories=("种植",))) == {"A", "C"}
    assert who(clinic, SegmentRules(procedures=("种植牙",), high_value=True)) == \
        {"A", "C", "D", "G"}
