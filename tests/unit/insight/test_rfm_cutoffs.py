"""``rfm.with_high_flags`` (R, F, M high in SQL: above the ⌈2n/5⌉-th smallest value) against the
rule's own ``quintiles`` on many small sets full of ties: every size from 1 to 40, values
drawn from a few (all equal, two, three …), so the boundary between score 2 and 3 falls
inside a run of equal values in most of them, and on the big clinic's shape of spends (0 for
many, negative after a refund)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import Date, Integer, literal, select, union_all

from clinic_desktop.context import Context
from clinic_desktop.rules.rfm import is_high, quintiles
from clinic_desktop.services.insight.rfm import with_high_flags

DAY = date(2026, 1, 1)


def _flags_in_sql(ctx: Context, rows: list[tuple[int, date, int, int]]) -> list[tuple[bool, ...]]:
    # SQLite has no column list after ``VALUES … AS name``: one SELECT per row instead
    figures = union_all(*(select(literal(pid, Integer).label("patient_id"),
                                 literal(last, Date).label("last"),
                                 literal(visits, Integer).label("visits"),
                                 literal(spend, Integer).label("spend"))
                          for pid, last, visits, spend in rows)).cte("figures")
    with ctx.transaction() as session:
        found = dict((pid, (bool(r), bool(f), bool(m))) for pid, _spend, r, f, m in session.execute(
            with_high_flags(figures)).all())
    return [found[pid] for pid, *_rest in rows]


def _flags_by_rule(rows: list[tuple[int, date, int, int]]) -> list[tuple[bool, ...]]:
    r = quintiles([row[1] for row in rows])
    f = quintiles([row[2] for row in rows])
    m = quintiles([row[3] for row in rows])
    return [(is_high(a), is_high(b), is_high(c)) for a, b, c in zip(r, f, m, strict=True)]


def test_high_flags_agree_with_the_quintiles_ties_included(admin_ctx: Context) -> None:
    rng = random.Random(13)
    checked = boundary_ties = 0
    for n in range(1, 41):
        for distinct in (1, 2, 3, 5, n):
            rows = [(i + 1, DAY + timedelta(days=rng.randrange(distinct)),
                     1 + rng.randrange(distinct), 100 * rng.randrange(-1, distinct))
                    for i in range(n)]
            assert _flags_in_sql(admin_ctx, rows) == _flags_by_rule(rows), (n, distinct, rows)
            checked += 1
            visits = sorted(row[2] for row in rows)
            k = (2 * n + 4) // 5  # the k-th smallest sits in a run of equal values
            boundary_ties += 0 < k < n and visits[k - 1] == visits[k]
    assert checked == 200 and boundary_ties > 50


def test_one_patient_and_all_equal(admin_ctx: Context) -> None:
    # n = 1: the only value has nothing below it, a score of 1; all equal: every score 1
    assert _flags_in_sql(admin_ctx, [(1, DAY, 3, 500)]) == [(False, False, False)]
    same = [(i, DAY, 2, 0) for i in range(1, 8)]
    assert _flags_in_sql(admin_ctx, same) == [(False, False, False)] * 7
    # five values 1..5: scores 1..5, high from the third
    five = [(i, DAY + timedelta(days=i), i, i) for i in range(1, 6)]
    assert _flags_in_sql(admin_ctx, five) == [(x >= 3,) * 3 for x in range(1, 6)]
