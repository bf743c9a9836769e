"""Every core message has an English translation with the same placeholders."""

from __future__ import annotations

import string

from clinic_desktop.i18n import _, set_language
from tools.core_messages import core_messages, load_catalog


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_core_message_has_english() -> None:
    catalog = load_catalog()
    missing = [m for m in core_messages() if not catalog.get(m)]
    assert missing == [], "run `python tools/core_messages.py missing` and translate these"


def test_translations_keep_the_placeholders() -> None:
    for source, english in load_catalog().items():
        assert _fields(source) == _fields(english), source


def test_language_switch() -> None:
    set_language("en")
    assert _("用户名或密码不正确。") == "Wrong username or password."
    set_language("zh_CN")
    assert _("用户名或密码不正确。") == "用户名或密码不正确。"
