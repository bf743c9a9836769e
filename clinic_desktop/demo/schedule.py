"""Demo working hours, time off and an appointment book: past weeks, today, coming weeks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from clinic_desktop.context import Context
from clinic_desktop.services.schedule import add_time_off, default_hours, set_working_hours
from clinic_desktop.services.staff import list_doctors
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import (
    Appointment,
    AppointmentEvent,
    AppointmentProcedure,
)
from clinic_desktop.storage.models.staff import Chair

CHANNELS = ("phone", "wechat", "walk_in", "mini_program", "meituan", "referral")


def seed_schedule(ctx: Context, rng: random.Random, *, days_back: int = 21,
                  days_ahead: int = 21) -> int:
    """Hours for every doctor, a few days off, and a realistic book; returns bookings made."""
    zone = ZoneInfo("Asia/Shanghai")
    doctors = list_doctors(ctx)
    if not doctors:
        return 0
    for index, doctor in enumerate(doctors):
        hours = default_hours()
        if index % 3 == 2:  # some doctors take Wednesday off
            hours = [s for s in hours if s.weekday != 2]
        set_working_hours(ctx, doctor.id, hours)
    today = ctx.now().astimezone(zone).date()
    leave_day = today + timedelta(days=3)
    add_time_off(ctx, doctors[-1].id, start=datetime.combine(leave_day, time(8), zone),
                 end=datetime.combine(leave_day, time(19), zone), kind="leave", reason="年假")
    add_time_off(ctx, doctors[0].id, start=datetime.combine(today, time(16), zone),
                 end=datetime.combine(today, time(17, 30), zone), kind="meeting",
                 reason="病例讨论会")
    now = ctx.now()
    with ctx.transaction(write=True) as session:
        patients = list(session.execute(select(Patient.id).limit(2000)).scalars())
        procedures = list(session.execute(
            select(ProcedureType.id, ProcedureType.default_minutes)).all())
        chairs = list(session.execute(select(Chair.id).where(Chair.active.is_(True))
                                      .order_by(Chair.sort_order)).scalars())
        if not patients or not procedures:
            return 0
        rows, links, events = [], [], []
        next_id = (session.execute(select(Appointment.id).order_by(Appointment.id.desc())
                                   .limit(1)).scalar_one_or_none() or 0) + 1
        busy_patients: set[tuple[int, object]] = set()
        for offset in range(-days_back, days_ahead + 1):
            day = today + timedelta(days=offset)
            if day.weekday() == 6:
                continue
            for d_index, doctor in enumerate(doctors):
                if day.weekday() == 2 and d_index % 3 == 2 or day == leave_day and \
                        doctor.id == doctors[-1].id:
                    continue
                for span_start, span_end in ((time(9), time(12)), (time(13, 30), time(18))):
                    cursor = datetime.combine(day, span_start, zone)
                    end_of_span = datetime.combine(day, span_end, zone)
                    while True:
                        cursor += timedelta(minutes=rng.choice((0, 0, 10, 20, 30)))
                        proc_id, minutes = rng.choice(procedures)
                        minutes = max(20, min(minutes, 90))
                        end = cursor + timedelta(minutes=minutes)
                        if end > end_of_span:
                            break
                        if day == today and doctor.id == doctors[0].id and \
                                cursor.time() >= time(15, 30):
                            break  # the meeting
                        if rng.random() < 0.25:  # a free gap
                            cursor = end
                            continue
                        patient = rng.choice(patients)
                        if (patient, day) in busy_patients:
                            cursor = end
                            continue
                        busy_patients.add((patient, day))
                        start_utc, end_utc = cursor.astimezone(UTC), end.astimezone(UTC)
                        status = _status(rng, end_utc, now, today=day == today)
                        rows.append({
                            "id": next_id, "patient_id": patient, "doctor_id": doctor.id,
                            "chair_id": chairs[d_index % len(chairs)] if chairs else None,
                            "start": start_utc, "end": end_utc, "status": status,
                            "channel": rng.choice(CHANNELS), "notes": "",
                            "override_reason": None,
                            "cancel_reason": "患者临时有事" if status == "cancelled" else None,
                            "visit_id": None, "created_by": ctx.actor.staff_id,
                            "created_at": start_utc - timedelta(days=rng.randrange(1, 20)),
                            "updated_by": ctx.actor.staff_id, "updated_at": now,
                            "version": 1})
                        links.append({"appointment_id": next_id, "procedure_type_id": proc_id,
                                      "position": 0})
                        events.append({"appointment_id": next_id, "at": now,
                                       "staff_id": ctx.actor.staff_id,
                                       "staff_name": ctx.actor.display_name,
                                       "action": "created", "from_status": None,
                                       "to_status": "booked", "detail": "演示数据"})
                        next_id += 1
                        cursor = end
        for table, batch in ((Appointment, rows), (AppointmentProcedure, links),
                             (AppointmentEvent, events)):
            if batch:
                session.execute(insert(table).execution_options(render_nulls=True), batch)
        ctx.audit(session, "demo.seed", "appointment", None, f"{len(rows)} demo appointments")
        return len(rows)


def _status(rng: random.Random, end: datetime, now: datetime, *, today: bool) -> str:
    if end < now:
        return rng.choices(("completed", "no_show", "cancelled"), weights=(88, 5, 7))[0]
    if end - now < timedelta(hours=10) and today:  # arrived only on the booking's day
        return rng.choices(("confirmed", "arrived", "in_treatment", "booked", "cancelled"),
                           weights=(40, 10, 5, 40, 5))[0]
    return rng.choices(("booked", "confirmed", "cancelled"), weights=(70, 25, 5))[0]
