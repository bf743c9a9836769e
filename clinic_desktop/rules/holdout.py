"""A campaign's hold-out: the share of its patients left untouched, to compare with.

Chosen at random but reproducibly: the same patients and the same seed (the campaign's id)
always hold out the same patients, so a result can be re-checked and a test can predict it.
Python's ``random.Random`` seeded with a string is stable across runs and versions."""

from __future__ import annotations

import random
from collections.abc import Iterable

MAX_PERCENT = 50


def holdout_size(count: int, percent: int) -> int:
    """How many of ``count`` patients ``percent`` % holds out (rounded half up)."""
    if not 0 <= percent <= MAX_PERCENT:
        raise ValueError(f"hold-out of {percent} %")
    return (count * percent + 50) // 100


def choose_holdout(patient_ids: Iterable[int], percent: int, seed: str) -> frozenset[int]:
    ordered = sorted(set(patient_ids))
    size = holdout_size(len(ordered), percent)
    return frozenset(random.Random(seed).sample(ordered, size))  # noqa: S311 - not a secret
