"""Patient search over 100,000 patients, and opening a 300-entry 360° panel.

Goals (README performance table): search p99 under 10 ms in the core; panel under 100 ms.
Figures are reported, never asserted. Search runs on a plain and an encrypted SQLite file and
on PostgreSQL (the tests' throw-away server, tests/pg.py), over the same patients.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.demo.patients import GIVEN_F, GIVEN_M, PREFIXES, SURNAMES
from clinic_desktop.paths import DataDir
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.panel import open_panel
from clinic_desktop.services.patient_search import search_in
from clinic_desktop.storage.database import Database
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.engagement import ContactLog
from clinic_desktop.storage.models.patient import Patient
from tests.benchmarks.conftest import CIPHERS, new_database, new_pg_database, settle
from tests.pg import PgServer

PATIENTS = 100_000
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _patient_rows() -> tuple[list[dict[str, object]], list[str]]:
    """The benchmark's patients as rows for one insert, and their names."""
    rng = random.Random(1)
    rows, names = [], []
    for i in range(1, PATIENTS + 1):
        name = rng.choice(SURNAMES) + "".join(
            rng.choice(GIVEN_M + GIVEN_F) for _ in range(rng.choice((1, 2))))
        keys = search_keys(name)
        names.append(name)
        rows.append({"id": i, "code": f"P{i:06d}", "name": name, "name_pinyin": keys.full,
                     "name_initials": keys.initials, "sex": rng.choice("MF"),
                     "birth_date": date(1950, 1, 1) + timedelta(days=rng.randrange(25000)),
                     "mobile": rng.choice(PREFIXES) + f"{rng.randrange(10**8):08d}",
                     "created_at": NOW, "updated_at": NOW, "notes": "", "archived": False,
                     "birth_date_approximate": False, "member_points": 0, "version": 1})
    return rows, names


def _clinic_with_patients(db: Database) -> tuple[Context, list[str]]:
    clock = FixedClock(NOW)
    actor = setup_clinic(db, clinic_name="基准诊所", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password="bench-pass", clock=clock)
    rows, names = _patient_rows()
    with db.session(write=True) as session:
        session.execute(insert(Patient).execution_options(render_nulls=True), rows)
    return Context(db=db, actor=actor, clock=clock), names


@pytest.fixture(scope="module", params=CIPHERS)
def big_clinic(tmp_path_factory: pytest.TempPathFactory,
               request: pytest.FixtureRequest) -> Iterator[tuple[Context, list[str]]]:
    folder = DataDir(Path(tmp_path_factory.mktemp("bench")) / "clinic")
    db = new_database(folder, request.param)
    yield _clinic_with_patients(db)
    db.close()


@pytest.fixture(scope="module")
def pg_big_clinic(pg_server: PgServer) -> Iterator[tuple[Context, list[str]]]:
    """The same clinic on PostgreSQL, as autovacuum leaves it within a minute of the insert
    (planner figures, the search indexes' pending entries merged): a clinic searches all day
    and imports rarely. Searched at once instead, it measured about the same here."""
    db = new_pg_database(pg_server)
    clinic = _clinic_with_patients(db)
    settle(db, "patient")
    yield clinic
    db.close()


def _queries(names: list[str], rng: random.Random) -> list[str]:
    queries = []
    for i in range(200):
        name = rng.choice(names)
        keys = search_keys(name)
        kind = i % 6
        queries.append([name[:1], name[:2], keys.initials, keys.full[:6],
                        f"{rng.randrange(10000):04d}", f"P{rng.randrange(1, PATIENTS):06d}"][kind])
    return queries


def _search_p99(benchmark: object, ctx: Context, names: list[str], engine: str) -> None:
    queries = _queries(names, random.Random(2))
    timings: list[float] = []

    def run() -> None:
        with ctx.db.session() as session:
            for query in queries:
                started = time.perf_counter()
                search_in(session, query, limit=50)
                timings.append((time.perf_counter() - started) * 1000)

    benchmark.pedantic(run, rounds=3, iterations=1)  # type: ignore[attr-defined]
    timings.sort()
    p50, p99 = timings[len(timings) // 2], timings[int(len(timings) * 0.99) - 1]
    benchmark.extra_info.update({"p50_ms": round(p50, 2), "p99_ms": round(p99, 2)})  # type: ignore[attr-defined]
    print(f"\nsearch over {PATIENTS} patients ({engine}): p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def test_search_100k_patients_200_mixed_queries(
    benchmark: object, big_clinic: tuple[Context, list[str]]
) -> None:
    ctx, names = big_clinic
    _search_p99(benchmark, ctx, names, "SQLite, encrypted" if ctx.db.encrypted else "SQLite")


@pytest.mark.postgresql
def test_search_100k_patients_200_mixed_queries_postgresql(
    benchmark: object, pg_big_clinic: tuple[Context, list[str]]
) -> None:
    ctx, names = pg_big_clinic
    _search_p99(benchmark, ctx, names, "PostgreSQL")


def test_open_panel_with_300_timeline_entries(
    benchmark: object, big_clinic: tuple[Context, list[str]]
) -> None:
    _open_panel(benchmark, big_clinic[0])


@pytest.mark.postgresql
def test_open_panel_with_300_timeline_entries_postgresql(
    benchmark: object, pg_big_clinic: tuple[Context, list[str]]
) -> None:
    _open_panel(benchmark, pg_big_clinic[0])


def _open_panel(benchmark: object, ctx: Context) -> None:
    with ctx.db.session(write=True) as session:
        session.execute(insert(LedgerEntry), [
            {"patient_id": 7, "at": NOW - timedelta(days=i), "kind": "charge" if i % 2 else
             "payment", "method": None if i % 2 else "现金", "amount": Decimal(100 + i),
             "note": "洁牙", "visit_id": None, "created_by": None} for i in range(200)])
        session.execute(insert(ContactLog), [
            {"patient_id": 7, "at": NOW - timedelta(days=i, hours=3), "staff_id": None,
             "channel": "phone", "direction": "out", "summary": "回访", "outcome": "良好"}
            for i in range(100)])
    panel = benchmark(open_panel, ctx, 7)  # type: ignore[operator]
    assert len(panel.timeline) == 300
