"""Care tasks: created from completed treatments and bookings, raised when due, worked by
the nurse.

State lives in ``care_task``. ``raise_due(now)`` moves every pending task whose time has come
to ``due`` exactly once (a conditional UPDATE), so a scan after a long weekend catches up
without duplicates, and the scheduler holds no state of its own. Tasks are created inside
the transaction that completed the treatment or changed the appointment (domain events),
with a unique dedupe key, so nothing is created twice however often it is retried.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import compress
from operator import attrgetter, itemgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, func, or_, select, true, type_coerce, update
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, NotFound, UserError
from clinic_desktop.events import AppointmentChanged, TreatmentCompleted, TreatmentUndone
from clinic_desktop.gc_pause import no_cycle_collection
from clinic_desktop.i18n import _
from clinic_desktop.package_data import resource
from clinic_desktop.permissions import Permission, phone_for
from clinic_desktop.rules.care_plans import (
    CarePlan,
    Offset,
    PlannedTask,
    expand_plan,
    filter_imported,
    plan_from_dict,
    plan_to_dict,
    plans_from_json,
)
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.storage.models.care import CarePlanRecord, CareTask
from clinic_desktop.storage.models.clinical import ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.engagement import ContactLog, Feedback
from clinic_desktop.storage.models.patient import Patient
from clinic_desktop.storage.models.schedule import Appointment
from clinic_desktop.storage.rows import frozen, utc_instant
from clinic_desktop.storage.transactions import read_connection

OPEN = ("pending", "due")
OUTCOMES = ("reached_fine", "reached_problem", "not_reached", "booked", "declined",
            "wrong_number")
# The outcomes of a call that spoke to the patient: only they can give a satisfaction score.
REACHED = ("reached_fine", "reached_problem", "booked", "declined")
DEFAULT_RETRY_HOURS = 4
DEFAULT_MAX_ATTEMPTS = 3


def outcome_label(outcome: str) -> str:
    return {"reached_fine": _("已接通-良好"), "reached_problem": _("已接通-有问题"),
            "not_reached": _("未接通"), "booked": _("已预约"), "declined": _("拒绝"),
            "wrong_number": _("号码错误")}.get(outcome, outcome)


# -- plans ---------------------------------------------------------------------------------
def ensure_default_plans(session: Session, now: datetime) -> None:
    if session.execute(select(func.count(CarePlanRecord.id))).scalar_one():
        return
    text = resource("templates/care_plans.json").read_text(encoding="utf-8")
    for plan in plans_from_json(text):
        session.add(CarePlanRecord(key=plan.key, name=plan.name, updated_at=now,
                                   definition_json=json.dumps(plan_to_dict(plan),
                                                              ensure_ascii=False)))
    session.flush()


def active_plans(session: Session) -> list[CarePlan]:
    rows = session.execute(select(CarePlanRecord).where(CarePlanRecord.active.is_(True))
                           .order_by(CarePlanRecord.id)).scalars()
    return [plan_from_dict(json.loads(r.definition_json)) for r in rows]


def list_plans(ctx: Context) -> list[CarePlan]:
    ctx.require(Permission.CARE_VIEW)
    with ctx.transaction() as session:
        plans = active_plans(session)
        seeded = bool(plans) or bool(session.execute(
            select(func.count(CarePlanRecord.id))).scalar_one())
    if seeded:
        return plans
    # A clinic set up before plans shipped gets the defaults on first look.
    with ctx.transaction(write=True) as session:
        ensure_default_plans(session, ctx.now())
        return active_plans(session)


# -- task creation (domain events, inside the caller's transaction) ------------------------
def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(session.execute(select(CareTask.dedupe_key).where(
        CareTask.dedupe_key.in_(keys))).scalars())


def on_treatment_completed(ctx: Context, session: Session, event: TreatmentCompleted) -> None:
    ensure_default_plans(session, ctx.now())
    plans = active_plans(session)
    rows = session.execute(
        select(Treatment.id, Treatment.procedure_name, ProcedureType.category, Visit.doctor_id)
        .join(Visit, Visit.id == Treatment.visit_id)
        .outerjoin(ProcedureType, ProcedureType.id == Treatment.procedure_type_id)
        .where(Treatment.id.in_(event.treatment_ids))).all()
    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    for treatment_id, procedure, category, doctor_id in rows:
        for plan in plans:
            if not plan.starts_with(procedure, category):
                continue
            planned = expand_plan(plan, treated_at=event.treated_at,
                                  treatment_key=f"t{treatment_id}")
            if event.imported:
                planned, _skipped = filter_imported(
                    planned, import_date=ctx.now().astimezone(zone).date())
            known = _existing_keys(session, [p.dedupe_key for p in planned])
            for p in planned:
                if p.dedupe_key in known:
                    continue
                session.add(CareTask(
                    patient_id=event.patient_id, kind=p.kind, title=p.title, due_at=p.due_at,
                    source="plan", source_id=treatment_id, dedupe_key=p.dedupe_key,
                    plan_key=p.plan_key, step_key=p.step_key, procedure_name=procedure,
                    doctor_id=doctor_id, assigned_role=p.assigned_role, priority=p.priority,
                    window_days=p.window_days, created_at=ctx.now()))
    session.flush()


class ImportedTreatment(NamedTuple):
    """A treatment line an import wrote, as the care plans need it (a plain tuple: an import
    makes one per visit, 100,000 of them)."""

    treatment_id: int
    patient_id: int
    procedure: str
    category: str | None
    doctor_id: int | None
    treated_at: datetime


@dataclass(frozen=True)
class ImportPlans:
    """The care plans an import's treatments are matched against, and the import's day."""

    plans: list[CarePlan]
    import_date: date


def plans_for_import(session: Session, now: datetime) -> ImportPlans:
    """Inside the import's transaction (``imports.run_import``), which checked its permission."""
    ensure_default_plans(session, now)
    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    return ImportPlans(active_plans(session), now.astimezone(zone).date())


