"""Demo consent: what the demo's patients said about messages on their registration form —
most agreed to WeChat, fewer to SMS, a few to e-mail, some refused SMS and a handful
refused everything — written in bulk as the statements ``services.consent`` records."""

from __future__ import annotations

import random

from sqlalchemy import insert, select

from clinic_desktop.context import Context
from clinic_desktop.storage.models.messaging import ContactConsent
from clinic_desktop.storage.models.patient import Patient

# (channel, granted, share of patients)
STATEMENTS = (("wechat", True, 0.75), ("sms", True, 0.55), ("email", True, 0.15),
              ("sms", False, 0.05), ("all", False, 0.02))


def seed_consent(ctx: Context, rng: random.Random) -> int:
    rows = []
    with ctx.transaction(write=True) as session:
        for pid, created in session.execute(select(Patient.id, Patient.created_at)):
            said: set[str] = set()
            for channel, granted, share in STATEMENTS:
                if channel not in said and rng.random() < share:
                    said.add(channel)
                    rows.append({"patient_id": pid, "channel": channel, "granted": granted,
                                 "at": created, "how": "form", "note": "",
                                 "recorded_by": ctx.actor.staff_id})
        if rows:
            session.execute(insert(ContactConsent), rows)
    return len(rows)
