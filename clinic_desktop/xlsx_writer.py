"""Writing tables to ``.xlsx`` the way a clinic manager expects to open them: a bold, frozen
header row, readable column widths, and real date and number cells (so Excel can sort and
sum them), streamed with openpyxl's write-only mode so 100,000 rows stay small in memory.

Every text value goes out as text, never as a formula: a patient named ``=HYPERLINK(...)``
must not become a live link in the manager's Excel. openpyxl stores any ``str`` starting with
``=`` as a formula, so such a value (and any other starting with ``+ - @``, tab or CR, which
Excel turns into a formula when the cell is edited) is written as a string cell with Excel's
"quote prefix" (the ``'`` a user types to keep ``=1+1`` as text). The rule looks at the text
as it is written (after ``writable_text`` drops control characters) and past any invisible
start (spaces, control and format characters such as U+200B), so an invisible character
before the ``=`` hides nothing. This module is the one place that rule lives: every export,
report and template goes through ``write_xlsx``."""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop.errors import UserError, os_error_sentence

if TYPE_CHECKING:
    from openpyxl.styles import Font
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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


# What a spreadsheet may read as the start of a formula (OWASP's CSV-injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry (openpyxl refuses them with an exception, and a lone
# surrogate fails the UTF-8 encoding at save), and CR, which every XML reader turns into LF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _visible_start(text: str) -> str:
    """``text`` from its first character that is not white space, a control or a format
    character: what a spreadsheet may pass over before it reads a formula's sign."""
    for index, char in enumerate(text):
        if not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf"):
            return text[index:]
    return ""


def is_formula_like(text: str) -> bool:
    """True for text a spreadsheet would evaluate if it were typed into a cell."""
    return text.startswith(FORMULA_START) or _visible_start(text).startswith(FORMULA_START)


def writable_text(text: str) -> str:
    """The text as a spreadsheet can hold it, so one odd character never fails an export:
    line breaks as LF, a broken character as U+FFFD, invisible control characters dropped."""
    if _UNWRITABLE.search(text) is None:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


def _cell_value(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # callers pass clinic-local times; Excel has no zones
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell(sheet: WriteOnlyWorksheet, value: object, number_format: str | None = None,
          font: Font | None = None) -> object:
    """What to append for one value: the value itself when plain (write-only mode is fastest
    with plain values), or a cell carrying its format, font or forced text type."""
    risky = False
    if isinstance(value, str):
        # Checked as written: a control character dropped here must not uncover an '='.
        value = writable_text(value)
        risky = is_formula_like(value)
    else:
        value = _cell_value(value)
    if not risky and number_format is None and font is None:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if risky:
        # Forced to a string cell, openpyxl writes it as an inline string with no <f>; the
        # quote prefix keeps it text when someone edits the cell in Excel or LibreOffice.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _discard(book: Any) -> None:
    """Close the sheets of a workbook that will not be saved and remove their temporary
    files now (openpyxl would leave them until the program ends, and complain then)."""
    for sheet in book.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()
        with contextlib.suppress(Exception):
            sheet._writer.cleanup()


def write_xlsx(path: Path, sheets: Sequence[XlsxSheet]) -> int:
    """Write every sheet; returns the number of data rows. Written to a temporary file first,
    so a failure never leaves a half-written workbook under the chosen name."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    written = 0
    try:
        for spec in sheets:
            sheet = book.create_sheet(title=spec.title[:31])
            for index, column in enumerate(spec.columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = column.width
            sheet.freeze_panes = "A2"
            # Titles can come from an imported file (the error report): the same rule applies.
            sheet.append([_cell(sheet, column.title, font=bold) for column in spec.columns])
            formats = [FORMATS[c.kind] if c.kind in ("date", "datetime", "money") else None
                       for c in spec.columns]
            for row in spec.rows:
                sheet.append([_cell(sheet, v, formats[i] if i < len(formats)
                                    and v not in (None, "") else None)
                              for i, v in enumerate(row)])
                written += 1
    except BaseException:
        _discard(book)  # a cancelled export, a failed read: nothing is written
        raise
    target = Path(path)
    temporary = target.with_name(f".{target.name}.partial")
    try:
        book.save(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        # Named after the file the user chose, not the temporary one beside it.
        exc.filename = str(target)
        raise UserError(os_error_sentence(exc), field="path") from exc
    return written

