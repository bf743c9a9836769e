"""What the names in a legacy sheet's procedure and doctor columns mean: the rules that
suggest a catalogue entry or a staff member for each distinct name, and the choices a manager
makes over them (the wizard's values step, a mapping profile, the CLI's mapping file).

Pure: the catalogue and the staff list come in as plain tuples, the synonyms from
``resources/templates/procedure_synonyms.json`` and which procedures start a care plan from
``resources/templates/care_plans.json`` (or the plans given).

A choice is one of:
- ``match``: an existing catalogue entry or staff member, by name (``"种植牙"``);
- ``new``: a procedure added to the catalogue by the import (``{"new": "牙齿美白",
  "category": "修复"}``);
- ``inactive``: a doctor who has left, added as an inactive doctor (``{"inactive": "张伟"}``);
- ``none``: kept as the sheet wrote it, linked to nothing (``null``).

The same choices carry what the sheet's membership tiers become (``"tier"``, see
``importing.balances``): ``"金卡"``, ``{"new": "钻石"}`` or ``null``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from clinic_desktop.i18n import _
from clinic_desktop.rules.care_plans import CarePlan, plans_from_json

COLUMNS = ("procedure", "doctor")
CHOICE_COLUMNS = (*COLUMNS, "tier")  # what a mapping's ``values`` may hold
ACTIONS = ("match", "new", "inactive", "none")
OTHER_CATEGORY = "其他"
SYNONYMS_RESOURCE = "templates/procedure_synonyms.json"
PLANS_RESOURCE = "templates/care_plans.json"
# 李医生, 王大夫, 陈主任, 欧阳医师: a surname and how the clinic addressed the doctor.
_TITLES = ("主任医师", "副主任", "医生", "大夫", "医师", "主任", "院长", "老师", "dr")
_TITLE = re.compile("(?:" + "|".join(_TITLES) + ")$")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ValueChoice:
    action: str  # match, new, inactive, none
    target: str = ""  # the catalogue entry or staff member; the new entry's name
    category: str = ""  # a new procedure's category

    def as_json(self) -> Any:
        if self.action == "match":
            return self.target
        if self.action == "new":
            return {"new": self.target, "category": self.category} if self.category \
                else {"new": self.target}
        if self.action == "inactive":
            return {"inactive": self.target}
        return None


# {"procedure": {legacy name: choice}, "doctor": {…}}
ValueChoices = dict[str, dict[str, ValueChoice]]


@dataclass(frozen=True)
class ValueMatch:
    """One distinct name of the file, how many rows carry it, and what it becomes."""

    column: str  # procedure or doctor
    value: str  # as the sheet wrote it
    rows: int
    choice: ValueChoice
    reason: str
    chosen: bool = False  # from a mapping (the wizard, a profile, a file), not a suggestion

    def as_json(self) -> dict[str, Any]:
        return {"column": self.column, "value": self.value, "rows": self.rows,
                "action": self.choice.action, "to": self.choice.target,
                "category": self.choice.category, "reason": self.reason,
                "chosen": self.chosen}


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    category: str
    active: bool = True


@dataclass(frozen=True)
class StaffEntry:
    name: str
    is_doctor: bool
    active: bool = True


def key(text: str) -> str:
    """The form names are compared in: full-width folded, lower case, no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


# -- synonyms ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SynonymGroup:
    names: tuple[str, ...]
    category: str


def parse_synonyms(text: str) -> tuple[SynonymGroup, ...]:
    data = json.loads(text)
    groups = data.get("groups", []) if isinstance(data, dict) else data
    return tuple(SynonymGroup(tuple(str(n) for n in g["names"]), str(g.get("category") or
                                                                   OTHER_CATEGORY))
                 for g in groups if g.get("names"))


