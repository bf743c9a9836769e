"""One search box for patients, fast enough to run on every keystroke.

Routing by what was typed (see TOOLCHAIN.md for the measured costs):
* letters only: pinyin initials (``zs``) or full-pinyin prefix (``zhangs``) by index range;
* 3+ characters of a name, phone, ID number or code: the FTS5 trigram index (SQLite);
* 1–2 Chinese characters: ``name LIKE`` with a LIMIT (trigram cannot match them);
* a clinic code (``P000123`` or ``123``) or a whole mobile: exact, ranked first.
On other databases the trigram step falls back to LIKE over the same columns.

With nothing typed, the list shows two short reads instead: today's patients (an appointment
today, not cancelled, by time) and the records this user opened last (their ``patient.open``
audit entries, newest first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission, contacts_for, contacts_for_all
from clinic_desktop.rules.text import normalize_text
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.services.panel import OPEN_ACTION
from clinic_desktop.storage.models.audit import AuditEntry
from clinic_desktop.storage.models.patient import MedicalProfile, Patient
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.models.staff import Staff

# How far back "recently opened" looks: the newest entries of the audit log, so the read
# stays a short backwards walk of the primary key however long the log grows.
RECENT_WINDOW = 20_000

_CODE = re.compile(r"^[Pp]?(\d{1,9})$")
_LETTERS = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class PatientHit:
    id: int
    code: str
    name: str
    sex: str | None
    birth_date: date | None
    mobile: str | None
    archived: bool
    has_allergy: bool
    # Columns of the patient row itself (no join): the tier name the loyalty journals keep
    # cached, and the referrer, so the booking dialog can offer to set a missing one.
    member_tier: str | None = None
    referred_by_id: int | None = None


def _prefix_range(column: InstrumentedAttribute[str], prefix: str) -> ColumnElement[bool]:
    # A range instead of LIKE 'x%' so SQLite uses the index.
    return and_(column >= prefix, column < prefix + "\uffff")


def _contains(needle: str) -> str:
    """A LIKE pattern for "contains ``needle``" in which ``%`` and ``_`` are themselves:
    张_ finds 张_, not every two-character name starting with 张."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_ids(session: Session, needle: str, limit: int) -> list[int]:
    if session.get_bind().dialect.name != "sqlite":
        pattern = _contains(needle)
        return list(session.execute(
            select(Patient.id).where(or_(
                Patient.name.like(pattern, escape="\\"),
                Patient.mobile.like(pattern, escape="\\"),
                Patient.phone2.like(pattern, escape="\\"),
                Patient.id_number.like(pattern, escape="\\"),
                Patient.code.like(pattern, escape="\\"),
            )).limit(limit)).scalars())
    quoted = '"' + needle.replace('"', '""') + '"'
    rows = session.execute(
        text("SELECT rowid FROM patient_fts WHERE patient_fts MATCH :q LIMIT :n"),
        {"q": quoted, "n": limit},
    )
    return [row[0] for row in rows]


def _candidate_ids(session: Session, query: str, limit: int) -> tuple[list[int], set[int]]:
    """Ids that match, and the subset that matched exactly (ranked first)."""
    exact: set[int] = set()
    ids: list[int] = []
    code = _CODE.match(query)
    if code:
        wanted = f"P{int(code.group(1)):06d}"
        exact.update(session.execute(select(Patient.id).where(Patient.code == wanted)).scalars())
    if query.isdigit() and len(query) == 11:
        exact.update(session.execute(select(Patient.id).where(Patient.mobile == query)).scalars())
    lowered = query.lower()
    if _LETTERS.match(lowered):
        ids += session.execute(select(Patient.id).where(or_(
            _prefix_range(Patient.name_initials, lowered),
            _prefix_range(Patient.name_pinyin, lowered),
        )).limit(limit)).scalars()
    if len(query) >= 3 and not (query.isdigit() and len(query) < 4):
        ids += _fts_ids(session, query, limit)
    elif not query.isascii():
        ids += session.execute(
            select(Patient.id).where(Patient.name.like(_contains(query), escape="\\"))
            .limit(limit)).scalars()
    return list(dict.fromkeys([*exact, *ids])), exact


@dataclass(frozen=True)
class TodayPatient:
    """A patient with an appointment today: the first one that is not cancelled."""

    patient: PatientHit
    start: datetime
    doctor: str
    status: str  # the appointment's status code (``schedule_rules.status_label``)
    appointments: int  # today's appointments that are not cancelled


@dataclass(frozen=True)
class RecentPatient:
    patient: PatientHit
    opened_at: datetime


