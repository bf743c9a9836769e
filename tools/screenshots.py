"""Regenerate docs/screenshots/ from a fresh demo clinic, offscreen: every page and dialog, in
Chinese and in English, on the two screens clinics have (1366×768 and 1280×720, less a 40 px
taskbar).

    python tools/screenshots.py docs/screenshots            # all four sets, one process each
    python tools/screenshots.py OUT --lang en --screen 1280x720 [NAME.png …]   # one set

Writes OUT/<lang>/<screen>/<name>.png (lang ``zh`` or ``en``). The offscreen screen's size is
fixed when Qt starts, so each set runs in its own process with its own screen.

Each entry of SHOTS is (file name, builder); a builder gets the Shots context and returns the
widget to grab. The demo clinic and the clock are fixed, so every run draws the same pictures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCREENS = {"1366x768": (1366, 768), "1280x720": (1280, 720)}
LANGUAGES = {"zh": "zh_CN", "en": "en"}
TASKBAR = 40  # what Windows' taskbar takes from the bottom of the screen
SCREENSHOT_TIME = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # Tuesday 09:30 in Shanghai


def _screen_config(width: int, height: int) -> Path:
    config = {"screens": [{"name": "clinic", "x": 0, "y": 0, "width": width,
                           "height": height - TASKBAR, "logicalDpi": 96,
                           "logicalBaseDpi": 96, "dpr": 1}]}
    path = Path(tempfile.mkdtemp(prefix="clinic-screen-")) / "screen.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def run_all(out: Path, names: list[str]) -> int:
    """One process per language and screen (the offscreen screen is fixed at start)."""
    failed = 0
    for lang in LANGUAGES:
        for screen, (width, height) in SCREENS.items():
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen:configfile="
                       f"{_screen_config(width, height)}")
            code = subprocess.call([sys.executable, __file__, str(out), "--lang", lang,
                                    "--screen", screen, *names], env=env)
            failed += code != 0
    return 1 if failed else 0


os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (  # noqa: E402
    QCoreApplication,
    QDateTime,
    QEvent,
    QRectF,
    QSettings,
    QSizeF,
    QTimer,
)
from PySide6.QtGui import QImage, QPainter, QPixmap, QTextDocument  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget  # noqa: E402

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


@dataclass
class Shots:
    app: QApplication
    demo_db: Database
    empty_db: Database
    services: AppServices
    window: MainWindow
    out: Path
    keep: list[QWidget] = field(default_factory=list)  # widgets later shots reuse
    # what a shot staged on the shared window, taken away once it is saved
    undo: list[Callable[[], None]] = field(default_factory=list)

    def settle(self, widget: QWidget) -> QWidget:
        widget.show()
        for _ in range(4):
            self.app.processEvents()
        return widget

    def page(self, key: str) -> QWidget:
        self.window.open_page(key)
        return self.settle(self.window)

    @property
    def tomorrow(self) -> date:
        return self.services.local(self.services.ctx.now()).date() + timedelta(days=1)


# -- before sign-in ----------------------------------------------------------------------------
def setup_dialog(s: Shots) -> QWidget:
    from ui.dialogs.setup_dialog import SetupDialog
    from ui.tasks import TaskManager

    # A first start on this computer: 连接诊所的服务器… is offered beside 创建诊所.
    dialog = SetupDialog(s.empty_db, clock=s.services.ctx.clock,
                         data_dir=s.empty_db.data_dir, tasks=TaskManager(synchronous=True))
    dialog.clinic_name.setText("仁爱口腔门诊部")
    dialog.username.setText("admin")
    dialog.display_name.setText("王院长")
    return s.settle(dialog)


def login_error(s: Shots) -> QWidget:
    from ui.dialogs.login_dialog import LoginDialog

    dialog = LoginDialog(s.demo_db, s.services.clinic.name, clock=s.services.ctx.clock,
                         username="front.ma")
    dialog.password.setText("wrong")
    dialog.submit()
    return s.settle(dialog)


def login_change_password(s: Shots) -> QWidget:
    """Sign-in after an administrator's reset: the new-password step, a common one refused."""
    from clinic_desktop.demo.accounts import DEMO_STAFF_PASSWORD
    from clinic_desktop.services import staff as staff_service
    from ui.dialogs.login_dialog import LoginDialog

    nurse = next(x for x in staff_service.list_staff(s.services.ctx)
                 if x.username == "nurse.zhou")
    staff_service.require_password_change(s.services.ctx, nurse.id)
    dialog = LoginDialog(s.demo_db, s.services.clinic.name, clock=s.services.ctx.clock,
                         username="nurse.zhou")
    dialog.password.setText(DEMO_STAFF_PASSWORD)
    dialog.submit()
    dialog.new_password.setText("woaini1314")
    dialog.confirm.setText("woaini1314")
    dialog.submit()  # "密码太常见，很容易被猜到，请换一个。"
    staff_service.require_password_change(s.services.ctx, nurse.id, required=False)
    return s.settle(dialog)


def reset_password_dialog(s: Shots) -> QWidget:
    from clinic_desktop.services import staff as staff_service
    from ui.dialogs.settings_dialogs import ResetPasswordDialog

    nurse = next(x for x in staff_service.list_staff(s.services.ctx)
                 if x.username == "nurse.zhou")
    return s.settle(ResetPasswordDialog(s.services, nurse))


