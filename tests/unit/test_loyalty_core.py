"""Loyalty across the seams: two workstations spending one card, the CLI's reconciliation
list and ``check``, and the services' SQL staying portable."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text as sql

from clinic_desktop.cli import EXIT_FINDINGS, EXIT_OK, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import billing
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.loyalty import packages, payments, stored_value
from clinic_desktop.services.loyalty.payments import PaymentPart, PaymentRequest
from clinic_desktop.storage.dates import local_month
from clinic_desktop.storage.models.loyalty import PointsEntry
from tests.conftest import FIXED_NOW
from tests.unit.loyalty_helpers import setup_loyalty
from tests.unit.test_concurrency import together, workstation

D = Decimal
SERVICES = Path(__file__).parents[2] / "clinic_desktop" / "services"


def test_two_workstations_spending_the_same_card_one_wins(admin_ctx: Context) -> None:
    c = setup_loyalty(admin_ctx)
    stored_value.top_up(admin_ctx, c.patient, amount=D(1000), method="cash")
    for _ in range(2):
        billing.record_visit(admin_ctx, c.patient, visit_date=FIXED_NOW.date(), doctor_id=None,
                             lines=[TreatmentLine(c.procs["根管治疗"], D(800))])
    desks = [workstation(admin_ctx), workstation(admin_ctx)]
    try:
        spend = PaymentRequest(c.patient, parts=(PaymentPart("stored_value", D(800)),))
        outcome = together([lambda: payments.take_payment(desks[0], spend),
                            lambda: payments.take_payment(desks[1], spend)])
    finally:
        for desk in desks:
            desk.db.close()
    won = [r for r in outcome if isinstance(r, payments.PaymentOutcome)]
    refused = [r for r in outcome if isinstance(r, UserError)]
    assert len(won) == 1 and len(refused) == 1, outcome
    assert refused[0].field == "amount" and "储值余额不足" in refused[0].message
    assert stored_value.stored_value_of(admin_ctx, c.patient).total == D(200)


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def test_cli_balances_json_and_check(admin_ctx: Context, cli_database: list[str]) -> None:
    c = setup_loyalty(admin_ctx)
    stored_value.top_up(admin_ctx, c.patient, amount=D(5000), method="wechat", plan_id=c.plan)
    packages.sell_package(admin_ctx, c.patient, package_type_id=c.package)
    billing.record_visit(admin_ctx, c.friend, visit_date=FIXED_NOW.date(), doctor_id=None,
                         lines=[TreatmentLine(c.procs["树脂补牙"], D("400.50"))])
    admin_ctx.db.close()
    code, text = _run(*cli_database, "loyalty", "balances", "--json")
    assert code == EXIT_OK
    rows = {r["code"]: r for r in json.loads(text)}
    assert len(rows) == 2
    mine = next(r for r in rows.values() if r["name"] == "张三")
    assert mine["stored_value"] == 5500 and mine["stored_value_bonus"] == 500
    assert mine["owed"] == 2400 and mine["credit"] == 0 and mine["tier"] is None
    assert mine["package_uses"] == [{"package": "洁牙 10 次卡", "left": 10,
                                     "expires": "2027-11-24"}]
    assert mine["phone"] == "13800138000" and mine["points"] == 0
    friend = next(r for r in rows.values() if r["name"] == "李四")
    assert friend["owed"] == 400.5
    code, text = _run(*cli_database, "check")
    assert code == EXIT_OK, text
    # Drift: someone edits the cached points behind the journals' back.
    with admin_ctx.db.engine.begin() as raw:
        raw.execute(sql("UPDATE patient SET member_points = 999 WHERE name = '张三'"))
    code, text = _run(*cli_database, "check")
    assert code == EXIT_FINDINGS and "999" in text


def test_services_use_portable_sql_only() -> None:
    """No SQLite-only date functions or raw SQL text in the services: date bucketing goes
    through ``storage.dates`` (one implementation per engine)."""
    pattern = re.compile(r"strftime|julianday|\btext\(|exec_driver_sql|date\('now")
    offenders = [f"{path.relative_to(SERVICES)}:{n}"
                 for path in sorted(SERVICES.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line) and "datetime.strftime" not in line]
    loyalty = [o for o in offenders if o.startswith("loyalty")]
    assert loyalty == []


def test_month_bucket_compiles_per_engine() -> None:
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql, sqlite

    query = select(local_month(PointsEntry.at, 480))
    assert "strftime('%Y-%m'" in str(query.compile(dialect=sqlite.dialect()))
    assert "to_char(" in str(query.compile(dialect=postgresql.dialect()))
