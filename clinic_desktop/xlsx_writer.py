"""Writing tables to ``.xlsx`` the way a clinic manager expects to open them: a bold, frozen
header row, readable column widths, and real date and number cells (so Excel can sort and
sum them), streamed with openpyxl's write-only mode so 100,000 rows stay small in memory."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _

FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "money": "#,##0.00",
           "int": "0", "text": "@"}


@dataclass(frozen=True)
class XlsxColumn:
    title: str
    width: int = 12
    kind: str = "text"  # text, date, datetime, money, int


@dataclass(frozen=True)
class XlsxSheet:
    title: str
    columns: Sequence[XlsxColumn]
    rows: Iterable[Sequence[object]]


def _cell_value(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # callers pass clinic-local times; Excel has no zones
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(path: Path, sheets: Sequence[XlsxSheet]) -> int:
    """Write every sheet; returns the number of data rows. Written to a temporary file first,
    so a failure never leaves a half-written workbook under the chosen name."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    written = 0
    for spec in sheets:
        sheet = book.create_sheet(title=spec.title[:31])
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formatted = [i for i, c in enumerate(spec.columns) if c.kind in ("date", "datetime",
                                                                          "money")]
        for row in spec.rows:
            values: list[object] = [_cell_value(v) for v in row]
            for i in formatted:
                if values[i] is not None and values[i] != "":
                    cell = WriteOnlyCell(sheet, value=values[i])
                    cell.number_format = FORMATS[spec.columns[i].kind]
                    values[i] = cell
            sheet.append(values)
            written += 1
    target = Path(path)
    temporary = target.with_name(f".{target.name}.partial")
    try:
        book.save(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(_("无法保存到“{path}”：{reason}", path=target,
                          reason=exc.strerror or exc), field="path") from exc
    return written

