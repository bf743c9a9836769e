"""A legacy sheet's balances (储值余额, 欠费, 积分, 会员等级) as opening entries of the import.

Each balance becomes an ordinary journal entry of the loyalty engine, dated the import and
carrying the batch id (``source = "opening"`` on the ledger, kind ``opening`` in the points
journal, cause ``opening`` in the tier history), so undoing the batch removes it:

- stored value: a ``topup`` of the principal pot of the patient's card (the household holder's
  when the card is shared), with no payment method: no money came in today;
- owed: a ``charge`` with no visit;
- points: a received lot, expiring by the loyalty rules in force;
- tier: a tier given by hand, held for one tier window (the rules' ``tier_window_months``), so
  the nightly job does not take it away before the patient has had a window to qualify.

The file's figure is the balance the patient has after the import. The opening entry is what
is missing to reach it: all of it for a new patient, the difference for a patient already on
file (and for what the sheet's own visits left unpaid). A balance the clinic already shows
above the file's is not lowered, only reported, and importing the same sheet twice does not
double anything.

Writes are bulk inserts proportional to the patients with a balance; the reads for patients
already on file go a chunk of ids at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.balances import TIER, TierEntry, match_tiers, tier_name
from clinic_desktop.importing.mapping import field_label
from clinic_desktop.importing.rows import CleanRow, Person, Problem
from clinic_desktop.importing.values import ValueChoices, ValueMatch, key
from clinic_desktop.permissions import Permission
from clinic_desktop.rules import RuleError
from clinic_desktop.rules.legacy_values import Cell, is_summary_label
from clinic_desktop.services.billing import pot_delta
from clinic_desktop.services.import_plan import ImportPlan, chunks
from clinic_desktop.services.import_writer import charge_of, discount_of, payment_of
from clinic_desktop.services.loyalty.common import PRINCIPAL, fen, fen_sum, yuan
from clinic_desktop.services.loyalty.opening import refresh_caches_in_bulk
from clinic_desktop.services.loyalty.points import expiry_for
from clinic_desktop.services.loyalty.rules import LoyaltyRules, rules_in
from clinic_desktop.services.loyalty.tiers import add_months
from clinic_desktop.storage.bulk import bulk_insert, table_of
from clinic_desktop.storage.models.clinical import LedgerEntry
from clinic_desktop.storage.models.loyalty import (
    LoyaltyTier,
    PointsEntry,
    StoredValueShare,
    TierChange,
)
from clinic_desktop.storage.models.patient import Patient

OPENING = "opening"
ZERO = Decimal("0.00")
_UNSEEN = object()


# -- the clinic's tiers and the sheet's names ---------------------------------------------------
@dataclass(frozen=True)
class TierPreview:
    """What the values step shows for the 会员等级 column: each distinct name with its
    suggestion, and the tiers that can be chosen instead (active, lowest first)."""

    matches: tuple[ValueMatch, ...]
    tiers: tuple[TierEntry, ...]


def _tier_entries(session: Session) -> list[TierEntry]:
    return [TierEntry(name, rank, kind, active) for name, rank, kind, active in session.execute(
        select(LoyaltyTier.name, LoyaltyTier.rank, LoyaltyTier.threshold_kind,
               LoyaltyTier.active).order_by(LoyaltyTier.rank, LoyaltyTier.id))]


def tier_counts_of_cells(rows: Sequence[Sequence[Cell]], header_index: int,
                         mapping: dict[int, str]) -> Counter[str]:
    """The tier names as the sheet has them (before cleaning), with their rows."""
    found: Counter[str] = Counter()
    parse = tier_name("")
    for column, field_key in mapping.items():
        if field_key != TIER:
            continue
        for row in rows[header_index + 1:]:
            value = row[column] if column < len(row) else None
            if value is None or value == "" or is_summary_label(value):
                continue
            try:
                name = parse(value)
            except RuleError:
                continue  # refused by the cleaning, row by row
            if name:
                found[name] += 1
    return found


def preview_tiers(ctx: Context, rows: Sequence[Sequence[Cell]], *, header_index: int,
                  mapping: dict[int, str], choices: ValueChoices | None = None,
                  ) -> TierPreview:
    """The distinct 会员等级 names under the header, each with its suggestion (or the choice
    ``choices`` already holds for it); empty when no column is mapped to the tier."""
    ctx.require(Permission.IMPORT_RUN)
    counts = tier_counts_of_cells(rows, header_index, mapping)
    with ctx.transaction() as session:
        tiers = _tier_entries(session)
    matches = match_tiers(tiers, counts, (choices or {}).get(TIER)) if counts else []
    return TierPreview(tuple(matches), tuple(t for t in tiers if t.active))


@dataclass
class TierTarget:
    name: str
    id: int | None = None  # None until a new tier is written (and in a dry run)
    new: bool = False


@dataclass
class ResolvedTiers:
    matches: list[ValueMatch] = field(default_factory=list)
    targets: dict[str, TierTarget | None] = field(default_factory=dict)  # by key(); None: none
    warnings: list[Problem] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # tier id -> name, every tier
    _seen: dict[str, TierTarget | None] = field(default_factory=dict)

    def target(self, name: str) -> TierTarget | None:
        found = self._seen.get(name, _UNSEEN)
        if found is _UNSEEN:
            found = self._seen[name] = self.targets.get(key(name))
        return found  # type: ignore[return-value]


def resolve_tiers(session: Session, rows: Iterable[CleanRow], choices: ValueChoices | None,
                  labels: dict[str, str]) -> ResolvedTiers:
    """Each tier name of the kept rows to the clinic's tier it means, or to a new one; a
    choice naming a tier the clinic does not have (or has stopped) is refused naming it."""
    counts: Counter[str] = Counter(row.opening.tier for row in rows
                                   if row.opening is not None and row.opening.tier)
    resolved = ResolvedTiers()
    if not counts:
        return resolved
    tiers = list(session.execute(select(LoyaltyTier)).scalars())
    resolved.names = {t.id: t.name for t in tiers}
    by_key = {key(t.name): t for t in tiers}
    resolved.matches = match_tiers(_tier_entries(session), counts, (choices or {}).get(TIER))
    column = labels.get(TIER) or field_label(TIER)
    for m in resolved.matches:
        choice = m.choice
        if choice.action == "none":
            resolved.targets[key(m.value)] = None
            continue
        existing = by_key.get(key(choice.target))
        if existing is not None and existing.active:
            resolved.targets[key(m.value)] = TierTarget(existing.name, existing.id)
            continue
        if existing is not None:
            raise UserError(_("会员等级“{target}”已停用（文件中的“{name}”）：请选择启用中的等级，"
                              "或不导入。", target=existing.name, name=m.value), field="mapping")
        if choice.action != "new":
            raise UserError(_("对应方案中的会员等级“{target}”诊所没有（文件中的“{name}”）：请改为"
                              "已有等级，或写成新建等级。", target=choice.target, name=m.value),
                            field="mapping")
        resolved.targets[key(m.value)] = TierTarget(choice.target[:32], new=True)
    # One new tier per name, however many of the sheet's spellings chose it.
    first: dict[str, TierTarget] = {}
    for where, target in list(resolved.targets.items()):
        if target is not None and target.new:
            resolved.targets[where] = first.setdefault(key(target.name), target)
    for target in first.values():
        rows_of = sum(m.rows for m in resolved.matches
                      if resolved.targets.get(key(m.value)) is target)
        resolved.warnings.append(Problem(None, column, target.name, _(
            "新建会员等级“{name}”（{n} 行）：仅手动授予，不参与自动升降级；折扣和积分倍数请到"
            "会员设置中补全。", name=target.name, n=rows_of)))
    return resolved


def write_new_tiers(ctx: Context, session: Session, targets: Iterable[TierTarget],
                    batch_id: int) -> int:
    """The tiers the batch creates, given by hand only, above the clinic's tiers (ranks are
    unique among active tiers); each carries the batch id."""
    new = list({id(t): t for t in targets if t.new and t.id is None}.values())
    if not new:
        return 0
    ctx.require(Permission.LOYALTY_MANAGE)
    rank = session.execute(select(func.max(LoyaltyTier.rank))).scalar() or 0
    now = ctx.now()
    for target in new:
        rank += 1
        row = LoyaltyTier(name=target.name, rank=rank, threshold_kind="manual",
                          threshold=ZERO, discounts_json="{}", multiplier_percent=100,
                          colour="#90A4AE", active=True, created_at=now, updated_at=now,
                          import_batch_id=batch_id)
        session.add(row)
        session.flush()
        target.id = row.id
    mark_table(session, "loyalty_tier")
    return len(new)


# -- what each patient opens with -------------------------------------------------------------
@dataclass
class PatientOpening:
    """The entries one patient of the batch opens with (zero / None: nothing to write)."""

    patient_id: int | None  # a patient already on file; None: the batch's new patient ``slot``
    slot: int
    holder_id: int | None = None  # whose card the stored value goes on (None: the patient)
    stored_value: Decimal = ZERO
    owed: Decimal = ZERO
    points: int = 0
    tier: TierTarget | None = None
    tier_text: str = ""


@dataclass(frozen=True)
class OpeningTotals:
    """What a batch opened: money in yuan, and how many patients each."""

    stored_value: Decimal = ZERO
    stored_value_patients: int = 0
    owed: Decimal = ZERO
    owed_patients: int = 0
    points: int = 0
    points_patients: int = 0
    tiers_set: int = 0
    tiers_created: int = 0

    def __bool__(self) -> bool:
        return bool(self.stored_value_patients or self.owed_patients or self.points_patients
                    or self.tiers_set)

    def as_json(self) -> dict[str, Any]:
        return {"stored_value": float(self.stored_value),
                "stored_value_patients": self.stored_value_patients,
                "owed": float(self.owed), "owed_patients": self.owed_patients,
                "points": self.points, "points_patients": self.points_patients,
                "tiers_set": self.tiers_set, "tiers_created": self.tiers_created}


@dataclass
class OpeningPlan:
    entries: list[PatientOpening] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def totals(self) -> OpeningTotals:
        e = self.entries
        created = {id(x.tier) for x in e if x.tier is not None and x.tier.new}
        return OpeningTotals(
            sum((x.stored_value for x in e), ZERO), sum(1 for x in e if x.stored_value),
            sum((x.owed for x in e), ZERO), sum(1 for x in e if x.owed),
            sum(x.points for x in e), sum(1 for x in e if x.points),
            sum(1 for x in e if x.tier is not None), len(created))

    def tier_targets(self) -> list[TierTarget]:
        return [x.tier for x in self.entries if x.tier is not None]

    def caches_of_new(self, count: int) -> list[tuple[int, str | None]]:
        """(points, tier name) of each new patient, for the patient row's cached display."""
        caches: list[tuple[int, str | None]] = [(0, None)] * count
        for x in self.entries:
            if x.patient_id is None:
                caches[x.slot] = (x.points, x.tier.name if x.tier is not None else None)
        return caches


