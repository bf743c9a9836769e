"""Whitespace and full-width normalisation of what people type or paste."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_text(value: object) -> str:
    """NFKC (full-width ASCII and digits become half-width), whitespace collapsed, stripped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ")
    return _SPACES.sub(" ", text).strip()


def is_blank(value: object) -> bool:
    return normalize_text(value) == ""
