"""Rows to clean records: skip blank and total rows, clean every mapped cell, reject a row
with the reasons, and gather the rows of one person (a sheet is often one row per visit).

Pure: no database, no clock (``today`` is passed in). The cancel callback is called between
rows so a long clean can stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import repeat
from operator import and_, is_not, itemgetter, ne
from typing import Any

from clinic_desktop.i18n import _
from clinic_desktop.importing.balances import money_balance, points_balance, tier_name
from clinic_desktop.importing.mapping import field_label, is_guardian_label
from clinic_desktop.importing.reader import UnusableFile
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.email import normalize_email
from clinic_desktop.rules.idcard import check_conflicts
from clinic_desktop.rules.legacy_values import (
    EXCEL_ERRORS,
    FREE_WORDS,
    NOTHING_WORDS,
    UNPAID_WORDS,
    Cell,
    LegacyDate,
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
from clinic_desktop.rules.text import (
    hidden_character,
    normalize_note,
    without_han_padding,
)

VISIT_FIELDS = ("visit_date", "procedure", "site", "amount", "discount", "paid", "method",
                "doctor", "visit_notes")
BALANCE_FIELDS = ("stored_value", "owed", "points", "tier")
# Fields that are sums: a merged cell's value counts once, not on every row it spans. On the
# rows below its first, a visit's amount or payment is 0 (the sum covered them: blank would be
# "paid in full"), a balance is blank (the person's balance is their latest row that has one).
MERGED_SUMS: dict[str, Cell] = {"amount": 0, "paid": 0, "discount": 0, "stored_value": "",
                                "owed": "", "points": ""}
# The words a legacy sheet uses -> the ledger's method codes.
PAYMENT_METHODS = (("微信", "wechat"), ("wechat", "wechat"), ("支付宝", "alipay"),
                   ("alipay", "alipay"), ("现金", "cash"), ("cash", "cash"), ("银行卡", "card"),
                   ("刷卡", "card"), ("pos", "card"), ("医保", "insurance"))


@dataclass(frozen=True)
class Problem:
    row: int | None  # the spreadsheet's own row number
    column: str
    value: str
    reason: str


@dataclass(slots=True)
class PersonFields:
    name: str
    sex: str | None = None
    birth_date: date | None = None
    birth_approximate: bool = False
    mobile: str | None = None
    phone2: str | None = None
    id_number: str | None = None
    wechat: str | None = None
    email: str | None = None
    occupation: str | None = None
    address: str | None = None
    source: str | None = None
    first_visit_date: date | None = None
    allergies: str | None = None
    notes: str = ""
    emergency_contact: str | None = None
    emergency_phone: str | None = None
    referrer: str | None = None  # as the sheet wrote it: a name, maybe with a phone
    referrer_phone: str | None = None
    tags: tuple[str, ...] = ()
    record_no: str | None = None  # 病历号: the old system's number for the person


@dataclass(slots=True)
class VisitFields:
    visit_date: date
    procedure: str
    site: str = ""
    amount: Decimal | None = None
    paid: Decimal | None = None
    method: str | None = None
    discount: Decimal | None = None  # taken off the amount (优惠金额)
    method_text: str = ""
    doctor: str = ""
    notes: str = ""
    procedure_given: bool = True  # False: the row had no procedure (named 就诊)
    source_procedure: str = ""  # the sheet's own name, when ``procedure`` is the catalogue's


@dataclass(slots=True)
class Opening:
    """The balances the legacy system last showed for the person (None: the cell was empty)."""

    stored_value: Decimal | None = None
    owed: Decimal | None = None
    points: int | None = None
    tier: str | None = None  # as the sheet wrote it


@dataclass(slots=True)
class CleanRow:
    row: int
    person: PersonFields
    visit: VisitFields | None
    opening: Opening | None = None


@dataclass(slots=True)
class Person:
    """The rows of one person in the file, and their fields merged (first value wins; for the
    balances, the latest row that has one, see ``merge_openings``)."""

    rows: list[CleanRow]
    fields: PersonFields
    opening: Opening | None = None


@dataclass(slots=True)
class CleanedSheet:
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    originals: dict[int, list[str]] = field(default_factory=dict)  # rejected rows, as read
    rows_read: int = 0
    blank: int = 0
    summary: int = 0
    rejected: int = 0


def payment_method(text: str) -> str | None:
    lowered = text.lower()
    return next((method for word, method in PAYMENT_METHODS if word in lowered), None)


class _Parsed:
    """One field's cleaned values for the kept rows, and the reasons for the ones refused.

    Cleaning goes a column at a time: a sheet repeats its sexes, dates and prices, so each
    distinct raw value is parsed once, and the per-cell work is C loops (``dict.fromkeys``
    to find the distinct values, ``map`` over the memo to spread the results), not Python
    steps. Values are the memo's keys; a column mixing number types, where ``1``, ``1.0``
    and ``True`` are equal keys, is keyed on (type, value) instead. A text with broken
    characters is refused here too, checked once per distinct text.
    """

    def __init__(self, raw: list[Cell], parse: Callable[[Cell], Any]) -> None:
        self.values: list[Any] = []
        self.failures: dict[int, str] = {}  # position → reason
        if not any(raw) and 0 not in raw:  # a column of zeros is not empty: 实收 0 is unpaid
            self.values = [None] * len(raw)  # an unmapped or empty column
            return
        kinds = set(map(type, raw))
        by_type = not kinds <= _PLAIN_KINDS or len(kinds & _NUMBER_KINDS) > 1
        keys: list[Any] = list(zip(map(type, raw), raw, strict=True)) if by_type else raw
        parsed: dict[Any, Any] = dict.fromkeys(keys)  # value → cleaned (None: empty)
        failed = _parse_distinct(parsed, parse, by_type)
        self.values = list(map(parsed.__getitem__, keys))
        if failed:
            self.failures = {position: failed[key] for position, key in enumerate(keys)
                             if key in failed}


def _parse_distinct(parsed: dict[Any, Any], parse: Callable[[Cell], Any],
                    by_type: bool) -> dict[Any, str]:
    """Clean each distinct value into ``parsed`` (keyed by the value, or by (type, value));
    returns the reasons of the refused ones (their entry stays None, as for an empty cell)."""
    failed: dict[Any, str] = {}
    broken = _BROKEN.search
    for key in parsed:
        value = key[1] if by_type else key
        if value is None or value == "":
            continue
        if type(value) is str and broken(value):
            failed[key] = _broken_reason()
            continue
        try:
            parsed[key] = parse(value)
        except RuleError as error:
            failed[key] = error.message
    return failed


# Cell types that equal no value of another of them, except numbers among themselves.
_NUMBER_KINDS = frozenset({bool, int, float})
_PLAIN_KINDS = _NUMBER_KINDS | {str, type(None), date, datetime, time, timedelta}
# U+FFFD is what the reader puts where a file's bytes were broken; a lone surrogate can still
# come from a caller that built the rows itself. Neither may reach the database.
_BROKEN = re.compile("[\ufffd\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _broken_reason() -> str:
    return _("含有无法识别的字符（文件在这里已损坏）：请在原表中重新输入这个单元格后再导入。")


def _shown(text: str) -> str:
    """Text safe to report, store and print: a lone surrogate becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


