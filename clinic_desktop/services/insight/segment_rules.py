"""A segment's rules: every criterion the filter builder offers, as one frozen value.

A criterion left at its empty value (None, an empty tuple, "") does not filter. Rules are
kept as JSON (a saved segment, a campaign's copy): ``rules_to_json`` / ``rules_from_json``
round-trip them, and ``check_rules`` refuses what cannot be meant (a range whose low end is
above its high end, an unknown sex) with a ``UserError`` naming the field, so the filter
builder can mark it. Dates are the clinic's local days; money is yuan (``Decimal``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _

SEXES = ("M", "F")
TAG_MODES = ("any", "all")
ACTIVITIES = ("active", "dormant", "lost", "never")
RFM_GROUP_KEYS = ("important_value", "important_develop", "important_keep",
                  "important_retain", "general_value", "general_develop", "general_keep",
                  "general_retain")
NO_TIER = ""  # in ``tiers``: patients without a tier


@dataclass(frozen=True)
class SegmentRules:
    age_min: int | None = None  # whole years on the clinic's today
    age_max: int | None = None
    sex: str | None = None  # "M" or "F"
    tags: tuple[str, ...] = ()
    tags_mode: str = "any"  # any: one of the tags; all: every tag
    sources: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()  # tier names; "" is "no tier"
    first_visit_from: date | None = None
    first_visit_to: date | None = None
    last_visit_from: date | None = None
    last_visit_to: date | None = None
    # Whole months since the last visit (relative: a saved segment stays "not seen for 12
    # months" whenever it is opened); patients never seen do not match either bound.
    months_since_visit_min: int | None = None
    months_since_visit_max: int | None = None
    activity: str | None = None  # active / dormant / lost / never, by the clinic's settings
    visits_min: int | None = None  # visits ever
    visits_max: int | None = None
    spend_from: date | None = None  # the period spend is summed over (open ends: all time)
    spend_to: date | None = None
    spend_min: Decimal | None = None  # yuan charged, net of discounts and reversals
    spend_max: Decimal | None = None
    owed_min: Decimal | None = None
    owed_max: Decimal | None = None
    stored_min: Decimal | None = None  # stored value the patient can spend (principal+bonus)
    stored_max: Decimal | None = None
    procedures: tuple[str, ...] = ()  # had any of these procedures (by name) …
    categories: tuple[str, ...] = ()  # … or any procedure of these categories …
    high_value: bool | None = None  # … or any high-value procedure (catalogue flag)
    procedure_from: date | None = None  # … in this period (open ends: ever)
    procedure_to: date | None = None
    doctor_ids: tuple[int, ...] = ()  # seen by one of these doctors (a visit, ever)
    has_open_recall: bool | None = None
    satisfaction_min: int | None = None  # average of the patient's ratings, 1–5
    satisfaction_max: int | None = None
    referred_by_id: int | None = None
    has_referred: bool | None = None  # brought at least one patient
    area: str = ""  # text in the address: a city or district
    custom: tuple[tuple[str, str], ...] = ()  # (custom field name, value) all equal
    rfm_group: str | None = None  # one of RFM_GROUP_KEYS, over ``rfm_months``
    rfm_months: int = 12

    def is_empty(self) -> bool:
        return self == SegmentRules(rfm_months=self.rfm_months)


def _range(low: Any, high: Any, field: str) -> None:
    if low is not None and high is not None and low > high:
        raise UserError(_("“{field}”的下限大于上限。", field=field_title(field)), field=field)


def _not_negative(value: Any, field: str) -> None:
    if value is not None and value < 0:
        raise UserError(_("“{field}”不能为负数。", field=field_title(field)), field=field)


def field_title(field: str) -> str:
    """What the filter builder calls a field (for messages)."""
    base = field.removesuffix("_min").removesuffix("_max").removesuffix("_from")\
        .removesuffix("_to")
    return {
        "age": _("年龄"), "sex": _("性别"), "tags": _("标签"), "tags_mode": _("标签"),
        "sources": _("来源渠道"), "tiers": _("会员等级"), "first_visit": _("首诊日期"),
        "last_visit": _("末次就诊"), "months_since_visit": _("距末次就诊月数"),
        "activity": _("活跃状态"), "visits": _("就诊次数"), "spend": _("消费金额"),
        "owed": _("欠费"), "stored": _("储值余额"), "procedure": _("做过的项目"),
        "procedures": _("做过的项目"), "doctor_ids": _("医生"),
        "satisfaction": _("满意度"), "custom": _("自定义字段"), "rfm_group": _("RFM 分组"),
        "rfm_months": _("RFM 统计月数"), "area": _("地区"), "referred_by_id": _("介绍人"),
    }.get(base, field)


def check_rules(rules: SegmentRules) -> SegmentRules:
    """``rules`` when they can mean something; else a ``UserError`` naming the field."""
    if rules.sex is not None and rules.sex not in SEXES:
        raise UserError(_("性别无效。"), field="sex")
    if rules.tags_mode not in TAG_MODES:
        raise UserError(_("标签的匹配方式无效。"), field="tags_mode")
    if rules.activity is not None and rules.activity not in ACTIVITIES:
        raise UserError(_("活跃状态无效。"), field="activity")
    if rules.rfm_group is not None and rules.rfm_group not in RFM_GROUP_KEYS:
        raise UserError(_("RFM 分组无效。"), field="rfm_group")
    if not 1 <= rules.rfm_months <= 120:
        raise UserError(_("RFM 统计月数应在 1 到 120 之间。"), field="rfm_months")
    for name in ("age_min", "age_max", "months_since_visit_min", "months_since_visit_max",
                 "visits_min", "visits_max", "spend_min", "spend_max", "stored_min",
                 "stored_max"):
        _not_negative(getattr(rules, name), name)
    for low, high in (("age_min", "age_max"), ("first_visit_from", "first_visit_to"),
                      ("last_visit_from", "last_visit_to"),
                      ("months_since_visit_min", "months_since_visit_max"),
                      ("visits_min", "visits_max"), ("spend_from", "spend_to"),
                      ("spend_min", "spend_max"), ("owed_min", "owed_max"),
                      ("stored_min", "stored_max"), ("procedure_from", "procedure_to"),
                      ("satisfaction_min", "satisfaction_max")):
        _range(getattr(rules, low), getattr(rules, high), low)
    for name in ("satisfaction_min", "satisfaction_max"):
        value = getattr(rules, name)
        if value is not None and not 1 <= value <= 5:
            raise UserError(_("满意度应为 1 到 5 分。"), field=name)
    for name in ("age_min", "age_max"):
        value = getattr(rules, name)
        if value is not None and value > 150:
            raise UserError(_("年龄应在 0 到 150 之间。"), field=name)
    if any(not name.strip() for name, _value in rules.custom):
        raise UserError(_("请选择自定义字段。"), field="custom")
    if len(rules.area) > 64:
        raise UserError(_("地区最多 64 个字。"), field="area")
    return replace(rules, area=rules.area.strip())


# -- JSON --------------------------------------------------------------------------------------
_DATES = {f.name for f in fields(SegmentRules) if "date" in str(f.type)}
_MONEY = {f.name for f in fields(SegmentRules) if "Decimal" in str(f.type)}
_INTS = {f.name for f in fields(SegmentRules) if str(f.type) in ("int | None", "int")}
_BOOLS = {f.name for f in fields(SegmentRules) if "bool" in str(f.type)}
_TEXT_LISTS = {"tags", "sources", "tiers", "procedures", "categories"}
_DEFAULTS = SegmentRules()


def rules_to_dict(rules: SegmentRules) -> dict[str, Any]:
    """Only what differs from the empty rules, in JSON types."""
    data: dict[str, Any] = {}
    for f in fields(SegmentRules):
        value = getattr(rules, f.name)
        if value == getattr(_DEFAULTS, f.name):
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif f.name == "custom":
            value = [[name, text] for name, text in value]
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    return data


def rules_to_json(rules: SegmentRules) -> str:
    return json.dumps(rules_to_dict(rules), ensure_ascii=False, sort_keys=True)


def _bad(name: str) -> UserError:
    return UserError(_("分群条件“{field}”的值无效。", field=field_title(name)), field=name)


def _value(name: str, raw: Any) -> Any:  # noqa: C901 - one branch per kind of field
    if raw is None:
        return None
    try:
        if name in _DATES:
            return date.fromisoformat(str(raw))
        if name in _MONEY:
            if isinstance(raw, bool):
                raise TypeError(name)
            return Decimal(str(raw)).quantize(Decimal("0.01"))
        if name in _BOOLS:
            if not isinstance(raw, bool):
                raise TypeError(name)
            return raw
        if name in _INTS:
            if isinstance(raw, bool) or int(raw) != raw:
                raise TypeError(name)
            return int(raw)
        if name in _TEXT_LISTS:
            # "" in tiers means "no tier"; elsewhere an empty entry means nothing
            return tuple(str(v).strip() for v in raw if name == "tiers" or str(v).strip())
        if name == "doctor_ids":
            return tuple(int(v) for v in raw)
        if name == "custom":
            return tuple((str(k).strip(), str(v).strip()) for k, v in raw)
        return str(raw)
    except (TypeError, ValueError, InvalidOperation, ArithmeticError) as exc:
        raise _bad(name) from exc


def rules_from_dict(data: dict[str, Any]) -> SegmentRules:
    known = {f.name for f in fields(SegmentRules)}
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if name not in known:
            continue  # a criterion of a later version: ignored, not an error
        value = _value(name, raw)
        if value is None and name in ("tags_mode", "area", "rfm_months"):
            continue
        values[name] = value
    return check_rules(SegmentRules(**values))


def rules_from_json(text: str) -> SegmentRules:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UserError(_("分群条件无法读取。"), field="rules") from exc
    if not isinstance(data, dict):
        raise UserError(_("分群条件无法读取。"), field="rules")
    return rules_from_dict(data)
