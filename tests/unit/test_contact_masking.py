"""Phone and ID numbers per role: every read that shows a patient's number × every role.

One table (``READS``): each entry calls a service the GUI lists numbers from (or an export) and
returns what it got. For each role that may call it, a role with CONTACT_FULL must get the whole
numbers and any other role must get no whole number anywhere in the result (masked ones
instead). The reports and exports only a manager may call are checked again for a manager whose
role lost CONTACT_FULL, so their masking is exercised too. A scan of the services makes sure a
new record with a phone field is listed in ``permissions.CONTACT_FIELDS`` (and so in here).
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import pkgutil
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import clinic_desktop.services
from clinic_desktop.audit_keys import ENV_KEY_DIR
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import PermissionDenied
from clinic_desktop.paths import DataDir
from clinic_desktop.permissions import (
    CONTACT_FIELDS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    has_permission,
)
from clinic_desktop.rules.idcard import check_char
from clinic_desktop.rules.masking import mask_id_card, mask_phone
from clinic_desktop.services import (
    appointments,
    billing,
    calendar,
    care,
    catalogue,
    exports,
    family,
    messages,
    panel,
    patient_search,
    patients,
    schedule,
    staff,
    waitlist,
)
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.audit import recent_entries
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.contacts import reveal_contact
from clinic_desktop.services.insight import campaigns, complaints, drill, rfm, segments
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.loyalty import balances, referrals
from clinic_desktop.services.patients import PatientInput
from clinic_desktop.storage.database import Database, open_database
from tests import pg
from tests.conftest import FIXED_NOW, PgSeeded, copy_seeded, seed_on_pg

PASSWORD = "Masking-Test-2026"
MOBILE = "13812345678"
PHONE2 = "0592-5551234"
EMERGENCY = "13900001111"
ID_NUMBER = "35020319900101123" + check_char("35020319900101123")
RELATIVE_MOBILE = "13711112222"
FULL = (MOBILE, PHONE2, EMERGENCY, ID_NUMBER, RELATIVE_MOBILE)
MASKED = {mask_phone(MOBILE), mask_phone(PHONE2), mask_phone(EMERGENCY),
          mask_id_card(ID_NUMBER), mask_phone(RELATIVE_MOBILE)}
TODAY = date(2026, 11, 24)  # FIXED_NOW in Shanghai
ROLES = tuple(Role)


# -- the seeded clinic (built once, copied per test) ------------------------------------------
@dataclass
class Seed:
    patient: int = 0  # 张三: every kind of number; a visit owed, an appointment today
    relative: int = 0  # 李四: family of 张三, referred by him, on the waitlist
    appointment: int = 0
    staff_ids: dict[Role, int] = field(default_factory=dict)


def _seed(ctx: Context) -> Seed:
    s = Seed()
    assert ctx.actor.staff_id is not None
    s.staff_ids[Role.ADMINISTRATOR] = ctx.actor.staff_id
    for role in ROLES[1:]:
        s.staff_ids[role] = staff.add_staff(
            ctx, username=f"u.{role.value}", display_name=role.value, role=role,
            password=PASSWORD, is_doctor=role is Role.DOCTOR).id
    doctor = s.staff_ids[Role.DOCTOR]
    schedule.set_working_hours(ctx, doctor, schedule.default_hours())
    extraction = next(p.id for p in catalogue.list_procedures(ctx) if p.name == "普通拔牙")
    s.patient = patients.create_patient(ctx, PatientInput(
        name="张三", mobile=MOBILE, phone2=PHONE2, id_number=ID_NUMBER,
        emergency_contact="李四（妻子）", emergency_phone=EMERGENCY)).patient.id
    s.relative = patients.create_patient(ctx, PatientInput(
        name="李四", mobile=RELATIVE_MOBILE, source="转介绍",
        referred_by_id=s.patient)).patient.id
    family.link_family(ctx, s.patient, s.relative, relation="spouse")
    # Yesterday's extraction: a charge left owing, and its 24-hour call due now.
    billing.record_visit(ctx, s.patient, visit_date=TODAY - timedelta(days=1), doctor_id=doctor,
                         lines=[TreatmentLine(extraction, Decimal(300))],
                         treated_at=FIXED_NOW - timedelta(days=1))
    billing.record_visit(ctx, s.relative, visit_date=TODAY - timedelta(days=1),
                         doctor_id=doctor, lines=[TreatmentLine(extraction, Decimal(300))])
    start = FIXED_NOW + timedelta(hours=4)  # today 14:00
    s.appointment = appointments.book(ctx, BookingRequest(
        s.patient, doctor, start, start + timedelta(minutes=30), None, (extraction,)))
    waitlist.add_to_waitlist(ctx, s.relative, doctor_id=doctor)
    messages.queue_message(ctx, s.patient, template_key=messages.templates(ctx)[0][0],
                           channel="sms")
    from clinic_desktop.services import engagement

    engagement.add_feedback(ctx, s.patient, satisfaction=2, complaint="等候太久")
    return s


@dataclass(frozen=True)
class Seeded:
    root: Path
    keys: Path
    seed: Seed


def _set_up_and_seed(db: Database) -> Seed:
    clock = FixedClock(FIXED_NOW)
    actor = setup_clinic(db, clinic_name="测试诊所", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password=PASSWORD, clock=clock)
    return _seed(Context(db=db, actor=actor, clock=clock))


@pytest.fixture(scope="module")
def seeded_pg(pg_server: pg.PgServer, tmp_path_factory: pytest.TempPathFactory
              ) -> PgSeeded[Seed]:
    """The same clinic on PostgreSQL, seeded once per module."""
    return seed_on_pg(pg_server, tmp_path_factory.mktemp("masking-pg"), _set_up_and_seed)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    folder = tmp_path_factory.mktemp("masking")
    keys = folder / "keys"
    data_dir = DataDir(folder / "clinic")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_KEY_DIR, str(keys))  # never the developer's own key folder
        db = open_database(data_dir, now=FIXED_NOW)
        try:
            seed = _set_up_and_seed(db)
        finally:
            db.close()
    template = folder / "template"
    template.mkdir()
    source = sqlite3.connect(data_dir.database)
    target = sqlite3.connect(template / data_dir.database.name)
    with target:
        source.backup(target)
    source.close()
    target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    return Seeded(template, keys, seed)


@dataclass
class Clinic:
    seed: Seed
    db: Any
    out: Path

    def ctx(self, role: Role) -> Context:
        actor = Actor(self.seed.staff_ids[role], f"u.{role.value}", role.value, role)
        return Context(db=self.db, actor=actor, clock=FixedClock(FIXED_NOW))


@pytest.fixture
def clinic(request: pytest.FixtureRequest, db_engine: str, tmp_path: Path) -> Iterator[Clinic]:
    """A fresh copy: the reads here audit openings and reveals, which must not leak across."""
    if db_engine == "postgresql":
        server: pg.PgServer = request.getfixturevalue("pg_server")
        on_pg: PgSeeded[Seed] = request.getfixturevalue("seeded_pg")
        with copy_seeded(server, on_pg, tmp_path / "shared-attachments") as db:
            yield Clinic(on_pg.seed, db, tmp_path)
        return
    seeded: Seeded = request.getfixturevalue("seeded")
    data_dir = DataDir(tmp_path / "clinic")
    data_dir.root.mkdir(parents=True)
    shutil.copy(seeded.root / data_dir.database.name, data_dir.database)
    key_dir = Path(os.environ[ENV_KEY_DIR])
    key_dir.mkdir(parents=True, exist_ok=True)
    for key_file in seeded.keys.iterdir():
        shutil.copy2(key_file, key_dir / key_file.name)
    db = open_database(data_dir, upgrade=False)
    try:
        yield Clinic(seeded.seed, db, tmp_path)
    finally:
        db.close()


# -- what each read returns -------------------------------------------------------------------
def _cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                for v in row if v is not None]
    finally:
        book.close()


def _export(write: Callable[[Path], object]) -> Callable[[Clinic, Context], object]:
    def run(c: Clinic, ctx: Context) -> object:
        path = c.out / f"export-{ctx.actor.role.value}.xlsx"
        path.unlink(missing_ok=True)
        write(path)
        return _cells(path)
    return run


def _recent(c: Clinic, ctx: Context) -> object:
    panel.open_panel(ctx, c.seed.patient)
    return patient_search.recently_opened(ctx)


def _callbacks(c: Clinic, ctx: Context) -> object:
    return care.callback_list(ctx, as_of=TODAY, whole_day=True)


def _callback_export(c: Clinic, ctx: Context) -> object:
    items = care.callback_list(ctx, as_of=TODAY, whole_day=True)
    path = c.out / f"callbacks-{ctx.actor.role.value}.xlsx"
    care.export_callbacks(ctx, items, str(path))
    return _cells(path)


def _unmasked_callback_export(c: Clinic, ctx: Context) -> object:
    """Items read by someone who sees numbers in full, handed to an export: still masked."""
    items = care.callback_list(c.ctx(Role.ADMINISTRATOR), as_of=TODAY, whole_day=True)
    path = c.out / f"handed-{ctx.actor.role.value}.xlsx"
    care.export_callbacks(ctx, items, str(path))
    return _cells(path)


def _campaign_export(c: Clinic, ctx: Context) -> object:
    path = c.out / f"campaign-{ctx.actor.role.value}.xlsx"
    campaigns.start_campaign(ctx, campaigns.CampaignInput(
        f"导出{ctx.actor.role.value}", campaigns.ExportAction(str(path)), rules=SegmentRules()))
    return _cells(path)


def _november() -> Any:
    from clinic_desktop.rules.periods import Period

    return Period(date(2026, 11, 1), date(2026, 11, 30))


Read = Callable[[Clinic, Context], object]
# name → the call. Exports come back as the workbook's cells.
READS: dict[str, Read] = {
    "patients.load_patient": lambda c, ctx: patients.load_patient(ctx, c.seed.patient),
    "patients.update_patient": lambda c, ctx: patients.update_patient(
        ctx, c.seed.patient, replace(patients.load_patient(ctx, c.seed.patient).as_input(),
                                     address="北京路 1 号"),
        version=patients.load_patient(ctx, c.seed.patient).version),
    "patients.find_possible_duplicates": lambda c, ctx: patients.find_possible_duplicates(
        ctx, PatientInput(name="张三丰", mobile=MOBILE)),
    "patient_search.search_patients (name)": lambda c, ctx: patient_search.search_patients(
        ctx, "张三"),
    # The whole number typed still finds the patient; the list shows it masked.
    "patient_search.search_patients (whole mobile)":
        lambda c, ctx: patient_search.search_patients(ctx, MOBILE),
    "patient_search.patient_hit": lambda c, ctx: patient_search.patient_hit(ctx, c.seed.patient),
    "patient_search.todays_patients": lambda c, ctx: patient_search.todays_patients(ctx),
    "patient_search.recently_opened": _recent,
    "panel.open_panel": lambda c, ctx: panel.open_panel(ctx, c.seed.patient),
    "panel.refresh_panel": lambda c, ctx: panel.refresh_panel(ctx, c.seed.patient),
    "family.family_of": lambda c, ctx: family.family_of(ctx, c.seed.patient),
    "calendar.appointments_between": lambda c, ctx: calendar.appointments_between(
        ctx, FIXED_NOW - timedelta(days=1), FIXED_NOW + timedelta(days=1)),
    "calendar.propose_moves": lambda c, ctx: calendar.propose_moves(ctx, [c.seed.appointment]),
    "calendar.booking_candidates": lambda c, ctx: calendar.booking_candidates(ctx, "张三"),
    "waitlist.active_waitlist": lambda c, ctx: waitlist.active_waitlist(ctx),
    "waitlist.matches_for_slot": lambda c, ctx: waitlist.matches_for_slot(
        ctx, c.seed.appointment),
    "care.callback_list": _callbacks,
    "messages.outbox": lambda c, ctx: messages.outbox(ctx),
    "messages.queue_message": lambda c, ctx: messages.queue_message(
        ctx, c.seed.patient, template_key=messages.templates(ctx)[0][0], channel="sms"),
    "insight.complaints.complaints": lambda c, ctx: complaints.complaints(ctx),
    "insight.drill.patients_behind": lambda c, ctx: drill.patients_behind(
        ctx, _november(), what="procedure", key="普通拔牙"),
    "insight.rfm.rfm_scores": lambda c, ctx: rfm.rfm_scores(ctx),
    "insight.segments.list_segment": lambda c, ctx: segments.list_segment(ctx, SegmentRules()),
    "loyalty.referrals.referral_ranking": lambda c, ctx: referrals.referral_ranking(ctx),
    "loyalty.balances.clinic_balances": lambda c, ctx: balances.clinic_balances(ctx),
    "exports.export_patients": lambda c, ctx: _export(
        lambda p: exports.export_patients(ctx, p))(c, ctx),
    "exports.export_appointments": lambda c, ctx: _export(
        lambda p: exports.export_appointments(ctx, p))(c, ctx),
    "exports.export_visits": lambda c, ctx: _export(
        lambda p: exports.export_visits(ctx, p))(c, ctx),
    "care.export_callbacks": _callback_export,
    "care.export_callbacks (items read in full)": _unmasked_callback_export,
    "insight.segments.export_segment": lambda c, ctx: _export(
        lambda p: segments.export_segment(ctx, SegmentRules(), p))(c, ctx),
    "insight.campaigns (export action)": _campaign_export,
}


def _strings(value: object) -> Iterator[str]:
    """Every string in a result: dataclass fields, tuples, lists, dicts, nested."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _records(value: object) -> Iterator[object]:
    """Every record in a result whose type ``CONTACT_FIELDS`` lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if type(value).__name__ in CONTACT_FIELDS:
            yield value
        for f in dataclasses.fields(value):
            yield from _records(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _records(item)


def _check(result: object, *, full: bool, where: str) -> None:
    texts = list(_strings(result))
    whole = [number for number in FULL if any(number in text for text in texts)]
    if full:
        assert MOBILE in texts or RELATIVE_MOBILE in texts, f"{where}: no whole number"
        assert not MASKED & set(texts), f"{where}: masked for a role that sees numbers"
    else:
        assert whole == [], f"{where}: whole numbers {whole} for a role without CONTACT_FULL"
        assert MASKED & set(texts), f"{where}: no masked number shown"
    for record in _records(result):
        for name in CONTACT_FIELDS[type(record).__name__]:
            value = getattr(record, name)
            if value:
                assert (value in FULL) is full, f"{where}: {type(record).__name__}.{name}"


@pytest.mark.parametrize("name", list(READS))
def test_numbers_per_role(clinic: Clinic, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    read = READS[name]
    checked = {True: 0, False: 0}
    for role in ROLES:
        ctx = clinic.ctx(role)
        try:
            result = read(clinic, ctx)
        except PermissionDenied:
            continue
        full = has_permission(role, Permission.CONTACT_FULL)
        _check(result, full=full, where=f"{name} as {role.value}")
        checked[full] += 1
    assert checked[True], f"{name}: no role that sees numbers could call it"
    if not checked[False]:
        # Only managers may call it (reports, exports): a manager without CONTACT_FULL must
        # get masked numbers all the same.
        monkeypatch.setitem(ROLE_PERMISSIONS, Role.MANAGER,
                            ROLE_PERMISSIONS[Role.MANAGER] - {Permission.CONTACT_FULL})
        _check(read(clinic, clinic.ctx(Role.MANAGER)), full=False,
               where=f"{name} as a manager without CONTACT_FULL")


def test_every_record_with_numbers_is_read_above() -> None:
    """The table reaches every read model ``CONTACT_FIELDS`` lists; ``CONTACT_FIELDS`` names
    real fields; and a services record with a number-like field is listed or exempted."""
    exempt = {
        "StaffInfo": "a staff member's own phone (staff management), not a patient's",
        "ClinicInfo": "the clinic's phone, printed on receipts and messages",
        "Receipt": "the clinic's phone on a receipt",
        "_Existing": "an import's index of the numbers on file, to match rows (never returned)",
        "PlannedPatient": "an import's dry run: numbers from the file being imported "
                          "(IMPORT_RUN is held only with CONTACT_FULL)",
        "Referral": "a referrer as an imported sheet wrote it (import only)",
        "ReferrersOnFile": "an import's look-up of the referrers on file by name and mobile "
                           "(import only, never returned)",
        "PatientInput": "what a form or an import row supplies (an input, not a read)",
        "RevealedContact": "the audited reveal itself",
        "Route": "where an automatic message goes, inside the scan's transaction (never "
                 "returned; the outbox row it fills is masked as OutboxInfo)",
    }
    found: dict[str, set[str]] = {}
    words = ("mobile", "phone", "id_number", "recipient")
    for info in pkgutil.walk_packages(clinic_desktop.services.__path__,
                                      "clinic_desktop.services."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) \
                    and value.__module__ == module.__name__:
                names = {f.name for f in dataclasses.fields(value)
                         if any(w in f.name for w in words)}
                if names:
                    found[value.__name__] = names
    unlisted = set(found) - set(CONTACT_FIELDS) - set(exempt)
    assert not unlisted, f"records with numbers neither masked nor exempted: {unlisted}"
    for record, masked in CONTACT_FIELDS.items():
        assert record in found and masked <= found[record], record
    assert set(exempt) <= set(found), set(exempt) - set(found)


def test_the_table_covers_every_listed_record(clinic: Clinic) -> None:
    seen: set[str] = set()
    for read in READS.values():
        seen.update(type(r).__name__ for r in _records(read(clinic, clinic.ctx(Role.MANAGER))))
    assert set(CONTACT_FIELDS) <= seen, set(CONTACT_FIELDS) - seen


def test_an_e_mail_recipient_is_not_masked(clinic: Clinic) -> None:
    nurse = clinic.ctx(Role.NURSE)
    info = messages.queue_message(nurse, clinic.seed.patient, channel="email",
                                  template_key=messages.templates(nurse)[0][0],
                                  recipient="zhang3@example.com")
    assert info.recipient == "zhang3@example.com"


# -- reveal ----------------------------------------------------------------------------------
def test_reveal_shows_one_patient_in_full_and_is_audited(clinic: Clinic) -> None:
    reception = clinic.ctx(Role.RECEPTIONIST)
    before = len(recent_entries(clinic.ctx(Role.ADMINISTRATOR), limit=500))
    shown = reveal_contact(reception, clinic.seed.patient)
    assert (shown.mobile, shown.phone2, shown.emergency_phone, shown.id_number) == (
        MOBILE, PHONE2, EMERGENCY, ID_NUMBER)
    entries = recent_entries(clinic.ctx(Role.ADMINISTRATOR), limit=500)
    assert len(entries) == before + 1
    entry = entries[0]
    assert (entry.action, entry.username, entry.entity_id) == (
        "contact.reveal", "u.receptionist", str(clinic.seed.patient))
    from clinic_desktop.services.audit_log import action_label

    assert action_label("contact.reveal") == "查看完整号码"
    # Only that patient: the lists stay masked.
    assert patients.load_patient(reception, clinic.seed.patient).mobile == mask_phone(MOBILE)


def test_reveal_needs_patient_view_and_a_patient(clinic: Clinic,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.errors import NotFound

    with pytest.raises(NotFound):
        reveal_contact(clinic.ctx(Role.NURSE), 999_999)
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.NURSE,
                        ROLE_PERMISSIONS[Role.NURSE] - {Permission.PATIENT_VIEW})
    with pytest.raises(PermissionDenied):
        reveal_contact(clinic.ctx(Role.NURSE), clinic.seed.patient)


# -- editing ---------------------------------------------------------------------------------
def test_saving_the_masked_form_keeps_the_whole_numbers(clinic: Clinic) -> None:
    reception = clinic.ctx(Role.RECEPTIONIST)
    seen = patients.load_patient(reception, clinic.seed.patient)
    assert (seen.mobile, seen.id_number) == ("138****5678", "3502**********" + ID_NUMBER[-4:])
    saved = patients.update_patient(reception, clinic.seed.patient,
                                    replace(seen.as_input(), address="北京路 1 号"),
                                    version=seen.version)
    assert saved.patient.mobile == "138****5678"  # the answer is masked too
    stored = patients.load_patient(clinic.ctx(Role.ADMINISTRATOR), clinic.seed.patient)
    assert (stored.mobile, stored.phone2, stored.emergency_phone, stored.id_number,
            stored.address) == (MOBILE, PHONE2, EMERGENCY, ID_NUMBER, "北京路 1 号")
    # A new number typed in full replaces the stored one; a half-edited mask is refused.
    again = patients.update_patient(reception, clinic.seed.patient,
                                    replace(seen.as_input(), mobile="13600001234"),
                                    version=stored.version)
    assert again.patient.mobile == "136****1234"
    from clinic_desktop.errors import UserError

    with pytest.raises(UserError) as refused:
        patients.update_patient(reception, clinic.seed.patient,
                                replace(seen.as_input(), mobile="136****9999"),
                                version=stored.version + 1)
    assert refused.value.field == "mobile"
    assert patients.load_patient(clinic.ctx(Role.MANAGER), clinic.seed.patient).mobile \
        == "13600001234"


def test_a_manager_edits_with_the_whole_numbers(clinic: Clinic) -> None:
    manager = clinic.ctx(Role.MANAGER)
    seen = patients.load_patient(manager, clinic.seed.patient)
    assert seen.mobile == MOBILE and seen.id_number == ID_NUMBER
    patients.update_patient(manager, clinic.seed.patient, seen.as_input(), version=seen.version)
    assert patients.load_patient(manager, clinic.seed.patient).mobile == MOBILE


def test_the_role_table_gives_whole_numbers_to_administrator_and_manager_only() -> None:
    assert [r for r in Role if has_permission(r, Permission.CONTACT_FULL)] == [
        Role.ADMINISTRATOR, Role.MANAGER]