@lru_cache(maxsize=1)
def shipped_synonyms() -> tuple[SynonymGroup, ...]:
    from clinic_desktop.package_data import resource

    return parse_synonyms(resource(SYNONYMS_RESOURCE).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def shipped_plans() -> tuple[CarePlan, ...]:
    from clinic_desktop.package_data import resource

    return tuple(plans_from_json(resource(PLANS_RESOURCE).read_text(encoding="utf-8")))


# -- a name that holds a procedure's name ---------------------------------------------------
# What stands around the procedure in a cell, in ``key`` form: FDI tooth numbers (36, #46,
# 种植牙-46; primary 51-85), 左上6 / 右下E, the eye (左眼白内障手术), punctuation.
_TOOTH = re.compile(r"(?:[左右][上下]|[上下][左右])[1-8a-e](?![0-9])"
                    r"|#?(?<![0-9a-z])(?:[1-4][1-8]|[5-8][1-5])(?![0-9])")
_EYE = re.compile("左眼|右眼|双眼|单眼")
_NOT_WORD = re.compile(r"[\W_]+")
# Between the procedures of one cell: 洗牙、涂氟, 超乳+IOL, 全飞秒;ICL (``key`` has folded
# the full-width ones).
_PARTS = re.compile(r"[+、,;/&|]|及")
# A review or a later stage of a treatment: never the procedure that starts its plan
# (种植复查, 全飞秒术后1月复查, 种植二期). Anywhere in the cell …
_REVIEW = ("复查", "复诊", "术后", "拆线", "维护", "随访", "回访", "二期", "三期")
# … or, for these, beside the surgery's name in the same part (白内障术前检查, 正畸调整,
# 种植体取出, and the later stages of an implant: 种植牙冠, 种植基台, 种植导板, 种植修复;
# but 洗牙、口腔检查 is still a cleaning).
# Before the treatment, the same: a consultation, a booking, a plan or a deposit (种植咨询,
# 预约种植, 全飞秒定金) is not the surgery.
_REVIEW_BESIDE = ("检查", "调整", "取", "冠", "基台", "导板", "上部", "修复", "印模", "咨询",
                  "预约", "方案", "定金", "订金", "首付", "尾款", "押金", "面诊", "评估")


# The same positions as written, to keep: 36, #46, 左上6 (a number of months, days, times or
# degrees is not a tooth: 术后12个月复查).
_TOOTH_AT = re.compile(r"(?:[左右][上下]|[上下][左右])[1-8A-Ea-e](?![0-9])"
                       r"|(?<![0-9.])#?(?:[1-4][1-8]|[5-8][1-5])"
                       r"(?![0-9.]|\s*(?:个|月|天|周|年|次|岁|号|日|小时|度|%|mm))")


def site_in(name: str) -> str:
    """The tooth positions or the eye a procedure cell names, for the treatment's site when
    the sheet has no 牙位 of its own: 36种植 → 36, 根管治疗46、47 → 46、47, 左眼白内障手术 →
    左眼."""
    text = unicodedata.normalize("NFKC", name)
    found = [m.group(0).lstrip("#") for m in _TOOTH_AT.finditer(text)] + _EYE.findall(text)
    return "、".join(dict.fromkeys(found))[:64]


def _bare(text: str) -> str:
    """A cell's part in ``key`` form without tooth positions, eye and punctuation."""
    return _NOT_WORD.sub("", _EYE.sub("", _TOOTH.sub("", text)))


@dataclass(frozen=True)
class _Term:
    """A catalogue name or a synonym, and what a name holding it becomes."""

    text: str  # as written in the catalogue or the synonyms
    bare: str
    choice: ValueChoice
    starts_plan: bool

    def rank(self) -> tuple[bool, bool, int]:
        return self.starts_plan, self.choice.action == "match", len(self.bare)


# -- suggestions -------------------------------------------------------------------------
# Between two doctors' names in one cell: 李医生/王医生, 李医生、王医生, 李医生 + 王医生 (a
# plain comma only between Chinese names: "Smith, John" is one doctor).
_SEVERAL = re.compile(r"\s*[/／、，;；&＆+＋]\s*|\s+和\s*")
_HAN_COMMA = re.compile(r"(?<=[\u3400-\u9fff])\s*,\s*(?=[\u3400-\u9fff])")


def doctor_names(text: str) -> list[str]:
    """The names a doctor cell holds (``Matcher.doctor`` takes the first)."""
    return [n for n in _SEVERAL.split(_HAN_COMMA.sub("、", text.strip())) if n]


def several_doctors(text: str) -> bool:
    return len(doctor_names(text)) > 1


def _as_one_doctor(name: str, bare: str) -> str:
    """The inactive doctor a cell becomes: a full name without its title (李建国主任 and
    李建国 are one); a surname with the word for doctor as 李医生 (李医生, 李 医生, 李大夫 and
    李医师 are one); other names as written, without padding between Han characters."""
    written = key(name)
    if bare and bare != written and _HAN_NAME.fullmatch(bare):
        if len(bare) >= 2:
            return bare
        if written[len(bare):] in _WORDS_FOR_DOCTOR:
            return bare + "医生"
    return _HAN_SPACE.sub("", name)


_WORDS_FOR_DOCTOR = frozenset({"医生", "大夫", "医师"})  # 李医生 = 李大夫; 李主任 may not be
_HAN_NAME = re.compile(r"[\u3400-\u9fff·]+")
_HAN_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


class Matcher:
    """Suggests a choice for each distinct name, from the catalogue, the staff and synonyms."""

    def __init__(self, catalogue: Sequence[CatalogueEntry], staff: Sequence[StaffEntry], *,
                 synonyms: Sequence[SynonymGroup] | None = None,
                 categories: Iterable[str] = (),
                 plans: Sequence[CarePlan] | None = None) -> None:
        self.catalogue: dict[str, CatalogueEntry] = {}
        for entry in sorted(catalogue, key=lambda e: not e.active):  # the active one first
            self.catalogue.setdefault(key(entry.name), entry)
        self.groups: dict[str, SynonymGroup] = {}
        groups = tuple(synonyms if synonyms is not None else shipped_synonyms())
        for group in groups:
            for name in group.names:
                self.groups.setdefault(key(name), group)
        self.plans = tuple(plans if plans is not None else shipped_plans())
        # A new entry of these categories starts no plan: the plan names its procedures.
        self.plan_of_category: dict[str, str] = {}
        for plan in self.plans:
            for category in plan.categories if plan.procedures else ():
                self.plan_of_category.setdefault(category, plan.name)
        self.terms = self._terms(groups)
        known = {e.category for e in catalogue} | set(categories)
        self.categories = sorted((c for c in known if c and c != OTHER_CATEGORY),
                                 key=lambda c: (-len(c), c))
        self.staff: dict[str, StaffEntry] = {}
        for person in sorted(staff, key=lambda s: (not s.is_doctor, not s.active)):
            self.staff.setdefault(key(person.name), person)
        self.doctors = [s for s in staff if s.is_doctor]

    def _starts_plan(self, entry: CatalogueEntry) -> bool:
        return any(plan.starts_with(entry.name, entry.category) for plan in self.plans)

    def _terms(self, groups: Sequence[SynonymGroup]) -> tuple[_Term, ...]:
        """Every catalogue name and synonym a name may hold, longest first."""
        terms: dict[str, _Term] = {}
        for entry in self.catalogue.values():
            bare = _bare(key(entry.name))
            if len(bare) >= 2:
                terms.setdefault(bare, _Term(entry.name, bare, ValueChoice("match", entry.name),
                                             self._starts_plan(entry)))
        for group in groups:
            found = next((e for e in map(self.catalogue.get, map(key, group.names)) if e), None)
            choice = ValueChoice("match", found.name) if found else \
                ValueChoice("new", group.names[0], group.category)
            starts = found is not None and self._starts_plan(found)
            for name in group.names:
                bare = _bare(key(name))
                if len(bare) >= 2:
                    terms.setdefault(bare, _Term(name, bare, choice, starts))
        return tuple(sorted(terms.values(), key=lambda t: -len(t.bare)))

    def _new(self, choice: ValueChoice, why: str) -> tuple[ValueChoice, str]:
        """A new entry, its reason saying which plan it does not start."""
        plan = self.plan_of_category.get(choice.category)
        if plan is None:
            return choice, why
        return choice, why + _("（新项目，不开始随访计划“{plan}”）", plan=plan)

    def _held(self, name: str) -> tuple[ValueChoice, str] | None:
        """The catalogue procedure (or synonym) the name holds, once tooth positions, the eye
        and punctuation are gone: the longest one; in a cell of several (洗牙、涂氟) the one
        that starts a care plan. A review (种植复查, 全飞秒术后1月复查) never holds a surgery
        that starts a plan: it is added to that surgery's category instead."""
        cell = key(name)
        review = any(word in _bare(cell) for word in _REVIEW)
        parts = [(part, _bare(part)) for part in _PARTS.split(cell)]
        parts = [(part, bare) for part, bare in parts if bare]
        found: list[tuple[str, _Term]] = []
        blocked: _Term | None = None
        near: _Term | None = None  # a procedure without a plan inside a longer name
        for part, bare in parts:
            beside = review or any(word in bare for word in _REVIEW_BESIDE)
            # A procedure that starts no plan is matched only as the whole part (根管治疗46) or
            # in a review (隐形矫正复诊 is 正畸复诊): held inside another name (散瞳验光 holds
            # 验光, 儿童涂氟 涂氟) it is another procedure, new in the same category.
            inside = [t for t in self.terms if t.bare in bare]
            held = [t for t in inside if t.starts_plan or beside or t.bare == bare]
            near = near or next((t for t in inside if t not in held), None)
            if beside:
                blocked = blocked or next((t for t in held if t.starts_plan), None)
                held = [t for t in held if not t.starts_plan]
            if held:
                found.append((part, max(held, key=_Term.rank)))
        if found:
            part, term = max(found, key=lambda f: f[1].rank())
            if term.choice.action == "match" and key(term.text) == key(term.choice.target):
                why = _("名称中含有“{found}”", found=term.text)
            elif term.choice.action == "match":
                why = _("名称中含有“{found}”（即“{name}”）", found=term.text,
                        name=term.choice.target)
            else:
                why = _("名称中含有同义词“{found}”，“{b}”不在项目目录中，新增到“{category}”",
                        found=term.text, b=term.choice.target, category=term.choice.category)
            if len(parts) > 1:
                why = _("单元格中有 {n} 个项目（{names}），按“{part}”：{why}", n=len(parts),
                        names="、".join(p for p, _b in parts), part=part, why=why)
            return (term.choice, why) if term.choice.action == "match" else \
                self._new(term.choice, why)
        if blocked is not None:
            category = self._category_of(blocked)
            return self._new(ValueChoice("new", name.strip(), category),
                             _("名称中含有“{found}”，但不是这项治疗本身（复查、术前术后、咨询、"
                               "定金或后续阶段），不按“{name}”：新增到“{category}”",
                               found=blocked.text,
                               name=blocked.choice.target, category=category))
        if near is not None:
            category = self._category_of(near)
            if category and category != OTHER_CATEGORY:
                return self._new(ValueChoice("new", name.strip(), category), _(
                    "名称中含有“{found}”，但不只是这一项：新增到同一类别“{category}”",
                    found=near.text, category=category))
        return None

    def _category_of(self, term: _Term) -> str:
        if term.choice.category:
            return term.choice.category
        entry = self.catalogue.get(key(term.choice.target))
        return entry.category if entry is not None else ""

    def procedure(self, name: str) -> tuple[ValueChoice, str]:
        """Exact name, then a synonym, then the catalogue name or synonym the name holds
        (see ``_held``), then the category the name contains, else new."""
        wanted = key(name)
        plain = key(_BRACKETS.sub("", name)) or wanted
        for candidate in dict.fromkeys((wanted, plain)):
            entry = self.catalogue.get(candidate)
            if entry is not None:
                return ValueChoice("match", entry.name), _("与项目目录中的名称相同")
        for candidate in dict.fromkeys((wanted, plain)):
            group = self.groups.get(candidate)
            if group is None:
                continue
            for synonym in group.names:
                entry = self.catalogue.get(key(synonym))
                if entry is not None:
                    return ValueChoice("match", entry.name), _("同义词：{a} = {b}", a=name,
                                                                 b=entry.name)
            return self._new(ValueChoice("new", group.names[0], group.category),
                             _("同义词“{b}”不在项目目录中，新增到“{category}”",
                               b=group.names[0], category=group.category))
        held = self._held(name)
        if held is not None:
            return held
        for category in self.categories:
            if key(category) in plain:
                return self._new(ValueChoice("new", name, category),
                                 _("名称中含有类别“{category}”，新增到该类别", category=category))
        return (ValueChoice("new", name, OTHER_CATEGORY),
                _("项目目录中没有相近的项目，新增到“{category}”", category=OTHER_CATEGORY))

    def doctor(self, name: str) -> tuple[ValueChoice, str]:
        """The staff member of that name, the one doctor of that surname, else inactive. A
        cell naming two (李医生/王医生) is the first of them: the visit has one doctor, and an
        inactive doctor called "李医生/王医生" would split both doctors' reports."""
        names = doctor_names(name)
        if len(names) > 1:
            choice, why = self._one_doctor(names[0])
            return choice, _("单元格中有 {n} 位医生（{names}），按第一位：{why}", n=len(names),
                             names="、".join(names), why=why)
        return self._one_doctor(name)

    def _one_doctor(self, name: str) -> tuple[ValueChoice, str]:
        # 李建国(主任医师): the title in brackets is no part of the name
        plain = _BRACKETS.sub("", name).strip() or name.strip()
        wanted = key(plain)
        bare = _TITLE.sub("", wanted)
        for candidate in dict.fromkeys(c for c in (wanted, bare) if c):
            person = self.staff.get(candidate)
            if person is None:
                continue
            if person.is_doctor:
                return ValueChoice("match", person.name), _("与员工姓名相同")
            # A visit's doctor is a doctor (the doctors' reports count it): the name stays
            # in the visit's notes unless a doctor is chosen.
            return ValueChoice("none"), _("“{name}”是员工但不是医生：记在就诊备注里",
                                          name=person.name)
        if bare and bare != wanted:
            same = [d for d in self.doctors if len(bare) <= 2 and key(d.name).startswith(bare)
                    and len(key(d.name)) > len(bare)]
            if len(same) == 1:
                return (ValueChoice("match", same[0].name),
                        _("唯一姓“{surname}”的医生", surname=bare))
            if len(same) > 1:
                return (ValueChoice("inactive", _as_one_doctor(plain, bare)),
                        _("有 {n} 位姓“{surname}”的医生（{names}），无法确定是哪一位：请选择；"
                          "否则新建为停用医生", n=len(same), surname=bare,
                          names="、".join(d.name for d in same)))
        return (ValueChoice("inactive", _as_one_doctor(plain, bare)),
                _("员工名单中没有这位医生，新建为停用医生（不能登录，不能预约）"))

    def suggest(self, column: str, name: str) -> tuple[ValueChoice, str]:
        return self.procedure(name) if column == "procedure" else self.doctor(name)


def match_values(matcher: Matcher, counts: Mapping[str, Mapping[str, int]],
                 choices: ValueChoices | None) -> list[ValueMatch]:
    """Every distinct name of each column (most rows first): the mapping's choice for it when
    there is one, else the suggestion."""
    chosen = {column: {key(k): v for k, v in (choices or {}).get(column, {}).items()}
              for column in COLUMNS}
    found = []
    for column in COLUMNS:
        for name, rows in sorted(counts.get(column, {}).items(), key=lambda kv: (-kv[1], kv[0])):
            choice = chosen[column].get(key(name))
            if choice is not None:
                found.append(ValueMatch(column, name, rows, choice, _("按对应方案"), chosen=True))
            else:
                suggestion, reason = matcher.suggest(column, name)
                found.append(ValueMatch(column, name, rows, suggestion, reason))
    return found


def choice_text(choice: ValueChoice, column: str = "") -> str:
    """A choice in words: ``种植牙``, ``新增项目“牙齿美白”（修复）``, ``停用医生“张伟”``,
    ``新建会员等级“钻石”``."""
    if choice.action == "match":
        return choice.target
    if column == "tier":
        return _("新建会员等级“{name}”", name=choice.target) if choice.action == "new" \
            else _("不导入会员等级")
    if choice.action == "new":
        return _("新增项目“{name}”（{category}）", name=choice.target, category=choice.category)
    if choice.action == "inactive":
        return _("新建停用医生“{name}”", name=choice.target)
    return _("不关联")


# -- the mapping's JSON --------------------------------------------------------------------
def choices_from_json(data: Any, *, where: str) -> ValueChoices:
    """``{"procedure": {"种植": "种植牙", "美白": {"new": "牙齿美白", "category": "修复"}},
    "doctor": {"李医生": "李建国", "张医生": {"inactive": "张伟"}}, "tier": {"金卡会员": "金卡",
    "钻石卡": {"new": "钻石"}, "体验卡": null}}``; a bad entry is refused naming it (``where``
    names the file or profile)."""
    from clinic_desktop.errors import UserError

    def bad(column: str, name: str) -> UserError:
        if column == "tier":
            return UserError(_("{where}中“{column}”的“{name}”格式不对：应为诊所的会员等级名称、"
                               "{{\"new\": 名称}} 或 null。", where=where, column=column,
                               name=name), field="mapping")
        return UserError(_("{where}中“{column}”的“{name}”格式不对：应为目录中的名称、"
                           "{{\"new\": 名称, \"category\": 类别}}、{{\"inactive\": 姓名}} "
                           "或 null。",
                           where=where, column=column, name=name), field="mapping")

    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - set(CHOICE_COLUMNS):
        raise UserError(_("{where}中的 values 只能有 procedure、doctor 和 tier 三项。",
                          where=where), field="mapping")
    result: ValueChoices = {}
    for column, entries in data.items():
        if not isinstance(entries, dict):
            raise UserError(_("{where}中的 values.{column} 应为 {{名称: 对应}}。", where=where,
                              column=column), field="mapping")
        parsed: dict[str, ValueChoice] = {}
        for name, value in entries.items():
            if value is None:
                parsed[name] = ValueChoice("none")
            elif isinstance(value, str) and value.strip():
                parsed[name] = ValueChoice("match", value.strip())
            elif isinstance(value, dict) and column == "procedure" and isinstance(
                    value.get("new"), str) and value["new"].strip():
                parsed[name] = ValueChoice("new", value["new"].strip(),
                                           str(value.get("category") or OTHER_CATEGORY).strip())
            elif isinstance(value, dict) and column == "tier" and set(value) == {"new"} \
                    and isinstance(value["new"], str) and 0 < len(value["new"].strip()) <= 32:
                parsed[name] = ValueChoice("new", value["new"].strip())
            elif isinstance(value, dict) and column == "doctor" and isinstance(
                    value.get("inactive"), str) and value["inactive"].strip():
                parsed[name] = ValueChoice("inactive", value["inactive"].strip())
            else:
                raise bad(column, name)
        result[column] = parsed
    return result


def choices_to_json(choices: ValueChoices) -> dict[str, dict[str, Any]]:
    return {column: {name: choice.as_json() for name, choice in entries.items()}
            for column, entries in choices.items() if entries}


def choices_of(matches: Iterable[ValueMatch]) -> ValueChoices:
    result: ValueChoices = {}
    for m in matches:
        result.setdefault(m.column, {})[m.value] = m.choice
    return result
