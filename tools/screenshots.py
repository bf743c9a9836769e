"""Regenerate docs/screenshots/ from a fresh demo clinic, offscreen, in Chinese.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py docs/screenshots

Each entry of SHOTS is (file name, builder); a builder gets the Shots context and returns
the widget to grab. Areas add their screens by appending to SHOTS.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Context  # noqa: E402
from clinic_desktop.demo import DEMO_ADMIN_PASSWORD, DEMO_ADMIN_USERNAME, seed_demo  # noqa: E402
from clinic_desktop.paths import DataDir  # noqa: E402
from clinic_desktop.services.auth import sign_in  # noqa: E402
from clinic_desktop.services.clinic import read_clinic  # noqa: E402
from clinic_desktop.storage.database import Database, open_database  # noqa: E402
from ui.app import apply_style, make_application  # noqa: E402
from ui.app_services import AppServices  # noqa: E402
from ui.i18n import install_language  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.tasks import TaskManager  # noqa: E402

SCREENSHOT_TIME = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


@dataclass
class Shots:
    app: QApplication
    demo_db: Database
    empty_db: Database
    services: AppServices
    window: MainWindow

    def settle(self, widget: QWidget) -> QWidget:
        widget.show()
        for _ in range(3):
            self.app.processEvents()
        return widget


def setup_dialog(s: Shots) -> QWidget:
    from ui.dialogs.setup_dialog import SetupDialog

    dialog = SetupDialog(s.empty_db, clock=s.services.ctx.clock)
    dialog.clinic_name.setText("仁爱口腔门诊部")
    dialog.username.setText("admin")
    dialog.display_name.setText("王院长")
    return s.settle(dialog)


def login_dialog(s: Shots) -> QWidget:
    from ui.dialogs.login_dialog import LoginDialog

    return s.settle(LoginDialog(s.demo_db, s.services.clinic.name, clock=s.services.ctx.clock,
                         username="front.sun"))


def login_error(s: Shots) -> QWidget:
    from ui.dialogs.login_dialog import LoginDialog

    dialog = LoginDialog(s.demo_db, s.services.clinic.name, clock=s.services.ctx.clock,
                         username="front.ma")
    dialog.password.setText("wrong")
    dialog.submit()
    return s.settle(dialog)


def main_window(s: Shots) -> QWidget:
    s.window.open_page("admin")
    return s.settle(s.window)


def audit_log(s: Shots) -> QWidget:
    s.window.open_page("audit")
    return s.settle(s.window)


def _rich_patient(s: Shots) -> int:
    """A demo patient with an allergy, tags, family, a balance and a complaint."""
    from decimal import Decimal

    from clinic_desktop.services import billing, engagement, family, profile
    from clinic_desktop.services.patient_search import search_patients

    ctx = s.services.ctx
    hit = search_patients(ctx, "wjg")[0] if search_patients(ctx, "wjg") else \
        search_patients(ctx, "w")[0]
    profile.update_medical(ctx, hit.id, profile.MedicalInfo(
        ("青霉素", "麻药（利多卡因）"), "", "高血压", "2019 年右下智齿拔除", "", "左下后牙咬物痛"))
    for tag in profile.list_tags(ctx)[:2]:
        profile.set_tag(ctx, hit.id, tag.id, on=True)
    relative = search_patients(ctx, "ll")[0]
    family.link_family(ctx, hit.id, relative.id, relation="spouse")
    billing.add_entry(ctx, hit.id, kind="charge", amount=Decimal("1500"), note="根管治疗")
    billing.add_entry(ctx, hit.id, kind="topup", amount=Decimal("2000"), method="微信支付")
    engagement.log_contact(ctx, hit.id, channel="phone", summary="根管治疗后 48 小时回访",
                           outcome="轻微咬合痛，已预约复诊")
    return hit.id


def patient_search(s: Shots) -> QWidget:
    page = s.window.open_page("patients")
    page.search.setText("zh")  # type: ignore[attr-defined]
    page.run_search()  # type: ignore[attr-defined]
    return s.settle(s.window)


def patient_panel(s: Shots) -> QWidget:
    pid = _rich_patient(s)
    page = s.window.open_page("patients")
    from clinic_desktop.services.patients import load_patient

    page.search.setText(load_patient(s.services.ctx, pid).name)  # type: ignore[attr-defined]
    page.run_search()  # type: ignore[attr-defined]
    page.open_patient(pid)  # type: ignore[attr-defined]
    return s.settle(s.window)


def patient_form(s: Shots) -> QWidget:
    from ui.dialogs.patient_form import PatientFormDialog

    dialog = PatientFormDialog(s.services, parent=None)
    dialog.name.setText("陈晓燕")
    dialog.mobile.setText("139 1234 567")
    dialog.id_number.setText("110105198806071236")
    dialog.address.setText("北京市朝阳区建国路 88 号")
    dialog.submit()
    return s.settle(dialog)


def calendar_day(s: Shots) -> QWidget:
    from datetime import timedelta

    page = s.window.open_page("calendar")
    page.go(page.day + timedelta(days=1))  # type: ignore[attr-defined]
    return s.settle(s.window)


def calendar_week(s: Shots) -> QWidget:
    page = s.window.open_page("calendar")
    page.mode.setCurrentIndex(1)  # type: ignore[attr-defined]
    page.doctor_filter.setCurrentIndex(1)  # type: ignore[attr-defined]
    widget = s.settle(s.window)
    page.mode.setCurrentIndex(0)  # type: ignore[attr-defined]
    page.doctor_filter.setCurrentIndex(0)  # type: ignore[attr-defined]
    return widget


def booking_dialog(s: Shots) -> QWidget:
    from datetime import datetime, time, timedelta

    from ui.calendar.booking_dialog import BookingDialog

    page = s.window.open_page("calendar")
    doctor = page.visible_doctors()[0]  # type: ignore[attr-defined]
    start = datetime.combine(page.day + timedelta(days=1), time(9), s.services.clinic.zone)  # type: ignore[attr-defined]
    dialog = BookingDialog(s.services, start=start, doctor_id=doctor.id)
    dialog.picker.query.setText("zw")
    dialog.procedure.setCurrentIndex(2)
    dialog.find_slots()
    return s.settle(dialog)


def _queue_demo_messages(s: Shots) -> None:
    from clinic_desktop.services import care, messages

    for item in care.callback_list(s.services.ctx, as_of=s.services.local(
            s.services.ctx.now()).date())[:6]:
        template = {"followup_call": "followup", "recall": "recall", "birthday": "birthday",
                    "reactivation": "reactivation"}.get(item.kind, "followup")
        messages.queue_message(s.services.ctx, item.patient_id, template_key=template,
                               task_id=item.task_id)


_wizard: list[QWidget] = []


def import_step(step: int) -> Callable[[Shots], QWidget]:
    """The import wizard on the shipped sample workbook, one shot per step (same dialog)."""

    def build(s: Shots) -> QWidget:
        from clinic_desktop.package_data import resource
        from ui.dialogs.import_wizard import ImportWizard

        if step == 0 or not _wizard:
            wizard = ImportWizard(s.services, s.window)
            wizard.resize(1100, 720)
            _wizard[:] = [wizard]
        wizard = _wizard[0]
        assert isinstance(wizard, ImportWizard)
        if step == 0:
            wizard.open_file(Path(str(resource("samples/legacy-patients.xlsx"))))
        elif step in (1, 2, 3):
            wizard.forward()
        elif step == 4:
            # The running step, caught mid-way (the real import finishes too fast to catch).
            wizard.go(4)
            wizard.progress.setRange(0, 100)
            wizard.progress.setValue(62)
            wizard.progress.setFormat("正在写入就诊和账目…  62%")
            wizard.progress.show()
        elif step == 5:
            wizard.progress.hide()
            wizard.go(3)
            wizard.forward()
        return s.settle(wizard)

    return build


def import_page(s: Shots) -> QWidget:
    s.window.open_page("import")
    return s.settle(s.window)


SHOTS: list[tuple[str, Callable[[Shots], QWidget]]] = [
    ("setup-dialog.png", setup_dialog),
    ("login-dialog.png", login_dialog),
    ("login-error.png", login_error),
    ("main-window.png", main_window),
    ("audit-log.png", audit_log),
    ("patient-search.png", patient_search),
    ("patient-panel.png", patient_panel),
    ("patient-form.png", patient_form),
    ("calendar-day.png", calendar_day),
    ("calendar-week.png", calendar_week),
    ("booking-dialog.png", booking_dialog),
    ("callback-list.png", lambda s: (s.window.open_page("callbacks"), s.settle(s.window))[1]),
    ("messages.png", lambda s: (_queue_demo_messages(s), s.window.open_page("messages"),
                                s.settle(s.window))[2]),
    ("care-plans.png", lambda s: (s.window.open_page("care_plans").list.setCurrentRow(1),  # type: ignore[attr-defined]
                                  s.settle(s.window))[1]),
    ("clinic-lists.png", lambda s: (s.window.open_page("lists"), s.settle(s.window))[1]),
    ("import-1-file.png", import_step(0)),
    ("import-2-header.png", import_step(1)),
    ("import-3-mapping.png", import_step(2)),
    ("import-4-dry-run.png", import_step(3)),
    ("import-5-progress.png", import_step(4)),
    ("import-6-done.png", import_step(5)),
    ("import-page.png", import_page),
]


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    QCoreApplication.setOrganizationName("ClinicDesktopScreenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    work = Path(tempfile.mkdtemp(prefix="clinic-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    install_language(app, "zh_CN")
    apply_style(app)
    # A fixed moment (a Tuesday morning) so the pictures are the same on every run.
    clock = FixedClock(SCREENSHOT_TIME)
    demo_db = open_database(DataDir(work / "demo"), now=clock.now())
    seed_demo(demo_db, clock=clock)
    empty_db = open_database(DataDir(work / "empty"), now=clock.now())
    actor = sign_in(demo_db, username=DEMO_ADMIN_USERNAME, password=DEMO_ADMIN_PASSWORD,
                    clock=clock)
    services = AppServices(Context(db=demo_db, actor=actor, clock=clock),
                           TaskManager(synchronous=True), read_clinic(demo_db))
    window = MainWindow(services)
    window.resize(1280, 800)
    shots = Shots(app, demo_db, empty_db, services, window)
    only = set(argv[2:])
    for name, build in SHOTS:
        if only and name not in only:
            continue
        widget = build(shots)
        widget.grab().save(str(out / name))
        print(out / name)
        if widget is not window and widget not in _wizard:
            widget.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
