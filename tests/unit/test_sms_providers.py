"""Alibaba Cloud SMS and Tencent Cloud SMS through their official SDKs, against local fakes
that check the signature and the parameters the way the providers do (``sms_fakes``): the
registered template is sent with the values the message was rendered from, the provider's id
is kept, each refusal becomes a plain reason, nothing goes out for a template with no mapping
or a number that is not a mobile, and the secret appears in no reason, audit entry or log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clinic_desktop import credentials
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.services import messages
from clinic_desktop.services.messages import ChannelSettings, OutboxInfo, save_channels
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.sms_providers import (
    ProviderTemplate,
    format_params,
    parse_params,
    read_provider_templates,
)
from clinic_desktop.storage.models.audit import AuditEntry
from clinic_desktop.storage.models.messaging import OutboxMessage
from tests.unit.sms_fakes import Certs, FakeAliyun, FakeProvider, FakeTencent, make_certs, serving

KEY_ID, SECRET = "LTAI5tClinicTest01", "aliyun-Secret-0123456789"
SECRET_ID, SECRET_KEY = "AKIDClinicTest0123456789", "tencent-SecretKey-9876543210"
SIGN = "康宁口腔"
WHEN = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
NAME_TIME = {"reminder": ProviderTemplate("SMS_100001", (("name", "称呼"), ("time", "时间"),
                                                         ("clinic", "诊所")))}
TENCENT_REMINDER = {"reminder": ProviderTemplate("2001001", (("", "称呼"), ("", "时间")))}


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("sms-certs"))


@pytest.fixture(autouse=True)
def _no_proxy_and_no_stored_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield
    for name in ("aliyun_sms_secret", "tencent_sms_secret"):
        credentials.forget_secret(name)


@pytest.fixture
def patient(admin_ctx: Context) -> int:
    return create_patient(admin_ctx, PatientInput(name="张三", sex="M",
                                                  mobile="13800138000")).patient.id


@pytest.fixture
def aliyun(certs: Certs) -> Iterator[FakeAliyun]:
    fake = FakeAliyun(keys={KEY_ID: SECRET}, sign_name=SIGN,
                      templates={"SMS_100001": ["name", "time", "clinic"],
                                 "SMS_100002": ["name"]})
    with serving(fake, certs):
        yield fake


@pytest.fixture
def tencent(certs: Certs) -> Iterator[FakeTencent]:
    fake = FakeTencent(keys={SECRET_ID: SECRET_KEY}, sign_name=SIGN,
                       templates={"2001001": ["1", "2"]})
    with serving(fake, certs):
        yield fake


Connect = Callable[..., None]


@pytest.fixture
def connect(admin_ctx: Context, certs: Certs) -> Connect:
    """Points the clinic's SMS settings at ``fake`` (the secret kept for this run only)."""

    def setup(fake: FakeProvider, *, secret: str | None = None, sign: str = SIGN,
              templates: dict[str, ProviderTemplate] | None = None, ca: bool = True) -> None:
        provider = "tencent" if isinstance(fake, FakeTencent) else "aliyun"
        mapping = templates if templates is not None else (
            TENCENT_REMINDER if provider == "tencent" else NAME_TIME)
        settings = ChannelSettings(
            sms_provider=provider, sms_key_id=SECRET_ID if provider == "tencent" else KEY_ID,
            sms_sign_name=sign, sms_app_id="1400006666" if provider == "tencent" else "",
            sms_endpoint=fake.url, ca_file=str(certs.ca) if ca else "")
        save_channels(admin_ctx, settings, sms_templates=mapping)
        real = SECRET_KEY if provider == "tencent" else SECRET
        credentials.set_secret(f"{provider}_sms_secret", secret or real, session_only=True)

    return setup


def _queue_and_send(ctx: Context, patient: int, *, recipient: str | None = None,
                    template: str = "reminder") -> OutboxInfo:
    messages.queue_message(ctx, patient, template_key=template, channel="sms", when=WHEN,
                           recipient=recipient)
    messages.send_pending(ctx, messages.sender_for(ctx, "sms"))
    return messages.outbox(ctx)[0]


