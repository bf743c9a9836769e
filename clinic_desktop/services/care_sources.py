"""Daily task sources: birthday greetings and win-back calls for dormant patients.

Run by the scheduler, at most once per clinic day (the last day done is a setting); after
the app was closed, the days missed (up to a week) are caught up, each task once — the
dedupe keys carry the year (birthdays) or the last visit (one win-back per dormancy).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.loyalty.coupons import rule_coupon_in
from clinic_desktop.services.loyalty.rules import LoyaltyRules, rules_in
from clinic_desktop.storage.models.care import CareTask
from clinic_desktop.storage.models.clinical import Visit
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import Appointment

CATCH_UP_DAYS = 7


def _birthday_in(year: int, birth: date) -> date:
    if birth.month == 2 and birth.day == 29:
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return birth.replace(year=year)


def daily_scan(ctx: Context) -> int:
    """Create the day's birthday and win-back tasks (and any missed days'); returns how many."""
    created = 0
    with ctx.transaction(write=True) as session:
        zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
        today = ctx.now().astimezone(zone).date()
        last = read_setting(session, "care.daily_scan_done", None)
        first = max(date.fromisoformat(last) + timedelta(days=1) if last else today,
                    today - timedelta(days=CATCH_UP_DAYS))
        if first > today:
            return 0
        days_before = int(read_setting(session, "care.birthday_days_before", 0))
        rules = rules_in(session, today)  # the loyalty rules: coupons given with the tasks
        dormant_months = int(read_setting(session, "care.dormant_months", 12))
        known = set(session.execute(select(CareTask.dedupe_key).where(
            CareTask.source.in_(("birthday", "dormant")))).scalars())
        day = first
        while day <= today:
            target = day + timedelta(days=days_before)
            candidates = [target.strftime("%m-%d")]
            if target.month == 2 and target.day == 28:
                candidates.append("02-29")  # leap-day birthdays are greeted on Feb 28
            rows = session.execute(select(Patient.id, Patient.birth_date).where(
                Patient.archived.is_(False), Patient.birth_date.is_not(None),
                func.substr(cast(Patient.birth_date, String), 6, 5).in_(candidates))).all()
            for pid, birth in rows:
                if birth is None or _birthday_in(target.year, birth) != target:
                    continue
                key = f"birthday:{pid}:{target.year}"
                if key in known:
                    continue
                known.add(key)
                coupon = rule_coupon_in(ctx, session, pid, source="birthday",
                                        coupon_type_id=rules.birthday_coupon_type_id)
                title = _("生日问候（已发生日优惠券 {code}）", code=coupon.code) if coupon \
                    else _("生日问候")
                session.add(CareTask(
                    patient_id=pid, kind="birthday", title=title, source="birthday",
                    source_id=pid, dedupe_key=key, assigned_role="receptionist", priority=3,
                    window_days=0, due_at=datetime.combine(day, time(9), zone),
                    created_at=ctx.now()))
                created += 1
            day += timedelta(days=1)
        created += _dormant(session, ctx, today, dormant_months, zone, known, rules)
        write_setting(session, "care.daily_scan_done", today.isoformat())
    return created


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, 28))


def _dormant(session: Session, ctx: Context, today: date, months: int, zone: ZoneInfo,
             known: set[str], rules: LoyaltyRules) -> int:
    cutoff = _months_before(today, months)
    last_visit = (select(Visit.patient_id, func.max(Visit.visit_date).label("last"))
                  .group_by(Visit.patient_id).subquery())
    upcoming = select(Appointment.patient_id).where(
        Appointment.start >= ctx.now(), Appointment.status.in_(("booked", "confirmed")))
    # Nobody can call five hundred lapsed patients in a day: a few each day, those who
    # lapsed most recently first (the likeliest to come back).
    limit = int(read_setting(session, "care.dormant_daily_limit", 20))
    rows = session.execute(
        select(last_visit.c.patient_id, last_visit.c.last)
        .join(Patient, Patient.id == last_visit.c.patient_id)
        .where(last_visit.c.last < cutoff, Patient.archived.is_(False),
               Patient.merged_into_id.is_(None), last_visit.c.patient_id.not_in(upcoming))
        .order_by(last_visit.c.last.desc())
    ).all()
    created = 0
    for pid, last in rows:
        if created >= limit:
            break
        key = f"dormant:{pid}:{last}"
        if key in known:
            continue
        known.add(key)
        coupon = rule_coupon_in(ctx, session, pid, source="winback",
                                coupon_type_id=rules.winback_coupon_type_id)
        title = _("久未到诊回访（上次就诊 {day}）", day=str(last))
        if coupon is not None:
            title = _("久未到诊回访（上次就诊 {day}，已发优惠券 {code}）", day=str(last),
                      code=coupon.code)
        session.add(CareTask(
            patient_id=pid, kind="reactivation",
            title=title, source="dormant",
            source_id=pid, dedupe_key=key, assigned_role="receptionist", priority=3,
            window_days=0, due_at=datetime.combine(today, time(10), zone),
            created_at=ctx.now()))
        created += 1
    return created
