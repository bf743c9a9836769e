"""Reading a legacy spreadsheet into rows of raw cell values, or refusing it in one sentence.

``python-calamine`` reads ``.xlsx``/``.xlsm``/``.xls``/``.ods``; ``.csv`` is decoded as UTF-8
(with or without BOM), UTF-16 with BOM (Excel's "Unicode text", tab separated) or GB18030 (a
superset of GBK). A character the file's encoding cannot carry becomes U+FFFD here, so no
later stage meets a lone surrogate; the cleaning stage refuses such a cell by row and column.
Cell values are never evaluated: ``=1+1`` in a CSV is the text ``=1+1``. Row ``i`` of a
``SheetData`` is the spreadsheet's row ``i + 1``, so every message can name the row the
manager sees in Excel.
Calamine reads a formula error as an empty cell, so for ``.xlsx`` the error cells are found in
the sheet's XML and put back as their error text (``#REF!``), for the cleaners to refuse.
A merged cell's value sits only in its top-left cell; where calamine reports the merges
(``.xlsx``/``.xlsm``/``.xls``, not ``.ods``) a range merged down over several rows gives its
value to each of those rows, so one patient merged over two visit rows is on both.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.rules.legacy_values import Cell

MAX_ROWS = 1_000_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


class UnusableFile(UserError):
    """The whole file is refused: one sentence, nothing written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class SheetData:
    name: str
    rows: list[list[Cell]]
    # (row, column) of each cell that holds a merged range's value copied down from its first
    # row (``_fill_merged``) → that first row: the cleaning keeps a patient's merged sum in
    # the first row only.
    copied: dict[tuple[int, int], int] = field(default_factory=dict, compare=False)
    # What was worked out from these rows that a later run over them may take up (the wizard's
    # import takes the cleaning its dry run did): it lives as long as the rows it comes from.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _kind(path: Path) -> str:
    """``workbook`` or ``csv`` by content (extensions lie), or an UnusableFile."""
    if not path.exists():
        raise UnusableFile(_("文件“{name}”不存在或已被移走。", name=path.name))
    if path.is_dir():
        raise UnusableFile(_("“{name}”是文件夹，不是电子表格文件。", name=path.name))
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as exc:
        raise UnusableFile(_("无法打开文件“{name}”：{reason}", name=path.name,
                             reason=exc.strerror or exc)) from exc
    if not head:
        raise UnusableFile(_("文件“{name}”是空的（0 字节）。", name=path.name))
    suffix = path.suffix.lower()
    if head.startswith(_OLE):
        if suffix in (".xlsx", ".xlsm") or _is_encrypted_package(path):
            raise UnusableFile(_("工作簿“{name}”设置了打开密码：请在 Excel 中取消密码后另存，"
                                 "再导入。", name=path.name))
        return "workbook"
    if head.startswith(_ZIP):
        return "workbook"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise UnusableFile(_("“{name}”不是电子表格文件（支持 .xlsx、.xlsm、.xls、.ods、.csv 和 "
                         ".tsv）。", name=path.name))


def _is_encrypted_package(path: Path) -> bool:
    # An encrypted .xlsx is an OLE file holding "EncryptionInfo" (UTF-16 stream name).
    with path.open("rb") as stream:
        return "EncryptionInfo".encode("utf-16-le") in stream.read(1 << 16)


def _calamine_error(path: Path, exc: Exception) -> UnusableFile:
    if not path.exists():
        return UnusableFile(_("文件“{name}”在读取过程中被移走或删除了。", name=path.name))
    if type(exc).__name__ == "PasswordError" or "password" in str(exc).lower():
        return UnusableFile(_("工作簿“{name}”设置了打开密码：请在 Excel 中取消密码后另存，"
                              "再导入。", name=path.name))
    return UnusableFile(_("“{name}”无法作为电子表格读取（文件可能已损坏，或不是 Excel 文件）。",
                          name=path.name))


def sheet_names(path: Path) -> list[str]:
    """The visible worksheets, in workbook order (a CSV file is one sheet named after it)."""
    if _kind(path) == "csv":
        return [path.stem]
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in workbook.sheets_metadata
                 if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible]
        workbook.close()
    except Exception as exc:  # calamine raises its own error types, and OSError
        raise _calamine_error(path, exc) from exc
    if not names:
        raise UnusableFile(_("工作簿“{name}”中没有工作表。", name=path.name))
    return names


