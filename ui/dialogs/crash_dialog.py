"""Shown for bugs: a plain sentence, where the log is, and the details folded away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.logs import current_log_path


class CrashDialog(QDialog):
    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("出错了"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("出错了"))
        heading.setObjectName("dialogHeading")
        layout.addWidget(heading)
        message = QLabel(self.tr(
            "程序遇到了一个意外问题，刚才的操作可能没有完成。您可以继续使用，"
            "如果问题再次出现，请把下面的日志文件发给技术支持。"))
        message.setWordWrap(True)
        layout.addWidget(message)
        log_path = current_log_path()
        self.log_label = QLabel(self.tr("日志文件：{0}").format(log_path or self.tr("（未启用）")))
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)  # a path may hold < or &
        self.log_label.setWordWrap(True)
        layout.addWidget(self.log_label)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setMinimumHeight(200)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.toggle = QPushButton(self.tr("显示详情"))
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggle)
        copy = QPushButton(self.tr("复制详情"))
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        buttons.addButton(self.toggle, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _toggle(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle.setText(self.tr("隐藏详情") if shown else self.tr("显示详情"))
        self.adjustSize()
