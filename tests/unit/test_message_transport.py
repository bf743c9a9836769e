"""Secrets travel only to the right server: SMTP over verified TLS (STARTTLS and SMTPS) to a
real local aiosmtpd, plain text only to this computer, and an SMS gateway whose URL (and the
API key in its query) never reaches the audit log, a failure reason or the log file.

Certificates are made at test time with the ``openssl`` command: a clinic CA, a server
certificate it signs for localhost/127.0.0.1, one it signs for another host, and a self-signed
one for localhost.
"""

from __future__ import annotations

import functools
import logging
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from sqlalchemy import select

from clinic_desktop import credentials, logs
from clinic_desktop.context import Context
from clinic_desktop.errors import UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.services import messages
from clinic_desktop.services.clinic import write_setting
from clinic_desktop.services.message_transports import redact_url, scrub
from clinic_desktop.services.messages import (
    ChannelSettings,
    SmsGatewaySender,
    SmtpSender,
    read_channels,
    save_channels,
)
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.storage.models.audit import AuditEntry
from tests.net import free_port

PASSWORD = "mail-pa55word"
SECRET = "SECRETKEY42"


# --- certificates ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Certs:
    ca: Path            # the clinic's CA (PEM)
    localhost: tuple[Path, Path]      # (cert, key) signed by the CA for localhost/127.0.0.1
    other_host: tuple[Path, Path]     # signed by the CA for mail.other.example only
    self_signed: tuple[Path, Path]    # for localhost/127.0.0.1, signed by itself


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


_EC = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


def _leaf(folder: Path, name: str, sans: str, ca: tuple[Path, Path] | None) -> tuple[Path, Path]:
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    ext = folder / f"{name}.ext"
    ext.write_text(f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\n"
                   "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
                   "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    if ca is None:
        _openssl("req", "-x509", *_EC, "-keyout", key, "-out", cert, "-days", "3650",
                 "-subj", f"/CN={name}", "-addext", f"subjectAltName={sans}")
        return cert, key
    csr = folder / f"{name}.csr"
    _openssl("req", *_EC, "-keyout", key, "-out", csr, "-subj", f"/CN={name}")
    _openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
             "-out", cert, "-days", "3650", "-extfile", ext)
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    folder = tmp_path_factory.mktemp("certs")
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    _openssl("req", "-x509", *_EC, "-keyout", ca_key, "-out", ca, "-days", "3650",
             "-subj", "/CN=Test Clinic CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    local_sans = "DNS:localhost,IP:127.0.0.1"
    return Certs(ca, _leaf(folder, "localhost", local_sans, (ca, ca_key)),
                 _leaf(folder, "mail.other.example", "DNS:mail.other.example", (ca, ca_key)),
                 _leaf(folder, "selfsigned", local_sans, None))


def _server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*cert)
    return context



# --- a real SMTP server that records what reaches it ----------------------------------------

@dataclass
class MailServer:
    port: int
    received: list[bytes]
    auth_commands: list[str]          # every AUTH command that arrived
    passwords: list[bytes]            # every password the authenticator saw


class _RecordingSMTP(SMTP):
    commands: list[str]

    @functools.wraps(SMTP.smtp_AUTH)
    async def smtp_AUTH(self, arg: str) -> None:  # noqa: N802 - aiosmtpd's naming
        self.commands.append(arg)
        await super().smtp_AUTH(arg)


@pytest.fixture
def mail_server() -> Iterator[Callable[..., MailServer]]:
    """Starts aiosmtpd with the given TLS options; stopped after the test."""
    started: list[Controller] = []

    def start(**options: Any) -> MailServer:
        server = MailServer(free_port(), [], [], [])

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):  # noqa: ANN001, N802
                server.received.append(envelope.content)
                return "250 OK"

        def authenticator(_server: object, _session: object, _envelope: object,
                          _mechanism: str, data: LoginPassword) -> AuthResult:
            server.passwords.append(data.password)
            return AuthResult(success=data.password == PASSWORD.encode())

        class Recording(Controller):
            def factory(self) -> SMTP:
                smtp = _RecordingSMTP(self.handler, **self.SMTP_kwargs)
                smtp.commands = server.auth_commands
                return smtp

        controller = Recording(Handler(), hostname="127.0.0.1", port=server.port,
                               authenticator=authenticator, **options)
        controller.start()
        started.append(controller)
        return server

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def patient(admin_ctx: Context) -> int:
    return create_patient(admin_ctx, PatientInput(name="张三", sex="M",
                                                  mobile="13800138000")).patient.id


