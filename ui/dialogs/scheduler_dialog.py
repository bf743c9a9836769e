"""设置 → 定时任务…: on a server, how soon another workstation takes over the scheduled jobs
(due scans, the nightly loyalty run, messages) when the one running them closes or loses its
connection."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QSpinBox, QWidget

from clinic_desktop.context import Context
from clinic_desktop.services.platform.scheduler_lease import (
    MAX_SECONDS,
    MIN_SECONDS,
    lease_seconds,
    save_lease_seconds,
)
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors


class SchedulerDialog(Dialog):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("定时任务"), parent)
        self.services = services
        self.saved: int | None = None
        self.add_heading(self.tr("定时任务由一台工作站运行"), self.tr(
            "回访扫描、每晚的会员任务和自动消息只由一台工作站运行（状态栏显示是哪一台）。"
            "它关闭或断线后，另一台工作站在下面的时间内接管，任务不会重复也不会遗漏。"))
        form = QFormLayout()
        self.seconds = QSpinBox()
        self.seconds.setRange(MIN_SECONDS, MAX_SECONDS)
        self.seconds.setSuffix(self.tr(" 秒"))
        self.seconds.setMaximumWidth(160)
        self.seconds.setValue(min(max(round(services.call(lease_seconds)), MIN_SECONDS),
                                  MAX_SECONDS))
        form.addRow(self.tr("接管时间"), self.seconds)
        self.body.addLayout(form)
        self.add_hint(self.tr("各工作站下次启动程序时按新的时间执行。时间越短接管越快，但服务器"
                              "一时繁忙也可能被当成断线而换一台运行。"))
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"lease_seconds": self.seconds})
        self.add_buttons(self.tr("保存"), self.submit)
        self.setMinimumWidth(520)

    def submit(self) -> None:
        seconds = self.seconds.value()

        def save(ctx: Context) -> int:
            return save_lease_seconds(ctx, seconds)

        self.services.ops.run(save, parent=self, errors=self.errors, initiator=self,
                              on_done=self._saved)

    def _saved(self, seconds: int) -> None:
        self.saved = seconds
        self.accept()