# -- patients ----------------------------------------------------------------------------------
def _rich_patient(s: Shots) -> int:
    """A demo patient with an allergy, tags, family, a balance and a call (made once)."""
    from dataclasses import replace
    from decimal import Decimal

    from clinic_desktop.services import billing, engagement, family, profile
    from clinic_desktop.services.patient_search import search_patients
    from clinic_desktop.services.patients import load_patient, update_patient

    ctx = s.services.ctx
    hit = search_patients(ctx, "wjg")[0] if search_patients(ctx, "wjg") else \
        search_patients(ctx, "w")[0]
    if not getattr(s, "_rich", None):
        profile.update_medical(ctx, hit.id, profile.MedicalInfo(
            ("青霉素", "麻药（利多卡因）"), "血压<90 慎用肾上腺素", "高血压", "2019 年右下智齿拔除",
            "", "左下后牙咬物痛"))
        for tag in profile.list_tags(ctx)[:2]:
            profile.set_tag(ctx, hit.id, tag.id, on=True)
        stored = load_patient(ctx, hit.id)
        update_patient(ctx, hit.id, replace(stored.as_input(), email="wanghui88@163.com"),
                       version=stored.version)
        relative = search_patients(ctx, "ll")[0]
        family.link_family(ctx, hit.id, relative.id, relation="spouse")
        billing.add_entry(ctx, hit.id, kind="charge", amount=Decimal("1500"), note="根管治疗")
        billing.add_entry(ctx, hit.id, kind="topup", amount=Decimal("2000"), method="wechat")
        engagement.log_contact(ctx, hit.id, channel="phone", summary="根管治疗后 48 小时回访",
                               outcome="轻微咬合痛，已预约复诊")
        s._rich = hit.id  # type: ignore[attr-defined]
    return hit.id


def patient_home(s: Shots) -> QWidget:
    """The empty search box: today's patients and the recently opened ones."""
    _rich_patient(s)
    page = s.window.open_page("patients")
    page.search.setText("")  # type: ignore[attr-defined]
    page.run_search()  # type: ignore[attr-defined]
    return s.settle(s.window)


def patient_search(s: Shots) -> QWidget:
    page = s.window.open_page("patients")
    page.search.setText("zh")  # type: ignore[attr-defined]
    page.run_search()  # type: ignore[attr-defined]
    return s.settle(s.window)


def patient_panel(s: Shots) -> QWidget:
    from clinic_desktop.services.patients import load_patient

    pid = _rich_patient(s)
    page = s.window.open_page("patients")
    page.search.setText(load_patient(s.services.ctx, pid).name)  # type: ignore[attr-defined]
    page.run_search()  # type: ignore[attr-defined]
    page.open_patient(pid)  # type: ignore[attr-defined]
    return s.settle(s.window)


def patients_masked(s: Shots) -> QWidget:
    """A receptionist's patient search: 138****5678 in the list, 显示号码 beside it in the panel."""
    from clinic_desktop.context import Actor
    from clinic_desktop.permissions import Role
    from clinic_desktop.services.staff import list_staff

    member = next(m for m in list_staff(s.services.ctx) if m.username == "front.sun")
    actor = Actor(member.id, member.username, member.display_name, Role.RECEPTIONIST)
    desk = AppServices(s.services.ctx.as_actor(actor), TaskManager(synchronous=True),
                       s.services.clinic)
    window = MainWindow(desk)
    window.resize(s.window.size())
    s.keep.append(window)
    page = window.open_page("patients")
    page.search.setText("张")  # type: ignore[attr-defined]
    page.run_search()  # type: ignore[attr-defined]
    page.open_patient(page.model.records[0].id)  # type: ignore[attr-defined]
    return s.settle(window)


def patient_form(s: Shots) -> QWidget:
    from ui.dialogs.patient_form import PatientFormDialog

    dialog = PatientFormDialog(s.services, parent=None)
    dialog.name.setText("陈晓燕")
    dialog.mobile.setText("139 1234 567")
    dialog.id_number.setText("110105198806071236")
    dialog.email.setText("chenxiaoyan@163.com")
    dialog.address.setText("北京市朝阳区建国路 88 号")
    dialog.submit()
    return s.settle(dialog)


def patient_conflict(s: Shots) -> QWidget:
    """Saving a patient another desk saved meanwhile: what they changed, and the choice."""
    from dataclasses import replace

    from clinic_desktop.i18n import _ as core_
    from clinic_desktop.services.patients import load_patient, update_patient
    from ui.dialogs.patient_conflict import conflict_of, conflict_text
    from ui.dialogs.patient_form import PatientFormDialog

    pid = _rich_patient(s)
    opened = load_patient(s.services.ctx, pid)
    dialog = PatientFormDialog(s.services, opened, s.window)
    s.keep.append(dialog)
    update_patient(s.services.ctx, pid, replace(opened.as_input(), phone2="010-88886666",
                                                address="北京市海淀区中关村大街 27 号"),
                   version=opened.version)
    dialog.address.setText("北京市朝阳区望京西路 9 号")
    dialog.occupation.setText("教师")
    stored = load_patient(s.services.ctx, pid)
    text = conflict_text(
        core_("该患者资料已被 {who} 于 {when} 修改，请重新加载。", who="孙丽",
              when="2026-11-24 09:28"),
        conflict_of(opened.as_input(), stored.as_input(), dialog.form_input()))
    box, _keep, _drop = dialog.reload_box(text)
    return s.settle(box)


