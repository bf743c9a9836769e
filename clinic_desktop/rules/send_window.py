"""Quiet hours: automatic messages reach patients only between, say, 08:00 and 21:00 of the
clinic's day. A time inside the quiet span is moved to the moment the window next opens."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def in_quiet_hours(at: datetime, zone: ZoneInfo, quiet_from: time, quiet_until: time) -> bool:
    local = at.astimezone(zone).time()
    if quiet_from == quiet_until:
        return False  # no quiet span
    if quiet_from > quiet_until:  # over midnight: 21:00 - 08:00
        return local >= quiet_from or local < quiet_until
    return quiet_from <= local < quiet_until


def next_open(at: datetime, zone: ZoneInfo, quiet_from: time, quiet_until: time) -> datetime:
    """``at`` itself outside the quiet span, else the end of the span it falls in (the
    clinic's local ``quiet_until`` that day or the next)."""
    if not in_quiet_hours(at, zone, quiet_from, quiet_until):
        return at
    local = at.astimezone(zone)
    opens = datetime.combine(local.date(), quiet_until, zone)
    if opens <= local:
        opens = datetime.combine(local.date() + timedelta(days=1), quiet_until, zone)
    return opens.astimezone(at.tzinfo) if at.tzinfo else opens
