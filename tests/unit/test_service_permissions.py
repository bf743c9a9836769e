"""Roles hold in the services: every public service × every role, from one table.

Every public function of ``clinic_desktop.services`` whose first parameter is a ``Context``
has one entry in ``RULES`` saying what it needs and how to call it. For each (function, role)
the function is really called, on a fresh copy of a small seeded clinic, and must either
refuse with ``PermissionDenied`` (the role lacks a permission the rule names) or not; a read
that carries clinical data (``permissions.CLINICAL_FIELDS``) must come back with those values
blank for a role without CLINICAL_VIEW and present for one with it. A new service without a
rule fails ``test_every_service_has_exactly_one_rule``; so does a rule for a function that
is gone.

An entry named ``module.function#variant`` calls the same function a second way (a visit
with clinical notes, a patient save that changes the note).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import clinic_desktop.services
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Actor, Context
from clinic_desktop.errors import PermissionDenied
from clinic_desktop.package_data import resource
from clinic_desktop.paths import DataDir
from clinic_desktop.permissions import (
    CLINICAL_FIELDS,
    CLINICAL_RECORDS,
    NEEDS_CLINICAL,
    ROLE_PERMISSIONS,
    SAFETY_FIELDS,
    Permission,
    Role,
)
from clinic_desktop.services import (
    appointments,
    attachments,
    billing,
    care,
    care_plans,
    catalogue,
    chairs,
    engagement,
    family,
    imports,
    merge,
    messages,
    patients,
    profile,
    schedule,
    staff,
    waitlist,
)
from clinic_desktop.services.appointments import BookingRequest
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.billing import TreatmentLine
from clinic_desktop.services.calendar import appointments_between
from clinic_desktop.services.care import CareSettings
from clinic_desktop.services.imports import ImportRequest
from clinic_desktop.services.insight.campaigns import (
    CouponAction,
    ExportAction,
    MessageAction,
)
from clinic_desktop.services.insight.segment_rules import SegmentRules
from clinic_desktop.services.messages import ChannelSettings, OutboxInfo
from clinic_desktop.services.patients import PatientInput
from clinic_desktop.services.platform.backup_settings import BackupSettings
from clinic_desktop.storage.database import Database, open_database
from tests import pg
from tests.conftest import FIXED_NOW, PgSeeded, copy_seeded, seed_on_pg
from tests.unit.importing import files

V = Permission
PASSWORD = "pass1234"
NOTE = "左下智齿待拔，拔前测血压"  # the patient's clinical note
VISIT_NOTE = "冠周炎，冲洗上药"
ALLERGY = "青霉素"
CONDITION = "高血压"
TOMORROW_10 = FIXED_NOW + timedelta(days=1)  # Wednesday 10:00 in Shanghai


# -- the seeded clinic --------------------------------------------------------------------
@dataclass
class Seed:
    """Ids of everything the calls need; built once, then each test gets a copy of the file."""

    patient: int = 0  # has a note, an allergy, a condition, a visit with notes, an X-ray
    relative: int = 0  # family of ``patient``; the merge keeps it
    other: int = 0  # no links (to link, or to absorb in a merge)
    patient_version: int = 0
    merge_id: int = 0
    visit: int = 0
    booked: int = 0  # an appointment tomorrow, status booked
    booked_version: int = 0
    treating: int = 0  # an appointment in treatment, ready to complete
    treating_version: int = 0
    task: int = 0
    task_version: int = 0
    feedback: int = 0
    tag: int = 0
    custom_field: int = 0
    chair: int = 0
    time_off: int = 0
    waiting: int = 0
    attachment: int = 0
    message: int = 0
    batch: int = 0
    doctor: int = 0
    procedure: int = 0  # 普通拔牙: starts the extraction care plan
    target_staff: int = 0
    target_version: int = 0
    template_key: str = ""
    template_body: str = ""
    plan: Any = None
    retired: str = ""  # a retired care plan's key
    workbook: Path = Path()
    scan: Path = Path()
    staff_ids: dict[Role, int] = field(default_factory=dict)
    loyal: dict[str, int] = field(default_factory=dict)  # loyalty ids: tier, plan, card…
    insight: dict[str, int] = field(default_factory=dict)  # a saved segment, a campaign


def _seed(ctx: Context, folder: Path) -> Seed:
    s = Seed()
    for role in Role:
        if role is not Role.ADMINISTRATOR:
            info = staff.add_staff(ctx, username=f"u.{role.value}", display_name=role.value,
                                   role=role, password=PASSWORD, is_doctor=role is Role.DOCTOR)
            s.staff_ids[role] = info.id
    assert ctx.actor.staff_id is not None
    s.staff_ids[Role.ADMINISTRATOR] = ctx.actor.staff_id
    s.doctor = s.staff_ids[Role.DOCTOR]
    target = staff.add_staff(ctx, username="u.target", display_name="目标", role=Role.NURSE,
                             password=PASSWORD)
    s.target_staff, s.target_version = target.id, target.version
    schedule.set_working_hours(ctx, s.doctor, schedule.default_hours())
    s.chair = chairs.add_chair(ctx, name="1号椅").id
    s.procedure = next(p.id for p in catalogue.list_procedures(ctx) if p.name == "普通拔牙")
    s.patient = patients.create_patient(ctx, PatientInput(
        name="张三", mobile="13800138000", birth_date=date(1980, 5, 1), notes=NOTE)).patient.id
    s.relative = patients.create_patient(ctx, PatientInput(
        name="李四", mobile="13900139000")).patient.id
    s.other = patients.create_patient(ctx, PatientInput(name="王五")).patient.id
    s.patient_version = patients.load_patient(ctx, s.patient).version
    duplicate = patients.create_patient(ctx, PatientInput(name="李四四")).patient.id
    profile.update_medical(ctx, s.patient, profile.MedicalInfo(
        (ALLERGY,), "", CONDITION, "2019 年拔牙", "", "牙痛"))
    family.link_family(ctx, s.patient, s.relative, relation="spouse")
    s.merge_id = merge.merge_patients(ctx, keep_id=s.relative, absorb_id=duplicate).merge_id
    s.visit = billing.record_visit(
        ctx, s.patient, visit_date=date(2026, 11, 20), doctor_id=s.doctor, notes=VISIT_NOTE,
        lines=[TreatmentLine(s.procedure, Decimal(300), site="38", notes="术中出血少")]).id
    s.scan = folder / "xray-38.png"
    s.scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    s.attachment = attachments.add_attachment(ctx, s.patient, s.scan, kind="xray").id
    s.booked = appointments.book(ctx, BookingRequest(
        s.patient, s.doctor, TOMORROW_10, TOMORROW_10 + timedelta(minutes=30), s.chair,
        (s.procedure,)))
    s.treating = appointments.book(ctx, BookingRequest(
        s.relative, s.doctor, FIXED_NOW - timedelta(minutes=30), FIXED_NOW, None,
        (s.procedure,)), override_reason="补录")
    version = _version(ctx, s.treating)
    for status in ("arrived", "in_treatment"):
        appointments.change_status(ctx, s.treating, version=version, status=status)
        version += 1
    s.booked_version, s.treating_version = _version(ctx, s.booked), _version(ctx, s.treating)
    task = care.tasks_of_patient(ctx, s.patient)[0]
    s.task, s.task_version = task.id, task.version
    s.feedback = engagement.add_feedback(ctx, s.patient, satisfaction=None,
                                         complaint="等候太久").id
    engagement.log_contact(ctx, s.patient, channel="phone", summary="确认预约")
    with ctx.db.session(write=True) as session:
        # Not left to list_tags: it seeds the default tags, a write, in a read transaction.
        profile.seed_default_tags(session)
    s.tag = profile.create_tag(ctx, name="测试标签").id
    s.custom_field = profile.define_custom_field(ctx, name="会员卡号", kind="text").id
    s.time_off = schedule.add_time_off(
        ctx, s.doctor, start=FIXED_NOW + timedelta(days=3),
        end=FIXED_NOW + timedelta(days=3, hours=2), reason="培训").time_off.id
    s.waiting = waitlist.add_to_waitlist(ctx, s.relative, doctor_id=s.doctor)
    # Queued first: queueing writes the default templates, a read of them may not.
    first = json.loads(resource("templates/messages.json").read_text(encoding="utf-8"))[0]
    s.message = messages.queue_message(ctx, s.patient, template_key=first["key"]).id
    s.template_key, _name, s.template_body = messages.templates(ctx)[0]
    messages.save_channels(ctx, ChannelSettings(smtp_host="smtp.example.com",
                                                smtp_from="clinic@example.com"))
    s.plan = care.list_plans(ctx)[0]
    s.retired = care_plans.create_plan(ctx, name="停用的计划").key
    care_plans.retire_plan(ctx, s.retired)
    s.workbook = files.xlsx(folder / "legacy.xlsx", [
        ["姓名", "手机", "就诊日期", "治疗项目", "金额"],
        ["赵六", "13700137000", "2026-10-01", "普通拔牙", "300"],
    ])
    summary = imports.run_import(ctx, ImportRequest(s.workbook))
    assert summary.batch_id is not None
    s.batch = summary.batch_id
    _seed_loyalty(ctx, s)
    _seed_insight(ctx, s)
    return s


def _seed_insight(ctx: Context, s: Seed) -> None:
    from clinic_desktop.services.insight.campaigns import start_campaign
    from clinic_desktop.services.insight.segments import save_segment

    s.insight["segment"] = save_segment(ctx, name="种子分群", rules=SegmentRules()).id
    # Chosen by doctor: the imported patient stays out, so undoing the import is not blocked.
    s.insight["campaign"] = start_campaign(ctx, dataclasses.replace(
        _campaign(None), rules=SegmentRules(doctor_ids=(s.doctor,)))).campaign_id


def _seed_loyalty(ctx: Context, s: Seed) -> None:
    from clinic_desktop.services.loyalty import (
        coupons,
        packages,
        points,
        rules,
        stored_value,
        tiers,
    )

    rules.save_rules(ctx, rules.LoyaltyRules(gifts=(rules.Gift("电动牙刷", 300),)))
    points.adjust_points(ctx, s.patient, points=1000, reason="期初")
    s.loyal["tier"] = tiers.save_tier(ctx, tiers.TierInput(
        "银卡", 1, "spend", Decimal(3000), {"*": Decimal(5)})).id
    s.loyal["plan"] = stored_value.save_topup_plan(
        ctx, plan_id=None, name="充1000送100", amount=Decimal(1000), bonus=Decimal(100)).id
    s.loyal["package_type"] = packages.save_package_type(
        ctx, type_id=None, name="拔牙卡", price=Decimal(1000), uses=5, valid_days=365,
        procedure_ids=[s.procedure]).id
    s.loyal["card"] = packages.sell_package(ctx, s.patient,
                                            package_type_id=s.loyal["package_type"]).id
    s.loyal["coupon_type"] = coupons.save_coupon_type(ctx, coupons.CouponTypeInput(
        "减20", "amount", Decimal(20))).id
    s.loyal["coupon"] = coupons.issue_coupon(ctx, s.patient,
                                             coupon_type_id=s.loyal["coupon_type"]).id
    s.loyal["topup"] = stored_value.top_up(ctx, s.relative, amount=Decimal(1000),
                                           method="cash", plan_id=s.loyal["plan"]).checkout_id


def _version(ctx: Context, appointment_id: int) -> int:
    views = appointments_between(ctx, FIXED_NOW - timedelta(days=2), FIXED_NOW + timedelta(days=7),
                                 include_cancelled=True)
    return next(v.version for v in views if v.id == appointment_id)


@dataclass(frozen=True)
class SeededClinic:
    root: Path  # a data folder: the database (one file, no WAL) and the attachments
    seed: Seed


def _set_up_and_seed(db: Database, folder: Path) -> Seed:
    clock = FixedClock(FIXED_NOW)
    actor = setup_clinic(db, clinic_name="测试诊所", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password=PASSWORD, clock=clock)
    return _seed(Context(db=db, actor=actor, clock=clock), folder)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> SeededClinic:
    folder = tmp_path_factory.mktemp("seed")
    data_dir = DataDir(folder / "clinic")
    db = open_database(data_dir)
    try:
        seed = _set_up_and_seed(db, folder)
    finally:
        db.close()
    template = DataDir(folder / "template")
    shutil.copytree(data_dir.attachments, template.attachments)
    source, target = sqlite3.connect(data_dir.database), sqlite3.connect(template.database)
    with target:
        source.backup(target)
    source.close()
    target.execute("PRAGMA journal_mode=DELETE")
    target.close()
    return SeededClinic(template.root, seed)


@pytest.fixture(scope="module")
def seeded_pg(pg_server: pg.PgServer, tmp_path_factory: pytest.TempPathFactory
              ) -> PgSeeded[Seed]:
    """The same clinic on PostgreSQL, seeded once per module."""
    folder = tmp_path_factory.mktemp("seed-pg")
    return seed_on_pg(pg_server, folder, lambda db: _set_up_and_seed(db, folder))


@dataclass
class Clinic:
    seed: Seed
    db: Any
    out: Path  # where exports go

    def ctx(self, role: Role) -> Context:
        actor = Actor(self.seed.staff_ids[role], f"u.{role.value}", role.value, role)
        return Context(db=self.db, actor=actor, clock=FixedClock(FIXED_NOW))


@pytest.fixture
def clinic(request: pytest.FixtureRequest, db_engine: str, tmp_path: Path) -> Iterator[Clinic]:
    """A fresh copy of the seeded clinic: a write in one test never reaches another."""
    if db_engine == "postgresql":
        server: pg.PgServer = request.getfixturevalue("pg_server")
        on_pg: PgSeeded[Seed] = request.getfixturevalue("seeded_pg")
        with copy_seeded(server, on_pg, tmp_path / "shared-attachments") as db:
            yield Clinic(on_pg.seed, db, tmp_path)
        return
    seeded: SeededClinic = request.getfixturevalue("seeded")
    data_dir = DataDir(tmp_path / "clinic")
    shutil.copytree(seeded.root, data_dir.root)
    db = open_database(data_dir, upgrade=False)
    try:
        yield Clinic(seeded.seed, db, tmp_path)
    finally:
        db.close()


# -- the table ------------------------------------------------------------------------------
Args = tuple[tuple[Any, ...], dict[str, Any]]


def a(*args: Any, **kwargs: Any) -> Args:
    return args, kwargs


@dataclass(frozen=True)
class Rule:
    """``needs``: every permission the call requires (empty: open, and ``why`` says why).
    ``clinical``: the clinical values in the result (blank without CLINICAL_VIEW, present
    with it); ``safety``: values every allowed role must see. ``internal``: the function
    takes the caller's Session and runs inside a service that checked the permission."""

    needs: tuple[Permission, ...] = ()
    call: Callable[[Clinic], Args] | None = None
    why: str = ""
    clinical: Callable[[Any], list[object]] | None = None
    safety: Callable[[Any], list[object]] | None = None
    internal: bool = False


