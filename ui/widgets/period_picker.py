"""A report period: today, this week, month, quarter, year or custom days (two date edits
that unlock for "custom"). ``changed`` fires when the period changes; ``period()`` is None
while the custom days are backwards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QWidget

from clinic_desktop.rules.periods import Period, PeriodKind, period_of
from ui.widgets.qt_dates import pydate, qdate
from ui.widgets.rich_text import plain_label

ALL_KINDS = (PeriodKind.TODAY, PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER,
             PeriodKind.YEAR, PeriodKind.CUSTOM)


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(self, today: date, *, kinds: Sequence[PeriodKind] = ALL_KINDS,
                 default: PeriodKind = PeriodKind.MONTH, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        titles = {PeriodKind.TODAY: self.tr("今天"), PeriodKind.WEEK: self.tr("本周"),
                  PeriodKind.MONTH: self.tr("本月"), PeriodKind.QUARTER: self.tr("本季度"),
                  PeriodKind.YEAR: self.tr("本年"), PeriodKind.CUSTOM: self.tr("自定义")}
        self.kind = QComboBox()
        for kind in kinds:
            self.kind.addItem(titles[kind], kind)
        self.first, self.last = QDateEdit(), QDateEdit()
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind, self.first, plain_label("—"), self.last):
            layout.addWidget(widget)
        self.kind.setCurrentIndex(max(0, list(kinds).index(default)) if default in kinds else 0)
        self._apply_kind()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.first.dateChanged.connect(self._dates_changed)
        self.last.dateChanged.connect(self._dates_changed)

    def _custom(self) -> bool:
        return PeriodKind(self.kind.currentData()) is PeriodKind.CUSTOM

    def _apply_kind(self) -> None:
        custom = self._custom()
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if not custom:
            period = period_of(PeriodKind(self.kind.currentData()), self.today)
            for edit, day in ((self.first, period.first), (self.last, period.last)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)

    def _kind_changed(self) -> None:
        self._apply_kind()
        if not self._custom():
            self.changed.emit()

    def _dates_changed(self) -> None:
        if self._custom():
            self.changed.emit()

    def set_custom(self, first: date, last: date) -> None:
        """Show ``first``–``last`` as custom days (fires ``changed`` once)."""
        self.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(PeriodKind.CUSTOM))
        self.first.setDate(qdate(first))
        self.last.setDate(qdate(last))
        self.blockSignals(False)
        self.changed.emit()

    def period(self) -> Period | None:
        first, last = pydate(self.first), pydate(self.last)
        return Period(first, last) if first <= last else None
