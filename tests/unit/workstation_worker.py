"""One workstation in a test: a separate process with its own connection to the shared
PostgreSQL database, doing one kind of work when the barrier lets every workstation go at
once, and reporting what happened (successes and refusals, never a traceback lost)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import ConcurrentEdit, DatabaseBusy, UserError
from clinic_desktop.storage.database import open_database


def run(url: str, now: datetime, steps: list[tuple[str, dict[str, Any]]], barrier: Any,
        results: Any) -> None:
    """Each step starts when every workstation is ready for it (the barrier); one outcome per
    step goes back to the test."""
    db = open_database(url=url, upgrade=False)
    ctx = Context(db=db, clock=FixedClock(now))
    try:
        for work, args in steps:
            outcome: dict[str, Any] = {"work": work, "ok": 0, "refused": 0, "busy": 0,
                                       "errors": []}
            try:
                barrier.wait(timeout=60)
                for attempt in range(args.get("times", 1)):
                    try:
                        _one(ctx, work, args, attempt)
                        outcome["ok"] += 1
                    except DatabaseBusy:
                        outcome["busy"] += 1
                    except (ConcurrentEdit, UserError):
                        outcome["refused"] += 1
            except Exception as exc:  # reported to the test, which fails naming it
                outcome["errors"].append(f"{type(exc).__name__}: {exc}")
            results.put(outcome)
    finally:
        db.close()


def _one(ctx: Context, work: str, args: dict[str, Any], attempt: int) -> None:
    if work == "book":
        from clinic_desktop.services import appointments as appts

        start = datetime.fromisoformat(args["start"]) + timedelta(
            minutes=30 * (attempt % args.get("slots", 1)))
        appts.book(ctx, appts.BookingRequest(args["patient"], args["doctor"], start,
                                             start + timedelta(minutes=30)))
    elif work == "pay":
        from clinic_desktop.services.loyalty import payments

        payments.take_payment(ctx, payments.PaymentRequest(
            args["patient"], parts=(payments.PaymentPart("stored_value",
                                                          Decimal(args["amount"])),)))
    elif work == "call":
        from clinic_desktop.services import care

        care.record_outcome(ctx, args["task"], version=args["version"],
                            outcome="reached_fine", note=args["note"])
    else:
        raise ValueError(work)
