"""Whitespace and full-width normalisation of what people type or paste."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PLAIN = re.compile(r"(?:\S+(?: \S+)*)?\Z")


def normalize_text(value: object) -> str:
    """NFKC (full-width ASCII and digits become half-width), whitespace collapsed, stripped."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)  # NFKC also turns U+3000 into a space
    if _PLAIN.match(text):
        return text  # the common case: nothing to collapse or strip (an import's hot path)
    return _SPACES.sub(" ", text).strip()


def is_blank(value: object) -> bool:
    return normalize_text(value) == ""
