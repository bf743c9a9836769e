"""The status bar's word on backups: shown only when the last backup failed, so whoever is at
the desk sees it and tells the person who looks after the clinic's data."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.services.platform.backups import LAST_STATE, last_backup
from ui.app_services import AppServices
from ui.widgets.rich_text import rich_plain


class BackupStatusLabel(QLabel):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.setObjectName("backupWarning")
        self.services = services
        services.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches_any_of(Area.SETTINGS, [LAST_STATE]) \
                or Area.SETTINGS in changes.wide:
            self.refresh()

    def refresh(self) -> None:
        last = self.services.call(last_backup)
        failed = last is not None and not last.ok
        if failed and last is not None:
            self.setText(self.tr("⚠ 上次备份失败（{0}）").format(
                self.services.format_datetime(last.time)))
            self.setToolTip(rich_plain("\n".join(last.problems)))
        self.setVisible(failed)
