"""``report``: reports for the command line (changes nothing)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from clinic_desktop.cli.base import EXIT_OK, Command, Invocation, parse_day
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _

if TYPE_CHECKING:
    from clinic_desktop.services.insight.breakdowns import BreakdownRow, DoctorRow
    from clinic_desktop.services.insight.summary import Figures


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                common: Callable[[argparse.ArgumentParser], None]) -> dict[str, Command]:
    """Add this module's sub-commands to ``sub``; returns their handlers by name."""
    report = sub.add_parser("report", help="the dashboard's numbers for a period (changes "
                            "nothing)")
    report.add_argument("what", choices=["summary"])
    report.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                        help="first day, clinic time (default: the first of this month)")
    report.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                        help="last day, included (default: the last of --from's month)")
    report.add_argument("--json", action="store_true", help="one JSON object on stdout")
    common(report)
    return {"report": cmd_report}


def _number(value: Decimal) -> int | float:
    """Yuan as a JSON number: 1200 stays an integer, 12.5 a decimal."""
    return int(value) if value == value.to_integral_value() else float(value)


def _rows(rows: tuple[BreakdownRow, ...] | tuple[DoctorRow, ...]) -> list[dict[str, Any]]:
    return [{"name": r.name, "revenue": _number(r.revenue), "visits": r.visits,
             "patients": r.patients} for r in rows]


def _headline(f: Figures) -> dict[str, Any]:
    return {
        "from": f.period.first.isoformat(), "to": f.period.last.isoformat(),
        "revenue": _number(f.revenue), "charges": _number(f.charges),
        "discounts": _number(f.discounts), "payments": _number(f.payments),
        "payments_by_method": {m.method: _number(m.amount) for m in f.payments_by_method},
        "refunds": _number(f.refunds), "stored_value_sold": _number(f.stored_value_sold),
        "stored_value_bonus": _number(f.stored_value_bonus),
        "stored_value_spent": _number(f.stored_value_spent + f.stored_value_bonus_spent),
        "visits": f.visits, "patients_seen": f.patients_seen, "new_patients": f.new_patients,
        "returning_patients": f.returning_patients, "average_ticket": _number(f.average_ticket),
        "repeat_rate": f.repeat_rate, "appointments": f.appointments,
        "no_show_rate": f.no_show_rate, "cancellation_rate": f.cancellation_rate,
    }


def _period(run: Invocation, today: date) -> Any:
    from clinic_desktop.rules.periods import Period, PeriodKind, period_of

    start = parse_day(run.args.start, "--from")
    end = parse_day(run.args.end, "--to")
    if start is None and end is None:
        return period_of(PeriodKind.MONTH, today)
    if start is None:
        assert end is not None
        start = end.replace(day=1)
    if end is None:
        end = period_of(PeriodKind.MONTH, start).last
    if end < start:
        raise UserError(_("结束日期 {end} 早于开始日期 {start}。", start=start, end=end),
                        field="--to")
    return Period(start, end)


def cmd_report(run: Invocation) -> int:
    from clinic_desktop.services.clinic import read_clinic
    from clinic_desktop.services.insight.dashboard import dashboard

    db = run.open_read_only()
    try:
        ctx = run.context(db)
        period = _period(run, ctx.now().astimezone(read_clinic(db).zone).date())
        board = dashboard(ctx, period)
    finally:
        db.close()
    now = board.summary.current
    if run.args.json:
        data = _headline(now) | {
            "by_procedure": _rows(board.by_procedure), "by_category": _rows(board.by_category),
            "by_doctor": _rows(board.doctors), "by_source": _rows(board.by_source),
            "previous": _headline(board.summary.previous),
            "year_before": _headline(board.summary.year_before)}
        json.dump(data, run.out, ensure_ascii=False, indent=1)
        run.out.write("\n")
        return EXIT_OK
    run.print(_("{first} 至 {last}", first=period.first, last=period.last))
    run.print(_("营业额 ¥{revenue}（收费 ¥{charges}，优惠 ¥{discounts}）", revenue=now.revenue,
                charges=now.charges, discounts=now.discounts))
    from clinic_desktop.services.billing import method_label

    methods = [f"{method_label(m.method)} ¥{m.amount}" for m in now.payments_by_method]
    received = _("实收 ¥{payments}", payments=now.payments)
    if methods:  # the list's brackets and commas are the language's own, as the words are
        received += _("（{items}）", items=_("、").join(methods))
    run.print(received)
    run.print(_("储值充值 ¥{sold}（赠送 ¥{bonus}），储值消费 ¥{spent}", sold=now.stored_value_sold,
                bonus=now.stored_value_bonus,
                spent=now.stored_value_spent + now.stored_value_bonus_spent))
    run.print(_("就诊 {visits} 人次，{seen} 位患者（新患者 {new}，复诊 {returning}），"
                "客单价 ¥{ticket}，复诊率 {rate:.1%}", visits=now.visits, seen=now.patients_seen,
                new=now.new_patients, returning=now.returning_patients,
                ticket=now.average_ticket, rate=now.repeat_rate))
    run.print(_("预约 {n} 个，爽约率 {no_show:.1%}，取消率 {cancelled:.1%}", n=now.appointments,
                no_show=now.no_show_rate, cancelled=now.cancellation_rate))
    for title, rows in ((_("按项目"), board.by_procedure), (_("按医生"), board.doctors),
                        (_("按来源"), board.by_source)):
        run.print(f"— {title} —")
        for r in rows:
            run.print(_("{name}：¥{revenue}，{visits} 人次，{patients} 位患者", name=r.name,
                        revenue=r.revenue, visits=r.visits, patients=r.patients))
    return EXIT_OK
