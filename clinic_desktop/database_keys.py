"""The key that encrypts a clinic's database (SQLCipher), its attachments and its backups.

One secret policy, the same as the audit key's (``audit_keys``): the OS keyring when there is
one; where there is none, a key file readable only by the user, in the user's configuration
folder, never in the data folder (a copy of the data folder does not carry its key); and when
the keyring refuses and no key file can be written, a passphrase asked at every start, never
stored: the key is kept in the data folder only wrapped with it (scrypt + AES-GCM).

For scripted and unattended use, ``--key-file FILE`` (``CLINIC_DESKTOP_KEY_FILE``) names a file
holding the recovery key, and wins over everything else.

The data folder holds ``clinic.keyinfo.json``: which key the database needs (its fingerprint,
never the key) and, in the passphrase case, the wrapped key. The **recovery key** is the key
itself written for people: shown at setup, printed and put away; ``unlock`` stores it again
when the keyring is lost (a new PC, a re-installed system).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import keyring
import platformdirs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from keyring.errors import KeyringError, NoKeyringError

from clinic_desktop.audit_keys import ENV_KEY_DIR
from clinic_desktop.credentials import secure_store_available
from clinic_desktop.errors import UserError
from clinic_desktop.i18n import _
from clinic_desktop.paths import DataDir

log = logging.getLogger(__name__)

ENV_KEY_FILE = "CLINIC_DESKTOP_KEY_FILE"
KEY_BYTES = 32  # AES-256 for SQLCipher and the attachments
KEYRING_SERVICE = "ClinicDesktop database"
KEY_INFO_NAME = "clinic.keyinfo.json"
_CHECK_BYTES = 2  # a checksum inside the recovery key: a typo is caught, not tried as a key
_GROUP = 5
# scrypt at 2^15 × 8: about 0.1 s and 32 MiB per try on a clinic PC, costly to guess offline.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2 ** 15, 8, 1


class StoredIn(StrEnum):
    KEYRING = "keyring"
    KEY_FILE = "key_file"
    PASSPHRASE = "passphrase"


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(b"clinic-desktop database key id\x00" + key).hexdigest()[:16]


# -- the recovery key: the key written for people -------------------------------------------
def recovery_text(key: bytes) -> str:
    """``key`` as 11 groups of 5 letters and digits (base32 with a checksum)."""
    check = hashlib.sha256(key).digest()[:_CHECK_BYTES]
    letters = base64.b32encode(key + check).decode("ascii").rstrip("=")
    return "-".join(letters[i:i + _GROUP] for i in range(0, len(letters), _GROUP))


def parse_recovery_text(text: str, *, field: str = "recovery_key") -> bytes:
    """The key written in ``text``; forgiving of case, spaces, dashes and 0/1/8 read as O/I/B."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    wrong = UserError(_("恢复密钥不正确：请核对打印的恢复密钥（共 11 组，每组 5 个字符）。"),
                      field=field)
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:
        raise wrong from exc
    key, check = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if len(key) != KEY_BYTES or check != hashlib.sha256(key).digest()[:_CHECK_BYTES]:
        raise wrong
    return key


def read_key_text_file(path: Path, *, field: str = "key_file") -> bytes:
    """A file holding a recovery key (``--key-file``, ``unlock --recovery-key-file``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(_("无法读取密钥文件 {path}：{reason}", path=path, reason=exc),
                        field=field) from exc
    return parse_recovery_text(text, field=field)


# -- where the key is kept ------------------------------------------------------------------
def key_dir() -> Path:
    """Key files: the user's configuration folder (the tests' own folder under the env)."""
    from_env = os.environ.get(ENV_KEY_DIR)
    if from_env:
        return Path(from_env).expanduser() / "database"
    return Path(platformdirs.user_config_dir("ClinicDesktop", appauthor=False)) / "database-keys"


@dataclass(frozen=True)
class KeyInfo:
    """What the data folder says about its key (``clinic.keyinfo.json``)."""

    key_id: str
    stored_in: StoredIn
    wrapped: dict[str, str] | None = None  # the passphrase envelope, hex fields
    # The key before a ``rekey`` (kept where it was): it opens the file until the new one is
    # in place, and the backups made before.
    previous: tuple[str, StoredIn] | None = None


def key_info_path(data_dir: DataDir) -> Path:
    return data_dir.root / KEY_INFO_NAME


def read_key_info(data_dir: DataDir) -> KeyInfo | None:
    try:
        data = json.loads(key_info_path(data_dir).read_text(encoding="utf-8"))
        wrapped = data.get("wrapped")
        previous = data.get("previous")
        return KeyInfo(key_id=str(data["key_id"]), stored_in=StoredIn(data["stored_in"]),
                       wrapped=dict(wrapped) if isinstance(wrapped, dict) else None,
                       previous=(str(previous["key_id"]), StoredIn(previous["stored_in"]))
                       if isinstance(previous, dict) else None)
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("unreadable %s: %s", key_info_path(data_dir), exc)
        return None


def _write_private(path: Path, text: str) -> None:
    """Written under a temporary name, owner-only, then renamed: never readable by others,
    never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_key_info(data_dir: DataDir, info: KeyInfo) -> None:
    payload: dict[str, Any] = {"key_id": info.key_id, "stored_in": str(info.stored_in)}
    if info.wrapped is not None:
        payload["wrapped"] = info.wrapped
    if info.previous is not None:
        payload["previous"] = {"key_id": info.previous[0], "stored_in": str(info.previous[1])}
    _write_private(key_info_path(data_dir), json.dumps(payload, indent=1))


def _key_file(key_id: str) -> Path:
    return key_dir() / f"{key_id}.key"


