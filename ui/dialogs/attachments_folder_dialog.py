"""设置 → 附件文件夹…: on a server, the folder every workstation keeps X-rays and photos in.

The database holds only each file's hash; the files themselves go to one shared folder (a
file server's share, mounted or as a UNC path) that every workstation reaches. The folder is
checked for writing from this workstation before it is saved."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from clinic_desktop.services.attachments import set_shared_folder, shared_folder
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors


class AttachmentsFolderDialog(Dialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("附件文件夹"), parent)
        self.services = services
        self.saved: str | None = None
        self.add_heading(self.tr("共享的附件文件夹"), self.tr(
            "X 光片、照片和扫描件保存在各工作站都能访问的文件夹里（例如文件服务器的共享文件夹）。"
            "每台工作站都要能用同一路径打开它。"))
        self.folder = QLineEdit(shared_folder(services.ctx) or "")
        self.folder.setPlaceholderText(self.tr(r"例如 \\fileserver\clinic\attachments"))
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.body.addLayout(row)
        self.add_hint(self.tr("更换文件夹不会移动已有的附件：请先把原文件夹里的内容复制过去。"))
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"folder": self.folder})
        self.add_buttons(self.tr("保存"), self.submit)
        self.setMinimumWidth(560)
        self.setMinimumHeight(self.sizeHint().height())

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("选择共享文件夹"),
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def submit(self) -> None:
        folder = self.folder.text()
        self.services.ops.run(lambda ctx: set_shared_folder(ctx, folder), parent=self,
                              errors=self.errors, on_done=self._saved)

    def _saved(self, folder: str) -> None:
        self.saved = folder
        self.accept()
