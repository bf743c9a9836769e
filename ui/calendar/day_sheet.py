"""The day sheet: the day's appointments per doctor, printed or saved as PDF (QPrinter).

Each doctor's table has its header row in ``<thead>``: QTextDocument makes it the table's
header row (``QTextTableFormat.headerRowCount``) and repeats it on every page the table runs
onto, so a busy doctor's second page still says which column is which.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from clinic_desktop.rules.schedule_rules import status_label
from clinic_desktop.services.calendar import AppointmentView
from clinic_desktop.services.staff import StaffInfo
from ui.app_services import AppServices


def day_sheet_html(services: AppServices, day: date, doctors: list[StaffInfo],
                   views: list[AppointmentView]) -> str:
    by_doctor: dict[int, list[AppointmentView]] = defaultdict(list)
    for v in views:
        by_doctor[v.doctor_id].append(v)

    def tr(text: str) -> str:
        # lupdate files a free function's tr() under the empty context: looked up there.
        return QCoreApplication.translate("", text)

    parts = [f"<h2>{html.escape(services.clinic.name)} · {day.isoformat()} {tr('日程')}</h2>"]
    for doctor in doctors:
        rows = sorted(by_doctor.get(doctor.id, []), key=lambda v: v.start)
        parts.append(f"<h3>{html.escape(doctor.display_name)}（{len(rows)}）</h3>")
        if not rows:
            parts.append("<p>—</p>")
            continue
        heads = (tr("时间"), tr("患者"), tr("电话"), tr("项目"), tr("状态"), tr("备注"))
        parts.append("<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
                     "<thead><tr>" + "".join(f"<th>{h}</th>" for h in heads)
                     + "</tr></thead><tbody>")
        for v in rows:
            start, end = services.local(v.start), services.local(v.end)
            allergy = " ⚠" + tr("过敏") if v.has_allergy else ""
            parts.append(
                f"<tr><td>{start:%H:%M}–{end:%H:%M}</td>"
                f"<td>{html.escape(v.patient_name)}{allergy}</td>"
                f"<td>{html.escape(v.patient_mobile or '')}</td>"
                f"<td>{html.escape('、'.join(v.procedures))}</td>"
                f"<td>{status_label(v.status)}</td><td>{html.escape(v.notes)}</td></tr>")
        parts.append("</tbody></table>")
    return "".join(parts)


def print_day_sheet(printer: QPrinter, sheet_html: str) -> None:
    document = QTextDocument()
    document.setHtml(sheet_html)
    document.print_(printer)


def save_day_sheet_pdf(path: str, sheet_html: str) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    print_day_sheet(printer, sheet_html)