@dataclass(frozen=True)
class ImportedCare:
    """What the plans make of a list of imported treatments: the tasks of each treatment that
    gets any (by its index in the list), and the counts. ``visited``: the recalls a later
    visit of the same file already kept (see ``expand_imported``), each by its place among
    ``work``'s tasks taken in order, with that visit's time; they are counted in ``created``
    and ``by_plan`` too, as they are written (closed)."""

    work: list[tuple[int, list[PlannedTask]]]
    created: int
    skipped: int
    by_plan: dict[str, int]
    visited: dict[int, datetime] = field(default_factory=dict)

    @property
    def satisfied(self) -> int:
        """How many of the tasks are written already satisfied."""
        return len(self.visited)


def expand_imported(plans: ImportPlans, treatments: Sequence[ImportedTreatment],
                    ) -> ImportedCare:
    """The care tasks of imported treatments (no database: the import works this out while
    SQLite builds its indexes). Only tasks due from 30 days before the import onward are kept;
    the rest are counted as skipped, not flooded into the callback list.

    A recall whose window holds a later visit of the same patient in the file is kept by that
    visit, as a booking in its window keeps it in the app (``on_appointment_changed``): it is
    written satisfied, not put on the nurse's list. A follow-up call is not: it asks how the
    days after the treatment went, which a later visit does not answer.

    A plan that repeats (cleaning every 6 months, orthodontic visits monthly) runs from the
    patient's latest treatment that starts it: a file of years holds many cleanings of one
    patient, and a chain from each would interleave recalls a few weeks apart.

    Imported visits share a few thousand dates: each plan is expanded once per date."""
    cutoff = plans.import_date - timedelta(days=IMPORT_LOOKBACK_DAYS)
    created = skipped = 0
    expanded: dict[tuple[str, datetime], tuple[list[PlannedTask], int, bool]] = {}
    matching = _starting_plans(plans, treatments)
    latest = _latest_repeating(treatments, matching)
    by_plan: dict[str, int] = {}
    work: list[tuple[int, list[PlannedTask]]] = []
    # The treatments whose tasks hold a recall: (index, the place of its first task among
    # all the tasks, its tasks)
    recalls: list[tuple[int, int, list[PlannedTask]]] = []
    for index, t in enumerate(treatments):
        for plan in matching[(t.procedure, t.category)]:
            if plan.repeat is not None and latest[(t.patient_id, plan.key)] != index:
                continue  # a later treatment of the patient runs this plan
            key = (plan.key, t.treated_at)
            found = expanded.get(key)
            if found is None:
                kept, dropped = _kept_tasks(plan, t.treated_at, cutoff)
                found = expanded[key] = (kept, dropped,
                                         any(task.kind == "recall" for task in kept))
            planned, dropped, recall = found
            skipped += dropped
            if planned:
                if recall:
                    recalls.append((index, created, planned))
                created += len(planned)
                by_plan[plan.name] = by_plan.get(plan.name, 0) + len(planned)
                work.append((index, planned))
    visited = _visited_recalls(treatments, recalls, _first_window(plans, cutoff, treatments)) \
        if recalls else {}
    return ImportedCare(work, created, skipped, by_plan, visited)


def _starting_plans(plans: ImportPlans, treatments: Sequence[ImportedTreatment],
                    ) -> dict[tuple[str, str | None], list[CarePlan]]:
    """(procedure, category) → the plans it starts, for each pair among the treatments (a
    few dozen: worked out once each, found without a Python step per treatment)."""
    kinds = zip(map(_PROCEDURE, treatments), map(_CATEGORY, treatments), strict=True)
    return {which: [p for p in plans.plans if p.starts_with(*which)]
            for which in dict.fromkeys(kinds)}


