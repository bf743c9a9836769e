"""A patient's ledger as a table (the panel's 账单 tab and the payment dialog), its date,
kind, method and amount columns as wide as what they show."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from clinic_desktop.permissions import Permission
from clinic_desktop.services.billing import LedgerRecord, kind_label, method_label
from ui.app_services import AppServices
from ui.widgets.common import make_table, pop_up, selected_record
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
               sort_key=lambda e: e.amount, align_right=True,
               colour=lambda e: "#7B8794" if e.reversed else None),
        Column(translate("PatientPanelWidget", "说明"),
               lambda e: translate("LedgerTable", "{0}（已冲正）").format(e.note) if e.reversed
               else e.note),
    ]


class LedgerTable:
    """The model and its view (``view`` goes into a layout): newest first, sortable;
    ``show_entries`` replaces the rows and fits the columns. An entry of a payment taken at
    the desk has a menu: its receipt (printed again as it was), and its reversal."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        self.model: RecordTableModel[LedgerRecord] = RecordTableModel(
            ledger_columns(services), key=lambda e: e.id)
        self.proxy = SortProxy()
        self.proxy.setSourceModel(self.model)
        self.view = make_table(self.proxy, stretch_column=NOTE_COLUMN, descending=True)
        self.view.setObjectName("ledgerTable")
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.doubleClicked.connect(lambda _index: self.show_receipt())

    def show_entries(self, entries: Sequence[LedgerRecord]) -> None:
        self.model.replace(entries)
        fit_columns(self.view)

    def selected(self) -> LedgerRecord | None:
        record = selected_record(self.view)
        return record if isinstance(record, LedgerRecord) else None

    def _menu(self, point: QPoint) -> None:
        entry = self.selected()
        if entry is None or entry.checkout_id is None:
            return
        translate = QCoreApplication.translate
        menu = QMenu(self.view)
        menu.addAction(translate("LedgerTable", "查看收据…")).triggered.connect(
            self.show_receipt)
        if self.services.can(Permission.BILLING_EDIT) and not entry.reversed:
            menu.addAction(translate("LedgerTable", "冲正…")).triggered.connect(self.reverse)
        pop_up(menu, self.view.viewport().mapToGlobal(point))

    def show_receipt(self) -> None:
        from clinic_desktop.services.loyalty.receipts import receipt_of
        from ui.dialogs.receipt_dialog import ReceiptDialog

        entry = self.selected()
        if entry is None or entry.checkout_id is None:
            return
        receipt = self.services.call(receipt_of, entry.checkout_id)
        ReceiptDialog(self.services, receipt, self.view).exec()

    def reverse(self) -> None:
        from ui.dialogs.loyalty_actions import ReverseCheckoutDialog

        entry = self.selected()
        if entry is None or entry.checkout_id is None:
            return
        what = f"{self.services.format_datetime(entry.at)}  {kind_label(entry.kind)} " \
               f"{method_label(entry.method)} {money(entry.amount)}"
        ReverseCheckoutDialog(self.services, entry.checkout_id, what, self.view).exec()