@dataclass
class _Current:
    """A patient already on file: the balances the clinic shows now."""

    code: str = ""
    owed: int = 0  # fen, net: negative is credit
    holder_id: int | None = None
    stored_value: int = 0  # fen, principal + bonus of the card the patient spends
    points: int = 0
    tier_id: int | None = None


def _current(session: Session, ids: Sequence[int], wanted: set[str]) -> dict[int, _Current]:
    found = {pid: _Current(holder_id=pid) for pid in ids}
    amount = fen(LedgerEntry.amount)
    net = (fen_sum(LedgerEntry.kind == "charge", amount)
           - fen_sum(LedgerEntry.kind == "discount", amount)
           - fen_sum(LedgerEntry.kind == "payment", amount)
           + fen_sum(LedgerEntry.kind == "refund", amount))
    for chunk in chunks(sorted(ids)):
        for pid, code in session.execute(select(Patient.id, Patient.code)
                                         .where(Patient.id.in_(chunk))):
            found[pid].code = code
        if "owed" in wanted:
            for pid, total in session.execute(select(LedgerEntry.patient_id, net).where(
                    LedgerEntry.patient_id.in_(chunk)).group_by(LedgerEntry.patient_id)):
                found[pid].owed = int(total)
        if "stored_value" in wanted:
            for pid, holder in session.execute(select(
                    StoredValueShare.patient_id, StoredValueShare.holder_id).where(
                    StoredValueShare.patient_id.in_(chunk))):
                found[pid].holder_id = holder
        if "points" in wanted:
            for pid, total in session.execute(select(
                    PointsEntry.patient_id, func.sum(PointsEntry.points)).where(
                    PointsEntry.patient_id.in_(chunk)).group_by(PointsEntry.patient_id)):
                found[pid].points = int(total or 0)
        if TIER in wanted:
            latest = (select(func.max(TierChange.id)).where(TierChange.patient_id.in_(chunk))
                      .group_by(TierChange.patient_id))
            for pid, tier_id in session.execute(select(TierChange.patient_id, TierChange.tier_id)
                                                .where(TierChange.id.in_(latest))):
                found[pid].tier_id = tier_id
    if "stored_value" in wanted:
        holders = sorted({c.holder_id for c in found.values() if c.holder_id is not None})
        cards: dict[int, int] = {}
        for chunk in chunks(holders):
            for card, total in session.execute(
                    select(LedgerEntry.holder_id, func.sum(pot_delta())).where(
                        LedgerEntry.holder_id.in_(chunk), LedgerEntry.pot.is_not(None))
                    .group_by(LedgerEntry.holder_id)):
                if card is not None:
                    cards[card] = int(total or 0)
        for c in found.values():
            c.stored_value = cards.get(c.holder_id or 0, 0)
    return found


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def plan_openings(session: Session, plan: ImportPlan, tiers: ResolvedTiers, *,
                  overwrite: bool, labels: dict[str, str]) -> OpeningPlan:
    """The entries that bring each patient of the batch to the file's balances."""
    result = OpeningPlan()
    people: list[tuple[int | None, int, Person]] = [
        (None, slot, p) for slot, p in enumerate(plan.new) if p.opening is not None]
    people += [(pid, -1, p) for p, pid, _fills in plan.merged if p.opening is not None]
    if not people:
        return result
    wanted = {name for _pid, _slot, p in people for name in ("stored_value", "owed", "points",
                                                               TIER)
              if getattr(p.opening, name) is not None}
    current = _current(session, [pid for pid, _s, _p in people if pid is not None], wanted)
    unpaid = _unpaid_by_owner(plan) if "owed" in wanted else {}

    def column(name: str) -> str:
        return labels.get(name) or field_label(name)

    in_file = _("本文件的就诊所记的")
    nothing = _Current()  # a new patient has no balances yet (only read below)
    seen: set[int] = set()
    for pid, slot, person in people:
        o = person.opening
        assert o is not None
        if pid is not None:
            if pid in seen:  # two people of the file matched one patient: the first opens
                continue
            seen.add(pid)
        now = current.get(pid, nothing) if pid is not None else nothing
        row = person.rows[0].row
        entry = PatientOpening(pid, slot, holder_id=now.holder_id)
        who = _("已有患者 {code} 的", code=now.code) if pid is not None else in_file
        if o.stored_value is not None:
            missing = _missing(_fen(o.stored_value), now.stored_value)
            entry.stored_value = yuan(missing)
            _explain(result, row, column("stored_value"), o.stored_value, now.stored_value,
                     missing, who, money=True)
        if o.owed is not None:
            have = now.owed + unpaid.get((pid, slot), 0)
            missing = _missing(_fen(o.owed), have)
            entry.owed = yuan(missing)
            _explain(result, row, column("owed"), o.owed, have, missing, who, money=True)
        if o.points is not None:
            missing = _missing(o.points, now.points)
            entry.points = missing
            _explain(result, row, column("points"), o.points, now.points, missing, who,
                     money=False)
        target = tiers.target(o.tier) if o.tier else None
        if target is not None and (target.new or target.id != now.tier_id):
            if now.tier_id is None or overwrite:
                entry.tier, entry.tier_text = target, o.tier or ""
            else:  # the tier on file stays, as a merge keeps a field on file
                result.warnings.append(Problem(row, column(TIER), o.tier or "", _(
                    "{who}会员等级为“{old}”，与文件中的“{new}”不同，未覆盖。", who=who,
                    old=tiers.names.get(now.tier_id, "-"), new=target.name)))
        if entry.stored_value or entry.owed or entry.points or entry.tier is not None:
            result.entries.append(entry)
    return result


