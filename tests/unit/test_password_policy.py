"""The password policy: length, spaces, the user name, the list of common passwords."""

from __future__ import annotations

import pytest

from clinic_desktop.errors import UserError
from clinic_desktop.passwords import (
    MIN_PASSWORD_LENGTH,
    check_password_policy,
    common_passwords,
)

TOO_SHORT = f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
SPACES = "密码开头或结尾不能是空格。"
COMMON = "密码太常见，很容易被猜到，请换一个。"


def _username(name: str) -> str:
    return f"密码不能包含用户名“{name}”，请换一个。"


@pytest.mark.parametrize(
    ("password", "username", "message"),
    [
        ("", "nurse.a", TOO_SHORT),
        ("a1b2c3d", "nurse.a", TOO_SHORT),  # 7: one short of the minimum
        (" leading-space", "nurse.a", SPACES),
        ("trailing-space ", "nurse.a", SPACES),
        ("nurse.zhou", "nurse.zhou", _username("nurse.zhou")),
        ("NURSE.ZHOU", "nurse.zhou", _username("nurse.zhou")),  # case does not matter
        ("x-Dr.Wang-2026", "dr.wang", _username("dr.wang")),  # inside the password
        ("boss2026!", " Boss ", _username("Boss")),  # the name as typed, trimmed
        ("li", "li", TOO_SHORT),  # length is checked first
        ("password", "nurse.a", COMMON),
        ("PassWord", "nurse.a", COMMON),  # the list is compared case-insensitively
        ("Password1", "nurse.a", COMMON),
        ("qwerty123", "nurse.a", COMMON),
        ("12345678", "nurse.a", COMMON),
        ("iloveyou", "nurse.a", COMMON),
        ("WoAiNi1314", "nurse.a", COMMON),  # the Chinese additions
        ("5201314520", "nurse.a", COMMON),
        ("qq123456", "nurse.a", COMMON),
    ],
)
def test_each_rule_refuses_with_a_sentence_naming_the_field(
        password: str, username: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        check_password_policy(password, username=username)
    assert caught.value.message == message
    assert caught.value.field == "password"
    with pytest.raises(UserError) as caught:
        check_password_policy(password, username=username, field="new_password")
    assert caught.value.field == "new_password"


@pytest.mark.parametrize(
    ("password", "username"),
    [
        ("a1b2c3d4", "nurse.a"),  # exactly the minimum
        ("pass1234", "admin"),
        ("s3cret-pass", "admin"),
        ("olive-tree-9", "li"),  # a two-letter name may turn up inside a good password
        ("牙科诊所2026春", "admin"),  # any characters count
        ("nurse.a is me", "nurse.b"),
    ],
)
def test_good_passwords_pass(password: str, username: str) -> None:
    check_password_policy(password, username=username)


def test_the_list_is_the_published_top_thousand_plus_chinese_favourites() -> None:
    listed = common_passwords()
    assert len(listed) > 1000
    # The first and last entries of SecLists' list, and some of the Chinese additions.
    assert {"123456", "password", "freepass", "5201314", "woaini1314", "7758521"} <= listed
    assert all(entry == entry.strip().casefold() and entry for entry in listed)
    assert not any(entry.startswith("#") for entry in listed)
