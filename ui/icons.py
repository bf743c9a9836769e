"""One icon set for the whole app: Material Design Icons through qtawesome.

Qt's built-in icons are a handful of generic glyphs (the same "i" for 预约 and 回访, a
floppy disk for 导入导出). Icons here are named by what they mean; the glyph names are the
icon font's (Material Design Icons 6, Apache 2.0 licence, shipped inside qtawesome). If the
font cannot be loaded the app still runs, with empty icons.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)

NAV_COLOUR, NAV_ACTIVE = "#C9D6E3", "#FFFFFF"
BUTTON_COLOUR = "#334E68"

# meaning -> glyph
GLYPHS = {
    "calendar": "mdi6.calendar-clock",
    "patients": "mdi6.account-group",
    "callbacks": "mdi6.phone-in-talk",
    "messages": "mdi6.message-text-outline",
    "lists": "mdi6.format-list-bulleted-type",
    "care_plans": "mdi6.clipboard-pulse-outline",
    "loyalty": "mdi6.card-account-details-star-outline",
    "import": "mdi6.table-arrow-right",
    "admin": "mdi6.account-cog",
    "audit": "mdi6.shield-check-outline",
    "dashboard": "mdi6.chart-box-outline",
    "reports": "mdi6.file-chart-outline",
    "segments": "mdi6.account-filter-outline",
    "new": "mdi6.plus",
    "book": "mdi6.calendar-plus",
    "edit": "mdi6.pencil",
    "delete": "mdi6.delete-outline",
    "export": "mdi6.microsoft-excel",
    "print": "mdi6.printer",
    "search": "mdi6.magnify",
    "call": "mdi6.phone",
    "message": "mdi6.message-plus-outline",
    "payment": "mdi6.cash-register",
    "refresh": "mdi6.refresh",
    "settings": "mdi6.cog",
    "file": "mdi6.file-document-outline",
    "today": "mdi6.calendar-today",
    "previous": "mdi6.chevron-left",
    "next": "mdi6.chevron-right",
    "warning": "mdi6.alert",
    "reminder": "mdi6.bell-ring-outline",
}


@cache
def icon(meaning: str, colour: str = BUTTON_COLOUR, active: str | None = None) -> QIcon:
    """The icon for ``meaning`` (a key of ``GLYPHS``), drawn in ``colour``."""
    try:
        import qtawesome

        options = {"color": colour}
        if active is not None:
            options["color_active"] = active
            options["color_selected"] = active
        found: QIcon = qtawesome.icon(GLYPHS[meaning], **options)
        return found
    except Exception:  # a missing font must not stop the reception desk
        log.warning("icon %s unavailable", meaning, exc_info=True)
        return QIcon()


def page_icon(key: str) -> QIcon:
    """The navigation icon of a page (light on the dark sidebar)."""
    return icon(key, NAV_COLOUR, NAV_ACTIVE) if key in GLYPHS else QIcon()
