"""Tencent Cloud SMS (API 2021-01-11) through its official SDK: SendSms and the delivery
receipts of PullSmsSendStatusByPhoneNumber.

The SDK signs each request with TC3-HMAC-SHA256 and the SecretKey, which goes nowhere else.
Receipts are pulled per phone number over a time window, which can be asked again (the plain
PullSmsSendStatus hands each report out only once: a second workstation would lose them).
Failures are reworded as for Alibaba (``sms_providers.refusal``); a network failure is
described without the SDK's text. TLS: certifi's CAs, or with an endpoint override the
clinic's CA file when set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.services.message_transports import Accepted, network_refusal
from clinic_desktop.services.sms_providers import (
    DEFAULT_REGIONS,
    TENCENT,
    DeliveryReport,
    ProviderTemplate,
    check_endpoint,
    mainland_mobile,
    redact,
    refusal,
    template_params,
)

if TYPE_CHECKING:
    from clinic_desktop.services.messages import OutboxInfo

DEFAULT_HOST = "sms.tencentcloudapi.com"
RECEIPT_DAYS = 7  # PullSmsSendStatusByPhoneNumber looks back at most this far (the caller's
# window stays inside it)

# Tencent's error codes (top-level errors and per-number SendStatus codes) by kind of refusal.
CODES = {
    "FailedOperation.SignatureIncorrectOrUnapproved": "signature",
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "app",
    "FailedOperation.TemplateIncorrectOrUnapproved": "template",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": "params",
    "InvalidParameterValue.TemplateParameterFormatError": "params",
    "FailedOperation.MissingTemplateToModify": "template",
    "InvalidParameterValue.TemplateParameterLengthLimit": "param_length",
    "FailedOperation.ContainSensitiveWord": "content",
    "InvalidParameterValue.ContentLengthLimit": "param_length",
    "InvalidParameterValue.IncorrectPhoneNumber": "number",
    "FailedOperation.PhoneNumberParseFail": "number",
    "FailedOperation.PhoneNumberInBlacklist": "blocked",
    "FailedOperation.PhoneNumberOnBlacklist": "blocked",
    "LimitExceeded.PhoneNumberDailyLimit": "rate",
    "LimitExceeded.PhoneNumberOneHourLimit": "rate",
    "LimitExceeded.PhoneNumberThirtySecondLimit": "rate",
    "LimitExceeded.PhoneNumberSameContentDailyLimit": "rate",
    "LimitExceeded.DailyLimit": "rate", "LimitExceeded.DeliveryFrequencyLimit": "rate",
    "RequestLimitExceeded": "rate",
    "FailedOperation.InsufficientBalanceInSmsPackage": "balance",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber": "number",
    "InvalidParameterValue.SdkAppIdNotExist": "app",
    "UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny": "permission",
    "AuthFailure.SignatureFailure": "secret",
    "AuthFailure.SecretIdNotFound": "key_id", "AuthFailure.InvalidSecretId": "key_id",
    "AuthFailure.SignatureExpire": "clock",
    "AuthFailure.UnauthorizedOperation": "permission",
    "UnauthorizedOperation.RequestPermissionDeny": "permission",
}


@dataclass
class TencentSmsSender:
    """Sends through Tencent Cloud SMS from the application ``app_id`` (SmsSdkAppId)."""

    secret_id: str
    secret_key: str = field(repr=False)
    sign_name: str
    app_id: str
    templates: Mapping[str, ProviderTemplate]
    template_names: Mapping[str, str]
    region: str = ""
    endpoint: str = ""  # https://host[:port]: tests and private deployments only
    ca_file: str = ""
    timeout: float = 15.0
    channel: str = "sms"
    provider: str = TENCENT

    @property
    def server(self) -> str:
        host = check_endpoint(self.endpoint)[1] if self.endpoint else DEFAULT_HOST
        return _("腾讯云短信服务 {host}", host=host)

    def send(self, message: OutboxInfo) -> Accepted:
        from tencentcloud.sms.v20210111 import models  # type: ignore[import-untyped]

        phone = mainland_mobile(message.recipient, TENCENT)
        template, pairs = template_params(message, self.templates, self.template_names,
                                          TENCENT)
        name = self.template_names.get(message.template_key or "") or ""
        request = models.SendSmsRequest()
        request.PhoneNumberSet = ["+86" + phone]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = template.template_id
        request.TemplateParamSet = [value for _param, value in pairs]
        request.SessionContext = f"outbox-{message.id}"  # returned as is: our id, for support
        response = self._call(lambda client: client.SendSms(request),
                              template_id=template.template_id, name=name)
        statuses = response.SendStatusSet or []
        if not statuses:
            raise refusal("", TENCENT, code="SendStatusSet", message=_("没有返回发送结果"))
        status = statuses[0]
        if status.Code != "Ok":
            raise self._refused(status.Code, status.Message, template_id=template.template_id,
                                name=name)
        return Accepted(TENCENT, str(status.SerialNo))

    def receipts(self, sent: Sequence[OutboxInfo]) -> list[DeliveryReport]:
        """One pull per phone number, from its earliest message on; matched by SerialNo."""
        from tencentcloud.sms.v20210111 import models

        wanted = {item.provider_id for item in sent if item.provider_id}
        by_phone: dict[str, datetime] = {}
        for item in sent:
            if item.sent_at is not None:
                phone = mainland_mobile(item.recipient, TENCENT)
                by_phone[phone] = min(item.sent_at, by_phone.get(phone, item.sent_at))
        found: list[DeliveryReport] = []
        for phone, first in sorted(by_phone.items()):
            begin = first - timedelta(minutes=5)  # the provider's clock may run a little early
            request = models.PullSmsSendStatusByPhoneNumberRequest()
            request.PhoneNumber = "+86" + phone
            request.SmsSdkAppId = self.app_id
            request.BeginTime = int(begin.timestamp())
            request.Offset = 0
            request.Limit = 100
            response = self._pull(request)
            for report in response.PullSmsSendStatusSet or []:
                if report.SerialNo in wanted and report.ReportStatus in ("SUCCESS", "FAIL"):
                    found.append(_receipt(report))
        return found

    def _pull(self, request: Any) -> Any:
        return self._call(lambda client: client.PullSmsSendStatusByPhoneNumber(request))

    def _client(self) -> Any:
        from tencentcloud.common import credential  # type: ignore[import-untyped]
        from tencentcloud.common.profile.client_profile import (  # type: ignore[import-untyped]
            ClientProfile,
        )
        from tencentcloud.common.profile.http_profile import (  # type: ignore[import-untyped]
            HttpProfile,
        )
        from tencentcloud.sms.v20210111 import sms_client

        http = HttpProfile(reqTimeout=int(self.timeout))
        if self.endpoint:
            scheme, host = check_endpoint(self.endpoint)
            http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=int(self.timeout),
                               certification=self.ca_file or None)
        # TC3-HMAC-SHA256, answers in Chinese, no switching to a backup region on failures.
        profile = ClientProfile(httpProfile=http, language="zh-CN")
        return sms_client.SmsClient(credential.Credential(self.secret_id, self.secret_key),
                                    self.region or DEFAULT_REGIONS[TENCENT], profile)

    def _call(self, call: Callable[[Any], Any], *, template_id: str = "",
              name: str = "") -> Any:
        from tencentcloud.common.exception import (  # type: ignore[import-untyped]
            tencent_cloud_sdk_exception as sdk_errors,
        )

        try:
            return call(self._client())
        except sdk_errors.TencentCloudSDKException as error:
            code = str(error.code or "")
            if code in ("ClientNetworkError", "ServerNetworkError"):  # no usable answer
                raise network_refusal(error, self.server, _("短信"), self.timeout) from None
            raise self._refused(code, error.message, template_id=template_id,
                                name=name) from None
        except UserError:
            raise
        except Exception as error:
            raise network_refusal(error, self.server, _("短信"), self.timeout) from None

    def _refused(self, code: object, message: object, *, template_id: str = "",
                 name: str = "") -> UserError:
        text = str(code or "")
        return refusal(CODES.get(text, ""), TENCENT, sign=self.sign_name,
                       template_id=template_id, name=name, code=text,
                       message=redact(str(message or ""), self.secret_key))


def _receipt(report: Any) -> DeliveryReport:
    at = (datetime.fromtimestamp(int(report.UserReceiveTime), UTC)
          if report.UserReceiveTime else None)
    if report.ReportStatus == "SUCCESS":
        return DeliveryReport(str(report.SerialNo), True, at)
    reason = str(report.Description or "").strip() or _("运营商没有送达")
    return DeliveryReport(str(report.SerialNo), False, at, reason)
