"""Excel exports (patients, appointments, visits, the ledger, the audit log), the import
template and the import error report. Each export needs ``EXPORT_RUN`` (the audit log:
``AUDIT_VIEW``) and leaves an audit entry; a role without ``CONTACT_FULL`` gets the phone and
ID numbers masked, as on its screens. Given a ``progress`` (the GUI's worker job), an
export reports its rows and stops when asked: nothing is written until the last row is read,
so a cancelled export leaves no file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.importing.mapping import FIELDS, field_label
from clinic_desktop.importing.rows import Problem
from clinic_desktop.permissions import Permission, mask_contact, phone_for
from clinic_desktop.rules.schedule_rules import status_label
from clinic_desktop.services.appointments import channel_label
from clinic_desktop.services.audit_log import (
    AnySelect,
    AuditFilter,
    count_entries,
    iter_entries,
)
from clinic_desktop.services.billing import kind_label, method_label
from clinic_desktop.services.clinic import read_setting
from clinic_desktop.storage.models.clinical import LedgerEntry, ProcedureType, Treatment, Visit
from clinic_desktop.storage.models.patient import MedicalProfile, Patient
from clinic_desktop.storage.models.schedule import Appointment, AppointmentProcedure
from clinic_desktop.storage.models.staff import Chair, Staff
from clinic_desktop.xlsx_writer import XlsxColumn, XlsxSheet, write_xlsx

if TYPE_CHECKING:
    from clinic_desktop.services.imports import Progress

KINDS = ("patients", "appointments", "visits", "ledger")
SEX = {"M": "男", "F": "女"}


def _zone(session: Session) -> ZoneInfo:
    return ZoneInfo(read_setting(session, "clinic.timezone", "Asia/Shanghai"))


def _range(session: Session, start: date | None, end: date | None) -> tuple[datetime, datetime]:
    if start and end and end < start:
        raise UserError(_("结束日期 {end} 早于开始日期 {start}。", start=start, end=end),
                        field="to")
    zone = _zone(session)
    low = datetime.combine(start or date(1900, 1, 1), time(0), zone)
    high = datetime.combine((end or date(9998, 12, 31)) + timedelta(days=1), time(0), zone)
    return low, high


def _audit_export(ctx: Context, path: Path, action: str, entity: str, entity_id: object | None,
                  summary: str) -> None:
    """Audit a finished export in a short write transaction of its own (the rows were read
    without holding the write lock). An export that cannot be audited is not left behind."""
    try:
        with ctx.transaction(write=True) as session:
            ctx.audit(session, action, entity, entity_id, summary)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _total(session: Session, query: AnySelect) -> int:
    return int(session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())


def _reported(rows: Iterable[list[object]], total: int | None,
              progress: Progress | None) -> Iterator[list[object]]:
    """``rows`` as they are written, telling ``progress`` every few hundred and stopping
    (``Cancelled`` from ``check``) when the user asked to."""
    if progress is None:
        yield from rows
        return
    text = _("正在导出…")
    progress.report(0, total or 0, text)
    done = 0
    for done, row in enumerate(rows, start=1):
        if done % 500 == 0:
            progress.check()
            progress.report(done, total or done, text)
        yield row
    progress.check()
    progress.report(done, total or done, text)


def _sex(value: str | None) -> str:
    return _(SEX[value]) if value in SEX else ""


def export_patients(ctx: Context, path: Path, *, patient_ids: Sequence[int] | None = None,
                    progress: Progress | None = None) -> int:
    """All patients (archived included), or just ``patient_ids`` (a search's results)."""
    ctx.require(Permission.EXPORT_RUN)
    with ctx.transaction() as session:  # read only: the export may take a while
        referrer = aliased(Patient)
        query = (select(Patient, MedicalProfile.allergy_notes, referrer.name)
                 .outerjoin(MedicalProfile, MedicalProfile.patient_id == Patient.id)
                 .outerjoin(referrer, referrer.id == Patient.referred_by_id)
                 .where(Patient.merged_into_id.is_(None)).order_by(Patient.id))
        if patient_ids is not None:
            query = query.where(Patient.id.in_(list(patient_ids)))
        full = ctx.can(Permission.CONTACT_FULL)

        def shown(name: str, value: str | None) -> str:
            return (value if full else mask_contact(name, value)) or ""

        def rows() -> Iterator[list[object]]:
            for p, allergy, referred in session.execute(query.execution_options(yield_per=2000)):
                yield [p.code, p.name, _sex(p.sex), p.birth_date, shown("mobile", p.mobile),
                       shown("phone2", p.phone2), shown("id_number", p.id_number),
                       p.wechat or "", p.email or "", p.occupation or "",
                       p.address or "", p.source or "", referred or "", p.first_visit_date,
                       allergy or "", p.member_tier or "", p.member_points,
                       _("是") if p.archived else "", p.notes]

        columns = [XlsxColumn(_("病历号"), 10), XlsxColumn(_("姓名"), 10),
                   XlsxColumn(_("性别"), 6), XlsxColumn(_("出生日期"), 12, "date"),
                   XlsxColumn(_("手机"), 14), XlsxColumn(_("其他电话"), 14),
                   XlsxColumn(_("身份证号"), 21), XlsxColumn(_("微信号"), 14),
                   XlsxColumn(_("邮箱"), 22),
                   XlsxColumn(_("职业"), 10), XlsxColumn(_("地址"), 30),
                   XlsxColumn(_("来源渠道"), 12), XlsxColumn(_("介绍人"), 10),
                   XlsxColumn(_("首诊日期"), 12, "date"), XlsxColumn(_("过敏史"), 16),
                   XlsxColumn(_("会员等级"), 10), XlsxColumn(_("积分"), 8, "int"),
                   XlsxColumn(_("已归档"), 8), XlsxColumn(_("备注"), 30)]
        total = _total(session, query) if progress else None
        count = write_xlsx(path, [XlsxSheet(_("患者"), columns,
                                            _reported(rows(), total, progress))])
    _audit_export(ctx, path, "export.patients", "patient", None, f"{count} rows → {path.name}")
    return count


def export_appointments(ctx: Context, path: Path, *, start: date | None = None,
                        end: date | None = None, progress: Progress | None = None) -> int:
    """One row per appointment, its procedures joined with 、 in the order they were booked."""
    ctx.require(Permission.EXPORT_RUN)
    with ctx.transaction() as session:  # read only: the export may take a while
        low, high = _range(session, start, end)
        zone = _zone(session)
        query = (select(Appointment, Patient.code, Patient.name, Patient.mobile,
                        Staff.display_name, Chair.name)
                 .join(Patient, Patient.id == Appointment.patient_id)
                 .join(Staff, Staff.id == Appointment.doctor_id)
                 .outerjoin(Chair, Chair.id == Appointment.chair_id)
                 .where(Appointment.start >= low, Appointment.start < high))
        # The procedures come in the same query, one row each, grouped back per appointment.
        with_procedures = (query.add_columns(ProcedureType.name)
                           .outerjoin(AppointmentProcedure,
                                      AppointmentProcedure.appointment_id == Appointment.id)
                           .outerjoin(ProcedureType,
                                      ProcedureType.id == AppointmentProcedure.procedure_type_id)
                           .order_by(Appointment.start, Appointment.id,
                                     AppointmentProcedure.position))
        phone = phone_for(ctx)  # masked without CONTACT_FULL

        def rows() -> Iterator[list[object]]:
            found = session.execute(with_procedures.execution_options(yield_per=2000))
            for _id, lines in groupby(found, key=lambda r: r[0].id):
                group = list(lines)
                a, code, name, mobile, doctor, chair, _p = group[0]
                procedures = "、".join(r[6] for r in group if r[6])
                yield [a.start.astimezone(zone), a.end.astimezone(zone), code, name,
                       phone(mobile) or "", doctor, chair or "", status_label(a.status),
                       procedures,
                       channel_label(a.channel), a.notes, a.cancel_reason or "",
                       a.override_reason or ""]

        columns = [XlsxColumn(_("开始"), 17, "datetime"), XlsxColumn(_("结束"), 17, "datetime"),
                   XlsxColumn(_("病历号"), 10), XlsxColumn(_("患者"), 10),
                   XlsxColumn(_("手机"), 14), XlsxColumn(_("医生"), 10),
                   XlsxColumn(_("椅位"), 10), XlsxColumn(_("状态"), 8),
                   XlsxColumn(_("项目"), 20), XlsxColumn(_("预约渠道"), 12),
                   XlsxColumn(_("备注"), 24),
                   XlsxColumn(_("取消原因"), 16), XlsxColumn(_("加号原因"), 16)]
        total = _total(session, query) if progress else None
        count = write_xlsx(path, [XlsxSheet(_("预约"), columns,
                                            _reported(rows(), total, progress))])
    _audit_export(ctx, path, "export.appointments", "appointment", None,
                  f"{start or '-'}..{end or '-'}: {count} rows → {path.name}")
    return count


def export_visits(ctx: Context, path: Path, *, start: date | None = None,
                  end: date | None = None, progress: Progress | None = None) -> int:
    """One row per treatment line, so a visit with two procedures shows both."""
    ctx.require(Permission.EXPORT_RUN)
    ctx.require(Permission.CLINICAL_VIEW)  # sites and visit notes are clinical
    with ctx.transaction() as session:  # read only: the export may take a while
        query = (select(Visit.visit_date, Patient.code, Patient.name, Patient.mobile,
                        Staff.display_name, Treatment.procedure_name, Treatment.site,
                        Treatment.amount, Visit.notes)
                 .join(Treatment, Treatment.visit_id == Visit.id)
                 .join(Patient, Patient.id == Visit.patient_id)
                 .outerjoin(Staff, Staff.id == Visit.doctor_id)
                 .order_by(Visit.visit_date, Visit.id, Treatment.id))
        if start:
            query = query.where(Visit.visit_date >= start)
        if end:
            query = query.where(Visit.visit_date <= end)
        _range(session, start, end)
        phone = phone_for(ctx)  # masked without CONTACT_FULL

        def rows() -> Iterator[list[object]]:
            for day, code, name, mobile, doctor, procedure, site, amount, notes in \
                    session.execute(query.execution_options(yield_per=2000)):
                yield [day, code, name, phone(mobile) or "", doctor or "", procedure, site,
                       amount, notes]

        columns = [XlsxColumn(_("就诊日期"), 12, "date"), XlsxColumn(_("病历号"), 10),
                   XlsxColumn(_("患者"), 10), XlsxColumn(_("手机"), 14),
                   XlsxColumn(_("医生"), 10), XlsxColumn(_("治疗项目"), 16),
                   XlsxColumn(_("牙位/眼别"), 10), XlsxColumn(_("金额"), 12, "money"),
                   XlsxColumn(_("就诊备注"), 30)]
        total = _total(session, query) if progress else None
        count = write_xlsx(path, [XlsxSheet(_("就诊"), columns,
                                            _reported(rows(), total, progress))])
    _audit_export(ctx, path, "export.visits", "visit", None,
                  f"{start or '-'}..{end or '-'}: {count} rows → {path.name}")
    return count


def export_ledger(ctx: Context, path: Path, *, start: date | None = None,
                  end: date | None = None, progress: Progress | None = None) -> int:
    ctx.require(Permission.EXPORT_RUN)
    with ctx.transaction() as session:  # read only: the export may take a while
        low, high = _range(session, start, end)
        zone = _zone(session)
        query = (select(LedgerEntry, Patient.code, Patient.name)
                 .join(Patient, Patient.id == LedgerEntry.patient_id)
                 .where(LedgerEntry.at >= low, LedgerEntry.at < high)
                 .order_by(LedgerEntry.at, LedgerEntry.id))

        def rows() -> Iterator[list[object]]:
            for e, code, name in session.execute(query.execution_options(yield_per=2000)):
                yield [e.at.astimezone(zone), code, name, kind_label(e.kind),
                       method_label(e.method), e.amount, e.note]

        columns = [XlsxColumn(_("时间"), 17, "datetime"), XlsxColumn(_("病历号"), 10),
                   XlsxColumn(_("患者"), 10), XlsxColumn(_("类型"), 8),
                   XlsxColumn(_("支付方式"), 10), XlsxColumn(_("金额"), 12, "money"),
                   XlsxColumn(_("说明"), 30)]
        total = _total(session, query) if progress else None
        count = write_xlsx(path, [XlsxSheet(_("账目"), columns,
                                            _reported(rows(), total, progress))])
    _audit_export(ctx, path, "export.ledger", "ledger_entry", None,
                  f"{start or '-'}..{end or '-'}: {count} rows → {path.name}")
    return count


def export_audit_log(ctx: Context, path: Path, *, audit_filter: AuditFilter | None = None,
                     progress: Progress | None = None) -> int:
    """The entries a filter lets through, newest first, as the audit page shows them: local
    times, actions in words, the patient by name and code (the raw action kept beside)."""
    ctx.require(Permission.AUDIT_VIEW)
    chosen = audit_filter or AuditFilter()
    with ctx.transaction() as session:  # read only: the export may take a while
        zone = _zone(session)

        def rows() -> Iterator[list[object]]:
            for e in iter_entries(session, chosen):
                yield [e.id, e.at.astimezone(zone), e.person, e.action_label, e.patient,
                       e.target, e.summary, e.username, e.action]

        columns = [XlsxColumn(_("编号"), 8, "int"), XlsxColumn(_("时间"), 17, "datetime"),
                   XlsxColumn(_("用户"), 10), XlsxColumn(_("操作"), 16),
                   XlsxColumn(_("患者"), 18), XlsxColumn(_("对象"), 14),
                   XlsxColumn(_("摘要"), 48), XlsxColumn(_("用户名"), 12),
                   XlsxColumn(_("操作代码"), 20)]
        total = count_entries(session, chosen) if progress else None
        count = write_xlsx(path, [XlsxSheet(_("审计日志"), columns,
                                            _reported(rows(), total, progress))])
    _audit_export(ctx, path, "export.audit", "audit_entry", None,
                  f"{chosen.describe()}: {count} rows → {path.name}")
    return count


def write_import_template(path: Path) -> None:
    """The headers the import recognises at once, with one example row and a guide sheet."""
    columns = [XlsxColumn(field_label(f.key) + (" *" if f.required else ""),
                          max(10, len(field_label(f.key)) * 2 + 4)) for f in FIELDS]
    example = [f.example for f in FIELDS]
    guide = [[field_label(f.key), _("必填") if f.required else "",
              "、".join(f.synonyms[:6])] for f in FIELDS]
    write_xlsx(path, [
        XlsxSheet(_("患者导入"), columns, [example]),
        XlsxSheet(_("填写说明"), [XlsxColumn(_("列名"), 12), XlsxColumn(_("是否必填"), 10),
                                  XlsxColumn(_("也可写作"), 60)], guide),
    ])


def write_error_report(path: Path, problems: Sequence[Problem], *, header: Sequence[str],
                       originals: Mapping[int, Sequence[str]]) -> int:
    """Rejected rows with the original values beside the reason, so the manager can fix the
    cells and import the same file again (rows already imported are not duplicated)."""
    width = max([len(header), *(len(v) for v in originals.values())])
    titles = [h or f"#{i + 1}" for i, h in enumerate(list(header) + [""] * (width - len(header)))]
    columns = [XlsxColumn(_("原表行号"), 9, "int"), XlsxColumn(_("列"), 12),
               XlsxColumn(_("单元格内容"), 18), XlsxColumn(_("原因"), 48),
               *(XlsxColumn(t, 12) for t in titles)]

    def rows() -> Iterator[list[object]]:
        for p in problems:
            original = list(originals.get(p.row or 0, ()))
            yield [p.row, p.column, p.value, p.reason, *original]

    return write_xlsx(path, [XlsxSheet(_("未导入的行"), columns, rows())])
