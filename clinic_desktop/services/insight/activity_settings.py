"""Active / dormant / lost: the two month thresholds (clinic settings) every insight reads.

A patient is *active* while their last visit is less than ``dormant_months`` ago, *dormant*
until ``lost_months``, *lost* after. The dashboard's retention chart and the segments engine
read the same two settings through ``activity_thresholds``, so they always agree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from clinic_desktop.services.clinic import read_setting

DORMANT_MONTHS_KEY = "insight.dormant_months"
LOST_MONTHS_KEY = "insight.lost_months"
DEFAULT_DORMANT_MONTHS = 6
DEFAULT_LOST_MONTHS = 12


@dataclass(frozen=True)
class ActivityThresholds:
    dormant_months: int  # months since the last visit from which a patient is dormant
    lost_months: int  # ... and lost


def activity_thresholds(session: Session) -> ActivityThresholds:
    """The clinic's thresholds; a missing or unusable value (not a whole number, not
    dormant < lost) falls back to the defaults rather than failing a report."""
    dormant = _months(read_setting(session, DORMANT_MONTHS_KEY, DEFAULT_DORMANT_MONTHS),
                      DEFAULT_DORMANT_MONTHS)
    lost = _months(read_setting(session, LOST_MONTHS_KEY, DEFAULT_LOST_MONTHS),
                   DEFAULT_LOST_MONTHS)
    if not 0 < dormant < lost:
        return ActivityThresholds(DEFAULT_DORMANT_MONTHS, DEFAULT_LOST_MONTHS)
    return ActivityThresholds(dormant, lost)


def _months(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default
    try:
        months = int(value)
    except ValueError:
        return default
    return months if 0 < months <= 120 else default
