"""Connects the areas: which service hears which domain event, which scans the scheduler runs.

Imported once, lazily, by ``events.publish`` and by the scheduler, so every entry point (GUI,
CLI, tests) has the same wiring without remembering to set it up.
"""

from __future__ import annotations

from clinic_desktop.events import (
    AppointmentChanged,
    MoneyRecorded,
    TreatmentCompleted,
    TreatmentUndone,
    subscribe,
)
from clinic_desktop.scheduler import SCANS
from clinic_desktop.services import auto_messages, care, care_sources, family
from clinic_desktop.services.insight import day_cache
from clinic_desktop.services.loyalty import jobs as loyalty_jobs
from clinic_desktop.services.platform import backup_schedule

subscribe(TreatmentCompleted, care.on_treatment_completed)
subscribe(TreatmentUndone, care.on_treatment_undone)
# Automatic reminders first: the care area then leaves out the call tasks they replace.
subscribe(AppointmentChanged, auto_messages.on_appointment_changed)
subscribe(AppointmentChanged, care.on_appointment_changed)
subscribe(TreatmentCompleted, auto_messages.on_treatment_completed)
# Package uses, birthday points and referral rewards land with the visit; points and tiers
# with the money.
subscribe(TreatmentCompleted, loyalty_jobs.on_treatment_completed)
subscribe(TreatmentUndone, loyalty_jobs.on_treatment_undone)
subscribe(MoneyRecorded, loyalty_jobs.on_money_recorded)
SCANS.add("care.daily", care_sources.daily_scan)  # before raise_due: today's tasks are raised
SCANS.add("loyalty.nightly", loyalty_jobs.nightly)  # before raise_due: its tasks are raised
# After the day's birthday tasks, before raise_due: what becomes a message is never raised.
SCANS.add("messages.auto", auto_messages.scan)
SCANS.add("care.raise_due", lambda ctx: care.raise_due(ctx))
SCANS.add("insight.warm", day_cache.warm)  # a week of the dashboard's days at a time
SCANS.add("backup.nightly", backup_schedule.nightly_backup)  # last: a copy of the night's work
if care.open_recalls_by_patient not in family.open_recall_counters:
    family.open_recall_counters.append(care.open_recalls_by_patient)
