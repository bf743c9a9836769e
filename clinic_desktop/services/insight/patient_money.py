"""Each patient's money kept per patient (``patient_money``) and spend per UTC month
(``patient_month_spend``), for segments that would otherwise sum a million ledger entries.

The database keeps both exact: triggers on ``ledger_entry`` (migration 20261211_21) add each
new entry's part and take a removed or changed one's away, whatever writes it. So "owes
money" is a read of 100,000 small rows instead of a grouped pass over every entry, "stored
value at least x" one row per card, and "spent in a period" the period's whole months from
``patient_month_spend`` plus its two partial ends (a local midnight is not a UTC month's
start) read from the ledger's (kind, at, …) index: a few hours of entries, or a few weeks.

Kept on SQLite and PostgreSQL (``kept``; PostgreSQL's triggers are migration 20261213_28's,
which add each statement's entries grouped, with atomic upserts); the segments' path that sums
the ledger stays for any other engine, and both paths give the same answers (tests).

A bulk write of thousands of entries (an import, its undo) would pay ~10 µs an entry in the
triggers: ``batch_writes`` pauses them for the batch and adds the batch's sums in one grouped
statement instead. ``drift`` compares the tables with the ledger for ``clinic-desktop check``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from clinic_desktop.i18n import _
from clinic_desktop.services.billing import pot_delta
from clinic_desktop.services.insight.buckets import Grain, bucket_of_instant
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.insight import (
    PatientMoney,
    PatientMoneyPause,
    PatientMonthSpend,
)
from clinic_desktop.storage.models.loyalty import StoredValueShare
from clinic_desktop.storage.models.patient import Patient

PatientId = InstrumentedAttribute[int] | ColumnElement[int]
FIGURES = ("owed", "spend", "stored")
OWED_KINDS = ("payment", "charge", "discount", "refund")
SPEND_KINDS = ("charge", "discount")


# The engines whose triggers keep the tables (migrations 20261211_21 and 20261213_28).
KEPT_BY = ("sqlite", "postgresql")


def kept(session: Session) -> bool:
    """Whether the tables are kept by the database (its triggers)."""
    return _dialect(session) in KEPT_BY


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# -- what an entry adds (the loyalty balances' definitions) -------------------------------------
def _fen(column: Any) -> ColumnElement[int]:
    return type_coerce(column, Integer)


def owed_part() -> ColumnElement[int]:
    """An entry's part in what is owed: charges and refunds less discounts and payments."""
    amount = _fen(LedgerEntry.amount)
    return case({"payment": -amount, "charge": amount, "discount": -amount, "refund": amount},
                value=LedgerEntry.kind, else_=0)


def spend_part() -> ColumnElement[int]:
    """An entry's part in spend: charges less discounts (a reversal nets itself out)."""
    amount = _fen(LedgerEntry.amount)
    return case({"charge": amount, "discount": -amount}, value=LedgerEntry.kind, else_=0)


# -- per patient (a correlated read of one row) ---------------------------------------------------
def kept_figure(pid: PatientId, figure: str) -> ColumnElement[int]:
    """``figure`` (owed or spend, ever) of the patient, 0 without a row."""
    column = getattr(PatientMoney, figure)
    return type_coerce(func.coalesce(
        select(column).where(PatientMoney.patient_id == pid).scalar_subquery(), 0), Integer)


def kept_stored(pid: PatientId) -> ColumnElement[int]:
    """Stored value the patient can spend: their card, or the household's holder's."""
    holder = func.coalesce(select(StoredValueShare.holder_id)
                           .where(StoredValueShare.patient_id == pid)
                           .correlate_except(StoredValueShare).scalar_subquery(), pid)
    return type_coerce(func.coalesce(
        select(PatientMoney.stored).where(PatientMoney.patient_id == holder)
        .correlate_except(PatientMoney).scalar_subquery(), 0), Integer)


# -- sets of patients (no other criterion narrows them first) -----------------------------------
def _bounded(value: ColumnElement[Any], low: int | None,
             high: int | None) -> ColumnElement[bool]:
    if low is not None and high is not None:
        return value.between(low, high)
    if low is not None:
        return value >= low
    return value <= high if high is not None else literal(True)


def patients_between(pairs: Select[Any], low: int | None, high: int | None, *,
                     grouped: bool = False) -> ColumnElement[bool]:
    """``Patient.id`` whose value in ``pairs`` (patient id, value) is within [low, high], a
    patient without a pair counting 0: the patients inside (``IN``), or, when 0 is inside
    the bounds, all but those outside (``NOT IN``). ``grouped``: a patient may have several
    pairs, summed."""
    table = pairs.subquery()
    pid, value = table.c[0], table.c[1]
    if grouped:
        query = select(pid).group_by(pid)
        inside = _bounded(func.sum(value), low, high)
        if (low is None or low <= 0) and (high is None or high >= 0):
            return Patient.id.not_in(query.having(~inside))
        return Patient.id.in_(query.having(inside))
    inside = _bounded(value, low, high)
    if (low is None or low <= 0) and (high is None or high >= 0):
        return Patient.id.not_in(select(pid).where(~inside))
    return Patient.id.in_(select(pid).where(inside))


