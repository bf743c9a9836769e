"""The masked phone number (138****5678) and the explicit click that shows it in full.

A role without ``CONTACT_FULL`` gets patients' numbers masked from the services. Where a list
shows one, a right-click on the row ("显示完整号码") or a double-click on the number asks
``reveal_contact`` (audited, through ``services.ops``) for that one patient; the panel has a
"显示号码" link. What was revealed is kept for the signed-in session in one ``ContactReveals``
per ``AppServices``, so every list and the panel show that patient's number in full from then
on (and nobody else's); signing out drops it with the window and its services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from clinic_desktop.context import Actor
from clinic_desktop.permissions import Permission
from clinic_desktop.services.contacts import RevealedContact, reveal_contact
from ui.app_services import AppServices
from ui.widgets.common import pop_up
from ui.widgets.table_model import RECORD_ROLE, Column, resize_columns_to_contents

R = TypeVar("R")


class ContactReveals(QObject):
    """The numbers revealed in this session, by patient id."""

    revealed = Signal(int)  # patient id

    def __init__(self, services: AppServices) -> None:
        super().__init__(services)
        self.services = services
        self._actor: Actor = services.ctx.actor
        self._found: dict[int, RevealedContact] = {}

    @classmethod
    def of(cls, services: AppServices) -> ContactReveals:
        """The one store of these services (every page shares it): their child, gone with
        them at sign-out."""
        store = services.findChild(cls)
        return store if isinstance(store, cls) else cls(services)

    @property
    def masked(self) -> bool:
        """Whether this role sees numbers masked (and so may reveal them)."""
        return not self.services.can(Permission.CONTACT_FULL)

    def full(self, patient_id: int | None) -> RevealedContact | None:
        if self.services.ctx.actor != self._actor:  # another person signed in: forget
            self._actor, self._found = self.services.ctx.actor, {}
        return self._found.get(patient_id) if patient_id is not None else None

    def mobile(self, patient_id: int | None, shown: str | None) -> str:
        """The patient's mobile as this session may show it: in full once revealed."""
        found = self.full(patient_id)
        return (found.mobile if found is not None else shown) or ""

    def can_reveal(self, patient_id: int | None, shown: str | None) -> bool:
        return bool(self.masked and patient_id is not None and shown
                    and self.full(patient_id) is None)

    def reveal(self, patient_id: int, parent: QWidget | None = None) -> RevealedContact | None:
        """The audited click: one patient's numbers in full (None when refused)."""
        found = self.services.ops.run(lambda ctx: reveal_contact(ctx, patient_id),
                                      parent=parent, initiator=self)
        if found is not None:
            self.full(patient_id)  # drops another person's reveals first
            self._found[patient_id] = found
            self.revealed.emit(patient_id)
        return found


def phone_column(reveals: ContactReveals, title: str, patient_of: Callable[[R], int | None],
                 shown_of: Callable[[R], str | None], *, double_click: bool = True) -> Column[R]:
    """A table column of a patient's mobile: masked, or in full once revealed; its tooltip
    says how to reveal it (``double_click``: as ``attach`` was told)."""
    # Translated in the store's context (lupdate reads the literal context of each call).
    translate = QCoreApplication.translate
    hint = (translate("ContactReveals", "右键或双击号码可显示完整号码（记入审计日志）")
            if double_click else translate("ContactReveals", "右键可显示完整号码（记入审计日志）"))

    def text(record: R) -> str:
        return reveals.mobile(patient_of(record), shown_of(record))

    def tooltip(record: R) -> str:
        return hint if reveals.can_reveal(patient_of(record), shown_of(record)) else ""

    return Column(title, text, tooltip=tooltip)


def attach(view: QTableView, reveals: ContactReveals, patient_of: Callable[[Any], int | None],
           shown_of: Callable[[Any], str | None], *, phone_column: int,
           double_click: bool = True) -> None:
    """Offer the reveal on ``view``: a context-menu item on a row with a masked number, and
    (unless a double-click already means something there) a double-click on the number."""
    if not reveals.masked:
        return

    def record_at(index: QModelIndex) -> Any:
        return index.data(RECORD_ROLE) if index.isValid() else None

    def reveal(record: Any) -> None:
        patient_id = patient_of(record)
        if reveals.can_reveal(patient_id, shown_of(record)) and patient_id is not None:
            reveals.reveal(patient_id, view)

    def menu(point: QPoint) -> None:
        record = record_at(view.indexAt(point))
        if record is None or not reveals.can_reveal(patient_of(record), shown_of(record)):
            return
        context = QMenu(view)
        context.addAction(QCoreApplication.translate("ContactReveals", "显示完整号码")) \
            .triggered.connect(lambda: reveal(record))
        pop_up(context, view.viewport().mapToGlobal(point))

    def double_clicked(index: QModelIndex) -> None:
        if index.column() == phone_column:
            reveal(record_at(index))

    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(menu)
    if double_click:
        view.doubleClicked.connect(double_clicked)
    # Every view of the session redraws when a number is revealed anywhere (the connection
    # goes with the view: its child is the receiver).
    reveals.revealed.connect(_Redraw(view, phone_column).redraw)


class _Redraw(QObject):
    def __init__(self, view: QTableView, column: int) -> None:
        super().__init__(view)
        self.view, self.column = view, column

    def redraw(self, _patient_id: int) -> None:
        # Digits are wider than stars: the number column grows to the revealed number.
        resize_columns_to_contents(self.view, [self.column])
        self.view.viewport().update()
