"""Colours people pick for doctors, procedures and tags: ``#RRGGBB`` and nothing else.

The GUI puts them into style sheets and painters; anything but six hex digits could restyle
a widget (``red; font-size: 40pt``), so the core refuses it on every path that stores one.
"""

from __future__ import annotations

import re

from clinic_desktop.i18n import _
from clinic_desktop.rules import RuleError

COLOUR_RE = re.compile(r"#[0-9A-Fa-f]{6}\Z")


def check_colour(value: str, *, field: str = "colour") -> str:
    colour = value.strip()
    if not COLOUR_RE.match(colour):
        raise RuleError(field, _("颜色应为 #RRGGBB 格式，例如 #3A7BD5。"))
    return colour