def patient_consent(s: Shots) -> QWidget:
    """消息偏好 over the panel: WeChat agreed on the form, SMS refused by a reply, a refusal
    of SMS being recorded."""
    from clinic_desktop.services.consent import consent_of, record_consent
    from ui.dialogs.consent_dialog import ConsentDialog

    pid = _rich_patient(s)
    record_consent(s.services.ctx, pid, "wechat", granted=True, how="form", note="登记表勾选")
    record_consent(s.services.ctx, pid, "sms", granted=False, how="reply", note="回复 TD")
    patient_panel(s)
    dialog = ConsentDialog(s.services, pid, consent_of(s.services.ctx, pid), parent=s.window)
    dialog.channel.setCurrentIndex(dialog.channel.findData("email"))
    dialog.how.setCurrentIndex(dialog.how.findData("phone"))
    s.keep.append(dialog)
    return s.settle(dialog)


def _member(s: Shots) -> int:
    """A demo member with a tier, points, stored value, two coupons and today's visit (made
    once)."""
    from decimal import Decimal

    from sqlalchemy import select

    from clinic_desktop.services import billing
    from clinic_desktop.services.catalogue import list_procedures
    from clinic_desktop.services.loyalty import coupons
    from clinic_desktop.storage.models.clinical import LedgerEntry
    from clinic_desktop.storage.models.patient import Patient

    if getattr(s, "_member", None):
        return s._member  # type: ignore[attr-defined,no-any-return]
    ctx = s.services.ctx
    with ctx.transaction() as session:
        carded = select(LedgerEntry.holder_id).where(LedgerEntry.pot.is_not(None))
        pid = session.execute(select(Patient.id).where(
            Patient.member_tier.is_not(None), Patient.member_points > 300,
            Patient.id.in_(carded)).order_by(Patient.id)).scalars().first()
    assert pid is not None, "the demo clinic has members with stored value"
    procs = {p.name: p.id for p in list_procedures(ctx)}
    billing.record_visit(ctx, pid, visit_date=s.services.local(ctx.now()).date(),
                         doctor_id=None, lines=[
                             billing.TreatmentLine(procs["树脂补牙"], Decimal("480"), site="36"),
                             billing.TreatmentLine(procs["超声洁牙"], Decimal("300"))])
    kinds = coupons.list_coupon_types(ctx)
    for kind in kinds[:2]:
        coupons.issue_coupon(ctx, pid, coupon_type_id=kind.id)
    s._member = pid  # type: ignore[attr-defined]
    return pid


def payment_dialog(s: Shots) -> QWidget:
    """A mixed payment: the tier's discount, a coupon, points, the card and WeChat."""
    from PySide6.QtCore import Qt

    from ui.dialogs.payment_dialog import PaymentDialog

    dialog = PaymentDialog(s.services, _member(s))
    for row in range(dialog.coupons.count()):
        if "洁牙" in dialog.coupons.item(row).text():
            dialog.coupons.item(row).setCheckState(Qt.CheckState.Checked)
    dialog.points.setValue(min(300, dialog.points.maximum()))
    dialog.amounts["wechat"].setText("200")
    dialog.fill_rest("stored_value")
    dialog.note.setText("复诊")
    return s.settle(dialog)


def receipt(s: Shots) -> QWidget:
    """The receipt of the payment above, as printed and saved as PDF."""
    from PySide6.QtCore import Qt

    from clinic_desktop.services.loyalty.receipts import receipt_of
    from ui.dialogs.payment_dialog import PaymentDialog
    from ui.dialogs.receipt_dialog import ReceiptDialog

    dialog = PaymentDialog(s.services, _member(s), parent=s.window)
    dialog.open_receipt = False
    for row in range(dialog.coupons.count()):
        if "洁牙" in dialog.coupons.item(row).text():
            dialog.coupons.item(row).setCheckState(Qt.CheckState.Checked)
    dialog.points.setValue(min(300, dialog.points.maximum()))
    dialog.amounts["wechat"].setText("200")
    dialog.fill_rest("stored_value")
    dialog.submit()
    assert dialog.taken is not None and dialog.taken.checkout_id is not None
    return s.settle(ReceiptDialog(s.services, receipt_of(s.services.ctx,
                                                         dialog.taken.checkout_id)))


def member_tab(s: Shots) -> QWidget:
    """The panel's 会员 tab after that payment: tier, points, card, journals."""
    page = s.window.open_page("patients")
    page.open_patient(_member(s))  # type: ignore[attr-defined]
    panel = page.panel  # type: ignore[attr-defined]
    panel.tabs.setCurrentWidget(panel.member)
    return s.settle(s.window)


def topup_dialog(s: Shots) -> QWidget:
    from clinic_desktop.services.loyalty.stored_value import stored_value_of
    from ui.dialogs.loyalty_actions import TopUpDialog

    pid = _member(s)
    dialog = TopUpDialog(s.services, pid, stored_value_of(s.services.ctx, pid))
    dialog.plan.setCurrentIndex(2)
    return s.settle(dialog)


