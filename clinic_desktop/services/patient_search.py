"""One search box for patients, fast enough to run on every keystroke.

Routing by what was typed (see TOOLCHAIN.md for the measured costs):
* letters only: pinyin initials (``zs``) or full-pinyin prefix (``zhangs``) by index range;
* 3+ characters of a name, phone, ID number or code: the FTS5 trigram index (SQLite);
* 1–2 Chinese characters: ``name LIKE`` with a LIMIT (trigram cannot match them);
* a clinic code (``P000123`` or ``123``) or a whole mobile: exact, ranked first.
On other databases the trigram step falls back to LIKE over the same columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from clinic_desktop.context import Context
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.text import normalize_text
from clinic_desktop.storage.models.patient import MedicalProfile, Patient

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


def search_in(session: Session, query: str, *, limit: int = 50,
              include_archived: bool = False) -> list[PatientHit]:
    query = normalize_text(query).replace(" ", "")
    if not query:
        return []
    ids, exact = _candidate_ids(session, query, limit * 2)
    if not ids:
        return []
    has_allergy = select(MedicalProfile.patient_id).where(
        MedicalProfile.patient_id == Patient.id,
        or_(MedicalProfile.allergies_json != "[]", MedicalProfile.allergy_notes != ""),
    ).exists()
    stmt = select(Patient.id, Patient.code, Patient.name, Patient.sex, Patient.birth_date,
                  Patient.mobile, Patient.archived, has_allergy).where(
        Patient.id.in_(ids), Patient.merged_into_id.is_(None))
    if not include_archived:
        stmt = stmt.where(Patient.archived.is_(False))
    hits = [PatientHit(*row) for row in session.execute(stmt)]

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
        return search_in(session, query, limit=limit, include_archived=include_archived)
