"""Revenue, visits and patients by procedure, category, source channel and doctor.

A visit's charge is one ledger entry, so what each line brought is read from its treatment
line: the line's amount less its share of the visit's discounts (tier, coupon, points — the
discount entries tied to the visit, shared in proportion to the lines' amounts, in whole fen).
Lines of visits dated in the period count; a discount given on the balance, not on a visit,
is in the summary's revenue but in no line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
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
    per,
    rate,
    seen_in,
    visit_day,
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


def lines_in(session: Session, b: Bounds, *, with_source: bool = False) -> Subquery:
    """One row per treatment line of a visit in the period: vid, pid, did, procedure,
    category, high_value, net (fen, after the visit's discounts), and with ``with_source``
    the patient's source ("" none)."""
    return _lines(b, with_source).subquery("lines")


def _in_period(b: Bounds) -> ColumnElement[bool]:
    """The visit is dated in the period, read the cheaper way for its length
    (``common.visit_day``)."""
    return b.has_day(visit_day(b))


def _lines(b: Bounds, with_source: bool) -> Select[Any]:
    visits = (select(Visit.id.label("vid"), Visit.patient_id.label("pid"),
                     Visit.doctor_id.label("did"))
              .where(_in_period(b)).subquery("pv"))
    # Only a visit with a discount needs its lines' total (to share the discount out): the
    # discount entries of the period's visits (by the visit index) with those visits'
    # totals, joined to the lines; every other line keeps its amount. (Totalling every
    # visit read all treatments and looked each one's visit up.)
    discounts = (select(visits.c.vid, func.sum(fen(LedgerEntry.amount)).label("d"))
                 .join(LedgerEntry, LedgerEntry.visit_id == visits.c.vid)
                 .where(LedgerEntry.kind == "discount")
                 .group_by(visits.c.vid).subquery("vd"))
    totals = (select(discounts.c.vid, discounts.c.d, func.sum(fen(Treatment.amount)).label("t"))
              .join(Treatment, Treatment.visit_id == discounts.c.vid)
              .group_by(discounts.c.vid, discounts.c.d).subquery("vt"))
    amount = fen(Treatment.amount)
    share = case((totals.c.t > 0, amount * func.coalesce(totals.c.d, 0) / totals.c.t),
                 else_=0)
    source = ([func.coalesce(Patient.source, literal(NONE_KEY)).label("source")]
              if with_source else [])
    query = (select(visits.c.vid, visits.c.pid, visits.c.did,
                    Treatment.procedure_name.label("procedure"),
                    func.coalesce(ProcedureType.category, literal(NONE_KEY)).label("category"),
                    func.coalesce(ProcedureType.high_value, False).label("high_value"),
                    (amount - share).label("net"), *source)
             .join(Treatment, Treatment.visit_id == visits.c.vid)
             .outerjoin(totals, totals.c.vid == visits.c.vid)
             .outerjoin(ProcedureType, ProcedureType.id == Treatment.procedure_type_id))
    if with_source:
        query = query.join(Patient, Patient.id == visits.c.pid)
    return query


Grouped = dict[str, dict[object, tuple[int, int, int]]]


def totals_in(session: Session, b: Bounds) -> Grouped:
    """what → key → (net fen, visits, patients) for procedure, category, source and doctor,
    from the period's lines read once (a materialised CTE) and grouped four ways in one
    statement; a visit or patient counts once per key, as in a GROUP BY of each."""
    lines = _lines(b, with_source=True).cte("lines").prefix_with("MATERIALIZED")
    # The doctor's id goes through the union as text (PostgreSQL refuses a column that is
    # text in one part and an integer in another) and comes back as the id.
    parts = [select(literal(what).label("what"), cast(column, String).label("k"),
                    func.sum(lines.c.net), func.count(func.distinct(lines.c.vid)),
                    func.count(func.distinct(lines.c.pid))).group_by(column)
             for what, column in ((PROCEDURE, lines.c.procedure), (CATEGORY, lines.c.category),
                                  (SOURCE, lines.c.source), (DOCTOR, lines.c.did))]
    found: Grouped = {what: {} for what in (PROCEDURE, CATEGORY, SOURCE, DOCTOR)}
    for what, key, net, visits, patients in session.execute(union_all(*parts)):
        if what == DOCTOR and key is not None:
            key = int(key)
        found[str(what)][key] = (round(net or 0), int(visits), int(patients))
    return found


def rows_of(grouped: Grouped, what: str) -> list[BreakdownRow]:
    found = [BreakdownRow(str(k), str(k) if k else none_label(what), yuan(net), v, n)
             for k, (net, v, n) in grouped[what].items()]
    return sorted(found, key=lambda r: (-r.revenue, -r.visits, r.name))


def grouped_in(session: Session, period: Period, what: str) -> list[BreakdownRow]:
    b = bounds_of(session, checked(period))
    lines = lines_in(session, b, with_source=what == SOURCE)
    column = {PROCEDURE: lines.c.procedure, CATEGORY: lines.c.category,
              SOURCE: lines.c.source if what == SOURCE else lines.c.procedure}[what]
    rows = session.execute(
        select(column, func.sum(lines.c.net), func.count(func.distinct(lines.c.vid)),
               func.count(func.distinct(lines.c.pid)))
        .group_by(column)).all()
    return rows_of({what: {k: (round(net or 0), int(v), int(n)) for k, net, v, n in rows}}, what)


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
    grouped = totals_in(session, bounds_of(session, checked(period)))
    return {what: rows_of(grouped, what) for what in (PROCEDURE, CATEGORY, SOURCE)}


def doctor_ranking(ctx: Context, period: Period) -> list[DoctorRow]:
    """Doctors by revenue in the period (see ``DoctorRow``)."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return doctors_in(session, period)


def doctors_in(session: Session, period: Period,
               grouped: Grouped | None = None) -> list[DoctorRow]:
    """``grouped``: the period's ``totals_in`` when already read (its doctor revenue)."""
    b = bounds_of(session, checked(period))
    if grouped is None:
        lines = lines_in(session, b)
        money = {did: round(net or 0) for did, net in session.execute(
            select(lines.c.did, func.sum(lines.c.net)).group_by(lines.c.did))}
    else:
        money = {did: net for did, (net, _v, _n) in grouped[DOCTOR].items()}
    # (doctor, patient) pairs of the period, each patient flagged first seen before it
    seen = seen_in(b, by_doctor=True)
    counts = [(did, int(visits), int(patients), int(new or 0), int(returning or 0))
              for did, visits, patients, new, returning in session.execute(
                  select(seen.c.did, func.sum(seen.c.n), func.count(), func.sum(seen.c.new),
                         func.sum(seen.c.earlier))
                  .group_by(seen.c.did))]
    return doctor_rows(session, b, counts, money)


DoctorCounts = tuple[int | None, int, int, int, int]  # did, visits, patients, new, returning


def doctor_rows(session: Session, b: Bounds, counts: list[DoctorCounts],
                money: dict[int | None, int]) -> list[DoctorRow]:
    """Each doctor's row from their counts and revenue, with the satisfaction of the period's
    feedback from their patients and their name."""
    # feedback of the period per patient first (a few thousand rows), then the doctors who
    # saw those patients in the period (their visits by ix_visit_patient_date): each
    # (doctor, patient) pair counts the patient's feedback once
    rated = (select(Feedback.patient_id.label("pid"), func.sum(Feedback.satisfaction).label("s"),
                    func.count(Feedback.id).label("n"))
             .where(b.has(Feedback.at), Feedback.satisfaction.is_not(None))
             .group_by(Feedback.patient_id).subquery("rated"))
    pairs = (select(Visit.doctor_id.label("did"), rated.c.pid, rated.c.s, rated.c.n)
             .join(Visit, and_(Visit.patient_id == rated.c.pid, b.has_day(Visit.visit_date)))
             .distinct().subquery("pairs"))
    scores = {did: (int(total) / int(n), int(n)) for did, total, n in session.execute(
        select(pairs.c.did, func.sum(pairs.c.s), func.sum(pairs.c.n)).group_by(pairs.c.did))
        if n}
    names = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    found = []
    for did, visits, patients, new, returning in counts:
        score = scores.get(did)
        found.append(DoctorRow(
            "" if did is None else str(did),
            names.get(did, none_label(DOCTOR)) if did is not None else none_label(DOCTOR),
            yuan(money.get(did)), visits, patients, new, returning,
            round(score[0], 2) if score else None,
            score[1] if score else 0))
    return sorted(found, key=lambda r: (-r.revenue, -r.visits, r.name))
