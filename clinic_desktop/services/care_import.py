"""The care tasks an import's treatments start, as the columns of one bulk insert.

What the plans make of the treatments is worked out by ``care.expand_imported`` (once per plan
and visit date); here its tasks become ``care_task`` columns, each task taking its treatment's
own dedupe key, as ``care.plan_imported_treatments`` wrote them. The import's writer prepares
the insert (``import_writer.BatchWriter.visits_in_bulk``) and its chunks go to SQLite on the
second thread beside the import's other work.

A recall a later visit in the same file already kept (``ImportedCare.visited``) is written
closed, as the app closes a recall a booking keeps: satisfied, at the import's instant, with
the visit's day as the reason. Written rather than left out, it counts as a recall kept in
the dashboard's recall compliance (``insight.care_stats``), as one a booking kept does, and
its dedupe key keeps the plan from raising it again. Status and closing are columns of the
insert (nearly every row pending and open: the bulk insert writes a chunk's one value as a
literal), not shared values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import chain, repeat
from operator import attrgetter
from typing import Any

from sqlalchemy.orm import Session

from clinic_desktop.changes import mark_table
from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.services.care import (
    ImportedCare,
    ImportedTreatment,
    expand_imported,
    plans_for_import,
)
from clinic_desktop.storage.bulk import ColumnInsert, insert_columns, table_of
from clinic_desktop.storage.models.care import CareTask


def plan_imported_treatments(
    ctx: Context, session: Session, treatments: list[ImportedTreatment], *, write: bool,
    per_plan: dict[str, int] | None = None, expanded: ImportedCare | None = None,
    insert: ColumnInsert | None = None,
) -> tuple[int, int]:
    """The care tasks of imported treatments, in bulk (``expanded``: ``care.expand_imported``
    already worked out for these treatments). Returns (created, skipped); with
    ``write=False`` only counts (the dry run). ``per_plan`` receives the tasks created by
    plan name. ``insert``: the writer's prepared insert into ``care_task`` (its chunks go to
    the second thread); else the tasks are inserted here, at once."""
    care = expanded if expanded is not None else expand_imported(
        plans_for_import(session, ctx.now()), treatments)
    if per_plan is not None:
        for name, count in care.by_plan.items():
            per_plan[name] = per_plan.get(name, 0) + count
    if write and care.work:
        columns = task_columns(care, treatments, now=ctx.now())
        if insert is not None:
            insert.write(columns, want_ids=False)
        else:
            mark_table(session, "care_task")
            insert_columns(session.connection(), table_of(CareTask), columns,
                           shared_values(ctx.now()), want_ids=False, rebuild_indexes=True)
    return care.created, care.skipped


# The columns ``task_columns`` gives, in order; the values every task shares are in
# ``shared_values``.
TASK_COLUMNS = ("patient_id", "kind", "title", "due_at", "source_id", "dedupe_key", "plan_key",
                "step_key", "procedure_name", "doctor_id", "assigned_role", "priority",
                "window_days", "status", "closed_at", "closed_reason")
_PLANNED = attrgetter("kind", "title", "due_at", "dedupe_key", "plan_key", "step_key",
                      "assigned_role", "priority", "window_days")


def task_columns(care: ImportedCare, treatments: Sequence[ImportedTreatment], *,
                 now: datetime) -> dict[str, list[Any]]:
    """Every task of ``care.work`` (in that order) as columns; ``treatments`` are the ones
    ``care`` was worked out for, with their ids now known; ``now``: the import's instant,
    when the recalls a visit of the file kept are closed."""
    owners = list(chain.from_iterable(repeat(treatments[index], len(planned))
                                      for index, planned in care.work))
    planned = list(chain.from_iterable(planned for _index, planned in care.work))
    if not planned:
        return {name: [] for name in TASK_COLUMNS}
    (kind, title, due_at, step_dedupe, plan_key, step_key, role, priority,
     window) = (list(c) for c in zip(*map(_PLANNED, planned), strict=True))
    treatment_ids = [t.treatment_id for t in owners]
    status = ["pending"] * len(planned)
    closed_at: list[datetime | None] = [None] * len(planned)
    reason: list[str | None] = [None] * len(planned)
    for place, visit in care.visited.items():
        status[place], closed_at[place] = "satisfied", now
        # An imported visit is at noon, clinic-local (``BatchWriter.at_noon``): its date is
        # the day the file gave; the year matters, a recall may be years after the treatment.
        reason[place] = _("已就诊 {date}", date=f"{visit:%Y-%m-%d}")
    return {
        "patient_id": [t.patient_id for t in owners],
        "kind": kind,
        "title": title,
        "due_at": due_at,
        "source_id": treatment_ids,
        "dedupe_key": [f"t{tid}{key}" for tid, key in zip(treatment_ids, step_dedupe,
                                                           strict=True)],
        "plan_key": plan_key,
        "step_key": step_key,
        "procedure_name": [t.procedure for t in owners],
        "doctor_id": [t.doctor_id for t in owners],
        "assigned_role": role,
        "priority": priority,
        "window_days": window,
        "status": status,
        "closed_at": closed_at,
        "closed_reason": reason,
    }


def shared_values(now: datetime) -> dict[str, Any]:
    """What every imported task holds: started by a plan, created now (pending unless a
    visit of the file kept it: ``task_columns``)."""
    return {"source": "plan", "created_at": now}
