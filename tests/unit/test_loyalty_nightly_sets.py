"""The nightly job's set-based statements against the rules worked out one patient at a time:
points lapsed (lots with and without a day, reversals, more taken than due) and tiers lowered
(spend and top-up thresholds, ledger kinds that count for neither)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.services.loyalty import jobs, tiers
from clinic_desktop.services.loyalty.rules import rules_in
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import PointsEntry, TierChange
from clinic_desktop.storage.models.patient import Patient

D = Decimal


def _patients(ctx: Context, count: int) -> list[int]:
    return [create_patient(ctx, PatientInput(name=f"会员{n}")).patient.id for n in range(count)]


def _lapsed(rows: list[tuple[bool, date | None, int]], today: date) -> int:
    """Points lapsed by ``today``: lots due by then less everything taken, never below 0."""
    due = sum(points for lot, day, points in rows if lot and day is not None and day <= today)
    taken = sum(-points for lot, _day, points in rows if not lot)
    return max(0, due - taken)


def test_points_written_off_as_worked_out_per_patient(admin_ctx: Context,
                                                      fixed_clock: FixedClock) -> None:
    rng = random.Random(7)
    ids = _patients(admin_ctx, 40)
    today = fixed_clock.now().date()
    journals: dict[int, list[tuple[bool, date | None, int]]] = {}
    with admin_ctx.transaction(write=True) as session:
        for pid in ids:
            rows = journals[pid] = []
            for _ in range(rng.randrange(0, 7)):
                kind = rng.choice(("lot", "lot", "undated lot", "lot reversal", "taken",
                                   "taken back"))
                day = today + timedelta(days=rng.randrange(-400, 400))
                lot, expires, points = {
                    "lot": (True, day, rng.randrange(1, 500)),
                    "undated lot": (True, None, rng.randrange(1, 500)),  # never lapses
                    "lot reversal": (True, day, -rng.randrange(1, 200)),
                    "taken": (False, None, -rng.randrange(1, 400)),
                    "taken back": (False, None, rng.randrange(1, 100)),
                }[kind]
                rows.append((lot, expires, points))
                session.add(PointsEntry(patient_id=pid, at=fixed_clock.now(), kind=kind[:16],
                                        points=points, lot=lot, expires_on=expires))
    fixed_clock.set(fixed_clock.now() + timedelta(days=1))
    night = fixed_clock.now().date()
    result = jobs.run_nightly(admin_ctx)
    expected = {pid: _lapsed(rows, night) for pid, rows in journals.items()}
    with admin_ctx.transaction() as session:
        written = {pid: (points, rule, note, at) for pid, points, rule, note, at in session.execute(
            select(PointsEntry.patient_id, PointsEntry.points, PointsEntry.rule,
                   PointsEntry.note, PointsEntry.at).where(PointsEntry.kind == "expire"))}
        cached = {pid: points for pid, points in session.execute(
            select(Patient.id, Patient.member_points))}
        sums = {pid: points for pid, points in session.execute(
            select(PointsEntry.patient_id, func.sum(PointsEntry.points))
            .group_by(PointsEntry.patient_id))}
    assert {pid: -w[0] for pid, w in written.items()} == {
        pid: n for pid, n in expected.items() if n > 0}
    assert result.points_expired == len(written) > 0
    assert {(rule, note, at) for _points, rule, note, at in written.values()} == {
        ("expiry", "积分到期", fixed_clock.now())}
    # The cached balance of each patient written off is the journal's sum; the rest untouched.
    assert {pid: cached[pid] for pid in written} == {pid: sums[pid] for pid in written}
    assert all(cached[pid] == 0 for pid in ids if pid not in written)


def _ledger(session: Any, pid: int, at: datetime, kind: str, amount: int, **extra: Any) -> None:
    session.add(LedgerEntry(patient_id=pid, at=at, kind=kind, amount=D(amount), note="",
                            **extra))


def test_tiers_lowered_as_worked_out_per_patient(admin_ctx: Context,
                                                 fixed_clock: FixedClock) -> None:
    """Spend and top-up tiers side by side; charges, discounts, bonus payments and opening
    balances count for neither."""
    made = [tiers.save_tier(admin_ctx, tiers.TierInput(name, rank, kind, D(threshold), {})).id
            for rank, (name, kind, threshold) in enumerate(
                (("银卡", "spend", 300), ("金卡", "spend", 1000), ("储值卡", "topup", 800),
                 ("钻石", "spend", 3000)), start=1)]
    rng = random.Random(11)
    ids = _patients(admin_ctx, 36)
    now = fixed_clock.now()
    with admin_ctx.transaction(write=True) as session:
        for n, pid in enumerate(ids):
            session.add(TierChange(patient_id=pid, tier_id=made[n % 4], at=now - timedelta(
                days=500), cause="upgrade", manual=False, reason=""))
            for _ in range(rng.randrange(0, 6)):
                at = now - timedelta(days=rng.randrange(0, 500))
                kind = rng.choice(("charge", "discount", "payment", "refund", "topup",
                                   "withdraw"))
                extra: dict[str, Any] = {}
                if kind == "payment":
                    extra["method"] = rng.choice(("cash", "wechat", "bonus", None))
                if kind in ("topup", "withdraw"):
                    extra["pot"] = rng.choice(("principal", "principal", "bonus"))
                    extra["source"] = rng.choice((None, None, "opening"))
                _ledger(session, pid, at, kind, rng.randrange(50, 1500), **extra)
    with admin_ctx.transaction() as session:
        rules = rules_in(session, now.date())
        since = tiers.window_start(session, now, months=rules.tier_window_months,
                                   extra_days=rules.downgrade_grace_days)
        every = tiers.tiers_in(session, include_inactive=True)
        rank = {t.id: t.rank for t in every}
        expected = {}
        for n, pid in enumerate(ids):
            spend, topups = tiers.qualifying_in(session, pid, since)
            best = tiers.qualified_tier(every, spend, topups)
            held = made[n % 4]
            if (rank[best.id] if best else -1) < rank[held]:
                kind = next(t.threshold_kind for t in every if t.id == held)
                expected[pid] = (best.id if best else None,
                                 spend if kind == "spend" else topups)
    assert expected and len(expected) < len(ids)  # some lowered, some kept
    result = jobs.run_nightly(admin_ctx)
    with admin_ctx.transaction() as session:
        lowered = {pid: (tier, qualifying) for pid, tier, qualifying in session.execute(
            select(TierChange.patient_id, TierChange.tier_id, TierChange.qualifying)
            .where(TierChange.cause == "downgrade"))}
        names = {pid: name for pid, name in session.execute(
            select(Patient.id, Patient.member_tier))}
    assert lowered == expected
    assert result.downgraded == len(expected)
    tier_names = {t.id: t.name for t in every}
    assert {pid: names[pid] for pid in lowered} == {
        pid: tier_names.get(tier) if tier else None for pid, (tier, _q) in expected.items()}


def test_rows_added_are_counted_when_the_driver_does_not_say(admin_ctx: Context) -> None:
    """psycopg reports -1 for an INSERT … SELECT: the job counts tonight's rows itself."""
    pid = _patients(admin_ctx, 1)[0]
    now = admin_ctx.now()
    with admin_ctx.transaction(write=True) as session:
        before = int(session.execute(select(func.max(PointsEntry.id))).scalar() or 0)
        for points in (-5, -7):
            session.add(PointsEntry(patient_id=pid, at=now, kind="expire", points=points,
                                    lot=False))
        session.add(PointsEntry(patient_id=pid, at=now, kind="redeem", points=-1, lot=False))
        session.flush()
        unknown = SimpleNamespace(rowcount=-1)
        assert jobs._added(session, unknown, PointsEntry.id, before,  # type: ignore[arg-type]
                           PointsEntry.kind == "expire", PointsEntry.at == now) == 2
        said = SimpleNamespace(rowcount=9)
        assert jobs._added(session, said, PointsEntry.id, before) == 9  # type: ignore[arg-type]
