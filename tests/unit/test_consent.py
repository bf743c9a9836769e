"""Consent to messages: statements per channel, the latest counts; service messages need no
consent but stop on a refusal, marketing needs consent (services/consent.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services.consent import consent_of, record_consent, refusal_in
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.audit import AuditEntry
from clinic_desktop.storage.models.patient import PatientTag, Tag


@pytest.fixture
def patient(admin_ctx: Context) -> int:
    return create_patient(admin_ctx, PatientInput(name="蔡文", mobile="13912345678")).patient.id


def _refusal(ctx: Context, pid: int, channel: str, marketing: bool) -> str | None:
    with ctx.transaction() as session:
        return refusal_in(session, pid, channel, marketing=marketing)


def test_nothing_said_service_goes_marketing_does_not(admin_ctx: Context, patient: int) -> None:
    for channel in ("sms", "email", "manual"):
        assert _refusal(admin_ctx, patient, channel, marketing=False) is None
    assert _refusal(admin_ctx, patient, "sms", True) == "患者未同意接收短信营销消息"
    assert _refusal(admin_ctx, patient, "manual", True) == "患者未同意接收微信营销消息"


def test_a_channel_agreed_then_refused(admin_ctx: Context, fixed_clock: FixedClock,
                                       patient: int) -> None:
    record_consent(admin_ctx, patient, "sms", granted=True, how="form")
    assert _refusal(admin_ctx, patient, "sms", True) is None
    assert _refusal(admin_ctx, patient, "email", True) is not None  # only SMS was agreed
    fixed_clock.advance(timedelta(days=30))
    consent = record_consent(admin_ctx, patient, "sms", granted=False, how="reply",
                             note="回复 TD")
    assert consent.state("sms") is False and consent.channels["sms"].how == "reply"
    # a refused channel carries no message at all, service ones included
    assert _refusal(admin_ctx, patient, "sms", False) == "患者已拒收短信"
    assert _refusal(admin_ctx, patient, "email", False) is None


def test_refusing_everything_stops_service_messages_until_withdrawn(
        admin_ctx: Context, fixed_clock: FixedClock, patient: int) -> None:
    record_consent(admin_ctx, patient, "wechat", granted=True, how="form")
    fixed_clock.advance(timedelta(days=1))
    consent = record_consent(admin_ctx, patient, "all", granted=False, how="phone")
    assert consent.opted_out is not None
    for channel in ("sms", "email", "manual"):
        assert _refusal(admin_ctx, patient, channel, False) == "患者已拒收全部消息"
    fixed_clock.advance(timedelta(days=1))
    record_consent(admin_ctx, patient, "all", granted=True, how="desk")
    assert _refusal(admin_ctx, patient, "manual", True) is None  # WeChat's consent stands
    assert consent_of(admin_ctx, patient).opted_out is None


def test_the_old_no_messages_tag_counts_as_refusing_everything(
        admin_ctx: Context, patient: int) -> None:
    with admin_ctx.transaction(write=True) as s:
        tag = Tag(name="拒收消息")
        s.add(tag)
        s.flush()
        s.add(PatientTag(patient_id=patient, tag_id=tag.id))
    assert _refusal(admin_ctx, patient, "sms", False) == "患者已拒收全部消息"


@pytest.mark.parametrize(("channel", "how", "note", "field"), [
    ("fax", "form", "", "channel"), ("sms", "", "", "how"), ("sms", "form", "字" * 256, "note")])
def test_bad_statements_are_refused_naming_the_field(
        admin_ctx: Context, patient: int, channel: str, how: str, note: str,
        field: str) -> None:
    with pytest.raises(UserError) as error:
        record_consent(admin_ctx, patient, channel, granted=True, how=how, note=note)
    assert error.value.field == field
    assert consent_of(admin_ctx, patient).channels == {}


def test_each_statement_is_audited(admin_ctx: Context, patient: int) -> None:
    record_consent(admin_ctx, patient, "email", granted=True, how="desk")
    with admin_ctx.transaction() as s:
        summaries = s.execute(select(AuditEntry.summary).where(
            AuditEntry.action == "patient.consent")).scalars().all()
    assert summaries == ["email=yes (desk)"]
