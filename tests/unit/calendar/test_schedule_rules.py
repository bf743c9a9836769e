"""Booking conflicts (every kind, half-open boundaries, DST) and the status flow."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.errors import UserError
from clinic_desktop.rules.schedule_rules import (
    ALLOWED_TRANSITIONS,
    STATUSES,
    Booking,
    Names,
    TimeOff,
    TransitionError,
    WorkingSpan,
    check_transition,
    find_conflicts,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NAMES = Names(doctors={1: "王建国", 2: "李梅"}, chairs={2: "2号椅位", 3: "3号椅位"},
              patients={10: "张三", 11: "李四"})
# Tuesday 2026-11-24 in Shanghai: 08:00-12:00 and 14:00-18:00.
SPANS = [WorkingSpan(1, time(8), time(12)), WorkingSpan(1, time(14), time(18))]


def sh(hour: int, minute: int = 0, day: int = 24) -> datetime:
    """A Shanghai wall time on 2026-11-<day>, as the UTC instant the database keeps."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def booking(start: datetime, minutes: int = 30, *, id: int | None = None, doctor: int = 1,
            chair: int | None = 2, patient: int = 10, status: str = "booked") -> Booking:
    return Booking(id, doctor, chair, patient, start, start + timedelta(minutes=minutes), status)


def conflicts(candidate: Booking, existing: list[Booking], *,
              spans: list[WorkingSpan] = SPANS, off: list[TimeOff] | None = None,
              tz: ZoneInfo = SHANGHAI) -> list[tuple[str, int | None]]:
    found = find_conflicts(candidate, existing, working_spans=spans, time_off=off or [],
                           tz=tz, names=NAMES)
    return [(c.kind, c.other_booking_id) for c in found]


def test_free_booking_has_no_conflicts() -> None:
    assert conflicts(booking(sh(10)), [booking(sh(11), id=5, patient=11, chair=3)]) == []


def test_doctor_conflict_says_who_when_and_which_chair() -> None:
    other = booking(sh(10), id=7, chair=2, patient=10)
    candidate = booking(sh(10, 15), chair=3, patient=11)
    [c] = find_conflicts(candidate, [other], working_spans=SPANS, time_off=[], tz=SHANGHAI,
                         names=NAMES)
    assert (c.kind, c.other_booking_id, c.start, c.end) == ("doctor", 7, other.start, other.end)
    assert c.message == "王建国医生 11月24日 10:00–10:30 已有预约（患者 张三，2号椅位）"


def test_chair_conflict() -> None:
    other = booking(sh(10), id=8, doctor=2, chair=2, patient=11)
    [c] = find_conflicts(booking(sh(10, 15), chair=2), [other], working_spans=SPANS,
                         time_off=[], tz=SHANGHAI, names=NAMES)
    assert c.kind == "chair"
    assert c.message == "2号椅位 11月24日 10:00–10:30 已被占用（李梅医生，患者 李四）"


def test_no_chair_means_no_chair_conflict() -> None:
    other = booking(sh(10), id=8, doctor=2, chair=None, patient=11)
    assert conflicts(booking(sh(10), chair=None), [other]) == []


def test_patient_conflict() -> None:
    other = booking(sh(10), id=9, doctor=2, chair=None, patient=10)
    [c] = find_conflicts(booking(sh(10), chair=3), [other], working_spans=SPANS, time_off=[],
                         tz=SHANGHAI, names=NAMES)
    assert c.kind == "patient"
    assert c.message == "患者 张三 11月24日 10:00–10:30 已有预约（李梅医生）"


def test_same_slot_same_everything_reports_each_kind() -> None:
    other = booking(sh(10), id=4)
    assert conflicts(booking(sh(10)), [other]) == [("doctor", 4), ("chair", 4), ("patient", 4)]


def test_half_open_boundaries_do_not_clash() -> None:
    existing = [booking(sh(9, 30), id=1), booking(sh(10, 30), id=2)]
    assert conflicts(booking(sh(10)), existing) == []
    assert conflicts(booking(sh(10), 31), existing) == [
        ("doctor", 2), ("chair", 2), ("patient", 2)]


@pytest.mark.parametrize("status", ["cancelled", "no_show"])
def test_cancelled_and_no_show_block_nothing(status: str) -> None:
    assert conflicts(booking(sh(10)), [booking(sh(10), id=3, status=status)]) == []
    # ...and a cancelled candidate occupies no time either.
    assert conflicts(booking(sh(10), status=status), [booking(sh(10), id=3)]) == []


def test_other_statuses_block() -> None:
    for status in ("booked", "confirmed", "arrived", "in_treatment", "completed"):
        assert conflicts(booking(sh(10), patient=11, chair=3),
                         [booking(sh(10), id=3, status=status)]) == [("doctor", 3)]


def test_editing_a_booking_does_not_clash_with_itself() -> None:
    saved = booking(sh(10), id=12)
    moved = booking(sh(10, 15), id=12)
    assert conflicts(moved, [saved]) == []


def test_outside_hours_reports_the_uncovered_part() -> None:
    found = find_conflicts(booking(sh(11, 45), 30), [], working_spans=SPANS, time_off=[],
                           tz=SHANGHAI, names=NAMES)
    assert [(c.kind, c.start, c.end) for c in found] == [("outside_hours", sh(12), sh(12, 15))]
    assert found[0].message == (
        "王建国医生 11月24日 12:00–12:15 不在出诊时间内（当天出诊：08:00–12:00、14:00–18:00）")
    assert conflicts(booking(sh(7, 30)), []) == [("outside_hours", None)]
    # Monday has no hours at all.
    [monday] = find_conflicts(booking(sh(10, day=23)), [], working_spans=SPANS, time_off=[],
                              tz=SHANGHAI, names=NAMES)
    assert monday.message.endswith("（当天出诊：不出诊）")