# -- sending ---------------------------------------------------------------------------------
def test_alibaba_gets_the_registered_template_signed_and_its_bizid_is_kept(
    admin_ctx: Context, patient: int, aliyun: FakeAliyun, connect: Connect
) -> None:
    connect(aliyun)
    row = _queue_and_send(admin_ctx, patient)
    assert (row.status, row.last_error) == ("sent", None)
    [request] = aliyun.requests
    assert request.signed and request.action == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    params = request.params
    assert (params["PhoneNumbers"], params["SignName"], params["TemplateCode"]) == (
        "13800138000", SIGN, "SMS_100001")
    assert json.loads(params["TemplateParam"]) == {
        "name": "张先生", "time": "11月25日 09:00", "clinic": "测试诊所"}
    assert params["OutId"] == str(row.id)
    [biz_id] = aliyun.sent
    assert (row.provider, row.provider_id, row.delivery) == ("aliyun", biz_id, "unknown")
    assert "张先生您好" in row.body  # the outbox keeps the rendered text


def test_tencent_gets_the_registered_template_signed_and_its_serial_is_kept(
    admin_ctx: Context, patient: int, tencent: FakeTencent, connect: Connect
) -> None:
    connect(tencent)
    row = _queue_and_send(admin_ctx, patient)
    assert (row.status, row.last_error) == ("sent", None)
    [request] = tencent.requests
    assert request.signed and request.headers["x-tc-region"] == "ap-guangzhou"
    assert request.params["PhoneNumberSet"] == ["+8613800138000"]
    assert (request.params["SmsSdkAppId"], request.params["SignName"],
            request.params["TemplateId"]) == ("1400006666", SIGN, "2001001")
    assert request.params["TemplateParamSet"] == ["张先生", "11月25日 09:00"]
    [serial] = tencent.sent
    assert (row.provider, row.provider_id, row.delivery) == ("tencent", serial, "unknown")


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
@pytest.mark.parametrize(("problem", "expected", "status"), [
    ("sign", "短信签名“别的诊所”不可用", "queued"),
    ("template", "不可用：请确认模板已审核通过", "queued"),
    ("params", "的变量与设置的参数不一致", "queued"),
    ("rate", "限流", "queued"),
])
def test_each_refusal_is_a_plain_reason(
    admin_ctx: Context, patient: int, aliyun: FakeAliyun, tencent: FakeTencent,
    connect: Connect, provider: str, problem: str, expected: str, status: str,
) -> None:
    fake: FakeProvider = aliyun if provider == "aliyun" else tencent
    template = NAME_TIME["reminder"] if provider == "aliyun" else TENCENT_REMINDER["reminder"]
    if problem == "template":
        template = replace(template, template_id="SMS_999" if provider == "aliyun" else "999")
    if problem == "params":
        template = replace(template, params=template.params[:1])
    fake.rate_limited = problem == "rate"
    connect(fake, sign="别的诊所" if problem == "sign" else SIGN,
            templates={"reminder": template})
    row = _queue_and_send(admin_ctx, patient)
    assert (row.status, row.attempts) == (status, 1)
    assert expected in (row.last_error or ""), row.last_error
    assert (provider == "aliyun") == ("阿里云" in (row.last_error or ""))
    assert [seen.signed for seen in fake.requests] == [True]  # it reached the provider


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_template_without_a_provider_id_is_not_sent(
    admin_ctx: Context, patient: int, aliyun: FakeAliyun, tencent: FakeTencent,
    connect: Connect, provider: str,
) -> None:
    fake: FakeProvider = aliyun if provider == "aliyun" else tencent
    connect(fake, templates={})
    row = _queue_and_send(admin_ctx, patient)
    who = "阿里云" if provider == "aliyun" else "腾讯云"
    assert row.last_error == f"模板“预约提醒”还没有对应的{who}模板编号（设置 → 消息渠道）。"
    assert fake.requests == []


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_number_that_is_not_a_mainland_mobile_fails_at_once(
    admin_ctx: Context, patient: int, aliyun: FakeAliyun, tencent: FakeTencent,
    connect: Connect, provider: str,
) -> None:
    fake: FakeProvider = aliyun if provider == "aliyun" else tencent
    connect(fake)
    row = _queue_and_send(admin_ctx, patient, recipient="010-62345678")
    assert (row.status, row.attempts) == ("failed", 1)  # no retry can fix it
    assert "不是中国大陆 11 位手机号" in (row.last_error or "")
    assert fake.requests == []


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_wrong_secret_is_refused_by_the_signature_check_and_never_shown(
    admin_ctx: Context, patient: int, aliyun: FakeAliyun, tencent: FakeTencent,
    connect: Connect, provider: str, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # the SDKs' own debug logging too
    fake: FakeProvider = aliyun if provider == "aliyun" else tencent
    wrong = "Wrong-Secret-That-Is-Long-Enough"
    connect(fake, secret=wrong)
    row = _queue_and_send(admin_ctx, patient)
    expected = ("阿里云拒绝了请求签名：AccessKey Secret 不正确" if provider == "aliyun"
                else "腾讯云拒绝了请求签名：SecretKey 不正确")
    assert expected in (row.last_error or "") and row.status == "queued"
    assert [seen.signed for seen in fake.requests] == [False]  # the fake's check failed
    with admin_ctx.transaction() as session:
        audit = " ".join(session.execute(select(AuditEntry.summary)).scalars())
    for text in (row.last_error or "", audit, caplog.text):
        assert wrong not in text and SECRET not in text and SECRET_KEY not in text
    assert "attempt failed" in caplog.text


def test_a_provider_message_quoting_the_secret_is_redacted(
    admin_ctx: Context, patient: int, aliyun: FakeAliyun, connect: Connect,
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An error code we do not know shows the provider's words, without the secret."""
    caplog.set_level(logging.DEBUG)
    answer = aliyun.answer

    def echoing(*args: Any) -> tuple[int, dict[str, Any], str]:
        status, body, kind = answer(*args)
        if body.get("Code") == "OK":
            body = {"Code": "isv.SOMETHING_NEW", "Message": f"bad key {SECRET} here",
                    "RequestId": "x"}
        return status, body, kind

    monkeypatch.setattr(aliyun, "answer", echoing)
    connect(aliyun)
    row = _queue_and_send(admin_ctx, patient)
    assert row.last_error == "阿里云拒绝发送：bad key … here（isv.SOMETHING_NEW）"
    assert SECRET not in caplog.text


def test_an_untrusted_certificate_is_refused_before_anything_is_sent(
    admin_ctx: Context, patient: int, tencent: FakeTencent, connect: Connect
) -> None:
    connect(tencent, ca=False)  # the fake's CA is not trusted
    row = _queue_and_send(admin_ctx, patient)
    assert "证书无法验证" in (row.last_error or "") and "短信没有发送" in (row.last_error or "")
    assert "localhost" in (row.last_error or "") and "13800138000" not in (row.last_error or "")
    assert tencent.requests == []


def test_a_message_from_before_the_providers_has_no_parameters(
    admin_ctx: Context, patient: int, aliyun: FakeAliyun, connect: Connect
) -> None:
    connect(aliyun)
    messages.queue_message(admin_ctx, patient, template_key="reminder", channel="sms",
                           when=WHEN)
    with admin_ctx.transaction(write=True) as session:  # as the migration leaves old rows
        for row in session.execute(select(OutboxMessage)).scalars():
            row.template_key = row.params_json = None
    messages.send_pending(admin_ctx, messages.sender_for(admin_ctx, "sms"))
    assert "生成于接入短信服务商之前" in (messages.outbox(admin_ctx)[0].last_error or "")
    assert aliyun.requests == []


def test_a_campaign_message_keeps_its_template_and_values(
    admin_ctx: Context, aliyun: FakeAliyun, connect: Connect
) -> None:
    from clinic_desktop.services.consent import record_consent
    from clinic_desktop.services.insight.campaigns import (
        CampaignInput,
        MessageAction,
        start_campaign,
    )
    from clinic_desktop.services.insight.segment_rules import SegmentRules
    from tests.unit.insight.segment_clinic import build

    clinic = build(admin_ctx)
    record_consent(admin_ctx, clinic.ids["A"], "sms", granted=True, how="form")
    outcome = start_campaign(admin_ctx, CampaignInput(
        "关怀", MessageAction("birthday", "sms"), rules=SegmentRules(high_value=True)))
    assert outcome.acted == 1
    [row] = messages.outbox(admin_ctx)
    assert row.template_key == "birthday"
    values = json.loads(row.params_json or "{}")
    assert values["诊所"] == "测试诊所" and values["称呼"] in row.body
    connect(aliyun, templates={"birthday": ProviderTemplate("SMS_100002", (("name", "称呼"),))})
    assert messages.send_pending(admin_ctx, messages.sender_for(admin_ctx, "sms")) == (1, 0)
    assert json.loads(aliyun.sends[0].params["TemplateParam"]) == {"name": values["称呼"]}


# -- settings ---------------------------------------------------------------------------------
def test_provider_settings_are_checked_field_by_field(admin_ctx: Context) -> None:
    aliyun = ChannelSettings(sms_provider="aliyun", sms_key_id=KEY_ID, sms_sign_name=SIGN)
    cases: list[tuple[ChannelSettings, str, str]] = [
        (replace(aliyun, sms_key_id=""), "sms_key_id", "AccessKey ID"),
        (replace(aliyun, sms_sign_name=""), "sms_sign_name", "短信签名"),
        (replace(aliyun, sms_provider="tencent"), "sms_app_id", "SmsSdkAppId"),
        (replace(aliyun, sms_endpoint="http://sms.example.com"), "sms_endpoint", "没有加密"),
        (replace(aliyun, sms_endpoint="https://sms.example.com/api?k=v"), "sms_endpoint",
         "不要带路径"),
        (replace(aliyun, sms_endpoint="ftp://x"), "sms_endpoint", "https://"),
        (replace(aliyun, sms_provider="tencent", sms_app_id="1400006666",
                 sms_region="ap guangzhou"), "sms_region", "ap-guangzhou"),
        (replace(aliyun, sms_provider="other"), "sms_provider", "短信服务商"),
    ]
    for settings, field, words in cases:
        with pytest.raises(UserError) as refused:
            save_channels(admin_ctx, settings)
        assert (refused.value.field, words in refused.value.message) == (field, True), \
            refused.value.message
    assert messages.read_channels(admin_ctx) == ChannelSettings()  # nothing was written
    local = replace(aliyun, sms_endpoint="http://127.0.0.1:8080")
    save_channels(admin_ctx, local, sms_templates=NAME_TIME)
    assert messages.read_channels(admin_ctx) == local
    assert read_provider_templates(admin_ctx, "aliyun") == NAME_TIME
    assert read_provider_templates(admin_ctx, "tencent") == {}


def test_template_ids_are_checked_naming_the_template(admin_ctx: Context) -> None:
    aliyun = ChannelSettings(sms_provider="aliyun", sms_key_id=KEY_ID, sms_sign_name=SIGN)
    with pytest.raises(UserError, match="模板“预约提醒”的阿里云模板编号“123”格式不对") as bad:
        save_channels(admin_ctx, aliyun, sms_templates={"reminder": ProviderTemplate("123")})
    assert bad.value.field == "provider_templates"
    tencent = replace(aliyun, sms_provider="tencent", sms_app_id="1400006666")
    with pytest.raises(UserError, match="应类似 1234567"):
        save_channels(admin_ctx, tencent, sms_templates={"recall": ProviderTemplate("SMS_1")})
    with pytest.raises(UserError, match="只用于阿里云或腾讯云"):
        save_channels(admin_ctx, ChannelSettings(), sms_templates=NAME_TIME)
    assert messages.read_channels(admin_ctx) == ChannelSettings()


def test_parameters_as_typed_in_the_dialog() -> None:
    assert parse_params("name=称呼， time={时间}、clinic = 诊所", "aliyun",
                        template="预约提醒") == NAME_TIME["reminder"].params
    assert parse_params("{1}={称呼}, 时间", "tencent", template="预约提醒") == (
        ("", "称呼"), ("", "时间"))
    for params, provider in ((NAME_TIME["reminder"].params, "aliyun"),
                             (TENCENT_REMINDER["reminder"].params, "tencent")):
        assert parse_params(format_params(params, provider), provider, template="x") == params
    refusals = [("name=地区", "aliyun", "不是可用的占位符"), ("称呼", "aliyun", "变量名=占位符"),
                ("name=称呼, name=时间", "aliyun", "写了两次"),
                ("name=称呼", "tencent", "只填占位符")]
    for text, provider, words in refusals:
        with pytest.raises(UserError, match=words) as refused:
            parse_params(text, provider, template="预约提醒")
        assert refused.value.field == "provider_templates"
        assert "预约提醒" in refused.value.message


def test_the_sender_explains_what_is_missing(admin_ctx: Context) -> None:
    save_channels(admin_ctx, ChannelSettings(sms_provider="aliyun", sms_key_id=KEY_ID,
                                             sms_sign_name=SIGN))
    with pytest.raises(UserError, match="AccessKey ID / AccessKey Secret"):
        messages.sender_for(admin_ctx, "sms")  # no secret in the keyring yet
    credentials.set_secret("aliyun_sms_secret", SECRET, session_only=True)
    sender = messages.sender_for(admin_ctx, "sms")
    assert SECRET not in repr(sender) and getattr(sender, "provider", "") == "aliyun"


def test_the_sdks_are_not_imported_until_a_message_is_sent(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys, clinic_desktop.services.messages, clinic_desktop.services.sms_receipts;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('alibabacloud_dysmsapi20170525', 'tencentcloud', 'darabonba', 'aiohttp')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=tmp_path)
    assert result.stdout.strip() == "[]"
