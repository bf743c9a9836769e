"""Finding the header row under title rows, blank rows and merged group headers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from clinic_desktop.importing.mapping import match_field, normalise_label
from clinic_desktop.rules.legacy_values import Cell, cell_text

SCAN_ROWS = 30


@dataclass(frozen=True)
class HeaderGuess:
    row_index: int  # 0-based; the spreadsheet's row number is row_index + 1
    labels: tuple[str, ...]
    recognised: int  # how many labels mean a known field


def _texts(row: Sequence[Cell]) -> list[str]:
    return [cell_text(v) for v in row]


def header_labels(rows: Sequence[Sequence[Cell]], row_index: int) -> tuple[str, ...]:
    """The labels of ``row_index``; an empty cell under a group row takes the label above.

    A two-row header has a group row (``患者信息`` merged over three columns, ``姓名`` merged
    down over two rows) above the real labels. A merged cell's value sits in its first cell,
    so the cell under a vertically merged label is empty and borrows it.
    """
    labels = _texts(rows[row_index])
    if row_index > 0:
        above = _texts(rows[row_index - 1])
        if sum(1 for t in above if t) >= 2:
            width = max(len(labels), len(above))
            labels += [""] * (width - len(labels))
            labels = [t or (above[i] if i < len(above) else "") for i, t in enumerate(labels)]
    while labels and not labels[-1]:
        labels.pop()
    return tuple(labels)


def _looks_like_data(labels: Sequence[str]) -> bool:
    digits = sum(1 for t in labels if t and t.replace(".", "").replace("-", "").isdigit())
    return digits > len([t for t in labels if t]) // 2


def detect_header(rows: Sequence[Sequence[Cell]], *, scan: int = SCAN_ROWS,
                  known: Collection[str] = ()) -> HeaderGuess | None:
    """The row among the first ``scan`` whose labels name the most known fields (at least two).

    ``known`` adds labels a saved mapping profile names (a clinic's own column names).
    """
    extra = {normalise_label(k) for k in known}
    best: HeaderGuess | None = None
    for index in range(min(scan, len(rows))):
        labels = header_labels(rows, index)
        if not labels or _looks_like_data(labels):
            continue
        recognised = len({k for k in map(match_field, labels) if k}
                         | {t for t in map(normalise_label, labels) if t in extra})
        if recognised >= 2 and (best is None or recognised > best.recognised):
            best = HeaderGuess(index, labels, recognised)
    return best
