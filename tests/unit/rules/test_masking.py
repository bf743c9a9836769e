"""Phone and ID numbers masked for roles without CONTACT_FULL: what each kind of value becomes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_desktop.rules.masking import is_masked_of, mask_id_card, mask_phone


@pytest.mark.parametrize(("raw", "shown"), [
    ("13812345678", "138****5678"),  # a mainland mobile: first 3, last 4
    ("138 1234 5678", "138****5678"),  # spaces as typed
    ("138-1234-5678", "138****5678"),
    ("+86 138 1234 5678", "138****5678"),  # the country code dropped
    ("+8613812345678", "138****5678"),
    ("008613812345678", "138****5678"),
    ("8613812345678", "138****5678"),
    ("138****5678", "138****5678"),  # already masked: unchanged
    ("0592-5551234", "0592***1234"),  # a landline: its area code and last 4
    ("05925551234", "0592***1234"),
    ("010-12345678", "010****5678"),  # Beijing: a three-digit area code
    ("(021) 6543 2109", "021****2109"),
    ("0592***1234", "0592***1234"),
    ("12345678", "****5678"),  # a local number without area code: last 4
    ("5551234", "****234"),  # never more than half shown
    ("120", "**0"),
    ("8", "*"),
    ("+1 415 555 0100", "********0100"),  # not a mainland mobile: the last 4
    ("同上", "同上"),  # no digit: nothing to hide
    ("", ""),
    (None, ""),
    ("   ", ""),
])
def test_phones_are_masked(raw: str | None, shown: str) -> None:
    assert mask_phone(raw) == shown


@pytest.mark.parametrize(("raw", "shown"), [
    ("350203199001011234", "3502**********1234"),  # 18 characters: first 4, 10 stars, last 4
    ("11010519491231002X", "1101**********002X"),
    ("11010519491231002x", "1101**********002X"),  # as the card prints it
    ("3502 0319 9001 0112 34", "3502**********1234"),  # spaces as typed
    ("350203900101123", "3502*******1123"),  # an old 15-digit card: 4 + 4 as well
    ("3502**********1234", "3502**********1234"),  # already masked: unchanged
    ("E12345678", "*****5678"),  # a passport or other number: last 4, at most half
    ("123", "**3"),
    ("", ""),
    (None, ""),
])
def test_id_cards_are_masked(raw: str | None, shown: str) -> None:
    assert mask_id_card(raw) == shown


@given(st.text(alphabet="0123456789 +-*()X", max_size=24))
def test_masking_is_idempotent_and_never_shows_more_than_half(raw: str) -> None:
    for mask in (mask_phone, mask_id_card):
        once = mask(raw)
        assert mask(once) == once
        digits = [c for c in once if c.isdigit()]
        # a mobile shows 7 of 11, a landline at most 8 of 11, a card 8 of 15 or 18; any other
        # value at most half of itself
        assert len(digits) <= max(len(once) // 2, 8)
        if len(once) >= 4 and digits:
            assert "*" in once


@pytest.mark.parametrize(("shown", "stored", "id_card", "expected"), [
    ("138****5678", "13812345678", False, True),  # the form sent back what it showed
    (" 138****5678 ", "13812345678", False, True),
    ("138****5679", "13812345678", False, False),  # edited
    ("13812345678", "13812345678", False, False),  # typed in full: a new value, not a mask
    ("138****5678", None, False, False),  # nothing stored to keep
    ("3502**********1234", "350203199001011234", True, True),
    ("3502**********1234", "350203199001011235", True, False),
    ("0592***1234", "0592-5551234", False, True),
])
def test_a_masked_value_sent_back_is_recognised(shown: str, stored: str | None, id_card: bool,
                                                expected: bool) -> None:
    assert is_masked_of(shown, stored, id_card=id_card) is expected