def needs(*permissions: Permission, call: Callable[[Clinic], Args]) -> Rule:
    return Rule(needs=permissions, call=call)


def strip(*permissions: Permission, call: Callable[[Clinic], Args],
          clinical: Callable[[Any], list[object]],
          safety: Callable[[Any], list[object]] | None = None) -> Rule:
    return Rule(needs=permissions, call=call, clinical=clinical, safety=safety)


def open_to_all(why: str, call: Callable[[Clinic], Args]) -> Rule:
    return Rule(call=call, why=why)


def internal(why: str) -> Rule:
    return Rule(why=why, internal=True)


class _Sender:
    channel = "manual"

    def send(self, message: OutboxInfo) -> None:
        """Delivered (the manual channel needs no network)."""


def _line(c: Clinic, notes: str = "") -> list[TreatmentLine]:
    return [TreatmentLine(c.seed.procedure, Decimal(300), site="38", notes=notes)]


def _input(c: Clinic, notes: str) -> PatientInput:
    return PatientInput(name="张三", mobile="13800138000", birth_date=date(1980, 5, 1),
                        address="北京路 1 号", notes=notes)


def _slot(c: Clinic) -> BookingRequest:
    start = TOMORROW_10 + timedelta(hours=1)
    return BookingRequest(c.seed.relative, c.seed.doctor, start, start + timedelta(minutes=30))


