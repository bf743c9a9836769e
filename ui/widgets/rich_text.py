"""Stored text shown as text: escaping for the places where Qt reads markup.

Qt guesses: a QLabel (AutoText by default), a tooltip and a QMessageBox render their text
as HTML whenever ``Qt.mightBeRichText`` says it looks like HTML, so an allergy note
``血压<90`` loses everything after ``<`` and a name with a ``<span>`` tag is drawn styled.
Labels that show data are created plain (``plain_label``); where our own markup surrounds
the data, only the data is escaped (``esc``); a tooltip or message box that shows data
gets it as explicit, escaped rich text (``rich_plain``), so the guess cannot go wrong.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def esc(value: object) -> str:
    """Stored data ready to sit inside our own HTML (``None`` becomes empty)."""
    return "" if value is None else html.escape(str(value))


def esc_lines(value: object) -> str:
    """Like ``esc``, keeping the line breaks of multi-line notes."""
    return esc(value).replace("\n", "<br>")


def rich_plain(text: str) -> str:
    """Plain text as explicit rich text that displays literally, spaces and breaks kept.

    For tooltips, message boxes and input-dialog prompts, which guess the format.
    """
    return f"<qt style='white-space:pre-wrap'>{esc(text)}</qt>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def make_plain(*labels: QLabel) -> None:
    """Switch existing labels (built elsewhere) to plain text."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)
