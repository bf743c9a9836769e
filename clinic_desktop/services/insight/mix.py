"""Patient mix: age bands and sex of the patients treated in a period, per category (who
comes for orthodontics, who for implants)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.rules.periods import Period
from clinic_desktop.services.insight.breakdowns import CATEGORY, lines_in, none_label
from clinic_desktop.services.insight.common import bounds_of, checked
from clinic_desktop.storage.models.patient import Patient

# Upper ends (exclusive) of the age bands; the last band is open.
AGE_LIMITS = (13, 18, 40, 60)
UNKNOWN = "?"
ALL = "*"  # the row of every category together


def band_labels() -> tuple[str, ...]:
    return (_("0–12岁"), _("13–17岁"), _("18–39岁"), _("40–59岁"), _("60岁以上"), _("年龄不详"))


@dataclass(frozen=True)
class MixRow:
    key: str  # category ("" none, "*" all)
    name: str
    ages: tuple[int, ...]  # patients per band (``band_labels``), the last unknown
    male: int
    female: int
    sex_unknown: int

    @property
    def patients(self) -> int:
        return sum(self.ages)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def patient_mix(ctx: Context, period: Period) -> list[MixRow]:
    ctx.require(Permission.REPORTS_VIEW)
    with ctx.transaction() as session:
        return mix_in(session, period)


def mix_in(session: Session, period: Period) -> list[MixRow]:
    """Age at the period's last day, from the birth date (an approximate one counts too)."""
    b = bounds_of(session, checked(period))
    lines = lines_in(session, b)
    birth = Patient.birth_date
    band = case(
        (birth.is_(None), literal(len(AGE_LIMITS) + 1)),
        *((birth > _years_before(period.last, limit), literal(i))
          for i, limit in enumerate(AGE_LIMITS)),
        else_=literal(len(AGE_LIMITS)))
    sex = func.coalesce(Patient.sex, literal(UNKNOWN))
    pairs = (select(lines.c.category.label("cat"), lines.c.pid.label("pid"))
             .distinct().subquery("pairs"))
    keyed = (select(pairs.c.cat, pairs.c.pid, band.label("band"), sex.label("sex"))
             .join(Patient, Patient.id == pairs.c.pid).subquery("keyed"))
    every = (select(lines.c.pid.label("pid")).distinct().subquery("every"))
    keyed_all = (select(literal(ALL).label("cat"), every.c.pid, band.label("band"),
                        sex.label("sex")).join(Patient, Patient.id == every.c.pid)
                 .subquery("keyed_all"))
    counts: dict[str, dict[tuple[str, object], int]] = {}
    for source in (keyed, keyed_all):
        for what in ("band", "sex"):
            column = source.c[what]
            for cat, value, n in session.execute(
                    select(source.c.cat, column, func.count()).group_by(source.c.cat, column)):
                counts.setdefault(str(cat), {})[(what, value)] = int(n)
    rows = []
    for cat, found in counts.items():
        name = _("全部") if cat == ALL else (cat or none_label(CATEGORY))
        rows.append(MixRow(cat, name, tuple(found.get(("band", i), 0)
                                            for i in range(len(AGE_LIMITS) + 2)),
                           found.get(("sex", "M"), 0), found.get(("sex", "F"), 0),
                           sum(n for (w, v), n in found.items()
                               if w == "sex" and v not in ("M", "F"))))
    return sorted(rows, key=lambda r: (r.key != ALL, -r.patients, r.name))
