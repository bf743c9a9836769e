"""设置 → 安全: whether the clinic's data is encrypted and where its key is kept, files other
users could open, and the idle lock's minutes."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QSpinBox, QWidget

from clinic_desktop.context import Context
from clinic_desktop.services.platform.idle_lock import (
    MAX_MINUTES,
    idle_lock_minutes,
    save_idle_lock_minutes,
)
from clinic_desktop.services.platform.security import security_overview
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.widgets.rich_text import plain_label


class SecurityDialog(Dialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("安全设置"), parent)
        self.services = services
        self.add_heading(self.tr("安全设置"), self.tr(
            "数据加密保护离开诊所的电脑和备份；自动锁定保护无人看管的前台。"))
        overview = services.call(security_overview)
        form = QFormLayout()
        kept = {"keyring": self.tr("系统密钥环"),
                "key_file": self.tr("本机的密钥文件（仅本用户可读）"),
                "passphrase": self.tr("启动口令（每次打开时输入）"),
                "given": self.tr("--key-file 指定的文件")}
        if overview.encrypted:
            state = self.tr("已加密（SQLCipher + AES-GCM 附件）；密钥保存在{0}。").format(
                kept.get(overview.key_kept, overview.key_kept))
        else:
            state = self.tr("未加密。关闭程序后在命令行运行 clinic-desktop encrypt 加密（会显示"
                            "恢复密钥，请打印保存）。")
        self.encryption = plain_label(state)
        self.encryption.setWordWrap(True)
        form.addRow(self.tr("数据加密"), self.encryption)
        files = (self.tr("只有本用户可以打开。") if not overview.loose_files else
                 self.tr("其他用户也能打开：{0}").format("，".join(overview.loose_files)))
        self.files = plain_label(files)
        self.files.setWordWrap(True)
        form.addRow(self.tr("数据文件夹"), self.files)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, MAX_MINUTES)
        self.minutes.setSuffix(self.tr(" 分钟"))
        self.minutes.setSpecialValueText(self.tr("不自动锁定"))
        self.minutes.setValue(services.call(idle_lock_minutes))
        form.addRow(self.tr("无操作自动锁定"), self.minutes)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"idle_lock_minutes": self.minutes})
        self.add_buttons(self.tr("保存"), self.submit)
        self.setMinimumWidth(560)

    def submit(self) -> None:
        minutes = self.minutes.value()

        def save(ctx: Context) -> int:
            return save_idle_lock_minutes(ctx, minutes)

        self.services.ops.run(save, parent=self, errors=self.errors, initiator=self,
                              on_done=self._saved)

    def _saved(self, minutes: int) -> None:
        self.saved_minutes: int | None = minutes
        self.accept()