def _missing(wanted: int, have: int) -> int:
    return max(wanted - have, 0)


def _explain(result: OpeningPlan, row: int, column: str, value: Decimal | int, have: int,
             missing: int, who: str, *, money: bool) -> None:
    """A note when the clinic already shows some of the balance (or more than the file)."""
    if have == 0:
        return

    def shown(number: int) -> str:
        return f"¥{yuan(number)}" if money else str(number)

    if missing:
        reason = _("{who}{column}已是 {have}，期初只补记差额 {missing}，使余额与文件一致。",
                   who=who, column=column, have=shown(have), missing=shown(missing))
    elif have > (_fen(Decimal(value)) if money else int(value)):
        reason = _("{who}{column}已是 {have}，多于文件中的 {value}，没有调整，请核对。",
                   who=who, column=column, have=shown(have),
                   value=shown(_fen(Decimal(value)) if money else int(value)))
    else:
        return
    result.warnings.append(Problem(row, column, str(value), reason))


def unpaid_over_openings(session: Session, plan: ImportPlan,
                         labels: dict[str, str]) -> list[Problem]:
    """A warning for each patient on file whose opening 欠费 an earlier import set, when this
    file's visits leave more owing: those visits are history, likely already in that
    figure, yet they add to it (an opening is the balance on its day, and no import lowers a
    balance). Not when this file gives the patient's 欠费 itself: its figure is then reached,
    as ``plan_openings`` does."""
    unpaid: dict[int, tuple[int, int]] = {}  # patient → (fen, first row)
    given = {pid for p, pid, _f in plan.merged if p.opening is not None
             and p.opening.owed is not None}
    for pid, _slot, row in plan.visits:
        if pid is None or pid in given:
            continue
        owed = _fen(charge_of(row) - discount_of(row) - payment_of(row))
        if owed > 0:
            total, first = unpaid.get(pid, (0, row.row))
            unpaid[pid] = (total + owed, min(first, row.row))
    if not unpaid:
        return []
    opened: dict[int, tuple[str, int]] = {}
    for chunk in chunks(sorted(unpaid)):
        for pid, code, total in session.execute(
                select(LedgerEntry.patient_id, Patient.code, func.sum(fen(LedgerEntry.amount)))
                .join(Patient, Patient.id == LedgerEntry.patient_id)
                .where(LedgerEntry.patient_id.in_(chunk), LedgerEntry.source == OPENING,
                       LedgerEntry.kind == "charge")
                .group_by(LedgerEntry.patient_id, Patient.code)):
            opened[pid] = (code, int(total or 0))
    column = labels.get("paid") or labels.get("amount") or field_label("amount")
    return [Problem(unpaid[pid][1], column, str(yuan(unpaid[pid][0])), _(
        "患者 {code} 已有导入的期初欠费 {opening} 元；本文件的就诊未付 {unpaid} 元会再加上去。"
        "如果期初欠费已包含这些就诊，导入后请在账目中核对。", code=code,
        opening=yuan(total), unpaid=yuan(unpaid[pid][0])))
        for pid, (code, total) in sorted(opened.items()) if total > 0]


