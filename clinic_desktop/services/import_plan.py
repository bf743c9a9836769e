"""Matching an import's people against the patients already on file, and deciding what the
batch will do with each: create, merge (filling empty fields) or skip."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop.i18n import _
from clinic_desktop.importing.mapping import field_label
from clinic_desktop.importing.rows import (
    CleanRow,
    Person,
    PersonFields,
    Problem,
    is_bare,
    same_person_may_be,
    with_allergy,
)
from clinic_desktop.rules.legacy_values import cell_text
from clinic_desktop.rules.text import normalize_person_name
from clinic_desktop.storage.models.clinical import Treatment, Visit
from clinic_desktop.storage.models.patient import MedicalProfile, Patient

CHUNK = 900  # SQLite's bound-parameter limit is far above; keeps IN lists modest


@dataclass(frozen=True)
class PlannedPatient:
    row: int
    name: str
    mobile: str | None
    action: str  # create, merge, skip
    visits: int


@dataclass
class _Existing:
    by_id_number: dict[str, int] = field(default_factory=dict)
    by_mobile_name: dict[tuple[str, str], int] = field(default_factory=dict)
    by_name_birth: dict[tuple[str, date], int] = field(default_factory=dict)
    name_of_mobile: dict[str, tuple[str, str]] = field(default_factory=dict)  # mobile → name, code
    # Patients known by their name alone (no ID number, mobile or exact birth date), with
    # what tells a namesake apart (sex, approximate birth).
    by_bare_name: dict[str, list[tuple[int, PersonFields]]] = field(default_factory=dict)


def _existing_patients(session: Session) -> _Existing:
    found = _Existing()
    rows = session.execute(select(Patient.id, Patient.code, Patient.name, Patient.mobile,
                                  Patient.id_number, Patient.birth_date,
                                  Patient.birth_date_approximate, Patient.sex)
                           .where(Patient.merged_into_id.is_(None)).order_by(Patient.id))
    for pid, code, stored, mobile, id_number, birth, approximate, sex in rows:
        # As the file's names are read: 张 伟 typed before is 张伟 (``normalize_person_name``).
        name = normalize_person_name(stored)
        if id_number:
            found.by_id_number.setdefault(id_number, pid)
        if mobile:
            found.by_mobile_name.setdefault((mobile, name), pid)
            found.name_of_mobile.setdefault(mobile, (name, code))
        if birth is not None and not approximate:
            found.by_name_birth.setdefault((name, birth), pid)
        elif not id_number and not mobile:
            found.by_bare_name.setdefault(name, []).append(
                (pid, PersonFields(name=name, sex=sex, birth_date=birth)))
    return found


def _match(existing: _Existing, p: PersonFields) -> int | None:
    if p.id_number and p.id_number in existing.by_id_number:
        return existing.by_id_number[p.id_number]
    if p.mobile and (p.mobile, p.name) in existing.by_mobile_name:
        return existing.by_mobile_name[(p.mobile, p.name)]
    if p.birth_date is not None and not p.birth_approximate:
        return existing.by_name_birth.get((p.name, p.birth_date))
    return None


def _match_bare(session: Session, existing: _Existing, persons: list[Person],
                matches: dict[int, int | None], plan: ImportPlan,
                labels: dict[str, str]) -> None:
    """A person of the file known by name alone is the patient on file known by that name
    alone: the only one, or the only one of several who already has one of the person's
    visits (the same file imported again must add nobody). Several, none telling: a new
    patient, and a warning."""
    wanted = {i: [pid for pid, on_file in existing.by_bare_name[p.fields.name]
                  if same_person_may_be(on_file, p.fields)]
              for i, p in enumerate(persons) if matches[i] is None and is_bare(p.fields)
              and p.fields.name in existing.by_bare_name}
    wanted = {i: pids for i, pids in wanted.items() if pids}
    if not wanted:
        return
    several = sorted({pid for pids in wanted.values() if len(pids) > 1 for pid in pids})
    visits = _visit_keys(session, several) if several else set()
    for i, pids in wanted.items():
        if len(pids) == 1:
            matches[i] = pids[0]
            continue
        mine = {(r.visit.visit_date, r.visit.procedure) for r in persons[i].rows
                if r.visit is not None}
        seen = [pid for pid in pids if any((pid, *key) in visits for key in mine)]
        if len(seen) == 1:
            matches[i] = seen[0]
        else:
            person = persons[i]
            plan.warnings.append(Problem(person.rows[0].row, labels.get("name", ""),
                                         person.fields.name, _(
                "已有 {n} 位同名患者都没有手机号、身份证号或出生日期，无法确定是哪一位："
                "按新患者导入。", n=len(pids))))


def chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _allergies(session: Session, patient_ids: Sequence[int]) -> dict[int, str]:
    """The allergy notes on file of these patients (none: no entry)."""
    found: dict[int, str] = {}
    for chunk in chunks(sorted(set(patient_ids))):
        for pid, notes in session.execute(select(MedicalProfile.patient_id,
                                                 MedicalProfile.allergy_notes)
                                          .where(MedicalProfile.patient_id.in_(chunk))):
            found[pid] = notes
    return found


def _visit_keys(session: Session, patient_ids: Sequence[int]) -> set[tuple[int, date, str]]:
    """(patient, visit date, procedure) of the visits already recorded for these patients."""
    keys: set[tuple[int, date, str]] = set()
    for chunk in chunks(sorted(patient_ids)):
        for pid, day, procedure in session.execute(
                select(Visit.patient_id, Visit.visit_date, Treatment.procedure_name)
                .join(Treatment, Treatment.visit_id == Visit.id)
                .where(Visit.patient_id.in_(chunk))):
            keys.add((pid, day, procedure))
    return keys


@dataclass
class ImportPlan:
    new: list[Person] = field(default_factory=list)
    merged: list[tuple[Person, int, dict[str, Any]]] = field(default_factory=list)  # fills
    visits: list[tuple[int | None, int, CleanRow]] = field(default_factory=list)
    # (existing patient id or None, index into ``new`` or -1, row)
    already: int = 0
    skipped_rows: int = 0
    skipped_patients: int = 0
    warnings: list[Problem] = field(default_factory=list)
    sample: list[PlannedPatient] = field(default_factory=list)


def plan_import(session: Session, persons: list[Person], *, policy: str, overwrite: bool,
          labels: dict[str, str]) -> ImportPlan:
    plan = ImportPlan()
    existing = _existing_patients(session)
    if policy == "create" or not (existing.by_id_number or existing.by_mobile_name
                                  or existing.by_name_birth or existing.by_bare_name):
        matches: dict[int, int | None] = dict.fromkeys(range(len(persons)))  # none on file
    else:
        matches = {i: _match(existing, p.fields) for i, p in enumerate(persons)}
        _match_bare(session, existing, persons, matches, plan, labels)
    current = current_fields(session, [pid for pid in matches.values() if pid is not None])
    known_visits = _visit_keys(session, [pid for pid in matches.values() if pid is not None])
    allergies = _allergies(session, [pid for i, pid in matches.items()
                                     if pid is not None and persons[i].fields.allergies])
    for index, person in enumerate(persons):
        pid = matches[index]
        first_row = person.rows[0].row
        mobile = person.fields.mobile
        if pid is None and mobile and mobile in existing.name_of_mobile:
            other, code = existing.name_of_mobile[mobile]
            if other != person.fields.name:
                plan.warnings.append(Problem(first_row, labels.get("mobile", ""), mobile, _(
                    "手机号与已有患者 {name}（{code}）相同但姓名不同，按新患者导入（可能是家属）。",
                    name=other, code=code)))
        visits = [r for r in person.rows if r.visit is not None]
        if pid is not None and policy == "skip":
            plan.skipped_patients += 1
            plan.skipped_rows += len(person.rows)
            plan.warnings.append(Problem(first_row, labels.get("name", ""), person.fields.name,
                                         _("已有该患者（{code}），按“跳过”未导入。",
                                           code=current[pid]["code"])))
            _sample(plan, first_row, person, "skip", 0)
            continue
        if pid is None:
            plan.new.append(person)
            slot = len(plan.new) - 1
            for row in visits:
                plan.visits.append((None, slot, row))
            _sample(plan, first_row, person, "create", len(visits))
            continue
        fills = _fills(current[pid], person, overwrite=overwrite, labels=labels,
                       warnings=plan.warnings)
        allergy, on_file = person.fields.allergies, allergies.get(pid, "")
        if allergy and on_file.strip() and with_allergy(on_file, allergy) != on_file.rstrip():
            plan.warnings.append(Problem(first_row, labels.get("allergies", ""), allergy, _(
                "已有患者 {code} 的过敏史为“{old}”：文件中的已补充在后面。",
                code=current[pid]["code"], old=on_file)))
        plan.merged.append((person, pid, fills))
        added = 0
        for row in visits:
            assert row.visit is not None
            if (pid, row.visit.visit_date, row.visit.procedure) in known_visits:
                plan.already += 1
            else:
                plan.visits.append((pid, -1, row))
                added += 1
        _sample(plan, first_row, person, "merge", added)
    return plan


def _sample(plan: ImportPlan, row: int, person: Person, action: str, visits: int) -> None:
    if len(plan.sample) < 200:
        plan.sample.append(PlannedPatient(row, person.fields.name, person.fields.mobile, action,
                                          visits))


MERGE_COLUMNS = ("sex", "birth_date", "mobile", "phone2", "id_number", "wechat", "email",
                 "occupation", "address", "source", "first_visit_date", "emergency_contact",
                 "emergency_phone")


def current_fields(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    columns = [getattr(Patient, c) for c in MERGE_COLUMNS]
    for chunk in chunks(sorted(set(ids))):
        for row in session.execute(select(Patient.id, Patient.code, Patient.birth_date_approximate,
                                          *columns).where(Patient.id.in_(chunk))):
            pid, code, approximate, *values = row
            found[pid] = {"code": code, "birth_date_approximate": approximate,
                          **dict(zip(MERGE_COLUMNS, values, strict=True))}
    return found


def _fills(current: dict[str, Any], person: Person, *, overwrite: bool,
           labels: dict[str, str], warnings: list[Problem]) -> dict[str, Any]:
    """Fields of an existing patient the file fills in (or, with overwrite, replaces)."""
    fills: dict[str, Any] = {}
    row = person.rows[0].row
    for name in MERGE_COLUMNS:
        new = getattr(person.fields, name)
        if new is None:
            continue
        old = current[name]
        if old is None or (name == "birth_date" and current["birth_date_approximate"]
                           and not person.fields.birth_approximate):
            fills[name] = new
        elif name == "first_visit_date":
            # The earliest one known, whichever says it: the file's visits may be older
            # than those on file (or the other way round), and neither is a disagreement.
            if new < old:
                fills[name] = new
        elif old != new:
            if overwrite:
                fills[name] = new
                reason = _("已有患者 {code} 的原值“{old}”已被文件中的值替换。",
                           code=current["code"], old=old)
            else:
                reason = _("已有患者 {code} 的该项为“{old}”，与文件不同，未覆盖。",
                           code=current["code"], old=old)
            warnings.append(Problem(row, labels.get(name, field_label(name)),
                                    cell_text(new), reason))
    if "birth_date" in fills:
        fills["birth_date_approximate"] = person.fields.birth_approximate
    return fills