def loyalty_tab(index: int) -> Callable[[Shots], QWidget]:
    """会员与营销, one tab: 0 tiers, 1 points & rules, 2 top-up plans, 3 packages, 4 coupons,
    5 referrals."""
    def build(s: Shots) -> QWidget:
        page = s.window.open_page("loyalty")
        page.tabs.setCurrentIndex(index)  # type: ignore[attr-defined]
        return s.settle(s.window)
    return build


def loyalty_tier_dialog(s: Shots) -> QWidget:
    """A new tier whose threshold overlaps 金卡: the refusal beside the field."""
    from ui.dialogs.loyalty_settings import TierDialog

    page = s.window.open_page("loyalty")
    dialog = TierDialog(s.services, None, tiers=page.tiers.model.records,  # type: ignore[attr-defined]
                        procedures=page.procedures, parent=s.window)  # type: ignore[attr-defined]
    dialog.name.setText("铂金卡")
    dialog.rank.setValue(5)
    dialog.threshold.setText("8,000")
    dialog.submit()
    return s.settle(dialog)


def patient_form_referral(s: Shots) -> QWidget:
    """The form of a patient who came by referral: 介绍人 marked, the results open."""
    from ui.dialogs.patient_form import PatientFormDialog

    dialog = PatientFormDialog(s.services, parent=None)
    dialog.name.setText("陈晓燕")
    dialog.mobile.setText("13912345670")
    dialog.source.setCurrentIndex(dialog.source.findData("转介绍"))
    s.settle(dialog)
    dialog.referrer.query.setText("zh")
    dialog.referrer.search("zh")
    return s.settle(dialog)


def booking_referral(s: Shots) -> QWidget:
    """A new patient booked by 转介绍, the referrer chosen from the patients on file."""
    from PySide6.QtCore import Qt

    from ui.calendar.booking_dialog import BookingDialog

    start = datetime.combine(s.tomorrow, time(10), s.services.clinic.zone)
    dialog = BookingDialog(s.services, start=start)
    dialog.channel.setCurrentIndex(dialog.channel.findData("referral"))
    dialog.new_name.setText("新客人")
    dialog.new_mobile.setText("13500135000")
    dialog.referrer.search("li")
    dialog.referrer.choose(dialog.referrer.results.item(0).data(Qt.ItemDataRole.UserRole))
    return s.settle(dialog)


def calendar_tooltip(s: Shots) -> QWidget:
    """A booking's tooltip with the patient's tier (QToolTip cannot be grabbed offscreen:
    the same rich text in a label styled like one)."""
    page = s.window.open_page("calendar")
    s.settle(s.window)
    canvas = page.view.canvas  # type: ignore[attr-defined]
    block = next(b for b in canvas._blocks if b.view.patient_tier)
    label = QLabel(canvas.tooltip_html(block.view))
    label.setStyleSheet("background:#FFFFE1; border:1px solid #888; padding:4px;")
    s.keep.append(label)
    return s.settle(label)


def callback_list(s: Shots) -> QWidget:
    """The nurse's list after the night's jobs: a 套餐到期 row among the recalls."""
    from clinic_desktop.services import care
    from clinic_desktop.services.loyalty import jobs

    jobs.run_nightly(s.services.ctx)
    care.raise_due(s.services.ctx)
    return s.page("callbacks")


# -- calendar ----------------------------------------------------------------------------------
def _calendar(s: Shots, mode: str, doctor_row: int) -> QWidget:
    from ui.calendar.page import CalendarPage

    page = s.window.open_page("calendar")
    assert isinstance(page, CalendarPage)
    page.go(s.tomorrow)
    page.mode.setCurrentIndex(page.mode.findData(mode))
    page.doctor_filter.setCurrentIndex(doctor_row)
    s.settle(s.window)
    page.view.scroll_to_y(page.view.canvas.axis.y_for(time(9)))
    return s.settle(s.window)


def _bookings_tomorrow(s: Shots) -> list:  # type: ignore[type-arg]
    from clinic_desktop.services.calendar import appointments_between

    day = datetime.combine(s.tomorrow, time(0), s.services.clinic.zone)
    return [v for v in appointments_between(s.services.ctx, day, day + timedelta(days=1))
            if v.status in ("booked", "confirmed")]


def booking_dialog(s: Shots) -> QWidget:
    """A booked slot (the conflict line shows), free slots found, and two 张桂 told apart."""
    from clinic_desktop.services.patients import PatientInput, create_patient
    from ui.calendar.booking_dialog import BookingDialog

    busy = _bookings_tomorrow(s)[0]
    for mobile, sex, born in (("13912345678", "F", date(1961, 3, 2)),
                              ("13698765432", "F", date(1994, 8, 19))):
        create_patient(s.services.ctx, PatientInput(name="张桂", mobile=mobile, sex=sex,
                                                    birth_date=born))
    dialog = BookingDialog(s.services, start=busy.start, doctor_id=busy.doctor_id,
                           parent=s.window)
    dialog.picker.query.setText("张桂")
    dialog.find_slots()
    return s.settle(dialog)


