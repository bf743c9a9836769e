"""``storage.pg_bulk`` on PostgreSQL: the bulk inserts go by COPY with ids reserved from the
table's sequence, so the ids come back in row order, the server's own numbering goes on past
them, a failed COPY is SQLAlchemy's error, and its transaction leaves nothing behind. (That
the values stored are the ORM's is ``test_bulk_insert``'s, on both engines.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from clinic_desktop.context import Context
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.bulk import ColumnInsert, insert_columns, table_of
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.patient import PatientTag, Tag
from clinic_desktop.storage.pg_bulk import reserve_ids

ON_SERVER = pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)


@ON_SERVER
def test_copied_rows_take_reserved_ids_in_row_order_and_the_sequence_goes_on(
        admin_ctx: Context) -> None:
    names = [f"标签{i}" for i in range(7)]
    with admin_ctx.transaction(write=True) as session:
        ids = insert_columns(session.connection(), table_of(Tag),
                             {"name": names}, {"import_batch_id": 3})
        later = Tag(name="手工")
        session.add(later)
        session.flush()
        later_id = later.id
    assert ids == sorted(ids) and len(set(ids)) == len(names)
    assert later_id > max(ids)  # a plain INSERT after the COPY does not collide
    with admin_ctx.transaction() as session:
        stored = session.execute(select(Tag.id, Tag.name, Tag.colour, Tag.import_batch_id)
                                 .where(Tag.import_batch_id == 3).order_by(Tag.id)).all()
    assert [tuple(row) for row in stored] == [(i, n, "#5B7083", 3)
                                             for i, n in zip(ids, names, strict=True)]


@ON_SERVER
def test_reserved_ids_are_taken_from_the_sequence_for_good(admin_ctx: Context) -> None:
    with admin_ctx.transaction(write=True) as session:
        first = reserve_ids(session.connection(), table_of(Tag), 3)
        second = reserve_ids(session.connection(), table_of(Tag), 2)
        assert reserve_ids(session.connection(), table_of(Tag), 0) == []
    assert len(first) == 3 and first == sorted(first)
    assert min(second) > max(first)


@ON_SERVER
def test_reserved_ids_with_numbers_between_them_are_each_returned(admin_ctx: Context) -> None:
    # What another writer taking numbers during the reservation leaves: ids that are not a
    # run. The sequence stepping by 3 makes that gap in every place.
    with admin_ctx.transaction(write=True) as session:
        connection = session.connection()
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence('tag', 'id')")).scalar_one()
        connection.execute(text(f"ALTER SEQUENCE {sequence} INCREMENT BY 3"))
        ids = reserve_ids(connection, table_of(Tag), 4)
        run = reserve_ids(connection, table_of(Tag), 1)
    assert [b - a for a, b in zip(ids, ids[1:], strict=False)] == [3, 3, 3]
    assert run == [ids[-1] + 3]


@ON_SERVER
def test_rows_without_wanted_ids_are_numbered_by_the_server_in_row_order(
        admin_ctx: Context) -> None:
    patient = create_patient(admin_ctx, PatientInput(name="张三")).patient.id
    at = datetime(2026, 3, 5, 4, tzinfo=UTC)
    notes = ["第一", "第二", "第三"]
    with admin_ctx.transaction(write=True) as session:
        insert = ColumnInsert(session.connection(), table_of(LedgerEntry), ["note"],
                              {"patient_id": patient, "at": at, "kind": "charge",
                               "amount": 5, "import_batch_id": 9}, send=lambda *_a: None)
        assert insert.write({"note": notes}, want_ids=False) == []
    with admin_ctx.transaction() as session:
        stored = session.execute(select(LedgerEntry.note, LedgerEntry.at, LedgerEntry.amount)
                                 .where(LedgerEntry.import_batch_id == 9)
                                 .order_by(LedgerEntry.id)).all()
    assert [tuple(row) for row in stored] == [(n, at, 5) for n in notes]


@ON_SERVER
def test_a_failed_copy_is_an_integrity_error_and_leaves_nothing(admin_ctx: Context) -> None:
    patient = create_patient(admin_ctx, PatientInput(name="李四")).patient.id
    with pytest.raises(IntegrityError), admin_ctx.transaction(write=True) as session:
        tag = insert_columns(session.connection(), table_of(Tag), {"name": ["复诊"]})[0]
        insert_columns(session.connection(), table_of(PatientTag),
                       {"patient_id": [patient, patient + 1000], "tag_id": [tag, tag]},
                       want_ids=False)
    with admin_ctx.transaction() as session:
        assert session.execute(select(Tag.id).where(Tag.name == "复诊")).first() is None
        assert session.execute(select(PatientTag.tag_id)).first() is None