def _hits(session: Session, ids: Iterable[int], *, include_archived: bool,
          include_merged: bool = False) -> dict[int, PatientHit]:
    """The hits for ``ids`` (merged-away records left out unless asked for), by id."""
    has_allergy = select(MedicalProfile.patient_id).where(
        MedicalProfile.patient_id == Patient.id,
        or_(MedicalProfile.allergies_json != "[]", MedicalProfile.allergy_notes != ""),
    ).exists()
    stmt = select(Patient.id, Patient.code, Patient.name, Patient.sex, Patient.birth_date,
                  Patient.mobile, Patient.archived, has_allergy, Patient.member_tier,
                  Patient.referred_by_id).where(Patient.id.in_(list(ids)))
    if not include_merged:
        stmt = stmt.where(Patient.merged_into_id.is_(None))
    if not include_archived:
        stmt = stmt.where(Patient.archived.is_(False))
    return {pid: PatientHit(pid, code, name, sex, birth, mobile, archived, bool(allergy), tier,
                            referrer)
            for pid, code, name, sex, birth, mobile, archived, allergy, tier, referrer
            in session.execute(stmt)}


def search_in(session: Session, query: str, *, limit: int = 50,
              include_archived: bool = False) -> list[PatientHit]:
    query = normalize_text(query).replace(" ", "")
    if not query:
        return []
    ids, exact = _candidate_ids(session, query, limit * 2)
    if not ids:
        return []
    hits = list(_hits(session, ids, include_archived=include_archived).values())

    def rank(hit: PatientHit) -> tuple[int, int, str]:
        if hit.id in exact:
            return (0, 0, hit.code)
        if hit.name == query:
            return (1, len(hit.name), hit.code)
        if hit.name.startswith(query):
            return (2, len(hit.name), hit.code)
        return (3, len(hit.name), hit.code)

    return sorted(hits, key=rank)[:limit]


def search_patients(ctx: Context, query: str, *, limit: int = 50,
                    include_archived: bool = False) -> list[PatientHit]:
    """Not audited per keystroke: opening a patient's panel is."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        # Found by the stored numbers (a whole mobile typed still finds its patient), shown
        # masked to a role without CONTACT_FULL.
        return contacts_for_all(ctx, search_in(session, query, limit=limit,
                                               include_archived=include_archived))


def patient_hit(ctx: Context, patient_id: int) -> PatientHit | None:
    """One patient as a search hit (archived or merged away too): how a form shows a patient
    it links to, such as the referrer already stored."""
    ctx.require(Permission.PATIENT_VIEW)
    with ctx.transaction() as session:
        hit = _hits(session, [patient_id], include_archived=True,
                    include_merged=True).get(patient_id)
        return None if hit is None else contacts_for(ctx, hit)


def todays_patients(ctx: Context) -> list[TodayPatient]:
    """Everyone with an appointment today (the clinic's day) that is not cancelled, by the
    time of their first one."""
    ctx.require(Permission.PATIENT_VIEW)
    ctx.require(Permission.APPOINTMENT_VIEW)
    with ctx.transaction() as session:
        zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
        day = ctx.now().astimezone(zone).date()
        start = datetime.combine(day, time(0), zone)
        end = datetime.combine(day + timedelta(days=1), time(0), zone)
        rows = session.execute(
            select(Appointment.patient_id, Appointment.start, Staff.display_name,
                   Appointment.status)
            .join(Staff, Staff.id == Appointment.doctor_id)
            .where(Appointment.start >= start, Appointment.start < end,
                   Appointment.status != "cancelled")
            .order_by(Appointment.start, Appointment.id)).all()
        first: dict[int, tuple[datetime, str, str]] = {}
        count: dict[int, int] = {}
        for patient_id, at, doctor, status in rows:
            first.setdefault(patient_id, (at, doctor, status))
            count[patient_id] = count.get(patient_id, 0) + 1
        hits = _hits(session, first, include_archived=True)
        return [TodayPatient(contacts_for(ctx, hits[pid]), *first[pid], count[pid])
                for pid in first
                if pid in hits]


def recently_opened(ctx: Context, *, limit: int = 8,
                    include_archived: bool = False) -> list[RecentPatient]:
    """The records this user opened last (their ``patient.open`` entries), newest first,
    each once."""
    ctx.require(Permission.PATIENT_VIEW)
    staff_id = ctx.actor.staff_id
    if staff_id is None or limit <= 0:
        return []
    with ctx.transaction() as session:
        newest = session.execute(select(func.max(AuditEntry.id))).scalar_one_or_none() or 0
        rows = session.execute(
            select(AuditEntry.entity_id, AuditEntry.at)
            .where(AuditEntry.id > newest - RECENT_WINDOW, AuditEntry.staff_id == staff_id,
                   AuditEntry.action == OPEN_ACTION, AuditEntry.entity == "patient")
            .order_by(AuditEntry.id.desc()).limit(limit * 25))
        opened: dict[int, datetime] = {}
        for entity_id, at in rows:
            if entity_id is not None and entity_id.isdigit():
                opened.setdefault(int(entity_id), at)
        hits = _hits(session, opened, include_archived=include_archived)
        return [RecentPatient(contacts_for(ctx, hits[pid]), at) for pid, at in opened.items()
                if pid in hits][:limit]