def _latest_repeating(treatments: Sequence[ImportedTreatment],
                      matching: dict[tuple[str, str | None], list[CarePlan]],
                      ) -> dict[tuple[int, str], int]:
    """(patient, repeating plan) → the index of the patient's latest treatment that starts it
    (the first of them on that latest day)."""
    found: dict[tuple[int, str], int] = {}
    repeating = {which: keys for which, starts in matching.items()
                 if (keys := [p.key for p in starts if p.repeat is not None])}
    if not repeating:
        return found
    # Only the treatments of the few procedures that start one.
    for index in [i for i, t in enumerate(treatments)
                  if (t.procedure, t.category) in repeating]:
        t = treatments[index]
        for plan_key in repeating[(t.procedure, t.category)]:
            key = (t.patient_id, plan_key)
            best = found.get(key)
            if best is None or t.treated_at > treatments[best].treated_at:
                found[key] = index
    return found


def _first_window(plans: ImportPlans, cutoff: date, treatments: Sequence[ImportedTreatment],
                  ) -> datetime:
    """No kept recall's window opens before this: a kept task is due from ``cutoff`` on
    (in its treatment's time zone: a day more for another's)."""
    widest = max((step.window_days for plan in plans.plans for step in plan.steps
                  if step.kind == "recall"), default=0)
    return datetime.combine(cutoff - timedelta(days=widest + 1), time(0),
                            treatments[0].treated_at.tzinfo)


class _Window(NamedTuple):
    """When a visit keeps a recall: from ``opens`` to ``closes``, both included."""

    opens: datetime
    closes: datetime
    place: int  # the recall's place among its treatment's tasks


def _recall_windows(planned: list[PlannedTask]) -> list[_Window]:
    """The windows of the recalls among ``planned``, earliest opening first."""
    found = []
    for place, task in enumerate(planned):
        if task.kind == "recall":
            width = timedelta(days=task.window_days)
            found.append(_Window(task.due_at - width, task.due_at + width, place))
    found.sort()
    return found


def _visited_recalls(treatments: Sequence[ImportedTreatment],
                     recalls: list[tuple[int, int, list[PlannedTask]]],
                     earliest: datetime) -> dict[int, datetime]:
    """The recalls (by place among all the tasks) with a visit of the same patient in the
    file later than the treatment that started them and within their window, each with the
    first such visit. ``earliest``: no window opens before it."""
    # Only a visit from ``earliest`` on can keep a recall: of a file of years, the last few
    # weeks. Those are found without a Python step per row, then grouped by patient once.
    recent = compress(treatments, map(earliest.__le__, map(_TREATED_AT, treatments)))
    times: dict[int, list[datetime]] = {}
    for t in recent:
        found = times.get(t.patient_id)
        if found is None:
            times[t.patient_id] = [t.treated_at]
        else:
            found.append(t.treated_at)
    for found in times.values():
        if len(found) > 1:
            found.sort()
    visited: dict[int, datetime] = {}
    # The windows of one plan's tasks from one day, worked out for the first treatment of
    # that day that has a later visit (most have none: their windows are never needed).
    windows_of: dict[tuple[str, datetime], list[_Window]] = {}
    for index, first, planned in recalls:
        treatment = treatments[index]
        theirs = times.get(treatment.patient_id)
        if theirs is None:
            continue
        after = bisect_right(theirs, treatment.treated_at)
        if after == len(theirs):
            continue
        key = (planned[0].plan_key, treatment.treated_at)
        windows = windows_of.get(key)
        if windows is None:
            windows = windows_of[key] = _recall_windows(planned)
        last = theirs[-1]
        for opens, closes, place in windows:
            if opens > last:  # and so do the windows after it
                break
            at = bisect_left(theirs, opens, after)
            if at < len(theirs) and theirs[at] <= closes:
                visited[first + place] = theirs[at]
    return visited


_TREATED_AT = attrgetter("treated_at")
_PROCEDURE = attrgetter("procedure")
_CATEGORY = attrgetter("category")


IMPORT_LOOKBACK_DAYS = 30  # as ``filter_imported``'s default


def _kept_tasks(plan: CarePlan, treated_at: datetime, cutoff: date,
                ) -> tuple[list[PlannedTask], int]:
    """``filter_imported(expand_plan(plan, treated_at=…, treatment_key=""))``: the same tasks
    in the same order, and the same count dropped, but a task is only made for those kept
    (most of an import's visits are years old: their plans' tasks are all in the past)."""
    dues = [(step.offset.apply(treated_at), step, 0) for step in plan.steps]
    if plan.repeat is not None and plan.steps:
        last = plan.steps[-1]
        horizon = Offset(plan.repeat_until_years, "years").apply(treated_at)
        due, occurrence = last.offset.apply(treated_at), 1
        while True:
            due = plan.repeat.apply(due)
            if due > horizon:
                break
            dues.append((due, last, occurrence))
            occurrence += 1
    # A message step is about the day of the treatment (instructions, "how are you"): never
    # sent for history, however recent.
    kept = [entry for entry in dues if entry[0].date() >= cutoff and entry[1].kind != "message"]
    kept.sort(key=itemgetter(0))  # stable, as ``expand_plan``'s sort before the filter
    return [PlannedTask(f":{plan.key}:{step.key}:{occurrence}", plan.key, step.key, step.kind,
                        step.title, due, step.assigned_role, step.priority, step.window_days)
            for due, step, occurrence in kept], len(dues) - len(kept)


