"""matplotlib imported in the background a few seconds after sign-in, for whoever can open the
dashboard (经营看板), so that its first chart does not pay the import (about a second).

Why a thread and not idle-time steps on the GUI thread: the import is a handful of modules of
100–600 ms each, none of which can be split, so steps would freeze the window that long. On a
thread the GUI thread only waits while the importer holds the GIL inside one C call (tens of
milliseconds at most) or while the cycle collector runs.

The collector: the import leaves some 50,000 objects that live as long as the process. Left to
the collector they would be walked young, then again, then push it into a full collection of
everything the app holds (75–350 ms at the demo clinic, every thread held up). So the import
runs with the collector held off (``gc_pause``) and its objects are then moved straight to the
oldest generation (``gc.freeze()`` then ``gc.unfreeze()``: unfrozen objects go to the oldest
generation without counting towards its next full collection), as if they had been there since
start-up. Measured on the two-core machines with a 10 ms timer ticking on the GUI thread: the
longest stall 15–36 ms (a 300,000-object heap, the demo clinic signed in, the big benchmark
clinic), against 75–360 ms without this when a full collection fell in the import, and 1.2 s
when the import ran on the GUI thread.

Start-up never pays it: nothing is imported before the delay has passed with the window shown,
and people who cannot see the dashboard never import it at all.
"""

from __future__ import annotations

import gc
import logging
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from clinic_desktop.gc_pause import no_cycle_collection
from ui.widgets.bar_chart import load_matplotlib, matplotlib_loaded

log = logging.getLogger(__name__)

WARM_UP_DELAY_MS = 3000  # after the window is shown: its first paint and reads come first
CHART_PAGES = frozenset({"dashboard"})  # the pages that draw with matplotlib


def schedule_chart_warmup(window: QWidget, page_keys: list[str]) -> bool:
    """Warm matplotlib up ``WARM_UP_DELAY_MS`` after now if one of ``page_keys`` (the signed-in
    person's pages) draws charts. The timer belongs to ``window``: a window closed before it
    fires (a quick sign-out) starts nothing. True when a warm-up was scheduled."""
    if matplotlib_loaded() or CHART_PAGES.isdisjoint(page_keys):
        return False
    QTimer.singleShot(WARM_UP_DELAY_MS, window, start_chart_warmup)
    return True


def start_chart_warmup() -> threading.Thread | None:
    """The import on a daemon thread (an app closing meanwhile does not wait for it); None
    when matplotlib is already loaded."""
    if matplotlib_loaded():
        return None
    thread = threading.Thread(target=_warm_up, name="chart-warmup", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    try:
        with no_cycle_collection():
            load_matplotlib()
            # Everything tracked, the import's objects among them, into the oldest generation
            # unwalked (see the module's docstring); the young generation starts empty again.
            gc.freeze()
            gc.unfreeze()
    except Exception:
        # Only logged here: nobody asked for a chart yet. The chart that needs matplotlib
        # calls the same import on the GUI thread and meets the same error where it belongs.
        log.warning("matplotlib could not be loaded in the background", exc_info=True)
