"""设置 → 数据备份: the last backup and its state, where backups go, when, how many are kept,
a backup now, and 恢复… (choose a backup, see what it holds, then restore)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path

from PySide6.QtCore import QItemSelection, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from clinic_desktop.services.platform.backup_settings import (
    LIMITS,
    BackupSettings,
    backup_settings,
    save_backup_settings,
)
from clinic_desktop.services.platform.backups import (
    BackupInfo,
    BackupResult,
    backup_now,
    last_backup,
    list_backups,
)
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.tasks import Job
from ui.widgets.common import make_table, selected_record
from ui.widgets.job_progress import JobProgress
from ui.widgets.rich_text import plain_label
from ui.widgets.table_model import (
    Column,
    RecordTableModel,
    SortProxy,
    resize_columns_to_contents,
)


class BackupDialog(Dialog):
    geometry_key = "backupDialog"
    # A backup file the person chose to restore (confirmed): the app restores and closes.
    restore_requested = Signal(object)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("数据备份"), parent)
        self.services = services
        self.add_heading(self.tr("数据备份"), self.tr(
            "每天在设定时间和退出程序时自动备份数据库和附件；每份备份都会重新打开校验。"
            "建议另设一个 U 盘或网络共享文件夹作为第二备份位置。"))
        self.state = plain_label()
        self.state.setWordWrap(True)
        self.state.setObjectName("backupState")
        self.body.addWidget(self.state)

        settings = services.call(backup_settings)
        data_dir = services.ctx.db.data_dir
        form = QFormLayout()
        self.enabled = QCheckBox(self.tr("每天自动备份，退出程序时也备份"))
        self.enabled.setChecked(settings.enabled)
        self.at = QTimeEdit(QTime(settings.at.hour, settings.at.minute))
        self.at.setDisplayFormat("HH:mm")
        self.at.setMaximumWidth(120)
        primary = plain_label(str(data_dir.backups) if data_dir else "-")
        primary.setWordWrap(True)
        self.second = QLineEdit(settings.second_folder)
        self.second.setPlaceholderText(self.tr("不设置"))
        choose = QPushButton(self.tr("选择…"))
        choose.clicked.connect(self._choose_folder)
        second_row = QHBoxLayout()
        second_row.addWidget(self.second, 1)
        second_row.addWidget(choose)
        self.keep: dict[str, QSpinBox] = {}
        keep_row = QHBoxLayout()
        for name, label in (("keep_daily", self.tr("每日")), ("keep_weekly", self.tr("每周")),
                            ("keep_monthly", self.tr("每月"))):
            box = QSpinBox()
            box.setRange(*LIMITS[name])
            box.setValue(getattr(settings, name))
            self.keep[name] = box
            keep_row.addWidget(plain_label(label))
            keep_row.addWidget(box)
        keep_row.addStretch(1)
        form.addRow("", self.enabled)
        form.addRow(self.tr("每天备份时间"), self.at)
        form.addRow(self.tr("备份位置"), primary)
        form.addRow(self.tr("第二备份位置"), second_row)
        form.addRow(self.tr("保留份数"), keep_row)
        self.body.addLayout(form)
        self.progress = JobProgress()
        self.body.addWidget(self.progress)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"second_folder": self.second, **self.keep})

        actions = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("立即备份"))
        self.backup_button.clicked.connect(self.backup)
        self.restore_button = QPushButton(self.tr("恢复…"))
        self.restore_button.clicked.connect(self.choose_restore)
        actions.addWidget(self.backup_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)
        self.body.addLayout(actions)
        self.add_buttons(self.tr("保存"), self.submit, cancel_text=self.tr("关闭"))
        self.setMinimumWidth(620)
        self.show_state()

    def show_state(self) -> None:
        last = self.services.call(last_backup)
        if last is None:
            text = self.tr("还没有备份。")
        elif last.ok:
            text = self.tr("上次备份：{0}，已校验无误。").format(
                self.services.format_datetime(last.time))
        else:
            text = self.tr("上次备份 {0} 有问题：{1}").format(
                self.services.format_datetime(last.time), "；".join(last.problems))
        problem = last is not None and not last.ok
        self.state.setProperty("problem", problem)
        self.state.setStyleSheet("color: #C0392B;" if problem else "")
        self.state.setText(text)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择第二备份位置"),
                                                  self.second.text())
        if folder:
            self.second.setText(folder)

    def _settings(self) -> BackupSettings:
        at = self.at.time()
        return BackupSettings(self.enabled.isChecked(), time(at.hour(), at.minute()),
                              self.second.text(), self.keep["keep_daily"].value(),
                              self.keep["keep_weekly"].value(), self.keep["keep_monthly"].value())

    def submit(self) -> None:
        chosen = self._settings()
        self.services.ops.run(lambda ctx: save_backup_settings(ctx, chosen), parent=self,
                              errors=self.errors, on_done=lambda _s: self.accept())

    def backup(self) -> None:
        """The settings as shown are saved first, so the backup goes where the dialog says."""
        chosen = self._settings()
        if self.services.ops.run(lambda ctx: save_backup_settings(ctx, chosen), parent=self,
                                 errors=self.errors) is None:
            return
        self.backup_button.setEnabled(False)

        def ended() -> None:
            self.backup_button.setEnabled(True)

        def done(result: BackupResult) -> None:
            ended()
            self.show_state()
            if not result.ok:
                QMessageBox.warning(self, self.tr("数据备份"), "\n".join(result.problems))

        self.progress.run(self.services.ops,
                          lambda ctx, job: backup_now(ctx, progress=_reporting(job)),
                          text=self.tr("正在备份"), on_done=done, parent=self,
                          on_cancelled=ended, on_error=lambda _e: ended(), initiator=self)

    def choose_restore(self) -> None:
        found = self.services.call(list_backups)
        dialog = RestoreDialog(self.services, found, self)
        dialog.restore_chosen.connect(self._restore_chosen)
        dialog.exec()

    def _restore_chosen(self, file: Path) -> None:
        self.accept()
        self.restore_requested.emit(file)


def _reporting(job: Job) -> Callable[[int, int, str], None]:
    """Progress from the copy to the bar, and the Cancel button honoured between steps."""

    def report(done: int, total: int, what: str) -> None:
        job.check()
        job.report(done, total, what)

    return report


class RestoreDialog(Dialog):
    geometry_key = "restoreDialog"
    restore_chosen = Signal(object)  # the backup file, after the person confirmed

    def __init__(self, services: AppServices, backups: list[BackupInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("从备份恢复"), parent)
        self.services = services
        self.add_heading(self.tr("从备份恢复"), self.tr(
            "恢复时，当前数据库另存为 clinic.sqlite3.before-restore-日期（不会删除），所选备份放回"
            "原处，它用到的附件一并取回。完成后 Clinic Desktop 会关闭，请重新打开。"))
        states = {True: self.tr("已校验"), False: self.tr("损坏"), None: self.tr("未校验")}
        kinds = {"nightly": self.tr("每日"), "exit": self.tr("退出时"), "manual": self.tr("手动"),
                 "pre-upgrade": self.tr("升级前")}
        columns: list[Column[BackupInfo]] = [
            Column(self.tr("时间"), lambda b: services.format_datetime(b.time),
                   sort_key=lambda b: b.time),
            Column(self.tr("类型"), lambda b: kinds.get(b.reason, b.reason)),
            Column(self.tr("状态"), lambda b: states[b.verified],
                   colour=lambda b: "#C0392B" if b.verified is False else None),
            Column(self.tr("患者"), lambda b: "" if b.patients is None else str(b.patients),
                   sort_key=lambda b: b.patients or 0, align_right=True),
            Column(self.tr("最近就诊"), lambda b: b.last_visit or ""),
            Column(self.tr("大小"), lambda b: f"{b.size / 2**20:.1f} MB",
                   sort_key=lambda b: b.size, align_right=True),
            Column(self.tr("位置"), lambda b: str(b.file.parent), tooltip=lambda b: str(b.file)),
        ]
        self.model: RecordTableModel[BackupInfo] = RecordTableModel(columns, key=lambda b: b.file)
        self.model.replace(backups)
        proxy = SortProxy()
        proxy.setSourceModel(self.model)
        self.table = make_table(proxy, stretch_column=6, sort_column=0, descending=True)
        self.table.setMinimumHeight(220)
        resize_columns_to_contents(self.table, range(6))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.body.addWidget(self.table, 1)
        self.detail = plain_label(self.tr("选择一份备份，查看其中的内容。"))
        self.detail.setWordWrap(True)
        self.body.addWidget(self.detail)
        self.buttons = self.add_buttons(self.tr("恢复…"), self.submit)
        self.ok_button = self.buttons.buttons()[0]
        self.resize(900, 480)
        if backups:
            self.table.selectRow(0)

    def chosen(self) -> BackupInfo | None:
        record = selected_record(self.table)
        return record if isinstance(record, BackupInfo) else None

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        backup = self.chosen()
        if backup is None:
            self.detail.setText(self.tr("选择一份备份，查看其中的内容。"))
            return
        if backup.patients is None:
            self.detail.setText(self.tr("{0}：没有校验记录（升级前自动保存的副本）。").format(
                backup.file.name))
            return
        text = self.tr("{0}：{1} 位患者，最近一次就诊 {2}。").format(
            backup.file.name, backup.patients, backup.last_visit or "-")
        if backup.verified is False:
            text += " " + self.tr("这份备份校验失败，不能用于恢复。")
        self.detail.setText(text)

    def submit(self) -> None:
        backup = self.chosen()
        if backup is None:
            return
        if backup.verified is False:
            QMessageBox.warning(self, self.tr("从备份恢复"),
                                self.tr("这份备份校验失败，不能用于恢复。请选择另一份。"))
            return
        question = self.tr(
            "用 {0} 的备份替换当前数据库？\n\n备份中有 {1} 位患者，最近一次就诊 {2}。此后录入的"
            "数据不在其中（当前数据库会另存一份，不会删除）。完成后 Clinic Desktop 会关闭。")
        answer = QMessageBox.question(self, self.tr("从备份恢复"), question.format(
            self.services.format_datetime(backup.time),
            "-" if backup.patients is None else backup.patients, backup.last_visit or "-"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.accept()
        self.restore_chosen.emit(backup.file)