def figure_between(figure: str, low: int | None, high: int | None) -> ColumnElement[bool]:
    """Patients whose kept ``figure`` (owed or spend, ever) is within [low, high]."""
    column = getattr(PatientMoney, figure)
    return patients_between(select(PatientMoney.patient_id, column), low, high)


def stored_between(low: int | None, high: int | None) -> ColumnElement[bool]:
    """Patients whose spendable stored value is within [low, high]: a holder's own row, or
    for a household member the holder's."""
    money, share = PatientMoney, StoredValueShare
    own = (select(money.patient_id, money.stored)
           .where(money.patient_id.not_in(select(share.patient_id))))
    shared = (select(share.patient_id, money.stored)
              .join(money, money.patient_id == share.holder_id))
    both = union_all(own, shared).subquery()
    return patients_between(select(both.c[0], both.c[1]), low, high)


def _month_start(instant: datetime) -> datetime:
    utc = instant.astimezone(UTC)
    return utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(instant: datetime) -> datetime:
    return instant.replace(year=instant.year + instant.month // 12,
                           month=instant.month % 12 + 1)


def whole_months(start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The UTC months wholly inside ``[start, end)`` as ``[first, after)`` instants, or None
    when there is none."""
    first = _month_start(start)
    if first < start.astimezone(UTC):
        first = _next_month(first)
    after = _month_start(end)
    return (first, after) if first < after else None


def period_spend_between(start: datetime, end: datetime, low: int | None,
                         high: int | None) -> ColumnElement[bool]:
    """Patients whose spend in ``[start, end)`` is within [low, high]: the whole UTC months
    inside the period from ``patient_month_spend``, the rest from the ledger."""
    e = LedgerEntry
    months = whole_months(start, end)
    ends = [(start, end)] if months is None else [(start, months[0]), (months[1], end)]
    parts: list[Select[int, int]] = [
        select(e.patient_id, spend_part()).where(e.kind.in_(SPEND_KINDS), e.at >= a, e.at < b)
        for a, b in ends if a < b]
    if months is not None:
        m = PatientMonthSpend
        parts.insert(0, select(m.patient_id, m.spend).where(
            m.month >= months[0].date(), m.month < months[1].date()))
    both = union_all(*parts).subquery()
    return patients_between(select(both.c[0], both.c[1]), low, high, grouped=True)


# -- bulk writes (the import and its undo) -------------------------------------------------------
@contextmanager
def batch_writes(session: Session, batch_id: int) -> Iterator[None]:
    """Around the bulk insert or delete of one import batch's ledger entries: the triggers
    are paused (a row in ``patient_money_pause``, inside the caller's write transaction, so
    no other connection sees it and a rollback removes it), and the batch's entries are
    added to the tables in one grouped statement each instead — taken away before, added
    after, so an insert, a delete or both inside the block come out right. Only the batch's
    entries may be written inside the block. Does nothing where the tables are not kept."""
    if not kept(session):
        yield
        return
    _add(session, _of_batch(session, batch_id), -1)
    session.execute(insert(PatientMoneyPause).values(batch_id=batch_id))
    yield
    session.execute(delete(PatientMoneyPause).where(PatientMoneyPause.batch_id == batch_id))
    _add(session, _of_batch(session, batch_id), 1)


def _of_batch(session: Session, batch_id: int) -> list[ColumnElement[bool]]:
    """The batch's entries, also bounded by their ids: a bulk insert numbers them in one run,
    so SQLite reads them as one stretch of the table, not a lookup each through the index."""
    e = LedgerEntry
    mine = e.import_batch_id == batch_id
    low, high = session.execute(select(func.min(e.id), func.max(e.id)).where(mine)).one()
    return [mine] if low is None else [e.id.between(low, high), mine]


def rebuild(session: Session) -> None:
    """Fill both tables again from the whole ledger (a repair after ``drift``)."""
    session.execute(delete(PatientMoney))
    session.execute(delete(PatientMonthSpend))
    _add(session, [], 1)


def _add(session: Session, where: list[ColumnElement[bool]], sign: int) -> None:
    """Add (``sign`` 1) or take away (−1) the entries ``where`` selects, grouped."""
    e = LedgerEntry
    _upsert(session, PatientMoney, ["patient_id"], {
        "patient_id": e.patient_id, "owed": func.sum(owed_part()) * sign,
        "spend": func.sum(spend_part()) * sign, "stored": literal(0)},
        [*where, e.kind.in_(OWED_KINDS)], [e.patient_id], ("owed", "spend"))
    _upsert(session, PatientMoney, ["patient_id"], {
        "patient_id": e.holder_id, "owed": literal(0), "spend": literal(0),
        "stored": func.sum(pot_delta()) * sign},
        [*where, e.holder_id.is_not(None), e.pot.is_not(None)], [e.holder_id], ("stored",))
    # the trigger's first day of the UTC month, through the one bucketing helper: text on
    # SQLite (its dates are text), a date on PostgreSQL
    dialect = _dialect(session)
    month: ColumnElement[Any] = bucket_of_instant(dialect, e.at, Grain.MONTH, 0) + "-01"
    if dialect == "postgresql":
        month = cast(month, Date)
    _upsert(session, PatientMonthSpend, ["month", "patient_id"], {
        "month": month, "patient_id": e.patient_id, "spend": func.sum(spend_part()) * sign},
        [*where, e.kind.in_(SPEND_KINDS)], [month, e.patient_id], ("spend",))


def _upsert(session: Session, model: type[Any], key: list[str], values: dict[str, Any],
            where: list[ColumnElement[bool]], group: list[Any], adds: tuple[str, ...]) -> None:
    """INSERT … SELECT grouped … ON CONFLICT add, in each engine's words (the same API)."""
    source = select(*values.values()).where(*where).group_by(*group)
    upsert = postgresql_insert if _dialect(session) == "postgresql" else sqlite_insert
    statement = upsert(model).from_select(list(values), source)
    statement = statement.on_conflict_do_update(
        index_elements=key,
        set_={name: getattr(model, name) + getattr(statement.excluded, name) for name in adds})
    session.execute(statement)


# -- what the ledger says (the check, the tests) -------------------------------------------------
def from_ledger(session: Session) -> dict[int, tuple[int, int, int]]:
    """patient id → (owed, spend, stored) summed from the ledger, zeros left out."""
    e = LedgerEntry
    found: dict[int, list[int]] = {}
    for pid, owed, spend in session.execute(
            select(e.patient_id, func.sum(owed_part()), func.sum(spend_part()))
            .group_by(e.patient_id)):
        found.setdefault(pid, [0, 0, 0])[:2] = [int(owed or 0), int(spend or 0)]
    for holder, stored in session.execute(
            select(e.holder_id, func.sum(pot_delta()))
            .where(e.holder_id.is_not(None), e.pot.is_not(None)).group_by(e.holder_id)):
        found.setdefault(int(holder or 0), [0, 0, 0])[2] = int(stored or 0)
    return {pid: (o, s, v) for pid, (o, s, v) in found.items() if (o, s, v) != (0, 0, 0)}


def months_from_ledger(session: Session) -> dict[tuple[date, int], int]:
    """(UTC month's first day, patient id) → spend, zeros left out."""
    e = LedgerEntry
    found: dict[tuple[date, int], int] = {}
    for at, pid, spend in session.execute(
            select(e.at, e.patient_id, spend_part()).where(e.kind.in_(SPEND_KINDS))):
        key = (_month_start(at).date(), pid)
        found[key] = found.get(key, 0) + int(spend)
    return {key: value for key, value in found.items() if value}


def kept_rows(session: Session) -> dict[int, tuple[int, int, int]]:
    m = PatientMoney
    return {pid: (o, s, v) for pid, o, s, v in session.execute(
        select(m.patient_id, m.owed, m.spend, m.stored)) if (o, s, v) != (0, 0, 0)}


def kept_months(session: Session) -> dict[tuple[date, int], int]:
    m = PatientMonthSpend
    return {(month, pid): spend for month, pid, spend in session.execute(
        select(m.month, m.patient_id, m.spend)) if spend}


def drift(session: Session) -> list[str]:
    """Findings for ``clinic-desktop check``: the kept money that differs from the ledger
    (one sentence each, at most a few; an empty list when the tables agree)."""
    if not kept(session):
        return []
    findings: list[str] = []
    ledger, kept_now = from_ledger(session), kept_rows(session)
    wrong = sorted(pid for pid in ledger.keys() | kept_now.keys()
                   if ledger.get(pid) != kept_now.get(pid))
    if wrong:
        findings.append(_("{n} 位患者的欠费、消费或储值汇总与账目不符（如患者 #{pid}）。",
                          n=len(wrong), pid=wrong[0]))
    months = months_from_ledger(session)
    kept_by_month = kept_months(session)
    if months != kept_by_month:
        findings.append(_("按月消费汇总与账目不符。"))
    return findings
