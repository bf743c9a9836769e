"""Phone and ID numbers shown masked (138****5678, 3502**********1234) to a role that does not
need them in full (``Permission.CONTACT_FULL``).

Both functions are idempotent (a masked value masks to itself), so a record masked once may
pass through another masking step, and a form that sends back what it was shown can be
recognised (``is_masked_of``). They hide digits, they do not validate: odd stored values
(spaces, +86, a landline, a short number, text) come out with at least half of them starred.
"""

from __future__ import annotations

import re

STAR = "*"
# What people put between digits; dropped before masking, as ``rules.phone`` does.
_SEPARATORS = re.compile(r"[\s\-\.\(\)（）]")
_MOBILE = re.compile(r"^1[\d*]{10}$")  # an 11-digit mainland mobile (or one already masked)
_COUNTRY = re.compile(r"^(?:\+86|0086|86(?=1[\d*]{10}$))")
# Mainland area codes: 010 and 02x have three digits, every other one four (0592, 0755 …).
_SHORT_AREA = re.compile(r"^0[12]")


def _tail(text: str, keep: int) -> str:
    """``text`` starred but for its last ``keep`` characters (never more than half of it)."""
    keep = min(keep, len(text) // 2)
    return STAR * (len(text) - keep) + text[len(text) - keep:]


def mask_phone(raw: str | None) -> str:
    """``13812345678`` → ``138****5678``; ``0592-5551234`` → ``0592***1234``; ``""`` → ``""``.

    A mobile keeps its first three and last four digits (a +86 / 0086 prefix dropped); a
    landline its area code and last four; anything else its last four, at most half of it. Text
    without a digit (同上) has no number to hide and stays as it is.
    """
    if not raw:
        return ""
    text = _SEPARATORS.sub("", raw)
    if not text:
        return ""
    local = _COUNTRY.sub("", text)
    if _MOBILE.match(local):
        return f"{local[:3]}****{local[-4:]}"
    if not any(c.isdigit() for c in text):
        return text  # 同上, 无: no number to hide
    if len(local) >= 10 and local[0] == "0":  # an area code and a 7- or 8-digit number
        area = 3 if _SHORT_AREA.match(local) else 4
        return local[:area] + STAR * (len(local) - area - 4) + local[-4:]
    return _tail(text, 4)


def mask_id_card(raw: str | None) -> str:
    """``350203199001011234`` → ``3502**********1234``: an 18- or 15-character card keeps its
    first four (the region) and last four; any other number its last four (at most half)."""
    if not raw:
        return ""
    text = raw.replace(" ", "").upper()
    if not any(c.isdigit() for c in text):
        return text
    if len(text) in (15, 18):
        return text[:4] + STAR * (len(text) - 8) + text[-4:]
    return _tail(text, 4)


def is_masked_of(shown: str, stored: str | None, *, id_card: bool = False) -> bool:
    """Whether ``shown`` is the masked form of ``stored``: what a form sends back untouched
    after it was shown the masked number (the stored one is then kept)."""
    if not stored or STAR not in shown:
        return False
    masked = mask_id_card(stored) if id_card else mask_phone(stored)
    return _SEPARATORS.sub("", shown.strip()).upper() == masked.upper()