def on_treatment_undone(ctx: Context, session: Session, event: TreatmentUndone) -> None:
    session.execute(update(CareTask).where(
        CareTask.source == "plan", CareTask.source_id.in_(event.treatment_ids),
        CareTask.status.in_(OPEN)).values(
        status="cancelled", closed_at=ctx.now(), closed_reason=_("治疗记录已撤销"),
        version=CareTask.version + 1))


def reminder_times(start: datetime, zone: ZoneInfo, *, evening_at: time,
                   hours_before: int) -> dict[str, datetime]:
    local = start.astimezone(zone)
    eve = datetime.combine(local.date() - timedelta(days=1), evening_at, zone)
    return {"eve": eve, "h2": start - timedelta(hours=hours_before)}


def on_appointment_changed(ctx: Context, session: Session, event: AppointmentChanged) -> None:
    """Reminders follow the booking; a booking keeps the recalls in its window and the
    win-back call (``_follow_bookings``). A booking whose reminders go as automatic messages
    (``auto_messages``, which hears the event first) gets no reminder call tasks."""
    from clinic_desktop.services.auto_messages import reminders_automatic

    now = ctx.now()
    zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
    wanted: dict[str, datetime] = {}
    if event.status in ("booked", "confirmed") and event.start > now \
            and not reminders_automatic(session, event.appointment_id):
        evening = time.fromisoformat(read_setting(session, "care.reminder_evening", "18:00"))
        hours = int(read_setting(session, "care.reminder_hours_before", 2))
        for key, due in reminder_times(event.start, zone, evening_at=evening,
                                       hours_before=hours).items():
            if due > now:
                wanted[f"a{event.appointment_id}:{key}:{event.start.isoformat()}"] = due
    session.execute(update(CareTask).where(
        CareTask.source == "appointment", CareTask.source_id == event.appointment_id,
        CareTask.status.in_(OPEN), CareTask.dedupe_key.not_in(list(wanted) or [""])).values(
        status="cancelled", closed_at=now, closed_reason=_("预约已改期或取消"),
        version=CareTask.version + 1))
    if wanted:
        # A reminder cancelled before under the same key (a no-show undone, a booking moved
        # away and back) is reopened: its key is taken, so it would not be made again.
        session.execute(update(CareTask).where(
            CareTask.source == "appointment", CareTask.source_id == event.appointment_id,
            CareTask.status == "cancelled", CareTask.dedupe_key.in_(list(wanted))).values(
            status="pending", closed_at=None, closed_reason=None,
            version=CareTask.version + 1))
    for key in sorted(set(wanted) - _existing_keys(session, list(wanted))):
        session.add(CareTask(
            patient_id=event.patient_id, kind="reminder", title=_("预约提醒"),
            due_at=wanted[key], source="appointment", source_id=event.appointment_id,
            dedupe_key=key, assigned_role="receptionist", priority=2, window_days=0,
            created_at=now))
    _follow_bookings(session, event, now, zone)
    session.flush()


# The bookings that keep a recall or a win-back call: the patient is coming, or came. A
# cancelled or missed one keeps nothing.
KEEPING = ("booked", "confirmed", "arrived", "in_treatment", "completed")
# What a booking keeps: a recall (复诊/复查), and the dormant scan's win-back call, which the
# scan itself never raises for a patient with a booking ahead. A campaign's call is not:
# it may be for a whole family.
_KEPT_BY_BOOKING = or_(CareTask.kind == "recall",
                       and_(CareTask.kind == "reactivation", CareTask.source == "dormant"))


def _keeps(task: CareTask, start: datetime) -> bool:
    """Whether a booking at ``start`` keeps the task: a recall, within its window; a
    win-back call, any booking from the day the call was raised on."""
    if task.kind == "recall":
        return abs(start - task.due_at) <= timedelta(days=task.window_days)
    return start >= task.created_at