def _send_email(ctx: Context, patient: int, sender: SmtpSender) -> messages.OutboxInfo:
    """Queue one e-mail, run the outbox once, return the message as stored."""
    messages.queue_message(ctx, patient, template_key="recall", channel="email",
                           recipient="zhangsan@example.com")
    messages.send_pending(ctx, sender)
    [row] = messages.outbox(ctx)
    return row


def _smtp(port: int, security: str, ca_file: Path | None = None,
          host: str = "127.0.0.1") -> SmtpSender:
    return SmtpSender(host, port, "clinic", PASSWORD, "clinic@example.com", security=security,
                      ca_file=str(ca_file or ""), timeout=5)


# --- SMTP -----------------------------------------------------------------------------------

def test_starttls_to_an_untrusted_certificate_is_refused_before_the_password(
    admin_ctx: Context, patient: int, certs: Certs, mail_server: Callable[..., MailServer]
) -> None:
    server = mail_server(tls_context=_server_context(certs.self_signed))
    row = _send_email(admin_ctx, patient, _smtp(server.port, "starttls"))
    assert row.status == "queued" and row.attempts == 1
    assert f"127.0.0.1:{server.port}" in (row.last_error or "")
    assert "自签名证书" in (row.last_error or "") and "密码和邮件没有发送" in (row.last_error or "")
    assert server.auth_commands == [] and server.passwords == [] and server.received == []


def test_starttls_with_the_clinic_ca_delivers(
    admin_ctx: Context, patient: int, certs: Certs, mail_server: Callable[..., MailServer]
) -> None:
    server = mail_server(tls_context=_server_context(certs.localhost), require_starttls=True)
    row = _send_email(admin_ctx, patient, _smtp(server.port, "starttls", certs.ca))
    assert (row.status, row.last_error) == ("sent", None)
    assert server.passwords == [PASSWORD.encode()] and len(server.received) == 1


def test_a_certificate_for_another_host_is_refused_even_from_a_trusted_ca(
    admin_ctx: Context, patient: int, certs: Certs, mail_server: Callable[..., MailServer]
) -> None:
    server = mail_server(tls_context=_server_context(certs.other_host))
    row = _send_email(admin_ctx, patient, _smtp(server.port, "starttls", certs.ca))
    assert "证书不是签发给这个服务器名的" in (row.last_error or "")
    assert server.auth_commands == [] and server.passwords == []


def test_implicit_tls_with_the_clinic_ca_delivers(
    admin_ctx: Context, patient: int, certs: Certs, mail_server: Callable[..., MailServer]
) -> None:
    # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; this socket is TLS throughout.
    server = mail_server(ssl_context=_server_context(certs.localhost), auth_require_tls=False)
    row = _send_email(admin_ctx, patient, _smtp(server.port, "ssl", certs.ca))
    assert (row.status, row.last_error) == ("sent", None)
    assert server.passwords == [PASSWORD.encode()] and len(server.received) == 1


def test_starttls_is_required_when_the_server_does_not_offer_it(
    admin_ctx: Context, patient: int, mail_server: Callable[..., MailServer]
) -> None:
    server = mail_server(auth_require_tls=False)  # would take the password in the clear
    row = _send_email(admin_ctx, patient, _smtp(server.port, "starttls"))
    assert "不支持 STARTTLS" in (row.last_error or "")
    assert server.auth_commands == [] and server.passwords == []