REFERENCE = "reference data every screen needs to render (no patient data)"
JOB = ("a time-driven scan run by the in-process scheduler under whichever user's session "
       "hosts it; idempotent, and shows nobody anything")
IN_TRANSACTION = "takes the caller's Session: runs inside a service that checked its permission"
P = "patients."

# -- loyalty (services/loyalty/) ---------------------------------------------------------
L = "loyalty."
HOOK = IN_TRANSACTION + " (an event handler or a payment's own step)"


def _auto_settings() -> Any:
    from clinic_desktop.services.auto_settings import AutoMessageSettings

    return AutoMessageSettings(enabled=frozenset({"reminder"}))


def _pay(c: Clinic) -> Any:
    from clinic_desktop.services.loyalty.payments import PaymentPart, PaymentRequest

    return PaymentRequest(c.seed.patient, parts=(PaymentPart("cash", Decimal(100)),))


def _tier(name: str) -> Any:
    from clinic_desktop.services.loyalty.tiers import TierInput

    return TierInput(name, 2, "spend", Decimal(10000), {"*": Decimal(10)})


def _coupon_type() -> Any:
    from clinic_desktop.services.loyalty.coupons import CouponTypeInput

    return CouponTypeInput("新券", "percent", percent=10)


def _rules() -> Any:
    from clinic_desktop.services.loyalty.rules import LoyaltyRules

    return LoyaltyRules()


LOYALTY_RULES: dict[str, Rule] = {
    L + "rules.read_rules": open_to_all(REFERENCE + ": the points rates the payment dialog "
                                        "shows", lambda c: a()),
    L + "rules.rules_history": needs(V.LOYALTY_MANAGE, call=lambda c: a()),
    L + "rules.save_rules": needs(V.LOYALTY_MANAGE, call=lambda c: a(_rules())),
    L + "tiers.list_tiers": open_to_all(REFERENCE + ": tier names and colours for chips",
                                        lambda c: a()),
    L + "tiers.save_tier": needs(V.LOYALTY_MANAGE, call=lambda c: a(_tier("金卡"))),
    L + "tiers.tier_of": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    L + "tiers.tier_history": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    L + "tiers.override_tier": needs(V.LOYALTY_MANAGE, call=lambda c: a(
        c.seed.patient, tier_id=c.seed.loyal["tier"], reason="老客户")),
    L + "tiers.upgrade_in": internal(HOOK),
    L + "points.points_summary": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "points.adjust_points": needs(V.LOYALTY_MANAGE, call=lambda c: a(
        c.seed.patient, points=100, reason="补录")),
    L + "points.redeem_gift": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.patient, gift="电动牙刷")),
    L + "points.add_lot_in": internal(HOOK),
    L + "points.take_in": internal(HOOK),
    L + "points.take_back_in": internal(HOOK),
    L + "points.reverse_entries_in": internal(HOOK),
    L + "stored_value.stored_value_of": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "stored_value.list_topup_plans": open_to_all(REFERENCE + ": the top-up offers",
                                                     lambda c: a()),
    L + "stored_value.save_topup_plan": needs(V.LOYALTY_MANAGE, call=lambda c: a(
        plan_id=None, name="充2000送300", amount=Decimal(2000), bonus=Decimal(300))),
    L + "stored_value.top_up": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.patient, amount=Decimal(500), method="wechat")),
    L + "stored_value.refund_stored_value": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.relative, amount=Decimal(100), method="cash", reason="退款")),
    L + "stored_value.share_stored_value": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.patient, holder_id=None)),
    L + "stored_value.new_checkout": internal(HOOK),
    L + "stored_value.pot_entry": internal(HOOK),
    L + "packages.list_package_types": open_to_all(REFERENCE + ": the packages on sale",
                                                   lambda c: a()),
    L + "packages.save_package_type": needs(V.LOYALTY_MANAGE, call=lambda c: a(
        type_id=None, name="新套餐", price=Decimal(500), uses=3, valid_days=90,
        procedure_ids=[c.seed.procedure])),
    L + "packages.cards_of": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "packages.sell_package": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.relative, package_type_id=c.seed.loyal["package_type"])),
    L + "packages.use_package": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.loyal["card"], procedure_type_id=c.seed.procedure)),
    L + "packages.refund_package": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.loyal["card"], method=None, reason="搬家退卡")),
    L + "packages.consume_in": internal(HOOK),
    L + "packages.consume_for_visit_in": internal(HOOK),
    L + "packages.undo_visit_uses_in": internal(HOOK),
    L + "coupons.list_coupon_types": open_to_all(REFERENCE + ": the coupon kinds",
                                                 lambda c: a()),
    L + "coupons.save_coupon_type": needs(V.LOYALTY_MANAGE, call=lambda c: a(_coupon_type())),
    L + "coupons.issue_coupon": needs(V.LOYALTY_MANAGE, call=lambda c: a(
        c.seed.relative, coupon_type_id=c.seed.loyal["coupon_type"])),
    L + "coupons.void_coupon": needs(V.LOYALTY_MANAGE, call=lambda c: a(
        c.seed.loyal["coupon"], reason="发错")),
    L + "coupons.coupons_of": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "coupons.issue_in": internal(HOOK),
    L + "coupons.rule_coupon_in": internal(HOOK),
    L + "referrals.referrals_of": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    L + "referrals.referral_ranking": needs(V.REPORTS_VIEW, call=lambda c: a()),
    L + "referrals.reward_in": internal(HOOK),
    L + "payments.quote_payment": needs(V.BILLING_VIEW, call=lambda c: a(_pay(c))),
    L + "payments.take_payment": needs(V.BILLING_EDIT, call=lambda c: a(_pay(c))),
    L + "payments.reverse_checkout": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.loyal["topup"], reason="误操作")),
    L + "payments.earn_for_entries_in": internal(HOOK),
    L + "payments.payable_visits": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "checkout_form.payment_form": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "receipts.receipt_of": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.loyal["topup"])),
    L + "member.member_card": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "balances.balances_of": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    L + "balances.clinic_balances": needs(V.BILLING_VIEW, V.EXPORT_RUN, call=lambda c: a()),
    L + "balances.check_balances": needs(V.BILLING_VIEW, call=lambda c: a()),
    L + "balances.points_by_month": needs(V.REPORTS_VIEW, call=lambda c: a(
        since=date(2026, 1, 1))),
    L + "jobs.nightly": open_to_all(JOB, lambda c: a()),
    L + "jobs.run_nightly": open_to_all(JOB, lambda c: a()),
    L + "jobs.on_treatment_completed": internal(HOOK),
    L + "jobs.on_treatment_undone": internal(HOOK),
    L + "jobs.on_money_recorded": internal(HOOK),
}


