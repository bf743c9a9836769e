"""Mobile numbers, ID cards and pinyin keys, as people type them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_desktop.rules import RuleError
from clinic_desktop.rules.idcard import check_char, check_conflicts, parse_id_card
from clinic_desktop.rules.masking import mask_phone
from clinic_desktop.rules.phone import normalize_mobile
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.rules.text import normalize_text

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("raw", [
    "13800138000", "+86 138 0013 8000", "+86-138-0013-8000", "0086 13800138000",
    "8613800138000", "１３８００１３８０００", "138-0013-8000", "(138)00138000",
    13800138000, 13800138000.0, "13800138000.0", "1.38001380000E10", " 13800138000\u3000",
])
def test_mobile_formats_normalise(raw: str | int | float) -> None:
    assert normalize_mobile(raw) == "13800138000"


@pytest.mark.parametrize(("raw", "needle"), [
    ("", "请填写"), ("1380013800", "位数不对"), ("138001380001", "位数不对"),
    ("12800138000", "不是有效的手机号码"), ("1380013800a", "无效字符"),
    ("+1 415 555 2671", "不是中国大陆号码"),
])
def test_bad_mobiles_are_refused_with_the_reason(raw: str, needle: str) -> None:
    with pytest.raises(RuleError) as caught:
        normalize_mobile(raw)
    assert caught.value.field == "mobile" and needle in caught.value.message


@given(st.integers(min_value=3, max_value=9), st.integers(min_value=0, max_value=10**9 - 1))
def test_normalised_mobile_is_a_fixed_point(second: int, rest: int) -> None:
    number = f"1{second}{rest:09d}"
    assert normalize_mobile(number) == number
    assert normalize_mobile(normalize_text(f"+86 {number[:3]} {number[3:7]} {number[7:]}")) \
        == number
    assert mask_phone(number) == f"{number[:3]}****{number[7:]}"


def test_id_card_checksum_birth_and_sex() -> None:
    info = parse_id_card("11010519491231002x", today=TODAY)
    assert (info.number, info.birth_date, info.sex) == ("11010519491231002X", date(1949, 12, 31),
                                                        "F")
    assert parse_id_card("110105491231002").number == "11010519491231002X"  # 15-digit upgrade


@pytest.mark.parametrize(("raw", "needle"), [
    ("1101051949123100", "位数不对"), ("11010519491231002Y", "无效字符"),
    ("110105194913310021", "不存在"), ("110105203012310021", "不合理"),
    ("110105194912310021", "校验位不对（最后一位应为 X）"),
])
def test_bad_id_cards_say_why(raw: str, needle: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_id_card(raw, today=TODAY)
    assert caught.value.field == "id_number" and needle in caught.value.message


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
       st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=16))
def test_any_valid_number_validates_and_one_changed_digit_breaks_it(
    birth: date, serial: int, position: int
) -> None:
    body = f"110105{birth:%Y%m%d}{serial:03d}"
    number = body + check_char(body)
    assert parse_id_card(number, today=TODAY).birth_date == birth
    digit = str((int(number[position]) + 1) % 10)
    broken = number[:position] + digit + number[position + 1:]
    with pytest.raises(RuleError):
        parse_id_card(broken, today=TODAY)


def test_conflicts_with_typed_values() -> None:
    info = parse_id_card("11010519491231002X")
    assert check_conflicts(info, birth_date=date(1949, 12, 31), sex="F") == []
    problems = check_conflicts(info, birth_date=date(1950, 1, 1), sex="M")
    assert len(problems) == 2 and "1949-12-31" in problems[0] and "女" in problems[1]


@pytest.mark.parametrize(("name", "full", "initials"), [
    ("张三", "zhangsan", "zs"), ("单田芳", "shantianfang", "stf"), ("曾志伟", "zengzhiwei", "zzw"),
    ("欧阳娜娜", "ouyangnana", "oynn"), ("Tom李", "tomli", "toml"), ("李 明", "liming", "lm"),
])
def test_pinyin_keys(name: str, full: str, initials: str) -> None:
    keys = search_keys(name)
    assert (keys.full, keys.initials) == (full, initials)
