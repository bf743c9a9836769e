"""Transports for the outbox: e-mail over SMTP and a generic HTTP SMS gateway (the cloud SMS
providers, on the same rules, are in ``sms_aliyun`` and ``sms_tencent``).

Secrets travel only to the right server. Every encrypted connection checks the server's
certificate against the system's trusted CAs plus, when the clinic names one, its own CA file,
and checks that the certificate was issued for the host name in the settings. Whatever is
refused is refused *before* a password or token is written to the socket, and the refusal is
a ``UserError`` naming the server and the reason (``send_pending`` stores it as the message's
failure reason). URLs shown in the audit log, the log file or a failure reason go through
:func:`redact_url`: a gateway's query string often holds an API key.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _

if TYPE_CHECKING:
    from clinic_desktop.services.messages import OutboxInfo

@dataclass(frozen=True)
class Accepted:
    """A provider took the message: its id for it, to match the delivery receipt later."""

    provider: str
    message_id: str


class Undeliverable(UserError):
    """A failure no retry can fix (the number is not a mobile): the message fails at once."""


# X509_V_ERR_HOSTNAME_MISMATCH, _EMAIL_MISMATCH, _IP_ADDRESS_MISMATCH: a valid certificate,
# issued for some other server.
_NAME_MISMATCH_CODES = frozenset({62, 63, 64})


def _verify_reason(error: ssl.SSLCertVerificationError) -> str:
    """OpenSSL's reason in the user's language for the usual cases, its own words otherwise."""
    reasons = {
        9: _("证书尚未生效"), 10: _("证书已过期"),
        18: _("自签名证书，不在受信任的证书中"), 19: _("证书链中有不受信任的自签名证书"),
        20: _("找不到签发这张证书的受信任机构"),
    }
    return reasons.get(error.verify_code or 0) or error.verify_message or str(error)


class SmtpSecurity(StrEnum):
    """How the connection to the mail server is protected (the ``smtp_security`` setting).

    * ``STARTTLS`` (the default, port 587): connect, then upgrade to TLS before logging in. A
      server that does not offer STARTTLS is refused; there is no silent fall-back to plain text.
    * ``SSL`` (implicit TLS, "SMTPS", port 465): TLS from the first byte.
    * ``NONE`` (port 25): no encryption, only to a mail server on this computer (localhost,
      127.0.0.1, ::1), such as a local relay. To any other host the password *and* the patient's
      message would cross the network readable by anyone on the way, so it is refused whether
      or not a password is set.
    """

    STARTTLS = "starttls"
    SSL = "ssl"
    NONE = "none"


DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.SSL: 465, SmtpSecurity.NONE: 25}


def is_local_host(host: str) -> bool:
    """This computer: "localhost" or a loopback address (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def redact_url(url: str) -> str:
    """The URL fit for logs and the audit log: no ``user:pass@``, the query shown as "…"."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "…"
    netloc = parts.netloc.rpartition("@")[2]
    shown = f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else netloc + parts.path
    return shown + ("?…" if parts.query else "")


def scrub(text: str, url: str) -> str:
    """``text`` (an exception's message, say) with every secret part of ``url`` removed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return text.replace(url, "…")
    text = text.replace(url, redact_url(url))
    userinfo = parts.netloc.rpartition("@")[0]
    # The values on their own too: a message may quote them escaped or in another order.
    values = [value for _key, value in parse_qsl(parts.query) if len(value) >= 4]
    for secret in (parts.query, parts.fragment, userinfo, *values):
        if secret:
            text = text.replace(secret, "…")
    return text


def check_gateway_url(url: str, *, field: str = "sms_url") -> None:
    """http(s) with a host; plain ``http://`` only to this computer (the token is in a header)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise UserError(_("短信网关地址应以 http:// 或 https:// 开头，并包含服务器名。"),
                        field=field)
    if parts.scheme == "http" and not is_local_host(host):
        raise UserError(_("短信网关地址 {url} 没有加密：令牌会以明文经过网络。"
                          "请使用 https://（http:// 只允许本机的网关）。", url=redact_url(url)),
                        field=field)


def check_ca_file(path: str, *, field: str = "ca_file") -> str:
    """The PEM certificates in ``path``; a finished sentence naming the file when unusable."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise UserError(_("找不到 CA 证书文件“{path}”。", path=path), field=field)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise UserError(_("无法读取 CA 证书文件“{path}”：{reason}。", path=path,
                          reason=error.strerror or error), field=field) from None
    not_pem = UserError(_("CA 证书文件“{path}”不是 PEM 格式的证书"
                          "（应包含 -----BEGIN CERTIFICATE-----）。", path=path), field=field)
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise not_pem
    text = data.decode("utf-8", errors="replace")  # comments in a bundle may be UTF-8
    try:
        ssl.create_default_context().load_verify_locations(cadata=text)
    except ssl.SSLError:
        raise not_pem from None
    return text


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """Certificate and host name checked; the clinic's CA trusted besides the system's."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cadata=check_ca_file(ca_file))
    return context


def certificate_refusal(error: ssl.SSLCertVerificationError, server: str,
                        what: str) -> UserError:
    if error.verify_code in _NAME_MISMATCH_CODES:
        return UserError(_("{server} 的证书不是签发给这个服务器名的，可能连到了别的服务器，"
                           "{what}没有发送。", server=server, what=what))
    reason = _verify_reason(error)
    return UserError(_("{server} 的证书无法验证（{reason}），{what}没有发送。"
                       "诊所自建的服务器请在消息渠道设置中选择它的 CA 证书文件。",
                       server=server, reason=reason, what=what))


def _causes(error: BaseException) -> list[BaseException]:
    """``error`` and what lies under it: the SDKs wrap a socket's failure in their own
    exception (raised while handling it), requests and urllib3 keep it as ``reason``."""
    found: list[BaseException] = []
    todo: list[object] = [error]
    while todo and len(found) < 20:
        item = todo.pop()
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        todo.extend((item.__cause__, item.__context__, getattr(item, "reason", None),
                     getattr(item, "inner_exception", None), *item.args))
    return found


def network_refusal(error: BaseException, server: str, what: str,
                    timeout: float) -> UserError:
    """A connection that failed, in plain words. The exception's own text is never quoted: an
    SDK's names the URL, whose query holds the patient's number and the message's values."""
    causes = _causes(error)
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return certificate_refusal(cause, server, what)
    if any(isinstance(c, TimeoutError) or "timed out" in str(c).lower()
           or type(c).__name__.endswith("Timeout") for c in causes):
        return UserError(_("{server} 没有在 {seconds} 秒内响应，{what}可能没有发送，稍后会重试。",
                           server=server, seconds=int(timeout), what=what))
    if any(isinstance(c, socket.gaierror) or "resolve" in str(c).lower() for c in causes):
        return UserError(_("找不到{server}：请检查这台电脑的网络连接。", server=server))
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return UserError(_("{server} 拒绝了连接，请检查接口地址。", server=server))
    if any(isinstance(c, ssl.SSLError) for c in causes):
        return UserError(_("无法与{server}建立加密连接，{what}没有发送。",
                           server=server, what=what))
    return UserError(_("无法连接{server}，请检查这台电脑的网络连接，稍后会重试。", server=server))