def _follow_bookings(session: Session, event: AppointmentChanged, now: datetime,
                     zone: ZoneInfo) -> None:
    """Satisfied while a live booking of the patient keeps it, open again when none does.

    The task does not record which booking closed it: it is worked out again from the
    patient's bookings. So a booking cancelled, missed or moved away gives its tasks back
    to the list (with their own due dates), unless another booking still keeps them. Only
    the tasks closed since this booking was made can have been closed by it: a recall an
    import closed by a visit of its file, or one a booking kept long ago, stays closed."""
    booking = session.get(Appointment, event.appointment_id)
    made = booking.created_at if booking is not None else now
    tasks = session.execute(select(CareTask).where(
        CareTask.patient_id == event.patient_id, _KEPT_BY_BOOKING,
        or_(CareTask.status.in_(OPEN),
            and_(CareTask.status == "satisfied", CareTask.closed_at >= made)))).scalars().all()
    if not tasks:
        return
    starts = session.execute(select(Appointment.start).where(
        Appointment.patient_id == event.patient_id, Appointment.status.in_(KEEPING))
        .order_by(Appointment.start)).scalars().all()
    patient = session.get(Patient, event.patient_id)
    archived = patient is not None and patient.archived
    for task in tasks:
        keeper = next((start for start in starts if _keeps(task, start)), None)
        if keeper is not None:
            reason = _("已预约 {when}", when=f"{keeper.astimezone(zone):%m-%d %H:%M}")
            if task.status != "satisfied":
                task.status, task.closed_at = "satisfied", now
            if task.closed_reason != reason:  # another booking keeps it now
                task.closed_reason = reason
        elif task.status == "satisfied" and not archived:
            due = task.due_at <= now
            task.status, task.raised_at = ("due", now) if due else ("pending", None)
            task.closed_at = task.closed_reason = None


def close_tasks_of_archived(session: Session, patient_id: int, *, now: datetime) -> None:
    """An archived patient leaves the callback list: their open tasks close (inside
    ``patients.set_archived``'s transaction, which checked its permission). Restoring the
    patient does not reopen them: by then the calls are out of date; new ones come from new
    visits and scans."""
    session.execute(update(CareTask).where(
        CareTask.patient_id == patient_id, CareTask.status.in_(OPEN)).values(
        status="cancelled", closed_at=now, closed_reason=_("患者已归档"),
        version=CareTask.version + 1))


# -- raising and working the list ----------------------------------------------------------
# The earliest pending task's time: one probe at the start of the (status, due) index. Asked
# as "the earliest" and compared here rather than "any due by :moment", whose prepared form
# PostgreSQL plans without the moment (a third of the rows, it guesses) as a table scan.
_EARLIEST_PENDING = select(func.min(CareTask.due_at)).where(CareTask.status == "pending")


def raise_due(ctx: Context, now: datetime | None = None) -> int:
    """Move every pending task whose time has come to the due list; returns how many.

    The scheduler calls this every minute and most ticks find nothing: a read says so first,
    and only a tick with something to raise takes the write lock (no other workstation's
    write waits for an empty tick, nor an empty tick for theirs)."""
    moment = now or ctx.now()
    with ctx.transaction() as session:
        earliest = read_connection(session).execute(_EARLIEST_PENDING).scalar()
    if earliest is None or earliest > moment:
        return 0
    with ctx.transaction(write=True) as session:
        result = session.execute(update(CareTask).where(
            CareTask.status == "pending", CareTask.due_at <= moment).values(
            status="due", raised_at=moment, version=CareTask.version + 1))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_due(ctx: Context) -> int:
    ctx.require(Permission.CARE_VIEW)
    with ctx.transaction() as session:
        return session.execute(select(func.count(CareTask.id)).where(
            CareTask.status == "due")).scalar_one()


@dataclass(frozen=True)
class CareTaskInfo:
    id: int
    version: int
    patient_id: int
    kind: str
    title: str
    due_at: datetime
    status: str
    attempts: int
    last_outcome: str | None
    source: str
    closed_reason: str | None


def task_info(t: CareTask) -> CareTaskInfo:
    return CareTaskInfo(t.id, t.version, t.patient_id, t.kind, t.title, t.due_at, t.status,
                        t.attempts, t.last_outcome, t.source, t.closed_reason)


def tasks_of_patient(ctx: Context, patient_id: int, *, include_closed: bool = False
                     ) -> list[CareTaskInfo]:
    ctx.require(Permission.CARE_VIEW)
    with ctx.transaction() as session:
        query = select(CareTask).where(CareTask.patient_id == patient_id)
        if not include_closed:
            query = query.where(CareTask.status.in_(OPEN))
        return [task_info(t) for t in session.execute(query.order_by(CareTask.due_at)).scalars()]


