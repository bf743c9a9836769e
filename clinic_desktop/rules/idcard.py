"""Resident ID cards (GB 11643-1999): checksum, 15-digit upgrade, birth date and sex."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import mul

from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.text import normalize_text

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdCardInfo:
    number: str
    birth_date: date
    sex: str  # "M" or "F"


def check_char(body17: str) -> str:
    if len(body17) != 17:
        raise ValueError(f"an ID card body has 17 digits, not {len(body17)}")
    # map() over the digits: an import checks tens of thousands of cards.
    return CHECK_CHARS[sum(map(mul, map(int, body17), WEIGHTS)) % 11]


def parse_id_card(raw: str, *, today: date | None = None,
                  field: str = "id_number") -> IdCardInfo:
    text = normalize_text(raw).replace(" ", "").upper()
    if len(text) == 15 and text.isdigit():
        body = text[:6] + "19" + text[6:]
        text = body + check_char(body)
    if len(text) != 18:
        raise RuleError(field, _("身份证号“{value}”位数不对：应为 18 位（或旧版 15 位）。",
                                 value=text))
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise RuleError(field, _("身份证号“{value}”含有无效字符。", value=text))
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise RuleError(field, _("身份证号“{value}”中的出生日期 {digits} 不存在。",
                                 value=text, digits=text[6:14])) from exc
    if birth.year < 1900 or (today is not None and birth > today):
        raise RuleError(field, _("身份证号“{value}”中的出生日期 {digits} 不合理。",
                                 value=text, digits=text[6:14]))
    expected = check_char(text[:17])
    if text[17] != expected:
        raise RuleError(field, _("身份证号“{value}”校验位不对（最后一位应为 {expected}），"
                                 "请核对是否输错。", value=text, expected=expected))
    return IdCardInfo(text, birth, "M" if int(text[16]) % 2 else "F")


def check_conflicts(info: IdCardInfo, *, birth_date: date | None, sex: str | None) -> list[str]:
    """Messages for typed values that disagree with the card (the card is usually right)."""
    problems = []
    if birth_date is not None and birth_date != info.birth_date:
        problems.append(_("出生日期 {typed} 与身份证上的 {card} 不一致。",
                          typed=birth_date.isoformat(), card=info.birth_date.isoformat()))
    if sex in ("M", "F") and sex != info.sex:
        problems.append(_("性别与身份证不一致（身份证显示为{sex}）。",
                          sex=_("男") if info.sex == "M" else _("女")))
    return problems
