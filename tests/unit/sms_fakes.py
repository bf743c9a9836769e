"""Local stand-ins for Alibaba Cloud SMS and Tencent Cloud SMS, for tests with no internet.

Each is a threaded HTTPS server (a certificate for localhost signed by a CA made with the
``openssl`` command) that the official SDK's endpoint is pointed at. It does what the
provider does with a request, in the same order: it checks the signature — Alibaba's
ACS3-HMAC-SHA256 and Tencent's TC3-HMAC-SHA256, each implemented here again from the
provider's documentation, not taken from the SDK — with the account's secret, then the
parameters (sign name, template id, the template's variables, the phone number), and answers
with the provider's success body or its error code. The two signing functions are checked
against the documented worked examples in ``test_sms_signing.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import ssl
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

MOBILE = re.compile(r"^1[3-9]\d{9}$")
Answer = tuple[int, dict[str, Any]]


# -- certificates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Certs:
    ca: Path                       # the test CA (PEM): the sender's ``ca_file``
    localhost: tuple[Path, Path]   # (cert, key) the CA signed for localhost / 127.0.0.1


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


def make_certs(folder: Path) -> Certs:
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    _openssl("req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "3650",
             "-subj", "/CN=Test SMS CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    cert, key, csr = folder / "localhost.pem", folder / "localhost.key", folder / "l.csr"
    ext = folder / "localhost.ext"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                   "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n")
    _openssl("req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    _openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
             "-out", cert, "-days", "3650", "-extfile", ext)
    return Certs(ca, (cert, key))


# -- the two signatures, from the providers' documents ------------------------------------------
def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def acs3_encode(text: str) -> str:
    """Alibaba's percentEncode: RFC 3986, UTF-8, only A-Z a-z 0-9 - _ . ~ left as they are."""
    return quote(text, safe="~")


def acs3_authorization(*, key_id: str, secret: str, method: str, path: str,
                       query: list[tuple[str, str]], headers: Mapping[str, str],
                       payload: bytes) -> str:
    """The Authorization header of Alibaba Cloud's V3 request signature (ACS3-HMAC-SHA256):
    canonical request -> its SHA-256 -> HMAC-SHA256 with the AccessKey Secret, hex."""
    canonical_query = "&".join(f"{acs3_encode(k)}={acs3_encode(v)}"
                               for k, v in sorted(query, key=lambda kv: acs3_encode(kv[0])))
    lower = {name.lower(): value.strip() for name, value in headers.items()}
    names = sorted(lower)
    canonical_headers = "".join(f"{name}:{lower[name]}\n" for name in names)
    signed = ";".join(names)
    canonical = "\n".join((method, path or "/", canonical_query, canonical_headers, signed,
                           _sha256(payload)))
    to_sign = "ACS3-HMAC-SHA256\n" + _sha256(canonical.encode("utf-8"))
    signature = _hmac(secret.encode("utf-8"), to_sign).hex()
    return f"ACS3-HMAC-SHA256 Credential={key_id},SignedHeaders={signed},Signature={signature}"


def tc3_canonical_request(*, method: str, query: str, headers: Mapping[str, str],
                          payload: bytes) -> tuple[str, str]:
    """(canonical request, signed headers) of Tencent Cloud's signature v3."""
    lower = {name.lower(): value.strip().lower() for name, value in headers.items()}
    names = sorted(lower)
    canonical_headers = "".join(f"{name}:{lower[name]}\n" for name in names)
    signed = ";".join(names)
    return "\n".join((method, "/", query, canonical_headers, signed, _sha256(payload))), signed


