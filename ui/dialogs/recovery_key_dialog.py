"""The recovery key, shown once when a clinic's data is encrypted: printed or saved as a PDF,
and put away. Without it, a lost keyring (a new PC, a re-installed system) means lost data;
the dialog says so and does not close until the clinic confirms it has the key on paper.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ui.dialogs.base import Dialog
from ui.widgets.pdf_output import write_pdf
from ui.widgets.rich_text import esc


class RecoveryKeyDialog(Dialog):
    def __init__(self, recovery: str, clinic_name: str, *, day: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("恢复密钥"), parent)
        self.recovery = recovery
        self.clinic_name = clinic_name
        self.day = day
        self.add_heading(self.tr("请打印并锁好恢复密钥"), self.tr(
            "这家诊所的数据库、附件和备份都已加密，密钥保存在本机。换电脑、重装系统或密钥丢失"
            "时，只有这把恢复密钥能打开数据：没有它，数据将无法找回。请现在打印（或保存为 PDF "
            "后打印），放在诊所的保险柜里，不要存在这台电脑上。"))
        self.key_label = QLabel(recovery)
        self.key_label.setObjectName("recoveryKey")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(15)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.key_label)
        row = QHBoxLayout()
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.clicked.connect(self.print_it)
        self.pdf_button = QPushButton(self.tr("保存为 PDF…"))
        self.pdf_button.clicked.connect(self.choose_pdf)
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.confirmed = QCheckBox(self.tr("我已打印或抄下恢复密钥，并会把它锁好"))
        self.body.addWidget(self.confirmed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("继续"))
        self.ok_button.setEnabled(False)
        self.confirmed.toggled.connect(self.ok_button.setEnabled)
        buttons.accepted.connect(self.accept)
        self.body.addWidget(buttons)
        self.setMinimumWidth(640)

    def reject(self) -> None:
        """Escape does not dismiss the key unseen: only the confirmed 继续 closes it."""
        if self.confirmed.isChecked():
            super().reject()

    # -- the sheet ----------------------------------------------------------------------------
    def document(self) -> QTextDocument:
        title = self.tr("Clinic Desktop 恢复密钥")
        lines = [
            f"<h2>{esc(title)}</h2>",
            f"<p>{esc(self.tr('诊所'))}：{esc(self.clinic_name)}<br>"
            f"{esc(self.tr('日期'))}：{self.day:%Y-%m-%d}</p>",
            f"<p style='font-family:monospace;font-size:18pt'>{esc(self.recovery)}</p>",
            "<p>" + esc(self.tr(
                "本机的密钥丢失时（换电脑、重装系统），在新电脑上打开诊所时输入这把恢复密钥，"
                "或运行：clinic-desktop unlock --recovery-key-file 文件（文件里写这把密钥）。"
                "请锁好，不要拍照或存在电脑上。")) + "</p>",
        ]
        document = QTextDocument()
        document.setHtml("".join(lines))
        return document

    def choose_pdf(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("保存恢复密钥"), str(Path(folder) / "clinic-desktop-recovery-key.pdf"),
            "PDF (*.pdf)")
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> bool:
        ok = write_pdf(self.document(), path, title=self.tr("Clinic Desktop 恢复密钥"),
                       page=QPageSize(QPageSize.PageSizeId.A4), margin_mm=20)
        if ok:
            path.chmod(0o600)  # the key itself: this user only, until it is printed
        else:
            QMessageBox.warning(self, self.tr("保存恢复密钥"),
                                self.tr("无法写入 {0}：请换一个文件夹。").format(path))
        return ok

    def print_it(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.document().print_(printer)
