"""Segments speed on the big clinic (tests/benchmarks/big_clinic.py: 100,000 patients, 300,000
visits, 1,000,000 ledger entries): a segment count while the manager edits rules < 200 ms;
RFM for all patients < 1 s (issue 13). Each figure is the best of three runs (the first warms
SQLite's cache); figures are reported, never asserted (the machines are shared), as in the
other benchmarks. Each test checks the answer is not empty, so a broken query cannot pass as a
fast one. ``BIG_CLINIC_CACHE=/some/dir`` keeps the built clinic between runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from clinic_desktop.services.insight.rfm import rfm_group_counts, rfm_scores
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.insight.segments import count_segment
from tests.benchmarks.big_clinic import BigClinic, big_clinic_fixture

clinic = big_clinic_fixture()

EDITS = [  # what a manager builds up, one criterion at a time
    SegmentRules(categories=("种植",)),
    SegmentRules(categories=("种植",), months_since_visit_min=12),
    SegmentRules(categories=("种植",), months_since_visit_min=12, age_min=40),
    SegmentRules(categories=("种植",), months_since_visit_min=12, age_min=40,
                 sources=("抖音", "美团")),
    SegmentRules(activity="dormant", tags=("VIP",)),
    SegmentRules(spend_from=date(2026, 1, 1), spend_min=Decimal(5000)),
    SegmentRules(owed_min=Decimal(1)),
    SegmentRules(high_value=True, procedure_from=date(2025, 11, 24)),
    SegmentRules(tags=("VIP",), owed_max=Decimal(0), spend_min=Decimal(1000)),
]


def _best(run: Callable[[], object], times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _label(rules: SegmentRules) -> str:
    """Only the criteria set (a SegmentRules repr is 40 fields long)."""
    default = SegmentRules()
    return ", ".join(f"{name}={value!r}" for name, value in vars(rules).items()
                     if value != getattr(default, name))


def test_segment_count_while_editing(benchmark: object, clinic: BigClinic) -> None:
    """Each edit's count printed; the table's row is the slowest of them."""
    ctx = clinic.ctx
    worst, slowest = 0.0, EDITS[0]
    for rules in EDITS:
        counts: list[int] = []
        seconds = _best(lambda r=rules, c=counts: c.append(count_segment(ctx, r)))  # type: ignore[misc]
        print(f"\ncount {seconds * 1000:.0f} ms ({counts[-1]} patients): {_label(rules)}")
        if seconds > worst:
            worst, slowest = seconds, rules
        assert counts[-1] > 0
    print(f"\nslowest count {worst * 1000:.0f} ms (goal < 200 ms): {_label(slowest)}")
    benchmark.pedantic(count_segment, args=(ctx, slowest), rounds=3,  # type: ignore[attr-defined]
                       iterations=1)


MONEY = [  # not among the edits, but the filter builder offers each (kept per patient on SQLite)
    SegmentRules(stored_min=Decimal(100)),
    SegmentRules(owed_max=Decimal(0)),
    SegmentRules(spend_min=Decimal(20000)),
    SegmentRules(spend_from=date(2025, 3, 15), spend_to=date(2025, 9, 20),
                 spend_min=Decimal(100), spend_max=Decimal(3000)),
]


def test_money_criteria(benchmark: object, clinic: BigClinic) -> None:
    """Stored value, owing nothing, spend ever and in a mid-month period: each printed; the
    table's row is the slowest."""
    worst, slowest = 0.0, MONEY[0]
    for rules in MONEY:
        counts: list[int] = []
        seconds = _best(lambda r=rules, c=counts: c.append(count_segment(clinic.ctx, r)))  # type: ignore[misc]
        print(f"\ncount {seconds * 1000:.0f} ms ({counts[-1]} patients): {_label(rules)}")
        if seconds > worst:
            worst, slowest = seconds, rules
        assert counts[-1] > 0
    benchmark.pedantic(count_segment, args=(clinic.ctx, slowest), rounds=3,  # type: ignore[attr-defined]
                       iterations=1)


def test_rfm_group_as_a_segment_rule(benchmark: object, clinic: BigClinic) -> None:
    """The RFM-group criterion ranks every patient seen in the window inside the query (no
    goal of its own: it is chosen once, not edited number by number)."""
    counts: list[int] = []
    rules = SegmentRules(rfm_group="important_value")
    seconds = _best(lambda: counts.append(count_segment(clinic.ctx, rules)))
    print(f"\ncount by RFM group {seconds * 1000:.0f} ms ({counts[-1]} patients)")
    assert counts[-1] > 0
    benchmark.pedantic(count_segment, args=(clinic.ctx, rules), rounds=3,  # type: ignore[attr-defined]
                       iterations=1)


def test_rfm_for_all_patients(benchmark: object, clinic: BigClinic) -> None:
    ctx = clinic.ctx
    rows: list[int] = []
    seconds = _best(lambda: rows.append(len(rfm_scores(ctx, months=12))))
    print(f"\nrfm (12 months, {rows[-1]} patients) {seconds * 1000:.0f} ms (goal < 1 s)")
    assert rows[-1]
    groups: list[int] = []
    seconds = _best(lambda: groups.append(
        sum(g.patients for g in rfm_group_counts(ctx, months=12))))
    print(f"\nrfm group counts only (what the segments page shows) {seconds * 1000:.0f} ms")
    assert groups[-1] == rows[-1]
    benchmark.pedantic(rfm_scores, args=(ctx,), kwargs={"months": 12},  # type: ignore[attr-defined]
                       rounds=3, iterations=1)
