"""Python dates to Qt's and back, spelled out field by field.

PySide6 converts ``date`` and ``datetime`` itself, but not every release's type stubs say so
(6.11's do not), and a naive ``datetime`` is what a date-time edit shows: the clinic's local
time, which the callers work out first."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateEdit


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def qdatetime(local: datetime) -> QDateTime:
    """``local``: a naive date and time, as the edit shows it."""
    return QDateTime(qdate(local.date()),
                     QTime(local.hour, local.minute, local.second, local.microsecond // 1000))


def pydate(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value
