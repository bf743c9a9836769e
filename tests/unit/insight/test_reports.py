"""日结, doctor performance with commission, appointment statistics, and their export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.appointment_stats import appointment_stats
from clinic_desktop.services.insight.daily import daily_closing
from clinic_desktop.services.insight.doctor_report import (
    commission_rates,
    doctor_report,
    save_commission_rates,
)
from clinic_desktop.services.insight.report_tables import (
    appointment_tables,
    daily_tables,
    doctor_tables,
    export_tables,
)
from clinic_desktop.storage.models.audit import AuditEntry
from tests.unit.insight.clinic import Clinic, build


@pytest.fixture
def clinic(admin_ctx: Context) -> Clinic:
    """The hand-built clinic (tests/unit/insight/clinic.py) on the suite's fixed clock."""
    return build(admin_ctx)

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def test_daily_closing_of_the_implant_day(clinic: Clinic) -> None:
    d = daily_closing(clinic.ctx, date(2026, 11, 5))
    assert d.payments == Decimal("9500.00")
    assert [(a.key, a.amount) for a in d.by_method] == [("cash", Decimal("9500.00"))]
    assert [(a.name, a.amount) for a in d.by_staff] == [("管理员", Decimal("9500.00"))]
    assert d.charges == Decimal("10000.00") and d.revenue == Decimal("9500.00")
    assert [(a.key, a.amount) for a in d.discounts] == [("tier", Decimal("500.00"))]
    assert d.visits == 1


def test_daily_closing_across_midnight_and_what_is_owed(clinic: Clinic) -> None:
    d = daily_closing(clinic.ctx, date(2026, 11, 30))
    assert d.charges == Decimal("500.00") and d.payments == Decimal("0.00")  # paid at 00:30
    # owed at midnight: B 1200 − 700 − 500 + 100 refunded = 100; D 500 not paid yet
    assert (d.owed_end_of_day, d.owing_patients) == (Decimal("600.00"), 2)
    after = daily_closing(clinic.ctx, date(2026, 12, 1))
    assert after.payments == Decimal("500.00")
    assert (after.owed_end_of_day, after.owing_patients) == (Decimal("100.00"), 1)


def test_daily_closing_of_stored_value_refunds_and_a_reversal(clinic: Clinic) -> None:
    topup = daily_closing(clinic.ctx, date(2026, 11, 2))
    assert (topup.stored_value_sold, topup.stored_value_bonus, topup.payments) == (
        Decimal("1000.00"), Decimal("100.00"), Decimal("0.00"))
    card = daily_closing(clinic.ctx, date(2026, 11, 10))
    assert card.stored_value_spent == Decimal("700.00") and card.payments == Decimal("0.00")
    refund = daily_closing(clinic.ctx, date(2026, 11, 21))
    assert (refund.refunds, refund.payments) == (Decimal("100.00"), Decimal("-100.00"))
    swap = daily_closing(clinic.ctx, date(2026, 11, 13))  # alipay reversed, WeChat instead
    assert {a.key: a.amount for a in swap.by_method} == {"alipay": Decimal("-200.00"),
                                                         "wechat": Decimal("200.00")}
    assert swap.payments == Decimal("0.00")


def test_commission_rates_are_the_managers_and_audited(clinic: Clinic) -> None:
    assert commission_rates(clinic.ctx).default == Decimal("0.00")
    with pytest.raises(UserError) as bad:
        save_commission_rates(clinic.ctx, default="10", by_category={"种植": "120"})
    assert bad.value.field == "category:种植"
    assert commission_rates(clinic.ctx).by_category == ()  # nothing written
    rates = save_commission_rates(clinic.ctx, default="10", by_category={"种植": "20"})
    assert rates.percent_for("种植") == Decimal("20.00")
    assert rates.percent_for("补牙") == Decimal("10.00")
    with clinic.ctx.db.session() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert "report.commission" in actions
    doctor = Context(db=clinic.ctx.db, clock=clinic.ctx.clock,
                     actor=Actor(None, "doc", "医生", Role.DOCTOR))
    with pytest.raises(PermissionDenied):
        save_commission_rates(doctor, default="50", by_category={})
    manager = Context(db=clinic.ctx.db, clock=clinic.ctx.clock,
                      actor=Actor(None, "boss", "经理", Role.MANAGER))
    save_commission_rates(manager, default="10", by_category={"种植": "20"})


def test_doctor_report_with_commission(clinic: Clinic) -> None:
    save_commission_rates(clinic.ctx, default="10", by_category={"种植": "20"})
    report = doctor_report(clinic.ctx, NOVEMBER)
    wang, li = report.doctors
    # 王: 种植 9500 × 20% = 1900; 洁牙 400 × 10% = 40
    assert (wang.name, wang.revenue, wang.commission, wang.visits, wang.procedures) == (
        "王医生", Decimal("9900.00"), Decimal("1940.00"), 3, 3)
    # 李: 补牙 1500 × 10% = 150; 洁牙 200 × 10% = 20
    assert (li.revenue, li.commission, li.procedures, li.patients) == (
        Decimal("1700.00"), Decimal("170.00"), 4, 2)
    assert report.commission == Decimal("2110.00")


def test_appointment_statistics(clinic: Clinic) -> None:
    stats = appointment_stats(clinic.ctx, NOVEMBER)
    o = stats.overall
    assert (o.total, o.completed, o.cancelled, o.no_show) == (5, 2, 1, 1)
    assert (o.no_show_rate, o.cancellation_rate) == (0.25, 0.2)
    assert {r.name: r.total for r in stats.by_doctor} == {"王医生": 3, "李医生": 2}
    assert {r.key: r.total for r in stats.by_channel} == {"phone": 4, "wechat": 1}
    # 5 Nov Thu, 10 Nov Tue, 16 Nov Mon, 18 Nov Wed, 27 Nov Fri
    assert [r.total for r in stats.by_weekday] == [1, 1, 1, 1, 1, 0, 0]


def test_reports_export_to_excel_audited(clinic: Clinic, tmp_path: Path) -> None:
    save_commission_rates(clinic.ctx, default="10", by_category={})
    tables = (daily_tables(daily_closing(clinic.ctx, date(2026, 11, 5)))
              + doctor_tables(doctor_report(clinic.ctx, NOVEMBER))
              + appointment_tables(appointment_stats(clinic.ctx, NOVEMBER)))
    path = tmp_path / "reports.xlsx"
    written = export_tables(clinic.ctx, path, tables, what="all 2026-11")
    assert written == sum(len(t.rows) for t in tables)
    book = load_workbook(path)
    assert book.sheetnames[0] == "日结汇总"
    assert book["医生业绩"]["A2"].value == "王医生"
    assert book["医生业绩"]["E2"].value == 9900
    with clinic.ctx.db.session() as session:
        assert session.execute(select(AuditEntry.summary).where(
            AuditEntry.action == "export.report")).scalar_one().endswith("reports.xlsx")
    nurse = Context(db=clinic.ctx.db, clock=clinic.ctx.clock,
                    actor=Actor(None, "n", "护士", Role.NURSE))
    with pytest.raises(PermissionDenied):
        export_tables(nurse, tmp_path / "x.xlsx", tables, what="x")
    assert not (tmp_path / "x.xlsx").exists()