def test_adjacent_spans_join_and_empty_spans_mean_never() -> None:
    spans = [WorkingSpan(1, time(8), time(12)), WorkingSpan(1, time(12), time(14))]
    assert conflicts(booking(sh(11, 30), 60), [], spans=spans) == []
    assert conflicts(booking(sh(10)), [], spans=[]) == [("outside_hours", None)]


def test_weekday_is_the_clinic_local_one() -> None:
    # 2026-11-23 23:30 UTC is Tuesday 07:30 in Shanghai; 08:00 local is inside Tuesday's hours.
    start = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert conflicts(booking(start), []) == []
    assert conflicts(booking(start - timedelta(minutes=30)), []) == [("outside_hours", None)]


def test_working_hours_follow_dst_in_berlin() -> None:
    mondays = [WorkingSpan(0, time(8), time(12))]
    # 06:00 UTC is 07:00 CET before the change and 08:00 CEST after it.
    before = datetime(2026, 3, 23, 6, 0, tzinfo=UTC)
    after = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert conflicts(booking(before), [], spans=mondays, tz=BERLIN) == [("outside_hours", None)]
    assert conflicts(booking(after), [], spans=mondays, tz=BERLIN) == []
    # After the autumn change 08:00 is 07:00 UTC again.
    autumn = datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    assert conflicts(booking(autumn), [], spans=mondays, tz=BERLIN) == []
    [c] = find_conflicts(booking(before), [], working_spans=mondays, time_off=[], tz=BERLIN,
                         names=NAMES)
    assert "3月23日 07:00–07:30" in c.message


def test_time_off_blocks_only_its_doctor() -> None:
    leave = TimeOff(1, sh(9), sh(11), "培训")
    [c] = find_conflicts(booking(sh(10)), [], working_spans=SPANS, time_off=[leave],
                         tz=SHANGHAI, names=NAMES)
    assert (c.kind, c.start, c.end) == ("time_off", sh(9), sh(11))
    assert c.message == "王建国医生 11月24日 09:00–11:00 休假（培训），不能预约"
    assert conflicts(booking(sh(11)), [], off=[leave]) == []
    assert conflicts(booking(sh(10), doctor=2), [], off=[leave]) == []


def test_conflicts_are_sorted_by_time() -> None:
    existing = [booking(sh(10, 30), id=2, patient=11, chair=3),
                booking(sh(9, 45), id=1, patient=11, chair=3)]
    assert conflicts(booking(sh(10), 60), existing) == [("doctor", 1), ("doctor", 2)]


def test_unknown_names_fall_back_to_ids() -> None:
    [c] = find_conflicts(booking(sh(10), doctor=5, chair=None, patient=99),
                         [booking(sh(10), id=1, doctor=5, chair=4, patient=98)],
                         working_spans=SPANS, time_off=[], tz=SHANGHAI)
    assert c.message == "#5医生 11月24日 10:00–10:30 已有预约（患者 #98，4号椅位）"


def test_booking_validation() -> None:
    with pytest.raises(ValueError):
        booking(sh(10), 0)
    with pytest.raises(ValueError):
        Booking(None, 1, None, 1, datetime(2026, 1, 1, 9), datetime(2026, 1, 1, 10))  # noqa: DTZ001
    with pytest.raises(ValueError):
        booking(sh(10), status="lost")
    with pytest.raises(ValueError):
        WorkingSpan(7, time(8), time(9))


@pytest.mark.parametrize(("old", "new"), [
    ("booked", "confirmed"), ("confirmed", "arrived"), ("arrived", "in_treatment"),
    ("in_treatment", "completed"), ("booked", "no_show"), ("confirmed", "no_show"),
    ("booked", "arrived"),
])
def test_allowed_transitions(old: str, new: str) -> None:
    check_transition(old, new)


@pytest.mark.parametrize("old", ["booked", "confirmed", "arrived", "in_treatment"])
def test_cancel_needs_a_reason(old: str) -> None:
    check_transition(old, "cancelled", reason="患者改期")
    for reason in (None, "", "  "):
        with pytest.raises(TransitionError, match="取消预约请填写原因"):
            check_transition(old, "cancelled", reason=reason)


@pytest.mark.parametrize(("old", "new"), [
    ("confirmed", "booked"), ("booked", "in_treatment"), ("arrived", "no_show"),
    ("completed", "cancelled"), ("cancelled", "booked"), ("no_show", "cancelled"),
    ("booked", "booked"), ("completed", "in_treatment"),
])
def test_refused_transitions(old: str, new: str) -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition(old, new, reason="x")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, UserError)
    assert caught.value.field == "status"
    assert "预约状态不能从" in str(caught.value)


def test_refusal_message_names_both_statuses() -> None:
    with pytest.raises(TransitionError, match="不能从“已确认”改为“已预约”"):
        check_transition("confirmed", "booked")
    with pytest.raises(TransitionError, match="未知的预约状态"):
        check_transition("booked", "done")


def test_transition_table_covers_every_status() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(STATUSES)
    assert all(set(targets) <= set(STATUSES) for targets in ALLOWED_TRANSITIONS.values())

