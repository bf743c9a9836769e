"""Chinese mobile numbers: accept what people type, store 11 digits."""

from __future__ import annotations

import re

import phonenumbers

from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.text import normalize_text

MOBILE_PATTERN = _MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-\.\(\)（）]")


def _digits_of(raw: str | int | float) -> str:
    if isinstance(raw, float):
        # Spreadsheets store phone numbers as floats: 13800138000.0
        return str(int(raw)) if raw.is_integer() else str(raw)
    text = normalize_text(raw)
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+|\d{11}\.0", text):
        return str(int(float(text)))  # "1.38001380000E10" or "13800138000.0" from a sheet
    return _SEPARATORS.sub("", text)


def normalize_mobile(raw: str | int | float, *, field: str = "mobile") -> str:
    """``+86 138-0013-8000`` → ``13800138000``; anything else is refused with the reason."""
    text = _digits_of(raw)
    shown = normalize_text(raw) if not isinstance(raw, float) else text
    if not text:
        raise RuleError(field, _("请填写手机号码。"))
    if text.startswith("+"):
        try:
            parsed = phonenumbers.parse(text, "CN")
        except phonenumbers.NumberParseException as exc:
            raise RuleError(field, _("手机号码“{value}”无法识别。", value=shown)) from exc
        if parsed.country_code != 86:
            raise RuleError(field, _("手机号码“{value}”不是中国大陆号码。", value=shown))
        text = str(parsed.national_number)
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not text.isdigit():
        raise RuleError(field, _("手机号码“{value}”含有无效字符。", value=shown))
    if len(text) != 11:
        raise RuleError(field, _("手机号码“{value}”位数不对：中国大陆手机号应为 11 位。",
                                 value=shown))
    if not _MOBILE.match(text):
        raise RuleError(field, _("“{value}”不是有效的手机号码（应以 13–19 开头）。", value=shown))
    return text


