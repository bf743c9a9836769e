"""A formula sign behind an invisible start is still a formula sign: text beginning with a
control character (dropped when written), a zero-width or other format character, or white
space, and then ``= + - @``, is written as inert text with the quote prefix, in the writer and
in a real export from a real clinic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update

from clinic_desktop.context import Context
from clinic_desktop.services import billing, exports
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.xlsx_writer import XlsxColumn, XlsxSheet, writable_text, write_xlsx
from tests.unit.test_spreadsheet_safety import all_cells, assert_inert, by_title

LINK = '=HYPERLINK("http://evil.example/","查看")'
# What Excel or LibreOffice passes over before the sign: C0 and C1 controls (the C0 ones are
# dropped on writing), DEL, format characters (zero-width space, BOM, direction marks, word
# joiner), and white space of every width, alone and in a row.
INVISIBLE = ("\x01", "\x02\x1f", "\x7f", "\x85", "\u200b", "\ufeff", "\u200e", "\u2060",
             " ", "\u00a0", "\u3000", "\n", "\t ", "\x01\u200b ")
SIGNS = ("=1+1", "+1", "-2+3", "@SUM(1)")


def _write(tmp_path: Path, values: list[str]) -> Path:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [XlsxSheet("t", [XlsxColumn("值", 20)], [[v] for v in values])])
    return path


@pytest.mark.parametrize("start", INVISIBLE)
def test_a_sign_behind_an_invisible_start_is_written_as_text(tmp_path: Path,
                                                             start: str) -> None:
    values = [start + LINK, *(start + sign for sign in SIGNS)]
    path = _write(tmp_path, values)
    # As written: the control characters gone, and no formula anywhere in the file.
    assert_inert(path, [writable_text(v) for v in values])


def test_plain_text_keeps_no_quote_prefix(tmp_path: Path) -> None:
    """Only a leading sign counts: ordinary text, or a sign later in it, stays a plain cell."""
    values = ["张三", "a=b", "\u200b李四", " 备注 -1", "1+1"]
    path = _write(tmp_path, values)
    cells = {cell.value: cell for cell in all_cells(path)}
    assert all(not cells[v].quotePrefix and cells[v].data_type == "s" for v in values)


def test_ledger_and_patient_exports_keep_hidden_formulas_inert(
        admin_ctx: Context, tmp_path: Path) -> None:
    patient = create_patient(admin_ctx, PatientInput(name="王五", mobile="13700137000"))
    billing.add_entry(admin_ctx, patient.patient.id, kind="charge", amount=Decimal(500),
                      note="洁牙")
    # Written straight to the tables: a record an older version, another workstation or an
    # import put there before notes were checked must still come out inert.
    note, name = "\x02" + LINK, "\u200b" + LINK
    with admin_ctx.db.session(write=True) as session:
        session.execute(update(LedgerEntry).values(note=note))
        session.execute(update(Patient).values(name=name))
    ledger = tmp_path / "ledger.xlsx"
    assert exports.export_ledger(admin_ctx, ledger) == 1
    assert_inert(ledger, [LINK, name])
    assert by_title(ledger)["说明"] == [LINK]  # the control character dropped, the text kept
    people = tmp_path / "patients.xlsx"
    assert exports.export_patients(admin_ctx, people) == 1
    assert_inert(people, [name])