def read_sheet(path: Path, sheet: str | None = None, *, max_rows: int = MAX_ROWS,
               progress: Callable[[int, int], None] | None = None) -> SheetData:
    """All rows of one sheet (the first when ``sheet`` is None), from row 1."""
    if _kind(path) == "csv":
        data = _read_csv(path, max_rows)
    else:
        data = _read_workbook(path, sheet, max_rows)
    if not any(any(_filled(v) for v in row) for row in data.rows):
        raise UnusableFile(_("工作表“{sheet}”是空的。", sheet=data.name))
    if progress is not None:
        progress(len(data.rows), len(data.rows))
    return data


def _filled(value: Cell) -> bool:
    return value is not None and value != ""


def _read_workbook(path: Path, sheet: str | None, max_rows: int) -> SheetData:
    from python_calamine import CalamineWorkbook

    xlsx = zipfile.is_zipfile(path) and path.suffix.lower() in (".xlsx", ".xlsm")
    # Calamine parses without holding the GIL, so the scan for error cells (its own pass over
    # the sheet's XML) runs beside it on another core instead of after it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scans: dict[str, Future[list[tuple[int, int, str]]]] = {}
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            names = workbook.sheet_names
            if sheet is not None and sheet not in names:
                raise UnusableFile(_("工作簿“{name}”中没有名为“{sheet}”的工作表（有：{sheets}）。",
                                     name=path.name, sheet=sheet, sheets="、".join(names)))
            if xlsx and (sheet or names):
                wanted = sheet or names[0]
                scans[wanted] = pool.submit(_xlsx_error_cells, path, wanted)
            data = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
            height = data.end[0] + 1 if data.end else 0  # the last used row, counted from row 1
            if height > max_rows:
                raise UnusableFile(_("工作表“{sheet}”有 {rows} 行，超过一次导入的上限 {limit} 行；"
                                     "请拆分成几个文件。", sheet=data.name, rows=height,
                                     limit=max_rows))
            # Cells come back as str, float, int, bool, date, datetime, time or timedelta; the
            # last two are rare and become text in ``cell_text``, so rows are kept as returned.
            rows = cast(list[list[Cell]], data.to_python(skip_empty_area=False))
            merges = data.merged_cell_ranges  # None where calamine cannot tell (.ods)
            name = data.name
            workbook.close()
        except UserError:
            raise
        except Exception as exc:
            raise _calamine_error(path, exc) from exc
        errors = scans[name].result() if name in scans else \
            _xlsx_error_cells(path, name) if xlsx else []
    for row, column, text in errors:
        while len(rows) <= row:
            rows.append([])
        while len(rows[row]) <= column:
            rows[row].append("")
        rows[row][column] = text
    copied = _fill_merged(rows, merges) if merges else {}  # most workbooks have none
    return SheetData(name, rows, copied)


Merge = tuple[tuple[int, int], tuple[int, int]]


def _fill_merged(rows: list[list[Cell]], merges: list[Merge]) -> dict[tuple[int, int], int]:
    """Copy each merged range's value down the rows it spans, into its first column.

    Calamine counts a merge from A1, as ``to_python(skip_empty_area=False)`` does, so its
    corners index ``rows`` directly. The value goes down, not across: a range merged across
    columns stays in the column it starts in, which is where a header label or a data value
    merged sideways belongs (``header_labels`` counts on that for group headers). A row that
    holds nothing of its own (a spacer at the bottom of a merged block, or a row past the
    last one calamine returned) stays blank rather than becoming a row of copies only.
    Returns the cells written, each with the row it was copied from.
    """
    writes: list[tuple[int, int, Cell, int]] = []
    for (top, left), (bottom, _right) in merges:
        if top >= len(rows) or left >= len(rows[top]) or not _filled(rows[top][left]):
            continue
        value = rows[top][left]
        # Rows are judged before any is written to, so two merges on one row do not count
        # each other's copies as the row's own cells.
        writes.extend((r, left, value, top) for r in range(top + 1, min(bottom + 1, len(rows)))
                      if any(_filled(v) for v in rows[r]))
    for r, column, value, _top in writes:
        row = rows[r]
        if len(row) <= column:
            row.extend([""] * (column + 1 - len(row)))
        row[column] = value
    return {(r, column): top for r, column, _value, top in writes}