# -- the manager's numbers (services/insight/) --------------------------------------------
N = "insight."
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def _month() -> Any:
    from clinic_desktop.rules.periods import Period

    return Period(*NOVEMBER)


def _report_table() -> Any:
    from clinic_desktop.services.insight.report_tables import ReportTable
    from clinic_desktop.xlsx_writer import XlsxColumn

    return ReportTable("日结", (XlsxColumn("方式", 10),), (("现金",),))


def _campaign(action: Any) -> Any:
    from datetime import date

    from clinic_desktop.services.insight.campaigns import CampaignInput, TaskAction
    from clinic_desktop.services.insight.segment_rules import SegmentRules

    return CampaignInput("回访活动", action or TaskAction("回访", date(2026, 11, 25)),
                         rules=SegmentRules())


INSIGHT_RULES: dict[str, Rule] = {
    N + "summary.summary": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "summary.figures": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "dashboard.dashboard": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    "sms_providers.read_provider_templates": open_to_all(
        "the clinic's template ids at its SMS provider: settings, no patient data and no "
        "secret (sender_for and the channels dialog read it)", lambda c: a("aliyun")),
    "sms_receipts.pull_receipts": needs(V.MESSAGES_SEND, call=lambda c: a()),
    "consent.consent_of": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    "consent.record_changes_in": internal(IN_TRANSACTION),
    "consent.record_consent": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, "sms", granted=True, how="form")),
    N + "day_cache.ensure": open_to_all(
        "builds the dashboard's per-day cache from the data; returns nothing, shows nobody "
        "anything (only dashboard, which needs reports, reads it)", lambda c: a([_month()])),
    N + "day_cache.warm": open_to_all(JOB, lambda c: a()),
    N + "breakdowns.by_procedure": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "breakdowns.by_category": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "breakdowns.by_source": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "breakdowns.doctor_ranking": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "retention.source_funnel": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "retention.cohorts": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "retention.activity_over_time": needs(V.REPORTS_VIEW, call=lambda c: a(
        last_day=NOVEMBER[1])),
    N + "mix.patient_mix": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "care_stats.care_stats": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "complaints.complaints": needs(V.REPORTS_VIEW, V.PATIENT_VIEW, call=lambda c: a()),
    N + "drill.patients_behind": needs(V.REPORTS_VIEW, V.PATIENT_VIEW, call=lambda c: a(
        _month(), what="procedure", key="普通拔牙")),
    N + "daily.daily_closing": needs(V.REPORTS_VIEW, call=lambda c: a(NOVEMBER[1])),
    N + "doctor_report.doctor_report": needs(V.REPORTS_VIEW, call=lambda c: a(_month())),
    N + "doctor_report.commission_rates": needs(V.REPORTS_VIEW, call=lambda c: a()),
    N + "doctor_report.commission_categories": needs(V.REPORTS_VIEW, call=lambda c: a()),
    N + "doctor_report.save_commission_rates": needs(
        V.REPORTS_VIEW, V.CATALOGUE_MANAGE, call=lambda c: a(default="5", by_category={})),
    N + "appointment_stats.appointment_stats": needs(V.REPORTS_VIEW,
                                                     call=lambda c: a(_month())),
    N + "report_tables.export_tables": needs(V.REPORTS_VIEW, V.EXPORT_RUN, call=lambda c: a(
        c.out / "report.xlsx", [_report_table()], what="daily")),
    N + "segments.count_segment": needs(V.REPORTS_VIEW, call=lambda c: a(SegmentRules())),
    N + "segments.list_segment": needs(V.REPORTS_VIEW, call=lambda c: a(SegmentRules())),
    N + "segments.export_segment": needs(V.REPORTS_VIEW, V.EXPORT_RUN,
                                         call=lambda c: a(SegmentRules(), c.out / "s.xlsx")),
    N + "segments.list_saved_segments": needs(V.REPORTS_VIEW, call=lambda c: a()),
    N + "segments.open_saved_segment": needs(V.REPORTS_VIEW, call=lambda c: a(
        c.seed.insight["segment"])),
    N + "segments.save_segment": needs(V.CAMPAIGN_RUN, call=lambda c: a(
        name="新分群", rules=SegmentRules(sex="F"))),
    N + "segments.delete_saved_segment": needs(V.CAMPAIGN_RUN, call=lambda c: a(
        c.seed.insight["segment"])),
    N + "segments.segment_choices": needs(V.REPORTS_VIEW, call=lambda c: a()),
    N + "rfm.rfm_scores": needs(V.REPORTS_VIEW, call=lambda c: a(months=12)),
    N + "rfm.rfm_group_counts": needs(V.REPORTS_VIEW, call=lambda c: a(months=12)),
    N + "activity.activity_counts": needs(V.REPORTS_VIEW, call=lambda c: a()),
    N + "campaigns.start_campaign": needs(V.CAMPAIGN_RUN, call=lambda c: a(_campaign(None))),
    N + "campaigns.start_campaign#message": needs(V.CAMPAIGN_RUN, V.MESSAGES_SEND,
                                                  call=lambda c: a(_campaign(
                                                      MessageAction("birthday", "manual")))),
    N + "campaigns.start_campaign#coupon": needs(V.CAMPAIGN_RUN, V.LOYALTY_MANAGE,
                                                 call=lambda c: a(_campaign(CouponAction(
                                                     c.seed.loyal["coupon_type"])))),
    N + "campaigns.start_campaign#export": needs(V.CAMPAIGN_RUN, V.EXPORT_RUN,
                                                 call=lambda c: a(_campaign(ExportAction(
                                                     str(c.out / "c.xlsx"))))),
    N + "campaigns.rerun_campaign": needs(V.CAMPAIGN_RUN, call=lambda c: a(
        c.seed.insight["campaign"])),
    N + "campaign_results.list_campaigns": needs(V.REPORTS_VIEW, call=lambda c: a()),
    N + "campaign_results.campaign_result": needs(V.REPORTS_VIEW, call=lambda c: a(
        c.seed.insight["campaign"])),
    N + "campaign_results.campaign_members": needs(V.REPORTS_VIEW, call=lambda c: a(
        c.seed.insight["campaign"])),
}


