"""``segment``: segments for the command line (changes nothing).

``segment rfm [--months N] [--json]``: every patient seen in the window with R, F, M scores
and group; ``segment active [--json]``: how many patients are active, dormant, lost."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation
from clinic_desktop.i18n import _


def _number(value: Decimal) -> int | float:
    """Yuan as a JSON number: 1200 stays an integer, 12.5 a decimal."""
    return int(value) if value == value.to_integral_value() else float(value)


def _rfm(run: Invocation) -> int:
    from clinic_desktop.rules.rfm import CHINESE_NAMES, group_label
    from clinic_desktop.services.insight.rfm import group_counts, rfm_scores

    db = run.open_read_only()
    try:
        rows = rfm_scores(run.context(db), months=run.args.months)
    finally:
        db.close()
    if run.args.json:
        data: list[dict[str, Any]] = [{
            "code": r.code, "name": r.name, "phone": r.phone, "r": r.r, "f": r.f, "m": r.m,
            "group": CHINESE_NAMES[r.group], "last_visit": r.last_visit.isoformat(),
            "visits": r.visits, "spend": _number(r.spend),
        } for r in rows]
        json.dump(data, run.out, ensure_ascii=False, indent=1)
        run.out.write("\n")
        return EXIT_OK
    for r in rows:
        run.print(f"{r.code}  {r.name}  R{r.r} F{r.f} M{r.m}  {group_label(r.group)}  "
                  + _("末次就诊 {day}  就诊 {n} 次  消费 ¥{spend}", day=r.last_visit,
                      n=r.visits, spend=r.spend))
    for g in group_counts(rows):
        run.print(_("{group}：{n} 人，消费 ¥{spend}", group=g.label, n=g.patients,
                    spend=g.spend))
    return EXIT_OK


def _active(run: Invocation) -> int:
    from clinic_desktop.services.insight.activity import activity_counts

    db = run.open_read_only()
    try:
        counts = activity_counts(run.context(db))
    finally:
        db.close()
    if run.args.json:
        json.dump({"active": counts.active, "dormant": counts.dormant, "lost": counts.lost,
                   "never_visited": counts.never, "dormant_months": counts.dormant_months,
                   "lost_months": counts.lost_months}, run.out, ensure_ascii=False, indent=1)
        run.out.write("\n")
        return EXIT_OK
    run.print(_("活跃 {active} 人，沉睡 {dormant} 人（{d} 个月以上未到诊），流失 {lost} 人"
                "（{lost_months} 个月以上），从未就诊 {never} 人。", active=counts.active,
                dormant=counts.dormant, lost=counts.lost, never=counts.never,
                d=counts.dormant_months, lost_months=counts.lost_months))
    return EXIT_OK


def cmd_segment(run: Invocation) -> int:
    return _rfm(run) if run.args.what == "rfm" else _active(run)


def _months(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("a whole number of months") from exc
    if not 1 <= value <= 120:
        raise argparse.ArgumentTypeError("from 1 to 120 months")
    return value


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    """Add this module's sub-commands to ``sub``; returns their handlers by name."""
    segment = sub.add_parser("segment", help="patient segments: RFM, active/dormant/lost "
                             "(changes nothing)")
    common(segment)
    kinds = segment.add_subparsers(dest="what", metavar="WHAT", required=True)
    rfm = kinds.add_parser("rfm", help="recency, frequency, monetary scores and groups")
    rfm.add_argument("--months", type=_months, default=12, metavar="N",
                     help="the window in months (default 12)")
    rfm.add_argument("--json", action="store_true", help="one JSON list on stdout")
    common(rfm)
    active = kinds.add_parser("active", help="active, dormant and lost patient counts")
    active.add_argument("--json", action="store_true", help="one JSON object on stdout")
    common(active)
    return {"segment": cmd_segment}
