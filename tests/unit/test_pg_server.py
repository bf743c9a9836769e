"""A clinic on a PostgreSQL server: the URL, the password in the keyring, TLS, and the
commands (connect, setup, check, import) against a real server."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import make_url

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.errors import UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.storage import server
from tests.conftest import FIXED_NOW
from tests.unit.test_messages import MemoryKeyring


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


def test_a_remote_server_is_verified_over_tls_unless_the_url_says_otherwise() -> None:
    remote = make_url(server.connection_url("postgresql://clinic@db.example.cn/clinic"))
    assert remote.drivername == "postgresql+psycopg"
    assert remote.query == {"sslmode": "verify-full", "sslrootcert": "system"}
    own = make_url(server.connection_url(
        "postgresql://clinic@10.0.0.5/clinic?sslmode=verify-ca&sslrootcert=/etc/ca.pem"))
    assert own.query == {"sslmode": "verify-ca", "sslrootcert": "/etc/ca.pem"}
    for local in ("localhost", "127.0.0.1"):
        assert make_url(server.connection_url(f"postgresql://c@{local}/clinic")).query == {}


def test_the_password_comes_from_the_keyring_and_is_never_shown(
    memory_keyring: MemoryKeyring
) -> None:
    url = "postgresql://clinic@db.example.cn:5433/clinic"
    assert make_url(server.connection_url(url)).password is None
    assert server.remember_password(url, "pa:ss/word")
    assert memory_keyring.store == {
        ("ClinicDesktop", "database:clinic@db.example.cn:5433/clinic"): "pa:ss/word"}
    assert make_url(server.connection_url(url)).password == "pa:ss/word"
    assert "pa:ss" not in server.shown("postgresql://clinic:pa:ss@h/clinic")


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite:///x.db", "postgresql://h/db",
                                 "not a url"])
def test_only_postgresql_urls_naming_user_and_database_are_taken(url: str) -> None:
    with pytest.raises(UserError) as refused:
        server.parse(url)
    assert refused.value.field == "database-url"


@pytest.mark.postgresql
def test_connect_stores_the_password_and_the_clinic_works_on_the_server(
    pg_url: str, memory_keyring: MemoryKeyring, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text("db-pass\n", encoding="utf-8")
    url = make_url(pg_url).set(drivername="postgresql").render_as_string()
    folder = str(tmp_path / "local")
    code, out = run("--data-dir", folder, "connect", url, "--password-file", str(secret))
    assert code == EXIT_OK, out
    assert "数据库是空的" in out
    assert list(memory_keyring.store.values()) == ["db-pass"]

    admin = tmp_path / "admin.txt"
    admin.write_text("s3cret-pass\n", encoding="utf-8")
    code, out = run("--data-dir", folder, "--database-url", url, "setup", "--clinic-name",
                    "仁爱口腔", "--admin", "boss", "--password-file", str(admin))
    assert code == EXIT_OK, out
    assert not DataDir(Path(folder)).database.exists()  # nothing went to the folder

    # Any number of copies at once: no folder lock on a server (the environment names it).
    monkeypatch.setenv(server.ENV_DATABASE_URL, url)
    code, out = run("--data-dir", folder, "check")
    assert code == EXIT_OK, out
    assert "审计日志完整" in out and "余额核对无误" in out

    legacy = tmp_path / "legacy.csv"
    legacy.write_text("姓名,手机\n张三,13800138000\n李四,13900139000\n", encoding="utf-8")
    code, out = run("--data-dir", folder, "import", str(legacy))
    assert code == EXIT_OK, out
    code, out = run("--data-dir", folder, "check")
    assert code == EXIT_OK, out


@pytest.mark.postgresql
@pytest.mark.parametrize("command", [["backup"], ["restore", "x.sqlite3"], ["encrypt"]])
def test_file_commands_say_they_are_not_for_a_server(
    pg_url: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out = run("--data-dir", str(tmp_path), "--database-url", pg_url, *command)
    assert code == EXIT_UNUSABLE
    assert "PostgreSQL 服务器上暂不支持" in capsys.readouterr().err
