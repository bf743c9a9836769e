"""Which backups to keep: the newest of each of the last N days, weeks and months.

Pure: the caller gives each good backup's local date-time (the clinic's time zone), and gets
back the indexes to keep. Every backup of the newest day is kept (a manual copy taken before
a risky change survives the exit backup an hour later), and so the newest backup always is.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime


def _newest_per(order: list[int], stamps: Sequence[datetime],
                period: Callable[[datetime], Hashable], count: int) -> set[int]:
    seen: set[Hashable] = set()
    kept: set[int] = set()
    for index in order:
        key = period(stamps[index])
        if key in seen:
            continue
        if len(seen) >= count:
            break
        seen.add(key)
        kept.add(index)
    return kept


def keep(stamps: Sequence[datetime], *, daily: int, weekly: int, monthly: int) -> set[int]:
    """Indexes of ``stamps`` to keep: per local day, ISO week and month, the newest backup of
    each of the ``daily``/``weekly``/``monthly`` most recent periods that have one."""
    if not stamps:
        return set()
    order = sorted(range(len(stamps)), key=lambda i: stamps[i], reverse=True)
    newest_day = stamps[order[0]].date()
    kept = {i for i in order if stamps[i].date() == newest_day}  # never the last good one
    kept |= _newest_per(order, stamps, lambda s: s.date(), daily)
    kept |= _newest_per(order, stamps, lambda s: s.isocalendar()[:2], weekly)
    kept |= _newest_per(order, stamps, lambda s: (s.year, s.month), monthly)
    return kept
