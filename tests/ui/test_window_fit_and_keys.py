"""The main window fits the screen it opens on; keyboard shortcuts work from anywhere and
are listed in Help."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ui.app_services import AppServices
from ui.dialogs.shortcuts_dialog import ShortcutsDialog
from ui.main_window import MainWindow
from ui.shortcuts import shortcut_table


def test_first_start_fills_the_screen_and_later_starts_stay_inside_it(
    qtbot: QtBot, services: AppServices
) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    assert window.first_start and window.geometry().size() == screen.size()
    # Saved yesterday on a large monitor: today's screen is smaller.
    window.setGeometry(QRect(2000, 100, 1900, 1100))
    QSettings().setValue("geometry/mainWindow", window.saveGeometry())
    again = MainWindow(services)
    qtbot.addWidget(again)
    assert not again.first_start
    frame = again.frameGeometry()
    assert frame.width() <= screen.width() and frame.height() <= screen.height()
    assert screen.contains(frame.topLeft())
    QSettings().setValue("geometry/mainWindow", QByteArray())


def _active(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()


def test_ctrl_f_finds_a_patient_from_any_page(qtbot: QtBot, window: MainWindow) -> None:
    _active(qtbot, window)
    window.open_page("calendar")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["patients"]
    assert window.stack.currentWidget() is page
    search = page.findChild(QLineEdit)  # the search box is the page's first line edit
    assert search is not None and QApplication.focusWidget() is search


def test_ctrl_number_switches_pages(qtbot: QtBot, window: MainWindow) -> None:
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.nav.currentRow() == 2
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.nav.currentRow() == 0


def test_every_listed_shortcut_is_bound(qtbot: QtBot, window: MainWindow) -> None:
    pages = {key: window.open_page(key) for key in ("calendar", "patients")}
    bound = {s.key().toString() for s in window.findChildren(QShortcut)}
    for page in pages.values():
        bound |= {s.key().toString() for s in page.findChildren(QShortcut)}
        bound |= {a.shortcut().toString() for a in page.actions() if not a.shortcut().isEmpty()}
    bound |= {a.shortcut().toString() for a in window.findChildren(type(window.menuBar()
                                                                        .actions()[0]))}
    for info in shortcut_table():
        if "…" in info.keys or "/" in info.keys or info.keys == "Enter":
            continue  # ranges and pairs: checked by the tests above and the calendar's
        assert QKeySequence(info.keys).toString() in bound, info.keys
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(shortcut_table())
    assert dialog.table.item(0, 0).text() == "Ctrl+F"


def test_every_page_has_its_own_icon(window: MainWindow) -> None:
    icons = [window.nav.item(row).icon() for row in range(window.nav.count())]
    assert all(not i.isNull() for i in icons)
    images = {i.pixmap(20, 20).toImage().bits().tobytes() for i in icons}
    assert len(images) == len(icons)  # no two pages share a glyph