def _kek(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P).derive(
        passphrase.encode("utf-8"))


def wrap_key(key: bytes, passphrase: str) -> dict[str, str]:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_kek(passphrase, salt)).encrypt(nonce, key, key_id_of(key).encode())
    return {"kdf": "scrypt", "n": str(_SCRYPT_N), "salt": salt.hex(), "nonce": nonce.hex(),
            "sealed": sealed.hex()}


def unwrap_key(info: KeyInfo, passphrase: str) -> bytes | None:
    """The key from the passphrase envelope; None for a wrong passphrase."""
    if info.wrapped is None:
        return None
    try:
        wrapped = info.wrapped
        key = AESGCM(_kek(passphrase, bytes.fromhex(wrapped["salt"]))).decrypt(
            bytes.fromhex(wrapped["nonce"]), bytes.fromhex(wrapped["sealed"]),
            info.key_id.encode())
    except (InvalidTag, KeyError, ValueError):
        return None
    return key if key_id_of(key) == info.key_id else None


class PassphraseNeeded(UserError):
    """The key can only be kept wrapped with a passphrase, and none was given."""


def store_key(data_dir: DataDir, key: bytes, *, passphrase: str | None = None) -> StoredIn:
    """Keep ``key`` by the policy (keyring, else key file, else ``passphrase``) and write the
    data folder's key info. Raises ``UserError`` when only a passphrase is left and none was
    given (the caller asks for one and calls again)."""
    key_id = key_id_of(key)
    text = recovery_text(key)
    previous = _previous_of(read_key_info(data_dir), key_id)
    if secure_store_available():
        try:
            keyring.set_password(KEYRING_SERVICE, key_id, text)
            write_key_info(data_dir, KeyInfo(key_id, StoredIn.KEYRING, previous=previous))
            return StoredIn.KEYRING
        except (NoKeyringError, KeyringError) as exc:
            # A keyring that is there but refuses (locked, access denied) is not bypassed
            # with a file beside it: the clinic is asked for a passphrase instead.
            log.warning("the keyring refused the database key: %s", exc)
            return _store_wrapped(data_dir, key, passphrase)
    try:
        _write_private(_key_file(key_id), text + "\n")
        os.chmod(_key_file(key_id).parent, 0o700)
    except OSError as exc:
        log.warning("no key file for the database key (%s): %s", _key_file(key_id), exc)
        return _store_wrapped(data_dir, key, passphrase)
    write_key_info(data_dir, KeyInfo(key_id, StoredIn.KEY_FILE, previous=previous))
    return StoredIn.KEY_FILE


def _previous_of(before: KeyInfo | None, key_id: str) -> tuple[str, StoredIn] | None:
    """What the key info keeps as the previous key once ``key_id`` is stored: the key it
    replaces (a rekey), unless that one was only behind a passphrase (nothing to load it
    from later); the same key stored again keeps the previous one it had."""
    if before is None:
        return None
    if before.key_id == key_id:
        return before.previous
    if before.stored_in is StoredIn.PASSPHRASE:
        return None
    return before.key_id, before.stored_in


def _store_wrapped(data_dir: DataDir, key: bytes, passphrase: str | None) -> StoredIn:
    if not passphrase:
        raise PassphraseNeeded(_("本机无法保存数据库密钥（密钥环拒绝、密钥文件无法写入）："
                                 "请设置一个启动口令，每次打开诊所时输入。"),
                               field="passphrase")
    write_key_info(data_dir, KeyInfo(key_id_of(key), StoredIn.PASSPHRASE,
                                     wrap_key(key, passphrase)))
    return StoredIn.PASSPHRASE


def find_key(data_dir: DataDir) -> bytes | None:
    """The key without asking anyone: ``--key-file``, then the keyring, then the key file.
    None when only a passphrase (or the recovery key) can give it."""
    from_env = os.environ.get(ENV_KEY_FILE)
    if from_env:
        return read_key_text_file(Path(from_env))
    info = read_key_info(data_dir)
    if info is None:
        return None
    return _load_stored(info.key_id, info.stored_in)


def previous_key(data_dir: DataDir) -> bytes | None:
    """The key before the last ``rekey`` (it opens the backups made before), if kept."""
    info = read_key_info(data_dir)
    if info is None or info.previous is None:
        return None
    return _load_stored(*info.previous)


def _load_stored(key_id: str, stored_in: StoredIn) -> bytes | None:
    if stored_in is StoredIn.KEYRING:
        try:
            text = keyring.get_password(KEYRING_SERVICE, key_id)
        except (NoKeyringError, KeyringError) as exc:
            log.warning("the keyring refused the database key: %s", exc)
            text = None
        return _checked(text, key_id)
    if stored_in is StoredIn.KEY_FILE:
        try:
            text = _key_file(key_id).read_text(encoding="utf-8")
        except OSError:
            return None
        return _checked(text, key_id)
    return None


def _checked(text: str | None, key_id: str) -> bytes | None:
    if not text:
        return None
    try:
        key = parse_recovery_text(text)
    except UserError:
        log.warning("a stored database key is unreadable")
        return None
    return key if key_id_of(key) == key_id else None


def forget_key(data_dir: DataDir) -> None:
    """Remove the stored key (a clinic decrypted or deleted); the key info goes too."""
    info = read_key_info(data_dir)
    if info is None:
        return
    if info.stored_in is StoredIn.KEYRING:
        with contextlib.suppress(NoKeyringError, KeyringError):
            keyring.delete_password(KEYRING_SERVICE, info.key_id)
    _key_file(info.key_id).unlink(missing_ok=True)
    key_info_path(data_dir).unlink(missing_ok=True)
