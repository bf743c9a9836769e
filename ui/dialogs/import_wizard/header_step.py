"""Step 2: which row holds the column titles, shown on the file's first rows."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.importing.header import header_labels
from clinic_desktop.importing.mapping import auto_map, field_label
from clinic_desktop.services.imports import FilePreview

HEADER_COLOUR = QColor("#D6E4FF")
ABOVE_COLOUR = QColor("#F0F2F5")


class HeaderStep(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("表头在第")))
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 30)
        self.header_spin.setMinimumWidth(72)
        self.header_spin.valueChanged.connect(self._header_changed)
        row.addWidget(self.header_spin)
        row.addWidget(QLabel(self.tr("行")))
        self.header_note = QLabel()
        self.header_note.setObjectName("pageSubtitle")
        self.header_note.setWordWrap(True)
        row.addWidget(self.header_note, 1)
        layout.addLayout(row)
        self.preview_table = QTableWidget()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.preview_table, 1)
        self.preview: FilePreview | None = None

    def fill(self, preview: FilePreview) -> None:
        self.preview = preview
        rows = preview.rows
        width = max((len(r) for r in rows), default=0)
        table = self.preview_table
        table.clear()
        table.clearSpans()
        table.setRowCount(len(rows))
        table.setColumnCount(width)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
            if sum(1 for v in row if v) == 1 and row[0] and width > 1:
                table.setSpan(r, 0, 1, width)  # a title row reads across, as in Excel
        self.header_spin.blockSignals(True)
        self.header_spin.setRange(1, max(1, len(rows)))
        self.header_spin.setValue(preview.header_row or 1)
        self.header_spin.blockSignals(False)
        self._header_changed(self.header_spin.value())

    @property
    def header_row(self) -> int:
        """The header's row number, counted from 1 as in Excel."""
        return self.header_spin.value()

    def labels(self) -> tuple[str, ...]:
        assert self.preview is not None
        return header_labels(self.preview.data.rows, self.header_row - 1)

    def _header_changed(self, row_number: int) -> None:
        if self.preview is None:
            return
        table = self.preview_table
        bold = QFont()
        bold.setBold(True)
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                if item is None:
                    item = QTableWidgetItem("")
                    table.setItem(r, c, item)
                if r == row_number - 1:
                    item.setBackground(QBrush(HEADER_COLOUR))
                    item.setFont(bold)
                else:
                    item.setBackground(QBrush(ABOVE_COLOUR) if r < row_number - 1
                                       else QBrush())
                    item.setFont(QFont())
        table.resizeColumnsToContents()
        for c in range(table.columnCount()):
            table.setColumnWidth(c, min(table.columnWidth(c), 180))
        mapping = auto_map(self.labels())
        note = self.tr("识别出 {0} 个字段：{1}").format(
            len(mapping), "、".join(field_label(k) for k in mapping.values()) or "—")
        if self.preview.header_row is None:
            note = self.tr("没有自动识别出表头，请选择表头所在的行。") + "  " + note
        self.header_note.setText(note)
        header_item = table.item(max(0, row_number - 1), 0)
        if header_item is not None:
            table.scrollToItem(header_item)
