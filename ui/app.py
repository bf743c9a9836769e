"""Start-up of the GUI: language, lock, database, setup or sign-in, main window.

Each step is a method of ``Startup`` so tests can drive them one by one without ``exec()``.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from clinic_desktop.clock import Clock
from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import AlreadyRunning, EnvironmentProblem, KeyRequired, UserError
from clinic_desktop.lockfile import InstanceLock
from clinic_desktop.logs import setup_logging
from clinic_desktop.package_data import resource
from clinic_desktop.paths import DataDir
from clinic_desktop.services.auth import needs_setup, sign_in, sign_out
from clinic_desktop.services.clinic import read_clinic
from clinic_desktop.services.platform.encryption import NewKey
from clinic_desktop.storage.database import Database, open_database
from clinic_desktop.storage.server_backup import UpgradeNeedsBackup
from clinic_desktop.storage.soundness import Soundness
from ui.app_services import AppServices
from ui.care_monitor import CareMonitor, SchedulerRoleLabel
from ui.chart_warmup import schedule_chart_warmup
from ui.dialogs.login_dialog import LoginDialog
from ui.dialogs.recovery_key_dialog import RecoveryKeyDialog
from ui.dialogs.setup_dialog import SetupDialog
from ui.dialogs.unlock_dialog import UnlockDialog
from ui.errors import install_excepthook, report_crash
from ui.i18n import install_language, preferred_language
from ui.main_window import MainWindow
from ui.tasks import TaskManager
from ui.widgets.rich_text import rich_plain

if TYPE_CHECKING:
    from ui.remote_changes import RemoteChanges  # psycopg: imported only on a server

log = logging.getLogger(__name__)
EXIT_OK, EXIT_UNUSABLE = 0, 2


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName("ClinicDesktop")
    QCoreApplication.setApplicationName("Clinic Desktop")
    return app


def apply_style(app: QApplication) -> None:
    font = QFont()
    font.setFamilies(["Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC",
                      "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Sans Serif"])
    font.setPointSizeF(10.5)
    # Either call re-polishes every widget that exists: free at start-up, seconds when a
    # language switch (or a test) applies the same style again over open windows.
    if app.font() != font:
        app.setFont(font)
    sheet = resource("style.qss")
    if sheet.is_file():
        style_sheet = sheet.read_text(encoding="utf-8")
        if app.styleSheet() != style_sheet:
            app.setStyleSheet(style_sheet)


class Startup:
    """The app's life on one data folder: lock, database, who is signed in, the window."""

    def __init__(self, data_dir: DataDir, *, clock: Clock,
                 synchronous_tasks: bool = False, database_url: str | None = None) -> None:
        self.data_dir = data_dir
        # A PostgreSQL server (``--database-url``): no folder lock, any number of workstations.
        self.database_url = database_url
        self.clock = clock
        self.lock = InstanceLock(data_dir.lock_file)
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.services: AppServices | None = None
        self.monitor: CareMonitor | None = None
        self.remote: RemoteChanges | None = None  # on a server: the other workstations' changes
        self.scheduler_role: SchedulerRoleLabel | None = None  # on a server: who runs the jobs
        self._monitor_options: dict[str, Any] = {}
        self.new_key: NewKey | None = None  # made at this start: shown once after setup
        self._synchronous = synchronous_tasks

    def problem(self, parent: QWidget | None, message: str) -> None:
        """Environment problems before the window exists: one clear message box."""
        # Paths and reasons in these messages may hold < or &: shown literally.
        QMessageBox.warning(parent, QCoreApplication.translate("Startup", "Clinic Desktop"),
                            rich_plain(message))

    def open(self) -> int | None:
        """Take the lock and open the database; an exit code if that is impossible."""
        if self.database_url is not None:
            return self._open_server(self.database_url)
        try:
            self.data_dir.ensure()
            self.lock.acquire()
        except AlreadyRunning as error:
            self.problem(None, error.message)
            return EXIT_OK
        except EnvironmentProblem as error:
            self.problem(None, error.message)
            return EXIT_UNUSABLE
        setup_logging(self.data_dir.logs)
        try:
            if not self._key_for_a_new_clinic():
                self.lock.release()
                return EXIT_OK
            key = self.new_key.key if self.new_key is not None else None
            try:
                # The page check of a large file takes most of a second: it runs beside the
                # sign-in instead of before the window, and every write waits for its verdict.
                self.db = open_database(self.data_dir, now=self.clock.now(),
                                        soundness=Soundness.DEFERRED, key=key)
            except KeyRequired as required:
                key = self._ask_key(required)
                if key is None:
                    self.lock.release()
                    return EXIT_OK
                self.db = open_database(self.data_dir, now=self.clock.now(),
                                        soundness=Soundness.DEFERRED, key=key)
        except EnvironmentProblem as error:
            self.lock.release()
            self.problem(None, error.message)
            return EXIT_UNUSABLE
        threading.Thread(target=self.db.check_soundness, name="soundness-check",
                         daemon=True).start()
        return None

    def _open_server(self, url: str) -> int | None:
        """The clinic on a PostgreSQL server: the data folder keeps only this PC's logs."""
        try:
            setup_logging(self.data_dir.ensure().logs)
            try:
                self.db = open_database(url=url, now=self.clock.now(),
                                        server_backups=self.data_dir.backups)
            except UpgradeNeedsBackup as unbacked:
                if not self._confirm_unbacked_upgrade(unbacked.message):
                    return EXIT_OK
                self.db = open_database(url=url, now=self.clock.now(),
                                        upgrade_without_backup=True)
        except UserError as error:
            self.problem(None, error.message)
            return EXIT_UNUSABLE
        return None

    def _confirm_unbacked_upgrade(self, why: str) -> bool:
        """No ``pg_dump`` on this PC: the upgrade goes ahead only when the person says the
        server's database has been backed up."""
        title = QCoreApplication.translate("Startup", "升级服务器数据库")
        question = QCoreApplication.translate(
            "Startup", "已经在服务器上备份了数据库吗？选“是”立即升级（无法撤销）。")
        answer = QMessageBox.question(None, title, rich_plain(f"{why}\n\n{question}"),
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _key_for_a_new_clinic(self) -> bool:
        """A first start on an empty folder: the new clinic is encrypted, its key (``new_key``)
        stored by the policy before the file exists. False: the person declined to set the
        passphrase that was the only way left to keep it."""
        from clinic_desktop.database_keys import PassphraseNeeded
        from clinic_desktop.services.platform.encryption import create_key

        if self.data_dir.database.exists():
            return True
        try:
            self.new_key = create_key(self.data_dir)
        except PassphraseNeeded as needed:
            passphrase = self._new_passphrase(needed.message)
            if passphrase is None:
                return False
            self.new_key = create_key(self.data_dir, passphrase=passphrase)
        return True

    def _new_passphrase(self, why: str) -> str | None:
        title = QCoreApplication.translate("Startup", "设置启动口令")
        while True:
            first, ok = QInputDialog.getText(None, title, why, QLineEdit.EchoMode.Password)
            if not ok:
                return None
            again, ok = QInputDialog.getText(
                None, title, QCoreApplication.translate("Startup", "再输入一次："),
                QLineEdit.EchoMode.Password)
            if not ok:
                return None
            if first and first == again:
                return first
            self.problem(None, QCoreApplication.translate(
                "Startup", "两次输入的口令不一致（或为空），请重新设置。"))

    def _ask_key(self, required: KeyRequired) -> bytes | None:
        """The encrypted clinic's key from its passphrase or the recovery key; None when the
        person gave up (three wrong passphrases end with one sentence)."""
        dialog = UnlockDialog(self.data_dir, passphrase=required.passphrase)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.key is not None:
            return dialog.key
        if dialog.gave_up:
            self.problem(None, QCoreApplication.translate(
                "Startup", "启动口令连续 3 次不对，Clinic Desktop 已关闭。"))
        return None

    def authenticate(self, *, demo: bool) -> Actor | None:
        assert self.db is not None
        if needs_setup(self.db):
            on_file = self.database_url is None
            setup = SetupDialog(self.db, clock=self.clock,
                                data_dir=self.data_dir if on_file else None,
                                tasks=TaskManager(synchronous=self._synchronous))
            result = setup.exec()
            if result == SetupDialog.CONNECTED and setup.server_url:
                return self._move_to_server(setup.server_url, demo=demo)
            if result != QDialog.DialogCode.Accepted:
                return None
            if self.new_key is not None:
                RecoveryKeyDialog(self.new_key.recovery, read_clinic(self.db).name,
                                  day=self.clock.now().date()).exec()
            return setup.actor
        if demo:
            from clinic_desktop.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME

            try:
                return sign_in(self.db, username=DEMO_ADMIN_USERNAME,
                               password=DEMO_ADMIN_PASSWORD, clock=self.clock)
            except UserError as error:
                log.warning("demo sign-in failed: %s", error)
        login = LoginDialog(self.db, read_clinic(self.db).name, clock=self.clock)
        return login.actor if login.exec() == QDialog.DialogCode.Accepted else None

    def _move_to_server(self, url: str, *, demo: bool) -> Actor | None:
        """Connected in the first-run screen: leave the new, empty local file for the server
        (this start and the next ones, through ``server.json``)."""
        if self.db is not None:
            self.db.close()
            self.db = None
        self.lock.release()
        self.new_key = None
        self.database_url = url
        if self._open_server(url) is not None:
            return None
        return self.authenticate(demo=demo)

    def show_main_window(self, actor: Actor) -> MainWindow:
        assert self.db is not None
        tasks = TaskManager(synchronous=self._synchronous)
        tasks.on_unhandled = lambda exc: report_crash(type(exc), exc, exc.__traceback__)
        ctx = Context(db=self.db, actor=actor, clock=self.clock)
        self.services = AppServices(ctx, tasks, read_clinic(self.db))
        self.window = MainWindow(self.services)
        self.window.sign_out_requested.connect(self._sign_out)
        self.window.restore_requested.connect(self.restore)
        self.window.switch_user_requested.connect(self._switch_user)
        self.window.show_in_screen()
        tasks.run(self.db.check_soundness, on_done=self._soundness_known)
        # The dashboard's matplotlib, imported in the background once the window has settled.
        schedule_chart_warmup(self.window, self.window.page_keys)
        return self.window

    def _soundness_known(self, problems: list[str]) -> None:
        """A damaged file: say so once, plainly; every write is refused with the same text."""
        if problems and self.db is not None and self.db.soundness.message:
            QMessageBox.critical(self.window, QCoreApplication.translate("Startup", "数据库已损坏"),
                                 rich_plain(self.db.soundness.message))

    def start_care_monitor(self, *, interval_seconds: int = 60,
                           catch_up: bool = True) -> CareMonitor:
        """The in-process scheduler for the signed-in user: scans now (catch-up) and every
        minute; the badge and the pages follow what the scans change."""
        assert self.services is not None and self.window is not None
        self.stop_care_monitor()
        self._monitor_options = {"interval_seconds": interval_seconds, "catch_up": catch_up}
        monitor = CareMonitor(self.services.ctx, parent=self.services)
        window, ops = self.window, self.services.ops
        monitor.due_count_changed.connect(self.services.due_count_changed)
        monitor.changes_found.connect(lambda changes: ops.announce(changes, monitor))
        on_server = not self.services.ctx.db.is_sqlite  # several workstations, one clinic
        if on_server:  # one of them runs the scheduled jobs: the status bar says which
            self.scheduler_role = SchedulerRoleLabel()
            monitor.leadership_changed.connect(self.scheduler_role.show_role,
                                               Qt.ConnectionType.QueuedConnection)
            window.statusBar().addPermanentWidget(self.scheduler_role)
        monitor.start(window, interval_seconds=interval_seconds, catch_up=catch_up)
        self.monitor = monitor
        if on_server:  # the others write too: hear them
            from ui.remote_changes import RemoteChanges

            self.remote = RemoteChanges(self.services)
            window.statusBar().addPermanentWidget(self.remote.label)
            self.remote.start()
        return monitor

    def stop_care_monitor(self) -> None:
        if self.remote is not None:
            self.remote.stop()
            self.remote.label.deleteLater()
            self.remote.deleteLater()
            self.remote = None
        if self.monitor is not None:
            self.monitor.stop()
            self.monitor.deleteLater()
            self.monitor = None
        if self.scheduler_role is not None:
            self.scheduler_role.deleteLater()
            self.scheduler_role = None

    def _sign_out(self) -> None:
        """Shift change: what belonged to the session (its window, its scheduler, its user)
        ends; the next person's sign-in starts them afresh."""
        assert self.db is not None and self.services is not None
        login = LoginDialog(self.db, self.services.clinic.name, clock=self.clock)
        self._end_session(lambda: login.actor if login.exec() == QDialog.DialogCode.Accepted
                          else None)

    def _switch_user(self, actor: Actor) -> None:
        """Another person signed in at the lock screen: the first is signed out."""
        self._end_session(lambda: actor)

    def _end_session(self, next_actor: Callable[[], Actor | None]) -> None:
        assert self.db is not None and self.services is not None and self.window is not None
        old_window, old_services = self.window, self.services
        had_monitor = self.monitor is not None
        sign_out(old_services.ctx)
        self.stop_care_monitor()
        old_window.idle_lock.stop()
        old_window.hide()
        self.window = self.services = None
        actor = next_actor()
        if actor is not None:
            self.show_main_window(actor)
            if had_monitor:
                self.start_care_monitor(**self._monitor_options)
        else:
            QApplication.quit()
        old_services.tasks.shutdown()  # the old session's worker finishes what it started
        old_window.deleteLater()
        old_services.deleteLater()

    def restore(self, source: Path) -> None:
        """Restore from the app: the database is closed, the same restore as the command line
        runs, and the app closes (the person starts it again on the restored data)."""
        from clinic_desktop.services.platform.restoring import restore_backup

        assert self.db is not None and self.services is not None and self.window is not None
        actor, title = self.services.ctx.actor, QCoreApplication.translate("Startup", "从备份恢复")
        self.stop_care_monitor()
        self.services.tasks.shutdown()
        self.window.hide()
        self.db.close()
        self.db = None  # no backup at exit: the file set aside keeps what was there
        try:
            result = restore_backup(self.data_dir, source, clock=self.clock, actor=actor)
        except UserError as error:
            self.problem(None, error.message + "\n" + QCoreApplication.translate(
                "Startup", "当前数据库未被改动。Clinic Desktop 将关闭，请重新打开。"))
        else:
            QMessageBox.information(None, title, rich_plain(QCoreApplication.translate(
                "Startup", "已恢复：{0} 位患者，最近一次就诊 {1}。原来的数据库保留为 {2}。"
                "Clinic Desktop 将关闭，请重新打开。").format(
                result.check.patients, result.check.last_visit or "-",
                result.moved_aside or "-")))
        QApplication.quit()

    def backup_at_exit(self) -> None:
        """The backup as the app closes, whoever was signed in (or nobody, after a sign-out)."""
        if self.db is None or not self.db.is_sqlite:
            return  # a server is backed up by the server's own tools (pg_dump)
        from ui.exit_backup import backup_at_exit

        self.stop_care_monitor()  # waits for a scan (an evening backup) still running
        ctx = self.services.ctx if self.services is not None \
            else Context(db=self.db, clock=self.clock)
        backup_at_exit(ctx)

    def close(self) -> None:
        self.stop_care_monitor()
        if self.db is not None:
            self.db.close()
            self.db = None
        self.lock.release()


def run_gui(*, data_dir: DataDir, clock: Clock, demo: bool = False,
            language: str | None = None, database_url: str | None = None) -> int:
    os.umask(0o077)  # the database, logs, backups and attachments: this user only
    app = make_application()
    install_language(app, preferred_language(language))
    apply_style(app)
    install_excepthook()
    startup = Startup(data_dir, clock=clock, database_url=database_url)
    code = startup.open()
    if code is not None:
        return code
    try:
        actor = startup.authenticate(demo=demo)
        if actor is None:
            return EXIT_OK
        startup.show_main_window(actor)
        startup.start_care_monitor()
        code = app.exec()
        startup.backup_at_exit()
        return code
    finally:
        startup.close()


def main() -> int:
    """The ``clinic-desktop-gui`` entry point (a windowed launcher on Windows)."""
    from clinic_desktop.cli import main as cli_main

    return cli_main(["gui", *sys.argv[1:]])
