"""The backup taken as the app closes.

It runs on a thread of its own (the window is gone; the task worker may be shutting down)
while the GUI thread keeps painting; after ``SHOW_AFTER`` seconds a small window says what is
happening. It never stops the app from closing: a failure is logged and recorded in the last
backup state, which the status bar shows at the next start.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from clinic_desktop.context import Context
from clinic_desktop.services.platform.backup_schedule import exit_backup
from clinic_desktop.services.platform.backups import BackupResult

log = logging.getLogger(__name__)
SHOW_AFTER = 0.4  # seconds: the demo clinic's backup takes about this long


def backup_at_exit(ctx: Context) -> BackupResult | None:
    outcome: list[BackupResult | None] = []

    def work() -> None:
        try:
            outcome.append(exit_backup(ctx))
        except Exception:  # the close must never be lost to a backup problem
            log.exception("the backup at exit failed")

    worker = threading.Thread(target=work, name="exit-backup")
    started = time.monotonic()
    worker.start()
    window: QProgressDialog | None = None
    while worker.is_alive():
        worker.join(0.05)
        if window is None and time.monotonic() - started > SHOW_AFTER \
                and QApplication.instance() is not None:
            window = QProgressDialog(
                QCoreApplication.translate("ExitBackup", "正在备份数据，请稍候…"), "", 0, 0)
            window.setCancelButton(None)
            window.setWindowTitle("Clinic Desktop")
            window.setWindowModality(Qt.WindowModality.ApplicationModal)
            window.show()
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    if window is not None:
        window.close()
        window.deleteLater()
    result = outcome[0] if outcome else None
    if result is not None:
        log.info("backup at exit: %s", "ok" if result.ok else "; ".join(result.problems))
    return result
