"""Choose which doctors get a column, and in which order (remembered per workstation)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QWidget

from clinic_desktop.services.staff import StaffInfo
from ui.dialogs.base import Dialog
from ui.widgets.common import button_row


class ColumnsDialog(Dialog):
    def __init__(self, doctors: list[StaffInfo], order: list[int], hidden: set[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("显示/隐藏医生"), parent)
        rank = {doctor_id: i for i, doctor_id in enumerate(order)}
        self.list = QListWidget()
        self.list.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        for doctor in sorted(doctors, key=lambda d: rank.get(d.id, len(rank) + d.id)):
            item = QListWidgetItem(doctor.display_name)
            item.setData(Qt.ItemDataRole.UserRole, doctor.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if doctor.id in hidden
                               else Qt.CheckState.Checked)
            self.list.addItem(item)
        up, down = QPushButton(self.tr("上移")), QPushButton(self.tr("下移"))
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        self.body.addWidget(self.list)
        self.body.addLayout(button_row(up, down))
        self.order: list[int] = []
        self.hidden: set[int] = set()
        self.add_buttons(self.tr("确定"), self.submit)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def submit(self) -> None:
        items = [self.list.item(i) for i in range(self.list.count())]
        self.order = [int(i.data(Qt.ItemDataRole.UserRole)) for i in items]
        self.hidden = {int(i.data(Qt.ItemDataRole.UserRole)) for i in items
                       if i.checkState() == Qt.CheckState.Unchecked}
        self.accept()
