"""The patients behind a bar: who made up a procedure's, category's, doctor's or source's
figures in a period, capped and sorted in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission, contacts_for_all
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.breakdowns import (
    CATEGORY,
    DOCTOR,
    NONE_KEY,
    PROCEDURE,
    SOURCE,
    lines_in,
)
from clinic_desktop.services.insight.common import PATIENT_LIST_CAP, bounds_of, checked, yuan
from clinic_desktop.storage.models.clinical import Visit
from clinic_desktop.storage.models.patient import Patient

SORTS = ("revenue", "visits", "last_visit", "name")


@dataclass(frozen=True)
class BehindRow:
    patient_id: int
    code: str
    name: str
    phone: str | None
    visits: int  # visits in the period with a line of the bar
    revenue: Decimal  # those lines' net value
    last_visit: date


@dataclass(frozen=True)
class PatientsBehind:
    total: int  # every patient behind the bar (``rows`` stops at the cap)
    rows: tuple[BehindRow, ...]


def patients_behind(ctx: Context, period: Period, *, what: str, key: str,
                    sort: str = "revenue", limit: int = PATIENT_LIST_CAP) -> PatientsBehind:
    """``what`` is procedure, category, doctor or source; ``key`` the row's key ("" none)."""
    ctx.require(Permission.REPORTS_VIEW)
    ctx.require(Permission.PATIENT_VIEW)
    if what not in (PROCEDURE, CATEGORY, DOCTOR, SOURCE):
        raise UserError(_("无法按“{what}”查看患者。", what=what), field="what")
    if sort not in SORTS:
        raise UserError(_("排序方式“{sort}”无效。", sort=sort), field="sort")
    with ctx.transaction() as session:
        found = _behind(session, period, what, key, sort, max(1, min(limit, PATIENT_LIST_CAP)))
    return PatientsBehind(found.total, tuple(contacts_for_all(ctx, found.rows)))


def _behind(session: Session, period: Period, what: str, key: str, sort: str,
            limit: int) -> PatientsBehind:
    b = bounds_of(session, checked(period))
    lines = lines_in(session, b)
    query = select(lines.c.pid, lines.c.vid, lines.c.net)
    if what == SOURCE:
        query = query.join(Patient, Patient.id == lines.c.pid).where(
            func.coalesce(Patient.source, literal(NONE_KEY)) == key)
    elif what == DOCTOR:
        query = query.where(lines.c.did.is_(None) if key == NONE_KEY
                            else lines.c.did == int(key))
    else:
        column = lines.c.procedure if what == PROCEDURE else lines.c.category
        query = query.where(column == key)
    chosen = query.subquery("chosen")
    per = (select(chosen.c.pid, func.count(func.distinct(chosen.c.vid)).label("visits"),
                  func.sum(chosen.c.net).label("net"))
           .group_by(chosen.c.pid).subquery("per"))
    total = int(session.execute(select(func.count()).select_from(per)).scalar_one())
    last = (select(Visit.patient_id.label("pid"), func.max(Visit.visit_date).label("last"))
            .join(per, per.c.pid == Visit.patient_id)
            .where(b.has_day(Visit.visit_date)).group_by(Visit.patient_id).subquery("last"))
    order = {"revenue": (per.c.net.desc(), Patient.code), "visits": (per.c.visits.desc(),
                                                                      Patient.code),
             "last_visit": (last.c.last.desc(), Patient.code),
             "name": (Patient.name_pinyin, Patient.code)}[sort]
    rows = session.execute(
        select(Patient.id, Patient.code, Patient.name, Patient.mobile, per.c.visits, per.c.net,
               last.c.last)
        .join(per, per.c.pid == Patient.id).join(last, last.c.pid == Patient.id)
        .order_by(*order).limit(limit)).all()
    return PatientsBehind(total, tuple(
        BehindRow(pid, code, name, mobile, int(v), yuan(net), day)
        for pid, code, name, mobile, v, net, day in rows))