def reschedule_dialog(s: Shots) -> QWidget:
    from ui.calendar.dialogs import RescheduleDialog

    busy, other = _bookings_tomorrow(s)[:2]
    dialog = RescheduleDialog(s.services, other, s.window)
    dialog.when.setDateTime(QDateTime(busy.start.astimezone(s.services.clinic.zone)
                                      .replace(tzinfo=None)))
    dialog.doctor.setCurrentIndex(dialog.doctor.findData(busy.doctor_id))
    dialog.find_slots()
    return s.settle(dialog)


def time_off_moves(s: Shots) -> QWidget:
    """Time off over a day of bookings: each can move to its next free slot or doctor."""
    from clinic_desktop.services import schedule
    from ui.calendar.time_off_moves import TimeOffMovesDialog

    busy = _bookings_tomorrow(s)[0]
    day = datetime.combine(s.tomorrow + timedelta(days=1), time(0), s.services.clinic.zone)
    result = schedule.add_time_off(s.services.ctx, busy.doctor_id, start=day + timedelta(hours=8),
                                   end=day + timedelta(hours=19), reason="外出进修")
    affected = result.affected_appointment_ids
    return s.settle(TimeOffMovesDialog(s.services, affected, parent=s.window,
                                       heading=f"{day:%m-%d} 08:00–19:00 · {len(affected)}"))


def waitlist_dialog(s: Shots) -> QWidget:
    from ui.calendar.dialogs import WaitlistDialog

    return s.settle(WaitlistDialog(s.services, parent=s.window))


def day_sheet(s: Shots) -> QWidget:
    """The printed day sheet (A4 at 96 dpi), page one, as the printer lays it out."""
    from ui.calendar.page import CalendarPage

    page = s.window.open_page("calendar")
    assert isinstance(page, CalendarPage)
    page.go(s.tomorrow)
    document = QTextDocument()
    document.setHtml(page._sheet())  # noqa: SLF001 - the exact HTML the print button sends
    document.setPageSize(QSizeF(794, 1123))
    image = QImage(794, 1123, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    document.drawContents(painter, QRectF(0, 0, 794, 1123))
    painter.end()
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(image))
    label.resize(794, 1123)
    return label


# -- callbacks, messages, care plans -----------------------------------------------------------
def _queue_demo_messages(s: Shots) -> None:
    from clinic_desktop.services import care, messages

    today = s.services.local(s.services.ctx.now()).date()
    for item in care.callback_list(s.services.ctx, as_of=today)[:6]:
        template = {"followup_call": "followup", "recall": "recall", "birthday": "birthday",
                    "reactivation": "reactivation"}.get(item.kind, "followup")
        messages.queue_message(s.services.ctx, item.patient_id, template_key=template,
                               task_id=item.task_id)


def queue_message_dialog(s: Shots) -> QWidget:
    from clinic_desktop.services import care
    from ui.dialogs.queue_message_dialog import QueueMessageDialog

    today = s.services.local(s.services.ctx.now()).date()
    item = next(i for i in care.callback_list(s.services.ctx, as_of=today)
                if i.kind == "recall")
    return s.settle(QueueMessageDialog(s.services, item.patient_id, item.task_id,
                                       kind=item.kind, patient_name=item.patient,
                                       parent=s.window))


def messages_page(s: Shots) -> QWidget:
    _queue_demo_messages(s)
    return s.page("messages")


def care_plans(s: Shots) -> QWidget:
    page = s.window.open_page("care_plans")
    page.list.setCurrentRow(1)  # type: ignore[attr-defined]
    return s.settle(s.window)


def care_settings(s: Shots) -> QWidget:
    from ui.pages.care_plans_page import CareSettingsDialog

    return s.settle(CareSettingsDialog(s.services, s.window))


def templates_dialog(s: Shots) -> QWidget:
    from ui.pages.messages_page import TemplatesDialog

    return s.settle(TemplatesDialog(s.services, s.window))


def auto_messages_dialog(s: Shots) -> QWidget:
    from ui.dialogs.auto_messages_dialog import AutoMessagesDialog

    return s.settle(AutoMessagesDialog(s.services, s.window))


def server_dialog(s: Shots) -> QWidget:
    """连接服务器, as the first-run screen opens it on a new workstation, filled in."""
    from clinic_desktop.paths import DataDir
    from ui.dialogs.server_dialog import ServerDialog
    from ui.tasks import TaskManager

    dialog = ServerDialog(DataDir(Path(tempfile.mkdtemp(prefix="clinic-ws-"))),
                          TaskManager(synchronous=True), s.window)
    dialog.host.setText("192.168.1.10")
    dialog.password.setText("secret-pass")
    return s.settle(dialog)


def server_status_bar(s: Shots) -> QWidget:
    """The callback list on a desk of a server clinic: the status bar says another desk runs
    the scheduled jobs (staged: the demo clinic is a file, which has no other desks)."""
    from ui.care_monitor import SchedulerRoleLabel

    role = SchedulerRoleLabel()
    s.window.statusBar().addPermanentWidget(role)
    role.show_role(False)
    s.undo.append(role.deleteLater)  # the shots after this one are of a file clinic
    s.page("callbacks")
    return s.settle(s.window)


def attachments_folder_dialog(s: Shots) -> QWidget:
    """设置 → 附件文件夹… (a server clinic's shared folder), with a path typed."""
    from ui.dialogs.attachments_folder_dialog import AttachmentsFolderDialog

    dialog = AttachmentsFolderDialog(s.services, s.window)
    dialog.folder.setText(r"\\fileserver\clinic\attachments")
    return s.settle(dialog)


