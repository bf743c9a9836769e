"""Attachment files encrypted at rest (AES-256-GCM), for a clinic whose database is encrypted.

A stored file is ``MAGIC + nonce + ciphertext`` (the tag ends the ciphertext); the nonce is new
for every file, and the file keeps its name, the SHA-256 of the *plain* content, so the same
X-ray attached twice is stored once either way. The attachment key is derived from the database
key (HKDF), so one secret (and one recovery key) opens everything. A file without the magic is
plain (a clinic not encrypted, or a file stored before ``encrypt`` reached it): read as it is.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CDENC1\x00\x00"
NONCE_BYTES = 12


class BlobUnreadable(Exception):
    """An encrypted attachment that this key does not open (or a damaged file)."""


def attachment_key(database_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"clinic-desktop attachments v1").derive(database_key)


def seal(plain: bytes, key: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, plain, MAGIC)


def unseal(stored: bytes, keys: Sequence[bytes]) -> bytes:
    """The plain content; each of ``keys`` is tried (the current one first)."""
    if not stored.startswith(MAGIC):
        return stored
    nonce = stored[len(MAGIC):len(MAGIC) + NONCE_BYTES]
    for key in keys:
        try:
            return AESGCM(key).decrypt(nonce, stored[len(MAGIC) + NONCE_BYTES:], MAGIC)
        except InvalidTag:
            continue
    raise BlobUnreadable("no key this process holds opens this attachment")


def write_blob(target: Path, plain: bytes, key: bytes | None) -> None:
    """Store ``plain`` under ``target`` (sealed when ``key``): written under a ``.part`` name
    and renamed, so no half-written file ever carries a hash name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(seal(plain, key) if key is not None else plain)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_blob(path: Path, keys: Sequence[bytes]) -> bytes:
    return unseal(path.read_bytes(), keys)


def seal_folder(root: Path, key: bytes, *, old_keys: Sequence[bytes] = ()) -> int:
    """Seal every attachment under ``root`` with ``key`` in place: plain ones (``encrypt``)
    and, given ``old_keys``, ones sealed with an older key (``rekey``). How many were
    written. Safe to stop and run again: each file is replaced whole, and files already
    sealed with ``key`` are left alone."""
    written = 0
    for path in sorted(root.glob("*/*")):
        if path.name.endswith(".part") or not path.is_file():
            continue
        stored = path.read_bytes()
        if stored.startswith(MAGIC):
            try:
                unseal(stored, [key])
                continue  # already sealed with this key
            except BlobUnreadable:
                if not old_keys:
                    continue
                plain = unseal(stored, old_keys)
        else:
            plain = stored
        write_blob(path, plain, key)
        written += 1
    return written
