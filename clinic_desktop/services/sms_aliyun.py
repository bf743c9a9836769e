"""Alibaba Cloud SMS (Dysmsapi 2017-05-25) through its official SDK: SendSms and the delivery
receipts of QuerySendDetails.

The SDK signs each request (ACS3-HMAC-SHA256 in the current SDK) with the AccessKey Secret;
the secret goes nowhere else, and every failure is reworded (``sms_providers.refusal``) or,
for a network failure, described without the SDK's text, which quotes the request URL with
the patient's number in it. The SDK is imported on the first send (about 0.6 s: it brings
aiohttp along), never at start-up. TLS: the SDK (requests) checks certificates and host names
against certifi's CAs; with an endpoint override (tests, private deployments) the clinic's
CA file, when set, is the trusted root instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.services.message_transports import Accepted, network_refusal
from clinic_desktop.services.sms_providers import (
    ALIYUN,
    DEFAULT_REGIONS,
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

DEFAULT_HOST = "dysmsapi.aliyuncs.com"
BEIJING = ZoneInfo("Asia/Shanghai")  # Alibaba's send dates and receipt times are Beijing time

# Alibaba's error codes (SendSms, QuerySendDetails and the gateway's own) by kind of refusal.
CODES = {
    "isv.SMS_SIGNATURE_ILLEGAL": "signature", "isv.SIGN_NAME_ILLEGAL": "signature",
    "isv.SMS_SIGN_ILLEGAL": "signature", "isv.SMS_SIGNATURE_SCENE_ILLEGAL": "signature",
    "isv.SMS_TEMPLATE_ILLEGAL": "template", "isv.TEMPLATE_NOT_EXIST": "template",
    "isv.TEMPLATE_MISSING_PARAMETERS": "params", "isv.TEMPLATE_PARAMS_ILLEGAL": "params",
    "isv.INVALID_JSON_PARAM": "params", "isv.PARAM_LENGTH_LIMIT": "param_length",
    "isv.BLACK_KEY_CONTROL_LIMIT": "content",
    "isv.MOBILE_NUMBER_ILLEGAL": "number", "isv.MOBILE_COUNT_OVER_LIMIT": "number",
    "isv.BUSINESS_LIMIT_CONTROL": "rate", "isv.DAY_LIMIT_CONTROL": "rate",
    "Throttling.User": "rate", "Throttling": "rate",
    "isv.AMOUNT_NOT_ENOUGH": "balance", "isv.OUT_OF_SERVICE": "balance",
    "isv.ACCOUNT_NOT_EXISTS": "account", "isv.ACCOUNT_ABNORMAL": "account",
    "isv.PRODUCT_UN_SUBSCRIPT": "account", "isv.PRODUCT_UNSUBSCRIBE": "account",
    "SignatureDoesNotMatch": "secret", "IncompleteSignature": "secret",
    "InvalidAccessKeyId.NotFound": "key_id", "InvalidAccessKeyId.Inactive": "key_id",
    "InvalidAccessKeyId": "key_id",
    "SignatureNonceUsed": "clock", "InvalidTimeStamp.Expired": "clock",
    "Forbidden.RAM": "permission", "Forbidden.NoPermission": "permission",
    "NoPermission": "permission", "isv.RAM_PERMISSION_DENY": "permission",
}


@dataclass
class AliyunSmsSender:
    """Sends through Alibaba Cloud SMS; ``templates`` maps the clinic's template keys to the
    registered ones, ``template_names`` gives their names for the reasons."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    sign_name: str
    templates: Mapping[str, ProviderTemplate]
    template_names: Mapping[str, str]
    region: str = ""
    endpoint: str = ""  # https://host[:port]: tests and private deployments only
    ca_file: str = ""
    timeout: float = 15.0
    channel: str = "sms"
    provider: str = ALIYUN

    @property
    def server(self) -> str:
        host = check_endpoint(self.endpoint)[1] if self.endpoint else DEFAULT_HOST
        return _("阿里云短信服务 {host}", host=host)

    def send(self, message: OutboxInfo) -> Accepted:
        from alibabacloud_dysmsapi20170525 import (  # type: ignore[import-untyped]
            models,
        )

        phone = mainland_mobile(message.recipient, ALIYUN)
        template, pairs = template_params(message, self.templates, self.template_names, ALIYUN)
        name = self.template_names.get(message.template_key or "") or ""
        request = models.SendSmsRequest(
            phone_numbers=phone, sign_name=self.sign_name, template_code=template.template_id,
            template_param=json.dumps(dict(pairs), ensure_ascii=False) if pairs else None,
            out_id=str(message.id))
        body = self._call(lambda client, runtime: client.send_sms_with_options(request, runtime),
                          template_id=template.template_id, name=name)
        if body.code != "OK":
            raise self._refused(body.code, body.message, template_id=template.template_id,
                                name=name)
        return Accepted(ALIYUN, str(body.biz_id))

    def receipts(self, sent: Sequence[OutboxInfo]) -> list[DeliveryReport]:
        """QuerySendDetails for each message (accepted and sent: it has a BizId and a send
        time) by its BizId, number and send date."""
        from alibabacloud_dysmsapi20170525 import models

        found: list[DeliveryReport] = []
        for item in sent:
            if item.provider_id is None or item.sent_at is None:
                continue
            request = models.QuerySendDetailsRequest(
                phone_number=mainland_mobile(item.recipient, ALIYUN), biz_id=item.provider_id,
                send_date=f"{item.sent_at.astimezone(BEIJING):%Y%m%d}", page_size=10,
                current_page=1)
            body = self._query(request)
            if body.code != "OK":
                raise self._refused(body.code, body.message)
            details = body.sms_send_detail_dtos.sms_send_detail_dto \
                if body.sms_send_detail_dtos is not None else None
            for detail in details or ():
                receipt = _receipt(item.provider_id, detail)
                if receipt is not None:
                    found.append(receipt)
        return found

    def _query(self, request: Any) -> Any:
        return self._call(lambda client, runtime: client.query_send_details_with_options(
            request, runtime))

    def _client(self) -> Any:
        from alibabacloud_dysmsapi20170525.client import Client  # type: ignore[import-untyped]
        from alibabacloud_tea_openapi.utils_models import (  # type: ignore[import-untyped]
            Config,
        )

        milliseconds = int(self.timeout * 1000)
        config = Config(access_key_id=self.access_key_id,
                        access_key_secret=self.access_key_secret,
                        region_id=self.region or DEFAULT_REGIONS[ALIYUN],
                        connect_timeout=milliseconds, read_timeout=milliseconds)
        if self.endpoint:
            scheme, config.endpoint = check_endpoint(self.endpoint)
            config.protocol = scheme
            if self.ca_file:
                config.ca = self.ca_file
        return Client(config)

    def _call(self, call: Callable[[Any, Any], Any], *, template_id: str = "",
              name: str = "") -> Any:
        """The SDK's call, its body on success; its failures as a ``UserError``."""
        from alibabacloud_tea_openapi.exceptions import (  # type: ignore[import-untyped]
            AlibabaCloudException,
        )
        from darabonba.runtime import RuntimeOptions  # type: ignore[import-untyped]

        try:
            return call(self._client(), RuntimeOptions()).body
        except AlibabaCloudException as error:  # the service answered with an error code
            data = error.data if isinstance(error.data, dict) else {}
            raise self._refused(error.code, str(data.get("Message") or ""),
                                template_id=template_id, name=name) from None
        except UserError:
            raise
        except Exception as error:  # no answer: never quote it (the URL holds the number)
            raise network_refusal(error, self.server, _("短信"), self.timeout) from None

    def _refused(self, code: object, message: object, *, template_id: str = "",
                 name: str = "") -> UserError:
        text = str(code or "")
        return refusal(CODES.get(text, ""), ALIYUN, sign=self.sign_name,
                       template_id=template_id, name=name, code=text,
                       message=redact(str(message or ""), self.access_key_secret))


def _receipt(biz_id: str, detail: Any) -> DeliveryReport | None:
    """SendStatus 3 delivered, 2 failed (ErrCode says why), 1 still waiting (no receipt)."""
    status = int(detail.send_status or 0)
    if status not in (2, 3):
        return None
    at = None
    if detail.receive_date:
        try:
            at = datetime.strptime(str(detail.receive_date), "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=BEIJING).astimezone(UTC)
        except ValueError:
            at = None
    if status == 3:
        return DeliveryReport(biz_id, True, at)
    reason = _("运营商没有送达（{code}）：号码可能停机、欠费或拒收短信。",
               code=str(detail.err_code or "?"))
    return DeliveryReport(biz_id, False, at, reason)
