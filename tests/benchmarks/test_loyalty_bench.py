"""Loyalty speed: the nightly job over 100,000 patients and 1,000,000 ledger entries.

Goal (issue 12): under 2 s. The clinic: three years of payments and charges (1,000,000 ledger
entries), 40,000 members with a tier, 300,000 points entries (lots expiring over two years),
20,000 coupons and 10,000 package cards. Timed: the catch-up first night (every lot, coupon
and card looked at, everything lapsed so far written off) and the ordinary night after it.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Context  # noqa: E402
from clinic_desktop.paths import DataDir  # noqa: E402
from clinic_desktop.services.auth import setup_clinic  # noqa: E402
from clinic_desktop.services.loyalty import jobs, tiers  # noqa: E402
from clinic_desktop.storage.bulk import bulk_insert, table_of  # noqa: E402
from clinic_desktop.storage.database import open_database  # noqa: E402
from clinic_desktop.storage.models.clinical import LedgerEntry  # noqa: E402
from clinic_desktop.storage.models.loyalty import (  # noqa: E402
    Coupon,
    CouponType,
    PackageCard,
    PackageUse,
    PointsEntry,
    TierChange,
)
from clinic_desktop.storage.models.patient import Patient  # noqa: E402

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)
TODAY = date(2026, 11, 24)
PATIENTS, ENTRIES, MEMBERS = 100_000, 1_000_000, 40_000


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    db = open_database(DataDir(Path(tmp_path_factory.mktemp("loyalty")) / "clinic"))
    clock = FixedClock(NOW)
    actor = setup_clinic(db, clinic_name="基准", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="bench-pass", clock=clock)
    ctx = Context(db=db, actor=actor, clock=clock)
    made = [tiers.save_tier(ctx, tiers.TierInput(name, rank, "spend", Decimal(threshold), {}))
            .id for rank, (name, threshold) in enumerate(
                (("银卡", 3000), ("金卡", 10000), ("钻石", 30000)), start=1)]
    rng = random.Random(12)
    with db.session(write=True) as session:
        c = session.connection()
        bulk_insert(c, table_of(Patient), (
            "code", "name", "name_pinyin", "name_initials", "mobile", "created_at",
            "updated_at"), ((f"P{p:06d}", f"患者{p}", "huanzhe", "hz", f"138{p:08d}", NOW, NOW)
                            for p in range(1, PATIENTS + 1)), want_ids=False)
        times = [NOW - timedelta(minutes=m) for m in range(0, 3 * 365 * 24 * 60, 1577)]

        def ledger() -> Iterator[tuple[object, ...]]:
            for n in range(ENTRIES):
                pid = 1 + n % PATIENTS
                at = times[(n * 7919) % len(times)]
                kind = "charge" if n % 2 else "payment"
                yield (pid, at, kind, "wechat" if kind == "payment" else None,
                       Decimal(100 + n % 900), "")
        bulk_insert(c, table_of(LedgerEntry), ("patient_id", "at", "kind", "method", "amount",
                                                "note"), ledger(), want_ids=False)
        bulk_insert(c, table_of(TierChange), ("patient_id", "tier_id", "at", "cause", "manual",
                                               "reason"),
                    ((p, made[p % 3], NOW - timedelta(days=400), "upgrade", False, "")
                     for p in range(1, MEMBERS + 1)), want_ids=False)
        bulk_insert(c, table_of(PointsEntry), ("patient_id", "at", "kind", "points", "lot",
                                                "expires_on", "rule", "note"),
                    ((1 + n % PATIENTS, NOW, "earn" if n % 3 else "redeem",
                      100 if n % 3 else -50, bool(n % 3),
                      TODAY + timedelta(days=rng.randrange(-365, 365)) if n % 3 else None, "",
                      "") for n in range(300_000)), want_ids=False)
        session.add(CouponType(name="减50", kind="amount", amount=Decimal(50),
                               min_spend=Decimal(0), valid_days=30))
        session.flush()
        bulk_insert(c, table_of(Coupon), ("code", "coupon_type_id", "patient_id", "issued_at",
                                           "expires_on", "status", "source"),
                    ((f"C{n:07d}", 1, 1 + n % PATIENTS, NOW,
                      TODAY + timedelta(days=rng.randrange(-60, 60)), "issued", "bulk")
                     for n in range(20_000)), want_ids=False)
        cards = bulk_insert(c, table_of(PackageCard), (
            "patient_id", "name", "procedure_ids", "price", "sold_at", "expires_on"),
            ((1 + n * 7 % PATIENTS, "洁牙 10 次卡", "2", Decimal(2400), NOW,
              TODAY + timedelta(days=rng.randrange(-90, 300))) for n in range(10_000)))
        bulk_insert(c, table_of(PackageUse), ("card_id", "patient_id", "at", "kind", "uses"),
                    ((cid, 1, NOW, "sold", 10) for cid in cards), want_ids=False)
    yield ctx
    db.close()


def test_nightly_job_100k_patients_1m_entries(benchmark: object, clinic: Context) -> None:
    """The first night after the loyalty engine arrives catches up with everything that
    lapsed before (tens of thousands of downgrades and write-offs at once); every later
    night sees one day's lapses. Both are timed; the goal is for the ordinary night, and the
    catch-up stays within a few tenths of it."""
    assert isinstance(clinic.clock, FixedClock)
    clinic.clock.set(NOW - timedelta(days=1))
    started = time.perf_counter()
    first = jobs.run_nightly(clinic)
    catch_up = time.perf_counter() - started
    print(f"\ncatch-up night: {catch_up:.2f} s, {first}")
    assert first.downgraded > 30_000 and first.points_expired > 50_000
    clinic.clock.set(NOW)
    result = benchmark.pedantic(jobs.run_nightly, args=(clinic,),  # type: ignore[attr-defined]
                                rounds=1, iterations=1)
    seconds = benchmark.stats.stats.max  # type: ignore[attr-defined]
    print(f"a night: {seconds:.2f} s, {result}")
    assert result.points_expired > 0 and result.coupons_expired > 0
    # Goal (README performance table): an ordinary night < 2 s. Reported, never asserted.


def test_payment_dialog_opens(benchmark: object, clinic: Context, qapp: object) -> None:
    """Goal (issue 12): the payment dialog opens in under 100 ms, for a member of this clinic
    (a tier, points, stored value, coupons, a package card and today's visit to pay), its
    quote included."""
    from clinic_desktop.services import billing
    from clinic_desktop.services.clinic import read_clinic
    from clinic_desktop.services.loyalty import stored_value
    from ui.app_services import AppServices
    from ui.dialogs.payment_dialog import PaymentDialog
    from ui.tasks import TaskManager

    pid = 7 * 3  # a member (tier), with points, coupons and a package card
    stored_value.top_up(clinic, pid, amount=Decimal(2000), method="cash")
    billing.record_visit(clinic, pid, visit_date=TODAY, doctor_id=None, lines=[
        billing.TreatmentLine(None, Decimal(480), procedure_name="树脂补牙")])
    services = AppServices(clinic, TaskManager(synchronous=True), read_clinic(clinic.db))

    def open_dialog() -> PaymentDialog:
        dialog = PaymentDialog(services, pid)
        dialog.deleteLater()
        return dialog

    if os.environ.get("PROFILE_PAYMENT"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(open_dialog)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    dialog = benchmark(open_dialog)  # type: ignore[operator]
    assert dialog.outcome is not None and dialog.visit.currentData() is not None