_ERROR_CELL = re.compile(rb'<c\b([^>]*?)\bt="e"([^>]*)>(.*?)</c>', re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


_ERROR_MARK = b't="e"'
_BLOCK = 1 << 20


def _mentions(package: zipfile.ZipFile, member: str, needle: bytes) -> bool:
    """Whether ``member`` holds ``needle``, read a block at a time (a needle across two blocks
    is found through the end of the previous block kept in front of the next)."""
    with package.open(member) as stream:
        tail = b""
        while block := stream.read(_BLOCK):
            if needle in tail + block[:len(needle) - 1] or needle in block:
                return True
            tail = block[-(len(needle) - 1):]
    return False


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _xlsx_error_cells(path: Path, sheet: str) -> list[tuple[int, int, str]]:
    """(row index, column index, ``#REF!``) of every formula-error cell of ``sheet``."""
    try:
        with zipfile.ZipFile(path) as package:
            workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_REL)}
            rel_id = next((s.get(f"{{{_NS['r']}}}id") for s in workbook.iter(f"{{{_NS['m']}}}sheet")
                           if s.get("name") == sheet), None)
            target = targets.get(rel_id, "")
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            # A big sheet's XML is ~90 MB for 100,000 rows: look for an error cell a block at a
            # time, and hold the whole text only when there is one.
            if not _mentions(package, member, _ERROR_MARK):
                return []
            xml = package.read(member)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return []  # calamine read it; a workbook laid out differently just goes unchecked
    found = []
    for match in _ERROR_CELL.finditer(xml):
        ref = _REF.search(match.group(1) + match.group(2))
        value = _VALUE.search(match.group(3))
        if ref and value:
            found.append((int(ref.group(2)) - 1, _column_index(ref.group(1)),
                          value.group(1).decode("utf-8", "replace")))
    return found


_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _utf16(raw: bytes) -> str | None:
    """The text of a UTF-16 file with its BOM (as Excel saves "Unicode text"), else None."""
    for bom, encoding in _UTF16_BOMS:
        if raw.startswith(bom):
            # "replace": a lone surrogate or a cut-off last byte becomes U+FFFD, which the
            # cleaning stage refuses by row and column instead of crashing later on.
            return raw[len(bom):].decode(encoding, errors="replace")
    return None


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableFile(_("无法识别 CSV 文件“{name}”的文字编码（支持 UTF-8 和 GBK/GB18030）。",
                         name=name))


def _read_csv(path: Path, max_rows: int) -> SheetData:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise UnusableFile(_("文件“{name}”在读取过程中被移走或删除了。",
                             name=path.name)) from exc
    text = _utf16(raw)
    if text is None:
        if b"\x00" in raw[:4096]:
            raise UnusableFile(_("“{name}”不是能识别的文本 CSV 文件：请在 Excel 中用“另存为”选择"
                                 "“CSV UTF-8（逗号分隔）”或“Unicode 文本”后再导入。",
                                 name=path.name))
        text = _decode(raw, path.name)
    rows: list[list[Cell]] = []
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text[:16384]))
    while True:
        try:
            row = next(reader, None)
        except csv.Error as exc:  # raised for the record being read: the next row
            raise _csv_error(path, len(rows) + 1, exc) from exc
        if row is None:
            break
        if len(rows) >= max_rows:
            raise UnusableFile(_("文件“{name}”超过一次导入的上限 {limit} 行；请拆分成几个文件。",
                                 name=path.name, limit=max_rows))
        rows.append(list(row))
    return SheetData(path.stem, rows)


_DELIMITERS = (",", "\t", ";", "|")


def _delimiter(sample: str) -> str:
    """The separator that splits the sample's rows into the same number of cells most often
    (two at least). Read as CSV with quotes, so a note with a comma or a line break inside its
    quotes (how Excel on Windows saves a semicolon CSV) does not mislead it as it does
    ``csv.Sniffer``."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths: list[int] = []
        reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
        with suppress(csv.Error):  # the sample may end inside a quoted cell
            widths.extend(len(row) for row in itertools.islice(reader, 50)
                          if any(cell.strip() for cell in row))
        if len(widths) > 1:
            widths.pop()  # the sample may end inside the last row
        if not widths:
            continue
        width, rows = Counter(widths).most_common(1)[0]
        if width >= 2 and (rows, width) > best_score:
            best, best_score = delimiter, (rows, width)
    return best


def _csv_error(path: Path, row: int, exc: csv.Error) -> UnusableFile:
    if "field limit" in str(exc):
        # No clinic cell is 128 KB long: this is almost always a quote left open, which
        # swallows the rest of the file into one cell. The whole file is refused.
        return UnusableFile(_("CSV 文件“{name}”第 {row} 行有一个单元格超过 {limit} 个字符，"
                              "多半是少了一个配对的引号：请检查这一行后再导入。",
                              name=path.name, row=row, limit=csv.field_size_limit()))
    return UnusableFile(_("CSV 文件“{name}”第 {row} 行无法按表格读取（引号或分隔符不完整）："
                          "请检查这一行后再导入。", name=path.name, row=row))