_NOBODY = NOTHING_WORDS | {"没有", "无人", "暂无", "不详"}  # 介绍人：无


def _text_limit(limit: int, *, person: bool = False) -> Callable[[Cell], str]:
    """Text of at most ``limit`` characters; ``person``: a person's name, written as the name
    column's are (``normalize_person_name``), so ``张 伟`` the referrer is 张伟 the patient."""
    def parse(value: Cell) -> str:
        text = cell_text(value)
        if person:
            text = "" if text in _NOBODY else _without_remark(without_han_padding(text))
        if len(text) > limit:
            raise RuleError("text", _("内容太长（最多 {n} 个字符）。", n=limit))
        return text

    return parse


@dataclass(frozen=True, slots=True)
class _EmailCell:
    """An e-mail cell: the address when it is one, else the text as written (kept in the
    notes with a warning: a typo in an address is no reason to lose the patient)."""

    address: str | None
    written: str


def _email(value: Cell) -> _EmailCell | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        return _EmailCell(normalize_email(text) or None, text)
    except RuleError as error:
        if len(text) > 254:
            raise RuleError("email", error.message) from error
        return _EmailCell(None, text)


# What a receptionist adds after a name: 张伟 (VIP), 张伟【老客户】, 张伟*, 张伟-会员. The name is
# the person; the remark goes into the notes (``_Assembler``), so the rows are one patient.
# Only a customer-status word is a remark: 张伟(2), 张伟（大）, 王小明(王芳之子) tell namesakes
# apart and stay the name.
_REMARKS = r"(?:VIP|SVIP|会员|贵宾|老客户?|新客户?|老顾客|新顾客|熟客|转诊|转介绍)"
_NAME_REMARK = re.compile(r"^(?P<name>[\u3400-\u9fff·]{2,})\s*(?:[(\[【〔]\s*" + _REMARKS
                          + r"\s*[)\]】〕]|[*＊#]+|[-－—_]\s*" + _REMARKS + r")\s*$",
                          re.IGNORECASE)


def _without_remark(name: str) -> str:
    if not name.isalpha() and (remark := _NAME_REMARK.match(name)) is not None:
        return remark.group("name")
    return name


def _name(value: Cell) -> str:
    name = _without_remark(without_han_padding(cell_text(value)))
    if len(name) > 64:
        raise RuleError("name", _("姓名太长（最多 64 个字符）。"))
    hidden = hidden_character(name)
    if hidden is not None:  # the same rule as the patient form
        raise RuleError("name", _("姓名中有看不见的控制字符（{code}）。", code=hidden))
    return name


_TAG_SPLIT = re.compile(r"[,，、;；/|｜\s]+")
TAG_LIMIT = 32


def _tags(value: Cell) -> tuple[str, ...]:
    """``怕疼, VIP、价格敏感`` → three tags (comma, 、, semicolon, slash or space between)."""
    names = tuple(dict.fromkeys(t for t in _TAG_SPLIT.split(cell_text(value)) if t))
    for name in names:
        if len(name) > TAG_LIMIT:
            raise RuleError("tags", _("标签“{tag}”太长（最多 {n} 个字符）：标签之间请用逗号、顿号"
                                      "或空格分开。", tag=name[:40], n=TAG_LIMIT))
    return names


