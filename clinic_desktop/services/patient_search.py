"""One search box for patients, fast enough to run on every keystroke.

Routing by what was typed (see TOOLCHAIN.md for the measured costs), each route on an index
on both engines (PostgreSQL's are migration 24's):
* letters only: pinyin initials (``zs``) or full-pinyin prefix (``zhangs``) by index range,
  ``lu``/``nu`` also read as the stored ``lv``/``nv`` (吕, 女: ü is typed u as often as v);
* 3+ characters of a name, phone, ID number or code, case ignored: SQLite's FTS5 trigram
  index, PostgreSQL's pg_trgm indexes (``ILIKE``);
* 1–2 characters of a name, not all ASCII: SQLite scans its name index with ``LIKE`` and a
  LIMIT (trigrams cannot match them); PostgreSQL looks them up among each name's one- and
  two-character pieces (``patient_search_grams``);
* a clinic code (``P000123`` or ``123``) or a whole mobile: exact, ranked first;
* a transliterated name typed without its dot (``阿依古丽买买提`` for ``阿依古丽·买买提``):
  3+ Han characters also look up the full-pinyin key (which skips the dot) and keep the names
  that, without their dots, start with what was typed; typed with a dot, the name is also
  looked for without it. Any dot-like character or space typed is read as the form saves it.

Both engines find the same patients in the same order: each route keeps its first 2×limit
matches in one order spelled out here (by key and id, by id, by name, birth date and id: the
order SQLite's indexes give), compared by code point as SQLite does (``COLLATE "C"`` on
PostgreSQL, whose database may sort by a language's rules), and the ranking is Python's.

With nothing typed, the list shows two short reads instead: today's patients (an appointment
today, not cancelled, by time) and the records this user opened last (their ``patient.open``
audit entries, newest first).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import product
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, Text, func, or_, select, text, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission, contacts_for, contacts_for_all
from clinic_desktop.rules.pinyin import search_keys
from clinic_desktop.rules.text import normalize_text, without_han_padding
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
# The dot of a transliterated name, as the patient form saves any dot-like character typed
# between two Han characters (``rules.text.without_han_padding``).
_NAME_DOT = "·"
_HAN_ONLY = re.compile("^[\u3400-\u9fff\uf900-\ufaff]{3,}$")
# ü typed as u after l or n (``lu`` for 吕's ``lv``); at most this many of them are read both
# ways, so a query costs at most 2**3 index ranges.
_U_AFTER_L_N = re.compile("(?<=[ln])u")
_MAX_U_SPOTS = 3


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


def _bytewise(column: InstrumentedAttribute[str], sqlite: bool) -> ColumnElement[str]:
    """``column`` compared and ordered by code point, as SQLite's BINARY collation does."""
    return column.expression if sqlite else column.collate("C")


def _prefix_ids(session: Session, column: InstrumentedAttribute[str], prefix: str, limit: int,
                sqlite: bool) -> list[int]:
    """Records whose ``column`` starts with ``prefix``, by that column then id."""
    key = _bytewise(column, sqlite)
    # A range instead of LIKE 'x%' so SQLite uses the index.
    return list(session.execute(
        select(Patient.id).where(key >= prefix, key < prefix + "\uffff")
        .order_by(key, Patient.id).limit(limit)).scalars())


def _pinyin_ids(session: Session, spellings: list[str], limit: int, sqlite: bool) -> list[int]:
    """Full-pinyin keys starting with any of ``spellings``, by key and id: each spelling's
    first ``limit`` read on the index, in one statement (one round trip to a server)."""
    if len(spellings) == 1:
        return _prefix_ids(session, Patient.name_pinyin, spellings[0], limit, sqlite)
    key = _bytewise(Patient.name_pinyin, sqlite)
    ranges = [select(Patient.id.label("id"), key.label("key"))
              .where(key >= spelling, key < spelling + "\uffff")
              .order_by(key, Patient.id).limit(limit).subquery() for spelling in spellings]
    found = union_all(*(select(part.c.id, part.c.key) for part in ranges)).subquery()
    return list(session.execute(
        select(found.c.id).order_by(found.c.key, found.c.id).limit(limit)).scalars())


def _pinyin_spellings(letters: str) -> list[str]:
    """``letters`` as typed, then with ``v`` (how the keys store ü) for each ``u`` after l or
    n: ``luxiaoyan`` also as ``lvxiaoyan``. A spelling no name has costs one empty range."""
    spots = [found.start() for found in _U_AFTER_L_N.finditer(letters)][:_MAX_U_SPOTS]
    spellings = []
    for vowels in product("uv", repeat=len(spots)):
        chars = list(letters)
        for spot, vowel in zip(spots, vowels, strict=True):
            chars[spot] = vowel
        spellings.append("".join(chars))
    return spellings


