"""Pieces every password form shares: a hidden-text field and the rules, said before typing.

The rules themselves live in ``clinic_desktop.passwords``; these only say them, so a person
learns them from the form instead of from the first refusal.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QLineEdit

from clinic_desktop.passwords import MIN_PASSWORD_LENGTH
from ui.widgets.rich_text import plain_label


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def length_placeholder() -> str:
    return QCoreApplication.translate("PasswordRules", "至少 {0} 个字符").format(
        MIN_PASSWORD_LENGTH)


def rules_label() -> QLabel:
    """A grey line under the new-password field naming every rule."""
    label = plain_label(QCoreApplication.translate(
        "PasswordRules", "至少 {0} 个字符，不能含用户名，不能是常见密码。",
    ).format(MIN_PASSWORD_LENGTH))
    label.setObjectName("formHint")
    # One line, never wrapped: a wrapped label inside a form is measured for one width and
    # squeezed at another when an error line appears under the form.
    return label
