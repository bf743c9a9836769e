"""The import's values step: every distinct procedure and doctor name of a sheet, matched to
the catalogue and the staff (``importing.values`` holds the rules), checked, and what the
batch adds for them (new catalogue entries, inactive doctors) written with its batch id.

A mapping that names a procedure or a doctor the clinic does not have is refused here, inside
the import's transaction and before anything is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.rows import CleanRow, Problem
from clinic_desktop.importing.values import (
    COLUMNS,
    CatalogueEntry,
    Matcher,
    StaffEntry,
    ValueChoice,
    ValueChoices,
    ValueMatch,
    key,
    match_values,
)
from clinic_desktop.permissions import Permission, Role
from clinic_desktop.rules.legacy_values import Cell, cell_text, is_summary_label
from clinic_desktop.services.catalogue import CATEGORIES
from clinic_desktop.storage.bulk import bulk_insert, table_of
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.staff import Staff

_UNSEEN = object()
NO_PASSWORD = "!"  # not an argon2 hash: no password ever verifies against it


@dataclass(frozen=True)
class ValuesPreview:
    """What the wizard's values step shows: the names with their suggestions, and what can be
    chosen instead."""

    matches: tuple[ValueMatch, ...]
    procedures: tuple[CatalogueEntry, ...]  # the catalogue, in its order
    categories: tuple[str, ...]
    staff: tuple[StaffEntry, ...]  # doctors first


@dataclass
class Target:
    name: str
    category: str | None = None
    id: int | None = None  # None until a new entry is written (and in a dry run)
    new: bool = False


@dataclass
class ResolvedValues:
    matches: list[ValueMatch]
    procedures: dict[str, Target | None] = field(default_factory=dict)  # by key(); None: as is
    doctors: dict[str, Target | None] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    # Per-row look-ups by the sheet's text: normalised once per distinct name, not per row.
    _seen: dict[tuple[str, str], Target | None] = field(default_factory=dict)

    def procedure(self, name: str) -> Target | None:
        found = self._seen.get(("p", name), _UNSEEN)
        if found is _UNSEEN:
            found = self._seen[("p", name)] = self.procedures.get(key(name))
        return found  # type: ignore[return-value]

    def doctor(self, name: str) -> Target | None:
        if not name:
            return None
        found = self._seen.get(("d", name), _UNSEEN)
        if found is _UNSEEN:
            found = self._seen[("d", name)] = self.doctors.get(key(name))
        return found  # type: ignore[return-value]

    @property
    def procedures_created(self) -> int:
        return len({t.name for t in self.procedures.values() if t is not None and t.new})

    @property
    def doctors_created(self) -> int:
        return len({t.name for t in self.doctors.values() if t is not None and t.new})


# -- reading the catalogue and the staff ------------------------------------------------------
def _catalogue(session: Session) -> list[CatalogueEntry]:
    from sqlalchemy import case

    rank = case({c: i for i, c in enumerate(CATEGORIES)}, value=ProcedureType.category,
                else_=len(CATEGORIES))
    return [CatalogueEntry(name, category, active) for name, category, active in session.execute(
        select(ProcedureType.name, ProcedureType.category, ProcedureType.active)
        .order_by(rank, ProcedureType.name))]


def _staff(session: Session) -> list[StaffEntry]:
    return [StaffEntry(name, is_doctor, active) for name, is_doctor, active in session.execute(
        select(Staff.display_name, Staff.is_doctor, Staff.active)
        .order_by(Staff.is_doctor.desc(), Staff.active.desc(), Staff.display_name))]


def matcher_in(session: Session) -> Matcher:
    return Matcher(_catalogue(session), _staff(session), categories=CATEGORIES)


# -- counting the names ----------------------------------------------------------------------
def counts_of_rows(rows: Iterable[CleanRow]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {c: Counter() for c in COLUMNS}
    for row in rows:
        visit = row.visit
        if visit is None:
            continue
        if visit.procedure_given:
            counts["procedure"][visit.procedure] += 1
        if visit.doctor:
            counts["doctor"][visit.doctor] += 1
    return counts


def counts_of_cells(rows: Sequence[Sequence[Cell]], header_index: int,
                    mapping: dict[int, str]) -> dict[str, Counter[str]]:
    """The names as the sheet has them (before cleaning): for the values step."""
    counts: dict[str, Counter[str]] = {c: Counter() for c in COLUMNS}
    for column, field_key in mapping.items():
        if field_key not in COLUMNS:
            continue
        found = counts[field_key]
        for row in rows[header_index + 1:]:
            if column < len(row):
                value = row[column]
                if value is not None and value != "":
                    found[cell_text(value)] += 1
        for name in [n for n in found if not n or is_summary_label(n)]:
            del found[name]
    return counts


# -- checking the choices --------------------------------------------------------------------
def resolve(session: Session, matches: list[ValueMatch], choices: ValueChoices | None,
            labels: dict[str, str]) -> ResolvedValues:
    """Each match to what it links to; a choice naming a procedure or doctor that does not
    exist, or a category that does not, is refused naming it."""
    procedures = {key(p.name): p for p in session.execute(select(ProcedureType)).scalars()}
    staff: dict[str, Staff] = {}
    for member in session.execute(select(Staff).order_by(
            Staff.is_doctor.desc(), Staff.active.desc(), Staff.id)).scalars():
        staff.setdefault(key(member.display_name), member)
    _check_choices(choices or {}, procedures, staff)
    resolved = ResolvedValues(matches)
    # A new entry's spellings in the sheet and their rows: one warning per entry, not per
    # spelling (李建国主任 and 李建国 are one inactive doctor).
    new: dict[tuple[str, str], tuple[ValueChoice, list[str], list[int]]] = {}
    for m in matches:
        choice, where = m.choice, key(m.value)
        if m.column == "procedure":
            if choice.action == "none":
                resolved.procedures[where] = None
                continue
            existing = procedures.get(key(choice.target))
            if existing is not None:
                resolved.procedures[where] = Target(existing.name, existing.category, existing.id)
                continue
            if choice.action != "new":
                raise _missing_procedure(choice.target)
            resolved.procedures[where] = Target(choice.target[:64], choice.category, new=True)
            _note_new(new, "procedure", choice, m)
        else:
            if choice.action == "none":
                resolved.doctors[where] = None
                resolved.warnings.append(Problem(None, labels.get("doctor", ""), m.value, _(
                    "医生“{name}”未关联员工（{n} 行），已写入就诊备注。", name=m.value, n=m.rows)))
                continue
            known = staff.get(key(choice.target))
            if known is not None and (known.is_doctor or choice.action != "inactive"):
                resolved.doctors[where] = Target(known.display_name, id=known.id)
                continue
            if choice.action != "inactive":
                raise _missing_doctor(choice.target)
            resolved.doctors[where] = Target(choice.target[:64], new=True)
            _note_new(new, "doctor", choice, m)
    for (column, _name), (choice, spellings, rows) in new.items():
        resolved.warnings.append(Problem(None, labels.get(column, ""), "、".join(spellings), _(
            "新增到项目目录：“{name}”（类别“{category}”，{n} 行）；价格和时长请到项目目录"
            "中补全。", name=choice.target, category=choice.category, n=sum(rows))
            if column == "procedure" else _(
            "新建停用医生“{name}”（{n} 行）：不能登录，不能预约，只为保留就诊记录的医生。",
            name=choice.target, n=sum(rows))))
    # One new entry per name, however many of the sheet's spellings chose it.
    for targets in (resolved.procedures, resolved.doctors):
        first: dict[str, Target] = {}
        for where, target in list(targets.items()):
            if target is not None and target.new:
                targets[where] = first.setdefault(key(target.name), target)
    return resolved


def _note_new(new: dict[tuple[str, str], tuple[ValueChoice, list[str], list[int]]],
              column: str, choice: ValueChoice, match: ValueMatch) -> None:
    _choice, spellings, rows = new.setdefault((column, key(choice.target)), (choice, [], []))
    spellings.append(match.value)
    rows.append(match.rows)


def _check_choices(choices: ValueChoices, procedures: dict[str, ProcedureType],
                   staff: dict[str, Staff]) -> None:
    for name, choice in choices.get("procedure", {}).items():
        if choice.action == "match" and key(choice.target) not in procedures:
            raise _missing_procedure(choice.target, name)
        if choice.action == "new" and choice.category not in CATEGORIES:
            raise UserError(_("对应方案把“{name}”新增到类别“{category}”，但没有这个类别"
                              "（可用：{all}）。",
                              name=name, category=choice.category, all="、".join(CATEGORIES)),
                            field="mapping")
    for name, choice in choices.get("doctor", {}).items():
        if choice.action != "match":
            continue
        member = staff.get(key(choice.target))
        if member is None:
            raise _missing_doctor(choice.target, name)
        if not member.is_doctor:  # the visits would count for them in the doctors' reports
            raise UserError(_("对应方案把文件中的医生“{name}”对应到“{target}”，但“{target}”"
                              "不是医生：请改为医生，或写成停用医生。", name=name,
                              target=choice.target),
                            field="mapping")


def _missing_procedure(target: str, name: str = "") -> UserError:
    return UserError(_("对应方案中的项目“{target}”不在项目目录中{of}：请改为目录中的项目，或写成"
                       "新增项目。", target=target,
                       of=_("（文件中的“{name}”）", name=name) if name else ""), field="mapping")


def _missing_doctor(target: str, name: str = "") -> UserError:
    return UserError(_("对应方案中的医生“{target}”不在员工名单中{of}：请改为已有员工，或写成"
                       "停用医生。", target=target,
                       of=_("（文件中的“{name}”）", name=name) if name else ""), field="mapping")


# -- writing what the batch adds ---------------------------------------------------------------
def write_new_entries(ctx: Context, session: Session, resolved: ResolvedValues,
                      batch_id: int) -> None:
    """The new catalogue entries and inactive doctors, each carrying the batch id."""
    new_procedures = _distinct_new(resolved.procedures.values())
    if new_procedures:
        mark_table(session, "procedure_type")
        ids = bulk_insert(session.connection(), table_of(ProcedureType),
                          ("name", "category", "high_value", "default_minutes", "price",
                           "colour", "active", "import_batch_id"),
                          ((t.name, t.category, False, 30, Decimal(0), "#5B7083", True, batch_id)
                           for t in new_procedures))
        for target, new_id in zip(new_procedures, ids, strict=True):
            target.id = new_id
    new_doctors = _distinct_new(resolved.doctors.values())
    if new_doctors:
        taken = set(session.execute(select(Staff.username)).scalars())
        names = []
        for n in range(1, len(new_doctors) + len(taken) + 2):
            candidate = f"import{batch_id}-{n}"
            if candidate not in taken:
                names.append(candidate)
            if len(names) == len(new_doctors):
                break
        mark_table(session, "staff")
        ids = bulk_insert(session.connection(), table_of(Staff),
                          ("username", "display_name", "role", "active", "password_hash",
                           "is_doctor", "created_at", "import_batch_id"),
                          ((username, t.name, Role.DOCTOR.value, False, NO_PASSWORD, True,
                            ctx.now(), batch_id)
                           for username, t in zip(names, new_doctors, strict=True)))
        for target, new_id in zip(new_doctors, ids, strict=True):
            target.id = new_id


def _distinct_new(targets: Iterable[Target | None]) -> list[Target]:
    seen: dict[int, Target] = {}
    for target in targets:
        if target is not None and target.new:
            seen.setdefault(id(target), target)
    return list(seen.values())


# -- the wizard's read -----------------------------------------------------------------------
def preview_values(ctx: Context, rows: Sequence[Sequence[Cell]], *, header_index: int,
                   mapping: dict[int, str], choices: ValueChoices | None = None,
                   ) -> ValuesPreview:
    """The distinct procedure and doctor names under the header, each with its suggestion
    (or the choice ``choices`` already holds for it)."""
    ctx.require(Permission.IMPORT_RUN)
    counts = counts_of_cells(rows, header_index, mapping)
    with ctx.transaction() as session:
        catalogue, staff = _catalogue(session), _staff(session)
    matcher = Matcher(catalogue, staff, categories=CATEGORIES)
    return ValuesPreview(tuple(match_values(matcher, counts, choices)), tuple(catalogue),
                         CATEGORIES, tuple(staff))
