"""Each local day's dashboard totals, kept in ``insight_day`` so a year is a few thousand rows.

Reading a year of visits, treatment lines and ledger entries takes seconds at a million
entries, yet a closed day rarely changes. A day is built once, whole, from the same queries
the direct path uses (``breakdowns.lines_in`` for the lines' net after discounts), and the
database's triggers (migration 20261209_17) delete its rows whenever something it was built
from changes, so the next read builds it again. Sums add up across days; distinct patients
do not, so each row keeps the ids of its patients and a period takes their union. The ``all``
row of a day also keeps, per patient, the day they were first seen (−1 for a merged patient),
which is what "new" and "returning" need for any period.

Building writes, so it runs in write transactions of at most a month (a receptionist's booking
waits a fraction of a second, never the whole year), each checking again which days are
missing once it holds the write lock: a day built from data that changed before the lock was
taken is never stored.

PostgreSQL keeps the cache the same way (migration 20261213_28: the same triggers in
PL/pgSQL, each taking the clinic's write lock before it forgets a day, so no day is built from
data a writer has not yet committed). There a read of the cache runs in one snapshot
(``snapshot``), as every SQLite read does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from clinic_desktop.context import Context
from clinic_desktop.rules.periods import Period, utc_bounds
from clinic_desktop.services.insight.breakdowns import (
    CATEGORY,
    DOCTOR,
    PROCEDURE,
    SOURCE,
    lines_in,
)
from clinic_desktop.services.insight.buckets import local_day, offset_minutes
from clinic_desktop.services.insight.common import Bounds, fen, method_code_of, zone_of
from clinic_desktop.services.insight.summary import OTHER_KINDS, SIMPLE_KINDS
from clinic_desktop.services.loyalty.common import clinic_day
from clinic_desktop.storage.models.clinical import LedgerEntry, Visit
from clinic_desktop.storage.models.insight import InsightDay
from clinic_desktop.storage.models.patient import Patient

BUILT, ALL, LEDGER = "built", "all", "ledger"
BREAKDOWNS = (PROCEDURE, CATEGORY, SOURCE, DOCTOR)
MERGED = -1  # in an ``all`` row's first-seen place: neither new nor returning
# The kinds the figures use: named, so the (kind, at, …) index serves each kind's range.
KINDS = (*SIMPLE_KINDS, *OTHER_KINDS)
# Days built per write transaction: short enough that other writers barely wait.
DAYS_PER_WRITE = 31
# What the scheduler keeps built: a year, the year before it (the comparison) and a month;
# a week per scan, so a first start's backlog holds the write lock ~0.5 s a minute at most.
WARM_DAYS = 2 * 366 + 31
WARM_PER_SCAN = 7


# The engines whose triggers keep the cache (migrations 20261209_17 and 20261213_28).
KEPT_BY = ("sqlite", "postgresql")


def usable(session: Session) -> bool:
    return session.get_bind().dialect.name in KEPT_BY


def snapshot(session: Session) -> None:
    """Make the read transaction ``session`` just began see one state of the database
    throughout, as SQLite's reads do: on PostgreSQL each statement would otherwise see what
    was committed before it began, so a day forgotten between checking the cache and reading
    it would go missing from the sum. Call it before the transaction's first statement."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def ensure(ctx: Context, periods: Iterable[Period],
           progress: Callable[[int, int], None] | None = None) -> None:
    """Build the periods' days that are not in the cache; ``progress(days built, days
    missing)`` after each write (it may raise to stop: what was built stays)."""
    wanted = sorted({day for p in periods for day in _days(p)})
    if not wanted:
        return
    with ctx.transaction() as session:
        if not usable(session):
            return
        built = _built(session, wanted[0], wanted[-1])
    missing = [d for d in wanted if d not in built]
    done = 0
    for chunk in _chunks(missing, DAYS_PER_WRITE):
        _build_chunk(ctx, chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, len(missing))


def warm(ctx: Context) -> int:
    """The scheduler's scan: build the most recent missing week of the last two years, so the
    dashboard opens from the cache (a first start's two years take a hundred-odd scans, a
    week each, beside the reception's work). Raises nothing: returns 0."""
    with ctx.transaction() as session:
        if not usable(session):
            return 0
        today = clinic_day(session, ctx.now())
        first = today - timedelta(days=WARM_DAYS)
        built = _built(session, first, today)
    missing = [d for d in _days(Period(first, today)) if d not in built]
    if missing:
        _build_chunk(ctx, missing[-WARM_PER_SCAN:])
    return 0


def _build_chunk(ctx: Context, chunk: Sequence[date]) -> None:
    """Build ``chunk``'s days still missing once the write lock is held."""
    with ctx.transaction(write=True) as session:
        built = _built(session, chunk[0], chunk[-1])
        for run in _runs([d for d in chunk if d not in built]):
            _build(session, Period(run[0], run[-1]))


