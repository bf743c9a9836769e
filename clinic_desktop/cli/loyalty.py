"""``loyalty``: the loyalty balances of every patient, for reconciliation (changes nothing)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from clinic_desktop.cli.base import EXIT_OK, Invocation
from clinic_desktop.i18n import _


def _number(value: Decimal) -> int | float:
    """Yuan as a JSON number: 1200 stays an integer, 12.5 a decimal."""
    return int(value) if value == value.to_integral_value() else float(value)


def cmd_loyalty(run: Invocation) -> int:
    from clinic_desktop.services.loyalty.balances import clinic_balances

    db = run.open_read_only()
    try:
        rows = clinic_balances(run.context(db))
    finally:
        db.close()
    if run.args.json:
        data: list[dict[str, Any]] = [{
            "code": b.code, "name": b.name, "phone": b.phone, "tier": b.tier,
            "owed": _number(b.owed), "credit": _number(b.credit),
            "stored_value": _number(b.stored_value),
            "stored_value_bonus": _number(b.stored_value_bonus), "points": b.points,
            "package_uses": [{"package": p.package, "left": p.left,
                              "expires": p.expires.isoformat()} for p in b.package_uses],
        } for b in rows]
        json.dump(data, run.out, ensure_ascii=False, indent=1)
        run.out.write("\n")
        return EXIT_OK
    for b in rows:
        packages = "、".join(f"{p.package}×{p.left}" for p in b.package_uses)
        run.print(f"{b.code}  {b.name}  {b.tier or '-'}  " + _(
            "欠费 ¥{owed}  预存 ¥{credit}  储值 ¥{stored}（赠送 ¥{bonus}）  积分 {points}",
            owed=b.owed, credit=b.credit, stored=b.stored_value, bonus=b.stored_value_bonus,
            points=b.points) + (f"  {packages}" if packages else ""))
    run.print(_("共 {n} 位患者有会员等级或余额。", n=len(rows)))
    return EXIT_OK
