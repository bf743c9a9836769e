"""A merge moves every row that is the person's — calls, points, coupons, package cards, tier
history, checkouts, stored value — closes the second of two identical calls, and its undo
puts all of it back; an attachment both records had can be attached again after the merge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import billing, care, care_sources, merge
from clinic_desktop.services.attachments import add_attachment, attachments_of
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.family import link_family
from clinic_desktop.services.loyalty import (
    balances,
    coupons,
    packages,
    payments,
    points,
    referrals,
    stored_value,
    tiers,
)
from clinic_desktop.services.loyalty.payments import PaymentPart, PaymentRequest
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import PatientInput, create_patient
from tests.unit.loyalty_helpers import Loyal, setup_loyalty

D = Decimal


def _cleaning(c: Loyal, patient: int, day: date) -> None:
    """A paid cleaning: a visit, a checkout, points, and the cleaning plan's recalls."""
    visit = billing.record_visit(c.ctx, patient, visit_date=day, doctor_id=None,
                                 lines=[TreatmentLine(c.procs["超声洁牙"], D(300))]).id
    payments.take_payment(c.ctx, PaymentRequest(patient, parts=(PaymentPart("cash", D(300)),),
                                                 visit_id=visit))


def _state(c: Loyal, *patients: int) -> dict[int, Any]:
    """What the desk and the nurse see of each patient."""
    return {pid: (balances.balances_of(c.ctx, pid),
                  points.points_summary(c.ctx, pid).balance,
                  coupons.coupons_of(c.ctx, pid, include_closed=True),
                  packages.cards_of(c.ctx, pid, include_closed=True),
                  stored_value.stored_value_of(c.ctx, pid),
                  tiers.tier_history(c.ctx, pid),
                  sorted((t.id, t.status, t.closed_reason)
                         for t in care.tasks_of_patient(c.ctx, pid, include_closed=True)),
                  referrals.referrals_of(c.ctx, pid))
            for pid in patients}


def test_merge_moves_calls_and_loyalty_and_undo_moves_them_back(admin_ctx: Context) -> None:
    c = setup_loyalty(admin_ctx)
    keep = c.patient  # born 1980-11-24: today is the birthday
    dup = create_patient(admin_ctx, PatientInput(
        name="张叁", mobile="13800138001", birth_date=date(1980, 11, 24))).patient.id
    # The duplicate's own loyalty: points, a coupon, a used package card, a tier given by
    # hand, a topped-up card its relative spends, a patient it referred.
    _cleaning(c, dup, date(2026, 11, 10))
    points.adjust_points(admin_ctx, dup, points=500, reason="期初")
    coupons.issue_coupon(admin_ctx, dup, coupon_type_id=c.coupon_type)
    card = packages.sell_package(admin_ctx, dup, package_type_id=c.package)
    packages.use_package(admin_ctx, card.id, procedure_type_id=c.procs["超声洁牙"])
    tiers.override_tier(admin_ctx, dup, tier_id=c.tiers["金卡"], reason="老客户")
    stored_value.top_up(admin_ctx, dup, amount=D(5000), method="cash", plan_id=c.plan)
    link_family(admin_ctx, c.friend, dup, relation="spouse")
    stored_value.share_stored_value(admin_ctx, c.friend, holder_id=dup)
    referred = create_patient(admin_ctx, PatientInput(name="王五", mobile="13700137000",
                                                      referred_by_id=dup)).patient.id
    billing.record_visit(admin_ctx, referred, visit_date=date(2026, 11, 24), doctor_id=None,
                         lines=[TreatmentLine(c.procs["树脂补牙"], D(400))])
    # The kept record had a cleaning ten days later, and both get today's birthday call.
    _cleaning(c, keep, date(2026, 11, 20))
    care_sources.daily_scan(admin_ctx)
    dup_tasks = {t.id for t in care.tasks_of_patient(admin_ctx, dup)}
    keep_tasks = {t.id for t in care.tasks_of_patient(admin_ctx, keep)}
    assert {t.kind for t in care.tasks_of_patient(admin_ctx, dup)} >= {"recall", "birthday",
                                                                        "message"}
    assert balances.check_balances(admin_ctx) == []
    dup_before = balances.balances_of(admin_ctx, dup)
    before = _state(c, keep, dup, c.friend)

    result = merge.merge_patients(admin_ctx, keep_id=keep, absorb_id=dup)

    kept = balances.balances_of(admin_ctx, keep)
    assert kept.points == dup_before.points + before[keep][0].points > 500
    assert kept.tier is not None and kept.tier.name == "金卡"
    assert [p.id for p in kept.packages] == [card.id] and kept.packages[0].left == 9
    assert kept.coupons == 1 and kept.stored_value == D(5500)
    assert balances.balances_of(admin_ctx, c.friend).stored_value_holder_id == keep
    assert [r.name for r in referrals.referrals_of(admin_ctx, keep).referred] == ["王五"]
    assert referrals.referrals_of(admin_ctx, keep).referred[0].reward == "points"
    assert tiers.tier_history(admin_ctx, dup) == []
    gone = balances.balances_of(admin_ctx, dup)
    assert (gone.points, gone.packages, gone.coupons, gone.stored_value) == (0, (), 0, D(0))
    assert gone.tier is None
    # The display caches on both patient rows follow the journals.
    assert balances.check_balances(admin_ctx) == []
    [hit] = [p for p in search_patients(admin_ctx, "张三") if p.id == keep]
    assert hit.member_tier == "金卡"
    # The nurse's list names the kept patient only, each call once: the earlier cleaning
    # recalls (the duplicate's) stay, the kept record's ten days later and its second
    # birthday call are closed.
    assert care.tasks_of_patient(admin_ctx, dup, include_closed=True) == []
    after = care.tasks_of_patient(admin_ctx, keep, include_closed=True)
    closed = {t.id for t in after if t.closed_reason == "合并档案后重复"}
    assert closed and all(t.status == "cancelled" for t in after if t.id in closed)
    open_now = [t for t in after if t.status in care.OPEN]
    assert {t.id for t in open_now} == (dup_tasks | keep_tasks) - closed
    assert [t.kind for t in open_now].count("birthday") == 1
    recalls = [t for t in open_now if t.kind == "recall"]
    assert recalls and {t.id for t in recalls} <= dup_tasks
    assert {t.id for t in after if t.id in keep_tasks and t.kind == "recall"} <= closed
    assert sorted({t.kind for t in after if t.id in closed}) == ["birthday", "recall"]
    listed = care.callback_list(admin_ctx, as_of=date(2026, 12, 31), whole_day=True)
    assert dup not in {i.patient_id for i in listed}
    assert result.moved_rows > len(dup_tasks)

    merge.undo_merge(admin_ctx, result.merge_id)
    assert _state(c, keep, dup, c.friend) == before
    assert balances.check_balances(admin_ctx) == []


