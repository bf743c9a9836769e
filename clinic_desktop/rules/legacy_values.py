"""Cleaning one cell of a legacy spreadsheet: dates, phones, amounts, sex, ID cards, ages.

Each function takes the raw cell value as the reader produced it (``str``, ``int``,
``float``, ``bool``, ``date``, ``datetime`` or ``None``) and either returns the clean value or
raises ``RuleError`` with a reason a clinic manager can act on. ``None`` means "the cell was
empty". Nothing here looks at the clock: callers pass ``today``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.idcard import IdCardInfo, parse_id_card
from clinic_desktop.rules.phone import MOBILE_PATTERN as _MOBILE
from clinic_desktop.rules.phone import normalize_mobile
from clinic_desktop.rules.text import normalize_text

Cell = str | int | float | bool | date | datetime | None

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
LAST_SERIAL = 2958465  # 9999-12-31
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA"})
SUMMARY_WORDS = ("合计", "总计", "小计", "总数", "汇总")


@dataclass(frozen=True)
class LegacyDate:
    value: date
    approximate: bool = False  # only a year, or a year and month, was given


@dataclass(frozen=True)
class Phones:
    mobile: str | None  # the first mobile number in the cell
    others: tuple[str, ...] = ()  # further mobiles and landlines, as written
    written: str = ""  # the cell as written, when words beside the numbers were left out


def cell_text(value: Cell) -> str:
    """The cell as text: whole floats lose their ``.0``, dates print as ISO."""
    if type(value) is str:
        return normalize_text(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() else \
            value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return normalize_text(value)


def is_excel_error(value: Cell) -> bool:
    return (isinstance(value, str) and "#" in value[:2]
            and value.strip().upper() in EXCEL_ERRORS)


def is_summary_label(value: Cell) -> bool:
    """``合计``, ``总 计``, ``小计：`` … (a total row at the bottom of a sheet)."""
    if not isinstance(value, str) or not ("计" in value or "汇总" in value or "总数" in value):
        return False
    text = cell_text(value).replace(" ", "").rstrip(":：")
    return text in SUMMARY_WORDS


# -- dates ---------------------------------------------------------------------------------
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                  r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT_YM = re.compile(r"^(\d{4})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")


def _make_date(year: int, month: int, day: int, field: str, shown: str) -> date:
    if not 1 <= month <= 12:
        raise RuleError(field, _("日期“{value}”的月份 {month} 不存在。", value=shown,
                                 month=month))
    try:
        return date(year, month, day)
    except ValueError:
        raise RuleError(field, _("日期“{value}”不存在（{month} 月没有 {day} 日）。",
                                 value=shown, month=month, day=day)) from None


def _from_serial(serial: float, field: str, shown: str) -> date:
    if not 1 <= serial <= LAST_SERIAL:
        raise RuleError(field, _("“{value}”不是有效的日期。", value=shown))
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _parse_date(value: Cell, field: str) -> LegacyDate:
    if type(value) is str:  # the common case, straight to the text formats
        return _parse_text_date(normalize_text(value), field)
    shown = cell_text(value)
    if isinstance(value, datetime):
        return LegacyDate(value.date())
    if isinstance(value, date):
        return LegacyDate(value)
    if isinstance(value, bool):
        raise RuleError(field, _("“{value}”不是日期。", value=shown))
    if isinstance(value, int | float):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return LegacyDate(date(int(value), 7, 1), approximate=True)
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            text = str(int(value))
            return LegacyDate(_make_date(int(text[:4]), int(text[4:6]), int(text[6:]), field,
                                         shown))
        return LegacyDate(_from_serial(float(value), field, shown))
    return _parse_text_date(shown, field)


# What Chinese-locale Excel and other systems write after a date: 下午 2:30:00, 14时30分,
# 上午; and the ways of ending one: 5号 for 5日, 3月份, a trailing full stop.
_TIME_OF_DAY = re.compile(r"\s*(?:(?:上午|下午|中午|晚上|早上|凌晨)\s*)?(?:\d{1,2}\s*(?::\d{2}"
                          r"(?::\d{2}(?:\.\d+)?)?|时(?:\s*\d{1,2}\s*分)?|点(?:\s*\d{1,2}\s*分?)?)"
                          r")?\s*(?:上午|下午|am|pm)?$", re.IGNORECASE)
_DATE_END = re.compile(r"(?<=\d)(?:号|月份)$|(?<=\d)\.$")
_COMPACT_TIME = re.compile(r"^(\d{8})\d{4}(?:\d{2})?$")  # 20260606143000


def _without_time(text: str) -> str:
    """``2023/3/5 下午 2:30:00`` → ``2023/3/5``; a text with nothing after the date stays."""
    if match := _COMPACT_TIME.match(text):
        return match.group(1)
    for cut in (" ", "上", "下", "中", "晚", "早", "凌"):
        at = text.find(cut, 6)
        if at > 0 and _TIME_OF_DAY.fullmatch(text[at:]):
            text = text[:at].rstrip()
            break
    else:
        if (at := text.find("日", 6)) > 0 and _TIME_OF_DAY.fullmatch(text[at + 1:]):
            text = text[:at + 1]
    return _DATE_END.sub(lambda m: "日" if m.group(0) == "号" else "", text)


def _parse_text_date(text: str, field: str) -> LegacyDate:
    """A date written as text (already normalised)."""
    if match := _YMD.match(text):  # the common case first: no time of day to take off
        y, m, d = map(int, match.groups())
        return LegacyDate(_make_date(y, m, d, field, text))
    if not text[-1:].isdigit() or len(text) > 10:
        text = _without_time(text)
    if match := _YMD.match(text) or _COMPACT.match(text):
        y, m, d = map(int, match.groups())
        return LegacyDate(_make_date(y, m, d, field, text))
    if match := _YM.match(text) or _COMPACT_YM.match(text):
        y, m = map(int, match.groups())
        return LegacyDate(_make_date(y, m, 1, field, text), approximate=True)
    if match := _YEAR.match(text):
        return LegacyDate(date(int(match.group(1)), 7, 1), approximate=True)
    if _SERIAL.match(text):
        return LegacyDate(_from_serial(float(text), field, text))
    if match := _DMY.match(text):
        first, second, year_text = match.groups()
        if len(year_text) == 2:
            raise RuleError(field, _("日期“{value}”的年份只有两位，无法确定是哪一年。",
                                     value=text))
        a, b, year = int(first), int(second), int(year_text)
        if a > 12 >= b:
            return LegacyDate(_make_date(year, b, a, field, text))
        if b > 12 >= a or a == b:
            return LegacyDate(_make_date(year, a, b, field, text))
        raise RuleError(field, _("日期“{value}”无法判断是“月/日/年”还是“日/月/年”，"
                                 "请写成 {year}-MM-DD。", value=text, year=year))
    raise RuleError(field, _("“{value}”不是可识别的日期（可用 2019-03-05、2019/3/5、"
                             "2019年3月5日 或 20190305）。", value=text))


def parse_date(value: Cell, *, today: date, field: str = "date",
               not_in_future: bool = True) -> LegacyDate | None:
    """A legacy date cell; ``None`` for an empty cell. Dates before 1900 are refused."""
    if value is None:
        return None
    if type(value) is str:
        text = normalize_text(value)
        if not text:
            return None
        parsed = _parse_text_date(text, field)
    else:
        if isinstance(value, str) and not normalize_text(value):
            return None
        parsed = _parse_date(value, field)
    if parsed.value.year < 1900:
        raise RuleError(field, _("日期“{value}”早于 1900 年，不合理。",
                                 value=cell_text(value)))
    if parsed.approximate and parsed.value > today and parsed.value.year == today.year:
        return LegacyDate(today, approximate=True)  # "born this year": not in the future
    if not_in_future and parsed.value > today:
        raise RuleError(field, _("日期 {value} 在今天之后。", value=parsed.value.isoformat()))
    return parsed


# -- phones --------------------------------------------------------------------------------
_PHONE_SPLIT = re.compile(r"[/,;，；、|\\]+|\s*(?:或|和|or)\s*")
_PHONE_NOISE = re.compile(r"[\s\-.()（）]")
# Words beside a number: who it belongs to, a bracketed remark (kept in the notes).
_ANNOTATION = re.compile(r"[(（][^)）]*[)）]|[\u3400-\u9fff]+[:：]?")
_LABEL = re.compile(r"^(?:手机|电话|座机|tel|mobile|mob|phone)[:：]?", re.IGNORECASE)


def _strip_country(digits: str) -> str:
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix):]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


_FLOAT_TEXT = re.compile(r"^(?:\d+\.0+|\d(?:\.\d+)?[eE]\+?\d{1,2})$")


def parse_phones(value: Cell, *, field: str = "mobile") -> Phones | None:
    """One or two numbers in a cell: ``13800138000.0``, ``+86 138-0013-8000``,
    ``13800138000/13900139000``, ``0571-8888 6666`` …"""
    if value is None:
        return None
    if type(value) is float and 13e9 <= value < 2e10 and value.is_integer():
        digits = str(int(value))  # the common case: a mobile stored as a number
        return Phones(digits if _MOBILE.match(digits) else normalize_mobile(digits, field=field))
    if isinstance(value, float):
        if not value.is_integer():
            raise RuleError(field, _("电话“{value}”不是号码。", value=value))
        value = str(int(value))
    text = normalize_text(value)
    if not text:
        return None
    if _FLOAT_TEXT.match(text):  # 18858540446.0 or 1.8858540446E10, as other tools write
        number = Decimal(text)
        if number == number.to_integral_value():
            text = str(int(number))
    mobiles: list[str] = []
    others: list[str] = []
    annotated = False
    for part in filter(None, (p.strip() for p in _PHONE_SPLIT.split(text))):
        part = _LABEL.sub("", part).strip()
        if not part.isascii() and _ANNOTATION.search(part):  # 13800138000（本人）, … 微信同号
            part, annotated = _ANNOTATION.sub("", part).strip(), True
            if not part:
                continue
        digits = _strip_country(_PHONE_NOISE.sub("", part))
        if len(digits) == 22 and digits.isdigit():
            halves = [digits[:11], digits[11:]]  # two mobiles separated only by a space
            if all(_is_mobile(h) for h in halves):
                mobiles.extend(halves)
                continue
        if len(digits) == 11 and digits.startswith("1"):
            mobiles.append(normalize_mobile(digits, field=field))
        elif _is_landline(digits):
            others.append(part)
        elif digits:
            raise RuleError(field, _("电话“{value}”无法识别：“{part}”既不是 11 位手机号，"
                                     "也不是座机号。", value=text, part=part))
    if not mobiles and not others:
        if annotated:  # words only (母亲): not a number, and not nothing
            raise RuleError(field, _("电话“{value}”无法识别：“{part}”既不是 11 位手机号，"
                                     "也不是座机号。", value=text, part=text))
        return None
    first = mobiles[0] if mobiles else None
    return Phones(first, tuple(mobiles[1:] + others), text if annotated else "")


def _is_landline(digits: str) -> bool:
    """``0571 88886666`` with its area code, a local 7–8 digit number, or 400/800."""
    if not digits.isdigit():
        return False
    return (len(digits) in (7, 8) or (digits[0] == "0" and 10 <= len(digits) <= 12)
            or (digits[:3] in ("400", "800") and len(digits) == 10))


def _is_mobile(digits: str) -> bool:
    try:
        normalize_mobile(digits)
    except RuleError:
        return False
    return True


# -- money ---------------------------------------------------------------------------------
# A cell saying "nothing": no sum, no ID, nobody (介绍人：无).
NOTHING_WORDS = frozenset({"-", "—", "--", "/", "无", "－"})
_MONEY_NOISE = re.compile(r"[¥￥$,，\s]|元整?$|^RMB|^人民币|^CNY", re.IGNORECASE)
MAX_IMPORT_AMOUNT = Decimal("10000000")
CENT = Decimal("0.01")


def parse_amount(value: Cell, *, field: str = "amount") -> Decimal | None:
    """``¥1,200.00``, ``1200元``, ``1,200`` → ``Decimal('1200.00')``; empty → ``None``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise RuleError(field, _("金额“{value}”不是数字。", value=value))
    if isinstance(value, int | float):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        shown = cell_text(value)
    else:
        shown = normalize_text(value)
        if not shown:
            return None
        if shown in ("免费", "赠送", "0元"):
            return Decimal("0.00")
        if shown in NOTHING_WORDS:
            return None
        cleaned = _MONEY_NOISE.sub("", shown)
        if cleaned[:1] == "(" and cleaned[-1:] == ")":
            cleaned = "-" + cleaned[1:-1]  # (500): an accountant's negative
        tens_of_thousands = cleaned.endswith("万")  # 1.2万: how a large sum is written
        try:
            amount = Decimal(cleaned[:-1] if tens_of_thousands else cleaned)
            if tens_of_thousands:
                amount *= 10000
        except InvalidOperation:
            raise RuleError(field, _("金额“{value}”不是数字。", value=shown)) from None
    if not amount.is_finite():
        raise RuleError(field, _("金额“{value}”不是数字。", value=shown))
    if amount < 0:
        raise RuleError(field, _("金额“{value}”是负数；退款请在系统内登记。", value=shown))
    if amount > MAX_IMPORT_AMOUNT:
        raise RuleError(field, _("金额“{value}”过大，请核对。", value=shown))
    return amount.quantize(CENT)


