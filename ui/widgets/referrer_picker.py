"""介绍人: a patient on file chosen as the one who brought this patient.

A line edit that searches as it is typed (the patient search: name, pinyin, phone, code) with
a short result list under it; a click, or ↓ then Enter, chooses. The chosen patient then reads
"name · code · phone" in the (now read-only) line edit, with a clear button beside it. The
result list sits inside the widget rather than in a popup window: it never steals the keys
the receptionist is typing, and a dialog that holds it keeps its own size rules.

The picker only chooses; the service refuses the patient themself and a referral loop,
naming the ``referred_by_id`` field (the form maps it to ``query``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.patient_search import PatientHit, patient_hit, search_patients
from ui.app_services import AppServices
from ui.widgets.rich_text import plain_label

RESULTS = 8
RESULT_ROWS = 5  # the list is as tall as this many rows at most, then scrolls
ACCENT = "#2F80ED"
# Inline, so the mark needs no entry in the style sheet; an invalid field still shows red.
PROMINENT_STYLE = (f"QLineEdit {{ border: 2px solid {ACCENT}; }}"
                   " QLineEdit[invalid=\"true\"] { border: 2px solid #D92D20;"
                   " background: #FFF6F5; }")


def referrer_text(hit: PatientHit) -> str:
    """How a chosen referrer reads: name · code · phone (what is known of them)."""
    return " · ".join(part for part in (hit.name, hit.code, hit.mobile) if part)


class _Results(QListWidget):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        rows = max(1, min(self.count(), RESULT_ROWS))
        height = self.sizeHintForRow(0) if self.count() else self.fontMetrics().height() + 6
        return QSize(super().sizeHint().width(), rows * height + 2 * self.frameWidth() + 2)


class ReferrerPicker(QWidget):
    changed = Signal()  # a referrer was chosen or cleared

    def __init__(self, services: AppServices, *, exclude_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.exclude_id = exclude_id  # the patient being edited: never their own referrer
        self._chosen_id: int | None = None
        self.prominent = False
        self.label = QLabel(self.tr("介绍人"))  # the form's row label, marked with the field
        self.query = QLineEdit()
        self.query.setObjectName("referrerQuery")
        self.query.setClearButtonEnabled(True)
        self.clear_button = QPushButton(self.tr("清除"))
        self.clear_button.setToolTip(self.tr("不再记录这位介绍人"))
        self.clear_button.hide()
        self.results = _Results()
        self.results.setObjectName("referrerResults")
        self.results.setUniformItemSizes(True)
        self.results.setMaximumHeight(RESULT_ROWS * (self.fontMetrics().height() + 10))
        self.results.hide()
        self.hint = plain_label(self.tr("转介绍来的患者：请选择介绍人（不清楚可留空）"))
        self.hint.setObjectName("pageSubtitle")
        self.hint.setWordWrap(True)
        self.hint.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.query, 1)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.hint)
        self._placeholder()
        self.query.textEdited.connect(self.search)  # typing only, not showing a choice
        self.query.installEventFilter(self)
        self.results.installEventFilter(self)
        self.results.itemClicked.connect(self._choose_item)
        self.results.itemActivated.connect(self._choose_item)  # Enter, or a double-click
        self.clear_button.clicked.connect(self.clear)

    # -- what the form reads and sets --------------------------------------------------------
    def referrer_id(self) -> int | None:
        return self._chosen_id

    def set_referrer_id(self, patient_id: int | None) -> None:
        """Show the referrer stored on the record (merged or archived ones too: the link is
        kept as it is until someone changes it)."""
        if patient_id is None:
            self._reset()
            return
        hit = self.services.call(patient_hit, patient_id)
        self._show_chosen(patient_id, referrer_text(hit) if hit else f"#{patient_id}")

    def choose(self, hit: PatientHit) -> None:
        self._show_chosen(hit.id, referrer_text(hit))
        self.changed.emit()

    def clear(self) -> None:
        had = self._chosen_id is not None
        self._reset()
        self.query.setFocus()
        if had:
            self.changed.emit()

    def set_prominent(self, on: bool) -> None:
        """The source (or the booking's channel) is 转介绍: the field is marked and says why;
        it stays optional, as a clinic does not always know who referred."""
        self.prominent = on
        self.query.setStyleSheet(PROMINENT_STYLE if on else "")
        self.label.setStyleSheet(f"color:{ACCENT}; font-weight:600;" if on else "")
        self.hint.setVisible(on and self._chosen_id is None)
        self._placeholder()

    # -- searching -----------------------------------------------------------------------------
    def search(self, text: str) -> None:
        self.results.clear()
        hits = [h for h in self.services.call(search_patients, text, limit=RESULTS)
                if h.id != self.exclude_id] if text.strip() else []
        for hit in hits:
            item = QListWidgetItem(referrer_text(hit))
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        self.results.setVisible(bool(hits))
        self.results.updateGeometry()

    def _choose_item(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(hit, PatientHit):
            self.choose(hit)

    def _show_chosen(self, patient_id: int, text: str) -> None:
        self._chosen_id = patient_id
        self.results.clear()
        self.results.hide()
        self.query.setText(text)
        self.query.setCursorPosition(0)
        self.query.setReadOnly(True)
        self.query.setClearButtonEnabled(False)
        self.clear_button.show()
        self.hint.hide()

    def _reset(self) -> None:
        self._chosen_id = None
        self.query.setReadOnly(False)
        self.query.setClearButtonEnabled(True)
        self.query.clear()
        self.results.clear()
        self.results.hide()
        self.clear_button.hide()
        self.hint.setVisible(self.prominent)

    def _placeholder(self) -> None:
        self.query.setPlaceholderText(
            self.tr("搜索介绍人：姓名、拼音首字母、手机号") if not self.prominent
            else self.tr("转介绍：搜索介绍人的姓名、拼音或手机号"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """↓ from the box into the list; Enter chooses the highlighted result (not the
        dialog's default button); Esc closes the list (not the dialog)."""
        if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        showing = self.results.isVisibleTo(self) and self.results.count() > 0
        if watched is self.query and showing and key == Qt.Key.Key_Down:
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            return True
        if showing and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.results.currentItem() or self.results.item(0)
            if item is not None:
                self._choose_item(item)
                self.query.setFocus()
            return True
        if showing and key == Qt.Key.Key_Escape:
            self.results.hide()
            self.query.setFocus()
            return True
        return super().eventFilter(watched, event)
