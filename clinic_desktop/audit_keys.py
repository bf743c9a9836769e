"""The per-clinic secret that keys the audit chain, kept outside the database.

A hash chain alone only proves that entries agree with each other: anyone who can edit the
file can recompute every hash with the app's own function. Keyed with a secret the database
never holds, a rewritten entry cannot be given a valid hash. The secret lives in the OS
keyring, or (no keyring, the common case on a headless or kiosk PC) in a key file readable
only by the user, in the user's configuration folder: never in the data folder, so a copy of
the data folder (or a backup) does not carry it.

Keys are identified by a short fingerprint stored with each entry, so a key that was replaced
(a new PC without the old key) leaves the older entries "unverifiable" instead of "altered".
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import platformdirs
from keyring.errors import KeyringError, NoKeyringError

from clinic_desktop.credentials import secure_store_available

log = logging.getLogger(__name__)

ENV_KEY_DIR = "CLINIC_DESKTOP_KEY_DIR"
KEYRING_SERVICE = "ClinicDesktop audit"


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(b"clinic-desktop audit key id\x00" + key).hexdigest()[:16]


def default_key_dir() -> Path:
    from_env = os.environ.get(ENV_KEY_DIR)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_config_dir("ClinicDesktop", appauthor=False)) / "audit-keys"


@dataclass
class AuditKeyStore:
    """The audit keys of one clinic (by its id): every key it ever had, and the current one."""

    clinic_id: str
    key_dir: Path = field(default_factory=default_key_dir)
    use_keyring: bool = field(default_factory=secure_store_available)
    _keys: dict[str, bytes] | None = None
    _current: str | None = None

    @property
    def key_file(self) -> Path:
        return self.key_dir / f"{self.clinic_id}.json"

    def _load(self) -> dict[str, bytes]:
        if self._keys is not None:
            return self._keys
        stored = self._read_keyring() if self.use_keyring else None
        if stored is None:
            stored = self._read_file()
        listed = stored.get("keys")
        keys = ({str(kid): bytes.fromhex(str(hexkey)) for kid, hexkey in listed.items()}
                if isinstance(listed, dict) else {})
        current = stored.get("current")
        self._keys, self._current = keys, current if isinstance(current, str) else None
        return keys

    def key(self, key_id: str) -> bytes | None:
        return self._load().get(key_id)

    def current(self) -> tuple[str, bytes]:
        """The key new entries are signed with; created (and stored) on first use."""
        keys = self._load()
        if self._current is not None and self._current in keys:
            return self._current, keys[self._current]
        fresh = secrets.token_bytes(32)
        kid = key_id_of(fresh)
        keys[kid] = fresh
        self._current = kid
        self._save()
        return kid, fresh

    # -- moving the keys between workstations ----------------------------------------------
    def exported(self) -> dict[str, object]:
        """Every key of this clinic and the current one, for another workstation
        (``clinic-desktop audit-key export``); the signing key is created if there is none."""
        self.current()
        return {"clinic_id": self.clinic_id, "current": self._current,
                "keys": {kid: key.hex() for kid, key in (self._keys or {}).items()}}

    def take(self, exported: dict[str, object]) -> int:
        """Add another workstation's keys and sign with its current one from now on, so every
        workstation on one server signs and verifies alike; the number of keys new here."""
        listed = exported.get("keys")
        current = exported.get("current")
        if exported.get("clinic_id") != self.clinic_id or not isinstance(listed, dict) \
                or not isinstance(current, str) or current not in listed:
            raise ValueError("not this clinic's audit keys")
        keys = self._load()
        added = 0
        for kid, hexkey in listed.items():
            key = bytes.fromhex(str(hexkey))
            if key_id_of(key) != kid:
                raise ValueError(f"key {kid} does not match its id")
            added += kid not in keys
            keys[kid] = key
        self._current = current
        self._save()
        return added

    # -- storage ---------------------------------------------------------------------------
    def _payload(self) -> str:
        keys = self._keys or {}
        return json.dumps({"current": self._current,
                           "keys": {kid: key.hex() for kid, key in keys.items()}})

    def _read_keyring(self) -> dict[str, object] | None:
        try:
            text = keyring.get_password(KEYRING_SERVICE, self.clinic_id)
        except (NoKeyringError, KeyringError):
            return None
        return json.loads(text) if text else None

    def _read_file(self) -> dict[str, object]:
        try:
            text = self.key_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        data: dict[str, object] = json.loads(text)
        return data

    def _save(self) -> None:
        if self.use_keyring:
            try:
                keyring.set_password(KEYRING_SERVICE, self.clinic_id, self._payload())
                return
            except (NoKeyringError, KeyringError):
                log.warning("no keyring for the audit key; keeping it in %s", self.key_file)
        self.key_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.key_dir, 0o700)
        # Written under a temporary name with owner-only permissions, then renamed: the key
        # is never readable by others, not even for a moment, and never half-written.
        handle, temp = tempfile.mkstemp(dir=self.key_dir, prefix=".key-")
        try:
            os.chmod(temp, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(self._payload())
            os.replace(temp, self.key_file)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
