"""Encryption at rest: a new clinic encrypted from birth, ``encrypt`` of a plain one (and a
power cut at any point of it), wrong and missing keys, the passphrase path, the recovery key,
encrypted attachments and backups, and owner-only files."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from clinic_desktop import database_keys
from clinic_desktop.clock import FixedClock
from clinic_desktop.context import Context
from clinic_desktop.database_keys import (
    PassphraseNeeded,
    StoredIn,
    parse_recovery_text,
    read_key_info,
    recovery_text,
    unwrap_key,
)
from clinic_desktop.errors import DatabaseUnusable, KeyRequired, UserError
from clinic_desktop.paths import DataDir
from clinic_desktop.services.attachments import add_attachment, attachment_content
from clinic_desktop.services.auth import setup_clinic
from clinic_desktop.services.patient_search import search_patients
from clinic_desktop.services.patients import PatientInput, create_patient
from clinic_desktop.services.platform.backups import backup_now
from clinic_desktop.services.platform.encryption import create_key, encrypt_database, unlock
from clinic_desktop.storage.database import open_database
from clinic_desktop.storage.restore import RestoreRefused, restore_file
from clinic_desktop.storage.sqlite_files import SQLITE_HEADER, forget_keys, is_encrypted
from tests.conftest import ADMIN_PASSWORD

NAME, MOBILE, ID_CARD = "欧阳淑芬", "13912345678", "35020319900101123X"
# A PNG's signature and a marker no cipher output would reproduce by chance.
pytestmark = pytest.mark.sqlite_only("SQLCipher encrypts the SQLite file")

IMAGE = b"\x89PNG\r\n\x1a\n" + b"X-RAY-OF-TOOTH-36 " * 64


def _set_up(data_dir: DataDir, clock: FixedClock, key: bytes | None) -> Context:
    db = open_database(data_dir, key=key)
    actor = setup_clinic(db, clinic_name="加密诊所", timezone="Asia/Shanghai",
                         admin_username="admin", admin_display_name="管理员",
                         password=ADMIN_PASSWORD, clock=clock)
    return Context(db=db, actor=actor, clock=clock)


def _fill(ctx: Context, tmp_path: Path) -> int:
    pid = create_patient(ctx, PatientInput(name=NAME, mobile=MOBILE, id_number=ID_CARD)).patient.id
    scan = tmp_path / "xray.png"
    scan.write_bytes(IMAGE)
    add_attachment(ctx, pid, scan)
    return pid


def _readable_anywhere(root: Path, *needles: bytes) -> list[str]:
    """What ``strings`` would find: any needle in any file under ``root``."""
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n!r}" for n in needles if n in data]
    return found


@pytest.fixture
def encrypted(data_dir: DataDir, fixed_clock: FixedClock, tmp_path: Path
              ) -> Iterator[tuple[Context, int]]:
    made = create_key(data_dir)
    ctx = _set_up(data_dir, fixed_clock, made.key)
    pid = _fill(ctx, tmp_path)
    yield ctx, pid
    ctx.db.close()


def test_a_new_encrypted_clinic_keeps_no_readable_patient_data(
        encrypted: tuple[Context, int], data_dir: DataDir) -> None:
    ctx, pid = encrypted
    backup = backup_now(ctx)
    assert backup.ok and backup.written
    ctx.db.close()
    assert is_encrypted(data_dir.database)
    assert data_dir.database.read_bytes()[:16] != SQLITE_HEADER
    needles = [NAME.encode(), MOBILE.encode(), ID_CARD.encode(), b"X-RAY-OF-TOOTH"]
    assert _readable_anywhere(data_dir.root, *needles) == []
    # And it opens again in a fresh process with the stored key, search included.
    forget_keys()
    db = open_database(data_dir)
    assert db.encrypted
    ctx2 = Context(db=db, actor=ctx.actor, clock=ctx.clock)
    assert [r.id for r in search_patients(ctx2, "ouyang")] == [pid]
    db.close()


def test_attachments_are_sealed_on_disk_and_read_back_plain(
        encrypted: tuple[Context, int]) -> None:
    ctx, pid = encrypted
    from clinic_desktop.services.attachments import attachments_of

    [info] = attachments_of(ctx, pid)
    stored = info.path.read_bytes()
    assert b"X-RAY-OF-TOOTH" not in stored and not stored.startswith(b"\x89PNG")
    assert attachment_content(ctx, info.id) == IMAGE


def test_a_wrong_key_a_missing_key_and_a_non_database_are_three_sentences(
        encrypted: tuple[Context, int], data_dir: DataDir, tmp_path: Path) -> None:
    ctx, _pid = encrypted
    ctx.db.close()
    forget_keys()
    with pytest.raises(KeyRequired, match="密钥不对"):
        open_database(data_dir, key=os.urandom(32))
    # The key file lost (a new PC): the recovery key is named, nothing is changed.
    before = data_dir.database.read_bytes()
    for key_file in database_keys.key_dir().glob("*.key"):
        key_file.unlink()
    forget_keys()
    with pytest.raises(KeyRequired, match="unlock --recovery-key-file") as missing:
        open_database(data_dir)
    assert not missing.value.passphrase
    assert data_dir.database.read_bytes() == before
    junk = DataDir(tmp_path / "junk")
    junk.ensure()
    junk.database.write_bytes(os.urandom(4096))
    with pytest.raises(DatabaseUnusable, match="不是 Clinic Desktop 数据库"):
        open_database(junk)


def test_the_recovery_key_unlocks_the_clinic_again(
        encrypted: tuple[Context, int], data_dir: DataDir) -> None:
    ctx, _pid = encrypted
    key = ctx.db.key
    assert key is not None
    ctx.db.close()
    text = recovery_text(key)
    for key_file in database_keys.key_dir().glob("*.key"):
        key_file.unlink()
    forget_keys()
    with pytest.raises(UserError, match="打不开"):
        unlock(data_dir, os.urandom(32))
    # Typed from paper: lower case, spaces instead of dashes, a zero for an O.
    typed = text.lower().replace("-", " ").replace("o", "0")
    assert unlock(data_dir, parse_recovery_text(typed)) is StoredIn.KEY_FILE
    forget_keys()
    open_database(data_dir).close()


@pytest.mark.parametrize("typo", ["drop a group", "change a letter"])
def test_a_mistyped_recovery_key_is_caught_by_its_checksum(typo: str) -> None:
    text = recovery_text(os.urandom(32))
    wrong = text[6:] if typo == "drop a group" else \
        text[:3] + ("A" if text[3] != "A" else "B") + text[4:]
    with pytest.raises(UserError, match="恢复密钥不正确") as caught:
        parse_recovery_text(wrong)
    assert caught.value.field == "recovery_key"


def test_encrypting_a_plain_clinic_keeps_every_row_and_seals_the_attachments(
        admin_ctx: Context, data_dir: DataDir, tmp_path: Path) -> None:
    pid = _fill(admin_ctx, tmp_path)
    admin_ctx.db.close()
    assert not is_encrypted(data_dir.database)
    made = encrypt_database(data_dir)
    assert made.stored_in is StoredIn.KEY_FILE
    assert is_encrypted(data_dir.database)
    assert not data_dir.database.with_name("clinic.sqlite3.encrypting").exists()
    assert _readable_anywhere(data_dir.root / "attachments", b"X-RAY-OF-TOOTH") == []
    with pytest.raises(UserError, match="已经加密"):
        encrypt_database(data_dir)
    forget_keys()
    db = open_database(data_dir)
    ctx = Context(db=db, actor=admin_ctx.actor, clock=admin_ctx.clock)
    from clinic_desktop.services.attachments import attachments_of

    [info] = attachments_of(ctx, pid)
    assert attachment_content(ctx, info.id) == IMAGE
    assert [r.name for r in search_patients(ctx, NAME)] == [NAME]
    db.close()


def test_rekey_gives_a_new_key_and_the_old_one_still_opens_earlier_backups(
        encrypted: tuple[Context, int], data_dir: DataDir) -> None:
    from clinic_desktop.services.attachments import attachments_of
    from clinic_desktop.services.platform.encryption import rekey_database

    ctx, pid = encrypted
    old = ctx.db.key
    before = backup_now(ctx)
    [earlier] = [d.file for d in before.destinations if d.file is not None]
    assert earlier is not None
    ctx.db.close()
    made = rekey_database(data_dir)
    assert made.key != old
    forget_keys()
    with pytest.raises(KeyRequired, match="密钥不对"):
        open_database(data_dir, key=old)
    forget_keys()
    db = open_database(data_dir)
    assert db.key == made.key
    ctx2 = Context(db=db, actor=ctx.actor, clock=ctx.clock)
    [info] = attachments_of(ctx2, pid)
    forget_keys()  # the attachment opens with the new key alone
    from clinic_desktop.storage.sqlite_files import remember_key

    remember_key(made.key)
    assert attachment_content(ctx2, info.id) == IMAGE
    db.close()
    # The backup made before the rekey is still readable here: the old key is kept.
    from clinic_desktop.database_keys import previous_key

    assert previous_key(data_dir) == old
    assert backup_contents_patients(earlier, old) == 1


def backup_contents_patients(path: Path, key: bytes | None) -> int:
    from clinic_desktop.storage.sqlite_files import connect_file

    conn = connect_file(path, read_only=True, key=key)
    try:
        return int(conn.execute("SELECT count(*) FROM patient").fetchone()[0])
    finally:
        conn.close()


_ENCRYPT_SCRIPT = """
import os, sys
os.environ["CLINIC_DESKTOP_KEY_DIR"] = sys.argv[2]
from clinic_desktop.paths import DataDir
from clinic_desktop.services.platform.encryption import encrypt_database
print("go", flush=True)
encrypt_database(DataDir(__import__("pathlib").Path(sys.argv[1])))
print("done", flush=True)
"""


def test_a_power_cut_during_encrypt_leaves_the_old_or_the_new_file_usable(
        admin_ctx: Context, data_dir: DataDir, tmp_path: Path) -> None:
    """Killed at moments drawn from a fixed seed: whichever file is in place opens, whole."""
    for n in range(40):
        create_patient(admin_ctx, PatientInput(name=f"患者{n}", mobile=f"139{n:08d}"))
    admin_ctx.db.close()
    pristine = tmp_path / "pristine"
    import shutil

    shutil.copytree(data_dir.root, pristine)
    key_dir = Path(os.environ["CLINIC_DESKTOP_KEY_DIR"])
    rng = random.Random(20261203)
    outcomes = set()
    for attempt in range(6):
        shutil.rmtree(data_dir.root)
        shutil.copytree(pristine, data_dir.root)
        process = subprocess.Popen(
            [sys.executable, "-c", _ENCRYPT_SCRIPT, str(data_dir.root), str(key_dir)],
            stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline().strip() == "go"
        time.sleep(rng.uniform(0, 0.25) if attempt else 0)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        forget_keys()
        db = open_database(data_dir)  # an interrupted export is never mistaken for the file
        outcomes.add(db.encrypted)
        with db.session() as session:
            from sqlalchemy import text

            assert session.execute(text("SELECT count(*) FROM patient")).scalar() == 40
        db.close()
    assert False in outcomes  # the earliest kill (before the swap) leaves the plain file


class _RefusingKeyring(KeyringBackend):
    """A keyring that is there but says no (locked, access denied)."""

    priority = 10  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("access denied")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("access denied")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("access denied")


def test_a_refusing_keyring_leads_to_a_passphrase_asked_at_every_start(
        data_dir: DataDir, fixed_clock: FixedClock) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(_RefusingKeyring())
    try:
        with pytest.raises(PassphraseNeeded):
            create_key(data_dir)
        made = create_key(data_dir, passphrase="门诊部 2026 春")
        assert made.stored_in is StoredIn.PASSPHRASE
        ctx = _set_up(data_dir, fixed_clock, made.key)
        ctx.db.close()
        forget_keys()
        with pytest.raises(KeyRequired) as asked:
            open_database(data_dir)
        assert asked.value.passphrase
        info = read_key_info(data_dir)
        assert info is not None
        assert unwrap_key(info, "wrong") is None
        key = unwrap_key(info, "门诊部 2026 春")
        assert key == made.key
        open_database(data_dir, key=key).close()
    finally:
        keyring.set_keyring(previous)


def test_an_encrypted_backup_restores_here_and_is_refused_without_its_key(
        encrypted: tuple[Context, int], tmp_path: Path) -> None:
    ctx, _pid = encrypted
    result = backup_now(ctx)
    [destination] = [d for d in result.destinations if d.file is not None]
    assert destination.file is not None and is_encrypted(destination.file)
    ctx.db.close()
    elsewhere = DataDir(tmp_path / "restored")
    elsewhere.ensure()
    restored = restore_file(elsewhere, destination.file, stamp=ctx.clock.now())
    assert restored.check.patients == 1
    forget_keys()
    db = open_database(elsewhere)  # its key was stored for the new folder
    assert db.encrypted
    db.close()
    forget_keys()
    for key_file in database_keys.key_dir().glob("*.key"):
        key_file.unlink()
    with pytest.raises(RestoreRefused, match="本机没有密钥的加密备份"):
        restore_file(DataDir(tmp_path / "third"), destination.file, stamp=ctx.clock.now())


def test_the_data_folder_and_key_files_are_readable_by_the_owner_only(
        encrypted: tuple[Context, int], data_dir: DataDir) -> None:
    from clinic_desktop.file_modes import loose_entries

    ctx, _pid = encrypted
    backup_now(ctx)
    ctx.db.close()
    assert stat.S_IMODE(data_dir.root.stat().st_mode) == 0o700
    assert stat.S_IMODE(data_dir.database.stat().st_mode) == 0o600
    for key_file in database_keys.key_dir().glob("*.key"):
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Under the test process's own umask other files may be looser; ``check`` names them.
    loose = data_dir.root / "logs" / "shared.txt"
    loose.write_text("x")
    loose.chmod(0o644)
    assert loose in loose_entries(data_dir.root)
