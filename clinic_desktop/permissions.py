"""Roles and what each may do: the one place the permission sets are defined.

Services check these (``Context.require``); the GUI only hides what a role cannot use.
"""

from __future__ import annotations

from enum import StrEnum

from clinic_desktop.i18n import _


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    MANAGER = "manager"
    DOCTOR = "doctor"
    NURSE = "nurse"
    RECEPTIONIST = "receptionist"


class Permission(StrEnum):
    STAFF_MANAGE = "staff.manage"
    CHAIRS_MANAGE = "chairs.manage"
    SETTINGS_MANAGE = "settings.manage"
    AUDIT_VIEW = "audit.view"
    CATALOGUE_MANAGE = "catalogue.manage"
    PATIENT_VIEW = "patient.view"
    PATIENT_EDIT = "patient.edit"
    PATIENT_MERGE = "patient.merge"
    PATIENT_ARCHIVE = "patient.archive"
    CLINICAL_VIEW = "clinical.view"
    CLINICAL_EDIT = "clinical.edit"
    BILLING_VIEW = "billing.view"
    BILLING_EDIT = "billing.edit"
    APPOINTMENT_VIEW = "appointment.view"
    APPOINTMENT_EDIT = "appointment.edit"
    APPOINTMENT_OVERRIDE = "appointment.override"
    SCHEDULE_MANAGE = "schedule.manage"
    CARE_VIEW = "care.view"
    CARE_WORK = "care.work"
    CARE_PLANS_MANAGE = "care.plans.manage"
    MESSAGES_SEND = "messages.send"
    IMPORT_RUN = "import.run"
    EXPORT_RUN = "export.run"
    REPORTS_VIEW = "reports.view"


_FRONT_DESK = {
    Permission.PATIENT_VIEW, Permission.PATIENT_EDIT, Permission.BILLING_VIEW,
    Permission.BILLING_EDIT, Permission.APPOINTMENT_VIEW, Permission.APPOINTMENT_EDIT,
    Permission.CARE_VIEW, Permission.CARE_WORK, Permission.MESSAGES_SEND,
}
_CLINICAL = {Permission.CLINICAL_VIEW, Permission.CLINICAL_EDIT}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(Permission),
    Role.MANAGER: frozenset(
        _FRONT_DESK | _CLINICAL | {
            Permission.PATIENT_MERGE, Permission.PATIENT_ARCHIVE, Permission.APPOINTMENT_OVERRIDE,
            Permission.SCHEDULE_MANAGE, Permission.CARE_PLANS_MANAGE, Permission.IMPORT_RUN,
            Permission.EXPORT_RUN, Permission.REPORTS_VIEW, Permission.AUDIT_VIEW,
            Permission.CATALOGUE_MANAGE, Permission.CHAIRS_MANAGE,
        }
    ),
    Role.DOCTOR: frozenset(
        _FRONT_DESK | _CLINICAL | {Permission.APPOINTMENT_OVERRIDE}
    ),
    Role.NURSE: frozenset(_FRONT_DESK | {Permission.CLINICAL_VIEW}),
    Role.RECEPTIONIST: frozenset(_FRONT_DESK),
}


def role_label(role: Role | str) -> str:
    labels = {
        Role.ADMINISTRATOR: _("管理员"),
        Role.MANAGER: _("经理"),
        Role.DOCTOR: _("医生"),
        Role.NURSE: _("护士"),
        Role.RECEPTIONIST: _("前台"),
    }
    return labels[Role(role)]


def permissions_of(role: Role | str) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[Role(role)]


def has_permission(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]
