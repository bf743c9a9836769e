"""The shell: sidebar navigation hosting pages, status bar, menus. No business logic here."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from clinic_desktop import __version__
from clinic_desktop.permissions import Permission, role_label
from clinic_desktop.services.clinic import ClinicInfo
from ui.app_services import AppServices
from ui.dialogs.settings_dialogs import ChangePasswordDialog, ClinicDialog, choose_language
from ui.dialogs.shortcuts_dialog import ShortcutsDialog
from ui.icons import page_icon
from ui.idle_lock import IdleLock
from ui.pages import PageSpec, pages_for
from ui.widgets.backup_status import BackupStatusLabel
from ui.widgets.rich_text import esc, plain_label


@runtime_checkable
class OpensPatients(Protocol):
    def open_patient(self, patient_id: int) -> None: ...


@runtime_checkable
class BooksPatients(Protocol):
    def book_for_patient(self, patient_id: int) -> None: ...


@runtime_checkable
class FindsPatients(Protocol):
    def focus_search(self) -> None: ...


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    restore_requested = Signal(object)  # a backup file, confirmed: the app restores and closes
    switch_user_requested = Signal(object)  # an Actor who signed in at the lock screen

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.services = services
        self.pages: dict[str, QWidget] = {}
        self._specs: list[PageSpec] = pages_for(services)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(168)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        for spec in self._specs:
            item = QListWidgetItem(page_icon(spec.key), spec.title())
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # placeholder until the page is first opened
        self.nav.currentRowChanged.connect(self._show_row)
        self._build_menus()
        self._build_status_bar()
        services.clinic_changed.connect(self._apply_clinic)
        services.open_patient_requested.connect(self._open_patient)
        services.booking_requested.connect(self._book_for)
        services.due_count_changed.connect(lambda count: self.set_badge("callbacks", count))
        self._apply_clinic(services.clinic)
        self._bind_shortcuts()
        self.idle_lock = IdleLock(self, services)
        self.idle_lock.switched.connect(self.switch_user_requested)
        self.first_start = not self._restore_geometry()
        if self._specs:
            self.nav.setCurrentRow(0)

    def _restore_geometry(self) -> bool:
        """The last size and place, kept inside the screen the window is on now (a laptop that
        was docked to a large monitor yesterday). False when there is nothing to restore."""
        saved = QSettings().value("geometry/mainWindow")
        restored = isinstance(saved, QByteArray) and self.restoreGeometry(saved)
        screen = self.screen().availableGeometry()
        if not restored:
            # First start: the whole screen (shown maximised by ``show_in_screen``).
            self.setGeometry(screen)
            return False
        frame = self.frameGeometry()
        width, height = min(frame.width(), screen.width()), min(frame.height(), screen.height())
        if (width, height) != (frame.width(), frame.height()) \
                or not screen.contains(frame.topLeft()):
            self.resize(width - (frame.width() - self.width()),
                        height - (frame.height() - self.height()))
            self.move(screen.topLeft())
        return True

    def show_in_screen(self) -> None:
        """Maximised on the first start, as it was left afterwards."""
        if self.first_start:
            self.showMaximized()
        else:
            self.show()

    # -- pages ------------------------------------------------------------------------
    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        spec = self._specs[row]
        if spec.key not in self.pages:
            page = spec.factory(self.services)
            page.setObjectName(f"page_{spec.key}")
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.pages[spec.key] = page
        self.stack.setCurrentIndex(row)

    def open_page(self, key: str) -> QWidget:
        for row, spec in enumerate(self._specs):
            if spec.key == key:
                self.nav.setCurrentRow(row)
                return self.pages[key]
        raise KeyError(key)

    def _open_patient(self, patient_id: int) -> None:
        if "patients" in self.page_keys:
            page = self.open_page("patients")
            if isinstance(page, OpensPatients):
                page.open_patient(patient_id)

    def _book_for(self, patient_id: int) -> None:
        if "calendar" in self.page_keys:
            page = self.open_page("calendar")
            if isinstance(page, BooksPatients):
                page.book_for_patient(patient_id)

    def set_badge(self, key: str, count: int) -> None:
        """A count beside a page's name (the callbacks due, for example)."""
        for row, spec in enumerate(self._specs):
            if spec.key == key:
                title = spec.title()
                self.nav.item(row).setText(f"{title}  ({count})" if count else title)

    def badge_text(self, key: str) -> str:
        for row, spec in enumerate(self._specs):
            if spec.key == key:
                return self.nav.item(row).text()
        return ""

    @property
    def page_keys(self) -> list[str]:
        return [spec.key for spec in self._specs]

    def _bind_shortcuts(self) -> None:
        find = QShortcut(QKeySequence("Ctrl+F"), self)
        find.setContext(Qt.ShortcutContext.ApplicationShortcut)
        find.activated.connect(self.find_patient)
        for row in range(min(9, len(self._specs))):
            switch = QShortcut(QKeySequence(f"Ctrl+{row + 1}"), self)
            switch.activated.connect(lambda r=row: self.nav.setCurrentRow(r))

    def find_patient(self) -> None:
        """Ctrl+F anywhere: the patient search, focused and selected."""
        if "patients" not in self.page_keys:
            return
        page = self.open_page("patients")
        if isinstance(page, FindsPatients):
            page.focus_search()

    # -- chrome -----------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件"))
        quit_action = QAction(self.tr("退出"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # the same on every platform
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        account = bar.addMenu(self.tr("账户"))
        account.addAction(self.tr("修改密码…"), self._change_password)
        self.sign_out_action = account.addAction(self.tr("退出登录"), self._sign_out)

        # Every settings dialog a message may point to ("设置 → 消息渠道") is here.
        settings = bar.addMenu(self.tr("设置"))
        settings.addAction(self.tr("界面语言…"), lambda: choose_language(self))
        if self.services.can(Permission.SETTINGS_MANAGE):
            settings.addAction(self.tr("诊所信息…"), self._edit_clinic)
            settings.addAction(self.tr("消息渠道…"), self._edit_channels)
            settings.addAction(self.tr("数据备份…"), self._edit_backups)
            settings.addAction(self.tr("安全…"), self._edit_security)
            if not self.services.ctx.db.is_sqlite:  # a server: files on a share, one job runner
                settings.addAction(self.tr("附件文件夹…"), self._edit_attachments_folder)
                settings.addAction(self.tr("定时任务…"), self._edit_scheduler)
        if self.services.can(Permission.CARE_PLANS_MANAGE):
            settings.addAction(self.tr("回访设置…"), self._edit_care_settings)

        help_menu = bar.addMenu(self.tr("帮助"))
        help_menu.addAction(self.tr("键盘快捷键"), self._show_shortcuts)
        help_menu.addAction(self.tr("关于 Clinic Desktop"), self._about)

    def _build_status_bar(self) -> None:
        actor = self.services.ctx.actor
        self.user_label = plain_label(self.tr("用户：{0}").format(actor.display_name))
        self.role_label = QLabel(self.tr("角色：{0}").format(role_label(actor.role)))
        self.clinic_label = plain_label()
        self.demo_badge = QLabel(self.tr("演示 / DEMO"))
        self.demo_badge.setObjectName("demoBadge")
        bar = self.statusBar()
        bar.addWidget(self.user_label)
        bar.addWidget(self.role_label)
        bar.addWidget(self.clinic_label)
        bar.addPermanentWidget(self.demo_badge)
        bar.addPermanentWidget(BackupStatusLabel(self.services))

    def _apply_clinic(self, clinic: ClinicInfo) -> None:
        title = f"Clinic Desktop — {clinic.name}"
        if clinic.is_demo:
            title += " [演示 / DEMO]"
        self.setWindowTitle(title)
        self.clinic_label.setText(self.tr("诊所：{0}").format(clinic.name))
        self.demo_badge.setVisible(clinic.is_demo)

    # -- actions ----------------------------------------------------------------------
    def _change_password(self) -> None:
        ChangePasswordDialog(self.services, self).exec()

    def _edit_clinic(self) -> None:
        dialog = ClinicDialog(self.services, self)
        dialog.exec()

    def _edit_channels(self) -> None:
        from ui.pages.messages_page import ChannelsDialog

        ChannelsDialog(self.services, self).exec()

    def _edit_backups(self) -> None:
        from ui.dialogs.backup_dialog import BackupDialog

        dialog = BackupDialog(self.services, self)
        dialog.restore_requested.connect(self.restore_requested)
        dialog.exec()

    def _edit_attachments_folder(self) -> None:
        from ui.dialogs.attachments_folder_dialog import AttachmentsFolderDialog

        AttachmentsFolderDialog(self.services, self).exec()

    def _edit_scheduler(self) -> None:
        from ui.dialogs.scheduler_dialog import SchedulerDialog

        SchedulerDialog(self.services, self).exec()

    def _edit_security(self) -> None:
        from ui.dialogs.security_dialog import SecurityDialog

        dialog = SecurityDialog(self.services, self)
        if dialog.exec() == SecurityDialog.DialogCode.Accepted:
            self.idle_lock.set_minutes(dialog.saved_minutes or 0)

    def _edit_care_settings(self) -> None:
        from ui.pages.care_plans_page import CareSettingsDialog

        CareSettingsDialog(self.services, self).exec()

    def _show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def _sign_out(self) -> None:
        self.sign_out_requested.emit()

    def _about(self) -> None:
        db = self.services.ctx.db
        folder = db.data_dir.root if db.data_dir else "-"
        from clinic_desktop.logs import current_log_path

        QMessageBox.about(self, self.tr("关于 Clinic Desktop"), self.tr(
            "<b>Clinic Desktop</b> {0}<br>离线优先的诊所管理软件。<br><br>"
            "数据文件夹：{1}<br>日志：{2}").format(__version__, esc(folder),
                                               esc(current_log_path() or "-")))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        QSettings().setValue("geometry/mainWindow", self.saveGeometry())
        super().closeEvent(event)
