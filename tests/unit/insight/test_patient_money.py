"""The money kept per patient (``patient_money``, ``patient_month_spend``) equals the ledger
after every kind of write, and the segments give the same answers from it as from the ledger;
on both engines (SQLite's triggers of revision 21, PostgreSQL's of revision 28)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from clinic_desktop.context import Context
from clinic_desktop.demo import DEMO_ADMIN_USERNAME, seed_demo
from clinic_desktop.demo.legacy_workbook import write_legacy_workbook
from clinic_desktop.services.auth import actor_of
from clinic_desktop.services.billing import add_entry, undo_visit
from clinic_desktop.services.import_batches import undo_import
from clinic_desktop.services.imports import ImportRequest, run_import
from clinic_desktop.services.insight import patient_money
from clinic_desktop.services.insight.segment_query import count_in, today_in
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.loyalty.stored_value import top_up
from clinic_desktop.services.merge import merge_patients, undo_merge
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.insight import PatientMoney
from clinic_desktop.storage.models.staff import Staff
from tests.unit.insight.segment_clinic import Clinic, at, build

TODAY = date(2026, 11, 24)


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    return build(admin_ctx)


def agree(ctx: Context) -> dict[int, tuple[int, int, int]]:
    """The kept tables equal a recompute from the ledger; returns the kept rows."""
    with ctx.transaction() as s:
        kept = patient_money.kept_rows(s)
        assert kept == patient_money.from_ledger(s)
        assert patient_money.kept_months(s) == patient_money.months_from_ledger(s)
        assert patient_money.drift(s) == []
        return kept


def row(ctx: Context, pid: int) -> tuple[int, int, int]:
    return agree(ctx).get(pid, (0, 0, 0))


def test_the_small_clinic_is_kept_as_written(clinic: Clinic) -> None:
    kept = agree(clinic.ctx)
    # A: charged 12000 + 300 + 50, paid 12000 → owes 350; spend 12350; stored value 1000
    assert kept[clinic.ids["A"]] == (35000, 1235000, 100000)
    # G: 3000 reversed (a negated copy), 2800 again, paid 2800
    assert kept[clinic.ids["G"]] == (0, 280000, 0)


def test_each_kind_of_write_keeps_the_tables_right(clinic: Clinic) -> None:
    ctx, a, d = clinic.ctx, clinic.ids["A"], clinic.ids["D"]
    owed, spend, stored = row(ctx, d)
    add_entry(ctx, d, kind="charge", amount=Decimal("500"), at=at(date(2026, 10, 31)))
    assert row(ctx, d) == (owed + 50000, spend + 50000, stored)
    add_entry(ctx, d, kind="discount", amount=Decimal("50"))
    assert row(ctx, d) == (owed + 45000, spend + 45000, stored)
    add_entry(ctx, d, kind="payment", amount=Decimal("450"), method="wechat")
    assert row(ctx, d) == (owed, spend + 45000, stored)
    add_entry(ctx, d, kind="refund", amount=Decimal("20"), method="cash")
    assert row(ctx, d)[0] == owed + 2000
    top_up(ctx, d, amount=Decimal("300"), method="cash")  # stored value bought
    assert row(ctx, d)[2] == stored + 30000
    add_entry(ctx, d, kind="charge", amount=Decimal("100"))
    add_entry(ctx, d, kind="payment", amount=Decimal("100"), method="stored_value")  # spent
    assert row(ctx, d)[2] == stored + 20000
    # B spends A's card (a household): A's row moves
    held = row(ctx, a)[2]
    add_entry(ctx, clinic.ids["B"], kind="charge", amount=Decimal("30"))
    add_entry(ctx, clinic.ids["B"], kind="payment", amount=Decimal("30"), method="stored_value")
    assert row(ctx, a)[2] == held - 3000
    # an update of an entry's amount, kind and instant (a script or a correction)
    with ctx.transaction(write=True) as s:
        entry = s.execute(select(LedgerEntry).where(LedgerEntry.patient_id == a,
                                                    LedgerEntry.kind == "charge")
                          .order_by(LedgerEntry.id)).scalars().first()
        assert entry is not None
        entry.amount += Decimal("1")
        entry.at = entry.at - timedelta(days=40)
        s.flush()
        s.execute(update(LedgerEntry).where(LedgerEntry.patient_id == d,
                                            LedgerEntry.kind == "discount")
                  .values(kind="refund"))
    agree(ctx)
    with ctx.transaction(write=True) as s:  # a delete
        s.execute(delete(LedgerEntry).where(LedgerEntry.patient_id == d,
                                            LedgerEntry.kind == "refund"))
    agree(ctx)


def test_undoing_a_visit_and_merging_patients_keep_the_tables_right(clinic: Clinic) -> None:
    ctx, a, c = clinic.ctx, clinic.ids["A"], clinic.ids["C"]
    from clinic_desktop.services.billing import TreatmentLine, record_visit
    from clinic_desktop.storage.models.clinical import ProcedureType

    with ctx.transaction() as s:
        proc = s.execute(select(ProcedureType.id).where(ProcedureType.name == "超声洁牙"))\
            .scalar_one()
    visit = record_visit(ctx, c, visit_date=TODAY, doctor_id=None,
                         lines=[TreatmentLine(procedure_type_id=proc, amount=Decimal("300"))])
    before = row(ctx, c)
    undo_visit(ctx, visit.id)
    assert row(ctx, c)[1] == before[1] - 30000
    merged = merge_patients(ctx, keep_id=c, absorb_id=a)  # moves A's ledger onto C
    kept = agree(ctx)
    assert kept.get(a, (0, 0, 0))[:2] == (0, 0)
    undo_merge(ctx, merged.merge_id)
    assert agree(ctx)[a][:2] == (35000, 1235000)


def test_an_import_and_its_undo_keep_the_tables_right(admin_ctx: Context,
                                                      tmp_path: Path) -> None:
    sheet = write_legacy_workbook(tmp_path / "legacy.xlsx", 80, today=TODAY)
    done = run_import(admin_ctx, ImportRequest(sheet))
    kept = agree(admin_ctx)
    assert kept and sum(spend for _owed, spend, _stored in kept.values()) > 0
    assert done.batch_id is not None
    undo_import(admin_ctx, done.batch_id)
    assert agree(admin_ctx) == {}


def test_a_batch_written_with_the_triggers_paused_is_added_once(clinic: Clinic) -> None:
    ctx, b = clinic.ctx, clinic.ids["B"]
    before = row(ctx, b)
    with ctx.transaction(write=True) as s, patient_money.batch_writes(s, 77):
        s.add_all([LedgerEntry(patient_id=b, at=at(date(2026, 2, 1)), kind="charge",
                               amount=Decimal("200"), import_batch_id=77),
                   LedgerEntry(patient_id=b, at=at(date(2026, 2, 1)), kind="topup",
                               amount=Decimal("80"), pot="principal", holder_id=b,
                               import_batch_id=77)])
        s.flush()
        paused = s.execute(select(PatientMoney.spend).where(
            PatientMoney.patient_id == b)).scalar_one_or_none()
        assert (paused or 0) == before[1]  # the triggers did nothing
    assert row(ctx, b) == (before[0] + 20000, before[1] + 20000, before[2] + 8000)
    # the undo: the batch's rows deleted in bulk
    with ctx.transaction(write=True) as s, patient_money.batch_writes(s, 77):
        s.execute(delete(LedgerEntry).where(LedgerEntry.import_batch_id == 77))
    assert row(ctx, b) == before


def test_the_check_finds_a_table_left_wrong(clinic: Clinic) -> None:
    """Mutation check: without the delete trigger the tables drift, and ``drift`` says so."""
    ctx, a = clinic.ctx, clinic.ids["A"]
    with ctx.transaction(write=True) as s:
        s.connection().exec_driver_sql(
            "DROP TRIGGER money_ledger_delete" + ("" if ctx.db.is_sqlite else " ON ledger_entry"))
        s.execute(delete(LedgerEntry).where(LedgerEntry.patient_id == a,
                                            LedgerEntry.kind == "payment"))
    with ctx.transaction() as s:
        assert len(patient_money.drift(s)) == 1
        assert patient_money.kept_rows(s) != patient_money.from_ledger(s)
    with ctx.transaction(write=True) as s:
        patient_money.rebuild(s)
    agree(ctx)


@pytest.mark.parametrize(("start", "end", "months"), [
    # Shanghai's 1 January starts at 16:00 UTC on 31 December: January is whole from 1 Jan
    (datetime(2025, 12, 31, 16, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC),
     (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))),
    (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 31, tzinfo=UTC), None),
    (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC),
     (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))),
    (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 2, 15, tzinfo=UTC), None),
])
def test_whole_months_inside_a_period(start: datetime, end: datetime,
                                      months: tuple[datetime, datetime] | None) -> None:
    assert patient_money.whole_months(start, end) == months


MONEY_RULES = [
    SegmentRules(owed_min=Decimal(1)),
    SegmentRules(owed_max=Decimal(0)),
    SegmentRules(owed_min=Decimal(-50), owed_max=Decimal(200)),
    SegmentRules(spend_min=Decimal(1000)),
    SegmentRules(spend_max=Decimal(0)),
    SegmentRules(spend_min=Decimal(100), spend_max=Decimal(2000)),
    SegmentRules(spend_from=date(2026, 1, 1), spend_min=Decimal(500)),
    SegmentRules(spend_from=date(2026, 1, 1), spend_max=Decimal(0)),
    SegmentRules(spend_from=date(2025, 3, 15), spend_to=date(2025, 9, 20),
                 spend_min=Decimal(100), spend_max=Decimal(3000)),
    SegmentRules(spend_from=date(2026, 11, 3), spend_to=date(2026, 11, 20),
                 spend_min=Decimal(1)),
    SegmentRules(spend_to=date(2025, 12, 31), spend_min=Decimal(200)),
    SegmentRules(stored_min=Decimal(1)),
    SegmentRules(stored_min=Decimal(0), stored_max=Decimal(500)),
    SegmentRules(stored_max=Decimal(0)),
    SegmentRules(sex="F", owed_min=Decimal(1)),
    SegmentRules(sex="F", stored_min=Decimal(1), spend_min=Decimal(100)),
    SegmentRules(sex="M", spend_from=date(2026, 6, 1), spend_min=Decimal(100),
                 owed_max=Decimal(0)),
    SegmentRules(owed_min=Decimal(1), stored_min=Decimal(1), spend_min=Decimal(1)),
]


def test_both_paths_give_the_same_segments_on_the_demo_clinic(
        database: Database, fixed_clock: object) -> None:
    seed_demo(database, clock=fixed_clock, patients=200)  # type: ignore[arg-type]
    with database.session() as s:
        admin = s.execute(select(Staff).where(Staff.username == DEMO_ADMIN_USERNAME))\
            .scalar_one()
    ctx = Context(db=database, actor=actor_of(admin), clock=fixed_clock)  # type: ignore[arg-type]
    agree(ctx)
    with ctx.transaction() as s:
        today = today_in(s, ctx.now())
        assert today.kept
        ledger = replace(today, kept=False)
        counts = []
        for rules in MONEY_RULES:
            counts.append(count_in(s, rules, today))
            assert counts[-1] == count_in(s, rules, ledger), rules
    assert all(counts[:4]) and len(set(counts)) > 5  # the rules pick different patients
