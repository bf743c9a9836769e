"""The keyboard shortcuts, listed once: the window binds the global ones, and Help →
键盘快捷键 shows them all. Pages bind their own (the calendar's T, Ctrl+N, PageUp/PageDown);
they are listed here so the help shows one table, and a test checks each is really bound."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication


@dataclass(frozen=True)
class ShortcutInfo:
    keys: str  # as QKeySequence reads it ("Ctrl+F")
    where: str  # "" for everywhere, else the page key
    description: str


def _tr(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


def shortcut_table() -> list[ShortcutInfo]:
    """Every shortcut with its description in the UI language."""
    return [
        ShortcutInfo("Ctrl+F", "", _tr("查找患者（从任何页面）")),
        ShortcutInfo("Ctrl+1 … Ctrl+9", "", _tr("切换到左侧第 1–9 个页面")),
        ShortcutInfo("Ctrl+Q", "", _tr("退出程序")),
        ShortcutInfo("Ctrl+N", "calendar", _tr("新预约")),
        ShortcutInfo("T", "calendar", _tr("回到今天")),
        ShortcutInfo("PgUp / PgDown", "calendar", _tr("前一天（周）/ 后一天（周）")),
        ShortcutInfo("Enter", "patients", _tr("打开选中的患者")),
    ]
