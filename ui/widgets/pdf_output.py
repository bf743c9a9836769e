"""One way to lay a QTextDocument out on PDF pages (receipts, the recovery key sheet)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument


def write_pdf(document: QTextDocument, path: Path, *, title: str, page: QPageSize,
              margin_mm: float, creator: str = "") -> bool:
    """Write ``document`` to ``path`` at 300 dpi; whether a non-empty file came out."""
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    if creator:
        writer.setCreator(creator)
    margins = QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm)
    writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, margins,
                                     QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.size()))
    document.print_(writer)
    del writer  # the file is complete only once the writer is gone
    return path.exists() and path.stat().st_size > 0
