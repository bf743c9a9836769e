"""Add or edit a staff member; field errors are shown in place and nothing typed is lost."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from clinic_desktop.context import Context
from clinic_desktop.permissions import Role, role_label
from clinic_desktop.services import staff as staff_service
from clinic_desktop.services.staff import StaffInfo
from ui.app_services import AppServices
from ui.dialogs.base import Dialog
from ui.errors import FieldErrors
from ui.widgets.password_fields import length_placeholder


class StaffDialog(Dialog):
    def __init__(self, services: AppServices, existing: StaffInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("编辑员工") if existing else self.tr("新增员工"), parent)
        self.setObjectName("staffDialog")
        self.services = services
        self.existing = existing
        self.saved: StaffInfo | None = None
        form = QFormLayout()
        self.username = QLineEdit(existing.username if existing else "")
        self.username.setReadOnly(existing is not None)
        self.display_name = QLineEdit(existing.display_name if existing else "")
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role_label(role), role.value)
        self.role.setCurrentIndex(list(Role).index(existing.role if existing
                                                   else Role.RECEPTIONIST))
        self.is_doctor = QCheckBox(self.tr("出诊医生（在预约日历中显示一列）"))
        self.is_doctor.setChecked(bool(existing and existing.is_doctor))
        self.colour = QLineEdit(existing.colour or "" if existing else "")
        self.colour.setPlaceholderText("#3A7BD5")
        pick = QPushButton(self.tr("选择…"))
        pick.clicked.connect(self._pick_colour)
        colour_row = QWidget()
        row = QHBoxLayout(colour_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.colour, 1)
        row.addWidget(pick)
        self.phone = QLineEdit(existing.phone or "" if existing else "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("姓名"), self.display_name)
        form.addRow(self.tr("角色"), self.role)
        form.addRow("", self.is_doctor)
        form.addRow(self.tr("日历颜色"), colour_row)
        form.addRow(self.tr("电话"), self.phone)
        if existing is None:
            self.password.setPlaceholderText(length_placeholder())
            form.addRow(self.tr("初始密码"), self.password)
        self.body.addLayout(form)
        self.body.addWidget(self.error_label)
        self.errors = FieldErrors(self.error_label, {
            "username": self.username, "display_name": self.display_name, "role": self.role,
            "colour": self.colour, "password": self.password,
        })
        self.add_buttons(self.tr("保存"), self.submit)
        self.setMinimumWidth(440)

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour.text() or "#3A7BD5"), self)
        if colour.isValid():
            self.colour.setText(colour.name().upper())

    def submit(self) -> None:
        existing = self.existing
        username, display_name = self.username.text(), self.display_name.text()
        role, password = str(self.role.currentData()), self.password.text()
        is_doctor, colour, phone = (self.is_doctor.isChecked(), self.colour.text(),
                                    self.phone.text())

        def save(ctx: Context) -> StaffInfo:
            if existing is None:
                return staff_service.add_staff(
                    ctx, username=username, display_name=display_name, role=role,
                    password=password, is_doctor=is_doctor, colour=colour, phone=phone)
            return staff_service.update_staff(
                ctx, existing.id, version=existing.version, display_name=display_name,
                role=role, is_doctor=is_doctor, colour=colour, phone=phone,
                active=existing.active)

        self.services.ops.run(save, parent=self, errors=self.errors, on_done=self._saved)

    def _saved(self, staff: StaffInfo) -> None:
        self.saved = staff
        self.accept()
