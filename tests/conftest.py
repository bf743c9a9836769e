"""Shared test setup: headless Qt before any Qt import, real SQLite files in temp folders."""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from keyring.backends.fail import Keyring as FailKeyring  # noqa: E402

from clinic_desktop.audit_keys import ENV_KEY_DIR  # noqa: E402
from clinic_desktop.clock import FixedClock  # noqa: E402
from clinic_desktop.context import Actor, Context  # noqa: E402
from clinic_desktop.i18n import current_language, set_language  # noqa: E402
from clinic_desktop.paths import DataDir  # noqa: E402
from clinic_desktop.services.auth import setup_clinic  # noqa: E402
from clinic_desktop.storage.database import Database, open_database  # noqa: E402
from clinic_desktop.storage.sqlite_files import forget_keys  # noqa: E402

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
def _no_database_keys_from_earlier_tests() -> Iterator[None]:
    """Each test starts as a fresh process would: holding no database key."""
    forget_keys()
    yield
    forget_keys()


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


@dataclass(frozen=True)
class _Template:
    root: Path
    key_dir: Path
    actor: Actor | None


class ClinicTemplates:
    """Migrated (and optionally set-up) clinics built once per test worker and copied into
    each test's own folder: migrating and hashing the first password cost ~0.8 s a test,
    a copy ~5 ms. The copy is a real file the test owns; only the start is shared."""

    def __init__(self, base: Path) -> None:
        self._base = base
        self._built: dict[str | None, _Template] = {}

    def copy_into(self, data_dir: DataDir, clinic_name: str | None) -> Actor | None:
        """Put a fresh copy of the template into ``data_dir`` (and its audit key into this
        test's key folder); the administrator set up in it, or None for an empty clinic."""
        template = self._built.get(clinic_name) or self._build(clinic_name)
        shutil.copytree(template.root, data_dir.root)
        key_dir = Path(os.environ[ENV_KEY_DIR])
        key_dir.mkdir(parents=True, exist_ok=True)
        for key_file in template.key_dir.iterdir():
            shutil.copy2(key_file, key_dir / key_file.name)
        return template.actor

    def _build(self, clinic_name: str | None) -> _Template:
        slot = self._base / f"template-{len(self._built)}"
        data_dir, key_dir = DataDir(slot / "clinic"), slot / "keys"
        key_dir.mkdir(parents=True)
        test_key_dir = os.environ.get(ENV_KEY_DIR)
        os.environ[ENV_KEY_DIR] = str(key_dir)
        test_language = current_language()
        set_language("zh_CN")  # what the clinic's own rows are written in, whatever the test
        try:
            db = open_database(data_dir, now=FIXED_NOW)
            actor = None
            if clinic_name is not None:
                actor = setup_clinic(
                    db, clinic_name=clinic_name, timezone="Asia/Shanghai",
                    admin_username="admin", admin_display_name=ADMIN_DISPLAY_NAMES[clinic_name],
                    password=ADMIN_PASSWORD, clock=FixedClock(FIXED_NOW),
                )
            db.close()
        finally:
            set_language(test_language)
            if test_key_dir is None:
                del os.environ[ENV_KEY_DIR]
            else:
                os.environ[ENV_KEY_DIR] = test_key_dir
        self._built[clinic_name] = _Template(data_dir.root, key_dir, actor)
        return self._built[clinic_name]


# The set-up clinics the fixtures start from, by clinic name: their administrator's name.
ADMIN_DISPLAY_NAMES = {"测试诊所": "管理员", "仁爱口腔": "王院长"}


@pytest.fixture(scope="session")
def clinic_templates(tmp_path_factory: pytest.TempPathFactory) -> ClinicTemplates:
    return ClinicTemplates(tmp_path_factory.mktemp("clinic-templates"))


# The administrator of a database the ``database`` fixture copied from a set-up template, by
# the Database object; ``admin_ctx`` takes it from here instead of setting the clinic up again.
_SET_UP: dict[int, Actor] = {}


@pytest.fixture
def database(data_dir: DataDir, clinic_templates: ClinicTemplates,
             request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty migrated clinic; already set up when the test also asks for ``admin_ctx``."""
    actor = None
    if "admin_ctx" in request.fixturenames:
        clock: FixedClock = request.getfixturevalue("fixed_clock")
        if clock.now() == FIXED_NOW:
            actor = clinic_templates.copy_into(data_dir, "测试诊所")
    else:
        clinic_templates.copy_into(data_dir, None)
    db = open_database(data_dir)
    if actor is not None:
        _SET_UP[id(db)] = actor
    yield db
    _SET_UP.pop(id(db), None)
    db.close()


@pytest.fixture
def admin_ctx(database: Database, fixed_clock: FixedClock) -> Context:
    """A set-up clinic and its first administrator, on a fixed clock."""
    actor = _SET_UP.pop(id(database), None) or setup_clinic(
        database, clinic_name="测试诊所", timezone="Asia/Shanghai", admin_username="admin",
        admin_display_name=ADMIN_DISPLAY_NAMES["测试诊所"], password=ADMIN_PASSWORD,
        clock=fixed_clock,
    )
    return Context(db=database, actor=actor, clock=fixed_clock)