# -- backups (services/platform/) ----------------------------------------------------
def _backup_file(c: Clinic) -> Path:
    """A real backup of the seeded clinic, made with the Qt-free mechanics (no service, so
    no permission, is involved)."""
    from clinic_desktop.storage import backup_copy

    target = c.out / "contents.sqlite3"
    if not target.exists():
        backup_copy.copy_database(c.db.data_dir.database, target)
    return target


BACKUP_RULES: dict[str, Rule] = {
    "platform.backups.backup_now": needs(V.SETTINGS_MANAGE, call=lambda c: a(to=c.out)),
    "platform.backups.list_backups": needs(V.SETTINGS_MANAGE, call=lambda c: a()),
    "platform.backups.backup_contents": needs(V.SETTINGS_MANAGE, call=lambda c: a(
        _backup_file(c))),
    "platform.backups.last_backup": open_to_all(
        "time, ok and problem sentences of the last run: the status bar warns whoever is at "
        "the desk that backups fail", lambda c: a()),
    "platform.backup_settings.backup_settings": needs(V.SETTINGS_MANAGE, call=lambda c: a()),
    "platform.backup_settings.save_backup_settings": needs(V.SETTINGS_MANAGE, call=lambda c: a(
        BackupSettings())),
    "platform.backup_schedule.nightly_backup": open_to_all(
        JOB + ": the clinic's evening backup runs whoever is signed in; it writes only to the "
        "configured destinations", lambda c: a()),
    "platform.backup_schedule.exit_backup": open_to_all(
        "the backup as the app closes, whoever was signed in; only to the configured "
        "destinations", lambda c: a()),
    "platform.security.security_overview": needs(V.SETTINGS_MANAGE, call=lambda c: a()),
    "platform.idle_lock.idle_lock_minutes": open_to_all(
        "every signed-in window reads when it locks itself", lambda c: a()),
    "platform.idle_lock.save_idle_lock_minutes": needs(V.SETTINGS_MANAGE,
                                                       call=lambda c: a(15)),
    "platform.idle_lock.lock_session": open_to_all(
        "the window of whoever is signed in locks itself and says so in the audit log",
        lambda c: a()),
    "platform.scheduler_lease.lease_seconds": open_to_all(
        "the scheduler of whoever's workstation starts reads it", lambda c: a()),
    "platform.scheduler_lease.save_lease_seconds": needs(V.SETTINGS_MANAGE,
                                                         call=lambda c: a(30)),
    "platform.idle_lock.unlock_session": open_to_all(
        "whoever is signed in unlocks their own window with their own password",
        lambda c: a(PASSWORD)),
}


