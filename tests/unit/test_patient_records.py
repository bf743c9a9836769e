"""Family, ledger, visits, merge and undo, attachments, and the role-cut 360° panel."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from clinic_desktop.context import Context
from clinic_desktop.errors import PermissionDenied, UserError
from clinic_desktop.permissions import Role
from clinic_desktop.services import billing, engagement, family, merge, panel, profile
from clinic_desktop.services.attachments import add_attachment, attachments_of, remove_attachment
from clinic_desktop.services.audit import recent_entries
from clinic_desktop.services.auth import sign_in
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.catalogue import list_procedures
from clinic_desktop.services.patients import (
    PatientInput,
    create_patient,
    load_patient,
    update_patient,
)
from clinic_desktop.services.staff import add_staff
from clinic_desktop.storage.models.clinical import LedgerEntry


def new(ctx: Context, name: str, **kw: object) -> int:
    return create_patient(ctx, PatientInput(name=name, **kw)).patient.id  # type: ignore[arg-type]


def as_role(ctx: Context, role: Role) -> Context:
    add_staff(ctx, username=f"u.{role.value}", display_name=role.value, role=role,
              password="pass1234")
    return ctx.as_actor(sign_in(ctx.db, username=f"u.{role.value}", password="pass1234",
                                clock=ctx.clock))


def test_family_link_shows_from_both_sides(admin_ctx: Context) -> None:
    mother, son = new(admin_ctx, "王芳"), new(admin_ctx, "李小明")
    family.link_family(admin_ctx, son, mother, relation="parent")
    assert [(m.name, m.relation) for m in family.family_of(admin_ctx, son)] == [("王芳", "parent")]
    assert [(m.name, m.relation) for m in family.family_of(admin_ctx, mother)] == [
        ("李小明", "child")]
    family.unlink_family(admin_ctx, mother, son)
    assert family.family_of(admin_ctx, son) == []
    with pytest.raises(UserError):
        family.link_family(admin_ctx, son, son, relation="sibling")


def test_visit_writes_charge_and_balances_follow_payments(admin_ctx: Context) -> None:
    pid = new(admin_ctx, "赵六")
    implant = next(p for p in list_procedures(admin_ctx) if p.name == "种植牙")
    visit = billing.record_visit(admin_ctx, pid, visit_date=date(2026, 11, 20), doctor_id=None,
                                 lines=[TreatmentLine(implant.id, Decimal("12000"), site="36")])
    assert visit.total == Decimal("12000")
    billing.add_entry(admin_ctx, pid, kind="discount", amount=Decimal("1000"))
    billing.add_entry(admin_ctx, pid, kind="topup", amount=Decimal("5000"), method="微信支付")
    billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("4000"), method="储值卡")
    billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("6000.50"),
                      method="支付宝")
    balance = billing.get_balance(admin_ctx, pid)
    assert (balance.owed, balance.stored_value) == (Decimal("999.50"), Decimal("1000.00"))
    with pytest.raises(UserError, match="储值余额不足") as caught:
        billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("1000.01"),
                          method="储值卡")
    assert caught.value.field == "amount"
    with pytest.raises(UserError) as caught:
        billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("10"))
    assert caught.value.field == "method"
    with pytest.raises(UserError, match="不能超过欠费") as caught:  # card money stays on the card
        billing.add_entry(admin_ctx, pid, kind="payment", amount=Decimal("1000"),
                          method="储值卡")
    assert caught.value.field == "amount"
    billing.undo_visit(admin_ctx, visit.id)
    balance = billing.get_balance(admin_ctx, pid)
    assert (balance.owed, balance.credit) == (Decimal("0.00"), Decimal("11000.50"))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["charge", "payment", "refund", "discount"]),
                          st.integers(min_value=1, max_value=10**7)), max_size=12))
def test_owed_is_charges_minus_discounts_minus_payments_plus_refunds(
    admin_ctx: Context, entries: list[tuple[str, int]]
) -> None:
    """Owed when that is positive; when negative, the same amount is credit (预存). A refund
    beyond the money received is refused and changes nothing."""
    pid = new(admin_ctx, "钱七")
    expected = received = Decimal(0)
    for kind, fen in entries:
        amount = Decimal(fen) / 100
        if kind == "refund" and amount > received:
            with pytest.raises(UserError) as caught:
                billing.add_entry(admin_ctx, pid, kind=kind, amount=amount, method="现金")
            assert caught.value.field == "amount"
            continue
        received += {"payment": amount, "refund": -amount}.get(kind, Decimal(0))
        billing.add_entry(admin_ctx, pid, kind=kind, amount=amount,
                          method="现金" if kind in ("payment", "refund") else None,
                          excess="credit")
        expected += amount if kind in ("charge", "refund") else -amount
    balance = billing.get_balance(admin_ctx, pid)
    assert (balance.owed, balance.credit) == (max(expected, 0), max(-expected, 0))
    assert balance.net == expected and balance.stored_value == 0


def _snapshot(ctx: Context, pid: int) -> dict[str, object]:
    view = panel.open_panel(ctx, pid)
    header = asdict(view.header)
    header["patient"].pop("version")
    header["patient"].pop("updated_at")
    return {"header": header, "timeline": [asdict(e) for e in view.timeline],
            "family": [asdict(m) for m in view.family], "medical": view.medical,
            "custom": view.custom_values}


def test_merge_moves_everything_and_undo_restores_it(admin_ctx: Context, tmp_path: Path) -> None:
    keep = new(admin_ctx, "张三", mobile="13800138000")
    dup = new(admin_ctx, "张三", address="上海市徐汇区", birth_date=date(1990, 3, 7))
    sister = new(admin_ctx, "张美丽")
    family.link_family(admin_ctx, dup, sister, relation="sibling")
    vip = next(t for t in profile.list_tags(admin_ctx) if t.name == "VIP")
    profile.set_tag(admin_ctx, dup, vip.id, on=True)
    profile.update_medical(admin_ctx, dup, profile.MedicalInfo(("青霉素",), "", "高血压", "",
                                                                "", ""))
    billing.add_entry(admin_ctx, dup, kind="charge", amount=Decimal("300"))
    engagement.log_contact(admin_ctx, dup, channel="phone", summary="术后回访，恢复良好")
    scan = tmp_path / "xray-36.png"
    scan.write_bytes(b"\x89PNG fake x-ray")
    add_attachment(admin_ctx, dup, scan)
    before = (_snapshot(admin_ctx, keep), _snapshot(admin_ctx, dup))

    result = merge.merge_patients(admin_ctx, keep_id=keep, absorb_id=dup)
    merged = panel.open_panel(admin_ctx, keep)
    assert result.moved_rows == 3
    assert set(result.filled_fields) == {"address", "birth_date"}
    assert merged.header.allergy_text == "青霉素"
    assert [t.name for t in merged.header.tags] == ["VIP"]
    assert [m.name for m in merged.family] == ["张美丽"]
    assert merged.header.balance is not None and merged.header.balance.owed == Decimal("300")
    assert load_patient(admin_ctx, dup).merged_into_id == keep
    assert [m.name for m in family.family_of(admin_ctx, sister)] == ["张三", "张三"]

    merge.undo_merge(admin_ctx, result.merge_id)
    after = (_snapshot(admin_ctx, keep), _snapshot(admin_ctx, dup))
    assert after == before
    with pytest.raises(UserError, match="已经撤销"):
        merge.undo_merge(admin_ctx, result.merge_id)
    actions = [e.action for e in recent_entries(admin_ctx, limit=50)]
    assert "patient.merge" in actions and "patient.merge_undo" in actions


def test_nurse_may_not_merge(admin_ctx: Context) -> None:
    a, b = new(admin_ctx, "甲"), new(admin_ctx, "乙")
    with pytest.raises(PermissionDenied):
        merge.merge_patients(as_role(admin_ctx, Role.NURSE), keep_id=a, absorb_id=b)


def test_attachment_survives_the_original_and_is_stored_once(
    admin_ctx: Context, tmp_path: Path
) -> None:
    pid, other = new(admin_ctx, "孙八"), new(admin_ctx, "周九")
    original = tmp_path / "全景片.jpg"
    original.write_bytes(b"\xff\xd8 panoramic x-ray bytes")
    first = add_attachment(admin_ctx, pid, original, kind="xray", caption="术前")
    again = add_attachment(admin_ctx, pid, original)
    add_attachment(admin_ctx, other, original)
    original.unlink()
    assert again.id == first.id and first.path.read_bytes().startswith(b"\xff\xd8")
    assert len(list(first.path.parent.iterdir())) == 1
    remove_attachment(admin_ctx, first.id)
    assert first.path.exists()  # still used by the other patient
    assert attachments_of(admin_ctx, pid) == []
    with pytest.raises(UserError) as caught:
        add_attachment(admin_ctx, pid, tmp_path / "missing.pdf")
    assert caught.value.field == "file"


def test_the_panel_shows_the_attachments_where_they_are_kept(
    admin_ctx: Context, tmp_path: Path
) -> None:
    """The data folder's on SQLite; on a server, the folder the workstations share."""
    pid = new(admin_ctx, "郑十一")
    scan = tmp_path / "根尖片.png"
    scan.write_bytes(b"\x89PNG periapical")
    added = add_attachment(admin_ctx, pid, scan, kind="xray")
    shown = panel.open_panel(admin_ctx, pid).attachments
    assert [(a.id, a.path) for a in shown] == [(added.id, added.path)]
    assert shown[0].path.read_bytes() == b"\x89PNG periapical"