def _unpaid_by_owner(plan: ImportPlan) -> dict[tuple[int | None, int], int]:
    """What the batch's own visits leave owed, in fen, by (patient on file, new slot): the
    file's 欠费 already includes it."""
    found: dict[tuple[int | None, int], int] = {}
    for pid, slot, row in plan.visits:
        owner = (pid, -1) if pid is not None else (None, slot)
        found[owner] = found.get(owner, 0) + _fen(charge_of(row) - discount_of(row)
                                                  - payment_of(row))
    return found


# -- writing --------------------------------------------------------------------------------------
LEDGER_COLUMNS = ("patient_id", "at", "kind", "method", "amount", "note", "created_by",
                  "import_batch_id", "pot", "holder_id", "source", "source_id")
POINTS_COLUMNS = ("patient_id", "at", "kind", "points", "lot", "expires_on", "note",
                  "created_by", "import_batch_id")
TIER_COLUMNS = ("patient_id", "tier_id", "at", "cause", "manual", "held_until", "reason",
                "created_by", "import_batch_id")


def write_openings(ctx: Context, session: Session, opening: OpeningPlan, new_ids: Sequence[int],
                   batch_id: int, *, file_name: str, today: date,
                   rules: LoyaltyRules | None = None) -> None:
    """The opening entries, in bulk; then the cached tier and points of the patients already
    on file (the new patients' were written with them). ``rules``: the loyalty rules in force
    ``today`` when the caller has read them already."""
    if not opening.entries:
        return
    now, staff = ctx.now(), ctx.actor.staff_id
    if rules is None:
        rules = rules_in(session, today)
    expires, held_until = expiry_for(rules, today), add_months(today, rules.tier_window_months)
    source = file_name[:120]
    value_note = _("期初储值：导入“{file}”", file=source)
    owed_note = _("期初欠费：导入“{file}”", file=source)
    points_note = _("期初积分：导入“{file}”", file=source)
    people = [(x.patient_id if x.patient_id is not None else new_ids[x.slot], x)
              for x in opening.entries]

    def ledger_rows() -> Iterable[tuple[Any, ...]]:
        for pid, x in people:
            if x.stored_value:
                yield (pid, now, "topup", None, x.stored_value, value_note, staff, batch_id,
                       PRINCIPAL, x.holder_id or pid, OPENING, batch_id)
            if x.owed:
                yield (pid, now, "charge", None, x.owed, owed_note, staff, batch_id, None, None,
                       OPENING, batch_id)

    def points_rows() -> Iterable[tuple[Any, ...]]:
        for pid, x in people:
            if x.points:
                yield (pid, now, OPENING, x.points, True, expires, points_note, staff, batch_id)

    def tier_rows() -> Iterable[tuple[Any, ...]]:
        for pid, x in people:
            if x.tier is not None:
                assert x.tier.id is not None, x.tier
                reason = _("期初会员等级：导入“{file}”（{value}）", file=source,
                           value=x.tier_text[:40])
                yield (pid, x.tier.id, now, OPENING, True, held_until, reason[:255], staff,
                       batch_id)

    connection = session.connection()
    for model, columns, rows in ((LedgerEntry, LEDGER_COLUMNS, ledger_rows()),
                                 (PointsEntry, POINTS_COLUMNS, points_rows()),
                                 (TierChange, TIER_COLUMNS, tier_rows())):
        table = table_of(model)
        mark_table(session, table.name)
        bulk_insert(connection, table, columns, rows, want_ids=False)
    mark_table(session, "patient")
    refresh_caches_in_bulk(session, [pid for pid, x in people if x.patient_id is not None
                                     and (x.points or x.tier is not None)])


