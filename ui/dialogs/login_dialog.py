"""Sign in. After an error the username stays and the password is cleared and focused.

When an administrator has required it (a reset, or "change at next sign-in"), a correct
password leads to a second step instead of the main window: the person chooses a new
password (typed twice) and only then is signed in. Until that step succeeds ``actor`` stays
None, so closing the dialog there opens nothing.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from clinic_desktop.clock import Clock
from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import UserError
from clinic_desktop.services.auth import password_change_required, sign_in
from clinic_desktop.services.staff import change_own_password
from clinic_desktop.storage.database import Database
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.widgets.password_fields import password_edit, rules_label


class LoginDialog(Dialog):
    def __init__(self, db: Database, clinic_name: str, *, clock: Clock, username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("登录 - Clinic Desktop"), parent)
        self.setObjectName("loginDialog")
        self._db = db
        self._clock = clock
        self.actor: Actor | None = None
        # Between the two steps: who signed in and the password they proved it with (the
        # change step hands it to ``change_own_password`` as the old one).
        self._pending: Actor | None = None
        self._old_password = ""
        self.add_heading(clinic_name or "Clinic Desktop", self.tr("请输入您的用户名和密码。"))
        self.subtitle = self.findChild(QLabel, "dialogSubtitle")
        self.steps = QStackedWidget()
        self._pages = [self._sign_in_step(username), self._change_step()]
        for page in self._pages:
            self.steps.addWidget(page)
        self.body.addWidget(self.steps)
        self._show_step(0)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "username": self.username, "password": self.password,
            "new_password": self.new_password, "confirm": self.confirm})
        self.buttons = self.add_buttons(self.tr("登录"), self.submit,
                                        cancel_text=self.tr("退出"))
        self.setMinimumWidth(380)
        (self.password if username else self.username).setFocus()

    def _sign_in_step(self, username: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(10)
        self.username = QLineEdit(username)
        self.password = password_edit()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        return page

    def _change_step(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(10)
        self.new_password = password_edit()
        self.confirm = password_edit()
        form.addRow(self.tr("新密码"), self.new_password)
        form.addRow(rules_label())
        form.addRow(self.tr("再输入一次"), self.confirm)
        return page

    def _show_step(self, index: int) -> None:
        """Only the shown step counts for the dialog's size: the sign-in is not as tall as
        the change that may follow it."""
        for number, page in enumerate(self._pages):
            policy = (QSizePolicy.Policy.Preferred if number == index
                      else QSizePolicy.Policy.Ignored)
            page.setSizePolicy(policy, policy)
        self.steps.setCurrentIndex(index)
        # The rules line never wraps: the dialog is at least as wide as the step (in English
        # the line is longer than the sign-in step's width).
        margins = self.body.contentsMargins()
        self.setMinimumWidth(max(self.minimumWidth(), self._pages[index].sizeHint().width()
                                 + margins.left() + margins.right()))
        self.adjustSize()

    @property
    def changing_password(self) -> bool:
        return self.steps.currentIndex() == 1

    def submit(self) -> None:
        if self.changing_password:
            self._change()
            return
        try:
            actor = sign_in(self._db, username=self.username.text(),
                            password=self.password.text(), clock=self._clock)
        except UserError as error:
            self.password.clear()
            self.errors.show(error)
            if error.field != "username":
                self.password.setFocus()
            return
        self.errors.clear()
        if password_change_required(self._db, actor.staff_id):
            self._ask_for_new_password(actor)
            return
        self.actor = actor
        self.accept()

    def _ask_for_new_password(self, actor: Actor) -> None:
        self._pending, self._old_password = actor, self.password.text()
        self.password.clear()
        if self.subtitle is not None:
            self.subtitle.setText(self.tr(
                "{0}，管理员要求您先设置一个只有自己知道的新密码，然后才能继续使用。"
            ).format(actor.display_name))
        self._show_step(1)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("保存并登录"))
        self.new_password.setFocus()

    def _change(self) -> None:
        assert self._pending is not None
        if self.new_password.text() != self.confirm.text():
            self.confirm.clear()
            self._refused(UserError(self.tr("两次输入的新密码不一致。"), field="confirm"))
            return
        ctx = Context(db=self._db, actor=self._pending, clock=self._clock)
        try:
            change_own_password(ctx, old_password=self._old_password,
                                new_password=self.new_password.text())
        except UserError as error:
            self._refused(error)  # what was typed stays, to be corrected
            return
        self.errors.clear()
        self.actor, self._pending, self._old_password = self._pending, None, ""
        self.accept()

    def _refused(self, error: UserError) -> None:
        """Show the refusal and grow to hold its wrapped lines: a dialog does not re-measure
        wrapped text by itself, and would squeeze the form instead."""
        self.errors.show(error)
        self.adjustSize()