def complete(session: Session, periods: Iterable[Period]) -> bool:
    """Every day of the periods is in the cache (checked inside the read that uses it)."""
    return all(len(_built(session, p.first, p.last)) == p.days for p in periods)


def forget(session: Session) -> None:
    """Drop every cached day (a restore or a time zone change does it by trigger too)."""
    session.execute(delete(InsightDay))


# -- reading ----------------------------------------------------------------------------------
IDS = np.dtype("<i8")  # how patient ids are stored: little-endian 64-bit, whatever the machine


@dataclass
class Totals:
    """A period's cached rows added up: sums per key, patients as sorted id arrays (a year's
    unions are a few hundred thousand ids: numpy's sort, not a Python set, takes them)."""

    money: dict[tuple[str, str, str | None], int]
    visits: int
    seen: npt.NDArray[np.int64]  # every patient seen, sorted
    first_seen: npt.NDArray[np.int64]  # the ordinal of each one's first day seen, or MERGED
    # what → key → (amount in fen, visits, patients)
    groups: dict[str, dict[str, tuple[float, int, npt.NDArray[np.int64]]]]

    def patients_seen(self) -> int:
        return len(self.seen)

    def split(self, pids: npt.NDArray[np.int64], first: date) -> tuple[int, int]:
        """(new, returning) among ``pids`` (patients seen in the period): first seen in the
        period, or before it; a merged patient is neither."""
        firsts = self.first_seen[np.searchsorted(self.seen, pids)]
        new = int(np.count_nonzero(firsts >= first.toordinal()))
        return new, len(pids) - new - int(np.count_nonzero(firsts == MERGED))


def totals(session: Session, period: Period, *, breakdowns: bool) -> Totals:
    """The period's cached rows (``ensure`` first); ``breakdowns`` also the four groupings."""
    whats = [ALL, LEDGER, *(BREAKDOWNS if breakdowns else ())]
    row = InsightDay
    money: dict[tuple[str, str, str | None], float] = {}
    visits = 0
    seen: list[bytes] = []
    grouped: dict[tuple[str, str], list[Any]] = {}  # (what, key) → [amount, visits, blobs]
    for what, key, amount, count, blob in session.execute(
            select(row.what, row.key, row.amount, row.visits, row.patients)
            .where(row.day >= period.first, row.day <= period.last, row.what.in_(whats))):
        if what == LEDGER:
            kind, method, pot = key.split("|")
            slot = (kind, method, pot or None)
            money[slot] = money.get(slot, 0.0) + amount
        elif what == ALL:
            visits += count
            seen.append(blob)
        else:
            group = grouped.get((what, key))
            if group is None:
                group = grouped[(what, key)] = [0.0, 0, []]
            group[0] += amount
            group[1] += count
            group[2].append(blob)
    pairs = _ids(seen).reshape(-1, 2)
    pids, first = np.unique(pairs[:, 0], return_index=True)
    groups: dict[str, dict[str, tuple[float, int, npt.NDArray[np.int64]]]] = {
        what: {} for what in (BREAKDOWNS if breakdowns else ())}
    for (what, key), (amount, count, blobs) in grouped.items():
        groups[what][key] = (amount, count, np.unique(_ids(blobs)))
    return Totals({slot: round(value) for slot, value in money.items()}, visits, pids,
                  pairs[first, 1], groups)


def _ids(blobs: list[bytes]) -> npt.NDArray[np.int64]:
    return np.frombuffer(b"".join(blobs), dtype=IDS).astype(np.int64)


# -- building ---------------------------------------------------------------------------------
def _days(period: Period) -> Iterator[date]:
    day = period.first
    while day <= period.last:
        yield day
        day += timedelta(days=1)


def _built(session: Session, first: date, last: date) -> set[date]:
    row = InsightDay
    return set(session.execute(select(row.day).where(
        row.what == BUILT, row.day >= first, row.day <= last)).scalars())


def _chunks(days: Sequence[date], size: int) -> Iterator[Sequence[date]]:
    for start in range(0, len(days), size):
        yield days[start:start + size]


def _runs(days: Sequence[date]) -> Iterator[list[date]]:
    """Consecutive days together."""
    run: list[date] = []
    for day in days:
        if run and day != run[-1] + timedelta(days=1):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


class _Day:
    """One day's rows while they are built."""

    def __init__(self) -> None:
        self.visits = 0
        self.first_seen: dict[int, int] = {}
        self.money: dict[str, int] = {}
        # what → key → [amount, visit ids, patient ids]
        self.groups: dict[str, dict[str, list[Any]]] = {what: {} for what in BREAKDOWNS}

    def add(self, what: str, key: str, amount: float, vid: int, pid: int) -> None:
        group = self.groups[what].get(key)
        if group is None:
            group = self.groups[what][key] = [0.0, set(), set()]
        group[0] += amount
        group[1].add(vid)
        group[2].add(pid)

    def rows(self, day: date) -> Iterator[dict[str, Any]]:
        yield _row(day, BUILT, "", 0.0, 0, b"")
        pairs = [value for pair in self.first_seen.items() for value in pair]
        yield _row(day, ALL, "", 0.0, self.visits, np.asarray(pairs, dtype=IDS).tobytes())
        for key, amount in self.money.items():
            yield _row(day, LEDGER, key, float(amount), 0, b"")
        for what, groups in self.groups.items():
            for key, (amount, vids, pids) in groups.items():
                yield _row(day, what, key, amount, len(vids),
                           np.asarray(sorted(pids), dtype=IDS).tobytes())


