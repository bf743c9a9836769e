"""A horizontal bar chart drawn by matplotlib on a QtAgg canvas, imported the first time a
chart is drawn (matplotlib costs about a second to import: start-up never pays it, and
``ui.chart_warmup`` pays it in the background after sign-in for those who see the dashboard).
Chinese labels use the installed CJK font; clicking a bar calls ``on_click(index)``."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

CJK_FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "SimHei",
             "PingFang SC", "DejaVu Sans"]
MAX_BARS = 12  # the table beside the chart has the rest
COLOUR = "#2F6FB0"
PALETTE = ("#2F6FB0", "#E8A33D", "#C4554D", "#5B9A68", "#8064A2", "#4BACC6", "#9C9C9C")


_loading = threading.Lock()
_loaded = False


def load_matplotlib() -> None:
    """Import and configure what a chart needs, once per process; safe from any thread.

    The warm-up calls it on a background thread; a chart calls it on the GUI thread. The lock
    makes a chart opened while the warm-up is still importing wait for it (for less than the
    import would cost it alone) instead of configuring a half-imported matplotlib. Nothing
    here creates a Qt object: the canvas is made by the chart, on the GUI thread."""
    global _loaded
    with _loading:
        if _loaded:
            return
        import matplotlib

        matplotlib.use("QtAgg", force=False)
        matplotlib.rcParams["font.sans-serif"] = CJK_FONTS
        matplotlib.rcParams["font.family"] = "sans-serif"
        matplotlib.rcParams["axes.unicode_minus"] = False
        import matplotlib.backends.backend_qtagg
        import matplotlib.figure
        from matplotlib import font_manager

        # The font list: read from matplotlib's cache (~20 ms), or built by scanning the
        # system's fonts when there is none yet (a first run: ~0.5 s).
        font_manager.fontManager.get_font_names()
        _loaded = True


def matplotlib_loaded() -> bool:
    return _loaded


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas: Any = None
        self._figure: Any = None
        self.on_click: Callable[[int], None] | None = None
        self.labels: list[str] = []
        self._bars: list[Any] = []
        self.setMinimumSize(260, 200)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        load_matplotlib()
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self._figure = Figure(figsize=(4, 3), dpi=90, layout="constrained")
        self.canvas = FigureCanvasQTAgg(self._figure)  # type: ignore[no-untyped-call]
        self.canvas.setMinimumSize(240, 180)
        self.canvas.mpl_connect("pick_event", self._picked)
        self._layout.addWidget(self.canvas)

    def show_bars(self, labels: Sequence[str], values: Sequence[float], *,
                  title: str = "") -> None:
        self._ensure_canvas()
        self.labels = list(labels[:MAX_BARS])
        shown = [float(v) for v in values[:MAX_BARS]]
        figure = self._figure
        figure.clear()
        axes = figure.add_subplot(111)
        bars = axes.barh(range(len(shown)), shown, color=COLOUR)
        for bar in bars:
            bar.set_picker(True)
        axes.set_yticks(range(len(shown)), [label[:10] for label in self.labels])
        axes.invert_yaxis()
        axes.tick_params(labelsize=8)
        if title:
            axes.set_title(title, fontsize=9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        self._bars = list(bars)
        self.canvas.draw_idle()

    def show_series(self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                    *, kind: str = "line", title: str = "") -> None:
        """Several series over the same labels: ``line`` (one line each, labels along the
        bottom) or ``stacked`` (horizontal bars stacked per label, a legend below)."""
        self._ensure_canvas()
        self.labels = list(labels[:MAX_BARS] if kind == "stacked" else labels)
        figure = self._figure
        figure.clear()
        axes = figure.add_subplot(111)
        self._bars = []
        if kind == "line":
            for (name, values), colour in zip(series, PALETTE, strict=False):
                axes.plot(range(len(self.labels)), [float(v) for v in values],
                          marker="o", markersize=3, label=name, color=colour)
            step = max(1, len(self.labels) // 6)
            axes.set_xticks(range(0, len(self.labels), step),
                            [self.labels[i] for i in range(0, len(self.labels), step)])
        else:
            left = [0.0] * len(self.labels)
            for (name, values), colour in zip(series, PALETTE, strict=False):
                shown = [float(v) for v in values[:len(self.labels)]]
                axes.barh(range(len(shown)), shown, left=left, label=name, color=colour)
                left = [a + b for a, b in zip(left, shown, strict=True)]
            axes.set_yticks(range(len(self.labels)), [label[:10] for label in self.labels])
            axes.invert_yaxis()
        axes.tick_params(labelsize=8)
        axes.legend(fontsize=7, frameon=False, loc="best")
        if title:
            axes.set_title(title, fontsize=9)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        self.canvas.draw_idle()

    def _picked(self, event: Any) -> None:
        if self.on_click is not None and event.artist in self._bars:
            self.on_click(self._bars.index(event.artist))
