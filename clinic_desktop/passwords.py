"""Password hashing (argon2id) and the password policy.

The policy: at least ``MIN_PASSWORD_LENGTH`` characters, no space at either end, not the user
name or a password containing it, and not one of the most common passwords (the list ships in
``resources/passwords/common_passwords.txt``). Every rule is checked case-insensitively, since
someone guessing tries ``Admin`` as readily as ``admin``.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.package_data import resource

MIN_PASSWORD_LENGTH = 8
# A user name this short ("li") is too likely to turn up inside a good password by chance to
# forbid it there; it is still refused as the whole password. (Windows' complexity rule makes
# the same exception.)
MIN_USERNAME_TO_SEARCH = 3
COMMON_PASSWORDS = "passwords/common_passwords.txt"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, case-folded; read once."""
    text = resource(COMMON_PASSWORDS).read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def check_password_policy(password: str, *, username: str, field: str = "password") -> None:
    """Refuse a password that breaks a rule, naming the rule; ``username`` is the account's
    (required, so no caller can forget the rule about it)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _("密码至少需要 {n} 个字符。", n=MIN_PASSWORD_LENGTH), field=field
        )
    if password.strip() != password:
        raise UserError(_("密码开头或结尾不能是空格。"), field=field)
    folded, name = password.casefold(), username.strip().casefold()
    if name and (folded == name or (len(name) >= MIN_USERNAME_TO_SEARCH and name in folded)):
        raise UserError(_("密码不能包含用户名“{name}”，请换一个。", name=username.strip()),
                        field=field)
    if folded in common_passwords():
        raise UserError(_("密码太常见，很容易被猜到，请换一个。"), field=field)