# -- undo -----------------------------------------------------------------------------------------
@dataclass
class OpeningUndo:
    removed: int = 0  # opening entries of the batch
    holders: list[int] = field(default_factory=list)  # cards of patients who stay
    patients: list[int] = field(default_factory=list)  # points and tiers of patients who stay


def remove_openings(session: Session, batch_id: int, created: Collection[int]) -> OpeningUndo:
    """Delete the batch's points and tier rows; count its opening ledger rows (removed with
    the rest of its ledger) and note whose balances to check once they are gone."""
    gone = set(created)
    undo = OpeningUndo()
    undo.removed = int(session.execute(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.import_batch_id == batch_id, LedgerEntry.source == OPENING)).scalar_one())
    holders = session.execute(select(LedgerEntry.holder_id).where(
        LedgerEntry.import_batch_id == batch_id, LedgerEntry.source == OPENING).distinct())
    undo.holders = sorted({h for h in holders.scalars() if h is not None} - gone)
    patients: set[int] = set()
    for model in (PointsEntry, TierChange):
        patients.update(session.execute(select(model.patient_id).where(
            model.import_batch_id == batch_id).distinct()).scalars())
        result = session.execute(delete(model).where(model.import_batch_id == batch_id))
        undo.removed += int(getattr(result, "rowcount", 0) or 0)
        mark_table(session, table_of(model).name)
    undo.patients = sorted(patients - gone)
    return undo


