"""The audited click that shows one patient's phone and ID numbers in full.

Which records carry numbers, how they are masked and for whom is decided in ``permissions``
(``CONTACT_FIELDS``, ``Permission.CONTACT_FULL``, ``contacts_for``); ``reveal_contact`` is the
only way a role without CONTACT_FULL sees a whole number: one patient at a time, each time with
an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_desktop.context import Context
from clinic_desktop.errors import NotFound
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.storage.models.patient import Patient

REVEAL_ACTION = "contact.reveal"


@dataclass(frozen=True)
class RevealedContact:
    """One patient's numbers in full, after an audited click."""

    patient_id: int
    code: str
    name: str
    mobile: str | None
    phone2: str | None
    id_number: str | None
    emergency_phone: str | None


def reveal_contact(ctx: Context, patient_id: int) -> RevealedContact:
    """The full phone and ID numbers of one patient, with a ``contact.reveal`` audit entry:
    the explicit click ("显示") by which a role that sees them masked reads them."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction(write=True) as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFound(_("找不到该患者（编号 {id}）。", id=patient_id))
        ctx.audit(session, REVEAL_ACTION, "patient", patient.id, patient.code)
        return RevealedContact(patient.id, patient.code, patient.name, patient.mobile,
                               patient.phone2, patient.id_number, patient.emergency_phone)


__all__ = ["REVEAL_ACTION", "RevealedContact", "reveal_contact"]