def record_outcome(
    ctx: Context, task_id: int, *, version: int, outcome: str, note: str = "",
    satisfaction: int | None = None,
) -> CareTaskInfo:
    """One call's result; every outcome writes the contact log."""
    ctx.require(Permission.CARE_WORK)
    if outcome not in OUTCOMES:
        raise UserError(_("通话结果无效。"), field="outcome")
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise UserError(_("满意度应为 1 到 5 分。"), field="satisfaction")
    if satisfaction is not None and outcome not in REACHED:
        # The score feeds the dashboard's satisfaction: nobody was asked.
        raise UserError(_("未与患者通话，不能记录满意度。"), field="satisfaction")
    now = ctx.now()
    with ctx.transaction(write=True) as session:
        task = session.get(CareTask, task_id)
        if task is None:
            raise NotFound(_("该回访任务已不存在。"))
        if task.version != version:
            raise ConcurrentEdit(_("该任务已被其他人处理，请刷新列表。"))
        if task.status not in OPEN:
            raise UserError(_("该任务已经结束。"))
        task.attempts += 1
        task.last_outcome = outcome
        task.note = note.strip()
        if outcome == "not_reached":
            retry = int(read_setting(session, "care.retry_hours", DEFAULT_RETRY_HOURS))
            limit = int(read_setting(session, "care.max_attempts", DEFAULT_MAX_ATTEMPTS))
            if task.attempts >= limit:
                task.status, task.closed_at = "unreachable", now
                task.closed_reason = _("{n} 次未接通", n=task.attempts)
            else:
                task.status, task.due_at = "pending", now + timedelta(hours=retry)
        else:
            task.status, task.closed_at = "done", now
            task.closed_reason = outcome_label(outcome)
        if outcome == "reached_problem":
            session.add(CareTask(
                patient_id=task.patient_id, kind="problem",
                title=_("回访发现问题：{title}", title=task.title), due_at=now, status="due",
                source="task", source_id=task.id, dedupe_key=f"problem:{task.id}",
                procedure_name=task.procedure_name, doctor_id=task.doctor_id,
                assigned_role="doctor", assigned_staff_id=task.doctor_id, priority=1,
                window_days=0, note=note.strip(), raised_at=now, created_at=now))
        session.add(ContactLog(patient_id=task.patient_id, at=now,
                               staff_id=ctx.actor.staff_id, channel="phone", direction="out",
                               summary=f"{task.title}：{note.strip()}" if note.strip()
                               else task.title, outcome=outcome_label(outcome)))
        if satisfaction is not None:
            session.add(Feedback(patient_id=task.patient_id, at=now, satisfaction=satisfaction,
                                 staff_id=ctx.actor.staff_id))
        session.flush()
        ctx.audit(session, "care.outcome", "patient", task.patient_id,
                  f"task {task.id} {outcome}")
        return task_info(task)


@dataclass(frozen=True)
class CallbackItem:
    task_id: int
    version: int
    patient_id: int
    patient: str
    phone: str | None
    kind: str
    reason: str
    due: datetime
    attempts: int
    last_outcome: str | None
    procedure: str | None
    doctor: str | None
    priority: int
    has_allergy: bool
    birth_date: date | None
    assigned_role: str = "nurse"
    assigned_staff_id: int | None = None
    doctor_id: int | None = None
    plan_key: str | None = None
    member_tier: str | None = None  # the tier name cached on the patient row


def callback_list(ctx: Context, *, as_of: date, whole_day: bool = False) -> list[CallbackItem]:
    """Open tasks due by the end of ``as_of`` (clinic-local), oldest first. Changes nothing.

    For today the list stops at the present moment, unless ``whole_day`` asks for the plan of
    the whole day (the CLI's ``due --date``).
    """
    ctx.require(Permission.CARE_VIEW)
    with no_cycle_collection():  # ten thousand rows, all kept: see ``gc_pause``
        return _callback_items(ctx, as_of, whole_day)


def _callback_items(ctx: Context, as_of: date, whole_day: bool) -> list[CallbackItem]:
    from clinic_desktop.storage.models.patient import MedicalProfile
    from clinic_desktop.storage.models.staff import Staff

    with ctx.transaction() as session:
        zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
        # Due by the end of ``as_of``: before the next midnight (a task due at 00:00 the next
        # day belongs to the next day's list). The last day of the calendar has no next day.
        due_by: ColumnElement[bool] = true()
        if as_of < date.max:
            due_by = CareTask.due_at < datetime.combine(as_of + timedelta(days=1), time(0), zone)
        if not whole_day and as_of <= ctx.now().astimezone(zone).date():
            # Today: what is due now; a call to retry at 15:00 returns at 15:00.
            due_by = and_(due_by, CareTask.due_at <= ctx.now())
        t = CareTask
        # Core rows, not ORM entities: a busy list is ten thousand rows (due as stored text,
        # see ``utc_instant``). The doctors' names come from the few staff rows, not a join
        # and a copy of the name on every row.
        rows = session.connection().execute(
            select(t.id, t.version, t.patient_id, Patient.name, Patient.mobile, t.kind, t.title,
                   type_coerce(t.due_at, String), t.attempts, t.last_outcome, t.procedure_name,
                   t.priority,
                   or_(MedicalProfile.allergies_json != "[]", MedicalProfile.allergy_notes != ""),
                   Patient.birth_date, t.assigned_role, t.assigned_staff_id, t.doctor_id,
                   t.plan_key, Patient.member_tier)
            .join(Patient, Patient.id == t.patient_id)
            .outerjoin(MedicalProfile, MedicalProfile.patient_id == t.patient_id)
            .where(t.status.in_(OPEN), due_by)
            .order_by(t.due_at, t.id)).all()
        names: dict[int | None, str] = {
            sid: name for sid, name in session.execute(select(Staff.id, Staff.display_name))}
    phone = phone_for(ctx)  # masked without CONTACT_FULL: the number shows on a click
    # Tasks fall due at a few instants (a plan's calls at one hour of the day): each stored
    # instant is read once, not once a row.
    instants = {stored: utc_instant(stored) for stored in {row[7] for row in rows}}
    return [frozen(CallbackItem, {
        "task_id": tid, "version": version, "patient_id": pid, "patient": name,
        "phone": phone(mobile), "kind": kind, "reason": title, "due": instants[due],
        "attempts": attempts, "last_outcome": outcome, "procedure": procedure,
        "doctor": names.get(doctor_id), "priority": priority, "has_allergy": bool(allergy),
        "birth_date": birth, "assigned_role": role, "assigned_staff_id": staff,
        "doctor_id": doctor_id, "plan_key": plan, "member_tier": tier})
        for (tid, version, pid, name, mobile, kind, title, due, attempts, outcome, procedure,
             priority, allergy, birth, role, staff, doctor_id, plan, tier) in rows]


