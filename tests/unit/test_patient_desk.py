"""The front desk's core: overpayments (credit or stored value), the patient list with
nothing typed (today's patients, recently opened), the audit of opening a record, and the
patient form's one-transaction save."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import appointments, billing, panel, profile, schedule
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.patient_details import save_new_patient, save_patient_details
from clinic_desktop.services.patient_search import recently_opened, todays_patients
from clinic_desktop.services.patients import PatientInput, create_patient, load_patient
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.audit import AuditEntry
from clinic_desktop.storage.models.patient import CustomFieldValue, Patient
from tests.conftest import FIXED_NOW


def new(ctx: Context, name: str, **kw: object) -> int:
    return create_patient(ctx, PatientInput(name=name, **kw)).patient.id  # type: ignore[arg-type]


def opens(ctx: Context, patient_id: int | None = None) -> int:
    with ctx.db.session() as session:
        query = select(func.count(AuditEntry.id)).where(AuditEntry.action == "patient.open")
        if patient_id is not None:
            query = query.where(AuditEntry.entity_id == str(patient_id))
        return int(session.execute(query).scalar_one())


# -- money -----------------------------------------------------------------------------------
def test_a_payment_beyond_what_is_owed_must_say_what_the_excess_is(admin_ctx: Context) -> None:
    pid = new(admin_ctx, "钱多多")
    with pytest.raises(billing.Overpayment) as caught:
        billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("300"), method="现金")
    assert (caught.value.excess, caught.value.owed) == (Decimal("300.00"), Decimal("0.00"))
    assert caught.value.field == "amount" and "¥300.00" in caught.value.message
    assert billing.ledger_of(admin_ctx, pid) == []  # refused: nothing written
    with pytest.raises(UserError) as invalid:
        billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("300"), method="现金",
                          excess="tip")
    assert invalid.value.field == "excess"
    # Paying exactly what is owed needs no answer.
    billing.add_entry(admin_ctx, pid, kind="charge", amount=Decimal("120"))
    billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("120"), method="微信支付")
    assert billing.get_balance(admin_ctx, pid).owed == 0


def test_excess_kept_as_credit_is_spent_by_the_next_charges(admin_ctx: Context) -> None:
    pid = new(admin_ctx, "预存者")
    billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("300"), method="现金",
                      excess="credit")
    balance = billing.get_balance(admin_ctx, pid)
    assert (balance.owed, balance.credit, balance.stored_value) == (0, Decimal("300.00"), 0)
    billing.add_entry(admin_ctx, pid, kind="charge", amount=Decimal("200"))
    balance = billing.get_balance(admin_ctx, pid)
    assert (balance.owed, balance.credit) == (0, Decimal("100.00"))
    billing.add_entry(admin_ctx, pid, kind="charge", amount=Decimal("250"))
    balance = billing.get_balance(admin_ctx, pid)
    assert (balance.owed, balance.credit) == (Decimal("150.00"), 0)
    # Derived, never edited: the three entries as written.
    assert [(e.kind, e.amount) for e in reversed(billing.ledger_of(admin_ctx, pid))] == [
        ("payment", Decimal("300.00")), ("charge", Decimal("200.00")),
        ("charge", Decimal("250.00"))]


def test_excess_kept_as_stored_value_pays_the_debt_and_tops_up_the_rest(
    admin_ctx: Context,
) -> None:
    pid = new(admin_ctx, "储值者")
    billing.add_entry(admin_ctx, pid, kind="charge", amount=Decimal("100"))
    first = billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("300"),
                              method="支付宝", excess="stored_value", note="多付")
    assert (first.kind, first.amount) == ("payment", Decimal("100.00"))
    balance = billing.get_balance(admin_ctx, pid)
    assert (balance.owed, balance.credit, balance.stored_value) == (0, 0, Decimal("200.00"))
    assert [(e.kind, e.method, e.amount) for e in billing.ledger_of(admin_ctx, pid)][:2] == [
        ("topup", "alipay", Decimal("200.00")), ("payment", "alipay", Decimal("100.00"))]
    # Nothing owed: the whole payment is a top-up.
    only = billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("50"),
                             method="现金", excess="stored_value")
    assert (only.kind, only.amount) == ("topup", Decimal("50.00"))
    assert billing.get_balance(admin_ctx, pid).stored_value == Decimal("250.00")


# -- opening a record ------------------------------------------------------------------------
def test_opening_is_audited_once_and_a_refresh_not_at_all(admin_ctx: Context) -> None:
    pid = new(admin_ctx, "开档案")
    first = panel.open_panel(admin_ctx, pid)
    assert opens(admin_ctx, pid) == 1
    billing.add_entry(admin_ctx, pid, kind="charge", amount=Decimal("80"))
    again = panel.refresh_panel(admin_ctx, pid)
    assert opens(admin_ctx, pid) == 1
    assert first.header.balance is not None and first.header.balance.owed == 0
    assert again.header.balance is not None and again.header.balance.owed == Decimal("80.00")
    assert [e.amount for e in again.ledger] == [Decimal("80.00")]


# -- the list with nothing typed -------------------------------------------------------------
def test_todays_patients_by_time_without_the_cancelled(admin_ctx: Context) -> None:
    doctor = add_staff(admin_ctx, username="dr.li", display_name="李医生", role=Role.DOCTOR,
                       password="pass1234", is_doctor=True).id
    schedule.set_working_hours(admin_ctx, doctor, schedule.default_hours())
    late, early, cancelled, tomorrow = (new(admin_ctx, n) for n in ("午后", "清早", "取消", "明天"))

    def book(pid: int, hours: float) -> int:
        start = FIXED_NOW + timedelta(hours=hours)  # FIXED_NOW is 10:00 in Shanghai
        return appointments.book(admin_ctx, BookingRequest(
            pid, doctor, start, start + timedelta(minutes=30)), override_reason="测试")

    book(late, 4)
    book(late, 6)
    book(early, -1.5)
    gone = book(cancelled, 1)
    book(tomorrow, 24)
    book(new(admin_ctx, "昨天"), -11)  # 23:00 the day before in Shanghai (15:00 UTC today)
    appointments.change_status(admin_ctx, gone, version=1, status="cancelled", reason="改天")
    today = todays_patients(admin_ctx)
    assert [(t.patient.name, t.start, t.appointments) for t in today] == [
        ("清早", FIXED_NOW - timedelta(hours=1.5), 1), ("午后", FIXED_NOW + timedelta(hours=4), 2)]
    assert today[0].doctor == "李医生" and today[0].status == "booked"


def test_recently_opened_is_this_users_newest_first_each_once(admin_ctx: Context) -> None:
    ids = [new(admin_ctx, name) for name in ("甲一", "乙二", "丙三", "丁四")]
    for pid in (ids[0], ids[1], ids[0], ids[2]):
        panel.open_panel(admin_ctx, pid)
    add_staff(admin_ctx, username="front.b", display_name="前台", role=Role.RECEPTIONIST,
              password="pass1234")
    other = admin_ctx.as_actor(sign_in(admin_ctx.db, username="front.b", password="pass1234",
                                       clock=admin_ctx.clock))
    panel.open_panel(other, ids[3])
    recent = recently_opened(admin_ctx)
    assert [r.patient.name for r in recent] == ["丙三", "甲一", "乙二"]
    assert all(r.opened_at == FIXED_NOW for r in recent)
    assert [r.patient.name for r in recently_opened(other)] == ["丁四"]
    assert [r.patient.name for r in recently_opened(admin_ctx, limit=2)] == ["丙三", "甲一"]
    panel.refresh_panel(admin_ctx, ids[1])  # a refresh is not an opening
    assert recently_opened(admin_ctx)[0].patient.name == "丙三"


# -- the form's save -------------------------------------------------------------------------
def test_a_refused_custom_value_creates_nothing(admin_ctx: Context) -> None:
    kind = profile.define_custom_field(admin_ctx, name="医保类型", kind="choice",
                                       choices=("职工", "居民"))
    card = profile.define_custom_field(admin_ctx, name="会员卡号", kind="text")

    def patients() -> int:
        with admin_ctx.db.session() as session:
            return int(session.execute(select(func.count(Patient.id))).scalar_one())

    before = patients()
    with pytest.raises(UserError) as caught:
        save_new_patient(admin_ctx, PatientInput(name="新朋友", mobile="13600001111"),
                         custom_values={card.id: "A001", kind.id: "商业"})
    assert caught.value.field == "医保类型"
    assert patients() == before
    saved = save_new_patient(admin_ctx, PatientInput(name="新朋友", mobile="13600001111"),
                             custom_values={card.id: "A001", kind.id: ""})
    assert profile.custom_values_by_field(admin_ctx, saved.patient.id) == {card.id: "A001"}
    # An edit is one transaction too: a refused value leaves the details as they were.
    stored = load_patient(admin_ctx, saved.patient.id)
    with pytest.raises(UserError):
        save_patient_details(admin_ctx, stored.id, PatientInput(name="改名了"),
                             version=stored.version, custom_values={kind.id: "商业"})
    assert load_patient(admin_ctx, stored.id).name == "新朋友"
    save_patient_details(admin_ctx, stored.id, PatientInput(name="改名了"),
                         version=stored.version, custom_values={kind.id: "居民", card.id: ""})
    assert load_patient(admin_ctx, stored.id).name == "改名了"
    with admin_ctx.db.session() as session:
        values = session.execute(select(CustomFieldValue.value).where(
            CustomFieldValue.patient_id == stored.id)).scalars().all()
    assert values == ["居民"]

