"""The referrer chosen from the patients on file: no self-referral, no loop, set at booking;
and the tier name the front desk's lists read off the patient row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments as appts
from clinic_desktop.services import care, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.calendar import appointments_between
from clinic_desktop.services.loyalty.tiers import TierInput, override_tier, save_tier
from clinic_desktop.services.merge import merge_patients
from clinic_desktop.services.patient_search import patient_hit, search_patients
from clinic_desktop.services.patients import (
    PatientInput,
    create_patient,
    is_referral_source,
    load_patient,
    update_patient,
)
from clinic_desktop.services.staff import add_staff

SH = ZoneInfo("Asia/Shanghai")


def add(ctx: Context, name: str, mobile: str, referrer: int | None = None) -> int:
    return create_patient(ctx, PatientInput(name=name, mobile=mobile,
                                            referred_by_id=referrer)).patient.id


def refer(ctx: Context, patient_id: int, referrer: int | None) -> None:
    record = load_patient(ctx, patient_id)
    update_patient(ctx, patient_id, replace(record.as_input(), referred_by_id=referrer),
                   version=record.version)


def test_a_new_patient_is_stored_with_the_referrer_chosen(admin_ctx: Context) -> None:
    a = add(admin_ctx, "张三", "13800138000")
    b = add(admin_ctx, "李四", "13900139000", referrer=a)
    assert load_patient(admin_ctx, b).referred_by_id == a
    assert patient_hit(admin_ctx, a) is not None and patient_hit(admin_ctx, 9999) is None


def test_a_patient_cannot_refer_themself(admin_ctx: Context) -> None:
    a = add(admin_ctx, "张三", "13800138000")
    before = load_patient(admin_ctx, a)
    with pytest.raises(UserError) as refused:
        refer(admin_ctx, a, a)
    assert refused.value.field == "referred_by_id" and "本人" in refused.value.message
    after = load_patient(admin_ctx, a)
    assert after.referred_by_id is None and after.version == before.version


@pytest.mark.parametrize("length", [2, 3])
def test_a_referral_loop_is_refused_naming_the_field(admin_ctx: Context, length: int) -> None:
    """A referred by B referred by A (and A ← B ← C ← A): the link that closes it is refused."""
    chain = [add(admin_ctx, "甲", "13800138000")]
    for n in range(1, length):
        chain.append(add(admin_ctx, "乙丙"[n - 1], f"1390013900{n}", referrer=chain[-1]))
    first, last = chain[0], chain[-1]
    with pytest.raises(UserError) as refused:
        refer(admin_ctx, first, last)
    assert refused.value.field == "referred_by_id"
    assert "循环" in refused.value.message and load_patient(admin_ctx, last).name in \
        refused.value.message
    assert load_patient(admin_ctx, first).referred_by_id is None


def test_a_merged_away_referrer_is_refused_but_an_unchanged_link_saves(
        admin_ctx: Context) -> None:
    a = add(admin_ctx, "张三", "13800138000")
    twin = add(admin_ctx, "张三", "13700137000")
    b = add(admin_ctx, "李四", "13900139000", referrer=twin)
    merge_patients(admin_ctx, keep_id=a, absorb_id=twin)
    assert load_patient(admin_ctx, b).referred_by_id == a  # the person kept referred 李四
    refer(admin_ctx, b, a)  # unchanged: the form saves a new phone without a fuss
    c = add(admin_ctx, "王五", "13600136000")
    with pytest.raises(UserError) as refused:
        refer(admin_ctx, c, twin)
    assert refused.value.field == "referred_by_id" and "合并" in refused.value.message


def test_a_merge_moves_the_referrals_and_its_undo_moves_them_back(admin_ctx: Context) -> None:
    from clinic_desktop.services.merge import undo_merge

    a = add(admin_ctx, "张三", "13800138000")
    twin = add(admin_ctx, "张三", "13700137000", referrer=a)  # the duplicate names the kept
    b = add(admin_ctx, "李四", "13900139000", referrer=twin)
    result = merge_patients(admin_ctx, keep_id=a, absorb_id=twin)
    assert load_patient(admin_ctx, b).referred_by_id == a
    assert load_patient(admin_ctx, a).referred_by_id is None  # never its own referrer
    undo_merge(admin_ctx, result.merge_id)
    assert load_patient(admin_ctx, b).referred_by_id == twin
    assert load_patient(admin_ctx, twin).referred_by_id == a
    c = add(admin_ctx, "王五", "13600136000")
    other = add(admin_ctx, "王五", "13500135000")
    refer(admin_ctx, c, other)  # the kept record was referred by its own duplicate
    result = merge_patients(admin_ctx, keep_id=c, absorb_id=other)
    assert load_patient(admin_ctx, c).referred_by_id is None
    undo_merge(admin_ctx, result.merge_id)
    assert load_patient(admin_ctx, c).referred_by_id == other


def test_the_referral_sources(admin_ctx: Context) -> None:
    assert is_referral_source("转介绍") and is_referral_source("老带新")
    assert is_referral_source("朋友介绍") and not is_referral_source("微信")
    assert not is_referral_source(None) and not is_referral_source("")


@pytest.fixture
def doctor(admin_ctx: Context) -> int:
    staff = add_staff(admin_ctx, username="dr.wang", display_name="王建国", role=Role.DOCTOR,
                      password="pass1234", is_doctor=True, colour="#3A7BD5").id
    schedule.set_working_hours(admin_ctx, staff, schedule.default_hours())
    return staff


def request(patient: int, doctor: int, hour: int = 10) -> BookingRequest:
    start = datetime.combine(date(2026, 11, 25), time(hour), SH)
    return BookingRequest(patient, doctor, start, start + timedelta(minutes=30),
                          channel="referral")


def test_booking_sets_a_missing_referrer_and_keeps_a_known_one(admin_ctx: Context,
                                                               doctor: int) -> None:
    a = add(admin_ctx, "张三", "13800138000")
    b = add(admin_ctx, "李四", "13900139000")
    c = add(admin_ctx, "王五", "13600136000", referrer=a)
    appts.book(admin_ctx, request(b, doctor, 10), referred_by_id=a)
    assert load_patient(admin_ctx, b).referred_by_id == a
    appts.book(admin_ctx, request(c, doctor, 11), referred_by_id=b)
    assert load_patient(admin_ctx, c).referred_by_id == a  # the one on file stays


def test_booking_refuses_a_loop_and_books_nothing(admin_ctx: Context, doctor: int) -> None:
    a = add(admin_ctx, "张三", "13800138000")
    b = add(admin_ctx, "李四", "13900139000", referrer=a)
    with pytest.raises(UserError) as refused:
        appts.book(admin_ctx, request(a, doctor), referred_by_id=b)
    assert refused.value.field == "referred_by_id"
    start = datetime.combine(date(2026, 11, 25), time(0), SH)
    assert appointments_between(admin_ctx, start, start + timedelta(days=1)) == []
    assert load_patient(admin_ctx, a).referred_by_id is None


def test_a_new_patient_booked_by_referral_keeps_the_referrer(admin_ctx: Context,
                                                             doctor: int) -> None:
    a = add(admin_ctx, "张三", "13800138000")
    booked = appts.book_new_patient(admin_ctx, PatientInput(
        name="新客", mobile="13500135000", source="转介绍", referred_by_id=a),
        request(0, doctor))
    assert booked.patient.referred_by_id == a and booked.patient.source == "转介绍"


def test_the_lists_carry_the_tier_from_the_patient_row(admin_ctx: Context,
                                                       doctor: int) -> None:
    a = add(admin_ctx, "张三", "13800138000")
    gold = save_tier(admin_ctx, TierInput(name="金卡", rank=1, threshold_kind="manual",
                                          threshold=Decimal(0), discounts={},
                                          colour="#C9A227")).id
    override_tier(admin_ctx, a, tier_id=gold, reason="老客户")
    [hit] = search_patients(admin_ctx, "张三")
    assert hit.member_tier == "金卡"
    appts.book(admin_ctx, request(a, doctor))
    start = datetime.combine(date(2026, 11, 25), time(0), SH)
    [view] = appointments_between(admin_ctx, start, start + timedelta(days=1))
    assert view.patient_tier == "金卡"
    items = care.callback_list(admin_ctx, as_of=date(2026, 11, 25), whole_day=True)
    assert items and {i.member_tier for i in items if i.patient_id == a} == {"金卡"}


def test_every_kind_of_task_is_listed_and_named() -> None:
    assert "package" in care.KINDS and len(set(care.KINDS)) == len(care.KINDS)
    assert all(care.kind_label(kind) != kind for kind in care.KINDS)