def scheduler_dialog(s: Shots) -> QWidget:
    """设置 → 定时任务… (a server clinic): how soon another desk takes over the jobs."""
    from ui.dialogs.scheduler_dialog import SchedulerDialog

    dialog = SchedulerDialog(s.services, s.window)
    dialog.seconds.setValue(90)
    return s.settle(dialog)


def channels_dialog(s: Shots) -> QWidget:
    from ui.pages.messages_page import ChannelsDialog

    return s.settle(ChannelsDialog(s.services, s.window))


# -- import ------------------------------------------------------------------------------------
def import_step(step: int) -> Callable[[Shots], QWidget]:
    """The import wizard on the shipped sample workbook, one shot per step (same dialog)."""

    def build(s: Shots) -> QWidget:
        from clinic_desktop.package_data import resource
        from ui.dialogs.import_wizard import ImportWizard

        found = [w for w in s.keep if isinstance(w, ImportWizard)]
        if step == 0 or not found:
            wizard = ImportWizard(s.services, s.window)
            s.keep.append(wizard)
        else:
            wizard = found[-1]
        # Steps: 0 file, 1 header row, 2 columns, 3 values, 4 dry run, 5 running, 6 done.
        if step == 0:
            wizard.open_file(Path(str(resource("samples/legacy-patients.xlsx"))))
        elif step in (1, 2, 3, 4):
            wizard.forward()
        elif step == 5:
            # The running step, caught mid-way (the real import finishes too fast to catch).
            wizard.go(5)
            wizard.progress.setRange(0, 100)
            wizard.progress.setValue(62)
            wizard.progress.setFormat(wizard.tr("正在导入…") + "  62%")
            wizard.progress.show()
        elif step == 6:
            wizard.progress.hide()
            wizard.go(4)
            wizard.forward()
        return s.settle(wizard)

    return build


def _sms_provider_demo(s: Shots) -> None:
    from dataclasses import replace

    from clinic_desktop.services import messages
    from clinic_desktop.services.sms_providers import ProviderTemplate

    ctx = s.services.ctx
    messages.save_channels(ctx, replace(
        messages.read_channels(ctx), sms_provider="aliyun",
        sms_key_id="LTAI5tQ8fK2mXvN3pR7sW1zY", sms_sign_name="康宁口腔"), sms_templates={
        "reminder": ProviderTemplate("SMS_468920117", (("name", "称呼"), ("time", "时间"),
                                                       ("doctor", "医生"), ("phone", "电话"))),
        "recall": ProviderTemplate("SMS_468920230", (("name", "称呼"), ("item", "项目"))),
        "birthday": ProviderTemplate("SMS_468920344", (("name", "称呼"),))})


def sms_channels_dialog(s: Shots) -> QWidget:
    from ui.pages.messages_page import ChannelsDialog

    _sms_provider_demo(s)
    dialog = ChannelsDialog(s.services, s.window)
    dialog.tabs.setCurrentWidget(dialog.sms)
    return s.settle(dialog)


def sms_templates_dialog(s: Shots) -> QWidget:
    from ui.pages.messages_page import ChannelsDialog

    _sms_provider_demo(s)
    dialog = ChannelsDialog(s.services, s.window)
    dialog.tabs.setCurrentWidget(dialog.mapping)
    return s.settle(dialog)


def dashboard_tab(index: int) -> Callable[[Shots], QWidget]:
    """经营看板 for this month: 0 by procedure, 3 doctors, 4 retention, 5 patient mix,
    6 callbacks and satisfaction, 7 complaints."""
    def build(s: Shots) -> QWidget:
        page = s.window.open_page("dashboard")
        page.tabs.setCurrentIndex(index)  # type: ignore[attr-defined]
        return s.settle(s.window)
    return build


def dashboard_building(s: Shots) -> QWidget:
    """A first look at a year: the month's numbers stay while the year's days are built."""
    page: Any = s.window.open_page("dashboard")
    s.settle(s.window)
    page._building(62, 731, "")
    return s.settle(s.window)


def reports_tab(index: int) -> Callable[[Shots], QWidget]:
    """日常报表: 0 日结 of yesterday (the demo's last full day), 1 doctors, 2 appointments."""
    def build(s: Shots) -> QWidget:
        from PySide6.QtCore import QDate

        page: Any = s.window.open_page("reports")
        yesterday = s.tomorrow - timedelta(days=2)
        page.daily.day.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
        page.tabs.setCurrentIndex(index)
        return s.settle(s.window)
    return build


def commission_dialog(s: Shots) -> QWidget:
    from clinic_desktop.services.insight.doctor_report import (
        commission_categories,
        commission_rates,
    )
    from ui.dialogs.commission_dialog import CommissionDialog

    ctx = s.services.ctx
    return s.settle(CommissionDialog(s.services, commission_categories(ctx),
                                     commission_rates(ctx)))


