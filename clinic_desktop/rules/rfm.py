"""RFM scoring: recency, frequency and monetary value as quintile scores 1–5, and the eight
named groups they make.

Scores come from ranks, so equal values always get equal scores (on either database engine):
a value's score is ``1 + 5 × (rank − 1) // n``, where ``rank`` is its rank among the ``n``
patients scored (1 for the lowest; ties share the lowest rank they span). Recency is ranked
by the last visit, oldest first, so the most recent patients score 5; frequency and monetary
by their value, smallest first. A score of 3 or more is *high* (the top three fifths).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from enum import StrEnum
from typing import Any, Protocol

from clinic_desktop.i18n import _


class _Ordered(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


HIGH_FROM = 3  # a score of 3, 4 or 5 is high


class RfmGroup(StrEnum):
    """The eight groups by R, F and M high (H) or low (L)."""

    IMPORTANT_VALUE = "important_value"  # H H H  重要价值
    IMPORTANT_DEVELOP = "important_develop"  # H L H  重要发展
    IMPORTANT_KEEP = "important_keep"  # L H H  重要保持
    IMPORTANT_RETAIN = "important_retain"  # L L H  重要挽留
    GENERAL_VALUE = "general_value"  # H H L  一般价值
    GENERAL_DEVELOP = "general_develop"  # H L L  一般发展
    GENERAL_KEEP = "general_keep"  # L H L  一般保持
    GENERAL_RETAIN = "general_retain"  # L L L  一般挽留


# (R high, F high, M high) -> group
GROUPS: dict[tuple[bool, bool, bool], RfmGroup] = {
    (True, True, True): RfmGroup.IMPORTANT_VALUE,
    (True, False, True): RfmGroup.IMPORTANT_DEVELOP,
    (False, True, True): RfmGroup.IMPORTANT_KEEP,
    (False, False, True): RfmGroup.IMPORTANT_RETAIN,
    (True, True, False): RfmGroup.GENERAL_VALUE,
    (True, False, False): RfmGroup.GENERAL_DEVELOP,
    (False, True, False): RfmGroup.GENERAL_KEEP,
    (False, False, False): RfmGroup.GENERAL_RETAIN,
}
# The groups' Chinese names: stable, the CLI prints them whatever the language.
CHINESE_NAMES: dict[RfmGroup, str] = {
    RfmGroup.IMPORTANT_VALUE: "重要价值", RfmGroup.IMPORTANT_DEVELOP: "重要发展",
    RfmGroup.IMPORTANT_KEEP: "重要保持", RfmGroup.IMPORTANT_RETAIN: "重要挽留",
    RfmGroup.GENERAL_VALUE: "一般价值", RfmGroup.GENERAL_DEVELOP: "一般发展",
    RfmGroup.GENERAL_KEEP: "一般保持", RfmGroup.GENERAL_RETAIN: "一般挽留",
}


def quintile(rank: int, count: int) -> int:
    """The score 1–5 of the ``rank``-th smallest value (1-based) of ``count``."""
    if count <= 0 or not 1 <= rank <= count:
        raise ValueError(f"rank {rank} of {count}")
    return 1 + 5 * (rank - 1) // count


def quintiles(values: Sequence[_Ordered]) -> list[int]:
    """The score 1–5 of each of ``values`` (in their order) by its rank among them: what SQL's
    ``rank() over (order by value)`` and ``quintile`` give, equal values sharing the lowest
    rank (1 + how many values are smaller). Counted per distinct value, so only those are
    sorted: tens of thousands of patients take a few milliseconds, where SQLite's window sort
    over them took a quarter of a second."""
    count = len(values)
    score: dict[_Ordered, int] = {}
    smaller = 0
    for value, times in sorted(Counter(values).items()):
        score[value] = 1 + 5 * smaller // count  # quintile(smaller + 1, count)
        smaller += times
    return [score[value] for value in values]


def is_high(score: int) -> bool:
    return score >= HIGH_FROM


def group_of(r: int, f: int, m: int) -> RfmGroup:
    return GROUPS[(is_high(r), is_high(f), is_high(m))]


def group_label(group: RfmGroup | str) -> str:
    """The group's name in the current language."""
    return {
        RfmGroup.IMPORTANT_VALUE: _("重要价值"), RfmGroup.IMPORTANT_DEVELOP: _("重要发展"),
        RfmGroup.IMPORTANT_KEEP: _("重要保持"), RfmGroup.IMPORTANT_RETAIN: _("重要挽留"),
        RfmGroup.GENERAL_VALUE: _("一般价值"), RfmGroup.GENERAL_DEVELOP: _("一般发展"),
        RfmGroup.GENERAL_KEEP: _("一般保持"), RfmGroup.GENERAL_RETAIN: _("一般挽留"),
    }[RfmGroup(group)]


def group_flags(group: RfmGroup | str) -> tuple[bool, bool, bool]:
    """(R high, F high, M high) of a group."""
    wanted = RfmGroup(group)
    return next(flags for flags, g in GROUPS.items() if g is wanted)
