"""Roles and what each may do: the one place the permission sets are defined.

Services check these (``Context.require``); the GUI only hides what a role cannot use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from clinic_desktop.i18n import _
from clinic_desktop.rules.masking import mask_id_card, mask_phone

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    _Record = TypeVar("_Record", bound=DataclassInstance)
else:
    _Record = TypeVar("_Record")


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
    LOYALTY_MANAGE = "loyalty.manage"  # tiers, plans, packages, coupon types, loyalty rules
    CAMPAIGN_RUN = "campaign.run"  # save segments, act on a segment's patients
    CONTACT_FULL = "contact.full"  # patients' phone and ID numbers in full (see CONTACT_FIELDS)


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
            Permission.CATALOGUE_MANAGE, Permission.CHAIRS_MANAGE, Permission.LOYALTY_MANAGE,
            Permission.CAMPAIGN_RUN, Permission.CONTACT_FULL,
        }
    ),
    Role.DOCTOR: frozenset(
        _FRONT_DESK | _CLINICAL | {Permission.APPOINTMENT_OVERRIDE}
    ),
    Role.NURSE: frozenset(_FRONT_DESK | {Permission.CLINICAL_VIEW}),
    Role.RECEPTIONIST: frozenset(_FRONT_DESK),
}

# -- clinical data ----------------------------------------------------------------------------
# What is clinical: read only with CLINICAL_VIEW, written only with CLINICAL_EDIT (README: the
# receptionist sees identity, contacts, appointments, billing, callbacks and the allergy banner,
# never clinical notes, treatments or X-rays). The services enforce it, not the GUI.
#
# Read models every patient-facing role receives, and the fields a service blanks in them for a
# role without CLINICAL_VIEW (``without_clinical``; the record's ``clinical_hidden`` then says so,
# so the GUI can show "无权查看" rather than an empty value). Writing a non-empty value into one
# of them needs CLINICAL_EDIT; a role without it that sends the blank it was shown keeps what is
# stored (a receptionist saving the patient form neither sees nor wipes the note).
CLINICAL_FIELDS: dict[str, frozenset[str]] = {
    "PatientRecord": frozenset({"notes"}),  # 备注: the doctor's note on the patient
    "MedicalInfo": frozenset({"conditions", "past_history", "family_history", "chief_complaint"}),
    "VisitRecord": frozenset({"notes"}),  # 病历摘要 of a visit
    "TreatmentLine": frozenset({"notes"}),  # the clinical note on a treatment line
}
# Safety fields are not clinical secrets: every role sees them (the allergy banner on the panel,
# the ⚠ in search results, the calendar and the callback list).
SAFETY_FIELDS: dict[str, frozenset[str]] = {
    "MedicalInfo": frozenset({"allergies", "allergy_notes"}),
}
# Whole records that only CLINICAL_VIEW receives (the panel's "medical", "treatments",
# "attachments" and "notes" sections; ``attachments_of``; ``export_visits``): the treatment
# history with its sites and notes, visit notes in the timeline, X-rays, photos and scans.
# What a visit *charged* (procedure names and amounts on the ledger and the timeline) is billing,
# seen with BILLING_VIEW. Undoing a visit or removing an attachment destroys clinical records and
# needs CLINICAL_EDIT; filing one (a scan dropped on the panel at the desk) needs PATIENT_EDIT
# only, as it shows the one filing it nothing new.
CLINICAL_RECORDS = frozenset({"TreatmentRow", "AttachmentInfo"})
# Permissions that read or write clinical data wholesale (an export of every patient's notes, an
# import or a merge that writes notes, visits and allergies): a role may hold them only together
# with the clinical permission named here. The permission tests check the role table keeps this.
NEEDS_CLINICAL: dict[Permission, Permission] = {
    Permission.EXPORT_RUN: Permission.CLINICAL_VIEW,
    Permission.IMPORT_RUN: Permission.CLINICAL_EDIT,
    Permission.PATIENT_MERGE: Permission.CLINICAL_EDIT,
}


def without_clinical(record: _Record) -> _Record:
    """``record`` with its ``CLINICAL_FIELDS`` blanked and ``clinical_hidden`` set."""
    names = CLINICAL_FIELDS[type(record).__name__]
    blanks: dict[str, Any] = {name: "" for name in names}
    return dataclasses.replace(record, clinical_hidden=True, **blanks)


# -- phone and ID numbers --------------------------------------------------------------------
# Shown in full only with CONTACT_FULL (the issue "Sessions and screens": 138****5678 in the lists
# and the callback list for roles that do not need the whole number; the full one on an explicit,
# audited click, ``services.contacts.reveal_contact``). Administrator and manager hold it: they
# import, export, merge and reconcile, and match people by number. Doctor, nurse and receptionist
# do not: they call a patient one at a time from a list, and one click (audited) shows that
# patient's number, so a screen, a photo of it or a printout never carries every number.
#
# The read models that carry a patient's number, and the fields a service masks in them for a
# role without CONTACT_FULL (``masked_contacts``; ``id_number`` as an ID card, the rest as
# phones). The services mask, not the GUI; they keep the raw number where they need it (sending
# a message, duplicate checks, search: a number typed in full still finds its patient). A form
# that sends back the masked value it was shown keeps the stored number (``patients``).
# The test of this table scans the services for records with such fields: a new one is either
# listed here or exempted there with its reason (staff and clinic phones are not patients').
CONTACT_FIELDS: dict[str, frozenset[str]] = {
    "PatientRecord": frozenset({"mobile", "phone2", "emergency_phone", "id_number"}),
    "PatientHit": frozenset({"mobile"}),  # search results, today's / recent patients
    "DuplicateMatch": frozenset({"mobile"}),
    "FamilyMember": frozenset({"mobile"}),
    "AppointmentView": frozenset({"patient_mobile"}),  # calendar blocks, tooltips, day sheet
    "MoveProposal": frozenset({"patient_mobile"}),
    "WaitlistItem": frozenset({"mobile"}),
    "CallbackItem": frozenset({"phone"}),
    "OutboxInfo": frozenset({"recipient"}),  # a mobile (sms, manual); an e-mail address is kept
    "ComplaintRow": frozenset({"phone"}),
    "BehindRow": frozenset({"phone"}),
    "RfmRow": frozenset({"phone"}),
    "SegmentRow": frozenset({"phone"}),
    "ReferrerRow": frozenset({"phone"}),
    "ClinicBalance": frozenset({"phone"}),
}
ID_CARD_FIELDS = frozenset({"id_number"})


def mask_contact(name: str, value: str | None) -> str | None:
    """One field's value masked as ``CONTACT_FIELDS`` says (None stays None)."""
    if value is None:
        return None
    return mask_id_card(value) if name in ID_CARD_FIELDS else mask_phone(value)