def test_receptionist_sees_no_clinical_sections_but_sees_the_allergy(admin_ctx: Context) -> None:
    pid = new(admin_ctx, "吴十", birth_date=date(1980, 12, 1), notes="拔牙前测血压")
    profile.update_medical(admin_ctx, pid, profile.MedicalInfo(
        ("青霉素",), "", "糖尿病", "2019 年拔牙", "", "牙痛"))
    billing.record_visit(admin_ctx, pid, visit_date=date(2026, 11, 1), doctor_id=None,
                         notes="左下智齿冠周炎", lines=[TreatmentLine(None, Decimal(200),
                                                                     procedure_name="冲洗上药")])
    reception = as_role(admin_ctx, Role.RECEPTIONIST)
    view = panel.open_panel(reception, pid)
    assert {"medical", "treatments", "attachments", "notes"}.isdisjoint(view.sections)
    assert {"identity", "contacts", "billing", "care", "appointments"} <= view.sections
    assert view.header.allergy_text == "青霉素" and view.header.age == 45
    assert view.medical is not None and view.medical.conditions == ""
    assert view.medical.allergies == ("青霉素",) and view.medical.clinical_hidden
    assert view.treatments == ()
    assert all("智齿" not in e.detail for e in view.timeline)
    assert view.header.patient.notes == "" and view.header.patient.clinical_hidden
    doctor_view = panel.open_panel(as_role(admin_ctx, Role.DOCTOR), pid)
    assert doctor_view.medical is not None and doctor_view.medical.conditions == "糖尿病"
    assert doctor_view.header.patient.notes == "拔牙前测血压"
    assert not doctor_view.header.patient.clinical_hidden
    assert doctor_view.treatments[0].procedure == "冲洗上药"
    opened = [e for e in recent_entries(admin_ctx, limit=20) if e.action == "patient.open"]
    assert [e.username for e in opened[:2]] == ["u.doctor", "u.receptionist"]


