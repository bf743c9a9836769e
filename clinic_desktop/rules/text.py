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


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_LINE_END = re.compile(r"[ \t]*(?:\r\n|\r|\n)")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_note(text: str) -> str:
    """Free text (notes) as written: its punctuation and line breaks kept (no NFKC: a note's
    ：and ，are the clinic's), line endings made ``\n``, control characters, spaces at line
    ends and runs of empty lines dropped."""
    text = _CONTROL.sub("", _LINE_END.sub("\n", text.replace("\r\n", "\n")))
    return _BLANK_LINES.sub("\n\n", text).strip()


# Han characters (the basic block, extension A, compatibility ideographs, and the private-use
# area where legacy systems keep rare name characters) with spaces between them.
_HAN = "\u3400-\u9fff\uf900-\ufaff\ue000-\uf8ff"
_SPACE_IN_HAN = re.compile(f"(?<=[{_HAN}]) (?=[{_HAN}])")


def normalize_person_name(value: object) -> str:
    """``normalize_text``, and no space between two Han characters: sheets pad two-character
    names to the width of three (``张 伟``, ``张　伟``), and the padded name is the same person
    as ``张伟``. Latin names keep their spaces (``John Smith``, ``张 David``)."""
    return without_han_padding(normalize_text(value))


def without_han_padding(text: str) -> str:
    """``normalize_person_name`` of a text already through ``normalize_text``; the dot of a
    transliterated name written as any dot-like character (阿依古丽•买买提, 阿依古丽.买买提) is
    the middle dot (阿依古丽·买买提), so the three are one person."""
    if " " in text:
        text = _SPACE_IN_HAN.sub("", text)
    if _DOT_LIKE.search(text) is not None:
        text = _DOT_IN_HAN.sub("·", text)
    return text


_DOT_LIKE = re.compile("[•・.‧∙⋅]")
_DOT_IN_HAN = re.compile("(?<=[\u3400-\u9fff])[•・.‧∙⋅](?=[\u3400-\u9fff])")


# Format characters that change how text is drawn without being seen: zero-width spaces and
# joiners, the byte-order mark, and the direction overrides that can make "张三" display as
# another name (U+202E turns the rest of a line around).
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD,
              *range(0x200E, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


# Every character ``hidden_character`` looks for: the control (Cc) and surrogate (Cs)
# categories and ``_INVISIBLE``. One regex search tells a clean text (nearly all of them) at C
# speed; the loop below then names the first one found.
_MAYBE_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
                           "\u2060\u2066-\u2069\ufeff\ud800-\udfff]")


def hidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character nobody can see or type on purpose, described (``U+202E``); None
    when the text is clean. Tabs and line breaks are allowed in ``multiline`` text."""
    if _MAYBE_HIDDEN.search(text) is None:
        return None
    for char in text:
        code = ord(char)
        if multiline and char in "\t\n\r":
            continue
        # Private-use and not-yet-assigned code points stay allowed: legacy systems keep rare
        # name characters (生僻字) in the private-use area, and newer CJK extensions are
        # unassigned to an older Unicode database.
        if unicodedata.category(char) in ("Cc", "Cs") or code in _INVISIBLE:
            return f"U+{code:04X}"
    return None
