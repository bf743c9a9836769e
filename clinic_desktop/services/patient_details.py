"""The patient form's save: the patient's details and their custom field values together.

One transaction each way, so a refused value leaves nothing behind: a new patient whose
custom value is refused is not created (no half-saved record for a retry to duplicate), and
an edit whose custom value is refused changes nothing (the form's version still holds).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm.exc import StaleDataError

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.services.consent import record_changes_in
from clinic_desktop.services.patients import (
    PatientInput,
    SavedPatient,
    concurrent_edit_error,
    create_patient_in,
    get_patient,
    update_patient_in,
)
from clinic_desktop.services.profile import set_custom_values_in


def save_new_patient(ctx: Context, data: PatientInput, *,
                     custom_values: Mapping[int, str] | None = None,
                     allow_duplicate: bool = False,
                     consent: Mapping[str, bool] | None = None) -> SavedPatient:
    """Create the patient with the custom values filled in (blank ones are not stored) and
    the channels ticked on the form as consent (``consent.record_changes_in``)."""
    ctx.require(Permission.PATIENT_EDIT)
    filled = {field_id: value for field_id, value in (custom_values or {}).items()
              if value.strip()}
    with ctx.transaction(write=True) as session:
        saved = create_patient_in(ctx, session, data, allow_duplicate=allow_duplicate)
        if filled:
            set_custom_values_in(ctx, session, saved.patient.id, filled)
        if consent:
            record_changes_in(ctx, session, saved.patient.id, consent, how="form")
        return saved


def save_patient_details(ctx: Context, patient_id: int, data: PatientInput, *, version: int,
                         custom_values: Mapping[int, str] | None = None,
                         consent: Mapping[str, bool] | None = None) -> SavedPatient:
    """Update the patient (``version`` as the form loaded it), set the custom values (a
    blank one clears the stored value) and record the consent ticks that changed."""
    ctx.require(Permission.PATIENT_EDIT)
    try:
        with ctx.transaction(write=True) as session:
            saved = update_patient_in(ctx, session, patient_id, data, version=version)
            if custom_values:
                set_custom_values_in(ctx, session, patient_id, dict(custom_values))
            if consent:
                record_changes_in(ctx, session, patient_id, consent, how="form")
            return saved
    except StaleDataError as exc:
        with ctx.transaction() as session:
            raise concurrent_edit_error(ctx, session, get_patient(session, patient_id)) from exc
