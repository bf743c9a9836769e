"""The rules' fast paths give the answers of their plain definitions: the pre-check of hidden
characters, the ID-card check digit, the pinyin keys and the dates written as text."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from clinic_desktop.rules import RuleError
from clinic_desktop.rules.idcard import WEIGHTS, check_char
from clinic_desktop.rules.legacy_values import LegacyDate, parse_date
from clinic_desktop.rules.pinyin import SURNAME_READINGS, _char, search_keys
from clinic_desktop.rules.text import _INVISIBLE, _MAYBE_HIDDEN, hidden_character


def test_the_hidden_character_precheck_matches_exactly_what_the_loop_refuses() -> None:
    for code in range(0x110000):
        char = chr(code)
        refused = unicodedata.category(char) in ("Cc", "Cs") or code in _INVISIBLE
        assert bool(_MAYBE_HIDDEN.search(char)) == refused, hex(code)
    assert hidden_character("张\u202e三") == "U+202E"
    assert hidden_character("a\tb") == "U+0009" and hidden_character("a\tb", multiline=True) \
        is None
    assert hidden_character("张三 李四\ue000") is None  # private use stays allowed


def test_the_check_digit_is_the_weighted_sum() -> None:
    for body in ("11010519491231002", "44052418800101001", "00000000000000000",
                 "99999999999999999", "11010519900307123"):
        total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
        assert check_char(body) == "10X98765432"[total % 11]
    with pytest.raises(ValueError):
        check_char("1101051949123100")


def _plain_keys(name: str) -> tuple[str, str]:
    chars = [ch for ch in name if not ch.isspace()]
    readings = [SURNAME_READINGS[ch] if i == 0 and ch in SURNAME_READINGS else _char(ch)
                for i, ch in enumerate(chars)]
    return ("".join(readings),
            "".join(r if chars[i].isascii() else r[:1] for i, r in enumerate(readings) if r))


@pytest.mark.parametrize("name", ["张三", "单田芳", " 曾小贤 ", "王单", "Tom 李", "ab C", "",
                                  "  ", "李2", "张-三", "解 放", "〇〇"])
def test_pinyin_keys_are_the_readings_joined(name: str) -> None:
    keys = search_keys(name)
    assert (keys.full, keys.initials) == _plain_keys(name)


@pytest.mark.parametrize(("text", "expected"), [
    (" 2019-03-05 ", LegacyDate(date(2019, 3, 5))),
    ("２０１９／３／５", LegacyDate(date(2019, 3, 5))),
    ("2019年3月5日", LegacyDate(date(2019, 3, 5))), ("20190305", LegacyDate(date(2019, 3, 5))),
    ("2019.3", LegacyDate(date(2019, 3, 1), approximate=True)), ("\u3000", None), ("", None)])
def test_text_dates_take_the_text_path(text: str, expected: LegacyDate | None) -> None:
    assert parse_date(text, today=date(2026, 11, 24)) == expected


def test_a_text_date_is_still_refused_with_its_reason() -> None:
    with pytest.raises(RuleError, match="月份 13 不存在"):
        parse_date("2023-13-05", today=date(2026, 11, 24))
    with pytest.raises(RuleError, match="在今天之后"):
        parse_date("2027-01-01", today=date(2026, 11, 24))
