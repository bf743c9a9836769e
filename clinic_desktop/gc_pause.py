"""Python's cyclic garbage collector held off while a read builds thousands of rows.

Reading ten thousand rows makes some forty thousand small containers (the driver's tuples,
result rows, each frozen row and its fields) that all stay alive. The collector runs every
700 of them, so such a read triggers about sixty young collections, and every few reads a
full one that walks every object the application holds: a tenth of a second or more, at a
different moment each time. Reference counting frees everything as usual while the collector
waits; when it is back on, it sees the new rows once. An import holds it off for its whole run
(``services.imports``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Hold the collector off for the block; back on after it unless it was off when the
    block began (inside another such block, in this thread or another)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
