"""Message templates with Chinese placeholders: {姓名} {称呼} {项目} {医生} {时间} {诊所} {电话}
{地址} {节日}."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError

PLACEHOLDERS = ("姓名", "称呼", "项目", "医生", "时间", "诊所", "电话", "地址", "节日")
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
# The template a task's message starts from, by the task's kind (a clinic may pick another).
TEMPLATE_FOR_KIND = {"followup_call": "followup", "recall": "recall", "reminder": "reminder",
                     "birthday": "birthday", "reactivation": "reactivation",
                     "message": "followup"}
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容",
                     "令狐", "夏侯", "司徒", "长孙", "宇文")


def placeholders(template: str) -> set[str]:
    return {m.group(1) for m in _FIELD.finditer(template) if m.group(1) is not None}


def check_template(template: str) -> None:
    unknown = sorted(placeholders(template) - set(PLACEHOLDERS))
    if unknown:
        raise RuleError("body", _("模板里的“{{{name}}}”不是可用的占位符（可用：{known}）。",
                                  name=unknown[0], known="、".join(PLACEHOLDERS)))


def template_for_kind(kind: str | None, available: Iterable[str]) -> str | None:
    """The template key a task of ``kind`` suggests, if the clinic has it."""
    wanted = TEMPLATE_FOR_KIND.get(kind or "")
    return wanted if wanted is not None and wanted in set(available) else None


def empty_placeholders(template: str, values: Mapping[str, str]) -> list[str]:
    """The placeholders the template uses that ``values`` leaves empty, in the order of
    ``PLACEHOLDERS`` (an automatic message with one is reported, not sent half blank)."""
    used = placeholders(template)
    return [name for name in PLACEHOLDERS if name in used and not values.get(name, "").strip()]


def render(template: str, values: Mapping[str, str]) -> str:
    check_template(template)

    def fill(match: re.Match[str]) -> str:
        if match.group(0) == "{{":
            return "{"
        if match.group(0) == "}}":
            return "}"
        return values.get(match.group(1), "")

    return _FIELD.sub(fill, template)


def surname(name: str) -> str:
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound):
            return compound
    return name[:1]


def greeting_name(name: str, sex: str | None) -> str:
    """张三, M -> 张先生; with no sex known, the full name."""
    # Patient-facing text stays Chinese whatever language the staff's screen uses.
    honorific = {"M": "先生", "F": "女士"}.get(sex or "")
    return surname(name) + honorific if honorific else name
