"""The reports as plain tables — what the Excel export writes and what the GUI prints and
renders to PDF (the core gives rows; drawing them is the GUI's job) — and the audited export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_desktop.context import Context
from clinic_desktop.i18n import _
from clinic_desktop.permissions import Permission
from clinic_desktop.services.insight.appointment_stats import AppointmentRow, AppointmentStats
from clinic_desktop.services.insight.daily import DailyClosing
from clinic_desktop.services.insight.doctor_report import DoctorReport
from clinic_desktop.xlsx_writer import XlsxColumn, XlsxSheet, write_xlsx


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: tuple[XlsxColumn, ...]
    rows: tuple[tuple[object, ...], ...]


def _money(title: str) -> XlsxColumn:
    return XlsxColumn(title, 14, "money")


def _count(title: str) -> XlsxColumn:
    return XlsxColumn(title, 10, "int")


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def daily_tables(report: DailyClosing) -> list[ReportTable]:
    item, amount = XlsxColumn(_("科目"), 22), _money(_("金额（元）"))
    totals = (
        (_("实收（不含储值消费）"), report.payments), (_("退款（现金等）"), report.refunds),
        (_("退回储值卡"), report.refunds_to_card), (_("收费"), report.charges),
        (_("营业额（收费−优惠）"), report.revenue),
        (_("储值充值（本金）"), report.stored_value_sold),
        (_("储值赠送金"), report.stored_value_bonus),
        (_("储值消费（本金）"), report.stored_value_spent),
        (_("赠送金消费"), report.stored_value_bonus_spent),
        (_("储值退款"), report.stored_value_withdrawn),
        (_("优惠券抵扣"), report.coupon_value),
        (_("当日结束时欠费合计"), report.owed_end_of_day))
    # Entries by method, as the table below counts them; checkouts are the 收款 dialog's
    # receipts only (a visit's payment recorded with it is an entry without one).
    counts = ((_("收款笔数"), sum(a.count for a in report.by_method)),
              (_("收款单（收据）数"), report.checkouts), (_("就诊人次"), report.visits),
              (_("使用优惠券张数"), report.coupons_redeemed),
              (_("欠费患者数"), report.owing_patients))
    three = (XlsxColumn(_("名称"), 18), amount, _count(_("笔数")))
    return [
        ReportTable(_("日结汇总"), (item, amount), tuple(totals)),
        ReportTable(_("笔数"), (item, _count(_("数量"))), tuple(counts)),
        ReportTable(_("按支付方式"), three,
                    tuple((a.name, a.amount, a.count) for a in report.by_method)),
        ReportTable(_("按收款人"), three,
                    tuple((a.name, a.amount, a.count) for a in report.by_staff)),
        ReportTable(_("优惠"), three,
                    tuple((a.name, a.amount, a.count) for a in report.discounts)),
    ]


def doctor_tables(report: DoctorReport) -> list[ReportTable]:
    doctor = XlsxColumn(_("医生"), 14)
    summary = ReportTable(_("医生业绩"), (
        doctor, _count(_("就诊人次")), _count(_("患者数")), _count(_("治疗项目数")),
        _money(_("营业额（元）")), _money(_("提成（元）"))), tuple(
        (d.name, d.visits, d.patients, d.procedures, d.revenue, d.commission)
        for d in report.doctors))
    detail = ReportTable(_("按类别提成"), (
        doctor, XlsxColumn(_("类别"), 14), _count(_("治疗项目数")), _money(_("营业额（元）")),
        XlsxColumn(_("提成比例"), 10), _money(_("提成（元）"))), tuple(
        (d.name, line.name, line.procedures, line.revenue, f"{line.percent}%", line.commission)
        for d in report.doctors for line in d.lines))
    return [summary, detail]


def _appointment_rows(rows: Sequence[AppointmentRow]) -> tuple[tuple[object, ...], ...]:
    return tuple((r.name, r.total, r.completed, r.cancelled, r.no_show,
                  _percent(r.no_show_rate), _percent(r.cancellation_rate)) for r in rows)


def appointment_tables(stats: AppointmentStats) -> list[ReportTable]:
    def columns(first: str) -> tuple[XlsxColumn, ...]:
        return (XlsxColumn(first, 16), _count(_("预约数")), _count(_("已完成")),
                _count(_("已取消")), _count(_("爽约")), XlsxColumn(_("爽约率"), 10),
                XlsxColumn(_("取消率"), 10))

    return [
        ReportTable(_("预约概况"), columns(_("范围")), _appointment_rows([stats.overall])),
        ReportTable(_("按状态"), (XlsxColumn(_("状态"), 14), _count(_("预约数"))),
                    tuple(stats.by_status)),
        ReportTable(_("按医生"), columns(_("医生")), _appointment_rows(stats.by_doctor)),
        ReportTable(_("按渠道"), columns(_("渠道")), _appointment_rows(stats.by_channel)),
        ReportTable(_("按星期"), columns(_("星期")), _appointment_rows(stats.by_weekday)),
    ]


def export_tables(ctx: Context, path: Path, tables: Sequence[ReportTable], *,
                  what: str) -> int:
    """Write the tables to one workbook (a sheet each); returns the rows written. Audited as
    ``export.report`` with ``what`` (daily 2026-11-24, doctors 2026-11, dashboard …)."""
    ctx.require(Permission.REPORTS_VIEW)
    ctx.require(Permission.EXPORT_RUN)
    titles: set[str] = set()
    sheets = []
    for table in tables:
        title = _sheet_title(table.title, titles)
        sheets.append(XlsxSheet(title, table.columns, table.rows))
    written = write_xlsx(path, sheets)
    try:
        with ctx.transaction(write=True) as session:
            ctx.audit(session, "export.report", "report", what[:64],
                      f"{written} rows → {path.name}")
    except BaseException:
        path.unlink(missing_ok=True)  # an export that cannot be audited is not left behind
        raise
    return written


def _sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:28] or "Sheet"
    name, n = clean, 2
    while name in taken:
        name, n = f"{clean[:26]} {n}", n + 1
    taken.add(name)
    return name
