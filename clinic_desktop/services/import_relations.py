"""What ties an import's patients to others: who referred them (介绍人) and their tags (标签).

A referrer is matched to a patient of the same file or of the database: by name and mobile
when the sheet gives a phone, else by a name only one patient has. A sheet may name a
referrer who appears further down, so referrers are resolved after every patient of the batch
has an id. A referrer who matches nobody is kept as the sheet wrote it (``referrer_note``) and
reported; a patient named as his own referrer, and links that would close a cycle (A referred
B, B referred A), are reported and not stored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select, text, update
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.i18n import _
from clinic_desktop.importing.mapping import field_label
from clinic_desktop.importing.rows import Person, Problem
from clinic_desktop.rules.text import normalize_text
from clinic_desktop.services.import_plan import ImportPlan, chunks
from clinic_desktop.storage.bulk import bulk_insert, insert_columns, table_of
from clinic_desktop.storage.models.patient import Patient, PatientTag, Tag

_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1\d{10})(?!\d)")
_NAME_NOISE = re.compile(r"[\s()（）\[\]【】:：,，;；/、\-]+")
NEW = -1  # the key of a patient of this batch not written yet (a dry run)


@dataclass(frozen=True)
class Referral:
    text: str  # as written
    name: str
    phone: str | None


def parse_referrer(text: str, phone: str | None = None) -> Referral:
    """``张三``, ``张三 13800138000``, ``张三（138-0013-8000）``: a name and maybe a mobile."""
    flat = re.sub(r"(?<=\d)[\s-](?=\d)", "", text)
    found = _MOBILE_IN_TEXT.search(flat)
    name = flat
    if found:
        name = flat[:found.start()] + flat[found.end():]
        phone = phone or found.group(1)
    name = _NAME_NOISE.sub("", normalize_text(name))
    return Referral(text, name, phone if phone and _MOBILE_IN_TEXT.fullmatch(phone) else None)


@dataclass
class Relations:
    links: list[tuple[int, int]] = field(default_factory=list)  # (patient, referrer)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (patient, referrer as text)
    warnings: list[Problem] = field(default_factory=list)
    tags_created: int = 0
    tags_linked: int = 0


def _batch_people(plan: ImportPlan, new_ids: Sequence[int] | None
                  ) -> list[tuple[int, Person, dict[str, Any] | None]]:
    """(patient id, person, the merge's fills or None for a new patient). In a dry run the new
    patients get stand-in ids below zero."""
    people: list[tuple[int, Person, dict[str, Any] | None]] = []
    for slot, person in enumerate(plan.new):
        people.append((new_ids[slot] if new_ids is not None else -(slot + 1), person, None))
    for person, pid, fills in plan.merged:
        people.append((pid, person, fills))
    return people


@dataclass(frozen=True)
class ReferrersOnFile:
    """The batch's referrers as written, and the patients already on file with the names they
    give (by name, and by name and mobile). Read before the batch's own patients are written
    (those come from the plan), so the look-up has the name index to use."""

    referrals: list[Referral]  # the people of ``_batch_people`` that name one, in that order
    by_name: dict[str, list[int]]
    by_name_phone: dict[tuple[str, str], list[int]]


def look_up_referrers(session: Session, plan: ImportPlan) -> ReferrersOnFile:
    referrals = [parse_referrer(person.fields.referrer, person.fields.referrer_phone)
                 for _pid, person, _fills in _batch_people(plan, None) if person.fields.referrer]
    by_name: dict[str, list[int]] = defaultdict(list)
    by_name_phone: dict[tuple[str, str], list[int]] = defaultdict(list)
    for chunk in chunks(sorted({r.name for r in referrals if r.name})):
        for pid, name, mobile in session.execute(
                select(Patient.id, Patient.name, Patient.mobile)
                .where(Patient.name.in_(chunk), Patient.merged_into_id.is_(None))):
            by_name[name].append(pid)
            if mobile:
                by_name_phone[(name, mobile)].append(pid)
    return ReferrersOnFile(referrals, dict(by_name), dict(by_name_phone))


def resolve_referrers(session: Session, plan: ImportPlan, new_ids: Sequence[int] | None, *,
                      labels: dict[str, str], overwrite: bool,
                      on_file: ReferrersOnFile | None = None) -> Relations:
    """Each referrer to the patient meant. ``on_file``: ``look_up_referrers`` done before the
    batch's patients were written (else it is done here)."""
    result = Relations()
    on_file = on_file if on_file is not None else look_up_referrers(session, plan)
    people = _batch_people(plan, new_ids)
    asking = [(pid, person, fills, referral) for (pid, person, fills), referral in zip(
        [entry for entry in people if entry[1].fields.referrer], on_file.referrals,
        strict=True)]
    if not asking:
        return result
    column = labels.get("referrer") or field_label("referrer")
    by_name_phone: dict[tuple[str, str], set[int]] = defaultdict(set)
    by_name: dict[str, set[int]] = defaultdict(set)
    named = {r.name for *_rest, r in asking}  # only these names are looked up
    for pid, person, _fills in people:
        name = person.fields.name
        if name not in named:
            continue
        by_name[name].add(pid)
        if person.fields.mobile:
            by_name_phone[(name, person.fields.mobile)].add(pid)
    for name, found in on_file.by_name.items():
        by_name[name].update(found)
    for key, found in on_file.by_name_phone.items():
        by_name_phone[key].update(found)
    current = _current_referrers(session, [pid for pid, _p, fills in people if fills is not None])
    proposed: dict[int, int] = {}
    rows: dict[int, tuple[int, str]] = {}
    for pid, person, fills, referral in asking:
        row = person.rows[0].row
        matches = by_name_phone.get((referral.name, referral.phone), set()) if referral.phone \
            else set()
        if not matches:
            matches = by_name.get(referral.name, set())
        if len(matches) != 1:
            if fills is None or current.get(pid, (None, None)) == (None, None) or overwrite:
                result.notes.append((pid, referral.text[:64]))
            reason = _("有 {n} 位同名患者，无法确定是哪一位，已记为文字。", n=len(matches)) \
                if matches else _("没有找到这位介绍人，已记为文字。")
            result.warnings.append(Problem(row, column, referral.text, reason))
            continue
        (referrer,) = matches
        if referrer == pid:
            result.warnings.append(Problem(row, column, referral.text,
                                           _("患者本人被写成了自己的介绍人，未记录。")))
            continue
        if fills is not None and current.get(pid, (None, None))[0] is not None and not overwrite:
            if current[pid][0] != referrer:
                result.warnings.append(Problem(row, column, referral.text,
                                               _("已有患者的介绍人与文件不同，未覆盖。")))
            continue
        proposed[pid] = referrer
        rows[pid] = (row, referral.text)
    on_cycle = _on_cycles(session, proposed)
    for pid, referrer in proposed.items():
        row, text = rows[pid]
        if pid in on_cycle:
            result.warnings.append(Problem(row, column, text, _(
                "介绍关系成了一个圈（甲介绍乙，乙又介绍甲），未记录，请核对。")))
        else:
            result.links.append((pid, referrer))
    return result


def _current_referrers(session: Session, ids: Sequence[int]) -> dict[int, tuple[int | None,
                                                                              str | None]]:
    found: dict[int, tuple[int | None, str | None]] = {}
    for chunk in chunks(sorted(ids)):
        for pid, referrer, note in session.execute(
                select(Patient.id, Patient.referred_by_id, Patient.referrer_note)
                .where(Patient.id.in_(chunk))):
            found[pid] = (referrer, note)
    return found


def _on_cycles(session: Session, proposed: dict[int, int]) -> set[int]:
    """The patients whose proposed link closes a loop, through links already stored too."""
    stored: dict[int, int | None] = {}

    def next_of(node: int) -> int | None:
        if node in proposed:
            return proposed[node]
        if node < 0:
            return None
        if node not in stored:
            stored[node] = session.execute(select(Patient.referred_by_id)
                                           .where(Patient.id == node)).scalar()
        return stored[node]

    # Prefetch the stored links of every referrer named (one query a chunk, not one a node).
    targets = sorted({r for r in proposed.values() if r > 0 and r not in proposed})
    for chunk in chunks(targets):
        stored.update(session.execute(select(Patient.id, Patient.referred_by_id)
                                      .where(Patient.id.in_(chunk))).all())
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    cycles: set[int] = set()
    for start in proposed:
        path: list[int] = []
        node: int | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = next_of(node)
        if node is not None and state.get(node) == 1:
            cycles.update(path[path.index(node):])
        for visited in path:
            state[visited] = 2
    return cycles & set(proposed)


def write_referrers(session: Session, relations: Relations,
                    merged_ids: set[int], undo: dict[str, Any]) -> None:
    """Store the links and notes; for a merged patient, what undo needs to put back."""
    if not relations.links and not relations.notes:
        return
    mark_table(session, "patient")
    before = _current_referrers(session, [pid for pid, _r in relations.links + relations.notes
                                          if pid in merged_ids])
    connection = session.connection()
    if relations.links:
        _set_by_id(connection, "referred_by_id", "integer", dict(relations.links))
    if relations.notes:
        _set_by_id(connection, "referrer_note", "text", dict(relations.notes))
    for pid, referrer in relations.links:
        if pid in merged_ids:
            fields = undo.setdefault(str(pid), {}).setdefault("fields", {})
            fields["referred_by_id"] = [before[pid][0], referrer]
    for pid, note in relations.notes:
        if pid in merged_ids:
            fields = undo.setdefault(str(pid), {}).setdefault("fields", {})
            fields["referrer_note"] = [before[pid][1], note]


def _set_by_id(connection: Connection, column: str, array_type: str,
               values: dict[int, Any]) -> None:
    """Set one column of the patients ``values`` names (patient id → value). On PostgreSQL in
    one statement over two arrays: one UPDATE a patient costs the server a statement each (an
    import links thousands); on SQLite one prepared statement run for each."""
    table = table_of(Patient)
    if connection.dialect.name == "postgresql":
        connection.execute(text(
            f'UPDATE patient SET "{column}" = given.value FROM unnest('
            f"CAST(:ids AS integer[]), CAST(:values AS {array_type}[])) AS given(id, value) "
            "WHERE patient.id = given.id"), {"ids": list(values), "values": list(values.values())})
        return
    connection.execute(update(table).where(table.c.id == bindparam("pid")).values(
        {column: bindparam("value")}), [{"pid": p, "value": v} for p, v in values.items()])


# -- tags ------------------------------------------------------------------------------------
def plan_tags(session: Session, plan: ImportPlan, new_ids: Sequence[int] | None
              ) -> tuple[list[str], list[tuple[int, str]], dict[str, int]]:
    """(tags to create, (patient, tag) links to add, existing tags by name). A tag is the
    same whatever its letters' case (VIP, vip): the one on file, else the file's first."""
    people = _batch_people(plan, new_ids)
    if not any(person.fields.tags for _pid, person, _f in people):
        return [], [], {}
    existing = dict(session.execute(select(Tag.name, Tag.id)).all())
    spelling = {name.casefold(): name for name in sorted(existing, reverse=True)}
    tagged = [(pid, [spelling.setdefault(n.casefold(), n) for n in person.fields.tags],
               fills is not None) for pid, person, fills in people]
    wanted = {name for _pid, tags, _merged in tagged for name in tags}
    merged = [pid for pid, tags, on_file in tagged if on_file and tags]
    linked: set[tuple[int, int]] = set()
    for chunk in chunks(sorted(merged)):
        linked.update(session.execute(select(PatientTag.patient_id, PatientTag.tag_id)
                                      .where(PatientTag.patient_id.in_(chunk))).all())
    links = list(dict.fromkeys((pid, name) for pid, tags, _merged in tagged for name in tags
                               if (pid, existing.get(name, 0)) not in linked))
    create = sorted(wanted - set(existing))
    return create, links, existing


def write_tags(session: Session, plan: ImportPlan, new_ids: Sequence[int], batch_id: int,
               relations: Relations) -> None:
    create, links, existing = plan_tags(session, plan, new_ids)
    if create:
        mark_table(session, "tag")
        ids = bulk_insert(session.connection(), table_of(Tag),
                          ("name", "colour", "import_batch_id"),
                          ((name, "#5B7083", batch_id) for name in create))
        existing.update(zip(create, ids, strict=True))
    if links:
        mark_table(session, "patient_tag")
        pairs = list(dict.fromkeys(links))
        insert_columns(session.connection(), table_of(PatientTag), {
            "patient_id": [pid for pid, _name in pairs],
            "tag_id": [existing[name] for _pid, name in pairs]},
            {"import_batch_id": batch_id}, want_ids=False)
    relations.tags_created, relations.tags_linked = len(create), len(links)


def count_tags(session: Session, plan: ImportPlan, relations: Relations) -> None:
    """The dry run's figures: tags that would be created and links that would be added."""
    create, links, _existing = plan_tags(session, plan, None)
    relations.tags_created, relations.tags_linked = len(create), len(links)