def snooze(ctx: Context, task_id: int, *, version: int, until: datetime) -> None:
    """Not today: the task leaves the list and comes back at ``until``."""
    ctx.require(Permission.CARE_WORK)
    if until <= ctx.now():
        raise UserError(_("推迟的时间必须在现在之后。"), field="until")
    with ctx.transaction(write=True) as session:
        task = session.get(CareTask, task_id)
        if task is None:
            raise NotFound(_("该回访任务已不存在。"))
        if task.version != version:
            raise ConcurrentEdit(_("该任务已被其他人处理，请刷新列表。"))
        task.status, task.due_at, task.raised_at = "pending", until, None
        ctx.audit(session, "care.snooze", "patient", task.patient_id, f"task {task.id}")


def snooze_tasks(ctx: Context, tasks: Sequence[tuple[int, int]], *, until: datetime) -> int:
    """"Call tomorrow" for several tasks at once, given as (task id, version), in one
    transaction. A task someone else has handled meanwhile (another version, or closed) is
    left alone; returns how many were put off."""
    ctx.require(Permission.CARE_WORK)
    if until <= ctx.now():
        raise UserError(_("推迟的时间必须在现在之后。"), field="until")
    versions = dict(tasks)
    moved = 0
    with ctx.transaction(write=True) as session:
        for task in session.execute(select(CareTask).where(
                CareTask.id.in_(list(versions)), CareTask.status.in_(OPEN))).scalars():
            if task.version != versions[task.id]:
                continue
            task.status, task.due_at, task.raised_at = "pending", until, None
            ctx.audit(session, "care.snooze", "patient", task.patient_id, f"task {task.id}")
            moved += 1
    return moved


# Every kind of task the callback list holds, in the order the kind filter offers them: the
# care plans' steps, the booking reminders, the daily scans (birthdays, dormant patients),
# a problem found on a call, and the loyalty job's package expiry warnings.
KINDS = ("followup_call", "recall", "message", "reminder", "birthday", "reactivation",
         "problem", "package")


def kind_label(kind: str) -> str:
    return {"followup_call": _("术后回访"), "recall": _("复诊/复查"), "message": _("关怀消息"),
            "reminder": _("预约提醒"), "birthday": _("生日问候"), "reactivation": _("唤醒老客户"),
            "problem": _("问题跟进"), "package": _("套餐到期")}.get(kind, kind)


def export_callbacks(ctx: Context, items: list[CallbackItem], path: str) -> None:
    """The list on paper: an .xlsx with a bold frozen header, real date cells, widths."""
    from pathlib import Path

    from clinic_desktop.xlsx_writer import XlsxColumn, XlsxSheet, write_xlsx

    ctx.require(Permission.EXPORT_RUN)
    with ctx.transaction(write=True) as session:
        zone = ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))
        ctx.audit(session, "export.callbacks", "care_task", None, f"{len(items)} rows")
    columns = [XlsxColumn(_("到期"), 17, "datetime"), XlsxColumn(_("患者"), 10),
               XlsxColumn(_("电话"), 14), XlsxColumn(_("类型"), 10), XlsxColumn(_("事由"), 28),
               XlsxColumn(_("项目"), 14), XlsxColumn(_("医生"), 10),
               XlsxColumn(_("会员等级"), 10), XlsxColumn(_("已拨打"), 8, "int"),
               XlsxColumn(_("结果"), 14), XlsxColumn(_("备注"), 24)]
    # The items come from ``callback_list``; masked again here (idempotent) so a role without
    # CONTACT_FULL never writes a whole number, whatever it was handed.
    phone = phone_for(ctx)
    rows = ([i.due.astimezone(zone), i.patient, phone(i.phone) or "", kind_label(i.kind),
             i.reason, i.procedure or "", i.doctor or "", i.member_tier or "", i.attempts, "",
             ""]
            for i in items)
    write_xlsx(Path(path), [XlsxSheet(_("回访清单"), columns, rows)])