def test_the_kept_patient_spending_the_duplicates_card_owns_it_after_the_merge(
        admin_ctx: Context) -> None:
    c = setup_loyalty(admin_ctx)
    stored_value.top_up(admin_ctx, c.friend, amount=D(1000), method="cash")
    link_family(admin_ctx, c.patient, c.friend, relation="spouse")
    stored_value.share_stored_value(admin_ctx, c.patient, holder_id=c.friend)
    before = _state(c, c.patient, c.friend)

    result = merge.merge_patients(admin_ctx, keep_id=c.patient, absorb_id=c.friend)
    mine = stored_value.stored_value_of(admin_ctx, c.patient)
    assert (mine.holder_id, mine.total) == (c.patient, D(1000))
    assert balances.balances_of(admin_ctx, c.patient).stored_value_holder_id is None

    merge.undo_merge(admin_ctx, result.merge_id)
    assert _state(c, c.patient, c.friend) == before
    assert balances.check_balances(admin_ctx) == []


def test_a_file_both_records_had_attaches_again_as_already_attached(
        admin_ctx: Context, tmp_path: Path) -> None:
    scan = tmp_path / "身份证扫描.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"scan" * 100)
    keep = create_patient(admin_ctx, PatientInput(name="冯小刚", mobile="13912349991")).patient
    dup = create_patient(admin_ctx, PatientInput(name="冯晓刚", mobile="13912349992")).patient
    first = add_attachment(admin_ctx, keep.id, scan)
    add_attachment(admin_ctx, dup.id, scan)
    merge.merge_patients(admin_ctx, keep_id=keep.id, absorb_id=dup.id)
    assert len(attachments_of(admin_ctx, keep.id)) == 2

    again = add_attachment(admin_ctx, keep.id, scan)
    assert again.id == first.id and again.path == first.path
    assert len(attachments_of(admin_ctx, keep.id)) == 2


def test_a_merge_whose_moved_stored_value_was_spent_is_not_undone(admin_ctx: Context) -> None:
    c = setup_loyalty(admin_ctx)
    stored_value.top_up(c.ctx, c.friend, amount=Decimal(1000), method="cash")
    done = merge.merge_patients(c.ctx, keep_id=c.patient, absorb_id=c.friend)
    visit = billing.record_visit(c.ctx, c.patient, visit_date=date(2026, 11, 24), doctor_id=None,
                                 lines=[TreatmentLine(c.procs["树脂补牙"], Decimal(800))]).id
    payments.take_payment(c.ctx, PaymentRequest(
        c.patient, parts=(PaymentPart("stored_value", Decimal(800)),), visit_id=visit))
    with pytest.raises(UserError, match="不能撤销合并") as refused:
        merge.undo_merge(c.ctx, done.merge_id)
    assert refused.value.field == "merge"
    assert stored_value.stored_value_of(c.ctx, c.patient).principal == Decimal(200)
    assert stored_value.stored_value_of(c.ctx, c.friend).principal == Decimal(0)
