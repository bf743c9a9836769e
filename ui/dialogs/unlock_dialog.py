"""Opening an encrypted clinic whose key this PC does not hold.

Two cases: the data folder keeps the key wrapped with a start-up passphrase (asked at every
start: three tries, then the app closes with one sentence), or the key is lost from this PC
(a new PC, a wiped keyring): the printed recovery key is typed here, checked against the
database, and stored again by the same policy as ``clinic-desktop unlock``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from clinic_desktop.database_keys import PassphraseNeeded, read_key_info, unwrap_key
from clinic_desktop.errors import UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.services.platform.encryption import unlock
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors

MAX_TRIES = 3


class UnlockDialog(Dialog):
    """``key`` holds the database key once accepted; ``gave_up`` after three wrong tries."""

    def __init__(self, data_dir: DataDir, *, passphrase: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("打开加密的诊所数据"), parent)
        self._data_dir = data_dir
        self._passphrase_mode = passphrase
        self.key: bytes | None = None
        self.tries = 0
        self.gave_up = False
        if passphrase:
            self.add_heading(self.tr("请输入启动口令"), self.tr(
                "这家诊所的数据已加密，密钥由启动口令保护。口令连续输错 3 次，程序将关闭。"))
        else:
            self.add_heading(self.tr("本机找不到数据库密钥"), self.tr(
                "这家诊所的数据已加密，但本机的密钥丢失了（换了电脑或重装了系统）。请输入建立"
                "诊所时打印的恢复密钥（11 组，每组 5 个字符，大小写和短横线都可以）。"))
        form = QFormLayout()
        self.secret = QLineEdit()
        self.new_passphrase = QLineEdit()
        if passphrase:
            self.secret.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(self.tr("启动口令"), self.secret)
        else:
            self.secret.setPlaceholderText("XXXXX-XXXXX-XXXXX-…")
            self.secret.setMinimumWidth(520)
            form.addRow(self.tr("恢复密钥"), self.secret)
            # Only when the keyring refuses and no key file can be written (rare): the key is
            # then kept wrapped with this passphrase.
            self.new_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
            self.new_passphrase.setPlaceholderText(self.tr("仅在本机无法保存密钥时需要"))
            form.addRow(self.tr("新的启动口令"), self.new_passphrase)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "passphrase": self.new_passphrase if not passphrase else self.secret,
            "recovery_key": self.secret})
        self.add_buttons(self.tr("打开"), self.submit, cancel_text=self.tr("退出"))
        self.secret.setFocus()

    def submit(self) -> None:
        try:
            key = (self._key_from_passphrase() if self._passphrase_mode
                   else self._key_from_recovery())
        except UserError as error:
            self.errors.show(error)
            return
        if key is None:
            self.tries += 1
            self.secret.clear()
            if self.tries >= MAX_TRIES:
                self.gave_up = True
                self.reject()
                return
            self.errors.show(UserError(self.tr("口令不对（还可以再试 {0} 次）。").format(
                MAX_TRIES - self.tries), field="passphrase"))
            return
        self.key = key
        self.accept()

    def _key_from_passphrase(self) -> bytes | None:
        info = read_key_info(self._data_dir)
        return unwrap_key(info, self.secret.text()) if info is not None else None

    def _key_from_recovery(self) -> bytes:
        from clinic_desktop.database_keys import parse_recovery_text

        key = parse_recovery_text(self.secret.text())
        try:
            unlock(self._data_dir, key, passphrase=self.new_passphrase.text() or None)
        except PassphraseNeeded as needed:
            self.new_passphrase.setFocus()
            raise needed
        return key