def segments_tab(index: int) -> Callable[[Shots], QWidget]:
    """患者分群 with the demo's saved segment open: 0 the filter and its list, 1 RFM and
    activity, 2 the demo campaign's result against its hold-out."""
    def build(s: Shots) -> QWidget:
        page = s.window.open_page("segments")
        page.saved_box.setCurrentIndex(0)  # type: ignore[attr-defined]
        page.open_saved()  # type: ignore[attr-defined]
        page.tabs.setCurrentIndex(index)  # type: ignore[attr-defined]
        if index == 1:
            page.refresh_rfm()  # type: ignore[attr-defined]
        elif index == 2:
            page.refresh_campaigns()  # type: ignore[attr-defined]
            page.campaigns_view.selectRow(0)  # type: ignore[attr-defined]
            page.show_result()  # type: ignore[attr-defined]
        return s.settle(s.window)
    return build


def campaign_dialog(s: Shots) -> QWidget:
    """A new campaign on the saved segment: callback tasks with a 10 % hold-out."""
    from ui.dialogs.campaign_dialog import CampaignDialog

    segments_tab(0)(s)
    page: Any = s.window.open_page("segments")
    dialog = CampaignDialog(s.services, None, rules=page.filter.rules(),
                            segment_id=page.segment_id, segment_name=page.segment_name,
                            count=page.count, choices=page.choices)
    return s.settle(dialog)


def _backups(s: Shots) -> list:  # type: ignore[type-arg]
    """Two backups of the demo clinic (made once): what the backup dialogs list."""
    from clinic_desktop.services.platform.backups import backup_now, list_backups

    ctx = s.services.ctx
    if not list_backups(ctx):
        backup_now(ctx, reason="nightly")
        backup_now(ctx, reason="manual")
    return list_backups(ctx)


def backup_dialog(s: Shots) -> QWidget:
    from ui.dialogs.backup_dialog import BackupDialog

    _backups(s)
    return s.settle(BackupDialog(s.services))


def restore_dialog(s: Shots) -> QWidget:
    from ui.dialogs.backup_dialog import RestoreDialog

    return s.settle(RestoreDialog(s.services, _backups(s)))


def recovery_key(s: Shots) -> QWidget:
    from clinic_desktop.database_keys import recovery_text
    from ui.dialogs.recovery_key_dialog import RecoveryKeyDialog

    # A fixed, made-up key: the real one is random and shown once.
    return s.settle(RecoveryKeyDialog(recovery_text(bytes(range(32))), s.services.clinic.name,
                                      day=s.services.local(s.services.ctx.now()).date()))


def unlock_dialog(s: Shots) -> QWidget:
    from ui.dialogs.unlock_dialog import UnlockDialog

    assert s.demo_db.data_dir is not None
    dialog = UnlockDialog(s.demo_db.data_dir, passphrase=False)
    dialog.secret.setText("A4DQO-BYHA4-DQ0BY")
    dialog.submit()  # a key cut short: the checksum names it
    return s.settle(dialog)


def security_dialog(s: Shots) -> QWidget:
    from ui.dialogs.security_dialog import SecurityDialog

    return s.settle(SecurityDialog(s.services))


def idle_lock(s: Shots) -> QWidget:
    s.page("calendar")
    s.window.idle_lock.lock()
    return s.settle(s.window)


def shortcuts_dialog(s: Shots) -> QWidget:
    from ui.dialogs.shortcuts_dialog import ShortcutsDialog

    return s.settle(ShortcutsDialog(s.window))