RULES: dict[str, Rule] = {
    # patients and the panel
    P + "load_patient": strip(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient),
                              clinical=lambda r: [r.notes]),
    P + "create_patient": needs(V.PATIENT_EDIT, call=lambda c: a(PatientInput(name="新患者"))),
    P + "create_patient#note": strip(
        V.PATIENT_EDIT, V.CLINICAL_EDIT,
        call=lambda c: a(PatientInput(name="新患者", notes="青霉素皮试阳性")),
        clinical=lambda r: [r.patient.notes]),
    P + "update_patient": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, _input(c, ""), version=c.seed.patient_version)),
    P + "update_patient#note": strip(
        V.PATIENT_EDIT, V.CLINICAL_EDIT,
        call=lambda c: a(c.seed.patient, _input(c, "改：先洁牙"), version=c.seed.patient_version),
        clinical=lambda r: [r.patient.notes]),
    P + "find_possible_duplicates": needs(V.PATIENT_VIEW, call=lambda c: a(
        PatientInput(name="张三", mobile="13800138000"))),
    P + "set_archived": strip(V.PATIENT_ARCHIVE, call=lambda c: a(c.seed.patient, archived=True),
                              clinical=lambda r: [r.notes]),
    P + "set_sources": needs(V.SETTINGS_MANAGE, call=lambda c: a(["电话", "微信"])),
    P + "set_referrer_in": internal(IN_TRANSACTION + " (appointments.book with a referrer)"),
    P + "list_sources": open_to_all(REFERENCE + ": the patient form's source channels",
                                    lambda c: a()),
    P + "clinic_today": open_to_all("the clinic's date; no data", lambda c: a()),
    P + "concurrent_edit_error": internal(IN_TRANSACTION),
    P + "create_patient_in": internal(IN_TRANSACTION + " (patient_details.save_new_patient)"),
    P + "update_patient_in": internal(IN_TRANSACTION + " (patient_details.save_patient_details)"),
    "profile.set_custom_values_in": internal(IN_TRANSACTION + " (patient_details)"),
    "patient_details.save_new_patient": needs(V.PATIENT_EDIT, call=lambda c: a(
        PatientInput(name="新患者"), custom_values={c.seed.custom_field: "A002"})),
    "patient_details.save_patient_details": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, _input(c, ""), version=c.seed.patient_version,
        custom_values={c.seed.custom_field: "A003"})),
    "panel.refresh_panel": strip(
        V.PATIENT_VIEW, call=lambda c: a(c.seed.patient),
        clinical=lambda p: [p.header.patient.notes, p.medical.conditions,
                            p.medical.chief_complaint, p.treatments, p.attachments,
                            any(VISIT_NOTE in e.detail for e in p.timeline)],
        safety=lambda p: [p.header.allergy_text == ALLERGY, p.medical.allergies]),
    "patient_search.todays_patients": needs(V.PATIENT_VIEW, V.APPOINTMENT_VIEW,
                                            call=lambda c: a()),
    "patient_search.recently_opened": needs(V.PATIENT_VIEW, call=lambda c: a()),
    "panel.open_panel": strip(
        V.PATIENT_VIEW, call=lambda c: a(c.seed.patient),
        clinical=lambda p: [p.header.patient.notes, p.medical.conditions,
                            p.medical.chief_complaint, p.treatments, p.attachments,
                            any(VISIT_NOTE in e.detail for e in p.timeline)],
        safety=lambda p: [p.header.allergy_text == ALLERGY, p.medical.allergies]),
    "panel.visible_sections": open_to_all("a function of the caller's own role", lambda c: a()),
    "patient_search.search_patients": needs(V.PATIENT_VIEW, call=lambda c: a("张三")),
    "patient_search.patient_hit": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.relative)),
    "family.family_of": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    "family.link_family": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, c.seed.other, relation="sibling")),
    "family.unlink_family": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, c.seed.relative)),
    "merge.merge_patients": needs(V.PATIENT_MERGE, call=lambda c: a(
        keep_id=c.seed.relative, absorb_id=c.seed.other)),
    "merge.undo_merge": needs(V.PATIENT_MERGE, call=lambda c: a(c.seed.merge_id)),
    # medical profile, tags, custom fields, attachments
    "profile.update_medical": needs(V.CLINICAL_EDIT, call=lambda c: a(
        c.seed.patient, profile.MedicalInfo((ALLERGY, "碘"), "", CONDITION, "", "", ""))),
    "profile.list_tags": open_to_all(REFERENCE + ": tag chips", lambda c: a()),
    "profile.create_tag": needs(V.PATIENT_EDIT, call=lambda c: a(name="新标签")),
    "profile.update_tag": needs(V.CATALOGUE_MANAGE, call=lambda c: a(
        c.seed.tag, name="改名", colour="#3A7BD5")),
    "profile.set_tag": needs(V.PATIENT_EDIT, call=lambda c: a(c.seed.patient, c.seed.tag,
                                                              on=True)),
    "profile.define_custom_field": needs(V.SETTINGS_MANAGE, call=lambda c: a(
        name="新字段", kind="text")),
    "profile.list_custom_fields": open_to_all(REFERENCE + ": custom field definitions",
                                              lambda c: a()),
    "profile.set_custom_values": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, {c.seed.custom_field: "A001"})),
    "profile.custom_values_by_field": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    "contacts.reveal_contact": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    "attachments.add_attachment": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, c.seed.scan, caption="再存一次")),
    "attachments.attachments_of": needs(V.CLINICAL_VIEW, call=lambda c: a(c.seed.patient)),
    "attachments.attachment_content": needs(V.CLINICAL_VIEW,
                                            call=lambda c: a(c.seed.attachment)),
    "attachments.viewable_copy": needs(V.CLINICAL_VIEW, call=lambda c: a(c.seed.attachment)),
    "attachments.remove_attachment": needs(V.PATIENT_EDIT, V.CLINICAL_EDIT,
                                           call=lambda c: a(c.seed.attachment)),
    "attachments.shared_folder": needs(V.PATIENT_VIEW, call=lambda c: a()),
    "attachments.set_shared_folder": needs(V.SETTINGS_MANAGE,
                                           call=lambda c: a(str(c.seed.scan.parent))),
    # visits and money
    "billing.get_balance": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    "billing.ledger_of": needs(V.BILLING_VIEW, call=lambda c: a(c.seed.patient)),
    "billing.add_entry": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.patient, kind="payment", amount=Decimal(100), method="现金")),
    "billing.record_visit": needs(V.BILLING_EDIT, call=lambda c: a(
        c.seed.patient, visit_date=date(2026, 11, 24), doctor_id=c.seed.doctor,
        lines=_line(c))),
    "billing.record_visit#notes": strip(
        V.BILLING_EDIT, V.CLINICAL_EDIT, call=lambda c: a(
            c.seed.patient, visit_date=date(2026, 11, 24), doctor_id=c.seed.doctor,
            lines=_line(c), notes="复诊：愈合良好"),
        clinical=lambda r: [r.notes]),
    "billing.record_visit#line_notes": needs(V.BILLING_EDIT, V.CLINICAL_EDIT, call=lambda c: a(
        c.seed.patient, visit_date=date(2026, 11, 24), doctor_id=c.seed.doctor,
        lines=_line(c, "缝合两针"))),
    "billing.undo_visit": needs(V.BILLING_EDIT, V.CLINICAL_EDIT, call=lambda c: a(c.seed.visit)),
    "billing.refund_in": internal(IN_TRANSACTION + " (packages.refund_package)"),
    "billing.record_visit_in": internal(IN_TRANSACTION + " (appointments.complete_appointment "
                                        "and billing.record_visit)"),
    # calendar
    "appointments.check_booking": needs(V.APPOINTMENT_VIEW, call=lambda c: a(_slot(c))),
    "appointments.book": needs(V.APPOINTMENT_EDIT, call=lambda c: a(_slot(c))),
    "appointments.book#referrer": needs(V.APPOINTMENT_EDIT, V.PATIENT_EDIT, call=lambda c: a(
        _slot(c), referred_by_id=c.seed.other)),
    "appointments.reschedule": needs(V.APPOINTMENT_EDIT, call=lambda c: a(
        c.seed.booked, version=c.seed.booked_version, start=TOMORROW_10 + timedelta(hours=4),
        end=TOMORROW_10 + timedelta(hours=4, minutes=30))),
    "appointments.change_status": needs(V.APPOINTMENT_EDIT, call=lambda c: a(
        c.seed.booked, version=c.seed.booked_version, status="confirmed")),
    "appointments.complete_appointment": needs(
        V.APPOINTMENT_EDIT, V.BILLING_EDIT, call=lambda c: a(
            c.seed.treating, version=c.seed.treating_version, lines=_line(c))),
    "appointments.complete_appointment#notes": needs(
        V.APPOINTMENT_EDIT, V.BILLING_EDIT, V.CLINICAL_EDIT, call=lambda c: a(
            c.seed.treating, version=c.seed.treating_version, lines=_line(c),
            notes="拔除顺利")),
    "calendar.appointments_between": needs(V.APPOINTMENT_VIEW, call=lambda c: a(
        FIXED_NOW, FIXED_NOW + timedelta(days=7))),
    "calendar.week_summary": needs(V.APPOINTMENT_VIEW, call=lambda c: a(FIXED_NOW.date())),
    "calendar.appointment_history": needs(V.APPOINTMENT_VIEW, call=lambda c: a(c.seed.treating)),
    "calendar.find_free_slots": needs(V.APPOINTMENT_VIEW, call=lambda c: a(
        duration=timedelta(minutes=30), after=FIXED_NOW)),
    "appointments.book_new_patient": needs(V.APPOINTMENT_EDIT, V.PATIENT_EDIT, call=lambda c: a(
        PatientInput(name="新患者", mobile="13600136000"), _slot(c))),
    "calendar.propose_moves": needs(V.APPOINTMENT_VIEW, call=lambda c: a([c.seed.booked])),
    "calendar.booking_candidates": needs(V.PATIENT_VIEW, call=lambda c: a("张三")),
    "schedule.get_working_hours": needs(V.APPOINTMENT_VIEW, call=lambda c: a(c.seed.doctor)),
    "schedule.all_working_hours": needs(V.APPOINTMENT_VIEW, call=lambda c: a()),
    "schedule.set_working_hours": needs(V.SCHEDULE_MANAGE, call=lambda c: a(
        c.seed.doctor, schedule.default_hours())),
    "schedule.add_time_off": needs(V.SCHEDULE_MANAGE, call=lambda c: a(
        c.seed.doctor, start=FIXED_NOW + timedelta(days=4),
        end=FIXED_NOW + timedelta(days=4, hours=1))),
    "schedule.list_time_off": needs(V.APPOINTMENT_VIEW, call=lambda c: a(
        start=FIXED_NOW, end=FIXED_NOW + timedelta(days=7))),
    "waitlist.add_to_waitlist": needs(V.APPOINTMENT_EDIT, call=lambda c: a(c.seed.other)),
    "waitlist.active_waitlist": needs(V.APPOINTMENT_VIEW, call=lambda c: a()),
    "waitlist.matches_for_slot": needs(V.APPOINTMENT_VIEW, call=lambda c: a(c.seed.booked)),
    "waitlist.resolve_waitlist": needs(V.APPOINTMENT_EDIT, call=lambda c: a(c.seed.waiting)),
    # care
    "care.list_plans": needs(V.CARE_VIEW, call=lambda c: a()),
    "care.save_plan": needs(V.CARE_PLANS_MANAGE, call=lambda c: a(c.seed.plan)),
    "care.read_care_settings": needs(V.CARE_VIEW, call=lambda c: a()),
    "care.save_care_settings": needs(V.CARE_PLANS_MANAGE, call=lambda c: a(CareSettings())),
    "care.count_due": needs(V.CARE_VIEW, call=lambda c: a()),
    "care.callback_list": needs(V.CARE_VIEW, call=lambda c: a(as_of=date(2026, 11, 26))),
    "care.tasks_of_patient": needs(V.CARE_VIEW, call=lambda c: a(c.seed.patient)),
    "care.family_groups": needs(V.CARE_VIEW, call=lambda c: a([c.seed.patient, c.seed.relative])),
    "care.record_outcome": needs(V.CARE_WORK, call=lambda c: a(
        c.seed.task, version=c.seed.task_version, outcome="reached_fine")),
    "care.snooze": needs(V.CARE_WORK, call=lambda c: a(
        c.seed.task, version=c.seed.task_version, until=FIXED_NOW + timedelta(days=1))),
    "care.reassign": needs(V.CARE_WORK, call=lambda c: a([c.seed.task], role="nurse")),
    "care.export_callbacks": needs(V.EXPORT_RUN, call=lambda c: a([], str(c.out / "cb.xlsx"))),
    "care.snooze_tasks": needs(V.CARE_WORK, call=lambda c: a(
        [(c.seed.task, c.seed.task_version)], until=TOMORROW_10)),
    "care_plans.plan_overview": needs(V.CARE_VIEW, call=lambda c: a()),
    "care_plans.create_plan": needs(V.CARE_PLANS_MANAGE, call=lambda c: a(name="新计划")),
    "care_plans.duplicate_plan": needs(V.CARE_PLANS_MANAGE, call=lambda c: a(c.seed.plan.key)),
    "care_plans.retire_plan": needs(V.CARE_PLANS_MANAGE, call=lambda c: a(c.seed.plan.key)),
    "care_plans.restore_plan": needs(V.CARE_PLANS_MANAGE, call=lambda c: a(c.seed.retired)),
    "care.raise_due": open_to_all(JOB, lambda c: a()),
    "care_sources.daily_scan": open_to_all(JOB, lambda c: a()),
    "care.on_treatment_completed": internal(IN_TRANSACTION + " (an event handler)"),
    "care.on_treatment_undone": internal(IN_TRANSACTION + " (an event handler)"),
    "care.on_appointment_changed": internal(IN_TRANSACTION + " (an event handler)"),
    "care_import.plan_imported_treatments": internal(IN_TRANSACTION + " (imports.run_import)"),
    # contacts, feedback, messages
    "engagement.log_contact": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, channel="phone", summary="提醒明天复诊")),
    "engagement.add_feedback": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.patient, satisfaction=5)),
    "engagement.update_feedback": needs(V.PATIENT_EDIT, call=lambda c: a(
        c.seed.feedback, status="handling")),
    "engagement.contacts_of": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    "engagement.feedback_of": needs(V.PATIENT_VIEW, call=lambda c: a(c.seed.patient)),
    "messages.templates": open_to_all(REFERENCE + ": message templates hold no patient data",
                                      lambda c: a()),
    "messages.save_template": needs(V.SETTINGS_MANAGE, call=lambda c: a(
        c.seed.template_key, name="改名", body=c.seed.template_body)),
    "messages.queue_message": needs(V.MESSAGES_SEND, call=lambda c: a(
        c.seed.relative, template_key=c.seed.template_key)),
    "messages.mark_sent": needs(V.MESSAGES_SEND, call=lambda c: a(c.seed.message)),
    "messages.preview_message": needs(V.MESSAGES_SEND, call=lambda c: a(
        c.seed.patient, template_key=c.seed.template_key, task_id=c.seed.task)),
    "messages.send_pending": needs(V.MESSAGES_SEND, call=lambda c: a(_Sender())),
    "messages.message_gaps": needs(V.MESSAGES_SEND, call=lambda c: a(
        c.seed.patient, template_key=c.seed.template_key, task_id=c.seed.task)),
    "messages.outbox": needs(V.MESSAGES_SEND, call=lambda c: a()),
    "messages.read_channels": open_to_all(
        "host names and addresses only (secrets live in the keyring); sender_for reads it",
        lambda c: a()),
    "messages.save_channels": needs(V.SETTINGS_MANAGE, call=lambda c: a(ChannelSettings())),
    "messages.sender_for": needs(V.MESSAGES_SEND, call=lambda c: a("email")),
    # automatic messages
    "auto_settings.read_auto_settings": needs(V.MESSAGES_SEND, call=lambda c: a()),
    "auto_settings.save_auto_settings": needs(V.SETTINGS_MANAGE, call=lambda c: a(
        _auto_settings())),
    "auto_messages.scan": open_to_all(JOB, lambda c: a()),
    "auto_messages.on_appointment_changed": internal(IN_TRANSACTION + " (an event handler)"),
    "auto_messages.on_treatment_completed": internal(IN_TRANSACTION + " (an event handler)"),
    "auto_messages.queue_auto": internal(IN_TRANSACTION + " (the scan's and the handlers' step)"),
    "message_stats.day_by_kind": needs(V.MESSAGES_SEND, call=lambda c: a(date(2026, 11, 24))),
    "message_stats.message_effect": needs(V.MESSAGES_SEND, call=lambda c: a(_month())),
    # exports and imports
    "exports.export_patients": needs(V.EXPORT_RUN, call=lambda c: a(c.out / "p.xlsx")),
    "exports.export_appointments": needs(V.EXPORT_RUN, call=lambda c: a(c.out / "a.xlsx")),
    "exports.export_visits": needs(V.EXPORT_RUN, V.CLINICAL_VIEW,
                                   call=lambda c: a(c.out / "v.xlsx")),
    "exports.export_ledger": needs(V.EXPORT_RUN, call=lambda c: a(c.out / "l.xlsx")),
    "imports.preview_file": needs(V.IMPORT_RUN, call=lambda c: a(c.seed.workbook)),
    "imports.run_import": needs(V.IMPORT_RUN, call=lambda c: a(
        ImportRequest(c.seed.workbook), dry_run=True)),
    "import_values.preview_values": needs(V.IMPORT_RUN, call=lambda c: a(
        [["姓名", "治疗项目", "医生"], ["赵六", "种植", "李医生"]], header_index=0,
        mapping={0: "name", 1: "procedure", 2: "doctor"})),
    "import_values.write_new_entries": internal(IN_TRANSACTION + " (imports.run_import)"),
    "import_batches.undo_import": needs(V.IMPORT_RUN, call=lambda c: a(c.seed.batch)),
    "import_balances.preview_tiers": needs(V.IMPORT_RUN, call=lambda c: a(
        [["姓名", "会员等级"], ["赵六", "金卡"]], header_index=0,
        mapping={0: "name", 1: "tier"})),
    "import_balances.write_new_tiers": internal(IN_TRANSACTION + " (imports.run_import)"),
    "import_balances.write_openings": internal(IN_TRANSACTION + " (imports.run_import)"),
    "import_batches.list_batches": needs(V.IMPORT_RUN, call=lambda c: a()),
    "import_batches.batch_problems": needs(V.IMPORT_RUN, call=lambda c: a(c.seed.batch)),
    "import_batches.list_profiles": needs(V.IMPORT_RUN, call=lambda c: a()),
    "import_batches.save_profile": needs(V.IMPORT_RUN, call=lambda c: a(
        "老系统", {"姓名": "name"})),
    # the clinic, its staff and catalogue, the audit log
    "clinic.update_clinic": needs(V.SETTINGS_MANAGE, call=lambda c: a(
        name="测试诊所", timezone="Asia/Shanghai")),
    "catalogue.list_procedures": open_to_all(REFERENCE + ": the price list", lambda c: a()),
    "catalogue.save_procedure": needs(V.CATALOGUE_MANAGE, call=lambda c: a(
        None, name="新项目", category="检查", high_value=False, default_minutes=30,
        price=Decimal(50), colour="#3A7BD5")),
    "chairs.list_chairs": open_to_all(REFERENCE + ": the calendar's chairs", lambda c: a()),
    "chairs.add_chair": needs(V.CHAIRS_MANAGE, call=lambda c: a(name="2号椅")),
    "chairs.update_chair": needs(V.CHAIRS_MANAGE, call=lambda c: a(
        c.seed.chair, name="1号椅", note="靠窗", active=True)),
    "staff.list_staff": open_to_all(REFERENCE + ": names and colours of colleagues",
                                    lambda c: a()),
    "staff.list_doctors": open_to_all(REFERENCE + ": the calendar's doctors", lambda c: a()),
    "staff.add_staff": needs(V.STAFF_MANAGE, call=lambda c: a(
        username="u.new", display_name="新同事", role=Role.NURSE, password=PASSWORD)),
    "staff.update_staff": needs(V.STAFF_MANAGE, call=lambda c: a(
        c.seed.target_staff, version=c.seed.target_version, display_name="改名",
        role=Role.NURSE, is_doctor=False, colour=None)),
    "staff.set_active": needs(V.STAFF_MANAGE, call=lambda c: a(c.seed.target_staff,
                                                               active=False)),
    "staff.require_password_change": needs(V.STAFF_MANAGE, call=lambda c: a(
        c.seed.target_staff, required=True)),
    "staff.reset_password": needs(V.STAFF_MANAGE, call=lambda c: a(
        c.seed.target_staff, new_password="new-pass-1")),
    "staff.change_own_password": open_to_all(
        "one's own account: it needs the old password", lambda c: a(
            old_password=PASSWORD, new_password="new-pass-1")),
    "auth.sign_out": open_to_all("ends one's own session", lambda c: a()),
    "audit.recent_entries": needs(V.AUDIT_VIEW, call=lambda c: a()),
    "audit.check_chain": needs(V.AUDIT_VIEW, call=lambda c: a()),
    "audit_log.list_entries": needs(V.AUDIT_VIEW, call=lambda c: a()),
    "exports.export_audit_log": needs(V.AUDIT_VIEW, call=lambda c: a(c.out / "audit.xlsx")),
    "audit.record_restore": needs(V.SETTINGS_MANAGE, call=lambda c: a(
        source=c.out / "backup.sqlite3", moved_aside=None)),
    **LOYALTY_RULES,
    **INSIGHT_RULES,
    **BACKUP_RULES,
}


