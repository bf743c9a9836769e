"""Connects the areas: which service hears which domain event, which scans the scheduler runs.

Imported once, lazily, by ``events.publish`` and by the scheduler, so every entry point (GUI,
CLI, tests) has the same wiring without remembering to set it up.
"""

from __future__ import annotations

from clinic_desktop.events import AppointmentChanged, TreatmentCompleted, TreatmentUndone, subscribe
from clinic_desktop.scheduler import SCANS
from clinic_desktop.services import care, care_sources, family

subscribe(TreatmentCompleted, care.on_treatment_completed)
subscribe(TreatmentUndone, care.on_treatment_undone)
subscribe(AppointmentChanged, care.on_appointment_changed)
SCANS.add("care.daily", care_sources.daily_scan)  # before raise_due: today's tasks are raised
SCANS.add("care.raise_due", lambda ctx: care.raise_due(ctx))
if care.open_recalls_by_patient not in family.open_recall_counters:
    family.open_recall_counters.append(care.open_recalls_by_patient)
