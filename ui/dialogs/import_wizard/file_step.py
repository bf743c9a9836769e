"""Step 1: the file and its sheet (browse, or drop the file on the wizard)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.services.imports import FilePreview
from ui.widgets.rich_text import make_plain

FILE_FILTER = "Excel / CSV (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt)"


class FileStep(QWidget):
    # (path, sheet name or None): the wizard reads it on the worker
    chosen = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        intro = QLabel(self.tr("选择诊所原来的 Excel 或 CSV 档案"
                               "（.xlsx、.xlsm、.xls、.ods、.csv），"
                               "也可以直接把文件拖到这个窗口。标题行、合并单元格、中文列名、"
                               "一人多行都可以原样导入；导入前会先试运行，告诉您将要做什么。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("尚未选择文件"))
        browse = QPushButton(self.tr("选择文件…"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(self.tr("文件"), row)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumWidth(240)
        self.sheet_combo.currentTextChanged.connect(self._sheet_changed)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch(1)
        form.addRow(self.tr("工作表"), sheet_row)
        layout.addLayout(form)
        self.file_info = QLabel()
        make_plain(self.file_info)  # names the file's sheet
        self.file_info.setObjectName("pageSubtitle")
        self.file_info.setWordWrap(True)
        layout.addWidget(self.file_info)
        layout.addStretch(1)
        self.preview: FilePreview | None = None

    def browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("选择要导入的文件"), "",
                                                    FILE_FILTER)
        if path:
            self.chosen.emit(Path(path), None)

    def reading(self, path: Path) -> None:
        """The wizard starts reading ``path``: what was shown of another file goes."""
        self.path_edit.setText(str(path))
        self.preview = None

    def show_preview(self, preview: FilePreview) -> None:
        self.preview = preview
        info = self.tr("工作表“{0}”共 {1} 行、{2} 列。").format(
            preview.data.name, f"{len(preview.data.rows):,}", preview.data.width)
        if preview.header_row is not None:
            info += self.tr("表头在第 {0} 行，识别出 {1} 个字段。").format(
                preview.header_row, len(preview.mapping))
        else:
            info += self.tr("没有自动识别出表头，下一步请选择表头所在的行。")
        self.file_info.setText(info)
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(preview.sheets))
        self.sheet_combo.setCurrentText(preview.data.name)
        self.sheet_combo.blockSignals(False)

    def _sheet_changed(self, name: str) -> None:
        if self.preview is not None and name and name != self.preview.data.name:
            self.chosen.emit(self.preview.path, name)
