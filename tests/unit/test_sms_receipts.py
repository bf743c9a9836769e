"""Delivery receipts pulled from the providers' fakes: delivered and failed-with-reason are
recorded on the right messages, one still waiting stays waiting, a second pull asks nothing
again, and only messages of the current provider in the window are asked about."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic_desktop import credentials
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import messages
from clinic_desktop.services.messages import ChannelSettings, save_channels
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.sms_receipts import ReceiptSummary, pull_receipts
from clinic_desktop.storage.models.messaging import OutboxMessage
from tests.unit.sms_fakes import Certs, FakeAliyun, FakeProvider, FakeTencent, make_certs, serving
from tests.unit.test_sms_providers import (
    KEY_ID,
    NAME_TIME,
    SECRET,
    SECRET_ID,
    SECRET_KEY,
    SIGN,
    TENCENT_REMINDER,
    WHEN,
)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("sms-receipt-certs"))


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield
    for name in ("aliyun_sms_secret", "tencent_sms_secret"):
        credentials.forget_secret(name)


def _three_sent(ctx: Context, fake: FakeProvider, certs: Certs) -> list[int]:
    """Three reminders, to three patients, sent through ``fake``; their outbox ids."""
    tencent = isinstance(fake, FakeTencent)
    save_channels(ctx, ChannelSettings(
        sms_provider="tencent" if tencent else "aliyun",
        sms_key_id=SECRET_ID if tencent else KEY_ID, sms_sign_name=SIGN,
        sms_app_id="1400006666" if tencent else "", sms_endpoint=fake.url, ca_file=str(certs.ca)),
        sms_templates=TENCENT_REMINDER if tencent else NAME_TIME)
    credentials.set_secret("tencent_sms_secret" if tencent else "aliyun_sms_secret",
                           SECRET_KEY if tencent else SECRET, session_only=True)
    for name, mobile in (("张三", "13800138000"), ("李四", "13900139000"),
                         ("王五", "13700137000")):
        pid = create_patient(ctx, PatientInput(name=name, sex="M", mobile=mobile)).patient.id
        messages.queue_message(ctx, pid, template_key="reminder", channel="sms", when=WHEN)
    assert messages.send_pending(ctx, messages.sender_for(ctx, "sms")) == (3, 0)
    return sorted(m.id for m in messages.outbox(ctx))


def _deliveries(ctx: Context) -> list[tuple[str | None, str | None, bool]]:
    return [(m.delivery, m.delivery_error, m.delivered_at is not None)
            for m in sorted(messages.outbox(ctx), key=lambda m: m.id)]


def test_alibaba_receipts_are_recorded_per_message(admin_ctx: Context, certs: Certs) -> None:
    fake = FakeAliyun(keys={KEY_ID: SECRET}, sign_name=SIGN,
                      templates={"SMS_100001": ["name", "time", "clinic"]})
    with serving(fake, certs):
        _three_sent(admin_ctx, fake, certs)
        first, second, _third = fake.sent  # BizIds in sending order
        fake.reports = {first: (3, "DELIVERED"), second: (2, "MK:0001")}
        assert pull_receipts(admin_ctx) == ReceiptSummary(3, 1, 1)
        queries = [seen for seen in fake.requests if seen.action == "QuerySendDetails"]
        assert len(queries) == 3 and all(seen.signed for seen in queries)
        assert {seen.params["SendDate"] for seen in queries} == {"20261124"}
        assert {seen.params["BizId"] for seen in queries} == set(fake.sent)
        assert _deliveries(admin_ctx) == [
            ("delivered", None, True),
            ("failed", "运营商没有送达（MK:0001）：号码可能停机、欠费或拒收短信。", True),
            ("unknown", None, False)]
        before = len(fake.requests)
        assert pull_receipts(admin_ctx).waiting == 1  # only the one still waiting is asked
        assert len(fake.requests) == before + 1


def test_tencent_receipts_are_pulled_per_number(admin_ctx: Context, certs: Certs) -> None:
    fake = FakeTencent(keys={SECRET_ID: SECRET_KEY}, sign_name=SIGN,
                       templates={"2001001": ["1", "2"]})
    with serving(fake, certs):
        _three_sent(admin_ctx, fake, certs)
        first, second, _third = fake.sent
        fake.reports = {first: ("SUCCESS", "用户接收成功"), second: ("FAIL", "用户手机已停机")}
        summary = pull_receipts(admin_ctx)
        assert (summary.delivered, summary.failed, summary.waiting) == (1, 1, 1)
        pulls = [seen for seen in fake.requests
                 if seen.action == "PullSmsSendStatusByPhoneNumber"]
        assert sorted(seen.params["PhoneNumber"] for seen in pulls) == [
            "+8613700137000", "+8613800138000", "+8613900139000"]
        assert all(seen.signed and seen.params["SmsSdkAppId"] == "1400006666"
                   for seen in pulls)
        assert _deliveries(admin_ctx) == [("delivered", None, True),
                                          ("failed", "用户手机已停机", True),
                                          ("unknown", None, False)]


def test_only_recent_messages_of_the_current_provider_are_asked(
    admin_ctx: Context, certs: Certs
) -> None:
    fake = FakeAliyun(keys={KEY_ID: SECRET}, sign_name=SIGN,
                      templates={"SMS_100001": ["name", "time", "clinic"]})
    with serving(fake, certs):
        ids = _three_sent(admin_ctx, fake, certs)
        with admin_ctx.transaction(write=True) as session:
            rows = {row.id: row for row in session.execute(select(OutboxMessage)).scalars()}
            rows[ids[0]].sent_at = admin_ctx.now() - timedelta(days=4)  # outside the window
            rows[ids[1]].provider = "tencent"  # sent before the clinic switched provider
        fake.requests.clear()
        assert pull_receipts(admin_ctx) == ReceiptSummary(1, 0, 0)
        assert [seen.params["BizId"] for seen in fake.requests] == [rows[ids[2]].provider_id]
        assert pull_receipts(admin_ctx, days=7).waiting_before == 2


def test_a_refused_pull_changes_nothing(admin_ctx: Context, certs: Certs) -> None:
    fake = FakeAliyun(keys={KEY_ID: SECRET}, sign_name=SIGN,
                      templates={"SMS_100001": ["name", "time", "clinic"]})
    with serving(fake, certs):
        _three_sent(admin_ctx, fake, certs)
        credentials.set_secret("aliyun_sms_secret", "not-the-secret-at-all", session_only=True)
        with pytest.raises(UserError, match="AccessKey Secret 不正确") as refused:
            pull_receipts(admin_ctx)
        assert "not-the-secret-at-all" not in refused.value.message
        assert {m.delivery for m in messages.outbox(admin_ctx)} == {"unknown"}


def test_nothing_waiting_asks_nobody(admin_ctx: Context) -> None:
    assert pull_receipts(admin_ctx) == ReceiptSummary(0, 0, 0)  # no provider set up at all