# What a payment column says instead of a sum: paid in full (as a blank cell is read), or
# nothing paid yet (on credit: the charge stays owed).
_PAID_IN_FULL = frozenset({"已付", "已付清", "付清", "已结", "已结清", "结清", "已收", "已收费",
                           "已缴", "已缴费", "全款", "已支付"})
UNPAID_WORDS = frozenset({"未付", "未付款", "未收", "未收费", "未缴", "未缴费", "未结", "未结清",
                          "挂账", "欠费", "欠款", "赊账", "记账", "签单", "月结"})
# What a payment says when the visit cost nothing: the whole charge is taken off.
FREE_WORDS = ("免单", "赠送", "免费")


def parse_paid(value: Cell, *, field: str = "paid") -> Decimal | None:
    """A payment cell: a sum as ``parse_amount`` reads it, ``已付清`` as a blank (paid in
    full), ``未付`` / ``挂账`` as 0 (the charge stays owed)."""
    if type(value) is str:
        text = normalize_text(value)
        if text in _PAID_IN_FULL:
            return None
        if text in UNPAID_WORDS or text in NOTHING_WORDS:  # a dash in 实收: nothing collected
            return Decimal("0.00")
    return parse_amount(value, field=field)


# -- sex, ID card, age ---------------------------------------------------------------------
_SEXES = {"男": "M", "男性": "M", "m": "M", "male": "M", "1": "M", "先生": "M", "♂": "M",
          "男孩": "M", "男童": "M", "女": "F", "女性": "F", "f": "F", "female": "F", "2": "F",
          "女士": "F", "小姐": "F", "♀": "F", "女孩": "F", "女童": "F"}
