"""Shared test setup: headless Qt before any Qt import, real SQLite files in temp folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

from collections.abc import Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from keyring.backends.fail import Keyring as FailKeyring  # noqa: E402

from clinic_desktop.audit_keys import ENV_KEY_DIR  # noqa: E402
from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Context  # noqa: E402
from clinic_desktop.i18n import set_language  # noqa: E402
from clinic_desktop.paths import DataDir  # noqa: E402
from clinic_desktop.services.auth import setup_clinic  # noqa: E402
from clinic_desktop.storage.database import Database, open_database  # noqa: E402

ADMIN_PASSWORD = "s3cret-pass"

# CI runs the same examples every time (a property failure reproduces, never flickers);
# HYPOTHESIS_PROFILE=thorough searches ten times harder when hunting for edge cases.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# No OS keyring, as on the clinic PCs we test for. Set before anything asks: keyring picks its
# default lazily among every backend class defined so far, and a test module's in-memory
# backend would otherwise become the default for the whole worker.
keyring.set_keyring(FailKeyring())



@pytest.fixture(autouse=True)
def _audit_keys_in_a_temp_folder(tmp_path_factory: pytest.TempPathFactory,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Audit keys go to a folder of the test's own (never the developer's config folder)."""
    monkeypatch.setenv(ENV_KEY_DIR, str(tmp_path_factory.mktemp("audit-keys")))


@pytest.fixture(autouse=True)
def _chinese_messages() -> Iterator[None]:
    """Core messages are asserted in Chinese (the source language) unless a test switches."""
    set_language("zh_CN")
    yield
    set_language("zh_CN")


# Every test runs on this instant (Tuesday 2026-11-24, 10:00 in Shanghai), never on today:
# CI runs the suite a year ahead as well to keep it that way.
FIXED_NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture
def fixed_clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "clinic")


@pytest.fixture
def database(data_dir: DataDir) -> Iterator[Database]:
    db = open_database(data_dir)
    yield db
    db.close()


@pytest.fixture
def admin_ctx(database: Database, fixed_clock: FixedClock) -> Context:
    """A set-up clinic and its first administrator, on a fixed clock."""
    actor = setup_clinic(
        database, clinic_name="测试诊所", timezone="Asia/Shanghai", admin_username="admin",
        admin_display_name="管理员", password=ADMIN_PASSWORD, clock=fixed_clock,
    )
    return Context(db=database, actor=actor, clock=fixed_clock)
