"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _

MIN_PASSWORD_LENGTH = 6
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_policy(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _("密码至少需要 {n} 个字符。", n=MIN_PASSWORD_LENGTH), field=field
        )
    if password.strip() != password:
        raise UserError(_("密码开头或结尾不能是空格。"), field=field)