# Not written: GB/T 2261.1's 0 (unknown) and 9 (not stated), and the words for them.
_NO_SEX = frozenset({"0", "9", "未知", "不详", "未说明", "未填", "?", "？", "-", "/", "无"})


def parse_sex(value: Cell, *, field: str = "sex") -> str | None:
    text = cell_text(value).lower()
    if not text:
        return None
    if text in _SEXES:
        return _SEXES[text]
    if text in _NO_SEX:
        return None
    raise RuleError(field, _("性别“{value}”无法识别（可用 男/女、M/F、1/2）。",
                             value=cell_text(value)))


# 3.30102199001010E+17: an ID that another tool (or Excel, saving a CSV) wrote out as a number
# in scientific notation; the text keeps only the 15–16 digits a float had.
_SCIENTIFIC_TEXT = re.compile(r"^\d(?:\.\d+)?e\+?\d{1,2}$", re.IGNORECASE)


def parse_id(value: Cell, *, today: date, field: str = "id_number") -> IdCardInfo | None:
    if value is None:
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = cell_text(value)
        if len(digits) != 15:
            # A float holds 15–16 significant digits: the end of an 18-digit number is gone.
            raise RuleError(field, _("身份证号“{value}”被 Excel 存成了数字，末尾几位已丢失；"
                                     "请把该列设为文本后重新填写。", value=digits))
        value = digits
    elif isinstance(value, str) and ("E" in value or "e" in value) \
            and _SCIENTIFIC_TEXT.match(text := normalize_text(value)):
        number = Decimal(text)
        whole = str(int(number)) if number == number.to_integral_value() else ""
        # An old 15-digit ID written out with its digits (1.10101900101001E+14, or with the
        # trailing zeros a shortest float leaves out: 1.1010190010101E+14) is whole; a short
        # mantissa (Excel's 1.10102E+14) or an 18-digit ID has lost the end.
        if len(whole) != 15 or len(number.as_tuple().digits) < 12:
            raise RuleError(field, _("身份证号“{value}”被存成了科学计数法的数字，末尾几位已丢失；"
                                     "请把该列设为文本后重新填写。", value=text))
        value = whole
    text = normalize_text(value).lstrip("'‘’")  # '4401…: Excel's mark for "keep as text"
    if "-" in text and len(digits := text.replace("-", "").replace(" ", "")) in (15, 18):
        text = digits  # 440106-19900101-1234
    if not text or text in NOTHING_WORDS or text in ("不详", "未知", "未提供"):
        return None
    return parse_id_card(text, today=today, field=field)


# 35, 35岁, 35.0 (a number stored as text), 1.5, 1岁半, 6岁3个月; under a year: 3个月, 3天, 2周.
_AGE = re.compile(r"^(\d{1,3})(?:\.\d+)?\s*(?:岁|周岁|y|yrs?)?\s*(?:半|零?\d{1,2}\s*个?月)?$",
                  re.IGNORECASE)
_MONTHS = re.compile(r"^(\d{1,3})\s*(?:(?P<months>个?月)|天|日|周|星期)$")


def birth_from_age(value: Cell, *, today: date, field: str = "age") -> LegacyDate | None:
    """An age only: 1 July of the year the patient was born in, marked approximate."""
    text = cell_text(value)
    if not text:
        return None
    if months := _MONTHS.match(text):  # 18个月 is one year old; 3天 none
        years = int(months.group(1)) // 12 if months.group("months") else 0
    elif match := _AGE.match(text):
        years = int(match.group(1))
    else:
        raise RuleError(field, _("年龄“{value}”不是数字。", value=text))
    if years > 120:
        raise RuleError(field, _("年龄 {value} 不合理。", value=text))
    return LegacyDate(min(date(today.year - years, 7, 1), today), approximate=True)
