"""Qt translators. Source strings are Chinese; English comes from resources/i18n/ui_en.qm."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from clinic_desktop.i18n import chosen_language, set_language
from clinic_desktop.package_data import resource

LANGUAGE_KEY = "ui/language"
_installed: list[QTranslator] = []


def preferred_language(explicit: str | None = None) -> str:
    """The ``--lang`` option, else the user's choice (设置 → 界面语言), else Chinese."""
    stored = QSettings().value(LANGUAGE_KEY)
    return chosen_language(explicit, stored if isinstance(stored, str) else None)


def save_language(language: str) -> None:
    QSettings().setValue(LANGUAGE_KEY, language)


def install_language(app: QCoreApplication, language: str) -> None:
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    set_language(language)
    if language == "zh_CN":
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_zh = QTranslator(app)
        if qt_zh.load("qtbase_zh_CN", qt_dir):
            app.installTranslator(qt_zh)
            _installed.append(qt_zh)
        return
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    # Qt's own dialogs (file dialogs, message-box buttons) are English without a translator.
    path = resource("i18n/ui_en.qm")
    translator = QTranslator(app)
    if translator.load(str(path)):
        app.installTranslator(translator)
        _installed.append(translator)
