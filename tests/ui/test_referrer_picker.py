"""介绍人 chosen from the patients on file: in the patient form (marked when the source is
转介绍) and at booking (channel 转介绍: a new patient, or one on file without a referrer)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from clinic_desktop.permissions import Role
from clinic_desktop.services import schedule
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from clinic_desktop.services.staff import add_staff
from ui.app_services import AppServices
from ui.calendar.booking_dialog import BookingDialog
from ui.dialogs.patient_form import PatientFormDialog
from ui.widgets.referrer_picker import ReferrerPicker

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(services: AppServices) -> dict[str, int]:
    made = {}
    for name, mobile in (("张三", "13800138000"), ("李四", "13900139000")):
        made[name] = create_patient(services.ctx, PatientInput(name=name,
                                                               mobile=mobile)).patient.id
    return made


def pick(qtbot: QtBot, picker: ReferrerPicker, typed: str, name: str) -> None:
    """Type into the picker, move down into the results and press Enter on ``name``."""
    qtbot.keyClicks(picker.query, typed)
    assert picker.results.isVisibleTo(picker)
    rows = [picker.results.item(r).text() for r in range(picker.results.count())]
    wanted = next(r for r, text in enumerate(rows) if text.startswith(name + " · "))
    qtbot.keyClick(picker.query, Qt.Key.Key_Down)
    picker.results.setCurrentRow(wanted)
    qtbot.keyClick(picker.results, Qt.Key.Key_Return)


def test_the_form_stores_the_referrer_chosen_and_marks_it_for_referrals(
    qtbot: QtBot, services: AppServices, people: dict[str, int],
) -> None:
    form = PatientFormDialog(services)
    qtbot.addWidget(form)
    form.show()  # shown: Enter in the picker must choose, not press the dialog's 保存
    qtbot.waitExposed(form)
    form.name.setText("王五")
    form.mobile.setText("13600136000")
    assert not form.referrer.prominent and not form.referrer.hint.isVisibleTo(form)
    form.source.setCurrentIndex(form.source.findData("转介绍"))
    assert form.referrer.prominent and form.referrer.hint.isVisibleTo(form)
    assert "font-weight" in form.referrer.label.styleSheet()

    pick(qtbot, form.referrer, "zs", "张三")
    assert form.referrer.query.text() == "张三 · P000001 · 13800138000"
    assert form.referrer.query.isReadOnly() and form.referrer.clear_button.isVisibleTo(form)
    assert not form.referrer.results.isVisibleTo(form)
    assert form.isVisible() and form.saved is None  # Enter chose; it did not save
    qtbot.keyClick(form.referrer.query, Qt.Key.Key_Return)  # now Enter is the dialog's
    assert form.saved is not None and not form.isVisible()
    assert form.result() == PatientFormDialog.DialogCode.Accepted
    wang = form.saved.patient.id
    assert load_patient(services.ctx, wang).referred_by_id == people["张三"]

    edit = PatientFormDialog(services, load_patient(services.ctx, wang))
    qtbot.addWidget(edit)
    assert edit.referrer.referrer_id() == people["张三"]
    assert edit.referrer.query.text().startswith("张三 · ")
    edit.referrer.clear_button.click()
    assert edit.referrer.referrer_id() is None and not edit.referrer.query.isReadOnly()
    pick(qtbot, edit.referrer, "ls", "李四")
    edit.submit()
    assert load_patient(services.ctx, wang).referred_by_id == people["李四"]


def test_the_form_leaves_out_the_patient_and_shows_a_loop_refused(
    qtbot: QtBot, services: AppServices, people: dict[str, int],
) -> None:
    zhang, li = people["张三"], people["李四"]
    li_form = PatientFormDialog(services, load_patient(services.ctx, li))
    qtbot.addWidget(li_form)
    pick(qtbot, li_form.referrer, "zs", "张三")
    li_form.submit()  # 李四 was referred by 张三
    form = PatientFormDialog(services, load_patient(services.ctx, zhang))
    qtbot.addWidget(form)
    qtbot.keyClicks(form.referrer.query, "138")  # 张三's own number: he is not offered
    assert form.referrer.results.count() == 0
    form.referrer.query.clear()
    pick(qtbot, form.referrer, "ls", "李四")
    form.submit()
    assert form.saved is None and "循环" in form.errors.text and "介绍" in form.errors.text
    assert form.errors.marked is form.referrer.query
    assert load_patient(services.ctx, zhang).referred_by_id is None


@pytest.fixture
def doctor(services: AppServices) -> int:
    staff = add_staff(services.ctx, username="dr.wang", display_name="王建国",
                      role=Role.DOCTOR, password="pass1234", is_doctor=True).id
    schedule.set_working_hours(services.ctx, staff, schedule.default_hours())
    return staff


def booking(qtbot: QtBot, services: AppServices, doctor: int, hour: int,
            patient_id: int | None = None) -> BookingDialog:
    dialog = BookingDialog(services, start=datetime.combine(date(2026, 11, 25), time(hour), SH),
                           doctor_id=doctor, patient_id=patient_id)
    qtbot.addWidget(dialog)
    return dialog


def test_booking_a_new_patient_by_referral_stores_the_referrer(
    qtbot: QtBot, services: AppServices, people: dict[str, int], doctor: int,
) -> None:
    dialog = booking(qtbot, services, doctor, 10)
    assert not dialog.referral_box.isVisibleTo(dialog)  # 电话: no referrer asked
    dialog.channel.setCurrentIndex(dialog.channel.findData("referral"))
    assert dialog.referral_box.isVisibleTo(dialog)
    dialog.new_name.setText("新客")
    dialog.new_mobile.setText("13500135000")
    pick(qtbot, dialog.referrer, "ls", "李四")
    dialog.submit()
    assert dialog.booked_id is not None
    [hit] = search_patients(services.ctx, "13500135000")
    new = load_patient(services.ctx, hit.id)
    assert new.referred_by_id == people["李四"] and new.source == "转介绍"


def test_booking_offers_a_referrer_only_to_a_patient_without_one(
    qtbot: QtBot, services: AppServices, people: dict[str, int], doctor: int,
) -> None:
    dialog = booking(qtbot, services, doctor, 10)
    dialog.channel.setCurrentIndex(dialog.channel.findData("referral"))
    dialog.picker.query.setText("张三")
    first = dialog.picker.results.topLevelItem(0)
    assert first is not None
    dialog.picker.results.setCurrentItem(first)
    assert dialog.referral_box.isVisibleTo(dialog) and "还没有介绍人" in dialog.referrer.hint.text()
    qtbot.keyClicks(dialog.referrer.query, "zs")  # the patient booked is not offered
    assert dialog.referrer.results.count() == 0
    dialog.referrer.query.clear()
    pick(qtbot, dialog.referrer, "ls", "李四")
    dialog.submit()
    assert dialog.booked_id is not None
    assert load_patient(services.ctx, people["张三"]).referred_by_id == people["李四"]

    again = booking(qtbot, services, doctor, 11, patient_id=people["张三"])
    again.channel.setCurrentIndex(again.channel.findData("referral"))
    assert not again.referral_box.isVisibleTo(again)  # known now: nothing to offer
    other = booking(qtbot, services, doctor, 14, patient_id=people["李四"])
    other.channel.setCurrentIndex(other.channel.findData("referral"))
    assert other.referral_box.isVisibleTo(other)
