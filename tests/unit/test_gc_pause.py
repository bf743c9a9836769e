"""Holding the cyclic collector off for a bulk read: back on after, however the block ends."""

from __future__ import annotations

import gc

import pytest

from clinic_desktop.gc_pause import no_cycle_collection


def test_off_inside_and_back_on_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with no_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), no_cycle_collection():
        raise ValueError("refused")
    assert gc.isenabled()


def test_nested_blocks_leave_it_off_until_the_outer_one_ends() -> None:
    with no_cycle_collection():
        with no_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with no_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
