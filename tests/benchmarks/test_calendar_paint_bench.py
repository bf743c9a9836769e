"""The day view with 150 appointments paints in under 100 ms offscreen (README goal)."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from clinic_desktop.rules.schedule_rules import WorkingSpan  # noqa: E402
from clinic_desktop.services.calendar import AppointmentView  # noqa: E402
from ui.calendar.canvas import CalendarCanvas, CalendarColumn, CanvasData  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 25)


def test_day_view_with_150_appointments_paints(benchmark: object, qapp: QApplication) -> None:
    columns = [CalendarColumn(f"d{d}", f"医生{d}", DAY, d) for d in range(10)]
    views = []
    for n in range(150):
        doctor = n % 10
        start = datetime.combine(DAY, time(8), SH) + timedelta(minutes=45 * (n // 10) + 5 * (n % 3))
        views.append(AppointmentView(
            id=n, version=1, patient_id=n, patient_name=f"患者{n}", patient_mobile=None,
            has_allergy=n % 7 == 0, doctor_id=doctor, chair_id=None, start=start,
            end=start + timedelta(minutes=40), status="booked", channel="电话", notes="",
            procedures=("洁牙",), procedure_ids=(1,), colour="#4FC3F7",
            override_reason="加号" if n % 11 == 0 else None))
    hours = {d: [WorkingSpan(2, time(9), time(18))] for d in range(10)}
    canvas = CalendarCanvas(SH)
    canvas.set_data(CanvasData(columns, views, hours, []))
    image = QImage(canvas.size(), QImage.Format.Format_ARGB32)

    def paint() -> None:
        canvas.render(image)

    benchmark(paint)  # type: ignore[operator]
    assert len(canvas._blocks) == 150
