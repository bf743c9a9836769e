"""``storage.bulk``: rows given a column at a time (or as tuples) are stored exactly as the ORM
stores them: same conversions (money in fen, UTC instants, dates), model defaults for the
columns left out, ids in row order across chunks, and tables keyed by their columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clinic_desktop.context import Context
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage import bulk
from clinic_desktop.storage.bulk import bulk_insert, insert_columns, table_of
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.patient import PatientTag, Tag

SH = ZoneInfo("Asia/Shanghai")


def _ledger(ctx: Context, ids: list[int]) -> list[tuple[Any, ...]]:
    with ctx.db.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(
            "SELECT patient_id, at, kind, method, amount, visit_id, note, created_by, "
            "import_batch_id, pot, source FROM ledger_entry WHERE id IN "
            f"({', '.join(map(str, ids))}) ORDER BY id"))]


def _entries(patient: int, staff: int | None) -> list[dict[str, Any]]:
    """Values that need each kind of conversion, and repeats (memoised processors)."""
    noon = datetime(2024, 3, 5, 12, tzinfo=SH)
    return [{"patient_id": patient, "at": noon + timedelta(days=i % 3), "kind": kind,
             "method": method, "amount": amount, "note": note, "created_by": staff,
             "import_batch_id": 7}
            for i, (kind, method, amount, note) in enumerate([
                ("charge", None, Decimal("300.00"), "洗牙"),
                ("payment", "wechat", Decimal("300"), ""),
                ("charge", None, Decimal("0.01"), "补牙"),
                ("payment", None, Decimal("1200.50"), "原支付方式：挂账"),
                ("charge", None, Decimal("300.00"), "洗牙")])]


def test_columns_and_tuples_store_what_the_orm_stores(admin_ctx: Context) -> None:
    patient = create_patient(admin_ctx, PatientInput(name="张三")).patient.id
    staff = admin_ctx.actor.staff_id
    wanted = _entries(patient, staff)
    with admin_ctx.transaction(write=True) as session:
        session.add_all([LedgerEntry(**entry) for entry in wanted])
        session.flush()
        orm_ids = [e.id for e in session.query(LedgerEntry).order_by(LedgerEntry.id)]
        connection = session.connection()
        shared = {"created_by": staff, "import_batch_id": 7}
        by_column = insert_columns(connection, table_of(LedgerEntry), {
            name: [e[name] for e in wanted] for name in wanted[0] if name not in shared},
            shared)
        names = tuple(wanted[0])
        by_row = bulk_insert(connection, table_of(LedgerEntry), names,
                             (tuple(e[n] for n in names) for e in wanted))
    assert by_column == list(range(orm_ids[-1] + 1, orm_ids[-1] + 6))
    assert by_row == list(range(by_column[-1] + 1, by_column[-1] + 6))
    stored = _ledger(admin_ctx, orm_ids)
    assert _ledger(admin_ctx, by_column) == stored == _ledger(admin_ctx, by_row)
    # The ORM's own conversions: fen, UTC text, the model default for a column left out.
    assert stored[0][4] == 30000 and stored[2][4] == 1
    # (SQLite hands the stored instant back as its text, PostgreSQL as a naive timestamp)
    assert str(stored[0][1]).startswith("2024-03-05 04:00:00")
    assert stored[0][9] is None and stored[0][10] is None


def test_ids_follow_the_rows_across_chunks(admin_ctx: Context,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 3)
    patient = create_patient(admin_ctx, PatientInput(name="李四")).patient.id
    at = datetime(2025, 1, 1, 4, tzinfo=UTC)
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        ids = insert_columns(connection, table_of(LedgerEntry), {
            "amount": [Decimal(n) for n in range(1, 9)]},
            {"patient_id": patient, "at": at, "kind": "charge"})
        more = bulk_insert(connection, table_of(LedgerEntry), ("patient_id", "at", "kind",
                                                               "amount"),
                           ((patient, at, "payment", Decimal(n)) for n in range(1, 8)))
    assert ids == list(range(ids[0], ids[0] + 8)) and more == list(range(ids[-1] + 1,
                                                                        ids[-1] + 8))
    with admin_ctx.db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, kind, amount FROM ledger_entry ORDER BY id")).all()
    assert [(r.kind, r.amount) for r in rows] == (
        [("charge", 100 * n) for n in range(1, 9)] + [("payment", 100 * n) for n in range(1, 8)])
    assert [r.id for r in rows] == ids + more


def test_a_table_keyed_by_its_columns_and_refused_input(admin_ctx: Context) -> None:
    first = create_patient(admin_ctx, PatientInput(name="王五")).patient.id
    second = create_patient(admin_ctx, PatientInput(name="赵六")).patient.id
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        tags = insert_columns(connection, table_of(Tag), {"name": ["VIP", "怕疼"]})
        assert insert_columns(connection, table_of(PatientTag), {
            "patient_id": [first, second, first], "tag_id": [tags[0], tags[0], tags[1]]},
            {"import_batch_id": 3}) == []
        with pytest.raises(ValueError, match="one length"):
            insert_columns(connection, table_of(PatientTag), {"patient_id": [first],
                                                              "tag_id": []})
    with admin_ctx.db.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT name, colour FROM tag ORDER BY id")).all() == [("VIP", "#5B7083"),
                                                                  ("怕疼", "#5B7083")]
        assert connection.execute(text(
            "SELECT patient_id, tag_id, import_batch_id FROM patient_tag ORDER BY 1, 2")
        ).all() == [(first, tags[0], 3), (first, tags[1], 3), (second, tags[0], 3)]
