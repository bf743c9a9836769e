"""Rows to clean records: skip blank and total rows, clean every mapped cell, reject a row
with the reasons, and gather the rows of one person (a sheet is often one row per visit).

Pure: no database, no clock (``today`` is passed in). The cancel callback is called between
rows so a long clean can stop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from clinic_desktop.i18n import _
from clinic_desktop.importing.mapping import field_label
from clinic_desktop.importing.reader import UnusableFile
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.idcard import check_conflicts
from clinic_desktop.rules.legacy_values import (
    Cell,
    birth_from_age,
    cell_text,
    is_excel_error,
    is_summary_label,
    parse_amount,
    parse_date,
    parse_id,
    parse_phones,
    parse_sex,
)
from clinic_desktop.rules.text import normalize_text

VISIT_FIELDS = ("visit_date", "procedure", "site", "amount", "paid", "method", "doctor",
                "visit_notes")
PAYMENT_METHODS = (("微信", "微信支付"), ("支付宝", "支付宝"), ("现金", "现金"),
                   ("银行卡", "银行卡"), ("刷卡", "银行卡"), ("pos", "银行卡"), ("医保", "医保"))
TEXT_LIMITS = {"wechat": 64, "occupation": 64, "address": 255}


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
    occupation: str | None = None
    address: str | None = None
    source: str | None = None
    first_visit_date: date | None = None
    allergies: str | None = None
    notes: str = ""


@dataclass(slots=True)
class VisitFields:
    visit_date: date
    procedure: str
    site: str = ""
    amount: Decimal | None = None
    paid: Decimal | None = None
    method: str | None = None
    method_text: str = ""
    doctor: str = ""
    notes: str = ""


@dataclass(slots=True)
class CleanRow:
    row: int
    person: PersonFields
    visit: VisitFields | None


@dataclass(slots=True)
class Person:
    """The rows of one person in the file, and their fields merged (first value wins)."""

    rows: list[CleanRow]
    fields: PersonFields


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


class _RowCleaner:
    def __init__(self, labels: Mapping[str, str], *, today: date,
                 sources: Sequence[str]) -> None:
        self.labels = labels
        self.today = today
        self.sources = set(sources)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.row = 0

    def fail(self, key: str, value: Cell, reason: str) -> None:
        self.problems.append(Problem(self.row, self.labels.get(key, field_label(key)),
                                     cell_text(value), reason))

    def clean(self, values: dict[str, Cell]) -> CleanRow | None:
        self.problems = []
        person = self._person(values)
        visit = self._visit(values)
        if self.problems or person is None:
            return None
        return CleanRow(self.row, person, visit)

    def _text(self, values: dict[str, Cell], key: str) -> str:
        text = cell_text(values.get(key))
        limit = TEXT_LIMITS.get(key)
        if limit and len(text) > limit:
            self.fail(key, text, _("内容太长（最多 {n} 个字符）。", n=limit))
        return text

    def _person(self, values: dict[str, Cell]) -> PersonFields | None:
        name = cell_text(values.get("name"))
        if not name:
            self.fail("name", "", _("姓名为空。"))
        elif len(name) > 64:
            self.fail("name", name, _("姓名太长（最多 64 个字符）。"))
        person = PersonFields(name=name)
        notes: list[str] = []
        try:
            person.sex = parse_sex(values.get("sex"))
        except RuleError as error:
            self.fail("sex", values.get("sex"), error.message)
        try:
            birth = parse_date(values.get("birth_date"), today=self.today, field="birth_date")
            if birth is None and values.get("age") not in (None, ""):
                birth = birth_from_age(values.get("age"), today=self.today)
            if birth is not None:
                person.birth_date, person.birth_approximate = birth.value, birth.approximate
        except RuleError as error:
            self.fail(error.field, values.get(error.field), error.message)
        try:
            phones = parse_phones(values.get("mobile"))
            if phones is not None:
                person.mobile = phones.mobile
                others = list(phones.others)
            else:
                others = []
            extra = cell_text(values.get("phone2"))
            if extra:
                others.append(extra)
            if others:
                joined = " / ".join(others)
                person.phone2 = joined if len(joined) <= 32 else joined[:32]
                if len(joined) > 32:
                    notes.append(_("电话：{phones}", phones=joined))
        except RuleError as error:
            self.fail("mobile", values.get("mobile"), error.message)
        try:
            card = parse_id(values.get("id_number"), today=self.today)
            if card is not None:
                person.id_number = card.number
                typed_birth = None if person.birth_approximate else person.birth_date
                for message in check_conflicts(card, birth_date=typed_birth, sex=person.sex):
                    self.warnings.append(Problem(self.row, self.labels.get(
                        "id_number", field_label("id_number")), card.number,
                        message + _("已按身份证导入。")))
                person.sex, person.birth_date = card.sex, card.birth_date
                person.birth_approximate = False
        except RuleError as error:
            self.fail("id_number", values.get("id_number"), error.message)
        try:
            first = parse_date(values.get("first_visit_date"), today=self.today,
                               field="first_visit_date")
            person.first_visit_date = first.value if first else None
        except RuleError as error:
            self.fail("first_visit_date", values.get("first_visit_date"), error.message)
        person.wechat = self._text(values, "wechat") or None
        person.occupation = self._text(values, "occupation") or None
        person.address = self._text(values, "address") or None
        source = cell_text(values.get("source"))
        if source and source not in self.sources:
            notes.append(_("来源：{source}", source=source))
            source = _("其他") if _("其他") in self.sources else ""
        person.source = source or None
        person.allergies = cell_text(values.get("allergies")) or None
        if person.allergies in ("无", "否", "没有", "-", "/", "none", "None"):
            person.allergies = None
        note = normalize_text(values.get("notes"))
        person.notes = "\n".join([*(n for n in [note] if n), *notes])
        return person if name else None

    def _visit(self, values: dict[str, Cell]) -> VisitFields | None:
        if all(values.get(k) in (None, "") for k in VISIT_FIELDS):
            return None
        visit_date, date_failed = None, False
        try:
            parsed = parse_date(values.get("visit_date"), today=self.today, field="visit_date")
            visit_date = parsed.value if parsed else None
            if parsed is not None and parsed.approximate:
                self.fail("visit_date", values.get("visit_date"),
                          _("就诊日期只有年份或年月，缺少具体日期。"))
        except RuleError as error:
            self.fail("visit_date", values.get("visit_date"), error.message)
            date_failed = True
        amount = paid = None
        for key in ("amount", "paid"):
            try:
                value = parse_amount(values.get(key), field=key)
            except RuleError as error:
                self.fail(key, values.get(key), error.message)
                continue
            if key == "amount":
                amount = value
            else:
                paid = value
        if visit_date is None:
            if not date_failed:
                self.fail("visit_date", "", _("有治疗项目或金额，但没有就诊日期。"))
            return None
        procedure = cell_text(values.get("procedure")) or _("就诊")
        if len(procedure) > 64:
            self.fail("procedure", procedure, _("项目名称太长（最多 64 个字符）。"))
        method_text = cell_text(values.get("method"))
        return VisitFields(
            visit_date=visit_date, procedure=procedure[:64],
            site=cell_text(values.get("site"))[:64], amount=amount, paid=paid,
            method=payment_method(method_text) if method_text else None,
            method_text=method_text, doctor=cell_text(values.get("doctor")),
            notes=normalize_text(values.get("visit_notes")))


def _row_is_summary(row: Sequence[Cell]) -> bool:
    # A total row names itself in one of its first filled cells: 合计 / 总计 / 小计.
    seen = 0
    for value in row:
        if value is None or value == "":
            continue
        if is_summary_label(value):
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
) -> CleanedSheet:
    """Every row under the header, cleaned; rejected rows keep their original values."""
    result = CleanedSheet()
    by_key = {key: labels[i] if i < len(labels) and labels[i] else field_label(key)
              for i, key in mapping.items()}
    cleaner = _RowCleaner(by_key, today=today, sources=sources)
    columns = sorted(mapping.items())
    formula_errors: list[Problem] = []
    total = len(rows) - header_index - 1
    for index in range(header_index + 1, len(rows)):
        if check is not None and index % 2000 == 0:
            check()
            if progress is not None:
                progress(index - header_index, total)
        row = rows[index]
        values = {key: row[col] for col, key in columns if col < len(row)}
        if all(v is None or v == "" or (isinstance(v, str) and not v.strip())
               for v in values.values()):
            result.blank += 1
            continue
        if _row_is_summary(row):
            result.summary += 1
            continue
        result.rows_read += 1
        cleaner.row = index + 1
        for key, value in values.items():
            if is_excel_error(value):
                formula_errors.append(Problem(index + 1, by_key[key], str(value), ""))
        clean = cleaner.clean(values)
        if clean is None:
            result.rejected += 1
            result.errors.extend(cleaner.problems)
            result.originals[index + 1] = [cell_text(v) for v in row]
        else:
            result.rows.append(clean)
    if formula_errors:
        first = formula_errors[0]
        raise UnusableFile(_("第 {row} 行“{column}”列是公式错误 {value}（全表共 {n} 处）：请在 "
                             "Excel 中修正这些单元格后再导入。", row=first.row,
                             column=first.column, value=first.value, n=len(formula_errors)))
    result.rows_read += result.blank + result.summary
    result.warnings = cleaner.warnings
    return result


def group_persons(rows: Sequence[CleanRow]) -> tuple[list[Person], list[Problem]]:
    """Rows of the same person: same ID number, same mobile *and* name, or same name and
    exact birth date. A shared mobile under a different name is a relative, not the same
    person (children are often registered under a parent's phone): reported, kept apart."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, ...], int] = {}
    mobile_names: dict[str, tuple[str, int]] = {}
    notes: list[Problem] = []
    for i, clean in enumerate(rows):
        p = clean.person
        keys: list[tuple[str, ...]] = []
        if p.id_number:
            keys.append(("i", p.id_number))
        if p.mobile:
            keys.append(("m", p.mobile, p.name))
            first = mobile_names.setdefault(p.mobile, (p.name, clean.row))
            if first[0] != p.name:
                notes.append(Problem(clean.row, field_label("mobile"), p.mobile, _(
                    "与第 {row} 行（{name}）手机号相同但姓名不同，按两位患者导入（可能是家属）。",
                    row=first[1], name=first[0])))
        if p.birth_date is not None and not p.birth_approximate:
            keys.append(("n", p.name, p.birth_date.isoformat()))
        for key in keys:
            if key in owner:
                a, b = find(owner[key]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = i
    groups: dict[int, list[CleanRow]] = {}
    for i, clean in enumerate(rows):
        groups.setdefault(find(i), []).append(clean)
    persons = []
    for members in groups.values():
        merged = PersonFields(name=members[0].person.name)
        for member in members:
            _fill_empty(merged, member.person)
        visit_dates = [m.visit.visit_date for m in members if m.visit is not None]
        if merged.first_visit_date is None and visit_dates:
            merged.first_visit_date = min(visit_dates)
        persons.append(Person(members, merged))
    return persons, notes


PERSON_FIELDS = ("sex", "birth_date", "mobile", "phone2", "id_number", "wechat", "occupation",
                 "address", "source", "first_visit_date", "allergies")


def _fill_empty(target: PersonFields, source: PersonFields) -> None:
    for name in PERSON_FIELDS:
        if getattr(target, name) is None and getattr(source, name) is not None:
            setattr(target, name, getattr(source, name))
            if name == "birth_date":
                target.birth_approximate = source.birth_approximate
    if source.notes and source.notes not in target.notes:
        target.notes = "\n".join(filter(None, [target.notes, source.notes]))
