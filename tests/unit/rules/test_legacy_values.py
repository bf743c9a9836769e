"""The cleaners of legacy cells: every accepted format round-trips, everything else is refused
with a reason (never another exception)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_desktop.rules import RuleError
from clinic_desktop.rules.idcard import check_char
from clinic_desktop.rules.legacy_values import (
    EXCEL_EPOCH,
    LegacyDate,
    Phones,
    birth_from_age,
    cell_text,
    is_excel_error,
    is_summary_label,
    parse_amount,
    parse_date,
    parse_id,
    parse_paid,
    parse_phones,
    parse_sex,
)

TODAY = date(2026, 11, 24)
dates = st.dates(min_value=date(1900, 3, 1), max_value=TODAY)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
cells = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**12, 10**12),
                  st.floats(allow_nan=True, allow_infinity=True), st.booleans(), dates)


@given(dates, st.sampled_from(["{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}",
                               "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}", " {y} - {m} - {d} "]))
def test_every_written_date_format_reads_back(day: date, pattern: str) -> None:
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    assert parse_date(text, today=TODAY) == LegacyDate(day)


@given(st.dates(min_value=date(1906, 1, 1), max_value=TODAY))
def test_excel_serials_real_dates_and_full_width_digits(day: date) -> None:
    # Whole numbers 1900–2100 read as a year (a birth year column); the serials that collide
    # with them are days in 1905, which no clinic record holds.
    serial = (day - EXCEL_EPOCH).days
    assert parse_date(float(serial), today=TODAY) == LegacyDate(day)
    assert parse_date(datetime.combine(day, datetime.min.time()), today=TODAY) == LegacyDate(day)
    wide = f"{day.year}年{day.month}月{day.day}日".translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert parse_date(wide, today=TODAY) == LegacyDate(day)


@given(cells)
def test_any_cell_is_a_date_none_or_a_reason(value: object) -> None:
    try:
        result = parse_date(value, today=TODAY)  # type: ignore[arg-type]
    except RuleError as error:
        assert error.message and error.field == "date"
    else:
        assert result is None or isinstance(result, LegacyDate)


@pytest.mark.parametrize(("text", "reason"), [
    ("2019-13-05", "月份 13 不存在"),
    ("2019-02-30", "2 月没有 30 日"),
    ("3/5/2019", "无法判断"),
    ("5/3/19", "年份只有两位"),
    ("1850-01-01", "早于 1900 年"),
    ("下周二", "不是可识别的日期"),
])
def test_impossible_or_ambiguous_dates_are_refused_with_the_reason(text: str,
                                                                   reason: str) -> None:
    with pytest.raises(RuleError, match=reason):
        parse_date(text, today=TODAY)


def test_future_dates_year_month_and_unambiguous_day_first() -> None:
    assert parse_date(1918.0, today=TODAY) == LegacyDate(date(1918, 7, 1), approximate=True)
    with pytest.raises(RuleError, match="在今天之后"):
        parse_date("2027-01-03", today=TODAY, field="birth_date")
    assert parse_date("1985年3月", today=TODAY) == LegacyDate(date(1985, 3, 1), approximate=True)
    assert parse_date(1985, today=TODAY) == LegacyDate(date(1985, 7, 1), approximate=True)
    assert parse_date("25/3/2019", today=TODAY) == LegacyDate(date(2019, 3, 25))
    assert parse_date("", today=TODAY) is None


def _styled(mobile: str, style: int) -> str | float:
    if style == 0:
        return float(mobile)
    if style == 1:
        return f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
    if style == 2:
        return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    if style == 3:
        return mobile.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    return f"0086{mobile}"


@given(mobiles, st.integers(0, 4))
def test_mobiles_as_floats_with_separators_country_code_and_full_width(mobile: str,
                                                                       style: int) -> None:
    assert parse_phones(_styled(mobile, style)) == Phones(mobile)


@given(mobiles, mobiles, st.sampled_from(["/", "、", "；", ",", " 或 ", " "]))
def test_two_numbers_in_one_cell(first: str, second: str, separator: str) -> None:
    assert parse_phones(first + separator + second) == Phones(first, (second,))


def test_landlines_and_broken_numbers() -> None:
    assert parse_phones("0571-88886666") == Phones(None, ("0571-88886666",))
    assert parse_phones("13800138000 / 0571-88886666") == Phones("13800138000",
                                                                 ("0571-88886666",))
    with pytest.raises(RuleError, match="既不是 11 位手机号"):
        parse_phones(1380013800.0)
    assert parse_phones("") is None and parse_phones(None) is None


@given(st.decimals(min_value=0, max_value=9_999_999, places=2, allow_nan=False),
       st.sampled_from(["¥{:,.2f}", "{}元", "{:,}", "￥ {}", "{}"]))
def test_amounts_with_currency_signs_units_and_commas(amount: Decimal, pattern: str) -> None:
    assert parse_amount(pattern.format(amount)) == amount.quantize(Decimal("0.01"))


@given(cells)
def test_any_cell_is_an_amount_none_or_a_reason(value: object) -> None:
    try:
        result = parse_amount(value)  # type: ignore[arg-type]
    except RuleError as error:
        assert error.message
    else:
        assert result is None or (isinstance(result, Decimal) and result >= 0)


def test_amount_floats_negative_and_words() -> None:
    assert parse_amount(1200.5) == Decimal("1200.50")
    assert parse_amount("免费") == Decimal("0.00")
    with pytest.raises(RuleError, match="负数"):
        parse_amount("-30")
    with pytest.raises(RuleError, match="不是数字"):
        parse_amount("三百")


@pytest.mark.parametrize(("raw", "sex"), [("男", "M"), ("女", "F"), ("M", "M"), ("f", "F"),
                                          (1.0, "M"), ("2", "F"), ("男性", "M"), ("", None)])
def test_sex(raw: object, sex: str | None) -> None:
    assert parse_sex(raw) == sex  # type: ignore[arg-type]


def test_unknown_sex_is_refused() -> None:
    with pytest.raises(RuleError, match="性别“X”无法识别"):
        parse_sex("X")


@pytest.mark.parametrize("written", ["未知", "0", "9", "不详", "?"])
def test_a_sex_written_as_unknown_is_none(written: str) -> None:
    # GB/T 2261.1: 0 is "not known", 9 "not stated"
    assert parse_sex(written) is None


@pytest.mark.parametrize(("written", "sex"), [("小姐", "F"), ("♀", "F"), ("男童", "M")])
def test_more_ways_of_writing_a_sex(written: str, sex: str) -> None:
    assert parse_sex(written) == sex


@given(dates.filter(lambda d: d.year >= 1901), st.integers(0, 999), st.booleans())
def test_id_cards_give_birth_date_and_sex(birth: date, serial: int, male: bool) -> None:
    order = serial - serial % 2 + (1 if male else 0)
    body = f"110105{birth:%Y%m%d}{order:03d}"
    card = parse_id(body + check_char(body), today=TODAY)
    assert card is not None and (card.birth_date, card.sex) == (birth, "M" if male else "F")


def test_id_card_stored_as_a_number_is_explained() -> None:
    with pytest.raises(RuleError, match="存成了数字"):
        parse_id(1.10105198506120e17, today=TODAY)
    with pytest.raises(RuleError, match="校验位"):
        parse_id("110105198506120010", today=TODAY)


def test_age_only_gives_an_approximate_birth_year() -> None:
    assert birth_from_age("35岁", today=TODAY) == LegacyDate(date(1991, 7, 1), approximate=True)
    assert birth_from_age(0.0, today=date(2026, 3, 1)) == LegacyDate(date(2026, 3, 1),
                                                                     approximate=True)
    assert birth_from_age("8个月", today=TODAY) == LegacyDate(date(2026, 7, 1), approximate=True)
    with pytest.raises(RuleError, match="不合理"):
        birth_from_age(180, today=TODAY)


def test_text_summary_rows_and_error_cells() -> None:
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text("  张\u3000三  ") == "张 三"
    assert cell_text(date(2020, 1, 2) + timedelta(days=1)) == "2020-01-03"
    assert is_summary_label("合 计：") and is_summary_label("小计") and not is_summary_label("张三")
    assert is_excel_error("#REF!") and is_excel_error("#n/a") and not is_excel_error("#3")


def test_a_person_name_loses_the_padding_between_han_characters_only() -> None:
    from clinic_desktop.rules.text import normalize_person_name
    assert normalize_person_name("张 伟") == "张伟"
    assert normalize_person_name("张\u3000\u3000伟") == "张伟"
    assert normalize_person_name(" 欧阳 娜 娜 ") == "欧阳娜娜"
    assert normalize_person_name("John  Smith") == "John Smith"
    assert normalize_person_name("张 David") == "张 David"
    assert normalize_person_name("买买提·艾力") == "买买提·艾力"


# -- what a third round of held-out files wrote --------------------------------------------------
@pytest.mark.parametrize(("text", "day"), [
    ("2023/3/5 下午 2:30:00", date(2023, 3, 5)),  # Chinese-locale Excel's text
    ("2023年03月05日 14时30分", date(2023, 3, 5)),
    ("2026年06月06日 下午", date(2026, 6, 6)),
    ("2023年3月5号", date(2023, 3, 5)),
    ("2023.03.05.", date(2023, 3, 5)),
    ("20260606143000", date(2026, 6, 6)),  # another system's compact date and time
    ("1985年3月12号", date(1985, 3, 12)),
])
def test_dates_with_a_time_of_day_or_written_endings(text: str, day: date) -> None:
    assert parse_date(text, today=TODAY) == LegacyDate(day)


def test_a_month_written_with_fen_is_approximate() -> None:
    assert parse_date("1985年3月份", today=TODAY) == LegacyDate(date(1985, 3, 1),
                                                               approximate=True)


@pytest.mark.parametrize(("text", "years"), [
    ("35.0", 35), ("1.5", 1), ("1岁半", 1), ("6岁3个月", 6), ("3天", 0), ("2周", 0),
    ("3个月", 0), ("18个月", 1), ("24个月", 2)])
def test_ages_as_clinics_write_them(text: str, years: int) -> None:
    assert birth_from_age(text, today=TODAY) == LegacyDate(date(TODAY.year - years, 7, 1),
                                                           approximate=True)


def test_amounts_in_wan_dashes_and_brackets() -> None:
    assert parse_amount("1.2万") == Decimal("12000.00")
    assert parse_amount("-") is None and parse_amount("—") is None
    with pytest.raises(RuleError, match="是负数；退款请在系统内登记"):
        parse_amount("(500)")


@pytest.mark.parametrize(("text", "paid"), [
    ("已付清", None), ("已付", None), ("未付", Decimal("0.00")), ("挂账", Decimal("0.00")),
    ("欠费", Decimal("0.00")), ("300", Decimal("300.00")), ("-", Decimal("0.00")),
    ("无", Decimal("0.00"))])
def test_a_payment_written_in_words(text: str, paid: Decimal | None) -> None:
    # None is a blank cell: paid in full; 0 leaves the charge owed
    assert parse_paid(text) == paid


@pytest.mark.parametrize("text", ["13800138008（本人）", "13800138008 母亲",
                                  "13800138008 微信同号", "母亲：13800138008"])
def test_words_beside_a_phone_number_are_kept_aside(text: str) -> None:
    phones = parse_phones(text)
    assert phones is not None and phones.mobile == "13800138008" and phones.others == ()
    assert phones.written  # for the notes
    assert parse_phones("13800138008").written == ""  # type: ignore[union-attr]
    with pytest.raises(RuleError, match="无法识别"):
        parse_phones("母亲")


@pytest.mark.parametrize("text", ["无", "-", "不详", ""])
def test_an_id_cell_saying_none_is_empty(text: str) -> None:
    assert parse_id(text, today=TODAY) is None


@pytest.mark.parametrize("text", ["'110101199003077774", "110101-19900307-7774"])
def test_an_id_with_excel_s_apostrophe_or_dashes(text: str) -> None:
    info = parse_id(text, today=TODAY)
    assert info is not None and info.number == "110101199003077774"