def _loose_phone(limit: int) -> Callable[[Cell], str]:
    """A phone that is not the patient's own (an emergency contact's, a referrer's): the
    number when it reads as one (``18858540446.0`` included), else the text as written."""
    def parse(value: Cell) -> str:
        try:
            phones = parse_phones(value)
        except RuleError:
            phones = None
        if phones is not None and (phones.mobile or phones.others):
            return phones.mobile or phones.others[0]
        text = cell_text(value)
        if len(text) > limit:
            raise RuleError("text", _("内容太长（最多 {n} 个字符）。", n=limit))
        return text

    return parse


def _note(value: Cell) -> str:
    return normalize_note(value) if type(value) is str else cell_text(value)


def _procedure(value: Cell) -> str:
    name = cell_text(value)
    if len(name) > 64:
        raise RuleError("procedure", _("项目名称太长（最多 64 个字符）。"))
    return name


# The footer a hospital system prints under a sheet: 制表人：张三　打印时间：2026-11-30.
_FOOTER_STARTS = frozenset("制打审复操经导")
_FOOTER = re.compile(r"^\s*(?:制表人?|制表日期|制表时间|打印人|打印时间|打印日期|审核人|复核人"
                     r"|操作员|经办人|导出人|导出时间|导出日期)\s*[:：]")


def _row_is_summary(row: Sequence[Cell]) -> bool:
    # A total row names itself in one of its first filled cells: 合计 / 总计 / 小计; a footer
    # starts with who made or printed the sheet.
    seen = 0
    for value in row:
        if value is None or value == "":
            continue
        if is_summary_label(value) or (seen == 0 and type(value) is str
                                       and (value[:1] in _FOOTER_STARTS or value[:1].isspace())
                                       and _FOOTER.match(value) is not None):
            return True
        seen += 1
        if seen >= 3:
            return False
    return False


