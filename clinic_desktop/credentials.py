"""Secrets (mail and SMS passwords, gateway tokens) in the OS keyring, never in files.

Headless Linux often has no keyring at all (``NoKeyringError``): that is a normal case. The
caller can then keep a secret for this run only, in memory, and the UI says so.
"""

from __future__ import annotations

import contextlib

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

SERVICE = "ClinicDesktop"
_session_only: dict[str, str] = {}


def secure_store_available() -> bool:
    try:
        backend = keyring.get_keyring()
    except KeyringError:
        return False
    return getattr(backend, "priority", 0) > 0 and "fail" not in type(backend).__module__


def set_secret(name: str, value: str, *, session_only: bool = False) -> bool:
    """Store ``value``; returns False when it could only be kept for this run."""
    if not session_only:
        try:
            keyring.set_password(SERVICE, name, value)
            _session_only.pop(name, None)
            return True
        except (NoKeyringError, KeyringError):
            pass
    _session_only[name] = value
    return False


def get_secret(name: str) -> str | None:
    if name in _session_only:
        return _session_only[name]
    try:
        value: str | None = keyring.get_password(SERVICE, name)
        return value
    except (NoKeyringError, KeyringError):
        return None


def forget_secret(name: str) -> None:
    _session_only.pop(name, None)
    with contextlib.suppress(NoKeyringError, KeyringError, PasswordDeleteError):
        keyring.delete_password(SERVICE, name)
