"""Pinyin search keys for names: ``张三`` → full ``zhangsan``, initials ``zs``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Surnames read differently from the character's everyday reading.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "区": "ou", "解": "xie", "朴": "piao",
    "查": "zha", "尉": "yu", "覃": "qin", "盖": "ge", "缪": "miao", "翟": "zhai",
    "乐": "yue", "长": "chang", "重": "chong", "种": "chong", "秘": "bi", "召": "shao",
    "繁": "po", "员": "yun", "华": "hua", "沈": "shen", "贾": "jia", "柏": "bai",
}


@dataclass(frozen=True)
class PinyinKeys:
    full: str
    initials: str


@lru_cache(maxsize=20000)
def _char(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalpha() else ""
    # pypinyin loads its phrase dictionary on import (about half a second): on first use,
    # not while the app starts.
    from pypinyin import Style, lazy_pinyin

    reading = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return reading[0].lower() if reading else ""


def search_keys(name: str) -> PinyinKeys:
    full: list[str] = []
    initials: list[str] = []
    first = True
    for ch in name:
        if ch.isspace():
            continue
        reading = SURNAME_READINGS.get(ch) if first else None
        first = False
        if reading is None:
            reading = _char(ch)
        if reading:
            full.append(reading)
            initials.append(reading if ch.isascii() else reading[0])
    return PinyinKeys(full="".join(full), initials="".join(initials))