def tc3_signature(*, secret: str, timestamp: int, service: str, canonical_request: str) -> str:
    """TC3-HMAC-SHA256: the string to sign with the credential scope, and the key derived
    from the SecretKey through the UTC date, the service and "tc3_request"."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    to_sign = (f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n"
               + _sha256(canonical_request.encode("utf-8")))
    key = _hmac(_hmac(_hmac(("TC3" + secret).encode("utf-8"), date), service), "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


# -- the servers ----------------------------------------------------------------------------------
@dataclass
class Seen:
    action: str
    params: dict[str, Any]
    headers: dict[str, str]
    signed: bool


@dataclass
class FakeProvider:
    """What both fakes share: accounts, the registered signature and templates, a log."""

    keys: dict[str, str]                       # key id -> secret
    sign_name: str
    templates: dict[str, list[str]]            # template id -> its variables, in order
    requests: list[Seen] = field(default_factory=list)
    rate_limited: bool = False
    url: str = ""
    _count: int = 0
    _nonces: set[str] = field(default_factory=set)

    def answer(self, method: str, target: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, Any], str]:
        raise NotImplementedError

    def next_id(self) -> int:
        self._count += 1
        return self._count

    @property
    def sends(self) -> list[Seen]:
        return [seen for seen in self.requests if seen.action == "SendSms" and seen.signed]


@dataclass
class FakeAliyun(FakeProvider):
    """Dysmsapi 2017-05-25: SendSms and QuerySendDetails, RPC style, signed with ACS3."""

    sent: dict[str, dict[str, Any]] = field(default_factory=dict)     # BizId -> what was sent
    reports: dict[str, tuple[int, str]] = field(default_factory=dict)  # BizId -> status, code

    def answer(self, method: str, target: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, Any], str]:
        parts = urlsplit(target)
        query = parse_qsl(parts.query, keep_blank_values=True)
        params = dict(query)
        action = headers.get("x-acs-action", "")
        refused = self._check_signature(method, parts.path, query, headers, body)
        self.requests.append(Seen(action, params, headers, refused is None))
        status, answer = refused or self._action(action, params)
        answer.setdefault("RequestId", f"A{self.next_id():08d}")
        return status, answer, "application/json;charset=utf-8"

    def _check_signature(self, method: str, path: str, query: list[tuple[str, str]],
                         headers: dict[str, str], body: bytes) -> Answer | None:
        found = re.fullmatch(r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),"
                             r"Signature=([0-9a-f]{64})", headers.get("authorization", ""))
        if found is None:
            return 400, {"Code": "IncompleteSignature",
                         "Message": "The request signature does not conform to standards."}
        key_id, signed, signature = found.groups()
        secret = self.keys.get(key_id)
        if secret is None:
            return 404, {"Code": "InvalidAccessKeyId.NotFound",
                         "Message": "Specified access key is not found."}
        names = signed.split(";")
        must = {"host"} | {name for name in headers if name.startswith("x-acs-")}
        if not must <= set(names) or any(name not in headers for name in names):
            return 400, {"Code": "IncompleteSignature",
                         "Message": "The request signature does not conform to standards."}
        if headers.get("x-acs-content-sha256") != _sha256(body):
            return 400, {"Code": "IncompleteSignature", "Message": "Body hash mismatch."}
        at = datetime.strptime(headers.get("x-acs-date", "") + "+0000", "%Y-%m-%dT%H:%M:%SZ%z")
        # The SDK dates its request by the machine's clock, and the provider checks it so.
        now = datetime.now(UTC)  # real clock: what the SDK signed with
        if abs(at - now) > timedelta(minutes=15):
            return 400, {"Code": "InvalidTimeStamp.Expired", "Message": "Expired."}
        nonce = headers.get("x-acs-signature-nonce", "")
        if not nonce or nonce in self._nonces:
            return 400, {"Code": "SignatureNonceUsed", "Message": "Nonce used."}
        self._nonces.add(nonce)
        expected = acs3_authorization(key_id=key_id, secret=secret, method=method, path=path,
                                      query=query, headers={n: headers[n] for n in names},
                                      payload=body)
        if not hmac.compare_digest(expected, headers["authorization"]):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": (
                f"Specified signature is not matched with our calculation. server string to "
                f"sign is:{expected.rsplit('=', 1)[1][:8]}…")}
        return None

    def _action(self, action: str, params: dict[str, str]) -> Answer:
        if action == "SendSms":
            return self._send(params)
        if action == "QuerySendDetails":
            return self._details(params)
        return 404, {"Code": "InvalidAction.NotFound", "Message": action}

    def _send(self, params: dict[str, str]) -> Answer:
        if params.get("SignName") != self.sign_name:
            return 200, {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "该账号下找不到对应签名"}
        variables = self.templates.get(params.get("TemplateCode", ""))
        if variables is None:
            return 200, {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "该账号下找不到对应模板"}
        given = json.loads(params.get("TemplateParam") or "{}")
        if set(given) != set(variables) or not all(given.values()):
            return 200, {"Code": "isv.TEMPLATE_MISSING_PARAMETERS",
                         "Message": "模板变量缺少对应参数值"}
        if not MOBILE.match(params.get("PhoneNumbers", "")):
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "手机号码格式错误"}
        if self.rate_limited:
            return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发号码天级流控"}
        biz_id = f"{900000 + self.next_id()}^0"
        self.sent[biz_id] = {"phone": params["PhoneNumbers"], "template": params["TemplateCode"],
                             "params": given, "out_id": params.get("OutId", "")}
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id}

    def _details(self, params: dict[str, str]) -> Answer:
        if not re.fullmatch(r"\d{8}", params.get("SendDate", "")):
            return 200, {"Code": "isv.INVALID_PARAMETERS", "Message": "SendDate"}
        rows = []
        for biz_id, sent in self.sent.items():
            if sent["phone"] != params.get("PhoneNumber") or \
                    params.get("BizId") not in (None, biz_id):
                continue
            status, code = self.reports.get(biz_id, (1, ""))
            rows.append({"PhoneNum": sent["phone"], "SendStatus": status, "ErrCode": code,
                         "TemplateCode": sent["template"], "OutId": sent["out_id"],
                         "Content": "【" + self.sign_name + "】…",
                         "SendDate": "2026-11-24 10:00:01",
                         "ReceiveDate": "2026-11-24 10:00:09" if status != 1 else ""})
        return 200, {"Code": "OK", "Message": "OK", "TotalCount": len(rows),
                     "SmsSendDetailDTOs": {"SmsSendDetailDTO": rows}}


@dataclass
class FakeTencent(FakeProvider):
    """SMS 2021-01-11: SendSms and PullSmsSendStatusByPhoneNumber, JSON, signed with TC3."""

    app_id: str = "1400006666"
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)       # SerialNo -> sent
    reports: dict[str, tuple[str, str]] = field(default_factory=dict)   # SerialNo -> status

    def answer(self, method: str, target: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, Any], str]:
        action = headers.get("x-tc-action", "")
        try:
            params: dict[str, Any] = json.loads(body or b"{}")
        except ValueError:
            params = {}
        refused = self._check_signature(method, headers, body)
        self.requests.append(Seen(action, params, headers, refused is None))
        result = refused or self._action(action, params)
        return 200, {"Response": {**result, "RequestId": f"T{self.next_id():08d}"}}, \
            "application/json"

    @staticmethod
    def _error(code: str, message: str) -> dict[str, Any]:
        return {"Error": {"Code": code, "Message": message}}

    def _check_signature(self, method: str, headers: dict[str, str],
                         body: bytes) -> dict[str, Any] | None:
        found = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d\d-\d\d)/(\w+)/"
                             r"tc3_request, SignedHeaders=([\w;-]+), Signature=([0-9a-f]{64})",
                             headers.get("authorization", ""))
        if found is None:
            return self._error("AuthFailure.InvalidAuthorization", "Authorization 不符合规范")
        secret_id, date, service, signed, signature = found.groups()
        secret = self.keys.get(secret_id)
        if secret is None:
            return self._error("AuthFailure.SecretIdNotFound", "密钥不存在")
        timestamp = int(headers.get("x-tc-timestamp", "0"))
        # The SDK dates its request by the machine's clock, and the provider checks it so.
        now = datetime.now(UTC)  # real clock: what the SDK signed with
        if abs(now.timestamp() - timestamp) > 300:
            return self._error("AuthFailure.SignatureExpire", "签名过期")
        names = signed.split(";")
        if service != "sms" or not {"content-type", "host"} <= set(names) \
                or date != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") \
                or any(name not in headers for name in names) \
                or headers.get("x-tc-version") != "2021-01-11" \
                or not headers.get("x-tc-region"):
            return self._error("AuthFailure.InvalidAuthorization", "Authorization 不符合规范")
        canonical, _signed = tc3_canonical_request(
            method=method, query="", headers={n: headers[n] for n in names}, payload=body)
        expected = tc3_signature(secret=secret, timestamp=timestamp, service=service,
                                 canonical_request=canonical)
        if not hmac.compare_digest(expected, signature):
            return self._error("AuthFailure.SignatureFailure",
                               "请求签名验证失败，请检查您的签名计算是否正确。")
        return None

    def _action(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("SmsSdkAppId") != self.app_id:
            return self._error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId 不存在")
        if action == "SendSms":
            return self._send(params)
        if action == "PullSmsSendStatusByPhoneNumber":
            return self._pull(params)
        return self._error("InvalidAction", action)

    def _send(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("SignName") != self.sign_name:
            return self._error("FailedOperation.SignatureIncorrectOrUnapproved",
                               "签名未审批或格式错误")
        variables = self.templates.get(str(params.get("TemplateId")))
        if variables is None:
            return self._error("FailedOperation.TemplateIncorrectOrUnapproved",
                               "模板未审批或内容不匹配")
        values = params.get("TemplateParamSet") or []
        if len(values) != len(variables) or not all(values):
            return self._error("FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                               "请求内容与审核通过的模板内容不匹配")
        statuses = []
        for phone in params.get("PhoneNumberSet") or []:
            serial = f"2640:{self.next_id():010d}"
            ok = phone.startswith("+86") and bool(MOBILE.match(phone[3:]))
            code = ("Ok" if ok and not self.rate_limited else
                    "LimitExceeded.PhoneNumberDailyLimit" if ok else
                    "InvalidParameterValue.IncorrectPhoneNumber")
            if code == "Ok":
                self.sent[serial] = {"phone": phone, "template": params["TemplateId"],
                                     "params": values,
                                     "at": datetime.now(UTC)}  # real clock: its receipt time
            statuses.append({"SerialNo": serial if code == "Ok" else "", "PhoneNumber": phone,
                             "Fee": 1 if code == "Ok" else 0, "Code": code, "IsoCode": "CN",
                             "SessionContext": params.get("SessionContext", ""),
                             "Message": "send success" if code == "Ok" else code})
        return {"SendStatusSet": statuses}

    def _pull(self, params: dict[str, Any]) -> dict[str, Any]:
        reports = []
        for serial, sent in self.sent.items():
            if sent["phone"] != params.get("PhoneNumber") or serial not in self.reports:
                continue
            status, description = self.reports[serial]
            reports.append({"UserReceiveTime": 1795492809, "CountryCode": "86",
                            "SubscriberNumber": sent["phone"][3:], "PhoneNumber": sent["phone"],
                            "SerialNo": serial, "ReportStatus": status,
                            "Description": description, "SessionContext": ""})
        return {"PullSmsSendStatusSet": reports[params.get("Offset", 0):][:params.get("Limit",
                                                                                    100)]}


@contextmanager
def serving(fake: FakeProvider, certs: Certs) -> Iterator[FakeProvider]:
    """``fake`` on https://localhost:PORT (``fake.url``) until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, answer, content_type = fake.answer("POST", self.path, headers, body)
            data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certs.localhost)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"https://localhost:{server.server_port}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