def test_no_encryption_is_refused_before_connecting_to_another_host(
    admin_ctx: Context, patient: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    connects: list[object] = []

    def no_network(address: object, *args: object, **kwargs: object) -> socket.socket:
        connects.append(address)
        raise OSError("the test allows no connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    row = _send_email(admin_ctx, patient, _smtp(25, "none", host="mail.example.invalid"))
    assert connects == []
    assert "mail.example.invalid:25" in (row.last_error or "")
    assert "不能使用“无加密”" in (row.last_error or "")


def test_no_encryption_to_this_computer_is_allowed(
    admin_ctx: Context, patient: int, mail_server: Callable[..., MailServer]
) -> None:
    server = mail_server(auth_require_tls=False)
    row = _send_email(admin_ctx, patient, _smtp(server.port, "none", host="localhost"))
    assert (row.status, row.last_error) == ("sent", None)
    assert server.passwords == [PASSWORD.encode()]


def test_settings_validate_the_security_mode_and_the_ca_file(
    admin_ctx: Context, certs: Certs, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="不在本机") as refused:
        save_channels(admin_ctx, ChannelSettings(smtp_host="smtp.example.com", smtp_port=25,
                                                 smtp_security="none"))
    assert refused.value.field == "smtp_security"
    with pytest.raises(UserError, match="找不到 CA 证书文件") as missing:
        save_channels(admin_ctx, ChannelSettings(ca_file=str(tmp_path / "nope.pem")))
    assert missing.value.field == "ca_file"
    der = tmp_path / "ca.der"
    der.write_bytes(b"\x30\x82\x01\x0a not a pem")
    with pytest.raises(UserError, match="不是 PEM 格式的证书") as not_pem:
        save_channels(admin_ctx, ChannelSettings(ca_file=str(der)))
    assert not_pem.value.field == "ca_file"
    good = ChannelSettings(smtp_host="mail.clinic.lan", smtp_port=465, smtp_security="ssl",
                           smtp_from="clinic@example.com", ca_file=str(certs.ca))
    save_channels(admin_ctx, good)
    assert read_channels(admin_ctx) == good


def test_settings_from_before_the_security_mode_keep_plain_text_as_none(
    admin_ctx: Context
) -> None:
    with admin_ctx.transaction(write=True) as session:
        write_setting(session, "messages.channels",
                      {"smtp_host": "localhost", "smtp_port": 25, "smtp_starttls": False})
    assert read_channels(admin_ctx).smtp_security == "none"


# --- SMS gateway ----------------------------------------------------------------------------

def test_urls_are_redacted_for_logs() -> None:
    url = f"https://user:{SECRET}@sms.example.com:8443/send?apikey={SECRET}#{SECRET}"
    assert redact_url(url) == "https://sms.example.com:8443/send?…"
    assert SECRET not in scrub(f"failed: {url!r} and {SECRET}", url)
    assert redact_url("https://sms.example.com/send") == "https://sms.example.com/send"


@dataclass
class Gateway:
    url: str
    seen: list[str]  # the Authorization header of every request that arrived


@pytest.fixture
def gateway() -> Iterator[Callable[..., Gateway]]:
    """Local HTTP(S) gateways answering ``status`` (and ``location`` for a redirect)."""
    servers: list[HTTPServer] = []

    def start(status: int = 200, location: str = "", tls: ssl.SSLContext | None = None,
              query: str = "") -> Gateway:
        seen: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                seen.append(self.headers.get("Authorization", ""))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET = _answer  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        scheme = "https" if tls else "http"
        return Gateway(f"{scheme}://localhost:{server.server_port}/send{query}", seen)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def log_file(data_dir: DataDir) -> Iterator[Path]:
    """The app's log file in the data folder, as the GUI and the CLI set it up."""
    root = logging.getLogger()
    level = root.level
    path = logs.setup_logging(data_dir.ensure().logs)
    yield path
    if logs._handler is not None:
        root.removeHandler(logs._handler)
        logs._handler.close()
        logs._handler = None
    root.setLevel(level)


def test_the_gateway_url_query_never_reaches_audit_failures_or_logs(
    admin_ctx: Context, patient: int, gateway: Callable[..., Gateway], log_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    save_channels(admin_ctx, ChannelSettings(sms_url=f"https://sms.example.com/send?apikey={SECRET}"))
    credentials.set_secret("sms_token", "t0ken", session_only=True)
    try:
        messages.queue_message(admin_ctx, patient, template_key="reminder", channel="sms")
        failing = gateway(500, query=f"?apikey={SECRET}")
        closed_port = f"http://127.0.0.1:{free_port()}/send?apikey={SECRET}"
        reasons = []
        for url in (failing.url, closed_port):
            save_channels(admin_ctx, ChannelSettings(sms_url=url))
            assert messages.send_pending(admin_ctx, messages.sender_for(admin_ctx, "sms")) == (
                0, 1)
            reasons.append(messages.outbox(admin_ctx)[0].last_error or "")
        # An unusable URL: http.client's own error would quote it.
        messages.send_pending(admin_ctx, SmsGatewaySender(failing.url + " x", "t0ken"))
        reasons.append(messages.outbox(admin_ctx)[0].last_error or "")
    finally:
        credentials.forget_secret("sms_token")
    assert failing.seen == ["Bearer t0ken"]
    assert "返回错误 500" in reasons[0] and "/send?…" in reasons[0]
    assert "无法连接短信网关" in reasons[1]
    with admin_ctx.transaction() as session:
        audit = list(session.execute(select(AuditEntry.summary)).scalars())
    assert any("sms=https://sms.example.com/send?…" in summary for summary in audit)
    for text in (*reasons, *audit, caplog.text, log_file.read_text(encoding="utf-8")):
        assert SECRET not in text
    assert "attempt failed" in log_file.read_text(encoding="utf-8")


def test_the_gateway_must_be_https_unless_it_is_on_this_computer(
    admin_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(UserError, match="请使用 https://") as refused:
        save_channels(admin_ctx, ChannelSettings(sms_url=f"http://sms.example.com/s?k={SECRET}"))
    assert refused.value.field == "sms_url" and SECRET not in refused.value.message
    monkeypatch.setattr(socket, "create_connection", pytest.fail)
    message = messages.OutboxInfo(1, 1, "sms", "13800138000", "您好", "sending", 1, None,
                                  admin_ctx.now(), None)
    with pytest.raises(UserError, match="请使用 https://"):
        SmsGatewaySender("http://sms.example.com/send", "t0ken").send(message)
    save_channels(admin_ctx, ChannelSettings(sms_url="http://127.0.0.1:8080/send"))


def test_a_redirect_never_carries_the_token_elsewhere(
    admin_ctx: Context, patient: int, gateway: Callable[..., Gateway]
) -> None:
    thief = gateway(200)
    first = gateway(302, location=thief.url)
    messages.queue_message(admin_ctx, patient, template_key="reminder", channel="sms")
    assert messages.send_pending(admin_ctx, SmsGatewaySender(first.url, "t0ken")) == (0, 1)
    assert thief.seen == [] and "返回错误 302" in (messages.outbox(admin_ctx)[0].last_error or "")


def test_https_gateway_certificates_are_verified_and_the_clinic_ca_trusted(
    admin_ctx: Context, patient: int, certs: Certs, gateway: Callable[..., Gateway]
) -> None:
    server = gateway(200, tls=_server_context(certs.localhost))
    messages.queue_message(admin_ctx, patient, template_key="reminder", channel="sms")
    assert messages.send_pending(admin_ctx, SmsGatewaySender(server.url, "t0ken")) == (0, 1)
    assert server.seen == []
    assert "找不到签发这张证书的受信任机构" in (messages.outbox(admin_ctx)[0].last_error or "")
    trusted = SmsGatewaySender(server.url, "t0ken", ca_file=str(certs.ca))
    assert messages.send_pending(admin_ctx, trusted) == (1, 0)
    assert server.seen == ["Bearer t0ken"]
