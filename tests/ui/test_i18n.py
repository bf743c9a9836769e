"""English is a real second language: every UI string translated, the shipped .qm current."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from clinic_desktop.i18n import current_language
from tools.i18n import QM, TS, release, untranslated, update
from ui.app_services import AppServices
from ui.i18n import install_language
from ui.main_window import MainWindow


def test_every_ui_string_has_english(tmp_path: Path) -> None:
    # Extracted afresh from the code, so a string added since the last `make i18n` counts.
    current = tmp_path / "ui_en.ts"
    shutil.copy(TS, current)
    update(current)
    assert untranslated(current) == [], (
        "run `make i18n`, translate, then `python tools/i18n.py release`")


def test_shipped_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    fresh = tmp_path / "ui_en.qm"
    release(fresh)
    assert fresh.read_bytes() == QM.read_bytes(), "run `python tools/i18n.py release`"


def _free_tr_contexts(tree: ast.AST) -> list[tuple[int, object]]:
    """The context each ``def tr(text)`` outside a class passes to ``translate``."""
    methods = {id(f) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) for f in c.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "tr" and id(node) not in methods:
            calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)
                     and isinstance(c.func, ast.Attribute) and c.func.attr == "translate"]
            context = calls[0].args[0] if calls and calls[0].args else None
            found.append((node.lineno, context.value if isinstance(context, ast.Constant)
                          else context))
    return found


def test_free_tr_helpers_look_up_where_lupdate_files_their_strings() -> None:
    # lupdate files tr("…") called outside a method under the empty context; a helper that
    # translated in a class's context found nothing at run time and showed the Chinese.
    wrong = []
    for path in sorted(Path("ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrong += [f"{path}:{line} uses {context!r}" for line, context in _free_tr_contexts(tree)
                  if context != ""]
    assert wrong == []


def test_a_free_tr_helper_is_english_at_run_time(qapp: QApplication) -> None:
    from ui.pages.segment_filter import tr

    install_language(qapp, "en")
    try:
        assert tr("＋ 添加条件…") != "＋ 添加条件…"
    finally:
        install_language(qapp, "zh_CN")


def test_switching_to_english(qtbot: QtBot, qapp: QApplication, services: AppServices) -> None:
    install_language(qapp, "en")
    try:
        window = MainWindow(services)
        qtbot.addWidget(window)
        menus = [action.text() for action in window.menuBar().actions()]
        assert menus == ["File", "Account", "Settings", "Help"]
        assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
            "Appointments", "Patients", "Callbacks", "Messages", "Clinic lists", "Dashboard",
            "Reports", "Loyalty", "Segments", "Care plans", "Import & export", "Staff & chairs",
            "Audit log"]
        assert window.role_label.text() == "Role: Administrator"
        assert current_language() == "en"
    finally:
        install_language(qapp, "zh_CN")
