"""A label's text as a person reads it on the screen: rendered as HTML exactly when Qt would
treat it as rich, without the invisible characters that only steer line breaks (the panel's
word joiners and no-break spaces), so a test's ``in`` looks at what is visible."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

INVISIBLE = str.maketrans({"\u2060": None, "\u00a0": " "})


def shown(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text))
    if rich:
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    return text.translate(INVISIBLE)


def label_text(label: QLabel) -> str:
    return shown(label.text(), label.textFormat())