def masked_contacts(record: _Record) -> _Record:
    """``record`` with its ``CONTACT_FIELDS`` masked (138****5678, 3502**********1234)."""
    names = CONTACT_FIELDS[type(record).__name__]
    masked: dict[str, Any] = {name: mask_contact(name, getattr(record, name)) for name in names}
    return dataclasses.replace(record, **masked)


class _Acting(Protocol):
    """Who reads: a ``Context`` (not imported here, it imports this module)."""

    def can(self, permission: Permission) -> bool: ...


def contacts_for(who: _Acting, record: _Record) -> _Record:
    """``record`` as the acting role may see it: masked without CONTACT_FULL."""
    return record if who.can(Permission.CONTACT_FULL) else masked_contacts(record)


def contacts_for_all(who: _Acting, records: Iterable[_Record]) -> list[_Record]:
    """``contacts_for`` over a list (one permission check for all)."""
    if who.can(Permission.CONTACT_FULL):
        return list(records)
    return [masked_contacts(r) for r in records]


def _as_stored(value: str | None) -> str | None:
    return value


def _phone_masked(value: str | None) -> str | None:
    return None if value is None else mask_phone(value)


def phone_for(who: _Acting) -> Callable[[str | None], str | None]:
    """How a phone number reads for the acting role, for rows built one by one (ten thousand
    callback rows, an export): a ``replace`` per row would cost more than the read itself."""
    return _as_stored if who.can(Permission.CONTACT_FULL) else _phone_masked


def role_label(role: Role | str) -> str:
    labels = {
        Role.ADMINISTRATOR: _("管理员"),
        Role.MANAGER: _("经理"),
        Role.DOCTOR: _("医生"),
        Role.NURSE: _("护士"),
        Role.RECEPTIONIST: _("前台"),
    }
    return labels[Role(role)]


def has_permission(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]