def _row(day: date, what: str, key: str, amount: float, visits: int,
         patients: bytes) -> dict[str, Any]:
    return {"day": day, "what": what, "key": key, "amount": amount, "visits": visits,
            "patients": patients}


def _build(session: Session, period: Period) -> None:
    """Build every day of ``period`` (none of them cached) and store them."""
    days = {day: _Day() for day in _days(period)}
    b = Bounds(period, *utc_bounds(period, zone_of(session)))
    visit_day: dict[int, tuple[date, int, int | None]] = {}
    for vid, pid, did, day in session.execute(
            select(Visit.id, Visit.patient_id, Visit.doctor_id, Visit.visit_date)
            .where(b.has_day(Visit.visit_date))):
        visit_day[vid] = (day, pid, did)
        target = days[day]
        target.visits += 1
        target.first_seen[pid] = MERGED
        group = target.groups[DOCTOR].get(_key(did))
        if group is None:
            group = target.groups[DOCTOR][_key(did)] = [0.0, set(), set()]
        group[1].add(vid)
        group[2].add(pid)
    firsts = _first_seen(session, b)
    for target in days.values():
        for pid in target.first_seen:
            target.first_seen[pid] = firsts.get(pid, MERGED)
    lines = lines_in(session, b, with_source=True)
    for vid, procedure, category, source, net in session.execute(
            select(lines.c.vid, lines.c.procedure, lines.c.category, lines.c.source,
                   lines.c.net)):
        day, pid, did = visit_day[vid]
        target = days[day]
        amount = float(net or 0)
        target.add(PROCEDURE, procedure, amount, vid, pid)
        target.add(CATEGORY, category, amount, vid, pid)
        target.add(SOURCE, source, amount, vid, pid)
        target.groups[DOCTOR][_key(did)][0] += amount
    for day, key, amount in _ledger(session, period):
        money = days[day].money
        money[key] = money.get(key, 0) + amount
    rows = [row for day, target in days.items() for row in target.rows(day)]
    session.execute(insert(InsightDay), rows)


def _key(did: int | None) -> str:
    return "" if did is None else str(did)


def _first_seen(session: Session, b: Bounds) -> dict[int, int]:
    """pid → the ordinal of the day first seen, for the period's patients not merged: the
    earlier of their first visit and their legacy first-visit date."""
    earliest = aliased(Visit)
    seen = (select(Visit.patient_id).where(b.has_day(Visit.visit_date)).distinct()
            .scalar_subquery())
    first_visit = (select(func.min(earliest.visit_date))
                   .where(earliest.patient_id == Patient.id).scalar_subquery())
    found: dict[int, int] = {}
    for pid, recorded, visited in session.execute(
            select(Patient.id, Patient.first_visit_date, first_visit)
            .where(Patient.id.in_(seen), Patient.merged_into_id.is_(None))):
        firsts = [d for d in (recorded, visited) if d is not None]
        found[pid] = min(firsts).toordinal()
    return found


def _ledger(session: Session, period: Period) -> Iterator[tuple[date, str, int]]:
    """(local day, kind|method code|pot, fen) of the period's entries. Days are read in runs
    of one UTC offset; a day whose offset changes (summer time) is read alone, so each entry
    lands on its own local day in any zone."""
    zone = zone_of(session)
    dialect = session.get_bind().dialect.name
    e = LedgerEntry
    for run in _offset_runs(period, zone):
        b = Bounds(run, *utc_bounds(run, zone))
        minutes = offset_minutes(zone, run.first)
        day_of = local_day(dialect, e.at, minutes)
        for day, kind, method, pot, amount in session.execute(
                select(day_of, e.kind, e.method, e.pot, func.sum(fen(e.amount)))
                .where(e.kind.in_(KINDS), b.has(e.at))
                .group_by(day_of, e.kind, e.method, e.pot)):
            when = run.first if run.days == 1 else date.fromisoformat(day)
            yield when, f"{kind}|{method_code_of(method)}|{pot or ''}", int(amount or 0)


def _offset_runs(period: Period, zone: Any) -> Iterator[Period]:
    def steady(day: date) -> int | None:
        here = offset_minutes(zone, day)
        return here if here == offset_minutes(zone, day + timedelta(days=1)) else None

    start = period.first
    current = steady(start)
    day = start
    while day < period.last:
        following = day + timedelta(days=1)
        nxt = steady(following)
        if nxt != current or current is None:
            yield Period(start, day)
            start, current = following, nxt
        day = following
    yield Period(start, period.last)

