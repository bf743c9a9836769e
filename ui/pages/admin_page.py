"""员工与椅位: staff accounts and chairs/rooms, for administrators."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from clinic_desktop.changes import Area, ChangeSet
from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission, role_label
from clinic_desktop.services import chairs as chair_service
from clinic_desktop.services import staff as staff_service
from clinic_desktop.services.chairs import ChairInfo
from clinic_desktop.services.staff import StaffInfo
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.dialogs.settings_dialogs import ResetPasswordDialog
from ui.dialogs.staff_dialog import StaffDialog
from ui.errors import FieldErrors
from ui.pages import PageSpec
from ui.widgets.common import button_row, make_table, page_header, selected_record
from ui.widgets.rich_text import rich_plain
from ui.widgets.table_model import Column, RecordTableModel, SortProxy


class AdminPage(QWidget):
    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_header(self.tr("员工与椅位"),
                                     self.tr("管理登录账号、角色、出诊医生，以及椅位和诊室。")))
        staff_box = QGroupBox(self.tr("员工"))
        staff_layout = QVBoxLayout(staff_box)
        self.staff_model: RecordTableModel[StaffInfo] = RecordTableModel(
            self._staff_columns(), key=lambda s: s.id)
        self.staff_proxy = SortProxy()
        self.staff_proxy.setSourceModel(self.staff_model)
        self.staff_view = make_table(self.staff_proxy)
        self.staff_view.doubleClicked.connect(lambda _index: self.edit_staff())
        self.add_button = QPushButton(self.tr("新增员工"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.toggle_button = QPushButton(self.tr("停用/启用"))
        self.reset_button = QPushButton(self.tr("重置密码"))
        self.require_change_button = QPushButton(self.tr("要求改密码"))
        self.require_change_button.setToolTip(self.tr("下次登录时必须先设置新密码"))
        self.add_button.clicked.connect(self.add_staff)
        self.edit_button.clicked.connect(self.edit_staff)
        self.toggle_button.clicked.connect(self.toggle_staff)
        self.reset_button.clicked.connect(self.reset_password)
        self.require_change_button.clicked.connect(self.require_password_change)
        staff_layout.addLayout(button_row(self.add_button, self.edit_button,
                                          self.toggle_button, self.reset_button,
                                          self.require_change_button))
        staff_layout.addWidget(self.staff_view)

        chair_box = QGroupBox(self.tr("椅位 / 诊室"))
        chair_layout = QVBoxLayout(chair_box)
        self.chair_model: RecordTableModel[ChairInfo] = RecordTableModel([
            Column(self.tr("名称"), lambda c: c.name),
            Column(self.tr("说明"), lambda c: c.note or ""),
            Column(self.tr("状态"), lambda c: self.tr("启用") if c.active else self.tr("停用"),
                   colour=lambda c: None if c.active else "#8A8F98"),
        ], key=lambda c: c.id)
        self.chair_proxy = SortProxy()
        self.chair_proxy.setSourceModel(self.chair_model)
        self.chair_view = make_table(self.chair_proxy, stretch_column=1)
        self.chair_view.doubleClicked.connect(lambda _index: self.edit_chair())
        add_chair = QPushButton(self.tr("新增椅位"))
        edit_chair = QPushButton(self.tr("编辑"))
        add_chair.clicked.connect(self.add_chair)
        edit_chair.clicked.connect(self.edit_chair)
        chair_layout.addLayout(button_row(add_chair, edit_chair))
        chair_layout.addWidget(self.chair_view)

        row = QHBoxLayout()
        row.addWidget(staff_box, 2)
        row.addWidget(chair_box, 1)
        layout.addLayout(row, 1)
        services.changed.connect(self._on_changed)
        self.refresh()

    def _staff_columns(self) -> list[Column[StaffInfo]]:
        def status(s: StaffInfo) -> str:
            if not s.active:
                return self.tr("停用")
            if s.locked_until and s.locked_until > self.services.ctx.now():
                return self.tr("已锁定至 {0}").format(
                    f"{self.services.local(s.locked_until):%H:%M}")
            if s.must_change_password:
                return self.tr("待改密码")
            return self.tr("启用")

        return [
            Column(self.tr("用户名"), lambda s: s.username),
            Column(self.tr("姓名"), lambda s: s.display_name),
            Column(self.tr("角色"), lambda s: role_label(s.role)),
            Column(self.tr("医生"), lambda s: self.tr("是") if s.is_doctor else ""),
            Column(self.tr("颜色"), lambda s: "", swatch=lambda s: s.colour,
                   tooltip=lambda s: s.colour or "", sort_key=lambda s: s.colour or ""),
            Column(self.tr("状态"), status,
                   colour=lambda s: None if s.active else "#8A8F98"),
            Column(self.tr("最近登录"), lambda s: self.services.format_datetime(s.last_login_at),
                   sort_key=lambda s: s.last_login_at or datetime.min.replace(tzinfo=UTC)),
        ]

    def _on_changed(self, changes: ChangeSet, _initiator: object) -> None:
        if changes.touches(Area.STAFF, Area.SCHEDULE):
            self.refresh()

    def refresh(self) -> None:
        self.staff_model.replace(self.services.call(staff_service.list_staff))
        self.chair_model.replace(self.services.call(chair_service.list_chairs))
        for column in range(6):
            self.staff_view.resizeColumnToContents(column)

    def _selected_staff(self) -> StaffInfo | None:
        record = selected_record(self.staff_view)
        if record is None:
            QMessageBox.information(self, self.tr("员工"), self.tr("请先在表格中选择一位员工。"))
        return record  # type: ignore[return-value]

    # The dialogs save through the operation runner; the page refreshes from ``changed``.
    def add_staff(self) -> None:
        StaffDialog(self.services, parent=self).exec()

    def edit_staff(self) -> None:
        staff = self._selected_staff()
        if staff:
            StaffDialog(self.services, staff, parent=self).exec()

    def toggle_staff(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return
        self.services.ops.run(
            lambda ctx: staff_service.set_active(ctx, staff.id, active=not staff.active),
            parent=self)

    def reset_password(self) -> None:
        staff = self._selected_staff()
        if staff is None:
            return
        dialog = ResetPasswordDialog(self.services, staff, parent=self)
        if not dialog.exec() or dialog.saved is None:
            return
        message = (self.tr("{0} 的密码已重置，账号锁定已解除。下次登录时需要设置新密码。")
                   if dialog.saved.must_change_password
                   else self.tr("{0} 的密码已重置，账号锁定已解除。"))
        QMessageBox.information(self, self.tr("重置密码"),
                                rich_plain(message.format(staff.display_name)))

    def require_password_change(self) -> None:
        """Ask for a new password at the next sign-in; asked again, offer to lift that."""
        staff = self._selected_staff()
        if staff is None:
            return
        title = self.tr("要求改密码")
        required = True
        if staff.must_change_password:
            answer = QMessageBox.question(self, title, rich_plain(self.tr(
                "{0} 下次登录时已经需要设置新密码。取消这个要求吗？").format(staff.display_name)))
            if answer != QMessageBox.StandardButton.Yes:
                return
            required = False

        def done(_staff: StaffInfo) -> None:
            QMessageBox.information(self, title, rich_plain(
                (self.tr("{0} 下次登录时需要先设置新密码。") if required
                 else self.tr("已取消：{0} 下次登录时不必修改密码。")).format(staff.display_name)))

        self.services.ops.run(
            lambda ctx: staff_service.require_password_change(ctx, staff.id, required=required),
            parent=self, on_done=done)

    def add_chair(self) -> None:
        ChairDialog(self.services, None, self).exec()

    def edit_chair(self) -> None:
        chair = selected_record(self.chair_view)
        if isinstance(chair, ChairInfo):
            ChairDialog(self.services, chair, self).exec()


class ChairDialog(Dialog):
    def __init__(self, services: AppServices, chair: ChairInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑椅位") if chair else self.tr("新增椅位"), parent)
        self.services = services
        self.chair = chair
        form = QFormLayout()
        self.name = QLineEdit(chair.name if chair else "")
        self.note = QLineEdit(chair.note or "" if chair else "")
        self.active = QCheckBox(self.tr("启用"))
        self.active.setChecked(chair.active if chair else True)
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("说明"), self.note)
        if chair:
            form.addRow("", self.active)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {"name": self.name})
        self.add_buttons(self.tr("保存"), self.submit)

    def submit(self) -> None:
        name, note, active = self.name.text(), self.note.text(), self.active.isChecked()
        chair = self.chair

        def save(ctx: Context) -> ChairInfo:
            if chair is None:
                return chair_service.add_chair(ctx, name=name, note=note)
            return chair_service.update_chair(ctx, chair.id, name=name, note=note,
                                              active=active)

        self.services.ops.run(save, parent=self, errors=self.errors,
                              on_done=lambda _chair: self.accept())


SPEC = PageSpec(
    key="admin", title=lambda: QCoreApplication.translate("AdminPage", "员工与椅位"),
    icon=QStyle.StandardPixmap.SP_FileDialogDetailedView, permission=Permission.STAFF_MANAGE,
    factory=AdminPage, order=900,
)