def open_recalls_by_patient(session: Session, patient_ids: list[int],
                            now: datetime) -> dict[int, int]:
    """For the family view: how many recalls each member still has open."""
    if not patient_ids:
        return {}
    rows = session.execute(
        select(CareTask.patient_id, func.count(CareTask.id))
        .where(CareTask.patient_id.in_(patient_ids), CareTask.kind == "recall",
               CareTask.status.in_(OPEN))
        .group_by(CareTask.patient_id)).all()
    return {pid: count for pid, count in rows}


def save_plan(ctx: Context, plan: CarePlan) -> CarePlan:
    """Store an edited plan; new treatments use it, tasks already created stay as they are."""
    ctx.require(Permission.CARE_PLANS_MANAGE)
    from clinic_desktop.rules import RuleError

    try:
        checked = plan_from_dict(plan_to_dict(plan))
    except RuleError as error:
        raise UserError(error.message, field=error.field) from error
    with ctx.transaction(write=True) as session:
        ensure_default_plans(session, ctx.now())
        if session.execute(select(CarePlanRecord.id).where(
                CarePlanRecord.name == checked.name, CarePlanRecord.key != checked.key,
                CarePlanRecord.active.is_(True))).first():
            raise UserError(_("已有名为“{name}”的随访计划。", name=checked.name), field="name")
        row = session.execute(select(CarePlanRecord).where(
            CarePlanRecord.key == checked.key)).scalar_one_or_none()
        if row is None:
            row = CarePlanRecord(key=checked.key, name=checked.name, updated_at=ctx.now(),
                                 definition_json="")
            session.add(row)
        row.name = checked.name
        row.definition_json = json.dumps(plan_to_dict(checked), ensure_ascii=False)
        row.updated_at = ctx.now()
        ctx.audit(session, "care.plan_save", "care_plan", checked.key,
                  f"{checked.name}: {len(checked.steps)} steps")
        return checked


def reassign(ctx: Context, task_ids: list[int], *, role: str | None = None,
             staff_id: int | None = None) -> int:
    """Hand tasks to a role or a person (bulk); returns how many changed."""
    ctx.require(Permission.CARE_WORK)
    if role is not None and role not in ("nurse", "doctor", "receptionist"):
        raise UserError(_("角色无效。"), field="role")
    with ctx.transaction(write=True) as session:
        values: dict[str, object] = {"assigned_staff_id": staff_id,
                                     "version": CareTask.version + 1}
        if role is not None:
            values["assigned_role"] = role
        result = session.execute(update(CareTask).where(
            CareTask.id.in_(task_ids), CareTask.status.in_(OPEN)).values(**values))
        ctx.audit(session, "care.reassign", "care_task", None,
                  f"{len(task_ids)} tasks -> role={role} staff={staff_id}")
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def family_groups(ctx: Context, patient_ids: list[int]) -> dict[int, int]:
    """Households among these patients: patient id -> the smallest id of its family."""
    from clinic_desktop.services.family import households_in

    ctx.require(Permission.CARE_VIEW)
    with ctx.transaction() as session:
        return households_in(session, patient_ids)


@dataclass(frozen=True)
class CareSettings:
    reminder_evening: str = "18:00"
    reminder_hours_before: int = 2
    retry_hours: int = DEFAULT_RETRY_HOURS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    birthday_days_before: int = 0
    dormant_months: int = 12
    dormant_daily_limit: int = 20


def read_care_settings(ctx: Context) -> CareSettings:
    ctx.require(Permission.CARE_VIEW)
    with ctx.transaction() as session:
        defaults = CareSettings()
        return CareSettings(**{name: read_setting(session, f"care.{name}",
                                                  getattr(defaults, name))
                               for name in CareSettings.__dataclass_fields__})


def save_care_settings(ctx: Context, settings: CareSettings) -> None:
    from clinic_desktop.services.clinic import write_setting

    ctx.require(Permission.CARE_PLANS_MANAGE)
    try:
        time.fromisoformat(settings.reminder_evening)
    except ValueError as exc:
        raise UserError(_("提醒时间应写成 18:00 这样的格式。"), field="reminder_evening") from exc
    limits = {"reminder_hours_before": (0, 48), "retry_hours": (1, 72), "max_attempts": (1, 10),
              "birthday_days_before": (0, 30), "dormant_months": (3, 60),
              "dormant_daily_limit": (0, 500)}
    for name, (low, high) in limits.items():
        if not low <= getattr(settings, name) <= high:
            raise UserError(_("请填写 {low} 到 {high} 之间的数字。", low=low, high=high),
                            field=name)
    with ctx.transaction(write=True) as session:
        for name in CareSettings.__dataclass_fields__:
            write_setting(session, f"care.{name}", getattr(settings, name))
        ctx.audit(session, "settings.care", "setting", "care", str(settings))