def test_receptionist_neither_reads_nor_overwrites_the_clinical_note(admin_ctx: Context) -> None:
    pid = new(admin_ctx, "冯五", mobile="13800138005", notes="拔牙前测血压")
    reception = as_role(admin_ctx, Role.RECEPTIONIST)
    seen = load_patient(reception, pid)
    assert seen.notes == "" and seen.clinical_hidden
    # Saving the form it was shown (the note blank) changes the address, not the note.
    saved = update_patient(reception, pid, replace(seen.as_input(), address="北京路 1 号"),
                           version=seen.version)
    assert saved.patient.notes == "" and saved.patient.clinical_hidden
    stored = load_patient(admin_ctx, pid)
    assert (stored.address, stored.notes) == ("北京路 1 号", "拔牙前测血压")
    for attempt in ("改掉它", "拔牙前测血压"):  # writing, or probing with a guess
        with pytest.raises(PermissionDenied):
            update_patient(reception, pid, replace(seen.as_input(), notes=attempt),
                           version=stored.version)
    with pytest.raises(PermissionDenied):
        create_patient(reception, PatientInput(name="新来的", notes="怀孕 12 周"))
    assert create_patient(reception, PatientInput(name="新来的")).patient.notes == ""
    nurse = as_role(admin_ctx, Role.NURSE)
    shown = load_patient(nurse, pid)
    assert shown.notes == "拔牙前测血压" and not shown.clinical_hidden
    update_patient(nurse, pid, shown.as_input(), version=shown.version)  # sent back unchanged
    with pytest.raises(PermissionDenied):
        update_patient(nurse, pid, replace(shown.as_input(), notes="改掉它"),
                       version=shown.version + 1)
    assert load_patient(admin_ctx, pid).notes == "拔牙前测血压"