# -- discovery --------------------------------------------------------------------------------
def service_functions() -> dict[str, Callable[..., Any]]:
    """``module.function`` (``package.module.function`` in a subpackage such as loyalty) for
    every public function defined in a services module whose first parameter is annotated
    ``Context``."""
    found: dict[str, Callable[..., Any]] = {}
    prefix = "clinic_desktop.services."
    for info in pkgutil.walk_packages(clinic_desktop.services.__path__, prefix):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) \
                    or value.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(value).parameters.values())
            if parameters and parameters[0].annotation in (Context, "Context"):
                found[f"{info.name.removeprefix(prefix)}.{name}"] = value
    return found


FUNCTIONS = service_functions()


def _base(key: str) -> str:
    return key.split("#")[0]


def test_every_service_has_exactly_one_rule() -> None:
    discovered, ruled = set(FUNCTIONS), {_base(k) for k in RULES}
    assert not discovered - ruled, f"services without a rule in RULES: {discovered - ruled}"
    assert not ruled - discovered, f"rules for functions that no longer exist: {ruled - discovered}"
    assert len(discovered) > 100  # the discovery itself works


def test_open_and_internal_rules_say_why() -> None:
    for key, rule in RULES.items():
        if not rule.needs or rule.internal:
            assert rule.why, f"{key}: an open or internal rule must say why"
        if rule.internal:
            annotations = [p.annotation for p in inspect.signature(FUNCTIONS[_base(key)])
                           .parameters.values()]
            assert "Session" in annotations, f"{key} takes no Session: it is not internal"
        else:
            assert rule.call is not None, key


