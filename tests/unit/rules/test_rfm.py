"""RFM quintiles and groups, by hand."""

from __future__ import annotations

import pytest

from clinic_desktop.rules.holdout import choose_holdout, holdout_size
from clinic_desktop.rules.rfm import (
    CHINESE_NAMES,
    RfmGroup,
    group_flags,
    group_of,
    quintile,
    quintiles,
)


def test_quintiles_of_ten() -> None:
    assert [quintile(rank, 10) for rank in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quintiles_of_three_and_one() -> None:
    assert [quintile(rank, 3) for rank in (1, 2, 3)] == [1, 2, 4]
    assert quintile(1, 1) == 1
    with pytest.raises(ValueError):
        quintile(0, 3)


@pytest.mark.parametrize(("scores", "name"), [
    ((5, 5, 5), "重要价值"), ((3, 2, 3), "重要发展"), ((2, 3, 4), "重要保持"),
    ((1, 1, 5), "重要挽留"), ((4, 4, 2), "一般价值"), ((5, 1, 1), "一般发展"),
    ((2, 5, 2), "一般保持"), ((1, 1, 1), "一般挽留"),
])
def test_the_eight_groups(scores: tuple[int, int, int], name: str) -> None:
    group = group_of(*scores)
    assert CHINESE_NAMES[group] == name
    assert group_flags(group) == tuple(s >= 3 for s in scores)


def test_every_group_is_named_once() -> None:
    assert len(set(CHINESE_NAMES.values())) == len(RfmGroup) == 8


def test_holdout_is_reproducible_and_exact() -> None:
    ids = list(range(1, 201))
    first = choose_holdout(ids, 10, "campaign:7:0")
    assert len(first) == holdout_size(200, 10) == 20
    assert choose_holdout(reversed(ids), 10, "campaign:7:0") == first  # order does not matter
    assert choose_holdout(ids, 10, "campaign:8:0") != first
    assert holdout_size(3, 34) == 1 and holdout_size(5, 0) == 0 and holdout_size(5, 10) == 1
    with pytest.raises(ValueError):
        holdout_size(5, 60)


def test_quintiles_of_values_share_the_lowest_rank_on_ties() -> None:
    # ranks 1, 2, 2, 4, 5, 5, 5, 8, 9, 10 of n = 10 → 1 + 5 × (rank − 1) // 10
    values = [10, 20, 20, 30, 40, 40, 40, 50, 60, 70]
    shuffled = [40, 10, 70, 20, 40, 60, 30, 20, 50, 40]
    assert quintiles(values) == [1, 1, 1, 2, 3, 3, 3, 4, 5, 5]
    by_value = dict(zip(values, quintiles(values), strict=True))
    assert quintiles(shuffled) == [by_value[v] for v in shuffled]
    assert quintiles([5, 5, 5]) == [1, 1, 1]  # all equal: all the lowest rank
    assert quintiles([]) == []


def test_quintiles_agree_with_quintile_of_the_sql_rank() -> None:
    from datetime import date, timedelta

    days = [date(2026, 1, 1) + timedelta(days=(i * 7) % 13) for i in range(37)]
    ranks = [1 + sum(other < day for other in days) for day in days]  # rank(): ties lowest
    assert quintiles(days) == [quintile(rank, len(days)) for rank in ranks]