SHOTS: list[tuple[str, Callable[[Shots], QWidget]]] = [
    ("setup-dialog.png", setup_dialog),
    ("login-error.png", login_error),
    ("login-change-password.png", login_change_password),
    ("reset-password-dialog.png", reset_password_dialog),
    ("patient-home.png", patient_home),
    ("patient-search.png", patient_search),
    ("patient-panel.png", patient_panel),
    ("patient-form.png", patient_form),
    ("patient-conflict.png", patient_conflict),
    ("patient-consent.png", patient_consent),
    ("patients-masked.png", patients_masked),
    ("payment-dialog.png", payment_dialog),
    ("receipt.png", receipt),
    ("patient-member-tab.png", member_tab),
    ("topup-dialog.png", topup_dialog),
    ("patient-form-referral.png", patient_form_referral),
    ("calendar-day.png", lambda s: _calendar(s, "day", 0)),
    ("calendar-week.png", lambda s: _calendar(s, "week", 1)),
    ("calendar-week-all.png", lambda s: _calendar(s, "week", 0)),
    ("booking-dialog.png", booking_dialog),
    ("booking-referral.png", booking_referral),
    ("calendar-tooltip.png", calendar_tooltip),
    ("reschedule-dialog.png", reschedule_dialog),
    ("time-off-moves.png", time_off_moves),
    ("waitlist-dialog.png", waitlist_dialog),
    ("day-sheet.png", day_sheet),
    ("callback-list.png", callback_list),
    ("queue-message-dialog.png", queue_message_dialog),
    ("messages.png", messages_page),
    ("message-templates.png", templates_dialog),
    ("message-channels.png", channels_dialog),
    ("auto-messages.png", auto_messages_dialog),
    ("server-dialog.png", server_dialog),
    ("attachments-folder.png", attachments_folder_dialog),
    ("server-status-bar.png", server_status_bar),
    ("scheduler-dialog.png", scheduler_dialog),
    ("message-channels-sms.png", sms_channels_dialog),
    ("message-sms-templates.png", sms_templates_dialog),
    ("care-plans.png", care_plans),
    ("care-settings.png", care_settings),
    ("clinic-lists.png", lambda s: s.page("lists")),
    ("loyalty-tiers.png", loyalty_tab(0)),
    ("loyalty-rules.png", loyalty_tab(1)),
    ("loyalty-coupons.png", loyalty_tab(4)),
    ("loyalty-referrals.png", loyalty_tab(5)),
    ("loyalty-tier-dialog.png", loyalty_tier_dialog),
    ("dashboard.png", dashboard_tab(0)),
    ("dashboard-doctors.png", dashboard_tab(3)),
    ("dashboard-building.png", dashboard_building),
    ("dashboard-retention.png", dashboard_tab(4)),
    ("dashboard-mix.png", dashboard_tab(5)),
    ("dashboard-care.png", dashboard_tab(6)),
    ("dashboard-complaints.png", dashboard_tab(7)),
    ("reports-daily.png", reports_tab(0)),
    ("reports-doctors.png", reports_tab(1)),
    ("reports-appointments.png", reports_tab(2)),
    ("commission-dialog.png", commission_dialog),
    ("segments-filter.png", segments_tab(0)),
    ("segments-rfm.png", segments_tab(1)),
    ("campaign-result.png", segments_tab(2)),
    ("campaign-dialog.png", campaign_dialog),
    ("staff-and-chairs.png", lambda s: s.page("admin")),
    ("audit-log.png", lambda s: s.page("audit")),
    ("import-page.png", lambda s: s.page("import")),
    ("import-1-file.png", import_step(0)),
    ("import-2-header.png", import_step(1)),
    ("import-3-mapping.png", import_step(2)),
    ("import-4-values.png", import_step(3)),
    ("import-5-dry-run.png", import_step(4)),
    ("import-6-progress.png", import_step(5)),
    ("import-7-done.png", import_step(6)),
    ("backup-dialog.png", backup_dialog),
    ("restore-dialog.png", restore_dialog),
    ("recovery-key.png", recovery_key),
    ("unlock-dialog.png", unlock_dialog),
    ("security-dialog.png", security_dialog),
    ("shortcuts.png", shortcuts_dialog),
    ("idle-lock.png", idle_lock),  # last: the window stays locked
]


def run_one(out: Path, lang: str, screen: str, names: set[str]) -> int:
    target = out / lang / screen
    target.mkdir(parents=True, exist_ok=True)
    app = make_application()
    QCoreApplication.setOrganizationName("ClinicDesktopScreenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    work = Path(tempfile.mkdtemp(prefix="clinic-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work))
    install_language(app, LANGUAGES[lang])
    apply_style(app)
    clock = FixedClock(SCREENSHOT_TIME)
    demo_db = open_database(DataDir(work / "demo"), now=clock.now())
    seed_demo(demo_db, clock=clock, patients=800)
    empty_db = open_database(DataDir(work / "empty"), now=clock.now())
    actor = sign_in(demo_db, username=DEMO_ADMIN_USERNAME, password=DEMO_ADMIN_PASSWORD,
                    clock=clock)
    services = AppServices(Context(db=demo_db, actor=actor, clock=clock),
                           TaskManager(synchronous=True), read_clinic(demo_db))
    window = MainWindow(services)
    available = app.primaryScreen().availableGeometry()
    window.resize(available.size())  # what maximised gives on this screen
    shots = Shots(app, demo_db, empty_db, services, window, target)
    unexpected: list[str] = []
    for name, build in SHOTS:
        if names and name not in names:
            continue
        # A builder that opens a modal box (a question, an error) would wait for a click
        # forever: the box is saved beside the shot, closed, and the run reported as failed.
        watchdog = QTimer()
        watchdog.setInterval(3000)
        watchdog.timeout.connect(lambda name=name: _close_modal(target, name, unexpected))
        watchdog.start()
        try:
            widget = build(shots)
        finally:
            watchdog.stop()
        widget.grab().save(str(target / name))
        size = widget.size()
        print(f"{target / name}  {size.width()}×{size.height()}")
        if widget is not window and widget not in shots.keep:
            widget.close()
        while shots.undo:
            shots.undo.pop()()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # Every window deleted while the application still exists: left to the interpreter's
    # exit, PySide may destroy a dialog after the QApplication and crash on the way out.
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    shots.keep.clear()
    demo_db.close()
    empty_db.close()
    for line in unexpected:
        print(line, file=sys.stderr)
    return 1 if unexpected else 0


def _close_modal(target: Path, name: str, unexpected: list[str]) -> None:
    modal = QApplication.activeModalWidget()
    if modal is None:
        return
    path = target / name.replace(".png", "-unexpected.png")
    modal.grab().save(str(path))
    unexpected.append(f"{name}: a modal {type(modal).__name__} opened (saved as {path})")
    if isinstance(modal, QDialog):
        modal.reject()
    else:
        modal.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", choices=sorted(LANGUAGES))
    parser.add_argument("--screen", choices=sorted(SCREENS))
    parser.add_argument("names", nargs="*", help="only these files (e.g. booking-dialog.png)")
    args = parser.parse_intermixed_args(argv[1:])
    if args.lang is None or args.screen is None:
        return run_all(args.out, args.names)
    return run_one(args.out, args.lang, args.screen, set(args.names))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
