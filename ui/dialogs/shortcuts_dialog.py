"""Help → 键盘快捷键: every shortcut, where it works, what it does."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ui.dialogs.base import Dialog
from ui.shortcuts import shortcut_table


class ShortcutsDialog(Dialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("键盘快捷键"), parent)
        self.setObjectName("shortcutsDialog")
        rows = shortcut_table()
        where = {"": self.tr("任何页面"), "calendar": self.tr("预约"),
                 "patients": self.tr("患者")}
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("按键"), self.tr("页面"), self.tr("作用")])
        for row, info in enumerate(rows):
            for column, text in enumerate((info.keys, where.get(info.where, info.where),
                                           info.description)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.body.addWidget(self.table)
        close = self.add_buttons(self.tr("关闭"), self.accept)
        cancel = close.button(close.StandardButton.Cancel)
        cancel.hide()
        self.resize(560, 360)
