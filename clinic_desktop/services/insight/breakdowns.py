"""Revenue, visits and patients by procedure, category, source channel and doctor.

A visit's charge is one ledger entry, so what each line brought is read from its treatment
line: the line's amount less its share of the visit's discounts (tier, coupon, points — the
discount entries tied to the visit, shared in proportion to the lines' amounts, in whole fen).
Lines of visits dated in the period count; a discount given on the balance, not on a visit,
is in the summary's revenue but in no line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Subquery, and_, case, func, literal, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.common import (
    Bounds,
    bounds_of,
    checked,
    fen,
    first_days,
    per,
    rate,
    yuan,
)
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.engagement import Feedback
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.staff import Staff

# What a bar stands for (``patients_behind`` takes the same names).
PROCEDURE, CATEGORY, SOURCE, DOCTOR = "procedure", "category", "source", "doctor"
NONE_KEY = ""  # no category, no source, no doctor


@dataclass(frozen=True)
class BreakdownRow:
    key: str  # procedure name, category, source, doctor id ("" for none)
    name: str  # shown
    revenue: Decimal
    visits: int
    patients: int

    @property
    def average_ticket(self) -> Decimal:
        return per(self.revenue, self.visits)


@dataclass(frozen=True)
class DoctorRow:
    key: str  # staff id ("" for visits without a doctor)
    name: str
    revenue: Decimal
    visits: int
    patients: int
    new_patients: int  # seen by the doctor, first seen at the clinic in the period
    returning_patients: int
    satisfaction: float | None  # mean score of feedback in the period from their patients
    satisfaction_count: int

    @property
    def average_ticket(self) -> Decimal:
        return per(self.revenue, self.visits)

    @property
    def repeat_rate(self) -> float:
        return rate(self.returning_patients, self.patients)


def none_label(what: str) -> str:
    return {CATEGORY: _("未分类"), SOURCE: _("未填写来源"), DOCTOR: _("未指定医生")}.get(what, "-")


def lines_in(session: Session, b: Bounds) -> Subquery:
    """One row per treatment line of a visit in the period: vid, pid, did, procedure,
    category, high_value, net (fen, after the visit's discounts)."""
    visits = (select(Visit.id.label("vid"), Visit.patient_id.label("pid"),
                     Visit.doctor_id.label("did"))
              .where(b.has_day(Visit.visit_date)).subquery("pv"))
    totals = (select(Treatment.visit_id.label("vid"), func.sum(fen(Treatment.amount)).label("t"))
              .join(visits, visits.c.vid == Treatment.visit_id)
              .group_by(Treatment.visit_id).subquery("vt"))
    discounts = (select(LedgerEntry.visit_id.label("vid"),
                        func.sum(fen(LedgerEntry.amount)).label("d"))
                 .join(visits, visits.c.vid == LedgerEntry.visit_id)
                 .where(LedgerEntry.kind == "discount")
                 .group_by(LedgerEntry.visit_id).subquery("vd"))
    amount = fen(Treatment.amount)
    share = case((totals.c.t > 0, amount * func.coalesce(discounts.c.d, 0) / totals.c.t),
                 else_=0)
    return (select(visits.c.vid, visits.c.pid, visits.c.did,
                   Treatment.procedure_name.label("procedure"),
                   func.coalesce(ProcedureType.category, literal(NONE_KEY)).label("category"),
                   func.coalesce(ProcedureType.high_value, False).label("high_value"),
                   (amount - share).label("net"))
            .join(Treatment, Treatment.visit_id == visits.c.vid)
            .join(totals, totals.c.vid == visits.c.vid)
            .outerjoin(discounts, discounts.c.vid == visits.c.vid)
            .outerjoin(ProcedureType, ProcedureType.id == Treatment.procedure_type_id)
            .subquery("lines"))


def grouped_in(session: Session, period: Period, what: str) -> list[BreakdownRow]:
    b = bounds_of(session, checked(period))
    lines = lines_in(session, b)
    if what == SOURCE:
        key = func.coalesce(Patient.source, literal(NONE_KEY))
        query = select(key.label("k"), lines).join(Patient, Patient.id == lines.c.pid)
        inner = query.subquery("keyed")
    else:
        column = {PROCEDURE: lines.c.procedure, CATEGORY: lines.c.category}[what]
        inner = select(column.label("k"), lines).subquery("keyed")
    rows = session.execute(
        select(inner.c.k, func.sum(inner.c.net), func.count(func.distinct(inner.c.vid)),
               func.count(func.distinct(inner.c.pid)))
        .group_by(inner.c.k)).all()
    found = [BreakdownRow(str(k), str(k) if k else none_label(what), yuan(net), int(v), int(n))
             for k, net, v, n in rows]
    return sorted(found, key=lambda r: (-r.revenue, -r.visits, r.name))


def by_procedure(ctx: Context, period: Period) -> list[BreakdownRow]:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return grouped_in(session, period, PROCEDURE)


def by_category(ctx: Context, period: Period) -> list[BreakdownRow]:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return grouped_in(session, period, CATEGORY)


def by_source(ctx: Context, period: Period) -> list[BreakdownRow]:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return grouped_in(session, period, SOURCE)


def breakdowns_in(session: Session, period: Period) -> dict[str, list[BreakdownRow]]:
    return {what: grouped_in(session, period, what) for what in (PROCEDURE, CATEGORY, SOURCE)}


def doctor_ranking(ctx: Context, period: Period) -> list[DoctorRow]:
    """Doctors by revenue in the period (see ``DoctorRow``)."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return doctors_in(session, period)


def doctors_in(session: Session, period: Period) -> list[DoctorRow]:
    b = bounds_of(session, checked(period))
    lines = lines_in(session, b)
    money = dict(session.execute(select(lines.c.did, func.sum(lines.c.net))
                                 .group_by(lines.c.did)).all())
    firsts = first_days()
    seen = (select(Visit.id.label("vid"), Visit.patient_id.label("pid"),
                   Visit.doctor_id.label("did"), firsts.c.first.label("first"))
            .outerjoin(firsts, firsts.c.pid == Visit.patient_id)
            .where(b.has_day(Visit.visit_date)).subquery("seen"))
    counts = session.execute(
        select(seen.c.did, func.count(seen.c.vid), func.count(func.distinct(seen.c.pid)),
               func.count(func.distinct(case((seen.c.first >= period.first, seen.c.pid)))),
               func.count(func.distinct(case((seen.c.first < period.first, seen.c.pid)))))
        .group_by(seen.c.did)).all()
    pairs = select(seen.c.did, seen.c.pid).distinct().subquery("pairs")
    scores = {did: (float(avg), int(n)) for did, avg, n in session.execute(
        select(pairs.c.did, func.avg(Feedback.satisfaction), func.count(Feedback.id))
        .join(Feedback, and_(Feedback.patient_id == pairs.c.pid, b.has(Feedback.at),
                             Feedback.satisfaction.is_not(None)))
        .group_by(pairs.c.did))}
    names = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    found = []
    for did, visits, patients, new, returning in counts:
        score = scores.get(did)
        found.append(DoctorRow(
            "" if did is None else str(did),
            names.get(did, none_label(DOCTOR)) if did is not None else none_label(DOCTOR),
            yuan(money.get(did)), int(visits), int(patients), int(new), int(returning),
            round(score[0], 2) if score else None, score[1] if score else 0))
    return sorted(found, key=lambda r: (-r.revenue, -r.visits, r.name))
