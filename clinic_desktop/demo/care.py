"""Demo callbacks: the care plans run over the demo's recent visits, as if completed live."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.events import TreatmentCompleted
from clinic_desktop.services.care import on_treatment_completed, raise_due
from clinic_desktop.services.care_sources import daily_scan
from clinic_desktop.storage.models.clinical import Treatment, Visit


def seed_care(ctx: Context, *, days_back: int = 21) -> int:
    """Care tasks for visits of the last ``days_back`` days; returns how many are due now."""
    since = (ctx.now() - timedelta(days=days_back)).date()
    with ctx.transaction(write=True) as session:
        rows = session.execute(
            select(Visit.id, Visit.patient_id, Visit.visit_date, Treatment.id,
                   Treatment.procedure_type_id)
            .join(Treatment, Treatment.visit_id == Visit.id)
            .where(Visit.visit_date >= since)).all()
        for visit_id, patient_id, day, treatment_id, procedure_id in rows:
            treated = datetime.combine(day, time(3), UTC)  # late morning in the clinic
            on_treatment_completed(ctx, session, TreatmentCompleted(
                patient_id, visit_id, (treatment_id,),
                (procedure_id,) if procedure_id else (), treated, imported=True))
    daily_scan(ctx)
    return raise_due(ctx)
