"""Step 5: the import running on the worker (the progress bar is the wizard's)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class RunStep(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addStretch(1)
        self.run_label = QLabel(self.tr("正在导入…"))
        self.run_label.setObjectName("dialogHeading")
        self.run_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.run_label)
        note = QLabel(self.tr("可以随时取消：取消后本次导入不会留下任何数据。"))
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setObjectName("pageSubtitle")
        layout.addWidget(note)
        layout.addStretch(2)
