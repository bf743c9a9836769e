"""The membership tier as the clinic coloured it: a chip in a header, a swatch in a table.

A patient row carries its tier's name (``Patient.member_tier``, kept by the loyalty
journals); the colour comes from the clinic's tier list, read once per refresh through
``TierPalette`` so a table of a thousand rows costs one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.services.loyalty.tiers import list_tiers
from ui.app_services import AppServices
from ui.widgets.rich_text import esc, plain_label
from ui.widgets.table_model import Column

R = TypeVar("R")
FALLBACK = "#90A4AE"


def text_colour_on(background: str) -> str:
    """Dark text on a light chip (a pale 普通 grey or 金卡 gold), white on a dark one."""
    colour = QColor(background)
    if not colour.isValid():
        return "#FFFFFF"
    luminance = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return "#1F2933" if luminance > 160 else "#FFFFFF"


def tier_chip(name: str, colour: str | None) -> QLabel:
    """A plain-text chip (the name is stored data) in the tier's colour."""
    background = colour if colour and QColor(colour).isValid() else FALLBACK
    chip = plain_label(name)
    chip.setObjectName("tierChip")
    chip.setStyleSheet(f"background:{background}; color:{text_colour_on(background)};")
    return chip


def tier_html(name: str, colour: str | None) -> str:
    """The tier inside our own rich text (a tooltip): a swatch in its colour, then the name,
    escaped (stored data)."""
    background = colour if colour and QColor(colour).isValid() else FALLBACK
    return f"<span style='color:{background}'>■</span> {esc(name)}"


class TierPalette:
    """Tier name → colour, read when ``reload`` is called (after a change to the tiers)."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        self.colours: dict[str, str] = {}
        self._unknown: set[str] = set()  # names still missing after a read: not read again
        self.reload()

    def reload(self) -> None:
        self.colours = {t.name: t.colour for t in
                        self.services.call(list_tiers, include_inactive=True)}
        self._unknown = set()

    def reload_if(self, changes: ChangeSet) -> bool:
        """Read the colours again when the change touched the tiers; True when it did (the
        caller redraws what shows them)."""
        if not changes.touches(Area.LOYALTY):
            return False
        self.reload()
        return True

    def colour(self, name: str | None) -> str | None:
        if not name:
            return None
        if name not in self.colours and name not in self._unknown:
            # A tier added since the last read (on a page built before it, or by a change no
            # signal reported): read once more, then remember the name if still unknown.
            self.reload()
            if name not in self.colours:
                self._unknown.add(name)
        return self.colours.get(name, FALLBACK)

    def column(self, title: str, tier_of: Callable[[R], str | None]) -> Column[R]:
        """A sortable table column: the tier's name beside a swatch of its colour."""
        return Column(title, lambda r: tier_of(r) or "",
                      swatch=lambda r: self.colour(tier_of(r)))
