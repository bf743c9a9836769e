"""Translation of the core's user-facing messages.

Source strings are Simplified Chinese (the product's first language); English lives in
``resources/i18n/core_en.json``. The core cannot use Qt's translator, so the CLI and the GUI
both call :func:`set_language` once and every message is rendered by :func:`_` when raised.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

SUPPORTED_LANGUAGES = ("zh_CN", "en")
_language = "zh_CN"


@cache
def _catalog(language: str) -> dict[str, str]:
    if language == "zh_CN":
        return {}
    from clinic_desktop.package_data import resource

    path = resource(f"i18n/core_{language}.json")
    if not path.is_file():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


DEFAULT_LANGUAGE = "zh_CN"
LANGUAGE_SETTING = "clinic.language"  # the clinic's choice, in the database


def chosen_language(*choices: str | None) -> str:
    """The first supported language someone chose (``--lang``, the user's setting, the
    clinic's setting), else Simplified Chinese — never the machine's locale: reception PCs
    often run an English or ``C`` locale, and the clinic still works in Chinese."""
    for choice in choices:
        if choice in SUPPORTED_LANGUAGES:
            return choice
    return DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    global _language
    _language = language if language in SUPPORTED_LANGUAGES else "zh_CN"


def current_language() -> str:
    return _language


def _(message: str, **params: Any) -> str:
    """Translate ``message`` into the current language and fill in ``{name}`` placeholders."""
    text = _catalog(_language).get(message, message)
    return text.format(**params) if params else text
