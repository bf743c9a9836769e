"""Where a clinic's PostgreSQL server is, and how a workstation signs in to it.

The URL (``--database-url`` or ``CLINIC_DESKTOP_DATABASE_URL``) never carries the password in
a file or a setting: ``clinic-desktop connect URL`` puts it in the OS keyring under the URL's
user, host, port and database, and opening a URL without a password takes it from there
(else libpq's own ``PGPASSWORD`` / ``~/.pgpass`` apply). A server that is not on this computer
is reached over TLS with its certificate and host name verified (``sslmode=verify-full``
against the system's certificate authorities) unless the URL says otherwise, as the SMTP
client does.
"""

from __future__ import annotations

import os

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from clinic_desktop.credentials import get_secret, set_secret
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _

ENV_DATABASE_URL = "CLINIC_DESKTOP_DATABASE_URL"
DRIVER = "postgresql+psycopg"
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def given_url(option: str | None) -> str | None:
    """The URL from the command line, else from the environment; None: the data folder."""
    return option or os.environ.get(ENV_DATABASE_URL) or None


def parse(url: str) -> URL:
    """A PostgreSQL URL in SQLAlchemy's form with psycopg 3 as the driver; refused (naming
    ``--database-url``) when it is not one."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UserError(_("--database-url 不是数据库地址：{url}", url=url),
                        field="database-url") from exc
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise UserError(_("--database-url 只支持 PostgreSQL（postgresql://用户@服务器/数据库），"
                          "不是“{scheme}”。", scheme=parsed.drivername), field="database-url")
    if not parsed.database or not parsed.username:
        raise UserError(_("--database-url 要写明用户和数据库：postgresql://用户@服务器/数据库。"),
                        field="database-url")
    return parsed.set(drivername=DRIVER)


def secret_name(url: URL) -> str:
    """The keyring entry of a server login: who, where, which database (never the password)."""
    return f"database:{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def is_local(url: URL) -> bool:
    return (url.host or "") in _LOCAL_HOSTS or (url.host or "").startswith("/")


def with_tls(url: URL) -> URL:
    """A remote server's certificate is checked unless the URL chose its own ``sslmode``."""
    if is_local(url) or "sslmode" in url.query:
        return url
    extra = {"sslmode": "verify-full"}
    if "sslrootcert" not in url.query:
        extra["sslrootcert"] = "system"  # the OS's CA list (libpq 16+; psycopg's own is 17+)
    return url.update_query_dict(extra)


def connection_url(url: str) -> str:
    """What the engine connects with: driver, password from the keyring, TLS settings."""
    parsed = with_tls(parse(url))
    if parsed.password is None:
        stored = get_secret(secret_name(parsed))
        if stored is not None:
            parsed = parsed.set(password=stored)
    return parsed.render_as_string(hide_password=False)


def remember_password(url: str, password: str) -> bool:
    """Keep a server password in the keyring; False when this computer has none."""
    return set_secret(secret_name(parse(url)), password)


def shown(url: str) -> str:
    """The URL as it may be printed or logged: without its password."""
    return parse(url).render_as_string(hide_password=True).replace(DRIVER, "postgresql", 1)
