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

import json
import os
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from clinic_desktop.credentials import get_secret, set_secret
from clinic_desktop.errors import EnvironmentProblem, UserError
from clinic_desktop.i18n import _
from clinic_desktop.paths import DataDir

if TYPE_CHECKING:
    from clinic_desktop.storage.migrate import SchemaState

ENV_DATABASE_URL = "CLINIC_DESKTOP_DATABASE_URL"
SAVED_FILE = "server.json"
CONNECT_TIMEOUT = 10  # seconds: a wrong host answers with a sentence, not a hang
DRIVER = "postgresql+psycopg"
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def given_url(option: str | None, data_dir: DataDir | None = None) -> str | None:
    """The URL from the command line, else the environment, else what the 连接服务器 dialog
    saved for this workstation; None: the data folder's SQLite file."""
    return option or os.environ.get(ENV_DATABASE_URL) or (
        saved_url(data_dir) if data_dir is not None else None)


def saved_url(data_dir: DataDir) -> str | None:
    """The server this workstation was connected to in the GUI (``server.json`` in the data
    folder: the URL only, never the password)."""
    try:
        data = json.loads((data_dir.root / SAVED_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise EnvironmentProblem(_("无法读取服务器设置 {path}：{reason}",
                                   path=data_dir.root / SAVED_FILE, reason=exc)) from exc
    url = data.get("url") if isinstance(data, dict) else None
    return str(url) if url else None


def save_url(data_dir: DataDir, url: str) -> None:
    """Remember the server for this workstation's next starts (without the password)."""
    plain = without_password(parse(url)).render_as_string(hide_password=False)
    path = data_dir.ensure().root / SAVED_FILE
    path.write_text(json.dumps({"url": plain.replace(DRIVER, "postgresql", 1)}),
                    encoding="utf-8")


def try_login(url: URL) -> SchemaState | None:
    """The server's schema state with these credentials (None: an empty database); a refused
    login or an unreachable server is a sentence, and nothing is stored."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError

    from clinic_desktop.storage.migrate import schema_state

    engine = create_engine(with_tls(url), future=True,
                           connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        with engine.connect() as connection:
            state = schema_state(connection)
    except DBAPIError as exc:
        raise EnvironmentProblem(_("无法连接数据库服务器：{reason}",
                                   reason=str(exc.orig).strip())) from exc
    finally:
        engine.dispose()
    return state if state.current is not None else None


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


def without_password(url: URL) -> URL:
    """``url`` with no password (``URL.set(password=None)`` would keep it: None there means
    "unchanged")."""
    return url._replace(password=None)


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