def _dotted_name_ids(session: Session, query: str, limit: int, sqlite: bool) -> list[int]:
    """Names that start with ``query`` (Han characters) once their dots are left out: the
    full-pinyin key skips the dot, so its index range holds them (and namesakes in sound,
    which the name itself then rules out), by key and id."""
    key = search_keys(query).full
    if not key:
        return []
    pinyin = _bytewise(Patient.name_pinyin, sqlite)
    undotted = func.replace(Patient.name, _NAME_DOT, "", type_=String)
    return list(session.execute(
        select(Patient.id).where(pinyin >= key, pinyin < key + "\uffff",
                                 undotted.startswith(query, autoescape=True))
        .order_by(pinyin, Patient.id).limit(limit)).scalars())


def _contains(needle: str) -> str:
    """A LIKE pattern for "contains ``needle``" in which ``%`` and ``_`` are themselves:
    张_ finds 张_, not every two-character name starting with 张."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SEARCHED = (Patient.code, Patient.name, Patient.mobile, Patient.phone2, Patient.id_number)
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _substring_ids(session: Session, needle: str, limit: int, sqlite: bool) -> list[int]:
    """Records holding ``needle`` (3+ characters) in a searched column, case ignored, by id."""
    if not sqlite:
        # ILIKE: FTS5's trigrams ignore case; backslash is already its escape character. All
        # matches first (MATERIALIZED: through the trigram indexes), then the first by id:
        # asked for both at once, PostgreSQL may walk the id index hoping to meet enough
        # matches early, which for 7706 over 100,000 patients meant 87,000 rows (~130 ms).
        pattern = _contains(needle)
        found = (select(Patient.id).where(or_(*(column.ilike(pattern) for column in _SEARCHED)))
                 .cte("found").prefix_with("MATERIALIZED"))
        return list(session.execute(
            select(found.c.id).order_by(found.c.id).limit(limit)).scalars())
    quoted = '"' + needle.replace('"', '""') + '"'
    rows = session.execute(
        text("SELECT rowid FROM patient_fts WHERE patient_fts MATCH :q ORDER BY rowid LIMIT :n"),
        {"q": quoted, "n": limit},
    )
    return [row[0] for row in rows]


def _short_name_ids(session: Session, needle: str, limit: int, sqlite: bool) -> list[int]:
    """Names holding ``needle`` (1–2 characters), ASCII letters' case ignored as SQLite's LIKE
    does, by name, birth date and id (the order of SQLite's ix_patient_name_birth)."""
    found: ColumnElement[bool]
    if sqlite:
        found = Patient.name.like(_contains(needle), escape="\\")
    else:
        pieces = func.patient_search_grams(Patient.name, type_=ARRAY(Text))
        found = pieces.contains([needle.translate(_ASCII_LOWER)])
    return list(session.execute(
        select(Patient.id).where(found)
        .order_by(_bytewise(Patient.name, sqlite), Patient.birth_date.nulls_first(), Patient.id)
        .limit(limit)).scalars())


def _candidate_ids(session: Session, query: str, limit: int) -> tuple[list[int], set[int]]:
    """Ids that match, and the subset that matched exactly (ranked first)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    exact: set[int] = set()
    ids: list[int] = []
    code = _CODE.match(query)
    if code:
        wanted = f"P{int(code.group(1)):06d}"
        exact.update(session.execute(select(Patient.id).where(Patient.code == wanted)).scalars())
    if query.isdigit() and len(query) == 11:
        exact.update(session.execute(select(Patient.id).where(Patient.mobile == query)).scalars())
    lowered = query.lower().replace("ü", "v")
    if _LETTERS.match(lowered):
        by_key = [*_prefix_ids(session, Patient.name_initials, lowered, limit, sqlite),
                  *_pinyin_ids(session, _pinyin_spellings(lowered), limit, sqlite)]
        ids += list(dict.fromkeys(by_key))[:limit]
    if len(query) >= 3 and not (query.isdigit() and len(query) < 4):
        ids += _substring_ids(session, query, limit, sqlite)
    elif not query.isascii():
        ids += _short_name_ids(session, query, limit, sqlite)
    undotted = query.replace(_NAME_DOT, "")
    if undotted != query and len(undotted) >= 3:
        ids += _substring_ids(session, undotted, limit, sqlite)  # a name saved without it
    if _HAN_ONLY.match(query):
        ids += _dotted_name_ids(session, query, limit, sqlite)
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
    # Spaces and dots typed between Han characters are read as the patient form saves them.
    query = without_han_padding(normalize_text(query)).replace(" ", "")
    if not query:
        return []
    ids, exact = _candidate_ids(session, query, limit * 2)
    if not ids:
        return []
    hits = list(_hits(session, ids, include_archived=include_archived).values())
    undotted = query.replace(_NAME_DOT, "")

    def rank(hit: PatientHit) -> tuple[int, int, str]:
        if hit.id in exact:
            return (0, 0, hit.code)
        name = hit.name.replace(_NAME_DOT, "")
        if name == undotted:
            return (1, len(hit.name), hit.code)
        if name.startswith(undotted):
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