def test_clinical_fields_name_real_fields_and_roles_keep_the_clinical_pairing() -> None:
    from clinic_desktop.services.billing import TreatmentLine, VisitRecord
    from clinic_desktop.services.panel import TreatmentRow
    from clinic_desktop.services.patients import PatientRecord
    from clinic_desktop.services.profile import MedicalInfo

    models = {m.__name__: m for m in (PatientRecord, MedicalInfo, VisitRecord, TreatmentLine,
                                      TreatmentRow, attachments.AttachmentInfo)}
    for table in (CLINICAL_FIELDS, SAFETY_FIELDS):
        for model, names in table.items():
            assert names <= {f.name for f in dataclasses.fields(models[model])}, model
    assert set(models) >= CLINICAL_RECORDS
    assert not CLINICAL_FIELDS["MedicalInfo"] & SAFETY_FIELDS["MedicalInfo"]
    for role, granted in ROLE_PERMISSIONS.items():
        for wholesale, clinical in NEEDS_CLINICAL.items():
            assert wholesale not in granted or clinical in granted, (role, wholesale)


# Every (function, role) on SQLite. On PostgreSQL every function once, as the administrator:
# a refusal is decided in Python before any SQL runs, so the other roles add only time there;
# what runs is each service's SQL on the server.
ON_SQLITE_ONLY = {
    "platform.backups.backup_now": "copies the data folder's SQLite file",
    "platform.backups.backup_contents": "reads a backup of the SQLite file",
    "platform.backups.list_backups": "lists the copies of the SQLite file",
}
CASES = [pytest.param(key, role, "sqlite", id=f"{key}-{role.value}-sqlite")
         for key in sorted(RULES) if not RULES[key].internal for role in Role] + [
    pytest.param(key, Role.ADMINISTRATOR, "postgresql", marks=pytest.mark.postgresql,
                 id=f"{key}-{Role.ADMINISTRATOR.value}-postgresql")
    for key in sorted(RULES) if not RULES[key].internal and key not in ON_SQLITE_ONLY]


@pytest.mark.parametrize(("key", "role", "db_engine"), CASES, indirect=["db_engine"])
def test_role_gets_what_the_table_says(key: str, role: Role, db_engine: str,
                                       clinic: Clinic) -> None:
    rule = RULES[key]
    assert rule.call is not None
    args, kwargs = rule.call(clinic)
    function = FUNCTIONS[_base(key)]
    ctx = clinic.ctx(role)
    granted = ROLE_PERMISSIONS[role]
    if not set(rule.needs) <= granted:
        with pytest.raises(PermissionDenied):
            function(ctx, *args, **kwargs)
        return
    try:
        result = function(ctx, *args, **kwargs)
    except PermissionDenied as denied:  # pragma: no cover - the failure message
        pytest.fail(f"{role.value} may call {key} but was refused: {denied}")
    if rule.clinical is not None:
        values = rule.clinical(result)
        if V.CLINICAL_VIEW in granted:
            assert all(values), f"{role.value} should see the clinical data: {values}"
        else:
            assert not any(values), f"{role.value} sees clinical data: {values}"
    if rule.safety is not None:
        assert all(rule.safety(result)), f"{role.value} must see the safety fields"
