"""Opening balances in a legacy sheet (储值余额, 欠费, 积分, 会员等级): reading one cell, and
what the sheet's tier names mean among the clinic's tiers.

Pure: the tiers come in as plain tuples. A balance is what the legacy system last showed, so
it is zero or more: a negative or non-numeric one refuses the row, naming the column and the
value. ``-``, ``/``, ``无`` in a balance column mean "nothing", as an empty cell does.

A tier name of the sheet becomes one of (the choices are ``importing.values.ValueChoice``):
- ``match``: the clinic's tier of that name (``"金卡"``);
- ``new``: a tier the import creates (``{"new": "钻石"}``): given by hand only (threshold kind
  ``manual``), so it never overlaps a tier the clinic set thresholds for;
- ``none``: the tier is not imported (``null``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from clinic_desktop.i18n import _
from clinic_desktop.importing.values import ValueChoice, ValueMatch, key
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.legacy_values import CENT, MAX_IMPORT_AMOUNT, Cell, cell_text

TIER = "tier"
TIER_NAME_LIMIT = 32  # the tier table's name column
MAX_POINTS = 100_000_000
# What a legacy sheet writes in a balance column for "nothing".
_NOTHING = frozenset({"-", "--", "—", "/", "无", "没有", "否", "none", "n/a"})
_NO_TIER = _NOTHING | {"非会员", "不是会员"}
_MONEY_NOISE = re.compile(r"[¥￥$,，\s]|元整?$|^RMB|^人民币|^CNY", re.IGNORECASE)
_POINTS_NOISE = re.compile(r"[,，\s]|分$")
_MEMBER = re.compile(r"^会员|会员$")
_CARD = re.compile(r"会员卡$|卡$")


def _nothing(text: str) -> bool:
    return text.lower() in _NOTHING


def money_balance(column: str) -> Callable[[Cell], Decimal | None]:
    """``¥1,200.50``, ``1200元``, ``1200.5`` (an Excel float) → ``Decimal('1200.50')``."""
    def parse(value: Cell) -> Decimal | None:
        text = cell_text(value)
        if _nothing(text):
            return None
        amount: Decimal | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        elif not isinstance(value, bool):
            try:
                amount = Decimal(_MONEY_NOISE.sub("", text).replace("－", "-"))
            except ArithmeticError:
                amount = None
        if amount is None or not amount.is_finite():
            raise RuleError("balance", _("{column}“{value}”不是金额：请写成数字，例如 1200 或"
                                         " ¥1,200.50。", column=column, value=text))
        if amount < 0:
            raise RuleError("balance", _("{column}“{value}”是负数：期初余额只能是 0 或正数。",
                                         column=column, value=text))
        if amount > MAX_IMPORT_AMOUNT:
            raise RuleError("balance", _("{column}“{value}”过大，请核对。", column=column,
                                         value=text))
        return amount.quantize(CENT)

    return parse


def points_balance(column: str) -> Callable[[Cell], int | None]:
    """``1,200``, ``1200分``, ``1200.0`` (an Excel float) → ``1200``."""
    def parse(value: Cell) -> int | None:
        text = cell_text(value)
        if _nothing(text):
            return None
        cleaned = _POINTS_NOISE.sub("", text).replace("－", "-")
        if cleaned.startswith("-") and cleaned[1:2].isdigit():
            raise RuleError("points", _("{column}“{value}”是负数：期初积分只能是 0 或正数。",
                                        column=column, value=text))
        try:
            number = Decimal(cleaned) if not isinstance(value, bool) else None
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise RuleError("points", _("{column}“{value}”不是整数积分。", column=column,
                                        value=text))
        if number > MAX_POINTS:
            raise RuleError("points", _("{column}“{value}”过大，请核对。", column=column,
                                        value=text))
        return int(number)

    return parse


def tier_name(column: str) -> Callable[[Cell], str | None]:
    """The sheet's tier name as written; ``无``/``非会员`` mean no tier."""
    def parse(value: Cell) -> str | None:
        text = cell_text(value)
        if text.lower() in _NO_TIER:
            return None
        if len(text) > TIER_NAME_LIMIT:
            raise RuleError("tier", _("{column}“{value}”太长（等级名称最多 {n} 个字）。",
                                      column=column, value=text[:40], n=TIER_NAME_LIMIT))
        return text

    return parse


# -- tier names ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierEntry:
    """One of the clinic's tiers, as the values step lists them."""

    name: str
    rank: int
    threshold_kind: str
    active: bool = True


def _bare(name: str) -> str:
    """``金卡会员``, ``金卡`` → ``金``; ``钻石会员卡``, ``钻石卡`` → ``钻石``."""
    return _MEMBER.sub("", _CARD.sub("", _MEMBER.sub("", key(name))))


def suggest_tier(tiers: Sequence[TierEntry], name: str) -> tuple[ValueChoice, str]:
    """The active tier of that name (exactly, then ignoring case, width and spaces, then without
    会员 and 卡: ``金卡会员`` is ``金卡``, ``钻石卡`` is ``钻石``); else a new tier given by hand
    only."""
    active = [t for t in tiers if t.active]
    for tier in active:
        if tier.name == name:
            return ValueChoice("match", tier.name), _("与会员等级名称相同")
    wanted = key(name)
    for tier in active:
        if key(tier.name) == wanted:
            return ValueChoice("match", tier.name), _("与会员等级名称相同（不计大小写和空格）")
    bare = _bare(name)
    if bare:
        for tier in active:
            if _bare(tier.name) == bare:
                return ValueChoice("match", tier.name), _("去掉“会员”“卡”字样后与等级名称相同")
    stopped = next((t for t in tiers if not t.active and key(t.name) == wanted), None)
    if stopped is not None:
        return (ValueChoice("none"),
                _("等级“{name}”已停用：请选择其他等级，或不导入", name=stopped.name))
    return (ValueChoice("new", name[:TIER_NAME_LIMIT]),
            _("诊所没有这个等级：新建为仅手动授予的等级（不参与自动升降级）"))


def match_tiers(tiers: Sequence[TierEntry], counts: Mapping[str, int],
                choices: Mapping[str, ValueChoice] | None) -> list[ValueMatch]:
    """Every distinct tier name of the sheet (most rows first): the mapping's choice for it when
    there is one, else the suggestion."""
    chosen = {key(k): v for k, v in (choices or {}).items()}
    found = []
    for name, rows in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        choice = chosen.get(key(name))
        if choice is not None:
            found.append(ValueMatch(TIER, name, rows, choice, _("按对应方案"), chosen=True))
        else:
            suggestion, reason = suggest_tier(tiers, name)
            found.append(ValueMatch(TIER, name, rows, suggestion, reason))
    return found
