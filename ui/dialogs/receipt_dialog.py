"""The receipt (收据) of one checkout: shown, printed, or saved as a PDF with the clinic's name.

The layout is one HTML document (every stored value escaped) laid out by QTextDocument, so
the preview, the printer and the PDF show the same page.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from clinic_desktop.services.loyalty.receipts import Receipt, ReceiptLine
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.widgets.pdf_output import write_pdf
from ui.widgets.rich_text import esc

PAGE = QPageSize.PageSizeId.A5


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


class ReceiptDialog(Dialog):
    def __init__(self, services: AppServices, receipt: Receipt,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("收据"), parent)
        self.services = services
        self.receipt = receipt
        self.html = self.receipt_html()
        self.preview = QTextBrowser()
        self.preview.setObjectName("receiptPreview")
        self.preview.setHtml(self.html)
        self.preview.setMinimumSize(480, 520)
        self.body.addWidget(self.preview, 1)
        buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("保存 PDF…"))
        self.print_button = QPushButton(self.tr("打印…"))
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("完成"))
        close.setDefault(True)
        for button in (self.save_button, self.print_button):
            button.setAutoDefault(False)  # Enter closes; saving is a choice
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.accept)
        self.save_button.clicked.connect(self.choose_pdf)
        self.print_button.clicked.connect(self.print_it)
        self.body.addWidget(buttons)

    # -- the document ---------------------------------------------------------------------
    def receipt_html(self) -> str:
        r = self.receipt
        at = self.services.local(r.at)
        title = self.tr("冲正收据") if r.reversal_of else self.tr("收款收据")
        number, patient, operator = self.tr("单号"), self.tr("患者"), self.tr("收款人")
        contact = "　".join(esc(x) for x in (r.clinic_address, r.clinic_phone) if x)
        parts = [f"<h2 style='margin:0;text-align:center'>{esc(r.clinic_name)}</h2>"
                 f"<p style='text-align:center;color:#52606D;margin:2px'>{contact}</p>"
                 f"<h3 style='text-align:center;margin:8px'>{title}</h3>"
                 "<table width='100%' cellpadding='2'>"
                 f"<tr><td>{number}：{esc(r.number)}</td>"
                 f"<td align='right'>{at:%Y-%m-%d %H:%M}</td></tr>"
                 f"<tr><td>{patient}：{esc(r.patient_name)}（{esc(r.patient_code)}）</td>"
                 f"<td align='right'>{operator}：{esc(r.operator)}</td></tr></table>"]
        if r.reversal_of:
            undoes = self.tr("冲正原收据")
            parts.append(f"<p>{undoes} {esc(r.reversal_of)}：{esc(r.note)}</p>")
        parts.append(self._section(self.tr("项目"), r.items))
        parts.append(self._section(self.tr("优惠"), r.discounts, negative=True))
        parts.append(self._section(self.tr("储值充值"), r.topups))
        parts.append(self._section(self.tr("支付"), r.payments))
        totals = [(self.tr("实收合计"), _money(r.paid)),
                  (self.tr("收款后欠费"), _money(r.owed_after)),
                  (self.tr("储值余额"), _money(r.stored_value_after))]
        if r.points_earned or r.points_redeemed or r.points_after:
            totals.append((self.tr("积分"), self.tr("本次 +{0} / −{1}，余 {2}").format(
                r.points_earned, r.points_redeemed, r.points_after)))
        parts.append("<hr/><table width='100%' cellpadding='2'>" + "".join(
            f"<tr><td><b>{k}</b></td><td align='right'><b>{v}</b></td></tr>"
            for k, v in totals) + "</table>")
        if r.note and not r.reversal_of:
            note = self.tr("备注")
            parts.append(f"<p>{note}：{esc(r.note)}</p>")
        thanks = self.tr("谢谢惠顾，祝您健康！")
        parts.append(f"<p style='color:#52606D;text-align:center'>{thanks}</p>")
        return "".join(p for p in parts if p)

    @staticmethod
    def _section(title: str, lines: tuple[ReceiptLine, ...], *, negative: bool = False) -> str:
        if not lines:
            return ""
        sign = "−" if negative else ""
        rows = "".join(
            f"<tr><td>{esc(line.label)}</td><td>{esc(line.detail)}</td>"
            f"<td align='right'>{sign}{_money(line.amount)}</td></tr>" for line in lines)
        return (f"<p style='margin:6px 0 2px 0;color:#52606D'>{title}</p>"
                f"<table width='100%' cellpadding='2'>{rows}</table>")

    def document(self) -> QTextDocument:
        document = QTextDocument()
        document.setHtml(self.html)
        return document

    # -- output -----------------------------------------------------------------------------
    def default_pdf_name(self) -> str:
        return f"{self.receipt.number}.pdf"

    def choose_pdf(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("保存收据"), str(Path(folder) / self.default_pdf_name()), "PDF (*.pdf)")
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> bool:
        ok = write_pdf(self.document(), path, title=self.receipt.number, page=QPageSize(PAGE),
                       margin_mm=12, creator=self.receipt.clinic_name)
        if not ok:
            QMessageBox.warning(self, self.tr("保存收据"),
                                self.tr("无法写入 {0}：请换一个文件夹。").format(path))
        return ok

    def print_it(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(PAGE))
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.document().print_(printer)
