"""A real PostgreSQL for the tests: a given server, or a throw-away cluster of our own.

``CLINIC_TEST_PG_URL`` (a role allowed to CREATE DATABASE, e.g.
``postgresql://postgres@127.0.0.1:5432/postgres``) names a server to use. Otherwise, when
PostgreSQL's programs are installed, ``start_cluster`` runs ``initdb`` and ``pg_ctl`` in a temp
folder on a free local port (as the ``postgres`` user when we are root: both refuse root) and
``stop`` removes it again. Tests get databases copied from migrated templates
(``CREATE DATABASE … TEMPLATE``: ~50 ms, where migrating costs seconds).

No mock and no SQLite stand-in: when neither is available the PostgreSQL tests are skipped
with ``UNAVAILABLE``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

from tests.net import free_port

ENV_URL = "CLINIC_TEST_PG_URL"
UNAVAILABLE = ("PostgreSQL is not installed (no initdb/pg_ctl found) and CLINIC_TEST_PG_URL "
               "is not set: the PostgreSQL tests are not run")


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (Debian keeps them off the PATH)."""
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def available() -> bool:
    return bool(os.environ.get(ENV_URL)) or find_bin_dir() is not None



@dataclass
class PgServer:
    """A server the tests may create and drop databases on."""

    admin_url: URL
    _stop: Callable[[], None] | None = None
    _prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}")
    _count: int = 0
    _made: list[str] = field(default_factory=list)

    def url_for(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _admin(self, *statements: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def terminate(self, pid: int, *, wait_ms: int = 0) -> bool:
        """End the server process ``pid`` (a workstation's connection dropped by the server,
        as a restart or a network cut would); whether there was one. ``wait_ms``: wait that
        long for it to be gone."""
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                return bool(connection.execute(text("SELECT pg_terminate_backend(:pid, :wait)"),
                                               {"pid": pid, "wait": wait_ms}).scalar())
        finally:
            engine.dispose()

    def create_database(self, *, template: str | None = None, name: str | None = None) -> str:
        """A new empty (or template-copied) database; its name."""
        self._count += 1
        name = name or f"{self._prefix}_{self._count}"
        source = f" TEMPLATE {template}" if template else " TEMPLATE template0"
        self._admin(f"CREATE DATABASE {name}{source} ENCODING 'UTF8'")
        self._made.append(name)
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        with contextlib.suppress(ValueError):
            self._made.remove(name)

    def stop(self) -> None:
        """Drop what we made on a given server; stop and remove our own cluster."""
        if self._stop is not None:
            self._stop()
            return
        for name in list(self._made):
            with contextlib.suppress(Exception):
                self.drop_database(name)


def start_cluster(bin_dir: Path) -> PgServer:
    """initdb + pg_ctl start in a fresh temp folder on a free port; fsync off (throw-away)."""
    root = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres") if _has_user("postgres") else pwd.getpwnam("nobody")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", user.pw_name, "--"]
    data, port = root / "data", free_port()

    # The server is another machine in real life: it keeps the real clock even when the
    # suite runs a year ahead under faketime (faked, its lock_timeout never fires).
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("LD_PRELOAD", "FAKETIME", "FAKETIME_NO_CACHE",
                                  "DONT_FAKE_MONOTONIC")}

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=root, env=environment)

    run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
        "--locale=C.UTF-8", "--no-sync")
    options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
        "-w", "start")

    def stop() -> None:
        try:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)

    url = URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1", port=port,
                     database="postgres")
    return PgServer(admin_url=url, _stop=stop)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def connect_server() -> PgServer | None:
    """The given server, else a cluster of our own, else None (not installed)."""
    given = os.environ.get(ENV_URL)
    if given:
        url = make_url(given)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return PgServer(admin_url=url)
    bin_dir = find_bin_dir()
    return start_cluster(bin_dir) if bin_dir is not None else None
