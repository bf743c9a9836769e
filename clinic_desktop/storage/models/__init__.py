"""Every model module, imported so ``Base.metadata`` is complete (Alembic relies on it)."""

from clinic_desktop.storage.models import (
    audit,
    care,
    clinical,
    engagement,
    imports,
    insight,
    loyalty,
    messaging,
    patient,
    schedule,
    settings,
    staff,
)

__all__ = [
    "audit",
    "care",
    "clinical",
    "engagement",
    "imports",
    "insight",
    "loyalty",
    "messaging",
    "patient",
    "schedule",
    "settings",
    "staff",
]
