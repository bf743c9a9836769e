"""Doctor performance for a month: revenue, visits, patients and procedures per doctor, and
the commission — a percentage of each category's revenue, set by the manager (a clinic
setting, changed through ``save_commission_rates``, audited)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.clinic import read_setting, write_setting
from clinic_desktop.services.insight.breakdowns import (
    CATEGORY,
    DOCTOR,
    NONE_KEY,
    lines_in,
    none_label,
)
from clinic_desktop.services.insight.common import CENTS, bounds_of, checked, yuan
from clinic_desktop.storage.models.clinical import ProcedureType
from clinic_desktop.storage.models.staff import Staff

COMMISSION_KEY = "insight.commission_percent"
DEFAULT_RATE = "*"  # the percentage of a category with none of its own
# Who may change the rates: the manager's catalogue right (categories and prices are theirs);
# settings.manage is the administrator's alone, and the issue gives the rates to the manager.
COMMISSION_PERMISSION = Permission.CATALOGUE_MANAGE
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CommissionRates:
    default: Decimal  # percent
    by_category: tuple[tuple[str, Decimal], ...]  # (category, percent), by name

    def percent_for(self, category: str) -> Decimal:
        return dict(self.by_category).get(category, self.default)


@dataclass(frozen=True)
class CategoryLine:
    category: str  # "" none
    name: str
    revenue: Decimal
    procedures: int  # treatment lines
    percent: Decimal
    commission: Decimal


@dataclass(frozen=True)
class DoctorPerformance:
    key: str  # staff id, "" for visits without a doctor
    name: str
    visits: int
    patients: int
    procedures: int
    revenue: Decimal
    commission: Decimal
    lines: tuple[CategoryLine, ...]


@dataclass(frozen=True)
class DoctorReport:
    period: Period
    rates: CommissionRates
    doctors: tuple[DoctorPerformance, ...]

    @property
    def revenue(self) -> Decimal:
        return sum((d.revenue for d in self.doctors), Decimal("0.00"))

    @property
    def commission(self) -> Decimal:
        return sum((d.commission for d in self.doctors), Decimal("0.00"))


def _percent(value: object, field: str) -> Decimal:
    try:
        percent = Decimal(str(value)).quantize(CENTS)
    except (InvalidOperation, ValueError) as exc:
        raise UserError(_("提成比例应为 0 到 100 之间的数字。"), field=field) from exc
    if not 0 <= percent <= 100:
        raise UserError(_("提成比例应为 0 到 100 之间的数字。"), field=field)
    return percent


def rates_in(session: Session) -> CommissionRates:
    stored = read_setting(session, COMMISSION_KEY, {}) or {}
    clean: dict[str, Decimal] = {}
    for key, value in stored.items() if isinstance(stored, dict) else ():
        try:
            clean[str(key)] = _percent(value, "percent")
        except UserError:
            continue  # a damaged value is shown as the default, never fails the report
    default = clean.pop(DEFAULT_RATE, Decimal("0.00"))
    return CommissionRates(default, tuple(sorted(clean.items())))


def commission_rates(ctx: Context) -> CommissionRates:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return rates_in(session)


def commission_categories(ctx: Context) -> list[str]:
    """The catalogue's categories, for the rates dialog."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return sorted(c for c in session.execute(
            select(ProcedureType.category).distinct()).scalars() if c)


def save_commission_rates(ctx: Context, *, default: Decimal | str,
                          by_category: Mapping[str, Decimal | str]) -> CommissionRates:
    """Replace the rates (percent of each category's revenue; others take ``default``)."""
    ctx.require(Permission.REPORTS_VIEW)
    ctx.require(COMMISSION_PERMISSION)
    value = {DEFAULT_RATE: str(_percent(default, "default"))}
    for category, percent in by_category.items():
        name = category.strip()
        if not name or name == DEFAULT_RATE:
            raise UserError(_("请填写项目类别。"), field="category")
        value[name] = str(_percent(percent, f"category:{name}"))
    with ctx.transaction(write=True) as session:
        write_setting(session, COMMISSION_KEY, value)
        ctx.audit(session, "report.commission", "setting", COMMISSION_KEY,
                  ", ".join(f"{k} {v}%" for k, v in sorted(value.items())))
        return rates_in(session)


def doctor_report(ctx: Context, period: Period) -> DoctorReport:
    """Per doctor, for the period (the page asks for a month)."""
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return report_in(session, period)


def report_in(session: Session, period: Period) -> DoctorReport:
    b = bounds_of(session, checked(period))
    rates = rates_in(session)
    lines = lines_in(session, b)
    names = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    per_category: dict[object, list[CategoryLine]] = {}
    for did, category, net, count in session.execute(
            select(lines.c.did, lines.c.category, func.sum(lines.c.net), func.count())
            .group_by(lines.c.did, lines.c.category)):
        revenue = yuan(net)
        percent = rates.percent_for(category)
        commission = (revenue * percent / HUNDRED).quantize(CENTS, rounding=ROUND_HALF_UP)
        per_category.setdefault(did, []).append(CategoryLine(
            category, category if category != NONE_KEY else none_label(CATEGORY), revenue,
            int(count), percent, commission))
    doctors = []
    for did, visits, patients, procedures in session.execute(
            select(lines.c.did, func.count(func.distinct(lines.c.vid)),
                   func.count(func.distinct(lines.c.pid)), func.count())
            .group_by(lines.c.did)):
        cats = tuple(sorted(per_category.get(did, []), key=lambda c: -c.revenue))
        doctors.append(DoctorPerformance(
            "" if did is None else str(did),
            names.get(did, none_label(DOCTOR)) if did is not None else none_label(DOCTOR),
            int(visits), int(patients), int(procedures),
            sum((c.revenue for c in cats), Decimal("0.00")),
            sum((c.commission for c in cats), Decimal("0.00")), cats))
    return DoctorReport(period, rates, tuple(sorted(doctors, key=lambda d: -d.revenue)))