def settle_after_undo(session: Session, undo: OpeningUndo) -> None:
    """Refuse the undo when a patient who stays has spent an opening balance since (the card
    or the points would go below zero); else bring their cached tier and points up to date."""
    for chunk in chunks(undo.holders):
        spent = session.execute(select(LedgerEntry.holder_id).where(
            LedgerEntry.holder_id.in_(chunk), LedgerEntry.pot.is_not(None))
            .group_by(LedgerEntry.holder_id, LedgerEntry.pot)
            .having(func.sum(pot_delta()) < 0).limit(1)).scalar()
        if spent is not None:
            raise _spent(session, spent, _("储值"))
    for chunk in chunks(undo.patients):
        spent = session.execute(select(PointsEntry.patient_id).where(
            PointsEntry.patient_id.in_(chunk)).group_by(PointsEntry.patient_id)
            .having(func.sum(PointsEntry.points) < 0).limit(1)).scalar()
        if spent is not None:
            raise _spent(session, spent, _("积分"))
    if undo.patients:
        mark_table(session, "patient")
    refresh_caches_in_bulk(session, undo.patients)


def _spent(session: Session, patient_id: int, what: str) -> UserError:
    code, name = session.execute(select(Patient.code, Patient.name)
                                 .where(Patient.id == patient_id)).one()
    return UserError(_("无法撤销本次导入：患者 {name}（{code}）在导入后用了期初{what}，撤销会使"
                       "余额成为负数。请先在该患者的账户中处理。", name=name, code=code,
                       what=what), field="batch")