@dataclass
class SmtpSender:
    """E-mail through the clinic's mail server; see :class:`SmtpSecurity` for the rules."""

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    from_addr: str
    security: str = SmtpSecurity.STARTTLS
    ca_file: str = ""
    timeout: float = 15.0
    channel: str = "email"

    def send(self, message: OutboxInfo) -> None:
        security = SmtpSecurity(self.security)
        server = f"{self.host}:{self.port}"
        if security is SmtpSecurity.NONE and not is_local_host(self.host):
            raise UserError(_("邮件服务器 {server} 不在本机，不能使用“无加密”：密码和邮件内容"
                              "会以明文经过网络。请选择 STARTTLS 或 SSL/TLS。", server=server))
        context = None if security is SmtpSecurity.NONE else tls_context(self.ca_file)
        try:
            smtp = self._connect(security, context)
            # Not ``with``: its QUIT on a half-done TLS handshake would hide the real reason.
            try:
                if security is SmtpSecurity.STARTTLS:
                    self._starttls(smtp, context, server)
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(self._email(message))
                with contextlib.suppress(OSError):  # delivered: a failed goodbye is no failure
                    smtp.quit()
            finally:
                smtp.close()
        except ssl.SSLCertVerificationError as error:
            raise certificate_refusal(error, _("邮件服务器 {server}", server=server),
                                       _("密码和邮件")) from None
        except ssl.SSLError as error:
            raise UserError(_("无法与邮件服务器 {server} 建立加密连接（{reason}）。请检查加密方式"
                              "和端口：STARTTLS 通常是 587，SSL/TLS 通常是 465。",
                              server=server, reason=error.reason or error)) from None

    def _connect(self, security: SmtpSecurity,
                 context: ssl.SSLContext | None) -> smtplib.SMTP:
        if security is SmtpSecurity.SSL:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    @staticmethod
    def _starttls(smtp: smtplib.SMTP, context: ssl.SSLContext | None, server: str) -> None:
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise UserError(_("邮件服务器 {server} 不支持 STARTTLS 加密，密码和邮件没有发送。"
                              "请改用 SSL/TLS，或询问邮件服务商。", server=server))
        smtp.starttls(context=context)

    def _email(self, message: OutboxInfo) -> EmailMessage:
        email = EmailMessage()
        email["From"], email["To"] = self.from_addr, message.recipient
        # To the patient: always Chinese (the template's name, as 预约提醒, when it has one).
        email["Subject"] = message.subject or "来自诊所的消息"
        email.set_content(message.body)
        return email


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would repeat the bearer token to wherever a redirect points (even http://)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class SmsGatewaySender:
    """A generic HTTP gateway: POST {"to", "text"} as JSON with a bearer token.

    ``https://`` with the certificate verified (``http://`` only to this computer), no
    redirects followed, and the URL redacted in every failure reason.
    """

    url: str
    token: str = field(repr=False)
    ca_file: str = ""
    timeout: float = 15.0
    channel: str = "sms"

    def send(self, message: OutboxInfo) -> None:
        check_gateway_url(self.url)
        context = tls_context(self.ca_file) if self.url.strip().startswith("https") else None
        body = json.dumps({"to": message.recipient, "text": message.body}).encode("utf-8")
        request = urllib.request.Request(self.url.strip(), data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), _NoRedirect())
        shown = redact_url(self.url)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        except urllib.error.URLError as error:
            raise self._unreachable(error.reason, shown) from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise self._unreachable(error, shown) from None
        if not 200 <= status < 300:
            raise UserError(_("短信网关 {url} 返回错误 {code}。", url=shown, code=status))

    def _unreachable(self, reason: object, shown: str) -> UserError:
        if isinstance(reason, ssl.SSLCertVerificationError):
            return certificate_refusal(reason, _("短信网关 {url}", url=shown), _("令牌和短信"))
        if isinstance(reason, TimeoutError):
            return UserError(_("短信网关 {url} 没有在 {seconds} 秒内响应。",
                               url=shown, seconds=int(self.timeout)))
        text = scrub(str(reason) or type(reason).__name__, self.url)
        return UserError(_("无法连接短信网关 {url}：{reason}", url=shown, reason=text))