def clean_sheet(
    rows: Sequence[Sequence[Cell]], *, header_index: int, mapping: Mapping[int, str],
    labels: Sequence[str], today: date, sources: Sequence[str],
    check: Callable[[], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    copied: Mapping[tuple[int, int], int] | None = None,
) -> CleanedSheet:
    """Every row under the header, cleaned; rejected rows keep their original values.
    ``copied``: the (row, column) cells the reader filled from a merged range above them, each
    with the range's first row; in a money column such a copy is dropped (``MERGED_SUMS``)
    when the rows are one patient's, so a sum merged over their visit rows counts once."""
    result = CleanedSheet()
    by_key = {key: labels[i] if i < len(labels) and labels[i] else field_label(key)
              for i, key in mapping.items()}
    columns = sorted(mapping.items())
    data = rows[header_index + 1:]
    narrowest = min(map(len, data), default=0)

    def extract(col: int) -> list[Cell]:
        if col < narrowest:  # calamine's rows are all the sheet's width: the fast path
            return list(map(itemgetter(col), data))
        return [r[col] if col < len(r) else "" for r in data]

    everything = {key: extract(col) for col, key in columns}
    if copied:
        money = {col: key for col, key in columns if key in MERGED_SUMS}
        names = everything.get("name")
        for (row, col), top in copied.items():
            if col not in money or top <= header_index:
                continue
            at, first = row - header_index - 1, top - header_index - 1
            # Merged over one patient's rows: one sum. Over several patients' (WPS merges
            # equal neighbouring cells): each row's own value, as written.
            if names is None or names[at] == names[first]:
                everything[money[col]][at] = MERGED_SUMS[money[col]]
    if check is not None:
        check()
    # A row is blank when every mapped cell is empty (0 counts as empty; a row of spaces is
    # caught below, where it has no name).
    filled = list(map(any, zip(*everything.values(), strict=True))) if everything else []
    kept_positions: list[int] = []
    for position, is_filled in enumerate(filled):
        if not is_filled:
            result.blank += 1
        elif _row_is_summary(data[position]):
            result.summary += 1
        else:
            kept_positions.append(position)
    kept = [header_index + 1 + p for p in kept_positions]
    result.rows_read = len(filled)
    if progress is not None:
        progress(len(filled) // 3, len(filled))

    def column(key: str) -> list[Cell]:
        values = everything[key]
        if len(kept_positions) == len(values):
            return values  # nothing dropped
        return list(map(values.__getitem__, kept_positions))

    raw = {key: column(key) for key in everything}
    formula_errors = [(kept[p], key, str(v)) for key, values in raw.items()
                      if EXCEL_ERRORS.intersection(values)
                      for p, v in enumerate(values) if is_excel_error(v)]
    if formula_errors:
        row_number, key, value = min(formula_errors)
        raise UnusableFile(_("第 {row} 行“{column}”列是公式错误 {value}（全表共 {n} 处）：请在 "
                             "Excel 中修正这些单元格后再导入。", row=row_number + 1,
                             column=by_key[key], value=value, n=len(formula_errors)))
    if check is not None:
        check()

    def parsed(key: str, parse: Callable[[Cell], Any]) -> _Parsed:
        return _Parsed(raw.get(key) or [None] * len(kept), parse)

    fields = {
        "name": parsed("name", _name),
        "sex": parsed("sex", parse_sex),
        "birth_date": parsed("birth_date", lambda v: parse_date(v, today=today,
                                                                field="birth_date")),
        "age": parsed("age", lambda v: birth_from_age(v, today=today)),
        "mobile": parsed("mobile", parse_phones),
        "phone2": parsed("phone2", cell_text),
        "id_number": parsed("id_number", lambda v: parse_id(v, today=today)),
        "first_visit_date": parsed("first_visit_date", lambda v: parse_date(
            v, today=today, field="first_visit_date")),
        "wechat": parsed("wechat", _text_limit(64)),
        "email": parsed("email", _email),
        "occupation": parsed("occupation", _text_limit(64)),
        "address": parsed("address", _text_limit(255)),
        "source": parsed("source", cell_text),
        "allergies": parsed("allergies", cell_text),
        "referrer": parsed("referrer", _text_limit(64, person=True)),
        "referrer_phone": parsed("referrer_phone", _loose_phone(32)),
        "tags": parsed("tags", _tags),
        "record_no": parsed("record_no", _text_limit(32)),
        "emergency_contact": parsed("emergency_contact", _text_limit(64, person=True)),
        "emergency_phone": parsed("emergency_phone", _loose_phone(32)),
        "notes": parsed("notes", _note),
        "visit_date": parsed("visit_date", lambda v: parse_date(v, today=today,
                                                                field="visit_date")),
        "procedure": parsed("procedure", _procedure),
        "site": parsed("site", cell_text),
        "amount": parsed("amount", lambda v: parse_amount(v, field="amount")),
        "paid": parsed("paid", parse_paid),
        "discount": parsed("discount", lambda v: parse_amount(v, field="discount")),
        "method": parsed("method", cell_text),
        "doctor": parsed("doctor", cell_text),
        "visit_notes": parsed("visit_notes", _note),
        "stored_value": parsed("stored_value", money_balance(by_key.get(
            "stored_value", field_label("stored_value")))),
        "owed": parsed("owed", money_balance(by_key.get("owed", field_label("owed")))),
        "points": parsed("points", points_balance(by_key.get("points",
                                                              field_label("points")))),
        "tier": parsed("tier", tier_name(by_key.get("tier", field_label("tier")))),
    }
    if check is not None:
        check()
    assembler = _Assembler(fields, raw, by_key, set(sources), result, today)
    names = fields["name"].values
    for position, (index, values) in enumerate(zip(kept, assembler.cells(), strict=True)):
        if not names[position] and all(not v or (type(v) is str and v.isspace())
                                       for v in (column[position] for column in raw.values())):
            result.blank += 1  # only spaces: blank to the eye, so blank here
            continue
        clean = assembler.row(position, index + 1, values)
        if clean is None:
            result.rejected += 1
            # As written (（本人） stays full-width): the manager fixes and imports it again.
            result.originals[index + 1] = [_shown(v) if type(v) is str else cell_text(v)
                                           for v in rows[index]]
        else:
            result.rows.append(clean)
    return result


# The cleaned fields a row is assembled from, in the order ``_Assembler.cells`` gives them.
_ROW_FIELDS = ("name", "sex", "birth_date", "age", "mobile", "phone2", "id_number", "wechat",
               "email", "occupation", "address", "source", "first_visit_date", "allergies",
               "referrer", "referrer_phone", "tags", "emergency_contact", "emergency_phone",
               "notes", "visit_date", "procedure", "site", "amount", "discount", "paid", "method",
               "doctor", "visit_notes", "stored_value", "owed", "points", "tier", "record_no")
_NO_ALLERGY = ("无", "否", "没有", "-", "/", "none", "None")
# 否认药物过敏史, 无过敏史, 无药物过敏: a history of none, not an allergy to add up.
_DENIED = re.compile(r"^(?:否认|无|没有)[^，,；;]*过敏[史]?$")


# Fields a row can do without: a value the rules refuse is warned about and kept in the
# patient's notes instead of refusing the row (and with it the visit and its payment). The
# name, the mobile (who the person is), the visit's date and money are not among them.
SOFT_FIELDS = frozenset({"sex", "age", "birth_date", "id_number", "wechat", "occupation",
                         "address", "tags", "emergency_contact", "emergency_phone", "referrer",
                         "referrer_phone", "first_visit_date", "points", "tier", "discount",
                         "record_no"})
# Payment methods that mean nothing was paid at the visit (on credit), or nothing charged: the
# words a payment cell uses for them (``parse_paid``), found anywhere in the method's text.
_CREDIT = re.compile("|".join(sorted(UNPAID_WORDS)))
_FREE = re.compile("|".join(FREE_WORDS))


_ZERO = Decimal("0.00")


class _Assembler:
    """Puts one row's cleaned fields together, with the checks that span fields.

    The rows come as tuples of their cleaned fields (``cells``: one ``zip`` over the columns),
    so a row costs a tuple unpacking, not a look-up per field; the rare row with a refused
    cell goes through the checks that name the column."""

    def __init__(self, fields: dict[str, _Parsed], raw: dict[str, list[Cell]],
                 labels: dict[str, str], sources: set[str], result: CleanedSheet,
                 today: date) -> None:
        self.f = {key: parsed.values for key, parsed in fields.items()}
        self.today = today
        self.failures = [(key, parsed.failures) for key, parsed in fields.items()
                         if parsed.failures]
        self.refused: set[int] = set().union(*(failures for _key, failures in self.failures))
        self.name_failures = fields["name"].failures
        self.raw = raw
        self.labels = labels
        self.sources = sources
        self.result = result
        self.other = _("其他") if _("其他") in sources else ""
        self.visit_word = _("就诊")
        self.broken = _broken_reason()  # a damaged cell refuses its row, whichever field
        self.visit_given = _any_given([raw[k] for k in VISIT_FIELDS if k in raw],
                                      len(fields["name"].values))
        self.has_opening = any(k in raw for k in BALANCE_FIELDS)
        # Name cells with a remark after the name (张伟 (VIP)): their text goes into the notes.
        self.remarked = {written for written in set(raw.get("name", ()))
                         if type(written) is str and not written.isalpha()
                         and _without_remark(text := without_han_padding(cell_text(written)))
                         != text}
        self.methods: dict[str, str | None] = {}
        self.credit: dict[str, str] = {}  # payment method text → "free", "credit" or ""
        # The parent's phone as the child's mobile (家长电话): also the contact's phone.
        self.guardian_mobile = "mobile" in raw and "emergency_phone" not in raw \
            and is_guardian_label(labels.get("mobile", ""))

    def cells(self) -> Iterator[tuple[Any, ...]]:
        """Each kept row's cleaned fields (``_ROW_FIELDS`` order) and whether it has a visit."""
        return zip(*(self.f[key] for key in _ROW_FIELDS), self.visit_given, strict=True)

    def fail(self, row: int, key: str, value: Cell, reason: str) -> None:
        self.result.errors.append(Problem(row, _shown(self.labels.get(key, field_label(key))),
                                          _shown(cell_text(value)), reason))

    def row(self, p: int, row: int, values: tuple[Any, ...]) -> CleanRow | None:
        (name, sex, birth_date, age, phones, phone2_text, card, wechat, email, occupation,
         address, source, first_visit, allergies, referrer, referrer_phone, tags, emergency_contact,
         emergency_phone, notes_text, visit_date, procedure, site, amount, discount, paid,
         method_text, doctor, visit_notes, stored_value, owed, points, tier, record_no,
         visit_given) = values
        failed = False
        kept_aside: list[str] = []
        if p in self.refused:
            for key, failures in self.failures:
                if p in failures:
                    if key == "age" and birth_date is not None:
                        continue  # a birth date was given: the age is not used
                    if key in SOFT_FIELDS and failures[p] != self.broken:
                        kept_aside.append(self.aside(row, key, self.raw[key][p], failures[p]))
                        continue
                    self.fail(row, key, self.raw[key][p], failures[p])
                    failed = True
        if not name and p not in self.name_failures:  # refused above: not also "empty"
            self.fail(row, "name", "", _("姓名为空。"))
            failed = True
        visit = None
        if visit_given:
            if visit_date is None:
                if self.raw.get("visit_date", [None] * (p + 1))[p] in (None, ""):
                    self.fail(row, "visit_date", "", _("有治疗项目或金额，但没有就诊日期。"))
                return None
            if visit_date.approximate:
                self.fail(row, "visit_date", self.raw["visit_date"][p],
                          _("就诊日期只有年份或年月，缺少具体日期。"))
                return None
            if failed:
                return None
            method_text = method_text or ""
            if amount and paid is None and method_text:
                discount, paid = self._on_credit(method_text, amount, discount)
            elif amount and paid == 0 and "paid" in self.raw \
                    and _FREE.search(cell_text(self.raw["paid"][p])):
                discount = amount  # 实收 免费/免单: the whole charge taken off, not owed
            if discount:
                discount = self._discount(row, p, amount, discount, paid)
            visit = VisitFields(
                visit_date=visit_date.value, procedure=procedure or self.visit_word,
                procedure_given=bool(procedure), site=(site or "")[:64], amount=amount,
                paid=paid, method=self._method(method_text) if method_text else None,
                discount=discount,
                method_text=method_text, doctor=doctor or "", notes=visit_notes or "")
        if failed:
            return None
        if birth_date is None and age is not None and visit is not None:
            # A sheet writes the age at the visit (a child of 5 in a 2019 row was born about
            # 2014), not at the import.
            years = self.today.year - age.value.year
            age = LegacyDate(min(date(visit.visit_date.year - years, 7, 1), visit.visit_date),
                             approximate=True)
        birth = birth_date or age
        # A birth worked out from an age is rough: it is not checked against the visits.
        exact_birth = birth_date is not None
        notes = [notes_text] if notes_text else []
        notes.extend(kept_aside)
        if record_no:
            notes.append(_("病历号：{value}", value=record_no))
        if self.remarked and (written := self.raw["name"][p]) in self.remarked:
            notes.append(_("姓名：{value}", value=_shown(cell_text(written))))
        if phones is not None and phones.written:
            notes.append(_("电话：{phones}", phones=phones.written))
        others = list(phones.others) if phones else []
        if phone2_text:
            others.append(phone2_text)
        phone2 = " / ".join(others) or None
        if phone2 and len(phone2) > 32:
            notes.append(_("电话：{phones}", phones=phone2))
            phone2 = phone2[:32]
        source = source or None
        if source and source not in self.sources:
            notes.append(_("来源：{source}", source=source))
            source = self.other or None
        if allergies in _NO_ALLERGY or (allergies and _DENIED.match(allergies)):
            allergies = None
        if email is not None and email.address is None:
            notes.append(_("邮箱：{value}", value=email.written))
            self.result.warnings.append(Problem(
                row, self.labels.get("email", field_label("email")), _shown(email.written),
                _("不是有效的邮箱地址：已记在备注里，没有作为邮箱导入。")))
        person = PersonFields(
            name=name, sex=sex, birth_date=birth.value if birth else None,
            birth_approximate=birth.approximate if birth else False,
            mobile=phones.mobile if phones else None, phone2=phone2, wechat=wechat,
            email=email.address if email is not None else None,
            occupation=occupation, address=address, source=source,
            first_visit_date=first_visit.value if first_visit else None,
            allergies=allergies or None, notes="\n".join(notes),
            emergency_contact=emergency_contact or None,
            emergency_phone=emergency_phone or (phones.mobile if self.guardian_mobile and phones
                                                else None),
            referrer=referrer or None, referrer_phone=referrer_phone or None,
            tags=tags or (), record_no=record_no or None)
        if card is not None:
            typed_birth = None if person.birth_approximate else person.birth_date
            for message in check_conflicts(card, birth_date=typed_birth, sex=person.sex):
                self.result.warnings.append(Problem(
                    row, self.labels.get("id_number", field_label("id_number")), card.number,
                    message + _("已按身份证导入。")))
            person.id_number, person.sex, person.birth_date = card.number, card.sex, \
                card.birth_date
            person.birth_approximate = False
        born = person.birth_date
        if visit is not None and born is not None and (exact_birth or card is not None) and (
                visit.visit_date.year < born.year if person.birth_approximate
                else visit.visit_date < born):
            self.result.warnings.append(Problem(
                row, self.labels.get("visit_date", field_label("visit_date")),
                visit.visit_date.isoformat(), _("就诊日期早于出生日期（{born}），请核对。",
                                                born=born.isoformat())))
        opening = None
        if self.has_opening and (stored_value is not None or owed is not None
                                 or points is not None or tier is not None):
            opening = Opening(stored_value, owed, points, tier)
        return CleanRow(row, person, visit, opening)

    def _on_credit(self, method_text: str, amount: Decimal, discount: Decimal | None,
                   ) -> tuple[Decimal | None, Decimal | None]:
        """(discount, paid) of a visit whose payment cell is blank: paid in full, unless the
        payment method says it was on credit (挂账: nothing paid, the charge stays owed) or
        free (免单: the whole charge taken off, so the price is still known)."""
        meaning = self.credit.get(method_text)
        if meaning is None:
            meaning = self.credit[method_text] = "free" if _FREE.search(method_text) else \
                "credit" if _CREDIT.search(method_text) else ""
        if meaning == "free":
            return amount, _ZERO
        if meaning == "credit":
            return discount, _ZERO
        return discount, None

    def _discount(self, row: int, p: int, amount: Decimal | None, discount: Decimal,
                  paid: Decimal | None) -> Decimal | None:
        """The discount, when the row's money agrees with it: taken off an amount before it
        (金额 12000, 优惠 2000, 实收 10000). With no amount, or a payment that already covers
        the amount (应收 800 is after the discount: 实收 800), it is not taken off again —
        that would leave the patient a credit — and a warning says so."""
        if amount is not None and discount <= amount and (
                paid is None or paid + discount <= amount):
            return discount
        label = self.labels.get("discount", field_label("discount"))
        written: Cell = self.raw["discount"][p] if "discount" in self.raw else str(discount)
        reason = _("优惠没有计入：这一行没有金额，无从扣除。") if amount is None else _(
            "优惠没有计入：金额已是优惠后的数目，或实收加优惠超过了金额。")
        self.result.warnings.append(Problem(row, _shown(label), _shown(cell_text(written)),
                                            reason))
        return None

    def aside(self, row: int, key: str, value: Cell, reason: str) -> str:
        """A refused value of a field the row can do without: warned about, and returned as
        a line for the patient's notes (the row and its visit are kept, nothing is lost)."""
        label = _shown(self.labels.get(key, field_label(key)))
        written = _shown(cell_text(value))
        self.result.warnings.append(Problem(row, label, written, reason + _(
            "这一项没有导入，原文已记在备注里。")))
        return _("{label}：{value}", label=label, value=written)

    def _method(self, text: str) -> str | None:
        found = self.methods.get(text, _UNSEEN)
        if found is _UNSEEN:
            found = self.methods[text] = payment_method(text)
        return found  # type: ignore[return-value]


_UNSEEN = object()


def _any_given(columns: list[list[Cell]], count: int) -> list[bool]:
    """Per row, whether any of these columns has a value (``0`` counts; only ``None`` and
    ``""`` do not), with C loops: ``is not None`` and ``!= ""`` mapped over each column."""
    if not columns:
        return [False] * count
    given = [list(map(and_, map(is_not, column, repeat(None)), map(ne, column, repeat(""))))
             for column in columns]
    return list(map(any, zip(*given, strict=True)))


def group_persons(rows: Sequence[CleanRow], labels: Mapping[str, str] | None = None,
                  ) -> tuple[list[Person], list[Problem]]:
    """Rows of the same person: same ID number, same mobile *and* name, or same name and
    exact birth date; a row known by its name alone joins the person of that name
    (``_join_bare_rows``). A shared mobile under a different name is a relative, not the same
    person (children are often registered under a parent's phone): reported, kept apart.

    Each kind of key is one pass over the rows joining a row to the first row with the same
    key (union-find; a group's root is its first row), so the groups do not depend on the
    order the keys are looked at."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(keys: Iterable[tuple[int, object]]) -> None:
        owner: dict[object, int] = {}
        for i, key in keys:
            first = owner.setdefault(key, i)
            if first != i:
                a, b = find(first), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)

    people = [clean.person for clean in rows]
    join((i, p.id_number) for i, p in enumerate(people) if p.id_number)
    join((i, p.record_no) for i, p in enumerate(people) if p.record_no)
    join((i, (p.mobile, p.name)) for i, p in enumerate(people) if p.mobile)
    join((i, (p.name, p.birth_date)) for i, p in enumerate(people)
         if p.birth_date is not None and not p.birth_approximate)
    notes: list[Problem] = []
    _join_bare_rows(rows, find, join, notes, (labels or {}).get("name") or field_label("name"))
    mobile_label = (labels or {}).get("mobile") or field_label("mobile")
    visit_label = (labels or {}).get("visit_date") or field_label("visit_date")
    mobile_names: dict[str, tuple[str, int]] = {}
    for clean, p in zip(rows, people, strict=True):
        if p.mobile:
            first_seen = mobile_names.setdefault(p.mobile, (p.name, clean.row))
            if first_seen[0] != p.name:
                notes.append(Problem(clean.row, mobile_label, p.mobile, _(
                    "与第 {row} 行（{name}）手机号相同但姓名不同，按两位患者导入（可能是家属）。",
                    row=first_seen[1], name=first_seen[0])))
    groups: dict[int, list[CleanRow]] = {}
    for i, clean in enumerate(rows):
        groups.setdefault(find(i), []).append(clean)
    persons = []
    for members in groups.values():
        if len(members) == 1:  # most people: one row, its fields as they are
            only = members[0]
            if only.visit is not None:
                only.person.first_visit_date = _earliest(only.person.first_visit_date,
                                                         only.visit.visit_date)
            persons.append(Person(members, only.person, only.opening))
            continue
        merged = PersonFields(name=members[0].person.name)
        seen: dict[tuple[Any, ...], int] = {}
        for member in members:
            if member.person.name != merged.name:  # joined by an ID or a record number
                key = "id_number" if member.person.id_number and \
                    member.person.id_number == members[0].person.id_number else "record_no"
                notes.append(Problem(member.row, (labels or {}).get("name")
                                     or field_label("name"), member.person.name, _(
                    "与第 {row} 行（{name}）的{column}相同：按同一位患者导入，姓名用“{name}”；"
                    "如不是同一人，请核对{column}。", row=members[0].row, name=merged.name,
                    column=(labels or {}).get(key) or field_label(key))))
            _fill_empty(merged, member.person)
            v = member.visit
            # Zero and zero: a row under a merged sum (``MERGED_SUMS``), not a second entry.
            if v is not None and not (v.amount == 0 and v.paid == 0):
                first = seen.setdefault((v.visit_date, v.procedure, v.site, v.doctor, v.amount,
                                         v.paid), member.row)
                if first != member.row:
                    notes.append(Problem(member.row, visit_label, v.visit_date.isoformat(), _(
                        "与第 {row} 行是同一人同一天的同一项目、同样金额：按两次就诊导入；"
                        "如是重复录入，请删去一行后撤销重导。", row=first)))
        for member in members:
            for day in (member.person.first_visit_date,
                        member.visit.visit_date if member.visit is not None else None):
                if day is not None:
                    merged.first_visit_date = _earliest(merged.first_visit_date, day)
        opening = merge_openings(members, labels or {}, notes) \
            if any(m.opening is not None for m in members) else None
        persons.append(Person(members, merged, opening))
    return persons, notes


def is_bare(p: PersonFields) -> bool:
    """Nothing but the name tells who the person is: no ID number, mobile or exact birth
    date."""
    return not p.id_number and not p.mobile and (p.birth_date is None or p.birth_approximate)


def same_person_may_be(a: PersonFields, b: PersonFields) -> bool:
    """Whether two records known by the same name alone may be one person: not when their
    sexes differ, nor their births by more than ten years (an age written at each visit of
    a file of years gives births a few years apart for one person; 62 and 8 are two)."""
    if a.sex and b.sex and a.sex != b.sex:
        return False
    return a.birth_date is None or b.birth_date is None or \
        abs(a.birth_date.year - b.birth_date.year) <= 10


def _join_bare_rows(rows: Sequence[CleanRow], find: Callable[[int], int],
                    join: Callable[[Iterable[tuple[int, object]]], None],
                    notes: list[Problem], name_label: str) -> None:
    """A row with only a name (the phone written on one visit row of a patient, not on the
    others) is the one person of that name the file identifies otherwise; with no such
    person, the bare rows of one name are one person. With two or more (two 王建华 with
    different phones) it cannot be told which: the bare rows stay a person of their own, and
    a note says so. Rows whose sex or age says they are someone else stay apart too."""
    bare: dict[str, list[int]] = {}
    # Nearly every row has a mobile or an ID: a comprehension finds the few without.
    for i in [i for i, clean in enumerate(rows) if not clean.person.mobile
              and not clean.person.id_number and is_bare(clean.person)]:
        name = rows[i].person.name
        if name:
            bare.setdefault(name, []).append(i)
    if not bare:
        return
    known: dict[str, dict[int, int]] = {}  # name → group → its first identified row
    for i, clean in enumerate(rows):
        if clean.person.name in bare and not is_bare(clean.person):
            known.setdefault(clean.person.name, {}).setdefault(find(i), i)
    for name, members in bare.items():
        groups = known.get(name, {})
        # Each cluster: the row that speaks for it, and its rows.
        clusters: list[tuple[int, list[int]]] = \
            [(first, [first]) for first in groups.values()] if len(groups) == 1 else []
        for i in members:
            person = rows[i].person
            home = next((c for c in clusters if same_person_may_be(rows[c[0]].person, person)),
                        None)
            if home is None:
                clusters.append((i, [i]))
            else:
                home[1].append(i)
        for number, (_first, cluster) in enumerate(clusters):
            join((i, (name, number)) for i in cluster)
        if len(groups) > 1:
            notes.append(Problem(rows[members[0]].row, name_label, name, _(
                "文件中有 {n} 位同名患者，这一行没有手机号、身份证号或出生日期，无法确定是哪一位："
                "按另一位患者导入。", n=len(groups))))
        elif len(clusters) > 1:
            notes.append(Problem(rows[clusters[1][0]].row, name_label, name, _(
                "同名但性别或年龄不同，按不同患者导入。")))


def _earliest(first_visit: date | None, visit: date) -> date:
    """A first visit is the earliest one known: a 首诊日期 after one of the file's own visits
    (or after another row's 首诊日期) gives way to it."""
    return visit if first_visit is None or visit < first_visit else first_visit


def merge_openings(rows: Sequence[CleanRow], labels: Mapping[str, str],
                   notes: list[Problem]) -> Opening:
    """One person's balances from their rows: for each balance, the value of the latest row
    that has one — the row of the latest visit, or the one further down the sheet when the
    visits tie or are missing (a sheet with one row per visit shows the balance after each
    visit, so the latest is the balance today; adding them up would count it again and
    again). Different values are reported, naming the row whose value was taken."""
    latest = sorted(rows, key=lambda r: (r.visit.visit_date if r.visit is not None
                                         else date.min, r.row))
    merged = Opening()
    for name in BALANCE_FIELDS:
        given = [(r, getattr(r.opening, name)) for r in latest
                 if r.opening is not None and getattr(r.opening, name) is not None]
        if not given:
            continue
        chosen_row, chosen = given[-1]
        setattr(merged, name, chosen)
        others = {str(v) for _r, v in given if v != chosen}
        if others:
            notes.append(Problem(chosen_row.row, labels.get(name) or field_label(name),
                                 str(chosen), _(
                "同一位患者的几行{column}不同（还有 {others}）：按最近就诊的一行（没有就诊日期"
                "时按表中靠后的一行）导入，不相加。", column=labels.get(name) or field_label(name),
                others="、".join(sorted(others)))))
    return merged


PERSON_FIELDS = ("sex", "birth_date", "mobile", "phone2", "id_number", "wechat", "email",
                 "occupation", "address", "source", "first_visit_date", "allergies",
                 "emergency_contact", "emergency_phone", "referrer", "referrer_phone",
                 "record_no")


def with_allergy(notes: str, allergy: str) -> str:
    """Allergy notes with another one added after them, unless they already say it: an
    allergy is never dropped for another."""
    notes = notes.rstrip()
    return notes if allergy in notes else f"{notes}；{allergy}" if notes else allergy


def _fill_empty(target: PersonFields, source: PersonFields) -> None:
    """``source``'s fields where ``target`` has none. Allergies add up (a second row's 磺胺过敏
    beside the first's 青霉素过敏), and a second mobile is kept as the other phone."""
    if source.allergies and target.allergies:
        target.allergies = with_allergy(target.allergies, source.allergies)
    if source.mobile and target.mobile and source.mobile != target.mobile:
        others = [p for p in (target.phone2 or "").split(" / ") if p]
        more = [p for p in (source.mobile, *(source.phone2 or "").split(" / "))
                if p and p != target.mobile and p not in others]
        if more:
            kept: list[str] = []
            for number in dict.fromkeys([*others, *more]):  # whole numbers only, 32 at most
                if len(" / ".join([*kept, number])) > 32:
                    target.notes = "\n".join(filter(None, [target.notes,
                                                            _("电话：{phones}", phones=number)]))
                else:
                    kept.append(number)
            target.phone2 = " / ".join(kept)
    for name in PERSON_FIELDS:
        if getattr(target, name) is None and getattr(source, name) is not None:
            setattr(target, name, getattr(source, name))
            if name == "birth_date":
                target.birth_approximate = source.birth_approximate
    if source.tags:
        target.tags = tuple(dict.fromkeys(target.tags + source.tags))
    if source.notes and source.notes not in target.notes:
        target.notes = "\n".join(filter(None, [target.notes, source.notes]))
