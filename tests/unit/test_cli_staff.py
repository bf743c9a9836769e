"""``clinic-desktop staff``: reset a password (the way back in for a forgotten administrator
password) and require a new one at the next sign-in, from the command line."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_desktop.cli import EXIT_OK, EXIT_UNUSABLE, main
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.errors import AuthenticationFailed
from clinic_desktop.services.audit_log import list_entries
from clinic_desktop.services.auth import password_change_required, sign_in
from tests.conftest import ADMIN_PASSWORD, FIXED_NOW


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--lang", "zh_CN", *argv], out=out, clock=FixedClock(FIXED_NOW))
    return code, out.getvalue()


State = Callable[[str], tuple[bool, bool, str]]


@pytest.fixture
def clinic(admin_ctx: Context, cli_database: list[str]) -> list[str]:
    """The options naming a set-up clinic whose administrator is ``admin`` (the test's own
    connection stays open beside the commands', as the app's would)."""
    return cli_database


@pytest.fixture
def state(admin_ctx: Context) -> State:
    """(``admin`` signs in with this password, must then change it, the newest audit
    entry's action before that sign-in)."""

    def read(password: str) -> tuple[bool, bool, str]:
        newest = list_entries(admin_ctx, limit=1)[0].action
        try:
            actor = sign_in(admin_ctx.db, username="admin", password=password,
                            clock=admin_ctx.clock)
        except AuthenticationFailed:
            return False, False, newest
        return True, password_change_required(admin_ctx.db, actor.staff_id), newest

    return read


def test_reset_password_from_a_file_requires_a_change_unless_told_not_to(
        clinic: list[str], state: State, tmp_path: Path) -> None:
    new = tmp_path / "pw.txt"
    new.write_text("forgot-it-2026\n", encoding="utf-8")
    code, out = run(*clinic, "staff", "reset-password", "ADMIN",
                    "--password-file", str(new))
    assert code == EXIT_OK
    assert out == "admin 的密码已重置，账号锁定已解除；下次登录时需要设置新密码。\n"
    assert state("forgot-it-2026") == (True, True, "staff.reset_password")

    new.write_text("forgot-it-2027\n", encoding="utf-8")
    code, out = run(*clinic, "staff", "reset-password", "admin",
                    "--password-file", str(new), "--no-must-change")
    assert code == EXIT_OK and out == "admin 的密码已重置，账号锁定已解除。\n"
    # (the sign-in above is the newest entry now)
    assert state("forgot-it-2027")[:2] == (True, False)


def test_require_change_and_undo(clinic: list[str], state: State) -> None:
    code, out = run(*clinic, "staff", "require-change", "admin")
    assert (code, out) == (EXIT_OK, "admin 下次登录时需要设置新密码。\n")
    assert state(ADMIN_PASSWORD) == (True, True, "staff.require_password_change")
    code, out = run(*clinic, "staff", "require-change", "admin", "--undo")
    assert (code, out) == (EXIT_OK, "已取消：admin 下次登录时不必修改密码。\n")
    assert state(ADMIN_PASSWORD)[:2] == (True, False)


def test_refusals_exit_2_with_one_line_and_change_nothing(
        clinic: list[str], state: State, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("iloveyou\n", encoding="utf-8")
    for argv, words in [
        (("reset-password", "admin", "--password-file", str(weak)), "太常见"),
        (("reset-password", "ghost", "--password-file", str(weak)), "没有用户名为“ghost”"),
        (("require-change", "ghost"), "没有用户名为“ghost”"),
        (("reset-password", "admin", "--password-file", str(tmp_path / "none.txt")),
         "找不到密码文件"),
    ]:
        assert run(*clinic, "staff", *argv)[0] == EXIT_UNUSABLE
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal to ask on
    assert run(*clinic, "staff", "reset-password", "admin")[0] == EXIT_UNUSABLE
    assert "--password-file" in capsys.readouterr().err
    assert state(ADMIN_PASSWORD)[:2] == (True, False)


def test_the_new_password_can_be_typed_twice_on_a_terminal(
        clinic: list[str], state: State, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["typed-pass-1", "typed-pass-1"])
    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run(*clinic, "staff", "reset-password", "admin")[0] == EXIT_OK
    assert state("typed-pass-1")[:2] == (True, True)
