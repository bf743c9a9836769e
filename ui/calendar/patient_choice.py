"""The booking dialog's patient search: results with sex, age and last visit, so two 张桂 can
be told apart, and nothing chosen until the receptionist chooses (a click, or ↓ from the
search box then the arrow keys)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.calendar import BookingCandidate, booking_candidates
from ui.app_services import AppServices

RESULTS = 20


class _Results(QTreeWidget):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # About five rows: the booking dialog keeps its conflicts and free slots in sight.
        return QSize(super().sizeHint().width(), 140)


class PatientChoice(QWidget):
    chosen_changed = Signal()

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("姓名、拼音首字母、手机号后四位…"))
        self.query.setClearButtonEnabled(True)
        self.results = _Results()
        self.results.setObjectName("bookingPatients")
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setAlternatingRowColors(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setHeaderLabels([self.tr("姓名"), self.tr("性别"), self.tr("年龄"),
                                      self.tr("手机"), self.tr("上次就诊"), self.tr("编号")])
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name: the rest
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setMinimumHeight(120)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        self.query.textChanged.connect(self.search)
        self.query.installEventFilter(self)
        self.results.itemSelectionChanged.connect(self.chosen_changed)

    def search(self, text: str) -> None:
        self.results.clear()  # also clears the choice: a new search chooses nobody
        for found in booking_candidates(self.services.ctx, text, limit=RESULTS):
            hit = found.patient
            item = QTreeWidgetItem([
                ("⚠ " if hit.has_allergy else "") + hit.name,
                {"M": self.tr("男"), "F": self.tr("女")}.get(hit.sex or "", ""),
                "" if found.age is None else str(found.age),
                hit.mobile or "",
                found.last_visit.isoformat() if found.last_visit else self.tr("未就诊"),
                hit.code])
            item.setData(0, Qt.ItemDataRole.UserRole, found)
            self.results.addTopLevelItem(item)
        self.chosen_changed.emit()

    def chosen(self) -> BookingCandidate | None:
        """The patient the user selected; None until they do."""
        selected = self.results.selectedItems()
        found = selected[0].data(0, Qt.ItemDataRole.UserRole) if selected else None
        return found if isinstance(found, BookingCandidate) else None

    def clear_choice(self) -> None:
        self.results.clearSelection()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # ↓ from the search box goes to the results and picks the first: the user's choice.
        first = self.results.topLevelItem(0)
        if (watched is self.query and isinstance(event, QKeyEvent) and first is not None
                and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down):
            self.results.setFocus()
            self.results.setCurrentItem(first)
            return True
        return super().eventFilter(watched, event)
