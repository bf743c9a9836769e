"""The festivals a clinic may greet its patients on: four of the lunar calendar (their dates
from ``lunardate``, a maintained conversion table, not one kept here) and six of the solar.

A festival's patient-facing name stays Chinese whatever language the staff's screen uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lunardate import LunarDate

from clinic_desktop.i18n import _


@dataclass(frozen=True)
class Festival:
    key: str
    name: str  # as the patient reads it: 春节, 中秋节 …
    lunar: bool


FESTIVALS = (
    Festival("new_year", "元旦", False),
    Festival("spring", "春节", True),
    Festival("lantern", "元宵节", True),
    Festival("womens_day", "妇女节", False),
    Festival("mothers_day", "母亲节", False),
    Festival("childrens_day", "儿童节", False),
    Festival("dragon_boat", "端午节", True),
    Festival("teachers_day", "教师节", False),
    Festival("mid_autumn", "中秋节", True),
    Festival("national_day", "国庆节", False),
)
KEYS = tuple(f.key for f in FESTIVALS)
_BY_KEY = {f.key: f for f in FESTIVALS}
_LUNAR = {"spring": (1, 1), "lantern": (1, 15), "dragon_boat": (5, 5), "mid_autumn": (8, 15)}
_SOLAR = {"new_year": (1, 1), "womens_day": (3, 8), "childrens_day": (6, 1),
          "teachers_day": (9, 10), "national_day": (10, 1)}


def festival_label(key: str) -> str:
    """The festival in the staff's language."""
    return {"new_year": _("元旦"), "spring": _("春节"), "lantern": _("元宵节"),
            "womens_day": _("妇女节"), "mothers_day": _("母亲节"), "childrens_day": _("儿童节"),
            "dragon_boat": _("端午节"), "teachers_day": _("教师节"), "mid_autumn": _("中秋节"),
            "national_day": _("国庆节")}.get(key, key)


def festival(key: str) -> Festival:
    return _BY_KEY[key]


def festival_date(key: str, year: int) -> date:
    """The solar date of ``key`` in ``year`` (a lunar festival: the day it falls on then)."""
    if key in _LUNAR:
        month, day = _LUNAR[key]
        solar: date = LunarDate(year, month, day).to_solar_date()
        return solar
    if key == "mothers_day":  # the second Sunday of May
        first = date(year, 5, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7)
    month, day = _SOLAR[key]
    return date(year, month, day)


def festivals_on(day: date, chosen: tuple[str, ...] | list[str] = KEYS) -> list[Festival]:
    """The chosen festivals that fall on ``day`` (春节 and 元宵 never share a day with another,
    but 中秋 and 国庆 did in 2020 and will again in 2031)."""
    return [f for f in FESTIVALS if f.key in chosen and festival_date(f.key, day.year) == day]