def test_receptionist_bills_a_visit_but_writes_no_clinical_notes_and_cannot_undo_one(
    admin_ctx: Context,
) -> None:
    pid = new(admin_ctx, "卫六")
    reception = as_role(admin_ctx, Role.RECEPTIONIST)
    day = date(2026, 11, 20)

    def line(notes: str = "") -> list[TreatmentLine]:
        return [TreatmentLine(None, Decimal(200), site="38", notes=notes,
                              procedure_name="冲洗上药")]

    with pytest.raises(PermissionDenied):
        billing.record_visit(reception, pid, visit_date=day, doctor_id=None, lines=line(),
                             notes="冠周炎")
    with pytest.raises(PermissionDenied):
        billing.record_visit(reception, pid, visit_date=day, doctor_id=None, lines=line("出血"))
    assert billing.get_balance(admin_ctx, pid).owed == 0
    visit = billing.record_visit(reception, pid, visit_date=day, doctor_id=None, lines=line())
    assert billing.get_balance(admin_ctx, pid).owed == Decimal(200)
    with pytest.raises(PermissionDenied):
        billing.undo_visit(reception, visit.id)
    with pytest.raises(PermissionDenied):
        billing.undo_visit(as_role(admin_ctx, Role.NURSE), visit.id)
    assert billing.get_balance(admin_ctx, pid).owed == Decimal(200)
    billing.undo_visit(as_role(admin_ctx, Role.DOCTOR), visit.id)
    assert billing.get_balance(admin_ctx, pid).owed == 0


def test_feedback_and_custom_fields_validate(admin_ctx: Context) -> None:
    pid = new(admin_ctx, "郑一")
    with pytest.raises(UserError) as caught:
        engagement.add_feedback(admin_ctx, pid, satisfaction=6)
    assert caught.value.field == "satisfaction"
    complaint = engagement.add_feedback(admin_ctx, pid, satisfaction=2, complaint="等待太久")
    assert complaint.status == "open"
    with pytest.raises(UserError) as caught:
        engagement.update_feedback(admin_ctx, complaint.id, status="resolved")
    assert caught.value.field == "resolution"
    field = profile.define_custom_field(admin_ctx, name="医保类型", kind="choice",
                                        choices=("职工", "居民"))
    with pytest.raises(UserError):
        profile.set_custom_values(admin_ctx, pid, {field.id: "商业"})
    profile.set_custom_values(admin_ctx, pid, {field.id: "职工"})
    assert panel.open_panel(admin_ctx, pid).custom_values == (("医保类型", "职工"),)
    with admin_ctx.db.session() as session:
        assert session.execute(select(LedgerEntry)).first() is None
