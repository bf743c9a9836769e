"""A patient's ledger as a table (the panel's 账单 tab and the payment dialog), its date,
kind, method and amount columns as wide as what they show."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHeaderView, QTableView

from clinic_desktop.services.billing import LedgerRecord, kind_label, method_label
from ui.app_services import AppServices
from ui.widgets.common import make_table
from ui.widgets.table_model import Column, RecordTableModel, SortProxy

NOTE_COLUMN = 4


def money(value: Decimal | None) -> str:
    return f"¥{value:,.2f}" if value is not None else ""


def fit_columns(view: QTableView) -> None:
    """Every column that does not stretch as wide as its header and its widest cell, so a
    date reads "2026-11-24 10:00", never "2026-11-2…" (in either language)."""
    header = view.horizontalHeader()
    for column in range(header.count()):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
            view.resizeColumnToContents(column)


def ledger_columns(services: AppServices) -> list[Column[LedgerRecord]]:
    # The panel's translation context: the titles it has always had (spelt out in full so
    # lupdate finds them).
    translate = QCoreApplication.translate
    return [
        Column(translate("PatientPanelWidget", "时间"), lambda e: services.format_datetime(e.at),
               sort_key=lambda e: e.at),
        Column(translate("PatientPanelWidget", "类型"), lambda e: kind_label(e.kind)),
        Column(translate("PatientPanelWidget", "方式"), lambda e: method_label(e.method)),
        Column(translate("PatientPanelWidget", "金额"), lambda e: money(e.amount),
               sort_key=lambda e: e.amount, align_right=True),
        Column(translate("PatientPanelWidget", "说明"), lambda e: e.note),
    ]


class LedgerTable:
    """The model and its view (``view`` goes into a layout): newest first, sortable;
    ``show_entries`` replaces the rows and fits the columns."""

    def __init__(self, services: AppServices) -> None:
        self.model: RecordTableModel[LedgerRecord] = RecordTableModel(
            ledger_columns(services), key=lambda e: e.id)
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        self.view = make_table(self.proxy, stretch_column=NOTE_COLUMN, descending=True)
        self.view.setObjectName("ledgerTable")

    def show_entries(self, entries: Sequence[LedgerRecord]) -> None:
        self.model.replace(entries)
        fit_columns(self.view)
