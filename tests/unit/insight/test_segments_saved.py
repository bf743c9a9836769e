"""Segment rules as JSON, their validation, saved segments, the export, portable SQL."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services.insight.segment_rules import (
    SegmentRules,
    check_rules,
    rules_from_json,
    rules_to_json,
)
from clinic_desktop.services.insight.segments import (
    delete_saved_segment,
    export_segment,
    list_saved_segments,
    open_saved_segment,
    save_segment,
    segment_choices,
)
from clinic_desktop.storage.models.audit import AuditEntry
from tests.unit.insight.segment_clinic import build

EVERYTHING = SegmentRules(
    age_min=18, age_max=70, sex="F", tags=("VIP", "老人"), tags_mode="all", sources=("抖音",),
    tiers=("金卡", ""), first_visit_from=date(2020, 1, 1), first_visit_to=date(2026, 1, 1),
    last_visit_from=date(2021, 1, 1), last_visit_to=date(2026, 11, 1),
    months_since_visit_min=1, months_since_visit_max=40, activity="lost", visits_min=1,
    visits_max=9, spend_from=date(2025, 1, 1), spend_to=date(2025, 12, 31),
    spend_min=Decimal("100.50"), spend_max=Decimal(99999), owed_min=Decimal(-5),
    owed_max=Decimal(500), stored_min=Decimal(0), stored_max=Decimal(100),
    procedures=("种植牙",), categories=("种植",), high_value=True,
    procedure_from=date(2024, 1, 1), procedure_to=date(2026, 1, 1), doctor_ids=(2, 3),
    has_open_recall=False, satisfaction_min=2, satisfaction_max=5, referred_by_id=1,
    has_referred=True, area="浦东", custom=(("学校", "实验中学"),), rfm_group="important_keep",
    rfm_months=24)


def test_json_round_trip() -> None:
    assert rules_from_json(rules_to_json(EVERYTHING)) == EVERYTHING
    assert rules_to_json(SegmentRules()) == "{}"
    assert rules_from_json('{"sex": "M", "later_criterion": 1}') == SegmentRules(sex="M")


@pytest.mark.parametrize(("text", "field"), [
    ('{"age_min": 30, "age_max": 20}', "age_min"),
    ('{"sex": "X"}', "sex"),
    ('{"spend_min": "abc"}', "spend_min"),
    ('{"visits_min": 1.5}', "visits_min"),
    ('{"visits_min": -1}', "visits_min"),
    ('{"last_visit_from": "2026-13-01"}', "last_visit_from"),
    ('{"satisfaction_min": 9}', "satisfaction_min"),
    ('{"has_referred": "yes"}', "has_referred"),
    ('{"activity": "sleepy"}', "activity"),
    ('{"rfm_group": "vip"}', "rfm_group"),
    ('{"rfm_months": 0}', "rfm_months"),
    ('{"tags_mode": "some"}', "tags_mode"),
    ('[1, 2]', "rules"),
    ("not json", "rules"),
])
def test_bad_rules_name_their_field(text: str, field: str) -> None:
    with pytest.raises(UserError) as refused:
        rules_from_json(text)
    assert refused.value.field == field


def test_check_trims_the_area() -> None:
    assert check_rules(SegmentRules(area=" 浦东 ")).area == "浦东"


def test_saved_segments_are_rules_re_evaluated(admin_ctx: Context) -> None:
    clinic = build(admin_ctx)
    rules = SegmentRules(categories=("种植",), months_since_visit_min=12)
    saved = save_segment(admin_ctx, name="种植 patients not seen for 12 months", rules=rules)
    assert open_saved_segment(admin_ctx, saved.id).rules == rules
    with pytest.raises(UserError) as refused:
        save_segment(admin_ctx, name=" 种植 patients not seen for 12 months ", rules=rules)
    assert refused.value.field == "name"
    with pytest.raises(UserError):
        save_segment(admin_ctx, name=" ", rules=rules)
    renamed = save_segment(admin_ctx, name="种植一年未到", rules=rules, segment_id=saved.id)
    assert [s.name for s in list_saved_segments(admin_ctx)] == ["种植一年未到"]
    assert renamed.id == saved.id
    delete_saved_segment(admin_ctx, saved.id)
    assert list_saved_segments(admin_ctx) == []
    with admin_ctx.transaction() as s:
        actions = list(s.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("segment.%")).order_by(AuditEntry.id)).scalars())
    assert actions == ["segment.save", "segment.save", "segment.delete"]
    assert clinic.ids  # the clinic was there to be filtered


def test_export_writes_the_rows_and_is_audited(admin_ctx: Context, tmp_path: Path) -> None:
    build(admin_ctx)
    path = tmp_path / "segment.xlsx"
    assert export_segment(admin_ctx, SegmentRules(high_value=True), path) == 3
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("病历号", "姓名") and len(rows) == 4
    assert {r[1] for r in rows[1:]} == {"张一", "王三", "周七"}
    with admin_ctx.transaction() as s:
        assert s.execute(select(AuditEntry.action).where(
            AuditEntry.action == "export.segment")).scalar_one() == "export.segment"


def test_choices(admin_ctx: Context) -> None:
    build(admin_ctx)
    choices = segment_choices(admin_ctx)
    assert "VIP" in choices.tags and "种植" in choices.categories and "种植牙" in choices.procedures
    assert [n for _i, n in choices.doctors] == ["李医生", "王医生"]
    assert "学校" in choices.custom_fields and choices.templates


def test_no_engine_specific_sql_in_the_segment_services() -> None:
    root = Path(__file__).parents[3] / "clinic_desktop"
    files = [root / "services/insight" / name for name in (
        "segment_rules.py", "segment_query.py", "segments.py", "rfm.py", "activity.py",
        "campaigns.py")] + [root / "rules/rfm.py", root / "rules/holdout.py"]
    for path in files:
        source = path.read_text(encoding="utf-8")
        for pattern in (r"strftime", r"julianday", r"\btext\(", r"\bliteral_column\(",
                        r"exec_driver_sql"):
            assert not re.search(pattern, source), f"{path.name}: {pattern}"
